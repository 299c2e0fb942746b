"""Reads of the instrument registry: the list (full-text ranked or keyset-ordered) with its
filters, the detail, and the rows of an export.

Every filter but the free dates is a token of the instrument's search document (province, city,
category, open to outsiders, status, owner, owner's kind), so a query with filters is one index
lookup. "Free in a date range" [available_from, available_to) means THIS user (`viewer`; anonymous:
the rules that do not depend on a person) could book a slot of at least the policy's minimum — or
`free_minutes`, when given and longer — inside it: selectors.freesearch (an SQL prefilter, then
the booking rules on a page of candidates). With a query it narrows the MAX_RANKED_HITS best
matches. A free-range page has no total.

A page costs a constant number of queries: with a query, the search (see core.search) plus one
for the rows; without one, one for the rows. Free dates: the prefilter with the rows, then per
batch of candidates their bookings and blackouts (and, logged in, the user's qualifications and
offences) — one query each.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from nesta.core import search
from nesta.core.errors import ValidationFailed
from nesta.core.pagination import Page, clamp_limit, cursor_offset, keyset_page, offset_page
from nesta.instruments.models import Instrument
from nesta.instruments.policy import WEEK
from nesta.instruments.selectors import freesearch

DOC_TYPE = "instrument"
OPEN_FIELD = "open"  # as services.indexing.facet_fields indexes it
# A query with free dates checks at most this many of its best matches.
MAX_RANKED_HITS = 2000
FIRST_RANKED_HITS = 200
MAX_FREE_DAYS = 31  # the longest "free between" window


@dataclass(frozen=True)
class InstrumentFilters:
    q: str = ""
    province: str = ""
    city: str = ""
    category: str = ""  # a category code of either level; a top-level code includes its children
    owner_kind: str = ""
    open_only: bool = False
    available_from: datetime | None = None
    available_to: datetime | None = None
    owner: int | None = None
    status: str = ""
    free_minutes: int | None = None  # with a free range: the length the free slot must have

    @property
    def free_range(self) -> bool:
        return self.available_from is not None and self.available_to is not None

    @property
    def free_duration(self) -> timedelta | None:
        return timedelta(minutes=self.free_minutes) if self.free_minutes else None

    def index_fields(self) -> list[str]:
        """The filters as the search document's field tokens (all must be present)."""
        fields = [self.category] if self.category else []
        if self.open_only:
            fields.append(OPEN_FIELD)
        if self.status or self.free_range:
            fields.append(f"status-{self.status or Instrument.Status.IN_USE}")
        if self.owner_kind:
            fields.append(f"ownerkind-{self.owner_kind}")
        if self.owner:
            fields.append(f"owner-{self.owner}")
        return fields


def instrument_queryset() -> QuerySet[Instrument]:
    return Instrument.objects.select_related("owner", "category__parent", "province", "city")


def _check_range(filters: InstrumentFilters) -> None:
    a, b = filters.available_from, filters.available_to
    if (a is None) != (b is None):
        missing = "available_to" if b is None else "available_from"
        raise ValidationFailed(details={missing: ["请同时给出空闲时段的起止时间。"]})
    if a is not None and b is not None:
        if a.tzinfo is None or b.tzinfo is None:
            raise ValidationFailed(details={"available_from": ["时间须带时区，例如 2026-12-01T09:00:00+08:00。"]})
        if b <= a:
            raise ValidationFailed(details={"available_to": ["结束时间必须晚于开始时间。"]})
        if b - a > timedelta(days=MAX_FREE_DAYS):
            raise ValidationFailed(
                code="range_too_long", details={"available_to": [f"空闲时段跨度不能超过 {MAX_FREE_DAYS} 天。"]}
            )
    if filters.free_minutes is not None and not 1 <= filters.free_minutes <= WEEK:
        raise ValidationFailed(details={"free_minutes": [f"时长应在 1 到 {WEEK} 分钟之间。"]})


def _category_q(code: str) -> Q:
    return Q(category__code=code) | Q(category__parent__code=code)


def _sql_filters(qs: QuerySet[Instrument], f: InstrumentFilters, *, index_filters: bool) -> QuerySet[Instrument]:
    """The filters as SQL; without `index_filters`, only those the search index does not carry."""
    if index_filters:
        if f.province:
            qs = qs.filter(province__code=f.province)
        if f.city:
            qs = qs.filter(city__code=f.city)
        if f.category:
            qs = qs.filter(_category_q(f.category))
        if f.owner_kind:
            qs = qs.filter(owner__kind=f.owner_kind)
        if f.owner:
            qs = qs.filter(owner_id=f.owner)
        if f.open_only:
            qs = qs.filter(is_open=True)
        if f.status:
            qs = qs.filter(status=f.status)
    return qs


