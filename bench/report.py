"""BENCHMARKS.md and its plots, from a run's results.json.

    python -m bench.report bench/results      # write the report again from saved results

The goals of issue 5 are checked here from the figures (`goals`), and a run fails when the
app lost or repeated a delivery (`failures`). Hand-written reading of the figures lives in
bench/notes.md and is included as it is. The CDN run (`python -m bench.cdn`) writes
cdn.json beside results.json; its section is added when that file is there. The
estimate for a million readers, worked by hand from the measured units, is bench/million.md,
included last as it is.
"""

import json
import sys
from pathlib import Path

from bench import cdn, scenarios

NOTES = Path(__file__).resolve().parent / "notes.md"
MILLION = Path(__file__).resolve().parent / "million.md"
APP_KINDS = ("uvicorn", "daphne")


def failures(results: dict) -> list[str]:
    found = []
    for run in results.get("fanout", []):
        if run["kind"] not in APP_KINDS:
            continue
        for step in run["steps"]:
            if not step["complete"]:
                d = step["deliveries"]
                found.append(
                    f"{run['server']} at {step['readers']} readers: {d['delivered']} of "
                    f"{step['readers'] * step['posts']} deliveries, {d['repeats']} repeated"
                )
    storm = results.get("storm")
    if storm and not storm.get("complete"):
        total = storm.get("total", {})
        found.append(f"reconnect storm: {total.get('delivered')} of {total.get('expected')}")
    scale = results.get("scale")
    if scale and not scale.get("complete"):
        d = scale.get("deliveries", {})
        found.append(
            f"scale: {d.get('readers')} of {scale['readers']} readers held, "
            f"{d.get('delivered')} of {scale['readers'] * scale['posts']} deliveries, "
            f"{d.get('repeats')} repeated"
        )
    deploy = results.get("deploy")
    if deploy and not deploy.get("complete"):
        total = deploy.get("total", {})
        found.append(
            f"rolling deploy: {total.get('delivered')} of {total.get('expected')}, "
            f"{total.get('repeats')} repeated"
        )
    for kind, run in (results.get("frames") or {}).items():
        if isinstance(run, dict) and "complete" in run and not run["complete"]:
            d = run["deliveries"]
            found.append(f"{kind} frames: {d['delivered']} of {d['expected']} deliveries")
    return found


def step_at(run: dict, readers: int) -> dict | None:
    return next((s for s in run["steps"] if s["readers"] == readers), None)


def by_server(results: dict) -> dict[str, dict]:
    return {run["server"]: run for run in results.get("fanout", [])}


def idle_per_thousand(run: dict) -> tuple[float, float] | None:
    """(MiB, CPU %) per 1,000 idle readers at the largest step, above the empty server."""
    if not run["steps"] or "idle_empty" not in run:
        return None
    step = run["steps"][-1]
    per = 1000 / step["readers"]
    memory = (step["idle"]["rss"] - run["idle_empty"]["rss"]) * per / 2**20
    cpu = (step["idle"]["cpu_percent"] - run["idle_empty"]["cpu_percent"]) * per
    return memory, cpu


def goals(results: dict) -> list[tuple[str, str, bool | None]]:
    """(goal, figures, met?) for each goal of issue 5; None when the run lacks the figures."""
    runs = by_server(results)
    top = max((s["readers"] for r in runs.values() for s in r["steps"]), default=0)
    rows = []
    app = [r for r in runs.values() if r["kind"] in APP_KINDS]
    held = [r["server"] for r in app if (s := step_at(r, top)) and s["complete"]]
    if app:
        rows.append(
            (
                f"{top:,} concurrent readers, every post delivered to every reader",
                f"complete on {', '.join(held) or 'none'} of {', '.join(r['server'] for r in app)}",
                len(held) == len(app),
            )
        )
    ceiling, naive = runs.get("ceiling x1"), runs.get("naive x1")
    best = min(
        (r for r in app if step_at(r, top)),
        key=lambda r: step_at(r, top)["latency_ms"].get("p99", float("inf")),
        default=None,
    )
    if best and ceiling and step_at(ceiling, top):
        p99 = step_at(best, top)["latency_ms"]["p99"]
        roof = step_at(ceiling, top)["latency_ms"]["p99"]
        rows.append(
            (
                f"fan-out p99 at {top:,} at most 1.5 times the websockets ceiling",
                f"{best['server']} {p99:.0f} ms vs ceiling {roof:.0f} ms ({p99 / roof:.2f} times)",
                p99 <= 1.5 * roof,
            )
        )
    if best and naive and step_at(naive, top):
        p99 = step_at(best, top)["latency_ms"]["p99"]
        slow = step_at(naive, top)
        slow_p99 = slow["latency_ms"].get("p99", float("inf"))
        lost = slow["deliveries"]["missing"]
        rows.append(
            (
                f"fan-out p99 at {top:,} at least 5 times faster than the naive Channels pattern",
                f"{best['server']} {p99:.0f} ms vs naive {slow_p99:.0f} ms "
                f"({slow_p99 / p99:.1f} times)"
                + (f"; naive lost {lost} deliveries" if lost else ""),
                slow_p99 >= 5 * p99,
            )
        )
    page = results.get("page")
    for label, how in (("pages", "served"), ("pages_rendered", "rendered every time")):
        if not page or len(page.get(label, {})) != 2:
            continue
        (few, small), (many, large) = sorted(page[label].items(), key=lambda kv: int(kv[0]))
        ratio = large["rps"] / small["rps"]
        rows.append(
            (
                f"reader page throughput ({how}) with {int(many):,} posts within 20% of "
                f"{few} posts",
                f"{few} posts {small['rps']:.0f} req/s, {many} posts {large['rps']:.0f} req/s "
                f"({ratio:.0%})",
                0.8 <= ratio <= 1.25,
            )
        )
    rows += issue_15_goals(results, app, ceiling, top)
    mine = [(r["server"], idle_per_thousand(r)) for r in app if idle_per_thousand(r)]
    theirs = idle_per_thousand(naive) if naive else None
    if mine and theirs:
        worst = max(mine, key=lambda pair: pair[1][0])
        rows.append(
            (
                "memory per 1,000 idle readers lower than the naive pattern's",
                f"{worst[0]} {worst[1][0]:.1f} MiB (highest of the app) vs naive {theirs[0]:.1f} MiB",
                worst[1][0] < theirs[0],
            )
        )
    return rows


