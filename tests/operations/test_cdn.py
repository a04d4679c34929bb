"""Readers polling through a CDN cost the app a small fraction of what they cost directly:
`python -m bench.cdn` on tiny numbers, nginx's proxy_cache (deploy/nginx/cdn-standin.conf)
in front of the app started as the README's production command, on PostgreSQL and Redis.

No timing is judged (the figures come from a run written up in BENCHMARKS.md): only how
many of the readers' requests reached the app, which the app's own access log counts.
It uses the benchmark harness's test database and Redis DB (`bench_test`, DB 15).
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import WAIT

ROOT = Path(__file__).resolve().parents[2]
# The database bench_test and Redis DB 15 are this group's (tests/conftest.py).
pytestmark = [
    pytest.mark.needs_postgres,
    pytest.mark.needs_redis,
    pytest.mark.xdist_group("postgres-bench_test"),
]


@pytest.fixture(scope="module")
def cdn_run(tmp_path_factory):
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        if os.environ.get("CI"):
            pytest.fail("CI must provide nginx (make test installs it)")
        pytest.skip("nginx is not installed")
    out = tmp_path_factory.mktemp("cdn")
    finished = subprocess.run(
        [
            *(sys.executable, "-m", "bench.cdn", "--seconds", "2", "--readers", "4"),
            *("--interval", "0.7", "--out", str(out), "--work", str(out / "work")),
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "BENCH_DATABASE_URL": "postgres://postgres@127.0.0.1:5432/bench_test",
            "BENCH_REDIS_URL": "redis://127.0.0.1:6379/15",
            "BENCH_STATIC_ROOT": str(out / "static"),
            "BENCH_RUN": f"test{os.getpid()}",
        },
        capture_output=True,
        text=True,
        timeout=10 * WAIT,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    return finished, json.loads((out / "cdn.json").read_text())


def runs_of(results: dict, route: str) -> dict[str, dict]:
    return {run["url"]: run for run in results["runs"] if run["route"] == route}


def test_the_run_prints_its_command_and_every_figure_with_the_machine_s_load(cdn_run):
    finished, results = cdn_run
    assert "$ python -m bench.cdn --seconds 2 --readers 4" in finished.stdout
    assert "load (1 min) before → after" in finished.stdout
    assert len(results["runs"]) == 9
    for run in results["runs"]:
        assert run["errors"] == 0, run
        assert run["requests"] > 0 and len(run["load_before"]) == 3, run


def test_every_reader_request_reaches_the_app_without_a_cache(cdn_run):
    _finished, results = cdn_run
    for url, run in runs_of(results, "direct").items():
        # The access line is written as the answer goes: the last few may not be in yet.
        assert run["app_requests"] >= run["requests"] - 4 * run["readers"], url


def test_through_the_cache_the_app_sees_a_small_fraction_of_the_readers_requests(cdn_run):
    _finished, results = cdn_run
    for url, run in runs_of(results, "CDN").items():
        assert run["cache"].get("HIT", 0) > 0, url
        assert run["app_requests"] * 10 <= run["requests"], url
