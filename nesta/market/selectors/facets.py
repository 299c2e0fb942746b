"""The market's facets in one place: the price bands, the facet tokens a listing's search
document carries, and how a filter value becomes the token it is searched by.

Indexing (services/indexing.py), the search selector, the API and the page all read these, so a
band's edges or a token's spelling are defined once.
"""

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import connection
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from nesta.core.models import Region, TaxonomyNode
from nesta.core.search import engine, postings
from nesta.core.templatetags.nesta import loc
from nesta.market.models.choices import IPType, ListingKind, ListingStatus, Maturity

WAN = Decimal(10_000)
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PriceBand:
    code: str
    label: str | Promise
    low: Decimal | None  # inclusive, in 元
    high: Decimal | None  # exclusive, in 元


# 面议 first, then amounts in 万元: a band holds low ≤ amount < high.
PRICE_BANDS: tuple[PriceBand, ...] = (
    PriceBand("negotiable", _("面议"), None, None),
    PriceBand("lt10", _("10万元以下"), None, 10 * WAN),
    PriceBand("10to50", _("10–50万元"), 10 * WAN, 50 * WAN),
    PriceBand("50to100", _("50–100万元"), 50 * WAN, 100 * WAN),
    PriceBand("100to500", _("100–500万元"), 100 * WAN, 500 * WAN),
    PriceBand("500to1000", _("500–1000万元"), 500 * WAN, 1000 * WAN),
    PriceBand("gte1000", _("1000万元及以上"), 1000 * WAN, None),
)
PRICE_BAND_CODES = tuple(b.code for b in PRICE_BANDS)
PRICE_BAND_LABELS = {b.code: b.label for b in PRICE_BANDS}


def band_of_amount(amount: Decimal | None) -> str:
    """The band of an amount in 元; None (no amount given) is 面议."""
    if amount is None:
        return "negotiable"
    for band in PRICE_BANDS[1:]:
        if (band.low is None or amount >= band.low) and (band.high is None or amount < band.high):
            return band.code
    return "gte1000"  # unreachable: the last band is open-ended


def price_band(*, price_low: Decimal | None, price_high: Decimal | None, negotiable: bool) -> str:
    """A listing's band: 面议 when marked so or without any amount; otherwise the band of the
    range's lower end (an asking price, a floor price, the least sought), or of its upper end
    when only that is given (a budget)."""
    if negotiable or (price_low is None and price_high is None):
        return "negotiable"
    return band_of_amount(price_low if price_low is not None else price_high)


# The facet dimensions, in the order the sidebar shows them.
FACET_DIMENSIONS = ("kind", "field", "province", "status", "maturity", "ip_type", "price_band")
STATUS_FACET_VALUES = (ListingStatus.PUBLISHED, ListingStatus.NEGOTIATING, ListingStatus.DEALT)
DEFAULT_STATUSES = (ListingStatus.PUBLISHED, ListingStatus.NEGOTIATING)
CHOICE_VALUES: dict[str, tuple[str, ...]] = {
    "kind": tuple(ListingKind.values),
    "status": tuple(str(s) for s in STATUS_FACET_VALUES),
    "maturity": tuple(Maturity.values),
    "ip_type": tuple(IPType.values),
    "price_band": PRICE_BAND_CODES,
}


# Facet tokens of the search document's `fields` (the engine strips anything but [0-9a-z]).
def status_token(status: str) -> str:
    return f"status-{status}"


def status_set_token(statuses: tuple[str, ...] | list[str]) -> str:
    return "statusset-" + "-".join(sorted(statuses))


def status_tokens(status: str) -> list[str]:
    """A document's status tokens: its status, and every pair of public statuses holding it, so
    a filter on any set of statuses is one token (the index holds public listings only, so all
    three need none)."""
    others = [str(s) for s in STATUS_FACET_VALUES if s != status]
    return [status_token(status), *(status_set_token([status, o]) for o in others)]


def status_filter_token(statuses: tuple[str, ...]) -> str:
    """The one token a set of public statuses is searched by ("" for all of them)."""
    chosen = sorted(set(statuses))
    if len(chosen) >= len(STATUS_FACET_VALUES):
        return ""
    return status_token(chosen[0]) if len(chosen) == 1 else status_set_token(chosen)


def maturity_token(maturity: str) -> str:
    return f"maturity-{maturity}"


