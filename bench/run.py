"""`make bench` / `make bench-quick`: measure the app and its peers, then write the report.

    python -m bench.run --mode full     # the figures of BENCHMARKS.md (about 27 minutes)
    python -m bench.run --mode quick    # small N, about four minutes: does the harness work?
    python -m bench.run --mode tiny --out DIR --no-plots   # what the test suite runs

Needs PostgreSQL (database `bench`, created if missing) and Redis (DB 5, flushed at the
start) on 127.0.0.1. Results go to `<out>/results.json` as each scenario ends, so a
report can be written again from them: `python -m bench.report <out>`.

Scenarios (`--only` takes any of them; every mode runs all of them, smaller in quick and tiny):
fanout, page, throughput and storm on one process; `scale`, readers held across several
app processes (bench/fleet.py; full: 50,000 on 4 processes, quick: 2,000 on 2); `deploy`,
the app processes restarted one by one while posts go out (bench/fleet.py); `frames`,
binary against text reader frames (the app's LIVEBLOG_TEXT_FRAMES, README's configuration).
    python -m bench.run --mode quick --only scale deploy frames --out /tmp/bs-quick
Exits non-zero when the app failed to deliver every post to every reader exactly once.
"""

import argparse
import json
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import fleet, scenarios
from bench.scenarios import Mode

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ("fanout", "page", "throughput", "storm", "scale", "deploy", "frames")

MODES = {
    "full": Mode(
        name="full",
        levels=(1000, 5000, 10000),
        posts=(10, 10, 60),
        naive_posts=(10, 10, 10),
        interval=1.0,
        configs=(
            ("uvicorn", 1),
            ("ceiling", 1),
            ("naive", 1),
            ("uvicorn", 2),
            ("daphne", 1),
            ("daphne", 2),
        ),
        idle_seconds=3,
        page_posts=(20, 10000),
        http_seconds=10,
        http_concurrency=16,
        storm_readers=5000,
        client_processes=2,
        runs=3,
        # The comparisons once each: three runs of all six take over an hour.
        comparison_runs=1,
        # 50,000 readers: four app processes of 12,500 sockets and four reader processes,
        # each well under the file limit of 20,000 (`ulimit -Hn`).
        scale_readers=50000,
        scale_processes=4,
        scale_client_processes=4,
        scale_posts=3,
        scale_interval=5.0,
        scale_wait=120.0,
        deploy_readers=5000,
        deploy_processes=3,
        frames_posts=20,
    ),
    "quick": Mode(
        name="quick",
        levels=(100, 500),
        posts=(2, 3),
        interval=1.0,
        configs=(("uvicorn", 1), ("ceiling", 1), ("naive", 1), ("uvicorn", 2), ("daphne", 1)),
        idle_seconds=1,
        page_posts=(20, 10000),
        http_seconds=3,
        http_concurrency=8,
        storm_readers=500,
        client_processes=2,
        delivery_wait=15,
        settle=0.5,
        lone_publishes=5,
        runs=3,
        scale_readers=2000,
        scale_processes=2,
        scale_client_processes=2,
        scale_posts=3,
        deploy_readers=500,
        deploy_processes=3,
        frames_posts=3,
    ),
    "tiny": Mode(
        name="tiny",
        levels=(5, 20),
        posts=(2, 3),
        interval=0.2,
        configs=(("uvicorn", 1), ("naive", 1), ("ceiling", 1)),
        idle_seconds=0.2,
        page_posts=(20, 200),
        http_seconds=0.5,
        http_concurrency=2,
        storm_readers=20,
        client_processes=1,
        # A ceiling (collecting stops once every reader has every post): the suite runs
        # this on machines busy with other work, where 10 s was once too short.
        delivery_wait=60,
        settle=0.2,
        lone_publishes=3,
        scale_readers=40,
        scale_processes=2,
        scale_client_processes=1,
        scale_interval=0.5,
        deploy_readers=30,
        deploy_processes=2,
        frames_posts=2,
    ),
}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--mode", choices=MODES, default="quick")
    parser.add_argument("--out", type=Path, help="where results.json, the report and plots go")
    parser.add_argument("--no-plots", action="store_true", help="skip matplotlib")
    parser.add_argument(
        "--only", nargs="*", choices=SCENARIOS, help=f"scenarios to run ({', '.join(SCENARIOS)})"
    )
    parser.add_argument("--runs", type=int, help="runs of each fan-out configuration")
    args = parser.parse_args()
    mode = MODES[args.mode]
    if args.runs:
        mode.runs = args.runs
    out = args.out or (
        ROOT / ("bench/results" if mode.name == "full" else f"bench-results/{mode.name}")
    )
    out.mkdir(parents=True, exist_ok=True)
    wanted = set(args.only or SCENARIOS)

    from bench import publishing

    publishing.setup_django()
    publishing.prepare_database()
    if mode.name != "tiny":
        # The tiny run may share its Redis DB with another tiny run (the suite, twice).
        publishing.flush_redis()

    results = {
        "mode": mode.name,
        "command": command_of(mode, args),
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "parameters": mode.__dict__,
        "fanout": [],
    }
    save(out, results)
    frame = reference_frame(publishing)
    began = time.monotonic()
    # What the goals of issue 5 need comes first (the app on uvicorn, the ceiling, the
    # naive peer, the page, the storm), the other server configurations after: a run cut
    # short still answers the issue (`python -m bench.report` writes what it has).
    first, rest = mode.configs[:3], mode.configs[3:]
    if "fanout" in wanted:
        fan_out_on(mode, first, frame, results, out)
    if "page" in wanted:
        print("reader page and polling", flush=True)
        sessions = {
            n: publishing.session_with_posts(publishing.slug(f"page-{n}"), n)
            for n in mode.page_posts
        }
        results["page"] = scenarios.reader_page(mode, sessions)
        save(out, results)
    if "throughput" in wanted:
        print("page throughput against a trivial view", flush=True)
        session = publishing.session_with_posts(publishing.slug("page-20"), 20)
        results["throughput"] = scenarios.page_throughput(mode, session)
        save(out, results)
    if "storm" in wanted:
        print("reconnect storm", flush=True)
        results["storm"] = scenarios.reconnect_storm(mode)
        save(out, results)
    if "scale" in wanted:
        print(
            f"scale: {mode.scale_readers:,} readers on {mode.scale_processes} processes", flush=True
        )
        results["scale"] = fleet.scale(mode)
        save(out, results)
    if "deploy" in wanted:
        print(f"rolling deploy of {mode.deploy_processes} processes", flush=True)
        results["deploy"] = fleet.rolling_deploy(mode)
        save(out, results)
    if "frames" in wanted:
        results["frames"] = scenarios.frames(mode, frame)
        save(out, results)
    if "fanout" in wanted:
        fan_out_on(mode, rest, frame, results, out)
    results["seconds"] = time.monotonic() - began
    save(out, results)
    if mode.name == "tiny":
        publishing.forget_sessions()

    from bench import report

    report.write(out, results, plots=not args.no_plots, root=ROOT if mode.name == "full" else out)
    failures = report.failures(results)
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    print(f"done in {results['seconds']:.0f}s; results in {out}", flush=True)
    return 1 if failures else 0


