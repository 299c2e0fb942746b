"""Reads of the zones' policy register and research topics (all public: `policy.view`).

The register's list: with a query, ranked by the search engine (BM25 over the segmented title,
文号, issuer, summary and text; scope, province and zone are facets of the index); the filters the
index does not carry (issuer, year range) narrow the matching ids in SQL, keeping the ranking.
Without a query, newest issue first. Offset-paged (opaque cursors) in a constant number of queries.
"""

from dataclasses import dataclass
from datetime import date
from typing import IO

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from nesta.core import search
from nesta.core.errors import NotFound
from nesta.core.pagination import Page, clamp_limit, cursor_offset, offset_page
from nesta.directory.models import Organization, OrganizationKind
from nesta.zones.models import PolicyDocument, PolicyOutput, PolicyTopic

DOC_TYPE = "zone_policy"
TOPIC_DOC_TYPE = "zone_policy_topic"
MATCH_CAP = 10_000  # ids read from the index when SQL-only filters narrow a ranked list
# what a stored file is served as (the upload's content was checked against its extension)
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".ofd": "application/ofd",
    ".txt": "text/plain; charset=utf-8",
}


def zone_facet(zone_id: int) -> str:
    """The index's field token of a zone a document applies to."""
    return f"z{zone_id}"


@dataclass(frozen=True)
class PolicyFilters:
    q: str = ""
    scope: str = ""
    province: str = ""  # a province code: its own documents and its zones'
    zone: int | None = None
    issuer: str = ""  # part of the issuing authority's name
    year_from: int | None = None
    year_to: int | None = None

    @property
    def sql_only(self) -> bool:
        return bool(self.issuer or self.year_from or self.year_to)


def _zones() -> Prefetch:
    return Prefetch("zones", queryset=Organization.objects.only("id", "name", "short_name").order_by("id"))


def policy_queryset() -> QuerySet[PolicyDocument]:
    return PolicyDocument.objects.select_related("province").prefetch_related(_zones())


def _narrow(qs: QuerySet[PolicyDocument], f: PolicyFilters, *, indexed: bool) -> QuerySet[PolicyDocument]:
    if not indexed:
        if f.scope:
            qs = qs.filter(scope=f.scope)
        if f.province:
            qs = qs.filter(province__code=f.province)
        if f.zone:
            qs = qs.filter(zones=f.zone)
    if f.issuer:
        qs = qs.filter(issuer__icontains=f.issuer)
    if f.year_from:
        qs = qs.filter(issued_on__gte=date(f.year_from, 1, 1))
    if f.year_to:
        qs = qs.filter(issued_on__lte=date(f.year_to, 12, 31))
    return qs


def _hits(f: PolicyFilters, *, limit: int, offset: int = 0, with_total: bool = False) -> search.Hits | None:
    return search.search(
        DOC_TYPE,
        f.q,
        province=f.province,
        kind=f.scope,
        field=zone_facet(f.zone) if f.zone else "",
        limit=limit,
        offset=offset,
        with_total=with_total,
    )


def policy_page(
    *, filters: PolicyFilters, cursor: str | None = None, limit: int | None = None, with_facets: bool = False
) -> Page[PolicyDocument]:
    """One page of the register; `with_facets`: a ranked search also counts its matches by scope
    and province (the web page's refinements; three more queries)."""
    size = clamp_limit(limit)
    offset = cursor_offset(cursor)
    qs = policy_queryset()
    if filters.q.strip():
        if not filters.sql_only:
            hits = _hits(filters, limit=size + 1, offset=offset, with_total=True)
            if hits is not None:
                ids = hits.ids[:size]
                by_id = qs.in_bulk(ids)
                items = [by_id[i] for i in ids if i in by_id]
                page = offset_page(items, offset=offset, limit=size, more=len(hits.ids) > size, total=hits.total)
                if with_facets:
                    found = search.facets(
                        DOC_TYPE,
                        filters.q,
                        province=filters.province,
                        kind=filters.scope,
                        field=zone_facet(filters.zone) if filters.zone else "",
                    )
                    page.facets = {"scope": found.get("kind", {}), "province": found.get("province", {})}
                return page
        else:
            hits = _hits(filters, limit=MATCH_CAP)
            if hits is not None:
                kept = set(
                    _narrow(PolicyDocument.objects.filter(pk__in=hits.ids), filters, indexed=True).values_list(
                        "pk", flat=True
                    )
                )
                ranked = [i for i in hits.ids if i in kept]
                ids = ranked[offset : offset + size]
                by_id = qs.in_bulk(ids)
                items = [by_id[i] for i in ids if i in by_id]
                more = len(ranked) > offset + size
                return offset_page(items, offset=offset, limit=size, more=more, total=len(ranked))
        # no searchable word (punctuation, a lone symbol): a plain match on title and 文号
        text = filters.q.strip()
        qs = qs.filter(Q(title__icontains=text) | Q(doc_number__icontains=text))
    qs = _narrow(qs, filters, indexed=False)
    total = qs.count()
    rows = list(qs.order_by("-issued_on", "-id")[offset : offset + size + 1])
    return offset_page(rows, offset=offset, limit=size, total=total)