def instrument_list(
    *,
    filters: InstrumentFilters,
    cursor: str | None = None,
    limit: int | None = None,
    with_total: bool = False,
    viewer: Any = None,
    now: datetime | None = None,
) -> Page[Instrument]:
    """One page of instruments: ranked by relevance when `q` holds a searchable word, else by id.
    With a free range, only those `viewer` (None: anonymous) could book in it, each carrying
    `free_slot` (the earliest bookable slot) and `needs_approval`."""
    _check_range(filters)
    limit = clamp_limit(limit)
    qs = instrument_queryset()
    if filters.q.strip():
        page = _ranked_page(qs, filters, cursor, limit, with_total, viewer, now)
        if page is not None:
            return page
        qs = qs.filter(name__icontains=filters.q.strip())  # no searchable word: a plain name match
    qs = _sql_filters(qs, filters, index_filters=True)
    if filters.free_range:
        return freesearch.free_keyset_page(qs, cursor=cursor, limit=limit, now=now, user=viewer, **_window(filters))
    return keyset_page(qs, cursor=cursor, limit=limit, with_total=with_total)


def _window(filters: InstrumentFilters) -> dict[str, Any]:
    return {"start": filters.available_from, "end": filters.available_to, "duration": filters.free_duration}


def _search(filters: InstrumentFilters, *, limit: int, offset: int, with_total: bool):
    return search.search(
        DOC_TYPE,
        filters.q,
        province=filters.province,
        city=filters.city,
        field=filters.index_fields(),
        limit=limit,
        offset=offset,
        with_total=with_total,
    )


def _ranked_page(
    qs: QuerySet[Instrument],
    filters: InstrumentFilters,
    cursor: str | None,
    limit: int,
    with_total: bool,
    viewer: Any = None,
    now: datetime | None = None,
) -> Page[Instrument] | None:
    offset = cursor_offset(cursor)
    if not filters.free_range:
        hits = _search(filters, limit=limit + 1, offset=offset, with_total=with_total)
        if hits is None:
            return None
        ids = hits.ids[:limit]
        total = hits.total
        more = len(hits.ids) > limit
    else:
        # Rank by the index, keep the best matches that are free, page in rank order. Most pages
        # fill from the best few hundred matches, and ranking costs per hit returned: those
        # first, up to MAX_RANKED_HITS only when they run out (the short list is a prefix of
        # the long one, so the offsets agree).
        for hit_limit in (FIRST_RANKED_HITS, MAX_RANKED_HITS):
            hits = _search(filters, limit=hit_limit, offset=0, with_total=False)
            if hits is None:
                return None
            partial = hit_limit < MAX_RANKED_HITS and len(hits.ids) >= hit_limit
            page = freesearch.free_ranked_page(
                hits.ids, qs, offset=offset, limit=limit, now=now, user=viewer, partial=partial, **_window(filters)
            )
            if page is not None:
                return page
        raise AssertionError("the full ranking always gives a page")
    by_id = {i.pk: i for i in qs.filter(pk__in=ids)}
    items = [by_id[i] for i in ids if i in by_id]
    return offset_page(items, offset=offset, limit=limit, more=more, total=total)


def instrument_get(*, pk: int) -> Instrument | None:
    """One instrument with everything its detail shows (owner, category, region, policy, managers)."""
    return (
        Instrument.objects.select_related("owner__province", "category__parent", "province", "city", "policy")
        .prefetch_related("managers")
        .filter(pk=pk)
        .first()
    )


def instruments_for_export(
    *, filters: InstrumentFilters, max_rows: int, viewer: Any = None, now: datetime | None = None
) -> list[Instrument]:
    """Every instrument the filters select (up to `max_rows`), in list order, for an XLSX export."""
    _check_range(filters)
    qs = instrument_queryset().select_related("owner__province")
    if filters.available_from is not None and filters.available_to is not None:
        now = now or timezone.now()
        q = freesearch.prefilter_q(
            start=filters.available_from,
            end=filters.available_to,
            duration=filters.free_duration,
            user=viewer,
            now=now,
        )
        if q is None:
            return []
        listed = instruments_for_export(filters=_without_range(filters), max_rows=max_rows)
        ids = set(Instrument.objects.filter(q, pk__in=[i.pk for i in listed]).values_list("pk", flat=True))
        return freesearch.free_among([i for i in listed if i.pk in ids], user=viewer, now=now, **_window(filters))
    if filters.q.strip():
        limit = min(max_rows, MAX_RANKED_HITS) if filters.free_range else max_rows
        hits = _search(filters, limit=limit, offset=0, with_total=False)
        if hits is None:
            qs = qs.filter(name__icontains=filters.q.strip())
            return list(_sql_filters(qs, filters, index_filters=True).order_by("pk")[:max_rows])
        # filter(pk__in=...) rather than in_bulk(), which splits long id lists into many queries.
        passing = {i.pk: i for i in _sql_filters(qs, filters, index_filters=False).filter(pk__in=hits.ids)}
        return [passing[i] for i in hits.ids if i in passing][:max_rows]
    return list(_sql_filters(qs, filters, index_filters=True).order_by("pk")[:max_rows])


def _without_range(filters: InstrumentFilters) -> InstrumentFilters:
    from dataclasses import replace

    return replace(filters, available_from=None, available_to=None, free_minutes=None)
