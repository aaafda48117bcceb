"""One benchmark measure (our figure, the raw baseline of the same run, ratio, goal) and the table of them."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/advocacy_bench"


def bench_database_url() -> str:
    """The PostgreSQL database benchmarks may empty: ADVOCACY_BENCH_DATABASE_URL or a local default."""
    return os.environ.get("ADVOCACY_BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)


# The share of a run's wall time at which a process counts as never having waited for the other side.
SATURATED = 0.85


@dataclass(frozen=True)
class LoadRun:
    """One load run against a served app: the rate it answered at and how each side spent the run.

    A side's demand is the seconds it ran on a core plus the seconds it sat in the run queue waiting
    for one (Linux's schedstat): a process in demand for the whole run never waited on the other
    side, whatever the machine's other jobs left it of the CPU. `client_cores` is the most the load
    generator can use (wrk with one thread and the asyncio client each run on one core);
    `server_demand` is None where the server's process could not be read."""

    rate: float
    tool: str
    seconds: float
    client_demand: float
    server_demand: float | None = None
    client_cores: float = 1.0

    @property
    def client_busy(self) -> float:
        return self.client_demand / (self.seconds * self.client_cores) if self.seconds else 0.0

    @property
    def server_busy(self) -> float | None:
        return None if self.server_demand is None or not self.seconds else self.server_demand / self.seconds


def client_bound(runs: Iterable[LoadRun], saturated: float = SATURATED) -> str:
    """Why the load generator rather than the server set the pace of these runs; "" when it did not.

    In a closed loop the side that never waits is the bottleneck. A run is client-bound when the load
    generator was on or queued for its cores at least `saturated` of the run while the server was
    not (or could not be read): the server sat idle between requests and could have answered more,
    so the rate, and any ratio built on it, measures the client. One such run taints the measure: a
    client-bound baseline flatters the ratio, a client-bound figure of ours understates it."""
    runs = list(runs)
    bound = [run for run in runs if run.client_busy >= saturated
             and (run.server_busy is None or run.server_busy < saturated)]
    if not bound:
        return ""
    worst = max(bound, key=lambda run: run.client_busy)
    server = "unknown" if worst.server_busy is None else f"{worst.server_busy:.2f}"
    return (f"{len(bound)} of {len(runs)} load runs client-bound; at worst {worst.tool} was on or "
            f"waiting for its {worst.client_cores:g} core(s) {worst.client_busy:.2f} of the run at "
            f"{worst.rate:,.0f} req/s, the server {server}")


@dataclass(frozen=True)
class Measure:
    """What one benchmark measured. `ratio` is ours / baseline; the goal applies to the ratio, or to
    our own figure when `goal_on_ours` (worker memory has no baseline to divide by)."""

    name: str
    ours: float
    baseline: float
    unit: str
    goal: float
    higher_is_better: bool = True
    goal_on_ours: bool = False
    baseline_name: str = ""
    note: str = ""
    extra: dict[str, float] = field(default_factory=dict)
    client_bound: str = ""  # the evidence when the load generator set the pace (see `client_bound`)

    @property
    def ratio(self) -> float:
        return self.ours / self.baseline if self.baseline else float("nan")

    @property
    def judged(self) -> float:
        return self.ours if self.goal_on_ours else self.ratio

    @property
    def met(self) -> bool:
        return self.judged >= self.goal if self.higher_is_better else self.judged <= self.goal

    @property
    def verdict(self) -> str:
        """"met", "NOT met", or "client-bound" when the figures measure the load generator instead."""
        if self.client_bound:
            return "client-bound"
        return "met" if self.met else "NOT met"

    @property
    def goal_text(self) -> str:
        sign = ">=" if self.higher_is_better else "<="
        if self.goal_on_ours:
            return f"{sign} {self.goal:g} {self.unit}"
        return f"ratio {sign} {self.goal:g}"

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "ratio": self.ratio, "goal_text": self.goal_text,
                "met": None if self.client_bound else self.met, "verdict": self.verdict}


def _number(value: float) -> str:
    if value != value:  # NaN
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:,.2f}"
    return f"{value:.4f}"


def table(measures: list[Measure]) -> str:
    """A plain-text table: measure, ours, baseline, ratio, goal, verdict; then each measure's notes."""
    header = ("measure", "ours", "raw baseline", "ratio", "goal", "")
    rows = [
        (m.name, f"{_number(m.ours)} {m.unit}", f"{_number(m.baseline)} {m.unit}" if m.baseline else "-",
         _number(m.ratio) if m.baseline else "-", m.goal_text, m.verdict)
        for m in measures
    ]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(header, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    notes = [f"- {m.name}: {m.note}" for m in measures if m.note]
    notes += [f"- {m.name}: client-bound, so neither met nor not met: {m.client_bound}"
              for m in measures if m.client_bound]
    return "\n".join(lines + ([""] + notes if notes else []))


def report(measures: list[Measure], as_json: bool) -> None:
    if as_json:
        print(json.dumps([m.as_dict() for m in measures], indent=2))
    else:
        print(table(measures))
