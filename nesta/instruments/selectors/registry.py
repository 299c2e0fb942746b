"""Reads of the instrument registry: the list (full-text ranked or keyset-ordered) with its
filters, the detail, and the rows of an export.

Every filter but the free dates is a token of the instrument's search document (province, city,
category, open to outsiders, status, owner, owner's kind), so a query with filters is one index
lookup. "Free in a date range" — no active booking and no blackout overlapping [available_from,
available_to) — is SQL: with a query it narrows the MAX_RANKED_HITS best matches.

A page costs a constant number of queries: with a query, the search (see core.search) plus one
for the rows, and two more for free dates (the longest booking, the busy check); without one, one
for the rows (two with free dates).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, Max, OuterRef, Q, QuerySet

from nesta.core import search
from nesta.core.errors import ValidationFailed
from nesta.core.pagination import Page, clamp_limit, cursor_offset, keyset_page, offset_page
from nesta.instruments.models import Blackout, Booking, BookingPolicy, Instrument
from nesta.instruments.policy import bounded

DOC_TYPE = "instrument"
OPEN_FIELD = "open"  # as services.indexing.facet_fields indexes it
# A query with free dates checks at most this many of its best matches.
MAX_RANKED_HITS = 2000
# Bookings never last longer than their policy's maximum, and outside round-the-clock
# instruments never cross midnight; the overlap search looks back at least this far.
MIN_LOOKBACK = timedelta(days=1)


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

    @property
    def free_range(self) -> bool:
        return self.available_from is not None and self.available_to is not None

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


def longest_booking() -> timedelta:
    """How far back a booking overlapping a moment may start (one query)."""
    minutes = bounded("max_minutes", BookingPolicy.objects.aggregate(m=Max("max_minutes"))["m"])
    return max(timedelta(minutes=minutes), MIN_LOOKBACK)  # bounded: one odd row cannot overflow it


def busy_between(start: datetime, end: datetime, lookback: timedelta) -> tuple[Exists, Exists]:
    """Subqueries: an active booking / a blackout of the outer instrument overlaps [start, end).
    The booking condition bounds `start` on both sides so it runs on the (instrument, start) index."""
    bookings = Booking.objects.filter(
        instrument=OuterRef("pk"),
        status__in=Booking.ACTIVE,
        start__lt=end,
        start__gt=start - lookback,
        end__gt=start,
    )
    blackouts = Blackout.objects.filter(instrument=OuterRef("pk"), start__lt=end, end__gt=start)
    return Exists(bookings), Exists(blackouts)


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
    if f.available_from is not None and f.available_to is not None:
        booked, closed = busy_between(f.available_from, f.available_to, longest_booking())
        qs = qs.filter(status=Instrument.Status.IN_USE).filter(~booked, ~closed)
    return qs


def instrument_list(
    *, filters: InstrumentFilters, cursor: str | None = None, limit: int | None = None, with_total: bool = False
) -> Page[Instrument]:
    """One page of instruments: ranked by relevance when `q` holds a searchable word, else by id."""
    _check_range(filters)
    limit = clamp_limit(limit)
    qs = instrument_queryset()
    if filters.q.strip():
        page = _ranked_page(qs, filters, cursor, limit, with_total)
        if page is not None:
            return page
        qs = qs.filter(name__icontains=filters.q.strip())  # no searchable word: a plain name match
    qs = _sql_filters(qs, filters, index_filters=True)
    return keyset_page(qs, cursor=cursor, limit=limit, with_total=with_total)


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
    qs: QuerySet[Instrument], filters: InstrumentFilters, cursor: str | None, limit: int, with_total: bool
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
        # Rank by the index, keep the best matches that are free, page in rank order.
        hits = _search(filters, limit=MAX_RANKED_HITS, offset=0, with_total=False)
        if hits is None:
            return None
        passing = set(
            _sql_filters(Instrument.objects.all(), filters, index_filters=False)
            .filter(pk__in=hits.ids)
            .values_list("pk", flat=True)
        )
        ranked = [i for i in hits.ids if i in passing]
        ids = ranked[offset : offset + limit]
        total = len(ranked) if with_total else None
        more = len(ranked) > offset + limit
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


def instruments_for_export(*, filters: InstrumentFilters, max_rows: int) -> list[Instrument]:
    """Every instrument the filters select (up to `max_rows`), in list order, for an XLSX export."""
    _check_range(filters)
    qs = instrument_queryset().select_related("owner__province")
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
