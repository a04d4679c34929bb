"""Readers polling through a CDN: nginx's proxy_cache in front of the app, against the app
alone, and against nginx keeping nothing (what the proxy itself costs).

    python -m bench.cdn [--seconds 8] [--readers 32] [--interval 2] [--out bench/results]

The app runs as the README's production command (uvicorn, one process, DEBUG off,
PostgreSQL and Redis: bench.servers.bench_environment); the CDN is
deploy/nginx/cdn-standin.conf. For each URL a crowd of readers polls on kept-alive
connections as fast as it is answered, while a journalist publishes every `--interval`
seconds (so the cache has something to expire): the live page, the catch-up endpoint
(each reader asking after the last event it has) and the API's posts. Counted per run: the
readers' requests, those that reached the app (the app's own access log), the cache's
verdicts (nginx's $upstream_cache_status), the app's CPU, and the load average of the
machine before and after, which is shared with other work.
"""

import argparse
import asyncio
import gzip
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import psutil

from bench.servers import HOST, ROOT, bench_environment, free_port
from deploy.stack import fill, nginx_binary

# The README's production command (Operate, "Production"), access log on as there.
APP = [
    *("-m", "uvicorn", "newsroom.asgi:application", "--host", HOST),
    *("--lifespan", "off", "--no-proxy-headers", "--ws-max-size", "4096"),
    *("--ws-ping-interval", "20", "--ws-ping-timeout", "20"),
    *("--timeout-keep-alive", "5", "--timeout-graceful-shutdown", "10"),
]
BROWSER = "Accept-Encoding: gzip\r\nUser-Agent: bench-cdn\r\n"
# Readers' browsers ask for their own languages: a page that said it varies with them would
# be kept once per list by the cache (liveblog.i18n.LocaleMiddleware).
LANGUAGES = (
    "fr-FR,fr;q=0.9",
    "fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7",
    "fr",
    "fr-BE,fr;q=0.9,nl;q=0.8",
    "en-GB,en;q=0.9,fr;q=0.8",
    "en-US,en;q=0.9",
    "de-DE,de;q=0.9,fr;q=0.8,en;q=0.7",
    "fr-CA,fr;q=0.9,en-CA;q=0.8",
)
FROM_CACHE = {"HIT", "UPDATING", "STALE", "REVALIDATED"}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--readers", type=int, default=32)
    parser.add_argument("--interval", type=float, default=2, help="seconds between posts")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument(
        "--work", type=Path, help="logs, nginx's cache (default: a new /tmp folder)"
    )
    options = parser.parse_args(argv)
    command = "python -m bench.cdn " + shlex.join(sys.argv[1:] if argv is None else argv)
    print(f"$ {command}", flush=True)
    started = datetime.now(UTC).isoformat(timespec="seconds")

    from bench.publishing import (
        Publisher,
        flush_redis,
        prepare_database,
        session_with_posts,
        setup_django,
        slug,
    )

    setup_django()
    prepare_database()
    flush_redis()
    session = session_with_posts(slug("cdn"), 20)
    publisher = Publisher(session)
    publisher.prepare(int(3 * 3 * (options.seconds + 2) / options.interval) + 10)
    paths = {
        "live page": f"/live/{session.slug}/",
        "catch-up": f"/live/{session.slug}/events?after={{after}}",
        "API posts": f"/api/lives/{session.slug}/posts/",
    }
    work = options.work or Path(tempfile.mkdtemp(prefix="liveblog-cdn-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"logs and cache in {work}", flush=True)
    app, cdn = App(work), Cdn(work)
    runs = []
    try:
        app.start()
        cdn.start(app.port)
        # Not measured: the app's first requests load templates and open connections.
        warm_up = argparse.Namespace(**{**vars(options), "seconds": 1, "readers": 2})
        for path in paths.values():
            asyncio.run(poll(app.port, path, warm_up, publisher.last_seq()))
        for name, path in paths.items():
            for route, port in (("direct", app.port), ("nginx", cdn.plain_port), ("CDN", cdn.port)):
                run = measure(name, route, port, path, options, app, cdn, publisher)
                runs.append(run)
                print(row(run), flush=True)
    finally:
        cdn.stop()
        app.stop()
    results = {
        "command": command,
        "started": started,
        "machine": {"cores": os.cpu_count(), "python": sys.version.split()[0]},
        "seconds": options.seconds,
        "readers": options.readers,
        "interval": options.interval,
        "runs": runs,
    }
    options.out.mkdir(parents=True, exist_ok=True)
    (options.out / "cdn.json").write_text(json.dumps(results, indent=1))
    print()
    print("\n".join(section(results)))
    problems = [f"{r['url']} {r['route']}: {r['errors']} errors" for r in runs if r["errors"]]
    if problems:
        sys.exit("\n".join(problems))


class App:
    """One uvicorn process started as the README says; its access log counts what reaches it."""

    def __init__(self, work: Path):
        self.port = free_port()
        self.log = work / "app.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, *APP, "--port", str(self.port)],
                cwd=ROOT,
                env=bench_environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_for_port(self.port, self.process, self.log)

    def requests_logged(self) -> int:
        return sum(1 for line in self.log.open(errors="replace") if '"GET ' in line)

    def cpu_seconds(self) -> float:
        times = psutil.Process(self.process.pid).cpu_times()
        return times.user + times.system

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


class Cdn:
    """nginx with deploy/nginx/cdn-standin.conf: `port` caches, `plain_port` only proxies."""

    def __init__(self, work: Path):
        self.dir = work / "cdn"
        self.port, self.plain_port = free_port(), free_port()
        self.process: subprocess.Popen | None = None

    def start(self, origin_port: int) -> None:
        for folder in ("cache", "body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.dir / folder).mkdir(parents=True, exist_ok=True)
        values = {
            "USER_LINE": "user root;" if os.getuid() == 0 else "",
            "WORKERS": "1",
            "DIR": str(self.dir),
            "ORIGIN": f"{HOST}:{origin_port}",
            "PORT": str(self.port),
            "PLAIN_PORT": str(self.plain_port),
        }
        template = (ROOT / "deploy" / "nginx" / "cdn-standin.conf").read_text()
        config = self.dir / "nginx.conf"
        config.write_text(fill(template, values))
        nginx = [nginx_binary(), "-p", str(self.dir), "-c", str(config), "-e", "stderr"]
        self.process = subprocess.Popen([*nginx, "-g", "daemon off;"])
        wait_for_port(self.port, self.process, self.dir / "error.log")

    @property
    def access_log(self) -> Path:
        return self.dir / "access.log"

    def verdicts_since(self, offset: int) -> Counter:
        with self.access_log.open("rb") as log:
            log.seek(offset)
            return Counter(line.split(b" ", 1)[0].decode() for line in log if line.strip())

    def log_size(self) -> int:
        return self.access_log.stat().st_size if self.access_log.exists() else 0

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


def wait_for_port(port: int, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            text = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            raise RuntimeError(f"{process.args[0]} exited at start:\n{text}")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listened on {port} within {timeout}s")


def measure(name, route, port, path, options, app, cdn, publisher) -> dict:
    stop = threading.Event()
    published = []

    def journalist() -> None:
        # The ORM in this thread: one post every interval, as a busy desk does.
        from django.db import connection

        while not stop.wait(options.interval):
            published.append(publisher.publish()[0])
        connection.close()

    load_before = os.getloadavg()
    app_before, cpu_before = app.requests_logged(), app.cpu_seconds()
    log_offset = cdn.log_size()
    thread = threading.Thread(target=journalist, daemon=True)
    thread.start()
    started = time.monotonic()
    crowd = asyncio.run(poll(port, path, options, publisher.last_seq()))
    seconds = time.monotonic() - started
    stop.set()
    thread.join()
    # The app writes its access line when it answers: give the last ones a moment.
    time.sleep(0.3)
    app_requests = app.requests_logged() - app_before
    app_cpu = app.cpu_seconds() - cpu_before
    verdicts = cdn.verdicts_since(log_offset) if route == "CDN" else Counter()
    latencies = sorted(crowd["latencies_ms"])
    served = len(latencies)
    return {
        "url": name,
        "route": route,
        "path": path,
        "readers": options.readers,
        "seconds": round(seconds, 2),
        "requests": served,
        "errors": crowd["errors"],
        "statuses": crowd["statuses"],
        "req_per_s": round(served / seconds, 1),
        "p50_ms": round(statistics.median(latencies), 2) if latencies else None,
        "p99_ms": round(latencies[int(0.99 * (served - 1))], 2) if latencies else None,
        "app_requests": app_requests,
        "app_share": round(app_requests / served, 4) if served else None,
        "app_req_per_s": round(app_requests / seconds, 1),
        "app_cpu_s": round(app_cpu, 2),
        "app_cpu_ms_per_reader_request": round(1000 * app_cpu / served, 3) if served else None,
        "cache": dict(verdicts),
        "hit_ratio": (
            round(sum(verdicts[v] for v in FROM_CACHE) / sum(verdicts.values()), 4)
            if verdicts
            else None
        ),
        "posts_published": len(published),
        "load_before": [round(value, 2) for value in load_before],
        "load_after": [round(value, 2) for value in os.getloadavg()],
    }


async def poll(port: int, path: str, options, last_seq: int) -> dict:
    """`options.readers` readers, each on its own kept-alive connection, asking again as soon
    as answered; catch-up readers ask after the newest event they have seen."""
    deadline = time.monotonic() + options.seconds
    latencies, statuses, errors = [], Counter(), Counter()

    async def reader(number: int) -> None:
        after = last_seq
        language = LANGUAGES[number % len(LANGUAGES)]
        connection = None
        while time.monotonic() < deadline:
            begun = time.monotonic()
            try:
                connection = connection or await asyncio.open_connection(HOST, port)
                target = path.format(after=after)
                status, headers, body = await get(*connection, target, language)
            except (OSError, asyncio.IncompleteReadError, ValueError) as failure:
                errors[type(failure).__name__] += 1
                connection = None
                await asyncio.sleep(0.05)
                continue
            latencies.append(round((time.monotonic() - begun) * 1000, 2))
            statuses[status] += 1
            if status != 200:
                errors[f"HTTP {status}"] += 1
            if headers.get("connection") == "close":
                connection[1].close()
                connection = None
            if "{after}" in path and status == 200:
                if headers.get("content-encoding") == "gzip":
                    body = gzip.decompress(body)
                events = json.loads(body).get("events", [])
                after = max([after, *(event["seq"] for event in events)])
        if connection:
            connection[1].close()

    await asyncio.gather(*(reader(number) for number in range(options.readers)))
    return {"latencies_ms": latencies, "statuses": dict(statuses), "errors": sum(errors.values())}


async def get(reader, writer, target: str, language: str) -> tuple[int, dict, bytes]:
    """One GET on a kept-alive HTTP/1.1 connection: status, headers, body."""
    head = f"GET {target} HTTP/1.1\r\nHost: {HOST}\r\n{BROWSER}Accept-Language: {language}"
    writer.write(f"{head}\r\n\r\n".encode())
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            key, value = line.split(":", 1)
            headers[key.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        parts = []
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
        await reader.readuntil(b"\r\n")
        body = b"".join(parts)
    else:
        body = b""
    return status, headers, body


def row(run: dict) -> str:
    cache = ", ".join(f"{k} {v}" for k, v in sorted(run["cache"].items())) or "-"
    hit = f"{100 * run['hit_ratio']:.1f}%" if run["hit_ratio"] is not None else "-"
    load = f"{run['load_before'][0]:.2f} → {run['load_after'][0]:.2f}"
    return (
        f"| {run['url']} | {run['route']} | {run['req_per_s']:,.0f} | {figure(run['p50_ms'])} | "
        f"{figure(run['p99_ms'])} | {run['requests']:,} | {run['app_requests']:,} | "
        f"{run['app_req_per_s']:,.1f} | {100 * run['app_share']:.2f}% | "
        f"{run['app_cpu_ms_per_reader_request']} | {hit} | "
        f"{cache} | {run['posts_published']} | {load} |"
    )


def figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def table(runs: list[dict]) -> list[str]:
    return [
        "| URL | route | req/s | p50 ms | p99 ms | reader requests | reached the app |"
        " app req/s | share | app CPU ms per reader request | hit ratio | cache verdicts |"
        " posts meanwhile | load (1 min) before → after |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|",
        *(row(run) for run in runs),
    ]


def section(results: dict) -> list[str]:
    """BENCHMARKS.md's part on this run (bench.report adds it when cdn.json is there)."""
    runs = {(run["url"], run["route"]): run for run in results["runs"]}
    loads = [run["load_before"][0] for run in results["runs"]]
    loads += [run["load_after"][0] for run in results["runs"]]
    lines = [
        "## 6. Readers polling through a CDN",
        "",
        f"**`{results['command']}`**, run {results['started']}, separately from the sections "
        "above, while **the machine was shared with other work**: its load average (1 min, "
        f"{results['machine']['cores']} cores) went from {min(loads):.1f} to {max(loads):.1f} "
        "and is given beside each figure. The run is kept short (the servers' own figures "
        "are in section 3, from a quiet machine); what counts here is the ratios. Raw figures: "
        "`bench/results/cdn.json`.",
        "",
        "The app is the README's production command (one uvicorn process, `DJANGO_DEBUG=0`, "
        "PostgreSQL and Redis, access log on), reached **direct**ly, through **nginx** keeping "
        "nothing, and through nginx's `proxy_cache` standing in for a **CDN** "
        "(`deploy/nginx/cdn-standin.conf`: the origin's `Cache-Control` honoured, revalidation "
        "with its ETag, concurrent misses collapsed, nothing kept for a session cookie). "
        f"{results['readers']} readers poll each URL for {results['seconds']:g} s, each on a "
        "kept-alive connection and asking again as soon as answered (catch-up readers after the "
        f"newest event they have; their browsers ask for {len(LANGUAGES)} different lists of "
        "languages), while a journalist publishes a post every "
        f"{results['interval']:g} s. *Reached the app* is counted in the app's access log; the "
        "cache's verdicts are nginx's `$upstream_cache_status`; app CPU is the uvicorn "
        "process's, divided by the readers' requests.",
        "",
        *table(results["runs"]),
        "",
    ]
    catch_up = runs.get(("catch-up", "CDN"))
    direct = runs.get(("catch-up", "direct"))
    if catch_up and direct:
        cost = direct["app_cpu_ms_per_reader_request"]
        lines += [
            f"- **Through the CDN the app answered {catch_up['app_requests']} of "
            f"{catch_up['requests']:,} catch-up polls** ({100 * catch_up['app_share']:.2f}%), "
            f"{catch_up['app_req_per_s']:.1f} a second; the live page and the API "
            f"{runs[('live page', 'CDN')]['app_requests']} and "
            f"{runs[('API posts', 'CDN')]['app_requests']} requests in the whole run. "
            "The app's load through a CDN follows the number of URLs and their lifetimes "
            "(`s-maxage`), not the number of readers.",
            f"- **10,000 readers polling every 10 s** are 1,000 requests a second: directly, "
            f"at {cost:.1f} ms of app CPU per catch-up poll (on this busy machine), "
            f"{cost:.1f} cores; through the CDN, about the "
            f"{catch_up['app_req_per_s']:.0f} requests a second measured here, "
            f"{catch_up['app_req_per_s'] * cost / 1000:.2f} of a core (more readers add only "
            "the polls in flight when an answer expires, below).",
            "- **Where the CDN's share comes from.** nginx collapses concurrent misses of a new "
            "URL (`proxy_cache_lock`: one request per new `?after=N`) but not the refresh of an "
            "expired entry: when a catch-up answer expires (3 s, never served stale) every poll "
            "that arrives before the new answer is in goes to the app "
            f"(EXPIRED {catch_up['cache'].get('EXPIRED', 0)} here, the {results['readers']} "
            "readers at each expiry). The live page and the API are refreshed in the background while the "
            "expired copy is served (`stale-while-revalidate`: UPDATING), one request each. A "
            "CDN with request collapsing on refresh sends one request per expiry; in nginx, "
            "`proxy_cache_use_stale updating` would do it at the cost of serving an expired "
            "catch-up answer for the length of one origin request, which the catch-up's "
            "never-stale rule (withdrawn words gone within 3 s) does not allow.",
            f"- **One copy whatever the reader's language.** The readers' browsers send "
            f"{len(LANGUAGES)} different `Accept-Language` lists. While the live's pages still "
            "said `Vary: Accept-Language` (before liveblog.i18n.LocaleMiddleware), nginx kept "
            "one copy per list: the same command, run 2026-12-06 at a load of 8 to 14, sent the "
            "app 16 requests for the live page and 16 for the API (MISS 8, then a refresh of "
            f"each copy), against {runs[('live page', 'CDN')]['app_requests']} and "
            f"{runs[('API posts', 'CDN')]['app_requests']} here. A real audience has thousands "
            "of such lists.",
            "- **Latency** through the cache is nginx's and the load client's (both on these two "
            "cores): milliseconds, against hundreds for the app on a machine this loaded. Behind "
            "nginx without its cache the app spends the same CPU per request as directly; the "
            "rows differ by the noise of a shared machine.",
            "",
        ]
    return lines


if __name__ == "__main__":
    main()
