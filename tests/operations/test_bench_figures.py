"""The benchmark measures what production runs and reports runs honestly (no server started
here; the tiny run in test_bench_harness.py exercises the whole harness)."""

import pytest

from bench.publishing import composer_fields
from bench.scenarios import median_of_runs
from bench.servers import Server
from newsroom.serve import uvicorn_command


def test_the_bench_runs_the_production_command_itself():
    server = Server("uvicorn", workers=2)
    production = uvicorn_command(host="127.0.0.1", port=server.port, workers=2)
    (command,) = server.commands()
    assert command[: len(production)] == production
    assert command[command.index("--ws-per-message-deflate") + 1] == "false"


def step(p99: float, cpu: float, delivered: int = 6, repeats: int = 0) -> dict:
    return {
        "readers": 3,
        "posts": 2,
        "latency_ms": {"p50": p99 / 2, "p99": p99, "count": delivered},
        "latency_quantiles_ms": [p99],
        "publish_ms": {"p50": 40.0},
        "cpu_us_per_delivery": cpu,
        "deliveries": {"delivered": delivered, "missing": 6 - delivered, "repeats": repeats},
        "complete": delivered == 6 and not repeats,
    }


def run(p99: float, cpu: float, load: float, **counts) -> dict:
    return {
        "server": "uvicorn x1",
        "kind": "uvicorn",
        "steps": [step(p99, cpu, **counts)],
        "load": {"others_cpu_percent": load},
    }


def test_three_runs_give_the_median_the_spread_and_each_run_s_load():
    combined = median_of_runs([run(120, 50, 5), run(300, 70, 80), run(150, 60, 10)])
    (only,) = combined["steps"]
    assert only["latency_ms"]["p99"] == 150
    assert only["cpu_us_per_delivery"] == 60
    assert only["spread"]["latency_p99_ms"] == [120, 300]
    assert only["latency_quantiles_ms"] == [150], "the distribution of the median run"
    assert [r["load"]["others_cpu_percent"] for r in combined["runs"]] == [5, 80, 10]
    assert only["complete"]


def test_a_delivery_lost_in_any_run_is_not_hidden_by_the_median():
    combined = median_of_runs([run(120, 50, 5), run(130, 50, 5, delivered=5), run(140, 50, 5)])
    (only,) = combined["steps"]
    assert not only["complete"]
    assert only["deliveries"]["missing"] == 1


@pytest.mark.django_db
def test_the_bench_journalist_sends_back_the_composer_s_own_hidden_fields(
    client, journalist, session
):
    session.journalists.add(journalist)
    client.force_login(journalist)
    fields = composer_fields(client.get(f"/editor/{session.slug}/").content.decode())
    assert fields["submission_key"]
    assert {"version", "composer_key", "composer_seq"} <= fields.keys()
    assert not any(name.startswith("blocks-") or name == "csrfmiddlewaretoken" for name in fields)