def ip_token(ip_type: str) -> str:
    return f"ip-{ip_type}"


def band_token(band: str) -> str:
    return f"price-{band}"


def field_token(code: str) -> str:
    return f"field-{code}"


def org_token(organization_id: int) -> str:
    return f"org-{organization_id}"


# --- counting ---------------------------------------------------------------------------------
# Facet counts come from the search documents alone, in one grouped query: by kind, province and
# the document's facet tokens less the organisation (cut off the front of `fields`). Documents
# sharing a combination collapse into one row, so the rows returned stay far below the matches,
# and Python adds each row's count to every value it names. The status filter is left out of the
# query and applied here, so the status facet counts every public status while the others count
# only the statuses chosen.

_PREFIXES = (("field-", "field"), ("maturity-", "maturity"), ("ip-", "ip_type"), ("price-", "price_band"))


def _match_sql(tokens: list[str], filters: list[str]) -> tuple[str, str, str]:
    """(FROM … WHERE clause, its parameter, column prefix) matching `tokens` and `filters`."""
    if connection.vendor == "postgresql":
        parts = [engine._ts_quote(t) + ":A" for t in tokens] + [engine._ts_quote(f) + ":D" for f in filters]
        return "core_searchdocument d WHERE d.tsv @@ to_tsquery('simple', %s)", " & ".join(parts), "strpos"
    clauses = []
    if tokens:
        clauses.append("tokens : (" + " AND ".join(engine._fts_quote(t) for t in tokens) + ")")
    clauses.append("filters : (" + " AND ".join(engine._fts_quote(f) for f in filters) + ")")
    fts = engine.FTS_TABLE
    return (
        f"{fts} JOIN core_searchdocument d ON d.id = {fts}.rowid WHERE {fts} MATCH %s",
        " AND ".join(clauses),
        "instr",
    )


def count_facets(
    doc_type: str,
    tokens: list[str],
    *,
    statuses: tuple[str, ...],
    kind: str = "",
    province: str = "",
    fields: list[str] = (),  # type: ignore[assignment]
) -> tuple[dict[str, dict[str, int]], int]:
    """(counts per dimension and value, total) of the documents matching every query token and
    filter, in one grouped query; `statuses` are the statuses chosen (the status facet ignores
    them)."""
    filters = engine._filters(doc_type, province, "", kind, list(fields))
    where, param, find = _match_sql(tokens, filters)
    sql = (
        f"SELECT d.kind, d.province_code, substr(d.fields, {find}(d.fields, ' ') + 1), count(*) "
        f"FROM {where} GROUP BY 1, 2, 3"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [param])
        rows = cur.fetchall()
    return tally(rows, statuses)


def tally(
    rows: Iterable[tuple[str, str, str, int]], statuses: tuple[str, ...]
) -> tuple[dict[str, dict[str, int]], int]:
    """Counts per dimension from (kind, province code, facet tokens less the organisation, n)."""
    chosen = {status_token(s) for s in statuses}
    counts: dict[str, dict[str, int]] = {d: {} for d in FACET_DIMENSIONS}
    total = 0
    for kind_value, province_code, rest, n in rows:
        words = rest.split(" ")
        status_word = next((w for w in words if w.startswith("status-")), "")
        _add(counts["status"], status_word[7:], n)
        if status_word not in chosen:
            continue
        total += n
        _add(counts["kind"], kind_value, n)
        _add(counts["province"], province_code, n)
        for w in words:
            for prefix, dim in _PREFIXES:
                if w.startswith(prefix):
                    _add(counts[dim], w[len(prefix) :], n)
                    break
    return counts, total


def _add(bucket: dict[str, int], key: str, n: int) -> None:
    if key:
        bucket[key] = bucket.get(key, 0) + n


# --- the sidebar --------------------------------------------------------------------------------

DIMENSION_LABELS = {
    "kind": _("类别"),
    "field": _("重点领域"),
    "province": _("省份"),
    "status": _("状态"),
    "maturity": _("成熟度"),
    "ip_type": _("知识产权类型"),
    "price_band": _("价格区间"),
}


