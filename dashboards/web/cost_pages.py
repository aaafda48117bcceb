"""The programme costs page: editors and leaders enter what a campaign (or the programme) cost over
a period, the figure ROI is computed against. It uses the same validation and service as the API."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from advocacy.auth import signed_in_user
from advocacy.errors import DomainError, NotFound
from advocacy.forms import form_text
from advocacy.state import AppRequest
from advocacy.templating import flash, render
from campaigns.models import Campaign
from dashboards.models import ProgrammeCost
from dashboards.reporting import valuation
from dashboards.web.schemas import FIRST_DAY, LAST_DAY, CostIn

FIELD_LABELS = {"amount": "amount", "period_start": "first day", "period_end": "last day",
                "campaign_id": "campaign", "note": "note", "currency": "currency"}


@dataclass
class CostForm:
    """What the person typed, kept when the form comes back with an error."""

    campaign_id: str = ""
    period_start: str = ""
    period_end: str = ""
    amount: str = ""
    note: str = ""

    @classmethod
    def of(cls, form: FormData) -> CostForm:
        return cls(**{name: form_text(form, name).strip() for name in cls.__dataclass_fields__})


def field_errors(error: ValidationError) -> dict[str, str]:
    """One sentence per field, in words a person can act on."""
    messages: dict[str, str] = {}
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else "form"
        reason = str(item["msg"]).removeprefix("Value error, ")
        if item["type"] == "missing":
            messages[field] = f"Enter the {FIELD_LABELS.get(field, field)}."
        elif field == "amount":
            messages[field] = ("Enter the amount as a number above zero, with at most two decimals "
                               "(e.g. 1250.00).")
        elif field in ("period_start", "period_end"):
            messages[field] = (f"Enter the {FIELD_LABELS[field]} as a date (YYYY-MM-DD) from {FIRST_DAY} "
                               f"to {LAST_DAY}.")
        else:
            messages.setdefault(field, f"The {FIELD_LABELS.get(field, field)} is not valid: {reason}.")
    return messages


async def costs_page(request: AppRequest, *, status: int = 200, form: CostForm | None = None,
                     errors: dict[str, str] | None = None) -> Response:
    campaigns = await Campaign.all().order_by("-starts_at", "-id")
    names = {c.id: c.name for c in campaigns}
    costs = await ProgrammeCost.all().order_by("-period_start", "-id")
    rows = [(cost, names.get(cost.campaign_id, "the whole programme")) for cost in costs]  # type: ignore[attr-defined]
    return render(request, "costs.html", status=status, campaigns=campaigns, rows=rows,
                  form=form or CostForm(), errors=errors or {},
                  currency=request.state["settings"].currency)


async def costs(request: AppRequest) -> Response:
    return await costs_page(request)


async def add_cost(request: AppRequest) -> Response:
    form = CostForm.of(await request.form())
    settings = request.state["settings"]
    values: dict[str, Any] = {k: v for k, v in asdict(form).items() if v}
    values["currency"] = settings.currency
    if "campaign_id" in values and not (values["campaign_id"].isascii() and values["campaign_id"].isdigit()):
        return await costs_page(request, status=422, form=form,
                                errors={"campaign_id": "Choose a campaign from the list."})
    try:
        body = CostIn.model_validate(values)
        cost = await valuation.add_cost(
            request.state["clock"], amount=body.amount, currency=body.currency,
            expected_currency=settings.currency, period_start=body.period_start,
            period_end=body.period_end, campaign_id=body.campaign_id, note=body.note,
            actor=signed_in_user(request),
        )
    except ValidationError as error:
        return await costs_page(request, status=422, form=form, errors=field_errors(error))
    except NotFound as error:
        # A campaign deleted since the page was drawn: the person chooses again.
        return await costs_page(request, status=422, form=form, errors={"campaign_id": error.message})
    except DomainError as error:
        field = "period_end" if "period" in error.message else "form"
        return await costs_page(request, status=error.status_code, form=form, errors={field: error.message})
    flash(request, f"Recorded {cost.amount:,.2f} {cost.currency} for {cost.period_start} to "
                   f"{cost.period_end}.")
    return RedirectResponse("/dashboard/costs", status_code=303)


routes = [
    Route("/dashboard/costs", costs, methods=["GET"], name="dashboard-costs"),
    Route("/dashboard/costs", add_cost, methods=["POST"], name="dashboard-costs-create"),
]
