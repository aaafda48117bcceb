"""One benchmark measure (our figure, the raw baseline of the same run, ratio, goal) and the table of them."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/advocacy_bench"


def bench_database_url() -> str:
    """The PostgreSQL database benchmarks may empty: ADVOCACY_BENCH_DATABASE_URL or a local default."""
    return os.environ.get("ADVOCACY_BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)


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
    def goal_text(self) -> str:
        sign = ">=" if self.higher_is_better else "<="
        if self.goal_on_ours:
            return f"{sign} {self.goal:g} {self.unit}"
        return f"ratio {sign} {self.goal:g}"

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "ratio": self.ratio, "goal_text": self.goal_text, "met": self.met}


def _number(value: float) -> str:
    if value != value:  # NaN
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:,.2f}"
    return f"{value:.4f}"


def table(measures: list[Measure]) -> str:
    """A plain-text table: measure, ours, baseline, ratio, goal, met."""
    header = ("measure", "ours", "raw baseline", "ratio", "goal", "")
    rows = [
        (m.name, f"{_number(m.ours)} {m.unit}", f"{_number(m.baseline)} {m.unit}" if m.baseline else "-",
         _number(m.ratio) if m.baseline else "-", m.goal_text, "met" if m.met else "NOT met")
        for m in measures
    ]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(header, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    notes = [f"- {m.name}: {m.note}" for m in measures if m.note]
    return "\n".join(lines + ([""] + notes if notes else []))


def report(measures: list[Measure], as_json: bool) -> None:
    if as_json:
        print(json.dumps([m.as_dict() for m in measures], indent=2))
    else:
        print(table(measures))