def facet_rows(facets: dict[str, dict[str, int]], *, selected: dict[str, Any]) -> list[dict[str, Any]]:
    """The facet counts as the sidebar lists them: per dimension its label and its values with
    label, count and whether chosen, in the vocabulary's order (fields as a tree: the areas and
    their first level, or the chosen field's ancestors and children). Two queries (taxonomy and
    provinces), only when there are counts."""
    if not facets:
        return []
    nodes = list(
        TaxonomyNode.objects.order_by("sort_order").only("id", "code", "name", "name_en", "parent_id", "depth")
    )
    provinces = {r.code: r for r in Region.objects.filter(level="province")}
    labels: dict[str, dict[str, Any]] = {
        "kind": dict(ListingKind.choices),
        "status": {str(s.value): s.label for s in STATUS_FACET_VALUES},
        "maturity": dict(Maturity.choices),
        "ip_type": dict(IPType.choices),
        "price_band": dict(PRICE_BAND_LABELS),
        "province": {code: loc(r) for code, r in provinces.items()},
    }
    order = {
        "kind": list(ListingKind.values),
        "status": [str(s) for s in STATUS_FACET_VALUES],
        "maturity": list(Maturity.values),
        "ip_type": list(IPType.values),
        "price_band": list(PRICE_BAND_CODES),
        "province": sorted(provinces),
    }
    rows = []
    for dim in FACET_DIMENSIONS:
        counts = facets.get(dim, {})
        chosen = selected.get(dim)
        chosen_set = set(chosen) if isinstance(chosen, tuple | list) else {chosen} if chosen else set()
        if dim == "field":
            items = _field_items(nodes, counts, chosen or "")
        else:
            items = [
                {
                    "value": v,
                    "label": labels[dim].get(v, v),
                    "count": counts.get(v, 0),
                    "selected": v in chosen_set,
                    "depth": 0,
                }
                for v in order[dim]
                if counts.get(v) or v in chosen_set
            ]
        if items:
            rows.append({"name": dim, "label": DIMENSION_LABELS[dim], "items": items, "selected": bool(chosen_set)})
    return rows


def _field_items(nodes: list[TaxonomyNode], counts: dict[str, int], chosen: str) -> list[dict[str, Any]]:
    by_id = {n.pk: n for n in nodes}
    chosen_node = next((n for n in nodes if n.code == chosen), None)
    keep: set[int] = set()
    if chosen_node is None:
        keep = {n.pk for n in nodes if n.depth <= 1}
    else:
        node: TaxonomyNode | None = chosen_node
        while node is not None:  # the chosen field's ancestors
            keep.add(node.pk)
            node = by_id.get(node.parent_id) if node.parent_id else None
        keep |= {n.pk for n in nodes if n.parent_id == chosen_node.pk}
    return [
        {
            "value": n.code,
            "label": loc(n),
            "count": counts.get(n.code, 0),
            "selected": n.code == chosen,
            "depth": n.depth,
        }
        for n in nodes
        if n.pk in keep and (counts.get(n.code) or n.code == chosen)
    ]


# --- the documents' columns in memory -----------------------------------------------------------
# A query matching many documents costs the index little but the database a row read per match
# (the length the ranking orders by and the tokens the facets count sit in the document's row, past
# its long text). So each process keeps, per listing document id, its length, listing id and facet
# combination in arrays (about 16 bytes a document), loaded once and topped up by one query before
# use: a (re-)indexed document always gets a new, higher id, and a removed one is never matched
# again, so "ids above the highest loaded" is all that can be new.


LOAD_BUDGET = 200_000  # documents loaded in the request itself at most (and per query)