def fan_out_on(mode, configs, frame: str, results: dict, out: Path) -> None:
    """Each configuration `mode.runs` times; the report gives the median and the spread."""
    for kind, workers in configs:
        runs, count = [], runs_of(mode, kind, workers)
        for number in range(1, count + 1):
            print(f"fan-out ({mode.name}): {kind} x{workers}, run {number}/{count}", flush=True)
            runs.append(scenarios.fan_out(mode, kind, workers, frame))
        results["fanout"].append(scenarios.median_of_runs(runs))
        save(out, results)


def runs_of(mode: Mode, kind: str, workers: int) -> int:
    """The goals' configurations (the first two) run `mode.runs` times, the others
    `mode.comparison_runs` times when the mode says so."""
    if (kind, workers) in mode.configs[:2] or mode.comparison_runs is None:
        return mode.runs
    return mode.comparison_runs


def reference_frame(publishing) -> str:
    """The frame of one real post, which the ceiling broadcasts (same payload for every peer)."""
    session = publishing.fresh_session(publishing.slug("frame"))
    publisher = publishing.Publisher(session)
    seq, _started, _seconds = publisher.publish()
    return publisher.frame(seq)


def command_of(mode, args) -> str:
    """The command the report cites: a run of some scenarios only says which."""
    if args.only:
        return f"python -m bench.run --mode {mode.name} --only {' '.join(args.only)}"
    make = {"full": "make bench", "quick": "make bench-quick"}.get(mode.name)
    return make or f"python -m bench.run --mode {mode.name}"


def machine() -> dict:
    import os

    import psutil

    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_before": os.getloadavg(),
    }


def save(out: Path, results: dict) -> None:
    (out / "results.json").write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    sys.exit(main())
