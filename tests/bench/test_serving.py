"""The load harness: a load run reads what the load generator and the served app spent."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from scripts.bench.serving import demand_seconds, requests_per_second, served


@pytest.fixture(scope="module")
def bare() -> Iterator[str]:
    with served("scripts.bench.bare:app") as base:
        yield base


def test_a_load_run_reports_the_demand_of_client_and_server(bare: str) -> None:
    run = requests_per_second(bare + "/", seconds=0.5, connections=4)
    assert run.rate > 0
    assert run.seconds >= 0.5
    assert 0 < run.client_busy <= 1.05  # one thread cannot be in demand longer than the run
    assert run.server_busy is not None and 0 < run.server_busy <= 1.05 * 2


def test_a_load_run_against_error_pages_fails(bare: str) -> None:
    with pytest.raises(RuntimeError):
        requests_per_second(bare + "/missing", seconds=0.5, connections=2)


def test_demand_seconds_reads_a_live_process_and_not_a_gone_one() -> None:
    assert (demand_seconds(os.getpid()) or 0) > 0
    assert demand_seconds(2**22 + 7) is None  # above the kernel's default pid_max
