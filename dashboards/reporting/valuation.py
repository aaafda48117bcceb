"""Versions of the EMV formula and programme costs: stored, read and added, never edited in place."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tortoise.transactions import in_transaction

from advocacy import audit
from advocacy.clock import Clock
from advocacy.errors import InvalidInput, NotFound
from advocacy.users.models import User
from campaigns.models import Campaign
from dashboards.models import EmvFormula, ProgrammeCost
from dashboards.reporting.emv import (
    DEFAULT_RATES,
    CostEntry,
    EmvFormulaSpec,
    NetworkRates,
    rates_from_json,
    rates_problem,
    rates_to_json,
)


def _spec(row: EmvFormula) -> EmvFormulaSpec:
    return EmvFormulaSpec(row.version, row.currency, rates_from_json(row.rates))


async def current_formula(clock: Clock, currency: str) -> EmvFormulaSpec:
    """The newest formula; version 1 with the default rates is stored the first time it is asked for."""
    row = await EmvFormula.all().order_by("-version").first()
    if row is None:
        return await set_formula(clock, currency, DEFAULT_RATES, note="default rates")
    return _spec(row)


async def formula_version(version: int) -> EmvFormulaSpec:
    row = await EmvFormula.get_or_none(version=version)
    if row is None:
        raise NotFound(f"There is no EMV formula version {version}.")
    return _spec(row)


async def set_formula(
    clock: Clock, currency: str, rates: dict[str, NetworkRates], note: str = ""
) -> EmvFormulaSpec:
    """Store the rates as a new version: reports made with older versions keep saying which."""
    if not rates:
        raise InvalidInput("The formula needs rates for at least one network.")
    problem = rates_problem(rates)
    if problem:
        raise InvalidInput(problem)
    async with in_transaction():
        last = await EmvFormula.all().order_by("-version").first()
        row = await EmvFormula.create(
            version=(last.version + 1) if last else 1, currency=currency, rates=rates_to_json(rates),
            note=note, created_at=clock.now(),
        )
    return _spec(row)


async def add_cost(
    clock: Clock,
    *,
    amount: Decimal,
    currency: str,
    expected_currency: str,
    period_start: date,
    period_end: date,
    campaign_id: int | None = None,
    note: str = "",
    actor: User | None = None,
) -> ProgrammeCost:
    """Record what the programme (or one campaign) cost over the inclusive days of a period.

    Costs move ROI, a figure leadership reports: who entered which one goes to the audit log."""
    if currency != expected_currency:
        raise InvalidInput(f"Costs are kept in {expected_currency}; convert the amount first.")
    if amount <= 0:
        raise InvalidInput("The amount must be more than zero.")
    if period_end < period_start:
        raise InvalidInput("The period must not end before it starts.")
    if campaign_id is not None and not await Campaign.exists(id=campaign_id):
        raise NotFound(f"There is no campaign {campaign_id}.")
    cost = await ProgrammeCost.create(
        campaign_id=campaign_id, period_start=period_start, period_end=period_end, amount=amount,
        currency=currency, note=note, created_at=clock.now(),
    )
    await audit.record(clock, actor, "programme-cost.create", f"cost:{cost.id}", {
        "campaign_id": campaign_id, "amount": str(amount), "currency": currency,
        "period": f"{period_start}..{period_end}"})
    return cost


async def costs_for(campaign_id: int | None) -> list[CostEntry]:
    """A campaign's own costs, or every cost (campaigns and the programme as a whole) when None."""
    rows = ProgrammeCost.all() if campaign_id is None else ProgrammeCost.filter(campaign_id=campaign_id)
    return [CostEntry(float(r.amount), r.period_start, r.period_end) for r in await rows]
