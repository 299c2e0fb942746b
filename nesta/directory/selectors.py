"""Reads of the directory: lists (full-text ranked or keyset-ordered), details, choices."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from nesta.core import search
from nesta.core.models import TaxonomyNode
from nesta.core.pagination import Page, clamp_limit, cursor_offset, keyset_page, offset_page
from nesta.directory.models import Affiliation, Organization, Person


@dataclass(frozen=True)
class OrganizationFilters:
    q: str = ""
    kind: str = ""
    province: str = ""
    city: str = ""
    field: str = ""
    private_tech: bool | None = None


def _in_field(field_code: str) -> Q:
    """A field and its sub-fields (the taxonomy is three levels deep), as the search index has them."""
    nodes = TaxonomyNode.objects.filter(
        Q(code=field_code) | Q(parent__code=field_code) | Q(parent__parent__code=field_code)
    )
    return Q(fields__in=nodes)


def _organization_queryset() -> QuerySet[Organization]:
    return Organization.objects.select_related("province", "city", "zone").prefetch_related(
        Prefetch("fields", queryset=TaxonomyNode.objects.only("id", "code", "name", "name_en"))
    )


def _ranked_page(
    model_qs: QuerySet, doc_type: str, filters: Any, cursor: str | None, limit: int, with_facets: bool
) -> Page | None:
    """A page ranked by the search index, or None when the query holds no searchable word."""
    offset = cursor_offset(cursor)
    hits = search.search(
        doc_type,
        filters.q,
        province=filters.province,
        city=filters.city,
        kind=filters.kind,
        field=filters.field,
        limit=limit + 1,
        offset=offset,
        with_total=with_facets,
    )
    if hits is None:
        return None
    ids = hits.ids[:limit]
    by_id = model_qs.in_bulk(ids)
    items = [by_id[i] for i in ids if i in by_id]
    page = offset_page(items, offset=offset, limit=limit, more=len(hits.ids) > limit, total=hits.total)
    if with_facets:
        page.facets = search.facets(
            doc_type, filters.q, province=filters.province, city=filters.city, kind=filters.kind, field=filters.field
        )
    return page


def _matching(qs: QuerySet, doc_type: str, filters: OrganizationFilters) -> QuerySet:
    """The rows the index matches (all of them, unranked), or a plain name match without a
    searchable word: for queries the index alone cannot answer (a flag or owner it does not carry)."""
    hits = search.search(
        doc_type,
        filters.q,
        province=filters.province,
        city=filters.city,
        kind=filters.kind,
        field=filters.field,
        limit=10_000,
    )
    return qs.filter(pk__in=hits.ids) if hits is not None else qs.filter(name__icontains=filters.q.strip())


def organization_list(
    *, filters: OrganizationFilters, cursor: str | None = None, limit: int | None = None, with_facets: bool = False
) -> Page[Organization]:
    limit = clamp_limit(limit)
    qs = _organization_queryset()
    if filters.q.strip() and filters.private_tech is None:
        page = _ranked_page(qs, "organization", filters, cursor, limit, with_facets)
        if page is not None:
            return page
    if filters.q.strip():
        # A query with a flag the index does not carry, or no searchable word: filter in SQL.
        qs = _matching(qs, "organization", filters)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.province:
        qs = qs.filter(province__code=filters.province)
    if filters.city:
        qs = qs.filter(city__code=filters.city)
    if filters.field:
        qs = qs.filter(_in_field(filters.field)).distinct()
    if filters.private_tech is not None:
        qs = qs.filter(is_private_tech_enterprise=filters.private_tech)
    return keyset_page(qs, cursor=cursor, limit=limit, with_total=with_facets)


def organization_get(*, pk: int) -> Organization | None:
    return _organization_queryset().filter(pk=pk).first()


def zone_members(*, zone: Organization, limit: int = 50) -> list[Organization]:
    return list(Organization.objects.select_related("city").filter(zone=zone).order_by("id")[:limit])


def high_tech_zones() -> list[Organization]:
    return list(_organization_queryset().filter(kind="high_tech_zone").order_by("province__code", "city__code"))


@dataclass(frozen=True)
class PersonFilters:
    q: str = ""
    province: str = ""
    field: str = ""
    organization: int | None = None
    experts_only: bool = False


def _person_queryset() -> QuerySet[Person]:
    return Person.objects.select_related(
        "organization__province", "organization__city", "expert_profile"
    ).prefetch_related(
        Prefetch("fields", queryset=TaxonomyNode.objects.only("id", "code", "name", "name_en")),
        Prefetch("affiliations", queryset=Affiliation.objects.select_related("organization")),
    )


def person_list(*, filters: PersonFilters, cursor: str | None = None, limit: int | None = None) -> Page[Person]:
    limit = clamp_limit(limit)
    qs = _person_queryset()
    search_filters = OrganizationFilters(
        q=filters.q, province=filters.province, field=filters.field, kind="expert" if filters.experts_only else ""
    )
    if filters.q.strip() and filters.organization is None:
        page = _ranked_page(qs, "person", search_filters, cursor, limit, with_facets=False)
        if page is not None:
            return page
    if filters.q.strip():
        # Restricted to one organisation (which the index does not carry): filter by the index's hits.
        qs = _matching(qs, "person", search_filters)
    if filters.province:
        qs = qs.filter(organization__province__code=filters.province)
    if filters.field:
        qs = qs.filter(_in_field(filters.field)).distinct()
    if filters.organization is not None:
        qs = qs.filter(organization_id=filters.organization)
    if filters.experts_only:
        qs = qs.filter(expert_profile__isnull=False)
    return keyset_page(qs, cursor=cursor, limit=limit)


def person_get(*, pk: int) -> Person | None:
    return _person_queryset().filter(pk=pk).first()


# --- the home page's sections (registered in apps.py) -----------------------------------------


def home_summary(request: Any) -> dict[str, Any]:
    """Totals, organisations by kind and the seven zones with their members, read once per request
    (three home sections share them)."""
    cached = getattr(request, "_directory_home", None)
    if cached is not None:
        return cached
    from django.db.models import Count

    from nesta.directory.models import ExpertProfile, OrganizationKind

    zones = zones_with_member_counts()
    rows = dict(Organization.objects.filter(is_active=True).values_list("kind").annotate(n=Count("id")).order_by())
    org_counts = [
        {"kind": value, "label": label, "count": rows.get(value, 0)}
        for value, label in OrganizationKind.choices
        if rows.get(value)
    ]
    summary = {
        "zones": zones,
        "org_counts": org_counts,
        "org_total": sum(rows.values()),
        "expert_total": ExpertProfile.objects.count(),
        "person_total": Person.objects.count(),
    }
    request._directory_home = summary
    return summary


# --- small reads of the directory's pages -------------------------------------------------------


def zones_with_member_counts() -> list[Organization]:
    """The high-tech zones, each with `member_count` (one grouped query for all)."""
    from django.db.models import Count

    zones = high_tech_zones()
    counts = dict(Organization.objects.filter(zone__in=zones).values_list("zone").annotate(n=Count("id")).order_by())
    for z in zones:
        z.member_count = counts.get(z.pk, 0)  # type: ignore[attr-defined]
    return zones


def zone_member_count(*, zone: Organization) -> int:
    return Organization.objects.filter(zone=zone).count()


def regions_by_code(codes: set[str]) -> dict[str, Any]:
    """Regions (GB/T 2260) by code, for labelling facet counts."""
    from nesta.core.models import Region

    return {r.code: r for r in Region.objects.filter(code__in=codes)}


def is_province(code: str) -> bool:
    from nesta.core.models import Region

    return bool(code) and Region.objects.filter(code=code, level="province").exists()
