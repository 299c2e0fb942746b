"""The public market's search: published listings of every kind, in Chinese, with filters and
facet counts.

With a query, the listings' search documents rank the matches (core.search: every word must
match, exact BM25 while a query matches at most 200 documents); without one, the newest
published come first, keyset-paged on (published_at, id). Every filter is a token of the search
document (services/indexing.py), so a filtered query stays one index lookup, and the facet
counts are one grouped query over the same documents (selectors/facets.py). Facets of a page
without a query count every public listing: they are cached for FACET_TTL seconds (any indexing
in this process drops the cache).

A page costs a constant number of queries: the filter values' check (taxonomy and provinces,
one each, only when those filters are given), the search (core.search's own few) or the keyset
read, the rows, and the facets.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from nesta.core import search
from nesta.core.errors import BadRequest, ValidationFailed
from nesta.core.models import Region, TaxonomyNode
from nesta.core.pagination import Page, clamp_limit, cursor_offset, decode_cursor, encode_cursor, offset_page
from nesta.core.search import engine
from nesta.core.search.segment import query_tokens
from nesta.market.models import Listing, ListingKind
from nesta.market.selectors.facets import (
    CHOICE_VALUES,
    COLUMNS,
    DEFAULT_STATUSES,
    FACET_DIMENSIONS,
    PRICE_BANDS,
    band_token,
    count_facets,
    field_token,
    ip_token,
    match_rowids,
    maturity_token,
    org_token,
    status_filter_token,
)

DOC_TYPE = "listing"
FACET_TTL = 120  # seconds a page without a query keeps its facet counts
FACET_VERSION_KEY = "market:facets:version"
MAX_QUERY = 200
# Matches up to this many are ranked by core.search and grouped by the database; beyond, by the
# columns in memory (the same order and counts, without a row read per match). 0: always the
# columns once loaded — with numpy they cost less than the database path at any size.
SMALL_MATCHES = 0
_ID_MASK = (1 << 40) - 1
# What a result card (the page's and the API's) reads of a listing; never the contacts.
CARD_FIELDS = (
    "kind",
    "status",
    "title",
    "summary",
    "keywords",
    "organization",
    "field",
    "province",
    "city",
    "maturity",
    "ip_type",
    "price_low",
    "price_high",
    "price_negotiable",
    "published_at",
)


@dataclass(frozen=True)
class ListingFilters:
    q: str = ""
    kind: str = ""
    field: str = ""  # a taxonomy code of any level; a parent includes its children
    province: str = ""  # a province's code
    statuses: tuple[str, ...] = DEFAULT_STATUSES
    maturity: str = ""
    ip_type: str = ""
    price_band: str = ""
    organization: int | None = None

    def index_fields(self) -> list[str]:
        """The filters as the search document's field tokens (all must be present)."""
        tokens = [status_filter_token(self.statuses)]
        if self.field:
            tokens.append(field_token(self.field))
        if self.maturity:
            tokens.append(maturity_token(self.maturity))
        if self.ip_type:
            tokens.append(ip_token(self.ip_type))
        if self.price_band:
            tokens.append(band_token(self.price_band))
        if self.organization:
            tokens.append(org_token(self.organization))
        return [t for t in tokens if t]

    def without(self, name: str) -> "ListingFilters":
        """The same filters with one cleared (the page's "remove this filter" links)."""
        from dataclasses import replace

        cleared: dict[str, Any] = {name: DEFAULT_STATUSES if name == "statuses" else ""}
        return replace(self, **cleared)


@dataclass
class SearchPage(Page[Listing]):
    """A page of listings, with the facet counts and the total of everything the filters match."""

    tokens: list[str] = field(default_factory=list)