def issue_15_goals(results: dict, app: list, ceiling: dict | None, top: int) -> list:
    """The goals of issue 15 this harness measures: fan-out against the ceiling in the same
    run, the desk's publish, the storm."""
    rows = []
    one = next((r for r in app if r["server"] == "uvicorn x1"), None)
    if one and ceiling and step_at(one, top) and step_at(ceiling, top):
        p99 = step_at(one, top)["latency_ms"]["p99"]
        roof = step_at(ceiling, top)["latency_ms"]["p99"]
        rows.append(
            (
                f"issue 15: fan-out p99 at {top:,} at most 1.2 times the ceiling (median of runs)",
                f"uvicorn x1 {p99:.0f} ms vs ceiling {roof:.0f} ms ({p99 / roof:.2f} times)",
                p99 <= 1.2 * roof,
            )
        )
    if one and "publish_no_readers" in one:
        lone = one["publish_no_readers"].get("p50")
        loaded = step_at(one, top)["publish_ms"].get("p50") if step_at(one, top) else None
        rows.append(
            (
                f"issue 15: the desk's htmx publish under 200 ms p50 at {top:,} readers",
                f"{lone:.0f} ms with no reader, {loaded:.0f} ms at {top:,}"
                if lone is not None and loaded is not None
                else "not measured",
                loaded is not None and loaded < 200,
            )
        )
    if one and "publish_cpu_ms" in one:
        cpu = one["publish_cpu_ms"]
        rows.append(
            (
                "issue 15: the desk's htmx publish at most 50 ms of server CPU with no reader",
                f"{cpu:.1f} ms per publish (uvicorn x1, {runs_of_publish(one)}; the idle "
                "process's CPU meanwhile included)",
                cpu <= 50,
            )
        )
    storm = results.get("storm")
    if storm:
        total = storm["total"]
        rows.append(
            (
                f"issue 15: {storm['readers']:,} readers dropped by a crash all current within "
                "10 s of the restart, none lost or repeated, no 5xx",
                f"{storm['current_after_restart_s']:.1f} s, {total['delivered']:,} / "
                f"{total['expected']:,} delivered, {total['repeats']} repeated, "
                f"{total.get('server_errors', 0)} answers 5xx, at most "
                f"{storm.get('database_connections_max', '?')} PostgreSQL connections",
                storm["complete"]
                and storm["current_after_restart_s"] <= 10
                and not total.get("server_errors", 0),
            )
        )
    return [
        *rows,
        *throughput_goals(results),
        *scale_goals(results),
        *deploy_goals(results),
        *frames_goals(results),
    ]


def runs_of_publish(run: dict) -> str:
    count = len(run.get("publish_cpu_ms_runs", []))
    return f"median of {count} runs" if count > 1 else "one run"


def throughput_goals(results: dict) -> list:
    found = results.get("throughput")
    if not found or not found.get("runs"):
        return []
    loads = [run["load"]["others_cpu_percent"] for run in found["runs"] if run.get("load")]
    others = f"; other processes {min(loads):.0f}-{max(loads):.0f}% of a core" if loads else ""
    return [
        (
            "issue 15 pages: the cached live page at least 80% of a trivial view's throughput "
            "(one uvicorn process, same run)",
            f"{found['page_rps']:.0f} req/s against {found['trivial_rps']:.0f} "
            f"({found['ratio']:.0%}, median of {len(found['runs'])} runs)",
            found["ratio"] >= 0.8,
        ),
        (
            "issue 15 pages: the trivial view at least 1,000 req/s on one uvicorn process",
            f"{found['trivial_rps']:.0f} req/s (median of {len(found['runs'])} runs{others})",
            found["trivial_rps"] >= 1000,
        ),
    ]


def beyond(value: float, limit: float, unit: str) -> str:
    """The measured distance to an upper limit: `(3.2 s under)` or `(4.1 MiB over)`."""
    gap = value - limit
    return f"({abs(gap):.1f} {unit} {'over' if gap > 0 else 'under'} {limit:g} {unit})"


