"""Reads behind the report pages (开放共享评价, 费用对账单, 仪器批量导入导出): the cached regional
ranking, an instrument's charges of a year, and the records a user may report on.

The figures themselves come from selectors.openness and selectors.fees; this module only adds
what the web pages need around them."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from nesta.core.models import Region
from nesta.core.permissions import restrict
from nesta.directory.models import Organization
from nesta.instruments.models import Charge, Instrument
from nesta.instruments.selectors import openness
from nesta.instruments.selectors.registry import instrument_queryset

# The ranking of the whole region is one pass over the year's usage sessions: ≈ 40 ms over the
# demo data (300 instruments, 37,000 sessions) but ≈ 4.5 s at 4.5 M sessions (see the openness
# selector and the benchmarks). The public page therefore caches the computed ranking per
# (year, province) in Django's cache (settings.CACHES: locmem by default, Redis when scaled out)
# for RANKING_CACHE_SECONDS; the page says how fresh it is. The XLSX uses the same cached result.
RANKING_CACHE_SECONDS = 300
RANKING_CACHE_VERSION = 1


def ranking_cache_key(year: int, province: str) -> str:
    return f"openness:ranking:v{RANKING_CACHE_VERSION}:{year}:{province or 'all'}"


def openness_ranking_cached(
    *, year: int, province: str = "", now: datetime | None = None
) -> tuple[list[openness.OrganizationOpenness], datetime]:
    """The ranking of `year` (in `province`, or the whole region) and when it was computed:
    computed at most once per RANKING_CACHE_SECONDS for each (year, province)."""
    key = ranking_cache_key(year, province)
    cached = cache.get(key)
    if cached is not None:
        return cached
    computed_at = now or timezone.now()
    result = (openness.openness_ranking(year=year, province=province or None, now=now), computed_at)
    cache.set(key, result, RANKING_CACHE_SECONDS)
    return result


def provinces() -> list[Region]:
    """The provinces an owner can sit in (辽宁、吉林、黑龙江), in code order."""
    return list(Region.objects.filter(level="province").order_by("code"))


def charges_in_year(*, instrument_id: int, year: int) -> list[dict[str, Any]]:
    """Drill-down: each charge counted in an instrument's service income of `year` (who paid is
    left out, as in the public API, which lists only the charges' ids)."""
    start, end = openness.year_bounds(year)
    rows = (
        Charge.objects.filter(instrument_id=instrument_id, occurred_at__gte=start, occurred_at__lt=end)
        .order_by("occurred_at", "id")
        .values(
            "id",
            "occurred_at",
            "kind",
            "description",
            "quantity",
            "unit",
            "rate",
            "amount",
            "is_external",
            "usage_session_id",
            "order_id",
        )
    )
    labels = dict(Charge.Kind.choices)
    return [{**r, "kind_label": labels.get(r["kind"], r["kind"])} for r in rows]


def charges_total(rows: list[dict[str, Any]]) -> Decimal:
    return sum((r["amount"] for r in rows), Decimal("0.00"))


def statement_organizations(actor: Any) -> QuerySet[Organization]:
    """The organisations whose fee statements `actor` may see (fees.view), by province and name."""
    qs = Organization.objects.select_related("province").order_by("province__code", "name", "pk")
    return restrict(actor, "fees.view", qs, province_field="province__code", organization_field="pk")


def instruments_for_registry_export(*, actor: Any, max_rows: int) -> list[Instrument]:
    """The instruments `actor` may register and maintain (instrument.create: the office all of
    them, a province its province's, an organisation's admin its own), in id order, for the XLSX."""
    qs = instrument_queryset().select_related("owner__province")
    qs = restrict(actor, "instrument.create", qs, province_field="province__code", organization_field="owner_id")
    return list(qs.order_by("pk")[:max_rows])


def registry_export_count(*, actor: Any) -> int:
    qs = restrict(
        actor,
        "instrument.create",
        Instrument.objects.all(),
        province_field="province__code",
        organization_field="owner_id",
    )
    return qs.count()


def management_breakdown(org: openness.OrganizationOpenness) -> list[dict[str, Any]]:
    """组织管理, criterion by criterion: how many of the n instruments meet it and the points it
    gives before the total is rounded (8 × met ÷ n, shown to 0.01)."""
    n = org.instrument_count
    rows = []
    for criterion in openness.CRITERIA:
        met = org.criteria_met.get(criterion, 0)
        points = openness.CRITERION_POINTS * met / n if n else Decimal(0)
        rows.append(
            {
                "key": criterion,
                "met": met,
                "n": n,
                "points": points.quantize(openness.POINTS, rounding="ROUND_HALF_UP"),
            }
        )
    return rows