class DocumentColumns:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._reset(None)

    def _reset(self, db: Any) -> None:
        self.db = db
        self.top = 0
        self.length = np.zeros(0, dtype=np.int64)
        self.object_id = np.zeros(0, dtype=np.int64)
        self.combo = np.zeros(0, dtype=np.int32)
        # per facet combination: its status and the (dimension, value) pairs it counts under
        self.combos: list[tuple[str, tuple[tuple[str, str], ...]]] = [("", ())]
        self._combo_ids: dict[tuple[str, str, str], int] = {}
        self._matrix: tuple[int, Any, Any, Any, list[tuple[str, str]], list[str]] | None = None
        self._loading = getattr(self, "_loading", False)

    def reset(self) -> None:
        with self._lock:
            self._reset(None)

    def refresh(self, doc_type: str, *, wait: bool = False) -> bool:
        """Top the columns up with the documents indexed since; True when they are then complete.
        A first load of a large index (more than LOAD_BUDGET documents behind) runs in a thread
        of its own while requests rank and count through the database (False until it is done);
        `wait` loads everything here and now (the benchmark)."""
        if not self._lock.acquire(blocking=wait):
            return False  # the background load is running
        try:
            db = (connection.alias, connection.settings_dict["NAME"], connection.vendor)
            with connection.cursor() as cur:
                cur.execute("SELECT max(id) FROM core_searchdocument")
                top = cur.fetchone()[0] or 0
                if db != self.db or top < self.top:  # another database, or rows rolled back
                    self._reset(db)
                if top - self.top > LOAD_BUDGET and not wait:
                    if not self._loading:
                        self._loading = True
                        threading.Thread(target=self._background, args=(doc_type, db), daemon=True).start()
                    return False
                self._load_range(cur, doc_type, top)
                return True
        finally:
            self._lock.release()

    def _background(self, doc_type: str, db: Any) -> None:
        try:
            with self._lock, connection.cursor() as cur:
                if self.db == db:
                    cur.execute("SELECT max(id) FROM core_searchdocument")
                    self._load_range(cur, doc_type, cur.fetchone()[0] or 0)
        except Exception:  # leave nothing half-loaded; the next request starts again
            logger.exception("loading the search columns failed")
            self._reset(None)
        finally:
            self._loading = False
            connection.close()  # this thread's own connection

    def _load_range(self, cur: Any, doc_type: str, top: int) -> None:
        find = "strpos" if connection.vendor == "postgresql" else "instr"
        while self.top < top:
            cur.execute(
                f"SELECT id, object_id, length, kind, province_code, substr(fields, {find}(fields, ' ') + 1) "
                "FROM core_searchdocument WHERE doc_type = %s AND id > %s AND id <= %s ORDER BY id LIMIT %s",
                [doc_type, self.top, top, LOAD_BUDGET],
            )
            rows = cur.fetchall()
            self._load(rows, rows[-1][0] if len(rows) >= LOAD_BUDGET else top)

    def _load(self, rows: list[tuple], top: int) -> None:
        grow = top + 1 - len(self.length)
        if grow > 0:
            self.length = np.concatenate([self.length, np.zeros(grow, dtype=np.int64)])
            self.object_id = np.concatenate([self.object_id, np.zeros(grow, dtype=np.int64)])
            self.combo = np.concatenate([self.combo, np.zeros(grow, dtype=np.int32)])
        ids = self._combo_ids
        pks, object_ids, lengths, combos = [], [], [], []
        for pk, object_id, length, kind, province, rest in rows:
            key = (kind, province, rest)
            combo = ids.get(key)
            if combo is None:
                combo = ids[key] = len(self.combos)
                self.combos.append(_parse_combo(kind, province, rest))
            pks.append(pk)
            object_ids.append(object_id)
            lengths.append(length)
            combos.append(combo)
        if pks:
            at = np.array(pks, dtype=np.int64)
            self.length[at] = lengths
            self.object_id[at] = object_ids
            self.combo[at] = combos
        self.top = top

    def _pairs(self) -> tuple[int, Any, Any, Any, list[tuple[str, str]], list[str]]:
        """The combinations as arrays (rebuilt when new ones appear): each one's status index, and
        the (combination, value) pairs of the counts, so a tally is three bincounts."""
        if self._matrix is None or self._matrix[0] != len(self.combos):
            values: dict[tuple[str, str], int] = {}
            statuses: dict[str, int] = {}
            status_of, pair_combo, pair_value = [], [], []
            for i, (status, pairs) in enumerate(self.combos):
                status_of.append(statuses.setdefault(status, len(statuses)))
                for pair in pairs:
                    pair_combo.append(i)
                    pair_value.append(values.setdefault(pair, len(values)))
            self._matrix = (
                len(self.combos),
                np.array(status_of, dtype=np.int64),
                np.array(pair_combo, dtype=np.int64),
                np.array(pair_value, dtype=np.int64),
                list(values),
                list(statuses),
            )
        return self._matrix

    def _status_ok(self, statuses: tuple[str, ...]) -> Any:
        _n, status_of, _pc, _pv, _values, names = self._pairs()
        chosen = np.array([name in set(statuses) for name in names] or [False], dtype=bool)
        return chosen[status_of]

    def tally(self, rowids: Any, statuses: tuple[str, ...]) -> tuple[dict[str, dict[str, int]], int]:
        """The same counts as `tally` over the documents `rowids` (loaded by `refresh`)."""
        n, status_of, pair_combo, pair_value, values, names = self._pairs()
        per_combo = np.bincount(self.combo[rowids], minlength=n)
        counts: dict[str, dict[str, int]] = {d: {} for d in FACET_DIMENSIONS}
        by_status = np.bincount(status_of, weights=per_combo, minlength=len(names))
        for name, c in zip(names, by_status.tolist(), strict=True):
            if name and c:
                counts["status"][name] = int(c)
        chosen = per_combo * self._status_ok(statuses)
        by_value = np.bincount(pair_value, weights=chosen[pair_combo], minlength=len(values))
        for (dim, value), c in zip(values, by_value.tolist(), strict=True):
            if value and c:
                counts[dim][value] = int(c)
        return counts, int(chosen.sum())

    def with_status(self, rowids: Any, statuses: tuple[str, ...]) -> Any:
        return rowids[self._status_ok(statuses)[self.combo[rowids]]]

    def with_facets(self, rowids: Any, pairs: list[tuple[str, str]]) -> Any:
        """The documents `rowids` whose combination holds every (dimension, value) of `pairs`."""
        n, _status_of, pair_combo, pair_value, values, _names = self._pairs()
        index = {pair: i for i, pair in enumerate(values)}
        ok = np.ones(n, dtype=bool)
        for pair in pairs:
            has = np.zeros(n, dtype=bool)
            if pair in index:
                has[pair_combo[pair_value == index[pair]]] = True
            ok &= has
        return rowids[ok[self.combo[rowids]]]


