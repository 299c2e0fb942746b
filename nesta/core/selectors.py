"""Reads of reference data and the audit trail."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from nesta.core.models import AuditLog, Platform, Region, TaxonomyNode
from nesta.core.pagination import Page, keyset_page
from nesta.core.permissions import require


def provinces_with_cities() -> list[Region]:
    """The three provinces, each with `.cities` (and their districts) prefetched."""
    regions = list(Region.objects.all().order_by("code"))
    by_parent: dict[int | None, list[Region]] = {}
    for r in regions:
        by_parent.setdefault(r.parent_id, []).append(r)
    for r in regions:
        r.children_list = by_parent.get(r.pk, [])  # type: ignore[attr-defined]
    return by_parent.get(None, [])


def cities(*, province: str = "") -> QuerySet[Region]:
    qs = Region.objects.filter(level="city")
    return qs.filter(parent__code=province) if province else qs


def taxonomy_tree() -> list[TaxonomyNode]:
    """Root nodes with `.children_list` filled in, depth-first order kept."""
    nodes = list(TaxonomyNode.objects.all().order_by("sort_order"))
    by_parent: dict[int | None, list[TaxonomyNode]] = {}
    for n in nodes:
        by_parent.setdefault(n.parent_id, []).append(n)
    for n in nodes:
        n.children_list = by_parent.get(n.pk, [])  # type: ignore[attr-defined]
    return by_parent.get(None, [])


def taxonomy_flat() -> list[TaxonomyNode]:
    return list(TaxonomyNode.objects.all().order_by("sort_order"))


def platforms() -> list[Platform]:
    return list(Platform.objects.all())


@dataclass(frozen=True)
class AuditFilters:
    """What the audit page and `GET /api/v1/audit` filter by (already validated)."""

    object_type: str = ""
    object_id: str = ""
    actor: str = ""  # a username, exactly
    date_from: date | None = None  # local dates (Asia/Shanghai), both ends included
    date_to: date | None = None


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _audit_queryset(user: Any, filters: AuditFilters) -> QuerySet[AuditLog]:
    require(user, "audit.view")
    qs = AuditLog.objects.all()
    if filters.object_type:
        qs = qs.filter(object_type=filters.object_type)
    if filters.object_id:
        qs = qs.filter(object_id=str(filters.object_id))
    if filters.actor:
        qs = qs.filter(actor_repr=filters.actor)
    if filters.date_from:
        qs = qs.filter(created_at__gte=_local_midnight(filters.date_from))
    if filters.date_to:
        qs = qs.filter(created_at__lt=_local_midnight(filters.date_to + timedelta(days=1)))
    return qs


def audit_list(
    *,
    user: Any,
    object_type: str = "",
    object_id: str = "",
    cursor: str | None = None,
    limit: int | None = None,
    filters: AuditFilters | None = None,
) -> Page[AuditLog]:
    """The audit trail, newest first, one page (office only)."""
    filters = filters or AuditFilters(object_type=object_type, object_id=object_id)
    qs = _audit_queryset(user, filters)
    return keyset_page(qs, cursor=cursor, limit=limit, default_limit=50, newest_first=True)


AUDIT_EXPORT_MAX_ROWS = 20_000


def audit_export(*, user: Any, filters: AuditFilters, max_rows: int = AUDIT_EXPORT_MAX_ROWS) -> list[AuditLog]:
    """The filtered rows for an export, newest first (at most `max_rows`; one query)."""
    return list(_audit_queryset(user, filters).order_by("-pk")[:max_rows])
