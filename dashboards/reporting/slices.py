"""The one way a report narrows a query to its slice: campaign, publication window, department, network."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Slice:
    """Which posts a report covers: one campaign or all, published in [start, end), optionally
    one department and one network."""

    campaign_id: int | None = None
    start: datetime | None = None
    end: datetime | None = None
    department: str | None = None
    network: str | None = None


def narrow(
    query: QuerySet[M],
    where: Slice,
    *,
    campaign_field: str = "campaign_id",
    published_field: str = "published_at",
    department_field: str | None = None,
    network_field: str | None = "network",
    brand_marker: str | None = None,
) -> QuerySet[M]:
    """`query` limited to the slice; fields are given as lookup paths of the queried model.

    Posts are in the window by their publication time, [start, end). A department applies to
    ambassadors only: rows matching `brand_marker` (a lookup that is true for brand posts) stay.
    """
    if where.campaign_id is not None:
        query = query.filter(**{campaign_field: where.campaign_id})
    if where.start is not None:
        query = query.filter(**{f"{published_field}__gte": where.start})
    if where.end is not None:
        query = query.filter(**{f"{published_field}__lt": where.end})
    if where.department is not None and department_field is not None:
        wanted_lookup: dict[str, Any] = {department_field: where.department}
        wanted = Q(**wanted_lookup)
        if brand_marker:
            brand_lookup: dict[str, Any] = {brand_marker: True}
            wanted = Q(**brand_lookup) | wanted
        query = query.filter(wanted)
    if where.network is not None and network_field is not None:
        query = query.filter(**{network_field: where.network})
    return query
