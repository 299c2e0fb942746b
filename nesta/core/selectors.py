"""Reads of reference data and the audit trail."""

from typing import Any

from django.db.models import QuerySet

from nesta.core.models import AuditLog, Platform, Region, TaxonomyNode
from nesta.core.pagination import Page, clamp_limit, decode_cursor, encode_cursor
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


def audit_list(
    *, user: Any, object_type: str = "", object_id: str = "", cursor: str | None = None, limit: int | None = None
) -> Page[AuditLog]:
    require(user, "audit.view")
    limit = clamp_limit(limit, default=50)
    qs = AuditLog.objects.all()
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=str(object_id))
    before = decode_cursor(cursor).get("after")
    if before is not None:
        qs = qs.filter(pk__lt=before)
    rows = list(qs.order_by("-pk")[: limit + 1])
    items = rows[:limit]
    return Page(items=items, next_cursor=encode_cursor({"after": items[-1].pk}) if len(rows) > limit else None)