def scale_goals(results: dict) -> list:
    """Issue 15's scale goal, one line per condition: memory, connecting, delivery."""
    scale = results.get("scale")
    if not scale:
        return []
    readers, d = scale["readers"], scale["deliveries"]
    where = f"{readers:,} readers on {scale['processes']} processes"
    connect = scale["connect"]
    p99 = scale["latency_ms"].get("p99")
    p99_s = p99 / 1000 if p99 is not None else float("inf")
    return [
        (
            f"issue 15 scale: ≤ 20 MiB per 1,000 idle readers ({where})",
            f"{scale['mib_per_thousand']:.1f} MiB {beyond(scale['mib_per_thousand'], 20, 'MiB')}",
            scale["mib_per_thousand"] <= 20,
        ),
        (
            f"issue 15 scale: all connected within 60 s ({where})",
            f"{connect['connected']:,} connected, {connect['failed']:,} failed, in "
            f"{connect['seconds']:.1f} s {beyond(connect['seconds'], 60, 's')}",
            not connect["failed"] and connect["seconds"] <= 60,
        ),
        (
            f"issue 15 scale: a post delivered to all with p99 ≤ 3 s, nothing lost ({where})",
            f"p99 {p99_s:.2f} s {beyond(p99_s, 3, 's')}, {d['delivered']:,} / "
            f"{readers * scale['posts']:,} delivered, {d['repeats']} repeated",
            scale["complete"] and p99_s <= 3,
        ),
    ]


def deploy_goals(results: dict) -> list:
    deploy = results.get("deploy")
    if not deploy:
        return []
    total, late = deploy["total"], deploy["current_after_last_back_s"]
    errors = total.get("server_errors", 0)
    return [
        (
            f"issue 15 deploy: {deploy['processes']} processes restarted one by one under "
            f"{deploy['readers']:,} readers, all current within 10 s of the last one back, "
            "none lost or repeated, no 5xx",
            f"{late:.1f} s {beyond(late, 10, 's')}, {total['delivered']:,} / "
            f"{total['expected']:,} delivered, {total['repeats']} repeated, {errors} answers "
            f"5xx, at most {deploy.get('database_connections_max', '?')} PostgreSQL connections",
            deploy["complete"] and late <= 10 and not errors,
        )
    ]


def frames_goals(results: dict) -> list:
    found = results.get("frames")
    if not found or "binary" not in found or "text" not in found:
        return []
    return [binary_goal(found), *compression_goal(found)]


def compression_goal(found: dict) -> list:
    """The production command's decision against permessage-deflate, on this run's figures."""
    off, on = found["binary"], found.get("compressed")
    if not on or "idle_mib_per_1000" not in on:
        return []
    return [
        (
            f"issue 15 compression: off (the production command) costs less than on at "
            f"{found['readers']:,} readers",
            f"off {off['cpu_us_per_delivery']:.0f} µs per delivery, "
            f"{off['idle_mib_per_1000']:.1f} MiB per 1,000 idle, p99 "
            f"{ms(off['latency_ms'], 'p99')} ms; on {on['cpu_us_per_delivery']:.0f} µs, "
            f"{on['idle_mib_per_1000']:.1f} MiB, p99 {ms(on['latency_ms'], 'p99')} ms",
            off["cpu_us_per_delivery"] < on["cpu_us_per_delivery"]
            and off["idle_mib_per_1000"] < on["idle_mib_per_1000"],
        )
    ]


def binary_goal(found: dict) -> tuple:
    binary, text = found["binary"], found["text"]
    saved = 1 - binary["cpu_us_per_delivery"] / max(text["cpu_us_per_delivery"], 1e-9)
    low_high = [run.get("spread", {}).get("cpu_us_per_delivery") for run in (binary, text)]
    overlap = all(low_high) and low_high[0][1] >= low_high[1][0]
    return (
        f"issue 15 frames: binary frames cost less server CPU per delivery than text at "
        f"{found['readers']:,} readers (median of {binary['runs']} runs)",
        f"binary {binary['cpu_us_per_delivery']:.0f} µs, p99 {ms(binary['latency_ms'], 'p99')} "
        f"ms; text {text['cpu_us_per_delivery']:.0f} µs, p99 {ms(text['latency_ms'], 'p99')} "
        f"ms ({saved:.0%} saved"
        + ("; the runs' spreads overlap: no clear difference)" if overlap else ")"),
        binary["cpu_us_per_delivery"] < text["cpu_us_per_delivery"],
    )


def mib(value: float) -> str:
    return f"{value / 2**20:.0f}"


def ms(stats: dict, key: str) -> str:
    value = stats.get(key)
    return "-" if value is None else f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def write(out: Path, results: dict, plots: bool = True, root: Path | None = None) -> Path:
    root = root or out
    images = draw(out, results) if plots else {}
    page = render(results, images, out, root)
    target = root / "BENCHMARKS.md"
    target.write_text(page)
    return target


