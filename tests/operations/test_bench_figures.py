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
    # The production websocket protocol, not replaced by a bench option after it.
    assert command.count("--ws") == 1


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


def test_every_process_of_a_fleet_runs_the_production_command():
    from bench.fleet import Fleet

    for shared in (False, True):
        fleet = Fleet(3, "test", shared=shared)
        try:
            for index, port in enumerate(fleet.ports):
                production = uvicorn_command(host="127.0.0.1", port=port)
                command = fleet.command(index)
                assert command[: len(production)] == production
                assert ("--fd" in command) is shared
            assert len(set(fleet.ports)) == (1 if shared else 3)
        finally:
            fleet.close()


def scale_result(delivered: int, mib: float) -> dict:
    return {
        "readers": 1000,
        "processes": 2,
        "posts": 3,
        "connect": {"connected": 1000, "failed": 0, "seconds": 12.0},
        "mib_per_thousand": mib,
        "latency_ms": {"p99": 2500.0},
        "deliveries": {"readers": 1000, "delivered": delivered, "repeats": 0},
        "complete": delivered == 3000,
    }


def test_the_scale_goals_say_how_far_each_figure_is_from_its_limit():
    from bench.report import goals

    rows = {
        goal: (figures, met)
        for goal, figures, met in goals({"fanout": [], "scale": scale_result(3000, 24.5)})
    }
    memory = next(v for k, v in rows.items() if "MiB per 1,000" in k)
    assert memory == ("24.5 MiB (4.5 MiB over 20 MiB)", False)
    delivery = next(v for k, v in rows.items() if "p99 ≤ 3 s" in k)
    assert delivery[1] is True and "(0.5 s under 3 s)" in delivery[0]


def test_a_delivery_lost_at_scale_or_in_a_deploy_fails_the_run():
    from bench.report import failures

    deploy = {"complete": False, "total": {"delivered": 9, "expected": 10, "repeats": 0}}
    found = failures({"fanout": [], "scale": scale_result(2999, 10.0), "deploy": deploy})
    assert found == [
        "scale: 1000 of 1000 readers held, 2999 of 3000 deliveries, 0 repeated",
        "rolling deploy: 9 of 10, 0 repeated",
    ]


def test_the_page_goals_are_read_on_the_medians_of_the_runs():
    from bench.report import throughput_goals

    load = {"others_cpu_percent": 12.0}
    results = {
        "throughput": {
            "runs": [{"load": load}, {"load": load}, {"load": load}],
            "trivial_rps": 1200.0,
            "page_rps": 900.0,
            "ratio": 0.75,
        }
    }
    (ratio, trivial) = throughput_goals(results)
    assert ratio[2] is False and "75%" in ratio[1]
    assert trivial[2] is True and "1200 req/s" in trivial[1]


def test_compression_is_judged_on_cpu_and_memory_both():
    from bench.report import compression_goal

    def kind(cpu: float, memory: float) -> dict:
        return {"cpu_us_per_delivery": cpu, "idle_mib_per_1000": memory, "latency_ms": {}}

    found = {"readers": 100, "binary": kind(60, 18)}
    assert compression_goal({**found, "compressed": kind(110, 55)})[0][2] is True
    assert compression_goal({**found, "compressed": kind(50, 55)})[0][2] is False
    assert compression_goal(found) == []
