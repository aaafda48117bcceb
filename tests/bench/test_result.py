"""The benchmark verdict: a load run whose client, not the server, set the pace is called client-bound."""

from __future__ import annotations

import json
from dataclasses import asdict

from scripts.bench.result import LoadRun, Measure, client_bound, table


def run(rate: float, client: float, server: float | None, seconds: float = 2.0,
        tool: str = "wrk", cores: float = 1.0) -> LoadRun:
    """A run of `seconds` in which the client and the server were in demand for so many seconds."""
    return LoadRun(rate=rate, tool=tool, seconds=seconds, client_demand=client, server_demand=server,
                   client_cores=cores)


def test_python_client_never_waiting_on_an_idle_server_is_client_bound() -> None:
    evidence = client_bound([run(394, client=1.98, server=0.09, tool="python client")])
    assert "1 of 1 load runs client-bound" in evidence
    assert "python client was on or waiting for its 1 core(s) 0.99 of the run" in evidence
    assert "the server 0.04" in evidence


def test_a_client_starved_by_other_jobs_is_still_client_bound() -> None:
    # Seen on a loaded machine: the client ran only half the time, and queued for a core the rest.
    half_on_cpu_half_queued = 0.5 * 2 + 0.45 * 2
    assert client_bound([run(112, client=half_on_cpu_half_queued, server=0.1)]) != ""


def test_wrk_with_time_to_spare_is_not_client_bound() -> None:
    assert client_bound([run(15_554, client=0.57, server=1.9)]) == ""


def test_a_saturated_server_sets_the_pace_even_when_the_client_is_busy_too() -> None:
    assert client_bound([run(20_000, client=1.9, server=1.95)]) == ""


def test_a_saturated_client_with_an_unreadable_server_is_client_bound() -> None:
    assert "the server unknown" in client_bound([run(400, client=1.9, server=None)])


def test_one_client_bound_run_taints_every_run_of_the_measure() -> None:
    runs = [run(15_000, 0.6, 1.3), run(400, 1.9, 0.1, tool="python client"), run(16_000, 0.6, 1.4)]
    evidence = client_bound(runs)
    assert evidence.startswith("1 of 3 load runs client-bound")
    assert "at 400 req/s" in evidence


def test_a_client_with_more_cores_is_saturated_only_when_it_fills_them() -> None:
    assert client_bound([run(30_000, client=1.9, server=0.5, cores=2)]) == ""
    assert client_bound([run(30_000, client=3.8, server=0.5, cores=2)]) != ""


def test_the_threshold_is_the_share_of_the_client_ceiling() -> None:
    busy = run(400, client=1.6, server=0.1)  # 0.8 of a core
    assert client_bound([busy]) == ""
    assert client_bound([busy], saturated=0.75) != ""


def test_a_client_bound_measure_is_neither_met_nor_not_met() -> None:
    flattering = Measure("feed (rps)", ours=390, baseline=394, unit="req/s", goal=0.4,
                         client_bound="1 of 1 load runs client-bound")
    assert flattering.met  # the ratio alone would have said so
    assert flattering.verdict == "client-bound"
    text = table([flattering])
    assert "client-bound" in text.splitlines()[2]
    assert " met" not in text.splitlines()[2]
    assert "client-bound, so neither met nor not met: 1 of 1 load runs client-bound" in text
    as_json = flattering.as_dict()
    assert as_json["met"] is None and as_json["verdict"] == "client-bound"


def test_a_measure_without_evidence_keeps_its_verdict() -> None:
    assert Measure("redirect", 20_000, 16_000, "req/s", 0.6).verdict == "met"
    assert Measure("feed", 2_500, 11_000, "req/s", 0.4).verdict == "NOT met"


def test_the_evidence_survives_the_runner_passing_measures_between_processes() -> None:
    measure = Measure("feed", 390, 394, "req/s", 0.4, client_bound="evidence")
    assert Measure(**json.loads(json.dumps(asdict(measure)))).verdict == "client-bound"
