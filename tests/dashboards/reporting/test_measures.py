"""Pure measures: totals keep not-reported apart from zero, paired rates, EMV, ROI and cost spreading."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboards.reporting.emv import (
    DEFAULT_RATES,
    CostEntry,
    EmvFormulaSpec,
    NetworkRates,
    ValueInputs,
    cost_in_range,
    emv,
    roi,
)
from dashboards.reporting.measures import PostFigures, total

counts = st.one_of(st.none(), st.integers(min_value=0, max_value=10**9))
posts = st.builds(PostFigures, counts, counts, counts, counts, st.sampled_from(["measured", "simulated"]))
rates = st.builds(NetworkRates, *(st.floats(min_value=0, max_value=1000) for _ in range(3)))
inputs = st.builds(ValueInputs, counts, counts, counts)


def test_engagements_of_a_post_without_impressions_do_not_inflate_the_rate() -> None:
    totals = total([PostFigures(1000, None, 10, None, "measured"),
                    PostFigures(None, None, 500, 7, "measured")])
    assert totals.engagements == 510, "the engagements are still counted"
    assert totals.engagement_rate == pytest.approx(0.01), "but only paired ones enter the rate"
    assert totals.click_through_rate is None, "no post reports both clicks and impressions"


@given(st.lists(posts, max_size=30))
def test_a_total_is_none_only_when_no_post_reported_it(items: list[PostFigures]) -> None:
    totals = total(items)
    for field in ("impressions", "reach", "engagements", "clicks"):
        reported = [getattr(p, field) for p in items if getattr(p, field) is not None]
        assert getattr(totals, field) == (sum(reported) if reported else None)


@given(st.lists(posts, max_size=30))
def test_engagement_rate_counts_only_posts_that_report_both_figures(items: list[PostFigures]) -> None:
    paired = [p for p in items if p.impressions is not None and p.engagements is not None]
    impressions = sum(p.impressions or 0 for p in paired)
    expected = sum(p.engagements or 0 for p in paired) / impressions if impressions else None
    assert total(items).engagement_rate == expected


@given(st.lists(posts.filter(lambda p: bool(p.impressions)), max_size=30))
def test_engagement_rate_lies_between_the_rates_of_the_posts_it_pairs(items: list[PostFigures]) -> None:
    paired = [p for p in items if p.engagements is not None]
    rate = total(items).engagement_rate
    if not paired:
        assert rate is None or rate == 0
        return
    per_post = [p.engagements / p.impressions for p in paired]  # type: ignore[operator]
    assert rate is not None
    assert min(per_post) - 1e-9 <= rate <= max(per_post) + 1e-9


@given(rates, inputs, inputs)
def test_emv_adds_up_over_networks(r: NetworkRates, a: ValueInputs, b: ValueInputs) -> None:
    formula = EmvFormulaSpec(1, "USD", {"linkedin": r, "x": r})
    together = emv(formula, {"linkedin": a, "x": b})
    assert together == pytest.approx(emv(formula, {"linkedin": a}) + emv(formula, {"x": b}))
    assert together >= 0


def test_emv_follows_the_stated_formula() -> None:
    formula = EmvFormulaSpec(3, "EUR", {"linkedin": NetworkRates(cpm=20, cpc=4, per_engagement=0.5)})
    value = emv(formula, {"linkedin": ValueInputs(impressions=50_000, clicks=30, engagements=200),
                          "mastodon": ValueInputs(impressions=10**6, clicks=10**3, engagements=10**3)})
    assert value == pytest.approx(20 * 50 + 4 * 30 + 0.5 * 200)
    assert formula.describe() == (
        "EMV formula v3 (EUR) — LinkedIn: 20 × impressions/1000 + 4 × clicks + 0.5 × engagements"
    )


def test_not_reported_figures_add_no_value() -> None:
    formula = EmvFormulaSpec(1, "USD", DEFAULT_RATES)
    assert emv(formula, {"x": ValueInputs(None, None, None)}) == 0


@given(st.floats(min_value=0, max_value=1e9), st.floats(min_value=0.01, max_value=1e9))
def test_roi_is_return_over_cost(value: float, cost: float) -> None:
    result = roi(value, cost)
    assert result == pytest.approx((value - cost) / cost)
    assert result is not None and (result > 0) == (value > cost)


def test_roi_without_a_cost_is_unknown_not_infinite() -> None:
    assert roi(1000.0, None) is None and roi(1000.0, 0.0) is None


@given(
    amount=st.floats(min_value=0, max_value=1e7),
    length=st.integers(min_value=1, max_value=120),
    cut=st.integers(min_value=0, max_value=200),
)
def test_a_cost_split_at_any_day_adds_back_to_the_whole(amount: float, length: int, cut: int) -> None:
    first = date(2026, 1, 1)
    cost = CostEntry(amount, first, first + timedelta(days=length - 1))
    middle = first + timedelta(days=cut)
    before = cost_in_range([cost], None, middle - timedelta(days=1))
    after = cost_in_range([cost], middle, None)
    assert before + after == pytest.approx(amount)
    assert cost_in_range([cost], None, None) == pytest.approx(amount)
