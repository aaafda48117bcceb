"""Earned media value and return on investment: versioned formulas and their pure arithmetic.

EMV = Σ over networks of CPM × impressions / 1000 + CPC × clicks + value per engagement × engagements,
with the rates set per network. ROI = (EMV − programme cost) / programme cost.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from advocacy.accounts.models import NETWORK_LABELS


@dataclass(frozen=True)
class NetworkRates:
    """What the same result would have cost as paid media on one network."""

    cpm: float  # per 1,000 impressions
    cpc: float  # per click
    per_engagement: float


# The most any rate may be, in the formula's currency: far above any paid-media price, and small
# enough that no count of impressions, clicks or engagements can carry EMV beyond a float.
MAX_RATE = 10_000.0
RATE_NAMES = {"cpm": "CPM", "cpc": "CPC", "per_engagement": "value per engagement"}


def rates_problem(rates: Mapping[str, NetworkRates]) -> str | None:
    """What is wrong with the rates, in words a person can act on; None when each is a number in
    [0, MAX_RATE]."""
    for network, r in sorted(rates.items()):
        for field, name in RATE_NAMES.items():
            value = getattr(r, field)
            if not (math.isfinite(value) and 0 <= value <= MAX_RATE):
                return (f"The {name} of {NETWORK_LABELS.get(network, network)} must be a number from 0 "
                        f"to {MAX_RATE:,.0f}.")
    return None


# Starting rates, editable by the organisation (every edit is a new formula version). They are
# round figures in the range public ad benchmarks quote for each network, not a claim of precision.
DEFAULT_RATES: dict[str, NetworkRates] = {
    "linkedin": NetworkRates(cpm=30.0, cpc=5.0, per_engagement=0.50),
    "x": NetworkRates(cpm=6.0, cpc=0.75, per_engagement=0.10),
}


@dataclass(frozen=True)
class EmvFormulaSpec:
    version: int
    currency: str
    rates: Mapping[str, NetworkRates]

    def describe(self) -> str:
        """The formula as a sentence people can check by hand."""
        parts = [
            f"{NETWORK_LABELS.get(network, network)}: {r.cpm:g} × impressions/1000 + {r.cpc:g} × clicks"
            f" + {r.per_engagement:g} × engagements"
            for network, r in sorted(self.rates.items())
        ]
        return f"EMV formula v{self.version} ({self.currency}) — " + "; ".join(parts)


@dataclass(frozen=True)
class ValueInputs:
    """The figures of one network that EMV values. None (not reported) is valued at nothing."""

    impressions: int | None
    clicks: int | None
    engagements: int | None


def network_emv(rates: NetworkRates, figures: ValueInputs) -> float:
    return (
        rates.cpm * (figures.impressions or 0) / 1000
        + rates.cpc * (figures.clicks or 0)
        + rates.per_engagement * (figures.engagements or 0)
    )


def emv(formula: EmvFormulaSpec, by_network: Mapping[str, ValueInputs]) -> float:
    """EMV over networks; a network the formula has no rates for adds nothing."""
    return sum(
        network_emv(formula.rates[network], figures)
        for network, figures in by_network.items()
        if network in formula.rates
    )


def roi(value: float, cost: float | None) -> float | None:
    """(EMV − cost) / cost, or None without a positive cost: a ratio to nothing means nothing."""
    if cost is None or cost <= 0:
        return None
    return (value - cost) / cost


@dataclass(frozen=True)
class CostEntry:
    """A programme cost spread evenly over its inclusive days."""

    amount: float
    first_day: date
    last_day: date

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


def cost_in_range(costs: Iterable[CostEntry], first_day: date | None, last_day: date | None) -> float:
    """The share of each cost that falls in the inclusive days [first_day, last_day] (open if None)."""
    amount = 0.0
    for cost in costs:
        start = max(cost.first_day, first_day) if first_day else cost.first_day
        end = min(cost.last_day, last_day) if last_day else cost.last_day
        if end >= start:
            amount += cost.amount * ((end - start).days + 1) / cost.days
    return amount


def rates_from_json(data: Mapping[str, Mapping[str, float]]) -> dict[str, NetworkRates]:
    return {network: NetworkRates(**{k: float(v) for k, v in values.items()})
            for network, values in data.items()}


def rates_to_json(rates: Mapping[str, NetworkRates]) -> dict[str, dict[str, float]]:
    return {network: {"cpm": r.cpm, "cpc": r.cpc, "per_engagement": r.per_engagement}
            for network, r in rates.items()}