def render(results: dict, images: dict[str, Path], out: Path, root: Path) -> str:
    command = results["command"]
    params = results["parameters"]
    m = results["machine"]
    lines = [
        "# Benchmarks: fan-out to ten thousand readers",
        "",
        f"Every figure below comes from **`{command}`** (mode `{results['mode']}`), run "
        f"{results['started']} on this machine: {m['cpus']} cores, {m['memory_gb']} GiB, "
        f"Python {m['python']}, load average before the run {m['load_before'][0]:.2f}. "
        "Server, PostgreSQL, Redis and the load client share the two cores. "
        f"The raw figures are in `{rel(out / 'results.json', root)}`; "
        f"`python -m bench.report {rel(out, root)}` writes this page again from them.",
        "",
        "Configuration of every server: `DJANGO_DEBUG=0`, generated `SECRET_KEY`, "
        "`ALLOWED_HOSTS=127.0.0.1`, PostgreSQL database `bench`, Redis DB 5 for the channel "
        "layer (channels-redis, capacity 1000) and the cache. uvicorn runs the production "
        f"command itself (`newsroom/serve.py`): `{production_command()}`, plus `--backlog 4096`; "
        "daphne runs with its defaults (two processes share one listening socket, `--fd`). "
        f"The load client is {params['client_processes']} processes (asyncio, uvloop, "
        "`websockets`), readers split evenly; each reader behaves like live.js (back-off with "
        "jitter, polling after two failed connections in a row, four once its socket has "
        "worked, binary and text frames) and offers "
        "permessage-deflate as browsers do; its HTTP requests offer "
        "`Accept-Encoding: gzip, deflate, br, zstd` as browsers do. The journalist publishes through the desk as its "
        "browser does: htmx (`HX-Request`), the composer's fields, on the server measured; a "
        "publish is timed from the request's start, and a reader's latency runs from that "
        "start to the moment it applies the frame (bench/publishing.py, bench/load.py). "
        f"{runs_sentence(params)} Figures are the median, with the spread (lowest to "
        "highest) of the runs where shown.",
        "",
    ]
    if NOTES.exists():
        lines += [NOTES.read_text().strip(), ""]
    lines += ["## Goals of issue 5", "", "| goal | figures | met |", "|---|---|---|"]
    for goal, figures, met in goals(results):
        lines.append(f"| {goal} | {figures} | {'yes' if met else 'no'} |")
    lines += [""]
    lines += fan_out_section(results, images, root)
    lines += runs_section(results)
    lines += idle_section(results, images, root)
    lines += page_section(results, images, root)
    lines += throughput_section(results, images, root)
    lines += publish_section(results)
    lines += storm_section(results, images, root)
    lines += scale_section(results, images, root)
    lines += deploy_section(results, images, root)
    lines += frames_section(results)
    if (out / "cdn.json").exists():
        lines += cdn.section(json.loads((out / "cdn.json").read_text()))
    if MILLION.exists():
        lines += ["", MILLION.read_text().strip()]
    return "\n".join(lines) + "\n"


def rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def fan_out_section(results: dict, images: dict, root: Path) -> list[str]:
    p = results["parameters"]
    lines = [
        "## 1. Fan-out: publish-to-receive latency",
        "",
        f"`{results['command']}`: readers connected in steps of {', '.join(f'{n:,}' for n in p['levels'])}; "
        f"at each step, {', '.join(map(str, p['posts']))} posts, one every {p['interval']:g} s"
        + (
            f" ({', '.join(map(str, p['naive_posts']))} for the naive peer, which cannot keep "
            f"up with one a second at thousands of readers; it is given {p['naive_wait']:g} s "
            "to deliver them)"
            if p.get("naive_posts")
            else ""
        )
        + ". Latency per reader and post, in milliseconds. Deliveries: every reader must apply "
        "every post exactly once (R times P); a repeated frame counts against it. CPU: "
        "server and load-client CPU time during the step, per delivery.",
        "",
    ]
    if "fanout" in images:
        lines += [f"![Fan-out latency]({rel(images['fanout'], root)})", ""]
    if "distribution" in images:
        lines += [f"![Latency distribution]({rel(images['distribution'], root)})", ""]
    lines += [
        "| server | readers | posts | p50 | p95 | p99 | p99 spread | max | delivered | repeats "
        "| complete | server CPU µs | client CPU µs |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for run in results["fanout"]:
        for step in run["steps"]:
            lat, d = step["latency_ms"], step["deliveries"]
            lines.append(
                f"| {run['server']} | {step['readers']:,} | {step['posts']} | "
                f"{ms(lat, 'p50')} | {ms(lat, 'p95')} | {ms(lat, 'p99')} | "
                f"{spread_of(step, 'latency_p99_ms')} | {ms(lat, 'max')} | "
                f"{d['delivered']:,} / {step['readers'] * step['posts']:,} | {d['repeats']} | "
                f"{'yes' if step['complete'] else '**no**'} | "
                f"{step.get('cpu_us_per_delivery', 0):.0f} | "
                f"{step.get('client_cpu_us_per_delivery', 0):.0f} |"
            )
    return [*lines, ""]


def idle_section(results: dict, images: dict, root: Path) -> list[str]:
    lines = [
        "## 2. Idle readers: memory and CPU",
        "",
        f"`{results['command']}`: resident memory (RSS, every process of the server) and CPU "
        f"over {results['parameters']['idle_seconds']:g} s with the readers connected and "
        "nothing published, above the same server with no reader.",
        "",
    ]
    if "idle" in images:
        lines += [f"![Memory per 1,000 idle readers]({rel(images['idle'], root)})", ""]
    lines += [
        "| server | RSS empty MiB | readers | RSS MiB | MiB per 1,000 | CPU % per 1,000 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for run in results["fanout"]:
        per = idle_per_thousand(run)
        if not per:
            continue
        step = run["steps"][-1]
        lines.append(
            f"| {run['server']} | {mib(run['idle_empty']['rss'])} | {step['readers']:,} | "
            f"{mib(step['idle']['rss'])} | {per[0]:.1f} | {per[1]:.2f} |"
        )
    return [*lines, ""]


def throughput_section(results: dict, images: dict, root: Path) -> list[str]:
    found = results.get("throughput")
    if not found:
        return []
    lines = [
        "## Page throughput: the cached live page against a trivial view",
        "",
        f"`{results['command']}`: {found['server']}, {found['concurrency']} HTTP clients (a new "
        f"connection per request) for {results['parameters']['http_seconds']:g} s each, the "
        f"trivial view (`{scenarios.TRIVIAL_PATH}`) then the cached live page of 20 posts, on the "
        "same server, run after run. Goal (issue 15): the page ≥ 80% of the trivial view, and "
        "the trivial view ≥ 1,000 req/s on a quiet machine.",
        "",
        "| run | trivial req/s | page req/s | page / trivial | server CPU ms/request "
        "(trivial, page) | load average | other processes' CPU |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for number, run in enumerate(found["runs"], 1):
        trivial, page, load = run["trivial"], run["page"], run["load"]
        lines.append(
            f"| {number} | {trivial['rps']:.0f} | {page['rps']:.0f} | {run['ratio']:.0%} | "
            f"{trivial['server_cpu_ms_per_request']:.2f}, {page['server_cpu_ms_per_request']:.2f} | "
            f"{load['loadavg_start']:.2f} → {load['loadavg_end']:.2f} | "
            f"{load['others_cpu_percent']:.0f}% |"
        )
    lines += [
        "",
        f"Median: trivial {found['trivial_rps']:.0f} req/s, page {found['page_rps']:.0f} req/s, "
        f"ratio {found['ratio']:.0%}.",
        "",
    ]
    if "throughput" in images:
        lines += [f"![Page throughput]({rel(images['throughput'], root)})", ""]
    return lines


def page_section(results: dict, images: dict, root: Path) -> list[str]:
    page = results.get("page")
    if not page:
        return []
    lines = [
        "## 3. Reader page and the polling baseline",
        "",
        f"`{results['command']}`: {page['server']}, {page['concurrency']} HTTP clients "
        f"(a new connection per request) for {results['parameters']['http_seconds']:g} s "
        "each, against the live page of a session with few and with many posts (loaded with "
        "the ORM): as served, from the page cache between two events (liveblog/live/page_cache.py), "
        "and rendered on every request (`LIVEBLOG_PAGE_CACHE_SECONDS=0`), the cost of the first "
        "reader after each event.",
        "",
        "| URL | req/s | p50 ms | p99 ms | server CPU ms/request | errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    rows = [(run, "from the page cache") for run in page["pages"].values()]
    rows += [(run, "rendered (cache off)") for run in page.get("pages_rendered", {}).values()]
    rows += [(page["poll"], "catch-up poll")]
    for run, how in rows:
        lat = run["latency_ms"]
        lines.append(
            f"| `{run['url']}` {how} | {run['rps']:.0f} | {ms(lat, 'p50')} | {ms(lat, 'p99')} | "
            f"{run['server_cpu_ms_per_request']:.2f} | {run['errors']} |"
        )
    poll = page["poll"]
    per_request = poll["server_cpu_ms_per_request"] / 1000
    lines += [
        "",
        "**Polling baseline, 10,000 readers polling every 10 s** (computed from the measured "
        f"cost of an up-to-date reader's catch-up request above, {poll['server_cpu_ms_per_request']:.2f} "
        "ms of server CPU): 1,000 requests/s at the origin without a CDN, "
        f"{1000 * per_request:.2f} cores busy; a post is seen after half an interval on average: "
        "latency p50 ≈ 5 s, p95 ≈ 9.5 s, p99 ≈ 9.9 s, max ≈ 10 s, plus the request "
        f"({ms(poll['latency_ms'], 'p99')} ms p99). A CDN in front absorbs requests, not latency.",
        "",
    ]
    if "page" in images:
        lines += [f"![Reader page]({rel(images['page'], root)})", ""]
    return lines


def publish_section(results: dict) -> list[str]:
    lines = [
        "## 4. Publish path",
        "",
        f"`{results['command']}`: response time of the desk's publish request (form "
        "validated, post saved and published, event rendered once, fan-out after commit) with "
        "no reader, and while the most readers are connected.",
        "",
        "| server | readers | p50 ms | p95 ms | max ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for run in results["fanout"]:
        if run["kind"] not in APP_KINDS and run["kind"] != "naive":
            continue
        if "publish_no_readers" in run:
            s = run["publish_no_readers"]
            lines.append(
                f"| {run['server']} | 0 | {ms(s, 'p50')} | {ms(s, 'p95')} | {ms(s, 'max')} |"
            )
        if run["steps"]:
            step = run["steps"][-1]
            s = step["publish_ms"]
            lines.append(
                f"| {run['server']} | {step['readers']:,} | {ms(s, 'p50')} | {ms(s, 'p95')} | "
                f"{ms(s, 'max')} |"
            )
    return [*lines, ""]


def production_command() -> str:
    from newsroom.serve import uvicorn_arguments

    return "uvicorn " + " ".join(uvicorn_arguments(port=0)).replace(" --port 0", "")


def runs_sentence(params: dict) -> str:
    runs, comparison = params.get("runs", 1), params.get("comparison_runs")
    if comparison is None or comparison == runs:
        return f"Each fan-out configuration ran {runs} time(s)."
    return (
        f"The app on uvicorn x1 and the ceiling, on which the goals are read, ran {runs} "
        f"times each; the other configurations, which only compare, {comparison} time(s)."
    )


def spread_of(step: dict, key: str) -> str:
    low_high = step.get("spread", {}).get(key)
    return f"{low_high[0]:.0f} to {low_high[1]:.0f}" if low_high else "-"


def runs_section(results: dict) -> list[str]:
    """Every run and what the rest of the machine did meanwhile: a figure taken while other
    work loaded the cores says so."""
    lines = [
        "### Runs and the machine's load",
        "",
        "CPU used by every other process during each run (PostgreSQL and Redis included), in "
        "percent of one core, and the load average at its start and end.",
        "",
        "| server | run | seconds | other processes' CPU | load average |",
        "|---|---:|---:|---:|---|",
    ]
    for result in results.get("fanout", []):
        for run in result.get("runs", []):
            load = run.get("load") or {}
            if not load:
                continue
            lines.append(
                f"| {result['server']} | {run['run']} | {load['seconds']:.0f} | "
                f"{load['others_cpu_percent']:.0f}% | "
                f"{load['loadavg_start']:.2f} → {load['loadavg_end']:.2f} |"
            )
    return [*lines, ""]


def storm_section(results: dict, images: dict, root: Path) -> list[str]:
    storm = results.get("storm")
    if not storm:
        return []
    total = storm["total"]
    plot = (
        [f"![Recovery after a restart]({rel(images['recovery'], root)})", ""]
        if "recovery" in images
        else []
    )
    return [
        "## 5. Reconnect storm",
        "",
        f"`{results['command']}`: {storm['readers']:,} readers on {storm['server']}; the server "
        "is killed (every process, no close frame), 5 posts are published while it is down, "
        "it is started again. Readers reconnect with live.js's back-off (after the n-th failure "
        "in a row, between half and all of 2^(n-1) s, at most 30 s) and resume with "
        "`?after=<last seq>`.",
        "",
        "| down s | listening after s | all current after restart s | reconnects | polls "
        "| 5xx | PostgreSQL connections (most) | delivered | repeats | complete |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        f"| {storm['down_seconds']:.1f} | {storm['listening_after_s']:.1f} | "
        f"{storm['current_after_restart_s']:.1f} | {total['reconnects']:,} | "
        f"{total.get('polls', 0):,} | {total.get('server_errors', 0):,} | "
        f"{storm.get('database_connections_max', '-')} | "
        f"{total['delivered']:,} / {total['expected']:,} | {total['repeats']} | "
        f"{'yes' if storm['complete'] else '**no**'} |",
        "",
        *plot,
    ]


def scale_section(results: dict, images: dict, root: Path) -> list[str]:
    scale = results.get("scale")
    if not scale:
        return []
    d, lat, connect = scale["deliveries"], scale["latency_ms"], scale["connect"]
    lines = [
        "## Scale: readers held across several processes",
        "",
        f"`{results['command']}`: {scale['readers']:,} readers on {scale['processes']} uvicorn "
        "processes of the production command, one port each (as nginx's upstream lists them; "
        "readers spread evenly over the ports, each process under its file limit of 20,000), "
        f"with Redis; the load client is {scale['client_processes']} processes. Memory: every "
        "server process's RSS with the readers idle, above the same processes with none. Then "
        f"{scale['posts']} posts through the desk, one every "
        f"{results['parameters'].get('scale_interval', 0):g} s (bench/fleet.py).",
        "",
        "| connected | failed | connecting s | readers per process | RSS empty MiB | RSS idle "
        "MiB | MiB per 1,000 | client MiB per 1,000 | p50 ms | p99 ms | max ms | delivered "
        "| repeats | server CPU µs per delivery |",
        "|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {connect['connected']:,} | {connect['failed']:,} | {connect['seconds']:.1f} | "
        f"{', '.join(f'{n:,}' for n in scale.get('readers_per_process', []))} | "
        f"{mib(scale['idle_empty']['rss'])} | {mib(scale['idle']['rss'])} | "
        f"{scale['mib_per_thousand']:.1f} | {scale['client_mib_per_thousand']:.1f} | "
        f"{ms(lat, 'p50')} | {ms(lat, 'p99')} | {ms(lat, 'max')} | "
        f"{d['delivered']:,} / {scale['readers'] * scale['posts']:,} | {d['repeats']} | "
        f"{scale['cpu_us_per_delivery']:.0f} |",
        "",
    ]
    if "scale" in images:
        lines += [f"![Scale]({rel(images['scale'], root)})", ""]
    return lines


def deploy_section(results: dict, images: dict, root: Path) -> list[str]:
    deploy = results.get("deploy")
    if not deploy:
        return []
    total = deploy["total"]
    restarts = ", ".join(
        f"{r['stopping_s']:.1f} + {r['starting_s']:.1f}" for r in deploy["restarts"]
    )
    lines = [
        "## Rolling deploy",
        "",
        f"`{results['command']}`: {deploy['readers']:,} readers on {deploy['processes']} uvicorn "
        "processes of the production command accepting on one listening socket (standing in "
        "for nginx's upstream: a reader dropped by a stopping process reconnects to one that is "
        "up). Each process in turn gets SIGTERM (as systemd stops a unit) and is waited for; a "
        "post is published while it is down, it is started again, and a post is published once "
        "it serves. Posts are published with the ORM. Readers behave like live.js. A stopping "
        "process stops accepting, then closes its sockets with 1012 (service restart); a "
        "handshake it has read but not yet answered is answered 101 and closed with 1012 too "
        "(`newsroom/websocket_protocol.py`), where uvicorn alone answers it 500 (measured "
        "before that change: 39 answers 500 in six such deploys of 5,000 readers, none after "
        "it in seven).",
        "",
        "| deploy s | per process: stop + start s | readers per process before → after "
        "| all current after the last back s | reconnects | polls | 5xx | PostgreSQL "
        "connections (most) | delivered | repeats | complete |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
        f"| {deploy['deploy_seconds']:.1f} | {restarts} | "
        f"{deploy['readers_per_process_before']} → {deploy['readers_per_process_after']} | "
        f"{deploy['current_after_last_back_s']:.1f} | {total['reconnects']:,} | "
        f"{total.get('polls', 0):,} | {total.get('server_errors', 0):,} | "
        f"{deploy.get('database_connections_max', '-')} | "
        f"{total['delivered']:,} / {total['expected']:,} | {total['repeats']} | "
        f"{'yes' if deploy['complete'] else '**no**'} |",
        "",
    ]
    errors = {k: v for k, v in total.get("statuses", {}).items() if int(k) >= 500}
    if errors:
        lines += [
            "Answers 5xx by status: "
            + ", ".join(f"{status}: {count}" for status, count in sorted(errors.items()))
            + ". Not a handshake in flight at shutdown (those are closed with 1012): the "
            "servers' log (`BENCH_LOGS`) has the app's tracebacks.",
            "",
        ]
    if "recovery" in images:
        lines += [
            "The recovery plot of the reconnect storm (section 5) shows this deploy's curve too.",
            "",
        ]
    return lines


def frames_section(results: dict) -> list[str]:
    found = results.get("frames")
    if not found:
        return []
    lines = [
        "## Binary or text frames",
        "",
        f"`{results['command']}`: {found['readers']:,} readers on {found['server']}, "
        f"{found['posts']} posts, with the app's binary frames (encoded once per event and "
        "process), with text frames (`LIVEBLOG_TEXT_FRAMES=1`: the server encodes the text "
        "again for each socket), and compressed (binary frames with permessage-deflate on, "
        "`--ws-per-message-deflate true` after the production command: what browsers would "
        "negotiate if it were not turned off), run after run alternating; figures are the "
        "median of the runs, the spread their lowest to highest. The readers count the kind "
        "of frame they get; memory is the server's, idle, per 1,000 readers.",
        "",
        "| frames | runs | server CPU µs per delivery | spread | p50 ms | p99 ms | p99 spread "
        "| MiB per 1,000 idle | delivered | text / binary frames received | complete |",
        "|---|---:|---:|---|---:|---:|---|---:|---:|---|---|",
    ]
    for kind in ("binary", "text", "compressed"):
        run = found.get(kind)
        if not run:
            continue
        d, lat, spread = run["deliveries"], run["latency_ms"], run.get("spread", {})
        cpu_spread = spread.get("cpu_us_per_delivery")
        p99_spread = spread.get("latency_p99_ms")
        memory = run.get("idle_mib_per_1000")
        lines.append(
            f"| {kind} | {run['runs']} | {run['cpu_us_per_delivery']:.0f} | "
            f"{f'{cpu_spread[0]:.0f} to {cpu_spread[1]:.0f}' if cpu_spread else '-'} | "
            f"{ms(lat, 'p50')} | {ms(lat, 'p99')} | "
            f"{f'{p99_spread[0]:.0f} to {p99_spread[1]:.0f}' if p99_spread else '-'} | "
            f"{'-' if memory is None else f'{memory:.1f}'} | "
            f"{d['delivered']:,} / {d['expected']:,} | {d.get('text_frames', 0):,} / "
            f"{d.get('binary_frames', 0):,} | {'yes' if run['complete'] else '**no**'} |"
        )
    return [*lines, ""]


def draw(out: Path, results: dict) -> dict[str, Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    images = {}
    runs = results["fanout"]
    if runs:
        fig, ax = plt.subplots(figsize=(8, 4.5))
        for run in runs:
            xs = [s["readers"] for s in run["steps"] if s["latency_ms"].get("p99") is not None]
            ys = [
                s["latency_ms"]["p99"]
                for s in run["steps"]
                if s["latency_ms"].get("p99") is not None
            ]
            ax.plot(xs, ys, marker="o", label=run["server"])
        ax.set_xlabel("readers connected")
        ax.set_ylabel("publish-to-receive p99 (ms, log)")
        ax.set_yscale("log")
        ax.set_title(f"Fan-out latency p99 ({results['command']})")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
        images["fanout"] = save(fig, out / "fanout-p99.png")

        top = max((st["readers"] for r in runs for st in r["steps"]), default=0)
        tops = [(r["server"], step_at(r, top)) for r in runs]
        tops = [(name, st) for name, st in tops if st and st.get("latency_quantiles_ms")]
        if tops:
            fig, ax = plt.subplots(figsize=(8, 4.5))
            for name, st in tops:
                ax.plot(st["latency_quantiles_ms"], range(101), label=name)
            ax.set_xscale("log")
            ax.set_xlabel("publish-to-receive latency (ms, log)")
            ax.set_ylabel("% of deliveries at or under")
            ax.set_title(f"Latency distribution at {top:,} readers ({results['command']})")
            ax.grid(True, which="both", alpha=0.3)
            ax.legend()
            images["distribution"] = save(fig, out / "fanout-distribution.png")

        per = [(r["server"], idle_per_thousand(r)) for r in runs if idle_per_thousand(r)]
        if per:
            fig, ax = plt.subplots(figsize=(8, 4))
            ax.bar([name for name, _ in per], [value[0] for _, value in per], color="#3366aa")
            ax.set_ylabel("MiB per 1,000 idle readers")
            ax.set_title(f"Server memory per 1,000 idle readers ({results['command']})")
            images["idle"] = save(fig, out / "idle-memory.png")

    page = results.get("page")
    if page:
        fig, ax = plt.subplots(figsize=(8, 4))
        labels = [f"{n} posts\ncached" for n in page["pages"]]
        values = [run["rps"] for run in page["pages"].values()]
        rendered = page.get("pages_rendered", {})
        labels += [f"{n} posts\nrendered" for n in rendered]
        values += [run["rps"] for run in rendered.values()]
        labels.append("catch-up\npoll")
        values.append(page["poll"]["rps"])
        ax.bar(labels, values, color="#3366aa")
        ax.set_ylabel("requests per second")
        ax.set_title(f"Reader page throughput, {page['server']} ({results['command']})")
        images["page"] = save(fig, out / "reader-page.png")
    for name, draw_one in (
        ("recovery", draw_recovery),
        ("throughput", draw_throughput),
        ("scale", draw_scale),
    ):
        path = draw_one(plt, out, results)
        if path:
            images[name] = path
    return images


def draw_recovery(plt, out: Path, results: dict) -> Path | None:
    """Share of readers current against seconds since the restart (the storm) or since the
    last process was back (the deploy)."""
    curves = [
        (label, found["recovery"])
        for label, found in (
            ("reconnect storm: since the restart", results.get("storm")),
            ("rolling deploy: since the last process was back", results.get("deploy")),
        )
        if found and found.get("recovery", {}).get("seconds_quantiles")
    ]
    if not curves:
        return None
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for label, curve in curves:
        share = curve["current"] / max(curve["readers"], 1) * 100
        seconds = curve["seconds_quantiles"]
        ax.step(seconds, [q * share / 100 for q in range(len(seconds))], where="post", label=label)
    ax.axvline(10, color="grey", linestyle="--", linewidth=1, label="goal: 10 s")
    ax.set_xlabel("seconds")
    ax.set_ylabel("% of readers current")
    ax.set_ylim(0, 101)
    titled(ax, "Recovery: readers with every post", results)
    ax.grid(True, alpha=0.3)
    ax.legend()
    return save(fig, out / "recovery.png")


def draw_throughput(plt, out: Path, results: dict) -> Path | None:
    found = results.get("throughput")
    if not found or not found.get("runs"):
        return None
    fig, ax = plt.subplots(figsize=(8, 4))
    numbers = range(1, len(found["runs"]) + 1)
    width = 0.38
    trivial = [run["trivial"]["rps"] for run in found["runs"]]
    page = [run["page"]["rps"] for run in found["runs"]]
    ax.bar([n - width / 2 for n in numbers], trivial, width, label=scenarios.TRIVIAL_PATH)
    bars = ax.bar([n + width / 2 for n in numbers], page, width, label="cached live page")
    ax.bar_label(bars, [f"{run['ratio']:.0%} of trivial" for run in found["runs"]], fontsize=8)
    ax.set_xticks(list(numbers), [f"run {n}" for n in numbers])
    ax.set_ylabel("requests per second")
    titled(ax, f"Page throughput, {found['server']} (goal: page ≥ 80% of trivial)", results)
    # Room above the bars for the ratios and the legend.
    ax.set_ylim(0, max(trivial + page) * 1.35)
    ax.legend(loc="upper left", ncol=2)
    return save(fig, out / "page-throughput.png")


def draw_scale(plt, out: Path, results: dict) -> Path | None:
    scale = results.get("scale")
    if not scale or not scale.get("latency_quantiles_ms"):
        return None
    fig, (latency, memory) = plt.subplots(1, 2, figsize=(10, 4))
    latency.plot(scale["latency_quantiles_ms"], range(101))
    latency.axvline(3000, color="grey", linestyle="--", linewidth=1, label="goal: p99 3 s")
    latency.set_xlabel("publish-to-receive latency (ms)")
    latency.set_ylabel("% of deliveries at or under")
    latency.set_title(f"{scale['readers']:,} readers, {scale['processes']} processes")
    latency.grid(True, alpha=0.3)
    latency.legend()
    memory.bar(
        ["server", "load client"],
        [scale["mib_per_thousand"], scale["client_mib_per_thousand"]],
        color="#3366aa",
    )
    memory.axhline(20, color="grey", linestyle="--", linewidth=1, label="goal (server): 20 MiB")
    memory.set_ylabel("MiB per 1,000 idle readers")
    # Room above the bars for the legend, whatever the figures (tiny runs give hundreds).
    tallest = max(scale["mib_per_thousand"], scale["client_mib_per_thousand"], 20)
    memory.set_ylim(0, tallest * 1.3)
    memory.legend(loc="upper right")
    fig.suptitle(f"Scale\n{results['command']}", fontsize=10)
    return save(fig, out / "scale.png")


def titled(ax, title: str, results: dict) -> None:
    """A plot's title with the command that measured it on a line of its own."""
    ax.set_title(f"{title}\n{results['command']}", fontsize=10)


def save(fig, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    import matplotlib.pyplot as plt

    plt.close(fig)
    return path


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "bench/results")
    saved = json.loads((folder / "results.json").read_text())
    full = saved["mode"] == "full"
    root = Path(__file__).resolve().parent.parent if full else folder
    print(write(folder, saved, plots=True, root=root))
