"""The five scenarios of issue 5 and the polling baseline. Each returns plain data (JSON),
which bench.report turns into BENCHMARKS.md and plots.

Every loop here is bounded in count and in time; every reader is on 127.0.0.1.
"""

import json
import os
import statistics
import time
import urllib.request
from dataclasses import dataclass, replace

from bench import publishing
from bench.load import Crowd
from bench.publishing import DeskPublisher, Publisher, fresh_session
from bench.servers import HOST, Server

APP_KINDS = ("uvicorn", "daphne")


@dataclass
class Mode:
    name: str
    levels: tuple[int, ...]  # readers connected, in steps
    posts: tuple[int, ...]  # posts published at each step
    interval: float  # seconds between posts
    configs: tuple[tuple[str, int], ...]  # (server kind, processes)
    idle_seconds: float
    page_posts: tuple[int, int]
    http_seconds: float
    http_concurrency: int
    storm_readers: int
    client_processes: int
    delivery_wait: float = 30.0
    # The naive peer spends about a third of a millisecond per reader and event: at
    # 10,000 readers a post every second piles up. It gets fewer posts and more time.
    naive_posts: tuple[int, ...] | None = None
    naive_wait: float = 90.0
    settle: float = 1.0  # seconds for a server or a crowd to settle before measuring
    lone_publishes: int = 10  # publishes timed with no reader connected
    runs: int = 1  # runs of each fan-out configuration; the report gives their median
    # Runs of the configurations that only compare (the naive peer, two processes, daphne):
    # the goals are read on the first two (the app on uvicorn x1 and the ceiling), which get
    # `runs`. None: `runs` for every configuration.
    comparison_runs: int | None = None
    # Issue 15's scale goal (bench.fleet.scale): readers over app processes, each reader
    # process under the file limit; posts one every `scale_interval` s, `scale_wait` to arrive.
    scale_readers: int = 40
    scale_processes: int = 2
    scale_client_processes: int = 1
    scale_posts: int = 3
    scale_interval: float = 2.0
    scale_wait: float = 60.0
    # The rolling deploy (bench.fleet.rolling_deploy): readers, app processes.
    deploy_readers: int = 30
    deploy_processes: int = 3
    # Text against binary frames (`frames`): posts at the top level of readers, every run.
    frames_posts: int = 3


def percentiles(values: list[float]) -> dict:
    if not values:
        return {"count": 0}
    ordered = sorted(values)

    def at(fraction: float) -> float:
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    return {
        "count": len(ordered),
        "p50": at(0.50),
        "p95": at(0.95),
        "p99": at(0.99),
        "max": ordered[-1],
        "mean": statistics.fmean(ordered),
    }