def parse_statuses(value: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """Statuses from "published,negotiating" (or a list); empty means the default set."""
    if value is None:
        return DEFAULT_STATUSES
    items = value.split(",") if isinstance(value, str) else list(value)
    chosen = tuple(dict.fromkeys(s.strip() for s in items if s and s.strip()))
    return chosen or DEFAULT_STATUSES


def check_filters(filters: ListingFilters) -> None:
    """ValidationFailed (422) naming each bad filter value; code `invalid_<name>` when one is bad,
    `invalid_filters` when several are. Queries the taxonomy or the regions only when asked to."""
    errors: dict[str, list[Any]] = {}
    for name in ("kind", "maturity", "ip_type", "price_band"):
        value = getattr(filters, name)
        if value and value not in CHOICE_VALUES[name]:
            errors[name] = [_("取值无效。")]
    bad = [s for s in filters.statuses if s not in CHOICE_VALUES["status"]]
    if bad or not filters.statuses:
        errors["status"] = [_("状态只能是 published、negotiating、dealt 之一或以逗号分隔的组合。")]
    if len(filters.q) > MAX_QUERY or any(ord(c) < 32 for c in filters.q):
        errors["q"] = [_("检索词过长或含控制字符。")]
    if filters.field and not TaxonomyNode.objects.filter(code=filters.field).exists():
        errors["field"] = [_("没有这个领域代码。")]
    if filters.province and not Region.objects.filter(code=filters.province, level="province").exists():
        errors["province"] = [_("没有这个省份代码。")]
    if filters.organization is not None and not 1 <= filters.organization <= 2**31:
        errors["organization"] = [_("取值无效。")]
    if errors:
        code = f"invalid_{next(iter(errors))}" if len(errors) == 1 else "invalid_filters"
        raise ValidationFailed(_("筛选条件有误。"), code=code, details=errors)


def listing_card_queryset() -> QuerySet[Listing]:
    """What a result card shows: organisation, field with its parent, province and city."""
    named = ("code", "name", "name_en")
    return Listing.objects.select_related("organization", "field__parent", "province", "city").only(
        *CARD_FIELDS,
        "organization__name",
        "organization__name_en",
        *(f"field__{n}" for n in (*named, "parent_id")),
        *(f"field__parent__{n}" for n in named),
        *(f"province__{n}" for n in named),
        *(f"city__{n}" for n in named),
    )


def listing_search(
    *, filters: ListingFilters, cursor: str | None = None, limit: int | None = None, with_facets: bool = True
) -> SearchPage:
    """One page of public listings matching `filters`: ranked by relevance when `q` holds a
    searchable word, else newest published first. With facets, the counts per kind, field,
    province, status, maturity, IP type and price band of everything matched, and the total."""
    check_filters(filters)
    limit = clamp_limit(limit)
    tokens = query_tokens(filters.q) if filters.q.strip() else []
    if tokens:
        return _ranked_page(filters, tokens, cursor, limit, with_facets)
    if filters.q.strip():
        # Only punctuation or the like: nothing the index can search, so nothing matches.
        return SearchPage(items=[], total=0 if with_facets else None)
    page = _newest_page(filters, cursor, limit)
    if with_facets:
        page.facets, page.total = facets_for(filters, [])
    return page


def _facet_fields(filters: ListingFilters) -> list[str]:
    """The filters' field tokens but the status: the status facet counts every public status."""
    return [t for t in filters.index_fields() if not t.startswith("status")]


def _ranked_page(
    filters: ListingFilters, tokens: list[str], cursor: str | None, limit: int, with_facets: bool
) -> SearchPage:
    """Few matches: core.search ranks them and one grouped query counts the facets. Many: the
    same ranking (and the facets) from the ids the index returns and the columns in memory."""
    if "after" in decode_cursor(cursor):  # a cursor of the newest-first list
        raise BadRequest(_("分页游标无效。"), code="invalid_cursor")
    offset = cursor_offset(cursor)
    rowids = match_rowids(DOC_TYPE, tokens, kind=filters.kind, province=filters.province, fields=_facet_fields(filters))
    facets: dict[str, dict[str, int]] = {}
    total = None
    if len(rowids) > SMALL_MATCHES and COLUMNS.refresh(DOC_TYPE):
        ids = ranked_ids(COLUMNS.with_status(rowids, filters.statuses), tokens, offset=offset, limit=limit + 1)
        if with_facets:
            facets, total = COLUMNS.tally(rowids, filters.statuses)
    elif len(rowids):  # the columns are still loading: the index and the database do both
        hits = search.search(
            DOC_TYPE,
            filters.q,
            province=filters.province,
            kind=filters.kind,
            field=filters.index_fields(),
            limit=limit + 1,
            offset=offset,
        )
        ids = hits.ids if hits else []
        if with_facets:
            facets, total = count_facets(
                DOC_TYPE,
                tokens,
                statuses=filters.statuses,
                kind=filters.kind,
                province=filters.province,
                fields=_facet_fields(filters),
            )
    else:
        ids = []
        if with_facets:
            facets, total = {d: {} for d in FACET_DIMENSIONS}, 0
    page_ids = ids[:limit]
    by_id = {x.pk: x for x in listing_card_queryset().filter(pk__in=page_ids)} if page_ids else {}
    base = offset_page([by_id[i] for i in page_ids if i in by_id], offset=offset, limit=limit, more=len(ids) > limit)
    return SearchPage(items=base.items, next_cursor=base.next_cursor, total=total, facets=facets, tokens=tokens)


def ranked_ids(rowids: Any, tokens: list[str], *, offset: int, limit: int) -> list[int]:
    """Listing ids of one page, ranked exactly as core.search ranks (see its comment): the
    matches in blocks of RANK_BLOCK, shortest documents first, Okapi BM25 within a block, from
    the same collection statistics (core.search's counters). Lengths come from the columns, texts from the database
    (one query for the blocks the page needs)."""
    block = engine.RANK_BLOCK
    first_block = offset // block
    window = ((offset + limit - 1) // block + 1) * block
    # shortest first, ties by document id: one int64 key per match, partitioned then sorted
    keys = (COLUMNS.length[rowids] << 40) | rowids
    if len(keys) > window:
        keys = np.partition(keys, window - 1)[:window]
    keys.sort()
    candidates = (keys[first_block * block :] & _ID_MASK).tolist()
    if not candidates:
        return []
    fetched, (_n, avgdl, idf) = engine.texts_and_stats(DOC_TYPE, tokens, candidates, "object_id, length, tokens")
    rows = {pk: (object_id, n, text) for pk, object_id, n, text in fetched}
    ranked: list[int] = []
    for start in range(0, len(candidates), block):
        scored = []
        for pk in candidates[start : start + block]:
            if pk in rows:  # gone since the index answered
                object_id, n, text = rows[pk]
                scored.append((object_id, engine._bm25(tokens, text, n, idf, avgdl), n, pk))
        scored.sort(key=lambda row: (-row[1], row[2], row[3]))
        ranked += [row[0] for row in scored]
    skip = offset - first_block * block
    return ranked[skip : skip + limit]


def _newest_queryset(filters: ListingFilters) -> QuerySet[Listing]:
    """The filters but kind and status as SQL (those two pick the index range, see _newest_page)."""
    qs = Listing.objects.filter(published_at__isnull=False)
    if filters.province:
        qs = qs.filter(province_id__in=Region.objects.filter(code=filters.province).values("id"))
    if filters.field:
        f = filters.field
        nodes = TaxonomyNode.objects.filter(Q(code=f) | Q(parent__code=f) | Q(parent__parent__code=f))
        qs = qs.filter(field_id__in=nodes.values("id"))
    if filters.maturity:
        qs = qs.filter(maturity=filters.maturity)
    if filters.ip_type:
        qs = qs.filter(ip_type=filters.ip_type)
    if filters.price_band:
        qs = qs.filter(price_band_q(filters.price_band))
    if filters.organization:
        qs = qs.filter(organization_id=filters.organization)
    return qs


def price_band_q(code: str) -> Q:
    """The band as a condition on the price columns (as facets.price_band assigns it)."""
    negotiable = Q(price_negotiable=True) | Q(price_low__isnull=True, price_high__isnull=True)
    if code == "negotiable":
        return negotiable
    band = next(b for b in PRICE_BANDS if b.code == code)
    amount_low = Q(price_low__isnull=False)
    amount_high = Q(price_low__isnull=True, price_high__isnull=False)
    cond_low, cond_high = Q(), Q()
    if band.low is not None:
        cond_low &= Q(price_low__gte=band.low)
        cond_high &= Q(price_high__gte=band.low)
    if band.high is not None:
        cond_low &= Q(price_low__lt=band.high)
        cond_high &= Q(price_high__lt=band.high)
    return Q(price_negotiable=False) & ((amount_low & cond_low) | (amount_high & cond_high))


def _newest_cursor(data: dict[str, Any]) -> tuple[int, datetime] | None:
    if "after" not in data:
        return None
    at = data.get("at")
    try:
        moment = datetime.fromisoformat(at) if isinstance(at, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise BadRequest(_("分页游标无效。"), code="invalid_cursor")
    return int(data["after"]), moment


def _newest_page(filters: ListingFilters, cursor: str | None, limit: int) -> SearchPage:
    """Newest published first, keyset-paged on (published_at, id). One index range per status
    (the (status, published_at, id) index, or (kind, status, published_at, id) with a kind) read
    newest first and cut at the page size, the ranges merged in one UNION ALL: a page reads about
    (statuses × page) index rows however large the market (more when other filters skip rows),
    then the page's rows in one more query."""
    data = decode_cursor(cursor)
    if "offset" in data and "after" not in data:
        raise BadRequest(_("分页游标无效。"), code="invalid_cursor")
    position = _newest_cursor(data)
    qs = _newest_queryset(filters)
    if position is not None:
        after, at = position
        qs = qs.filter(Q(published_at__lt=at) | Q(published_at=at, pk__lt=after))
    parts: list[str] = []
    params: list[Any] = []
    for status in filters.statuses:
        ranged = qs.filter(status=status, **({"kind": filters.kind} if filters.kind else {}))
        part = ranged.order_by("-published_at", "-id").values_list("id", "published_at")
        sql, part_params = part[: limit + 1].query.get_compiler(using=part.db).as_sql()
        parts.append(f"SELECT * FROM ({sql}) AS p{len(parts)}")
        params += part_params
    union = " UNION ALL ".join(parts)
    with connection.cursor() as cur:
        cur.execute(f"SELECT * FROM ({union}) AS u ORDER BY 2 DESC, 1 DESC LIMIT %s", [*params, limit + 1])
        keys = cur.fetchall()
    ids = [k[0] for k in keys[:limit]]
    by_id = {x.pk: x for x in listing_card_queryset().filter(pk__in=ids)} if ids else {}
    items = [by_id[i] for i in ids if i in by_id]
    next_cursor = None
    last_at = items[-1].published_at if items else None
    if len(keys) > limit and last_at is not None:  # always set: the list reads published listings only
        next_cursor = encode_cursor({"after": items[-1].pk, "at": last_at.isoformat()})
    return SearchPage(items=items, next_cursor=next_cursor)


def facets_for(filters: ListingFilters, tokens: list[str]) -> tuple[dict[str, dict[str, int]], int]:
    """Facet counts and total of what `tokens` and the filters match (grouped in the database when
    few documents match, from the columns in memory when many). Without query words the counts
    are cached for FACET_TTL seconds."""
    fields = _facet_fields(filters)

    def compute() -> tuple[dict[str, dict[str, int]], int]:
        rowids = match_rowids(DOC_TYPE, tokens, kind=filters.kind, province=filters.province, fields=fields)
        if len(rowids) > SMALL_MATCHES and COLUMNS.refresh(DOC_TYPE):
            return COLUMNS.tally(rowids, filters.statuses)
        return count_facets(
            DOC_TYPE, tokens, statuses=filters.statuses, kind=filters.kind, province=filters.province, fields=fields
        )

    if tokens:
        return compute()
    key = "market:facets:{}:{}:{}:{}:{}".format(
        cache.get(FACET_VERSION_KEY, 0),
        filters.kind,
        filters.province,
        ",".join(fields),
        ",".join(sorted(filters.statuses)),
    )
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, FACET_TTL)
    return found


def drop_facet_cache() -> None:
    """After an indexing change: the cached counts of pages without a query start afresh."""
    try:
        cache.incr(FACET_VERSION_KEY)
    except ValueError:
        cache.set(FACET_VERSION_KEY, 1, None)


def market_summary() -> dict[str, Any]:
    """The home page's market section: listings by kind (the cached facet counts of the public
    market) and the five newest demands and achievements."""
    counts, total = facets_for(ListingFilters(), [])
    by_kind = counts.get("kind", {})
    return {
        "market_total": total,
        "market_kinds": [
            {"kind": value, "label": label, "count": by_kind[value]}
            for value, label in ListingKind.choices
            if by_kind.get(value)
        ],
        "market_demands": _newest_page(ListingFilters(kind=ListingKind.DEMAND), None, 5).items,
        "market_achievements": _newest_page(ListingFilters(kind=ListingKind.ACHIEVEMENT), None, 5).items,
    }