def _parse_combo(kind: str, province: str, rest: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    words = rest.split(" ")
    status = next((w[7:] for w in words if w.startswith("status-")), "")
    pairs = [("kind", kind)] if kind else []
    if province:
        pairs.append(("province", province))
    for w in words:
        for prefix, dim in _PREFIXES:
            if w.startswith(prefix):
                pairs.append((dim, w[len(prefix) :]))
                break
    return status, tuple(pairs)


COLUMNS = DocumentColumns()


def match_rowids(doc_type: str, tokens: list[str], *, kind: str, province: str, fields: list[str]) -> Any:
    """The ids (an int64 array) of the documents matching the query words and filters: the index
    alone (FTS5), or the tsvector's index and its recheck (PostgreSQL); no document row is read on
    SQLite. The ids come back as one string (parsed in C), not a Python row per match."""
    if connection.vendor == "postgresql":
        found = _posted_rowids(doc_type, tokens, kind=kind, province=province, fields=fields)
        if found is not None:
            return found
    filters = engine._filters(doc_type, province, "", kind, list(fields))
    where, param, _find = _match_sql(tokens, filters)
    if connection.vendor == "postgresql":
        sql = f"SELECT string_agg(d.id::text, ',') FROM {where}"
    else:
        sql = f"SELECT group_concat(rowid, ',') FROM {engine.FTS_TABLE} WHERE {engine.FTS_TABLE} MATCH %s"
    with connection.cursor() as cur:
        cur.execute(sql, [param])
        text = cur.fetchone()[0]
    if not text:
        return np.zeros(0, dtype=np.int64)
    return np.fromstring(text, dtype=np.int64, sep=",")


def _posted_rowids(doc_type: str, tokens: list[str], *, kind: str, province: str, fields: list[str]) -> Any:
    """PostgreSQL: the words' packed posting lists (core.search.postings), then the filters from
    the columns' facet combinations — no heap visit per match, which the GIN index costs. None
    (use the index) while the columns load, for a filter the combinations do not carry (the
    organisation), or for a word with punctuation (the tsvector parser splits those its own way).
    Without words: every document of the doc_type, filtered (the list page's facets)."""
    pairs = [("kind", kind)] if kind else []
    if province:
        pairs.append(("province", province))
    for token in fields:
        dim = next((d for prefix, d in _PREFIXES if token.startswith(prefix)), None)
        if dim is None:
            return None
        pairs.append((dim, token.split("-", 1)[1]))
    if not all(t.isalnum() for t in tokens):
        return None
    rowids = postings.match(doc_type, tokens)  # before the top-up, so every id is loaded
    if not COLUMNS.refresh(doc_type):
        return None
    return COLUMNS.with_facets(rowids, pairs) if pairs else rowids