def policy_get(*, document_id: int) -> PolicyDocument:
    document = policy_queryset().filter(pk=document_id).first()
    if document is None:
        raise NotFound(_("未找到该政策文件。"))
    return document


def policy_file_open(*, document: PolicyDocument) -> tuple[IO[bytes], str, str]:
    """The document's stored file opened for reading, its Chinese name and its (sniffed) type;
    404 no_file when it has none or the file is gone."""
    if not document.file:
        raise NotFound(_("该政策文件没有附件。"), code="no_file")
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise NotFound(_("该政策文件没有附件。"), code="no_file") from None
    name = document.file_name or f"policy-{document.pk}"
    ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return handle, name, CONTENT_TYPES.get(ext, "application/octet-stream")


def policy_origins(*, document: PolicyDocument) -> list[PolicyOutput]:
    """The research outputs that became this document (a topic's adopted policy)."""
    return list(PolicyOutput.objects.filter(document=document).select_related("topic").order_by("delivered_on", "id"))


def policy_issuers(*, limit: int = 200) -> list[str]:
    """The issuing authorities in the register, for the list's filter."""
    return list(PolicyDocument.objects.order_by("issuer").values_list("issuer", flat=True).distinct()[:limit])


def zone_choices() -> list[Organization]:
    """The national high-tech zones (the reference zones of 三.3), by province."""
    return list(
        Organization.objects.filter(kind=OrganizationKind.HIGH_TECH_ZONE)
        .select_related("province")
        .order_by("province__code", "id")
    )


# --- research topics -------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicFilters:
    q: str = ""
    status: str = ""
    zone: int | None = None
    lead: int | None = None


def topic_queryset() -> QuerySet[PolicyTopic]:
    return PolicyTopic.objects.select_related("lead__province").prefetch_related(_zones())


def _with_counts(qs: QuerySet[PolicyTopic]) -> QuerySet[PolicyTopic]:
    return qs.annotate(output_count=Count("outputs", distinct=True))


def topic_page(*, filters: TopicFilters, cursor: str | None = None, limit: int | None = None) -> Page[PolicyTopic]:
    """The research topics, each with how many outputs it has delivered: with a query, ranked by the
    search engine (title, lead, content and outputs; status and zone are facets of the index, the
    lead narrows in SQL); without one, newest first."""
    size = clamp_limit(limit)
    offset = cursor_offset(cursor)
    qs = topic_queryset()
    text = filters.q.strip()
    if text:
        zone = zone_facet(filters.zone) if filters.zone else ""
        if filters.lead:
            hits = search.search(TOPIC_DOC_TYPE, text, kind=filters.status, field=zone, limit=MATCH_CAP)
            if hits is not None:
                kept = set(
                    PolicyTopic.objects.filter(pk__in=hits.ids, lead_id=filters.lead).values_list("pk", flat=True)
                )
                ranked = [i for i in hits.ids if i in kept]
                by_id = _with_counts(qs).in_bulk(ranked[offset : offset + size])
                items = [by_id[i] for i in ranked[offset : offset + size] if i in by_id]
                return offset_page(
                    items, offset=offset, limit=size, more=len(ranked) > offset + size, total=len(ranked)
                )
        else:
            hits = search.search(
                TOPIC_DOC_TYPE, text, kind=filters.status, field=zone, limit=size + 1, offset=offset, with_total=True
            )
            if hits is not None:
                ids = hits.ids[:size]
                by_id = _with_counts(qs).in_bulk(ids)
                items = [by_id[i] for i in ids if i in by_id]
                return offset_page(items, offset=offset, limit=size, more=len(hits.ids) > size, total=hits.total)
        # no searchable word (punctuation, a lone symbol): a plain match on the title
        qs = qs.filter(title__icontains=text)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.zone:
        qs = qs.filter(zones=filters.zone)
    if filters.lead:
        qs = qs.filter(lead_id=filters.lead)
    total = qs.count()
    rows = list(_with_counts(qs).order_by("-started_on", "-id")[offset : offset + size + 1])
    return offset_page(rows, offset=offset, limit=size, total=total)


def topic_get(*, topic_id: int) -> PolicyTopic:
    topic = (
        topic_queryset()
        .prefetch_related(
            Prefetch("outputs", queryset=PolicyOutput.objects.select_related("document").order_by("delivered_on", "id"))
        )
        .filter(pk=topic_id)
        .first()
    )
    if topic is None:
        raise NotFound(_("未找到该政策研究课题。"))
    return topic


def document_choices(*, limit: int = 500) -> list[PolicyDocument]:
    """Documents an adopted output may point at (newest first)."""
    return list(
        PolicyDocument.objects.only("id", "title", "doc_number", "issued_on").order_by("-issued_on", "-id")[:limit]
    )
