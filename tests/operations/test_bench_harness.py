"""The benchmark harness works and counts deliveries right (no timing is judged here:
figures come from `make bench`, on a quiet machine, not from the test suite).

The tiny run starts real servers (uvicorn, the naive Channels peer, the bare websockets
ceiling) on PostgreSQL and Redis, connects real readers, publishes real posts, kills
and restarts a server, restarts app processes one by one (a deploy), holds readers across
processes and sends text and binary frames, in about a minute. It uses a database and a Redis DB of its
own (`bench_test`, DB 15), so a `make bench` running meanwhile keeps `bench` and DB 5.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.report import failures
from tests.helpers import WAIT

ROOT = Path(__file__).resolve().parents[2]
# The database bench_test and Redis DB 15 are this group's (tests/conftest.py).
pytestmark = [
    pytest.mark.needs_postgres,
    pytest.mark.needs_redis,
    pytest.mark.xdist_group("postgres-bench_test"),
]


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    finished = subprocess.run(
        [sys.executable, "-m", "bench.run", "--mode", "tiny", "--out", str(out), "--no-plots"],
        cwd=ROOT,
        env={
            **os.environ,
            "BENCH_DATABASE_URL": "postgres://postgres@127.0.0.1:5432/bench_test",
            "BENCH_REDIS_URL": "redis://127.0.0.1:6379/15",
            "BENCH_STATIC_ROOT": str(out / "static"),
            "BENCH_LOGS": str(out / "logs"),
            "BENCH_RUN": f"test{os.getpid()}",
        },
        capture_output=True,
        text=True,
        # A ceiling, not a measure: the tiny run takes about half a minute on an idle machine.
        timeout=20 * WAIT,
    )
    results = json.loads((out / "results.json").read_text())
    return finished, results, out


def test_tiny_run_succeeds_and_writes_the_report(tiny_run):
    finished, _results, out = tiny_run
    assert finished.returncode == 0, finished.stdout + finished.stderr
    report = (out / "BENCHMARKS.md").read_text()
    assert "python -m bench.run --mode tiny" in report
    assert "## Goals of issue 5" in report
    assert "## 5. Reconnect storm" in report
    for title in ("## Scale:", "## Rolling deploy", "## Binary or text frames"):
        assert title in report


def test_every_reader_gets_every_post_exactly_once_from_app_and_peers(tiny_run):
    _finished, results, _out = tiny_run
    servers = {run["server"]: run for run in results["fanout"]}
    assert set(servers) == {"uvicorn x1", "naive x1", "ceiling x1"}
    for run in servers.values():
        for step in run["steps"]:
            counts = step["deliveries"]
            assert counts["readers"] == step["readers"]
            assert counts["expected"] == step["readers"] * step["posts"]
            assert counts["delivered"] == counts["expected"], (run["server"], counts)
            assert counts["repeats"] == 0
            assert step["latency_ms"]["count"] == counts["expected"]


def test_readers_dropped_by_a_crash_catch_up_on_everything_once(tiny_run):
    _finished, results, _out = tiny_run
    storm = results["storm"]
    total = storm["total"]
    assert total["reconnects"] >= storm["readers"]
    assert total["delivered"] == total["expected"] == storm["readers"] * 10
    assert total["repeats"] == 0
    assert storm["complete"]


def test_reader_page_and_catch_up_requests_are_counted(tiny_run):
    _finished, results, _out = tiny_run
    page = results["page"]
    assert set(page["pages"]) == set(page["pages_rendered"]) == {"20", "200"}
    for run in [*page["pages"].values(), *page["pages_rendered"].values(), page["poll"]]:
        assert run["requests"] > 0
        assert run["errors"] == 0


def test_a_lost_or_repeated_delivery_fails_the_run():
    step = {
        "readers": 3,
        "posts": 2,
        "complete": False,
        "deliveries": {"delivered": 5, "expected": 6, "repeats": 1},
    }
    results = {"fanout": [{"server": "uvicorn x1", "kind": "uvicorn", "steps": [step]}]}
    assert failures(results) == ["uvicorn x1 at 3 readers: 5 of 6 deliveries, 1 repeated"]
    peer = {"server": "naive x1", "kind": "naive", "steps": [step]}
    assert failures({"fanout": [peer]}) == []


def test_the_page_throughput_is_measured_against_a_trivial_view_on_the_same_server(tiny_run):
    _finished, results, out = tiny_run
    found = results["throughput"]
    assert found["runs"] and found["server"] == "uvicorn x1"
    for run in found["runs"]:
        assert run["trivial"]["url"] == "robots.txt" and run["page"]["url"].startswith("live/")
        assert run["trivial"]["requests"] > 0 and run["page"]["requests"] > 0
        assert run["trivial"]["errors"] == run["page"]["errors"] == 0
        assert "loadavg_start" in run["load"]
    assert "## Page throughput" in (out / "BENCHMARKS.md").read_text()


def test_readers_spread_over_several_processes_all_get_every_post_once(tiny_run):
    _finished, results, _out = tiny_run
    scale = results["scale"]
    assert scale["processes"] >= 2 and scale["held"] == scale["readers"]
    assert all(count > 0 for count in scale["readers_per_process"])
    counts = scale["deliveries"]
    assert counts["readers"] == scale["readers"]
    assert counts["delivered"] == counts["expected"] == scale["readers"] * scale["posts"]
    assert counts["repeats"] == 0
    assert scale["complete"]


def test_a_rolling_deploy_drops_every_reader_answers_no_5xx_and_loses_or_repeats_nothing(tiny_run):
    _finished, results, _out = tiny_run
    deploy = results["deploy"]
    assert [r["process"] for r in deploy["restarts"]] == list(range(deploy["processes"]))
    total = deploy["total"]
    # Two posts before, two per process restarted, two after.
    posts = 2 + 2 * deploy["processes"] + 2
    assert total["delivered"] == total["expected"] == deploy["readers"] * posts
    assert total["repeats"] == 0
    assert total["reconnects"] >= deploy["readers"]
    # A stopping process closes what it holds with 1012, handshakes in flight included
    # (tests/operations/test_restart.py makes one certain): no reader gets a 5xx.
    assert total["server_errors"] == 0, total["statuses"]
    assert deploy["recovery"]["current"] == deploy["readers"]
    assert deploy["complete"]


def test_text_binary_and_compressed_frames_each_reach_every_reader(tiny_run):
    _finished, results, _out = tiny_run
    found = results["frames"]
    for kind, other in (("binary", "text"), ("text", "binary"), ("compressed", "text")):
        counts = found[kind]["deliveries"]
        assert counts["delivered"] == counts["expected"] == found["readers"] * found["posts"]
        assert counts["repeats"] == 0
        frames = "binary" if kind == "compressed" else kind
        assert counts[f"{frames}_frames"] >= counts["expected"] and counts[f"{other}_frames"] == 0
        assert found[kind]["complete"]


def test_only_the_compressed_run_has_compression_accepted(tiny_run):
    """The production command declines the compression every reader offers; the frames
    scenario's third kind turns it on to measure what that decision saves."""
    _finished, results, _out = tiny_run
    found = results["frames"]
    assert found["binary"]["deliveries"]["compressed_sockets"] == 0
    assert found["text"]["deliveries"]["compressed_sockets"] == 0
    assert found["compressed"]["deliveries"]["compressed_sockets"] >= found["readers"]


def test_the_storm_records_when_each_reader_became_current(tiny_run):
    _finished, results, _out = tiny_run
    recovery = results["storm"]["recovery"]
    assert recovery["current"] == recovery["readers"] == results["storm"]["readers"]
    assert len(recovery["seconds_quantiles"]) == 101