def quantiles(values: list[float]) -> list[float]:
    """The 0th to 100th percentiles, for the latency distribution plot."""
    if not values:
        return []
    ordered = sorted(values)
    return [ordered[min(len(ordered) - 1, len(ordered) * q // 100)] for q in range(101)]


def get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()
        return response.status


def reader_urls(server: Server, slug: str) -> tuple[str, str | None]:
    """The reader's socket and catch-up URLs; `{after}` is the seq the reader is at."""
    socket = f"{server.ws_url}/ws/live/{slug}/?after={{after}}"
    if server.kind == "ceiling":
        return socket, None
    return socket, f"{server.url}/live/{slug}/events?after={{after}}"


def replays_on_connect(server: Server) -> bool:
    """The app's socket sends what a reader missed after its `?after=`; the peers do not,
    so their readers fetch the catch-up URL after reconnecting."""
    return server.kind in APP_KINDS


class CeilingPublisher:
    """Sends the app's own frame for a real event to the bare server, which broadcasts it."""

    def __init__(self, server: Server, frame: str):
        from websockets.sync.client import connect

        self.socket = connect(f"{server.ws_url}/publish", compression=None)
        self.frame = json.loads(frame)
        self.seq = 0

    def prepare(self, count: int) -> None:
        """Nothing to write beforehand: the frame is ready."""

    def last_seq(self) -> int:
        return self.seq

    def publish(self) -> tuple[int, float, float]:
        self.seq += 1
        frame = json.dumps({**self.frame, "seq": self.seq}, ensure_ascii=False)
        started = time.monotonic()
        self.socket.send(frame)
        self.socket.recv(timeout=60)
        return self.seq, started, time.monotonic() - started

    def close(self) -> None:
        self.socket.close()


def publish_series(publisher, count: int, interval: float) -> tuple[dict[int, float], list[float]]:
    """`count` posts, one every `interval` seconds; (seq → start, publish seconds)."""
    published, seconds = {}, []
    began = time.monotonic()
    for index in range(count):
        pause = began + index * interval - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        seq, started, took = publisher.publish()
        published[seq] = started
        seconds.append(took)
    return published, seconds


class MachineLoad:
    """What the rest of the machine did during a run: the CPU of every process that is neither
    the server measured nor the load client (PostgreSQL and Redis included, and whatever
    else shares the machine), in percent of one core, and the load average."""

    def __init__(self, server: Server, crowd: Crowd):
        self.server, self.crowd = server, crowd
        self.began = time.monotonic()
        self.busy, self.ours = busy_seconds(), self.our_seconds()
        self.loadavg = os.getloadavg()[0]

    def our_seconds(self) -> float:
        return self.server.cpu_seconds() + self.crowd.cpu_seconds()

    def finish(self) -> dict:
        elapsed = max(time.monotonic() - self.began, 1e-6)
        others = (busy_seconds() - self.busy) - (self.our_seconds() - self.ours)
        return {
            "seconds": round(elapsed, 1),
            "others_cpu_percent": round(max(others, 0.0) / elapsed * 100, 1),
            "loadavg_start": round(self.loadavg, 2),
            "loadavg_end": round(os.getloadavg()[0], 2),
        }


def busy_seconds() -> float:
    import psutil

    times = psutil.cpu_times()._asdict()
    # Linux counts guest time inside user time already; idle and iowait are not work.
    return sum(
        times.get(name, 0.0) for name in ("user", "nice", "system", "irq", "softirq", "steal")
    )


def median_of_runs(runs: list[dict]) -> dict:
    """One configuration's runs as one result: each figure the median of the runs, with the
    spread (lowest, highest) of the main ones and every run's machine load. Deliveries are
    the worst run's, and a step is complete only if it was in every run."""
    if len(runs) == 1:
        return {**runs[0], "runs": [{"run": 1, "load": runs[0].get("load")}]}
    combined = {
        **runs[0],
        "runs": [{"run": n, "load": r.get("load")} for n, r in enumerate(runs, 1)],
    }
    for key in ("idle_empty", "publish_no_readers"):
        if key in runs[0]:
            combined[key] = median_values([r[key] for r in runs])
    if "publish_cpu_ms" in runs[0]:
        combined["publish_cpu_ms_runs"] = [r["publish_cpu_ms"] for r in runs]
        combined["publish_cpu_ms"] = statistics.median(combined["publish_cpu_ms_runs"])
    steps = []
    for index, first in enumerate(runs[0]["steps"]):
        same = [r["steps"][index] for r in runs if index < len(r["steps"])]
        step = median_values(same)
        step["readers"], step["posts"] = first["readers"], first["posts"]
        worst = max(same, key=lambda s: s["deliveries"]["missing"] + s["deliveries"]["repeats"])
        step["deliveries"] = worst["deliveries"]
        step["complete"] = all(s["complete"] for s in same)
        # The distribution plotted is that of the run whose p99 is the median.
        by_p99 = sorted(same, key=lambda s: s["latency_ms"].get("p99", 0))
        step["latency_quantiles_ms"] = by_p99[len(by_p99) // 2]["latency_quantiles_ms"]
        step["spread"] = {
            "latency_p99_ms": spread([s["latency_ms"].get("p99") for s in same]),
            "latency_p50_ms": spread([s["latency_ms"].get("p50") for s in same]),
            "cpu_us_per_delivery": spread([s["cpu_us_per_delivery"] for s in same]),
            "publish_p50_ms": spread([s["publish_ms"].get("p50") for s in same]),
        }
        step["runs"] = len(same)
        steps.append(step)
    combined["steps"] = steps
    return combined


def median_values(dicts: list[dict]) -> dict:
    """Key by key, the median of numbers (recursively in dicts); anything else the first's."""
    out = {}
    for key, value in dicts[0].items():
        values = [d.get(key) for d in dicts]
        if isinstance(value, bool) or not all(isinstance(v, int | float | dict) for v in values):
            out[key] = value
        elif isinstance(value, dict):
            out[key] = median_values([v for v in values if isinstance(v, dict)])
        else:
            out[key] = statistics.median(values)
    return out


def spread(values: list) -> list:
    numbers = [v for v in values if isinstance(v, int | float)]
    return [min(numbers), max(numbers)] if numbers else []


def measure_idle(server: Server, seconds: float) -> dict:
    cpu = server.cpu_seconds()
    time.sleep(seconds)
    return {
        "rss": server.rss(),
        "cpu_percent": (server.cpu_seconds() - cpu) / seconds * 100,
    }


def fan_out(
    mode: Mode,
    kind: str,
    workers: int,
    frame: str,
    settings: dict[str, str] | None = None,
    extra: list[str] | None = None,
) -> dict:
    """Scenarios 1, 2 and 4 on one configuration: readers in steps, idle, then posts.
    `settings`: the server's environment beyond the bench's (LIVEBLOG_TEXT_FRAMES=1);
    `extra`: options after the production command's (`--ws-per-message-deflate true`)."""
    server = Server(kind, workers, settings=dict(settings or {}), extra=list(extra or []))
    slug = publishing.slug(f"{kind}-{workers}")
    session = fresh_session(slug)
    crowd = Crowd(mode.client_processes)
    result = {"server": server.name, "kind": kind, "workers": workers, "steps": []}
    try:
        server.start()
        time.sleep(mode.settle)
        load = MachineLoad(server, crowd)
        if kind == "ceiling":
            publisher = CeilingPublisher(server, frame)
        else:
            get(f"{server.url}{session.get_absolute_url()}")
            publisher = (
                Publisher(session)
                if os.environ.get("BENCH_PUBLISH") == "orm"
                else DeskPublisher(session, (HOST, server.port))
            )
        result["idle_empty"] = measure_idle(server, mode.idle_seconds)
        if kind in APP_KINDS:
            # Scenario 4, no reader connected: the publish alone.
            cpu = server.cpu_seconds()
            _published, seconds = publish_series(publisher, mode.lone_publishes, 0.2)
            result["publish_no_readers"] = percentiles([s * 1000 for s in seconds])
            # The server's CPU per publish, the empty process's idle CPU meanwhile included.
            result["publish_cpu_ms"] = (server.cpu_seconds() - cpu) * 1000 / mode.lone_publishes
        socket_url, catchup = reader_urls(server, slug)
        connected = 0
        plan, wait = mode.posts, mode.delivery_wait
        if kind == "naive" and mode.naive_posts:
            plan, wait = mode.naive_posts, mode.naive_wait
        for readers, posts in zip(mode.levels, plan, strict=True):
            opened = crowd.connect(
                readers - connected,
                [socket_url],
                publisher.last_seq(),
                catchup,
                replays_on_connect(server),
            )
            connected = readers
            time.sleep(mode.settle)
            step = {"readers": readers, "connect": opened}
            step["idle"] = measure_idle(server, mode.idle_seconds)
            cpu, client_cpu = server.cpu_seconds(), crowd.cpu_seconds()
            published, seconds = publish_series(publisher, posts, mode.interval)
            counts = crowd.collect(published, wait)
            step["client_cpu_us_per_delivery"] = (
                (crowd.cpu_seconds() - client_cpu) * 1e6 / max(counts["delivered"], 1)
            )
            # Server CPU per frame delivered: the cost of fan-out, whatever the load on the machine.
            step["cpu_us_per_delivery"] = (
                (server.cpu_seconds() - cpu) * 1e6 / max(counts["delivered"], 1)
            )
            latencies = counts.pop("latencies_ms")
            step["publish_ms"] = percentiles([s * 1000 for s in seconds])
            step["latency_ms"] = percentiles(latencies)
            step["latency_quantiles_ms"] = quantiles(latencies)
            step["deliveries"] = counts
            step["posts"] = posts
            step["complete"] = (
                counts["delivered"] == readers * posts
                and counts["readers"] == readers
                and counts["repeats"] == 0
            )
            result["steps"].append(step)
            print(
                f"  {server.name:10} {readers:>6} readers: p99 {step['latency_ms'].get('p99')} ms, "
                f"{counts['delivered']}/{readers * posts} delivered, "
                f"CPU per delivery: server {step['cpu_us_per_delivery']:.0f} µs, "
                f"readers {step['client_cpu_us_per_delivery']:.0f} µs",
                flush=True,
            )
        publisher.close()
        result["load"] = load.finish()
        print(
            f"  machine during the run: other processes {result['load']['others_cpu_percent']}% "
            f"of a core, load average {result['load']['loadavg_start']} → "
            f"{result['load']['loadavg_end']}",
            flush=True,
        )
    finally:
        crowd.quit()
        server.close()
    return result


# The server's environment for each kind of reader frame (newsroom/settings.py).
# What each kind of frame asks of the server: its environment and options after the
# production command's. "compressed" is what the production command decided against:
# permessage-deflate, which browsers always offer, on (bench/load.py offers it too).
FRAME_KINDS = {
    "binary": ({}, []),
    "text": ({"LIVEBLOG_TEXT_FRAMES": "1"}, []),
    "compressed": ({}, ["--ws-per-message-deflate", "true"]),
}


def frames(mode: Mode, frame: str) -> dict:
    """Binary frames (encoded once per event and process) against text frames (encoded again
    by the server for each socket), on uvicorn x1 at the mode's top level of readers:
    `mode.runs` runs of each, alternating, each figure their median. The readers count the
    kinds of frame they got, so a run says which it measured."""
    top = replace(
        mode, levels=mode.levels[-1:], posts=(mode.frames_posts,), naive_posts=None, runs=1
    )
    runs = {kind: [] for kind in FRAME_KINDS}
    for number in range(1, mode.runs + 1):
        for kind, (settings, extra) in FRAME_KINDS.items():
            print(f"frames ({mode.name}): {kind}, run {number}/{mode.runs}", flush=True)
            runs[kind].append(fan_out(top, "uvicorn", 1, frame, settings, extra))
    result = {"server": "uvicorn x1", "readers": top.levels[0], "posts": mode.frames_posts}
    for kind, found in runs.items():
        combined = median_of_runs(found)
        step = combined["steps"][0]
        result[kind] = {
            key: step[key]
            for key in ("latency_ms", "cpu_us_per_delivery", "deliveries", "complete")
        }
        result[kind] |= {
            "runs": len(found),
            "spread": step.get("spread", {}),
            "idle_mib_per_1000": (step["idle"]["rss"] - combined["idle_empty"]["rss"])
            / 2**20
            / step["readers"]
            * 1000,
        }
    return result


def reader_page(mode: Mode, sessions: dict[int, object]) -> dict:
    """Scenario 3 and the polling baseline, on uvicorn x1: the live page with few and many
    posts, as served (from the page cache between events) and rendered every time (cache
    off); then an up-to-date poller's catch-up request."""
    result = {"server": "uvicorn x1", "concurrency": mode.http_concurrency}
    for label, cache_seconds in (("pages", None), ("pages_rendered", "0")):
        server = Server("uvicorn", 1)
        if cache_seconds is not None:
            server.settings["LIVEBLOG_PAGE_CACHE_SECONDS"] = cache_seconds
        crowd = Crowd(mode.client_processes)
        try:
            server.start()
            result[label] = {
                count: http_load(crowd, server, f"{server.url}{session.get_absolute_url()}", mode)
                for count, session in sessions.items()
            }
            if label == "pages":
                newest = sessions[max(sessions)]
                poll = f"{server.url}/live/{newest.slug}/events?after={newest.last_seq}"
                result["poll"] = http_load(crowd, server, poll, mode)
        finally:
            crowd.quit()
            server.close()
    return result


# Issue 15's page goal: the cached live page at 80% or more of a trivial Django view's
# throughput on the same server in the same run. /robots.txt is that view: a URL, a view,
# a few lines of text, every middleware around it.
TRIVIAL_PATH = "/robots.txt"


def page_throughput(mode: Mode, session, runs: int | None = None) -> dict:
    """The cached live page against a trivial view, on one uvicorn process, `runs` times
    (the mode's by default): each run measures both, one after the other, on the same
    server, and says what the rest of the machine was doing meanwhile."""
    server, crowd = Server("uvicorn", 1), Crowd(mode.client_processes)
    page_url = f"{server.url}{session.get_absolute_url()}"
    result = {"server": "uvicorn x1", "concurrency": mode.http_concurrency, "runs": []}
    try:
        server.start()
        for _run in range(runs or mode.runs):
            load = MachineLoad(server, crowd)
            trivial = http_load(crowd, server, f"{server.url}{TRIVIAL_PATH}", mode)
            page = http_load(crowd, server, page_url, mode)
            result["runs"].append(
                {
                    "trivial": trivial,
                    "page": page,
                    "ratio": page["rps"] / max(trivial["rps"], 1e-9),
                    "load": load.finish(),
                }
            )
    finally:
        crowd.quit()
        server.close()
    for name in ("trivial", "page"):
        result[f"{name}_rps"] = statistics.median(run[name]["rps"] for run in result["runs"])
    result["ratio"] = statistics.median(run["ratio"] for run in result["runs"])
    return result


def http_load(crowd: Crowd, server: Server, url: str, mode: Mode) -> dict:
    get(url)
    cpu = server.cpu_seconds()
    answer = crowd.http(url, mode.http_seconds, mode.http_concurrency)
    cpu = server.cpu_seconds() - cpu
    latencies = answer.pop("latencies_ms")
    return {
        "url": url.split(":", 2)[2].split("/", 1)[1],
        **answer,
        "rps": answer["requests"] / answer["seconds"],
        "latency_ms": percentiles(latencies),
        "server_cpu_ms_per_request": cpu * 1000 / max(answer["requests"], 1),
    }


def reconnect_storm(mode: Mode, kind: str = "uvicorn", workers: int = 1) -> dict:
    """Scenario 5: readers dropped at once by a server crash; posts go out while it is down
    (published with the ORM: the desk would be on another server); the server comes back;
    how long until every reader has every post, exactly once."""
    slug = publishing.slug("storm")
    session = fresh_session(slug)
    publisher = Publisher(session)
    publisher.prepare(12)
    server = Server(kind, workers)
    crowd = Crowd(mode.client_processes)
    readers = mode.storm_readers
    result = {"server": server.name, "readers": readers}
    connections = DatabaseConnections()
    try:
        server.start()
        socket_url, catchup = reader_urls(server, slug)
        result["connect"] = crowd.connect(
            readers, [socket_url], publisher.last_seq(), catchup, replays_on_connect(server)
        )
        before, _seconds = publish_series(publisher, 2, 0.5)
        result["before"] = without_latencies(crowd.collect(before, mode.delivery_wait))
        server.kill()
        killed = time.monotonic()
        during, _seconds = publish_series(publisher, 5, 0.2)
        time.sleep(mode.settle)
        restarted = time.monotonic()
        server.start()
        listening = time.monotonic()
        with connections:
            counts = without_latencies(crowd.collect(during, 120, per_reader=True))
        result["recovery"] = recovery_curve(counts.pop("current_times"), restarted, readers)
        result["while_down"] = counts
        result["database_connections_max"] = connections.most
        result["down_seconds"] = restarted - killed
        result["listening_after_s"] = listening - restarted
        result["current_after_restart_s"] = counts["current_at"] - restarted
        after, _seconds = publish_series(publisher, 3, 0.5)
        result["after"] = without_latencies(crowd.collect(after, mode.delivery_wait))
        everything = {**before, **during, **after}
        total = without_latencies(crowd.collect(everything, 1))
        result["total"] = total
        result["complete"] = (
            total["delivered"] == readers * len(everything) and not total["repeats"]
        )
        print(
            f"  storm: {readers} readers current {result['current_after_restart_s']:.1f}s "
            f"after restart, {total['delivered']}/{readers * len(everything)} delivered",
            flush=True,
        )
    finally:
        crowd.quit()
        server.close()
    return result


def recovery_curve(times: list[float], since: float, readers: int) -> dict:
    """Seconds after `since` at which each reader was current, as percentiles (0 to 100 of
    the readers that got there), and the share that got there: the storm plot's curve."""
    return {
        "readers": readers,
        "current": len(times),
        "seconds_quantiles": [round(t - since, 3) for t in quantiles(times)],
    }


def without_latencies(counts: dict) -> dict:
    counts.pop("latencies_ms", None)
    return counts


class DatabaseConnections:
    """The most connections the bench database had open at once while in the `with` block
    (sampled four times a second): a storm must not exhaust PostgreSQL."""

    def __init__(self):
        import threading

        self.most = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_exc):
        self._stop.set()
        self._thread.join(timeout=5)

    def _sample(self) -> None:
        import psycopg
        from django.conf import settings

        name = settings.DATABASES["default"]["NAME"]
        try:
            with psycopg.connect(
                "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True
            ) as db:
                while not self._stop.wait(0.25):
                    (count,) = db.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [name]
                    ).fetchone()
                    self.most = max(self.most, count)
        except psycopg.Error:
            self.most = -1  # not measured
