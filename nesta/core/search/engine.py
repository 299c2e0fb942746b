"""The two search backends behind core.search (see its docstring)."""

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models.signals import post_delete

from nesta.core.models import SearchDocument
from nesta.core.search import postings
from nesta.core.search.segment import index_tokens, query_tokens

FTS_TABLE = "core_search_fts"
_NON_ALNUM = re.compile(r"[^0-9a-z]")


@dataclass
class Hits:
    """Ranked object ids of one page, the query's tokens, and (when asked) the total count.

    `scores` run parallel to `ids`, higher is better on both backends (their scales differ).
    """

    ids: list[int]
    tokens: list[str]
    total: int | None = None
    scores: list[float] = field(default_factory=list)


def _facet_token(prefix: str, value: str) -> str:
    return prefix + _NON_ALNUM.sub("", value.lower())


def _filter_tokens(doc_type: str, province_code: str, city_code: str, kind: str, fields: Sequence[str]) -> list[str]:
    tokens = [_facet_token("t", doc_type)]
    if province_code:
        tokens.append(_facet_token("p", province_code))
    if city_code:
        tokens.append(_facet_token("c", city_code))
    if kind:
        tokens.append(_facet_token("k", kind))
    tokens += [_facet_token("f", f) for f in fields]
    return tokens


def build_document(
    doc_type: str,
    object_id: int,
    *,
    text: str,
    province_code: str = "",
    city_code: str = "",
    kind: str = "",
    fields: Sequence[str] = (),
) -> SearchDocument:
    words = index_tokens(text)
    return SearchDocument(
        doc_type=doc_type,
        object_id=object_id,
        province_code=province_code or "",
        city_code=city_code or "",
        kind=kind or "",
        fields=" ".join(fields)[:400],
        tokens=" ".join(words),
        length=len(words),
        filters=" ".join(_filter_tokens(doc_type, province_code, city_code, kind, fields)),
    )


def index(doc_type: str, object_id: int, **kwargs) -> None:
    """Index (or re-index) one record. Call inside the writing service's transaction."""
    doc = build_document(doc_type, object_id, **kwargs)
    index_many([doc])


def index_many(docs: Iterable[SearchDocument], batch_size: int = 2000) -> int:
    """Bulk-index prebuilt documents (demo data, re-indexing); replaces existing ones."""
    docs = list(docs)
    with transaction.atomic():
        by_type: dict[str, list[int]] = {}
        for d in docs:
            by_type.setdefault(d.doc_type, []).append(d.object_id)
        delta = _Delta()
        removed: list[tuple[str, int, str]] = []
        for doc_type, ids in by_type.items():
            removed += _delete(doc_type, ids, delta)
        SearchDocument.objects.bulk_create(docs, batch_size=batch_size)
        for d in docs:
            delta.add(d.doc_type, d.tokens, d.length, 1)
        delta.save()
        # the old and the new in one pass (PostgreSQL's bulk_create returns the new ids)
        postings.apply(removed, [(d.doc_type, d.pk, d.tokens) for d in docs])
    return len(docs)


def unindex(doc_type: str, object_id: int) -> None:
    unindex_many(doc_type, [object_id])


def unindex_many(doc_type: str, object_ids: Sequence[int]) -> None:
    with transaction.atomic():
        delta = _Delta()
        postings.apply(_delete(doc_type, list(object_ids), delta), [])
        delta.save()


def _delete(doc_type: str, object_ids: list[int], delta: "_Delta") -> list[tuple[str, int, str]]:
    """Delete the documents with plain SQL (no signal), their words taken off the statistics;
    returns them as (doc_type, id, tokens) for the posting lists."""
    removed: list[tuple[str, int, str]] = []
    with connection.cursor() as cur:
        for i in range(0, len(object_ids), 900):
            chunk = object_ids[i : i + 900]
            marks = ", ".join(["%s"] * len(chunk))
            where = f"doc_type = %s AND object_id IN ({marks})"
            cur.execute(f"SELECT id, tokens, length FROM core_searchdocument WHERE {where}", [doc_type, *chunk])
            rows = cur.fetchall()
            if rows:
                for _pk, tokens, length in rows:
                    delta.add(doc_type, tokens, length, -1)
                cur.execute(f"DELETE FROM core_searchdocument WHERE {where}", [doc_type, *chunk])
                removed += [(doc_type, pk, tokens) for pk, tokens, _n in rows]
    return removed


# --- statistics ------------------------------------------------------------------------------
# BM25 needs, per doc_type, the number of documents, their mean length and each query word's
# document frequency. Counting them per query costs a pass over every posting of the word (and
# over the doc_type's filter token), so they are kept as counters in STATS_TABLE instead, changed
# in the same transaction as the documents: index_many / unindex_many above, and any ORM delete
# of documents (the post_delete receiver below). Bulk loads that write documents directly call
# rebuild_stats() once after. A query reads them in one primary-key lookup; nothing is ever
# recounted inside a query (a doc_type found without counters is counted once, for good).
STATS_TABLE = "core_search_stats"
TERM_MAX = 200  # the column's width; longer words are counted under their first 200 characters


class _Delta:
    """Changes to the statistics, applied in one batch of upserts (words sorted, so concurrent
    writers take the rows' locks in the same order)."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], list[int]] = {}

    def add(self, doc_type: str, tokens: str, length: int, sign: int) -> None:
        rows = self.rows
        head = rows.setdefault((doc_type, ""), [0, 0])
        head[0] += sign
        head[1] += sign * (length or 0)
        for term in {t[:TERM_MAX] for t in (tokens or "").split(" ") if t}:
            row = rows.setdefault((doc_type, term), [0, 0])
            row[0] += sign

    def save(self) -> None:
        changed = sorted((k[0], k[1], v[0], v[1]) for k, v in self.rows.items() if v[0] or v[1])
        if not changed:
            return
        with connection.cursor() as cur:
            cur.executemany(
                f"INSERT INTO {STATS_TABLE} (doc_type, term, documents, length) VALUES (%s, %s, %s, %s) "
                f"ON CONFLICT (doc_type, term) DO UPDATE SET documents = {STATS_TABLE}.documents + excluded.documents, "
                f"length = {STATS_TABLE}.length + excluded.length",
                changed,
            )
        self.rows.clear()


def _on_delete(sender, instance: SearchDocument, **kwargs) -> None:
    # An app deleting documents through the ORM (SearchDocument.objects.filter(...).delete()).
    delta = _Delta()
    delta.add(instance.doc_type, instance.tokens, instance.length, -1)
    delta.save()
    postings.remove(instance.doc_type, [(instance.pk, instance.tokens)])


post_delete.connect(_on_delete, sender=SearchDocument, dispatch_uid="core_search_stats")


def rebuild_stats(doc_type: str | None = None, *, chunk: int = 20_000) -> int:
    """Recount the statistics from the documents (after a bulk load that bypassed index_many,
    or to repair them); returns the documents counted."""
    counts: dict[str, dict[str, int]] = {}
    heads: dict[str, list[int]] = {}
    done, last = 0, 0
    type_sql = " AND doc_type = %s" if doc_type else ""
    with transaction.atomic(), connection.cursor() as cur:
        if _is_postgres():
            # Writers' upserts wait until the recount commits (SQLite has one writer anyway), so
            # a document written meanwhile is counted once: by the recount or by its own delta.
            cur.execute(f"LOCK TABLE {STATS_TABLE} IN SHARE ROW EXCLUSIVE MODE")
        while True:
            cur.execute(
                f"SELECT id, doc_type, tokens, length FROM core_searchdocument WHERE id > %s{type_sql} "
                "ORDER BY id LIMIT %s",
                [last, *([doc_type] if doc_type else []), chunk],
            )
            rows = cur.fetchall()
            if not rows:
                break
            for _pk, dt, tokens, length in rows:
                c = counts.setdefault(dt, {})
                for term in {t[:TERM_MAX] for t in (tokens or "").split(" ") if t}:
                    c[term] = c.get(term, 0) + 1
                head = heads.setdefault(dt, [0, 0])
                head[0] += 1
                head[1] += length or 0
            last, done = rows[-1][0], done + len(rows)
        cur.execute(
            f"DELETE FROM {STATS_TABLE}{' WHERE doc_type = %s' if doc_type else ''}", [doc_type] if doc_type else []
        )
        out = [(dt, "", n, total) for dt, (n, total) in heads.items()]
        out += [(dt, term, n, 0) for dt, c in counts.items() for term, n in c.items()]
        for i in range(0, len(out), 5000):
            cur.executemany(
                f"INSERT INTO {STATS_TABLE} (doc_type, term, documents, length) VALUES (%s, %s, %s, %s)",
                out[i : i + 5000],
            )
    return done


def collection_stats(doc_type: str, tokens: Sequence[str]) -> tuple[float, float, dict[str, float]]:
    """(document count, mean length, {word: idf}) of doc_type, from the maintained counters in
    one query (counted once first when the doc_type has none, see _repaired)."""
    terms = {t: t[:TERM_MAX] for t in tokens}
    wanted = sorted(set(terms.values()) | {""})
    marks = ", ".join(["%s"] * len(wanted))
    sql = f"SELECT term, documents, length FROM {STATS_TABLE} WHERE doc_type = %s AND term IN ({marks})"
    with connection.cursor() as cur:
        cur.execute(sql, [doc_type, *wanted])
        found = {term: (n, total) for term, n, total in cur.fetchall()}
        if found.get("", (0, 0))[0] <= 0 and _repaired(doc_type):
            cur.execute(sql, [doc_type, *wanted])
            found = {term: (n, total) for term, n, total in cur.fetchall()}
    return _stats_of(found, tokens, terms)


def texts_and_stats(
    doc_type: str, tokens: Sequence[str], pks: Sequence[int], columns: str
) -> tuple[list[tuple], tuple[float, float, dict[str, float]]]:
    """The documents `pks` (id, then `columns`) and collection_stats(doc_type, tokens), read in
    one statement (a UNION ALL of the two lookups), so ranking costs no query of its own."""
    terms = {t: t[:TERM_MAX] for t in tokens}
    wanted = sorted(set(terms.values()) | {""})
    width = len(columns.split(","))
    nulls = "".join([", NULL"] * width)
    # each side's columns of its own (typed alike on PostgreSQL): id, `columns`, term, df, length
    sql = (
        f"SELECT 0, id, {columns}, NULL, NULL, NULL FROM core_searchdocument "
        f"WHERE id IN ({', '.join(['%s'] * len(pks))}) "
        f"UNION ALL SELECT 1, NULL{nulls}, term, documents, length FROM {STATS_TABLE} "
        f"WHERE doc_type = %s AND term IN ({', '.join(['%s'] * len(wanted))})"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [*pks, doc_type, *wanted])
        fetched = cur.fetchall()
        docs = [tuple(r[1 : 2 + width]) for r in fetched if r[0] == 0]
        found = {r[-3]: (r[-2], r[-1]) for r in fetched if r[0] == 1}
    if found.get("", (0, 0))[0] <= 0 and docs and _repaired(doc_type):
        return docs, collection_stats(doc_type, tokens)
    return docs, _stats_of(found, tokens, terms)


def _stats_of(
    found: dict[str, tuple[int, int]], tokens: Sequence[str], terms: dict[str, str]
) -> tuple[float, float, dict[str, float]]:
    n_docs, total = found.get("", (0, 0))
    n_docs = max(n_docs, 0)
    df = {t: float(found.get(key, (0, 0))[0]) for t, key in terms.items()}
    return float(n_docs), (total / n_docs if n_docs else 0.0), {t: _idf_of(df[t], n_docs) for t in tokens}


def _repaired(doc_type: str) -> bool:
    """A doc_type with documents but no counters (documents bulk-written past index_many without
    rebuild_stats): count it now, once and for good, rather than per query. True when it did."""
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM core_searchdocument WHERE doc_type = %s LIMIT 1", [doc_type])
        if cur.fetchone() is None:
            return False
    rebuild_stats(doc_type)
    return True


def _idf_of(df: float, n_docs: float) -> float:
    df = min(max(df, 0.0), n_docs)
    return math.log(1 + (n_docs - df + 0.5) / (df + 0.5))


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


# --- SQLite FTS5 ---------------------------------------------------------------------------


def _fts_quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _fts_match(tokens: list[str], filters: list[str]) -> str:
    parts = ["tokens : (" + " AND ".join(_fts_quote(t) for t in tokens) + ")"]
    parts.append("filters : (" + " AND ".join(_fts_quote(f) for f in filters) + ")")
    return " AND ".join(parts)


# --- PostgreSQL tsvector ---------------------------------------------------------------------


def _ts_quote(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def _tsquery(tokens: list[str], filters: list[str]) -> str:
    # Query words must hit weight A (the text), facet tokens weight D (the filters).
    return " & ".join([_ts_quote(t) + ":A" for t in tokens] + [_ts_quote(f) + ":D" for f in filters])


def _filters(doc_type: str, province: str, city: str, kind: str, field_code: str | Sequence[str]) -> list[str]:
    # One field code, or several that must all be present (a catalogue may index flags as fields).
    codes = [field_code] if isinstance(field_code, str) else list(field_code)
    return _filter_tokens(doc_type, province, city, kind, [c for c in codes if c])


# Ranking. FTS5's bm25() and PostgreSQL's ts_rank both pay per query for every row the terms
# match (bm25() even scans each term's whole posting list to count documents), so a common word
# is slow however few rows the filters leave. We rank in two steps instead, at a bounded cost:
#   1. the index returns the matching rows in blocks of RANK_BLOCK, shortest documents first —
#      with every query word present (AND), BM25 favours short documents, so the best lie early;
#   2. within a block, Okapi BM25 (k1 = 1.2, b = 0.75) orders the rows exactly, from their term
#      frequencies and the collection statistics (document count, mean length, document
#      frequency of each word), kept as counters by the writes (see "statistics" above).
# Pages are cut from the concatenated blocks, so paging is stable and never repeats or skips a
# row; while a query matches at most RANK_BLOCK rows the order is exactly BM25's.
RANK_BLOCK = 200
K1, B = 1.2, 0.75


def _scalar(cur, sql: str, params: list) -> float:
    cur.execute(sql, params)
    row = cur.fetchone()
    return (row[0] or 0) if row else 0


def _bm25(tokens: list[str], doc_tokens: str, length: int, idf: dict[str, float], avgdl: float) -> float:
    counts: dict[str, int] = {}
    wanted = set(tokens)
    for t in doc_tokens.split(" "):
        if t in wanted:
            counts[t] = counts.get(t, 0) + 1
    norm = K1 * (1 - B + B * length / (avgdl or 1))
    return sum(idf[t] * counts.get(t, 0) * (K1 + 1) / (counts.get(t, 0) + norm) for t in tokens)


def search(
    doc_type: str,
    q: str,
    *,
    province: str = "",
    city: str = "",
    kind: str = "",
    field: str | Sequence[str] = "",
    limit: int = 20,
    offset: int = 0,
    with_total: bool = False,
) -> Hits | None:
    """BM25-ranked ids of the records matching every word of `q` and the filters.

    None when `q` holds no searchable word: the caller then lists without ranking.
    """
    tokens = query_tokens(q)
    if not tokens:
        return None
    filters = _filters(doc_type, province, city, kind, field)
    first_block = offset // RANK_BLOCK
    last_block = (offset + limit - 1) // RANK_BLOCK
    window = (last_block + 1) * RANK_BLOCK
    with connection.cursor() as cur:
        if _is_postgres():
            where, param = "tsv @@ to_tsquery('simple', %s)", _tsquery(tokens, filters)
            cur.execute(
                f"SELECT id, object_id, length FROM core_searchdocument WHERE {where} "
                "ORDER BY length, id LIMIT %s OFFSET %s",
                [param, window - first_block * RANK_BLOCK, first_block * RANK_BLOCK],
            )
            candidates = cur.fetchall()
            count_sql = f"SELECT count(*) FROM core_searchdocument WHERE {where}"
        else:
            param = _fts_match(tokens, filters)
            cur.execute(
                f"SELECT d.id, d.object_id, d.length FROM {FTS_TABLE} f JOIN core_searchdocument d "
                f"ON d.id = f.rowid WHERE {FTS_TABLE} MATCH %s ORDER BY d.length, d.id LIMIT %s OFFSET %s",
                [param, window - first_block * RANK_BLOCK, first_block * RANK_BLOCK],
            )
            candidates = cur.fetchall()
            count_sql = f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
        ranked: list[tuple[int, float]] = []
        if candidates:
            rows, (_n_docs, avgdl, idf) = texts_and_stats(doc_type, tokens, [c[0] for c in candidates], "tokens")
            texts = {r[0]: r[1] for r in rows}
            for block_start in range(0, len(candidates), RANK_BLOCK):
                block = [
                    (object_id, _bm25(tokens, texts.get(pk, ""), length, idf, avgdl), length, pk)
                    for pk, object_id, length in candidates[block_start : block_start + RANK_BLOCK]
                ]
                block.sort(key=lambda row: (-row[1], row[2], row[3]))
                ranked += [(row[0], row[1]) for row in block]
        skip = offset - first_block * RANK_BLOCK
        rows = ranked[skip : skip + limit]
        total = None
        if with_total:
            total = int(_scalar(cur, count_sql, [param]))
    return Hits(ids=[r[0] for r in rows], tokens=tokens, total=total, scores=[float(r[1]) for r in rows])


def facets(
    doc_type: str,
    q: str,
    *,
    province: str = "",
    city: str = "",
    kind: str = "",
    field: str | Sequence[str] = "",
) -> dict[str, dict[str, int]]:
    """Counts by province, city and kind of the records matching `q` and the filters."""
    tokens = query_tokens(q)
    if not tokens:
        return {}
    filters = _filters(doc_type, province, city, kind, field)
    result: dict[str, dict[str, int]] = {}
    with connection.cursor() as cur:
        for column in ("province_code", "city_code", "kind"):
            if _is_postgres():
                cur.execute(
                    f"SELECT {column}, count(*) FROM core_searchdocument "
                    f"WHERE tsv @@ to_tsquery('simple', %s) GROUP BY {column}",
                    [_tsquery(tokens, filters)],
                )
            else:
                cur.execute(
                    f"SELECT d.{column}, count(*) FROM {FTS_TABLE} f JOIN core_searchdocument d "
                    f"ON d.id = f.rowid WHERE {FTS_TABLE} MATCH %s GROUP BY d.{column}",
                    [_fts_match(tokens, filters)],
                )
            result[column.removesuffix("_code")] = {k: n for k, n in cur.fetchall() if k}
    return result


# --- schema, per backend (run by core's migration) -------------------------------------------

SQLITE_SCHEMA = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "tokens, filters, content='core_searchdocument', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER IF NOT EXISTS core_searchdocument_ai AFTER INSERT ON core_searchdocument BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, tokens, filters) VALUES (new.id, new.tokens, new.filters); END",
    f"CREATE TRIGGER IF NOT EXISTS core_searchdocument_ad AFTER DELETE ON core_searchdocument BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, tokens, filters) "
    f"VALUES ('delete', old.id, old.tokens, old.filters); END",
    f"CREATE TRIGGER IF NOT EXISTS core_searchdocument_au AFTER UPDATE ON core_searchdocument BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, tokens, filters) "
    f"VALUES ('delete', old.id, old.tokens, old.filters); "
    f"INSERT INTO {FTS_TABLE}(rowid, tokens, filters) VALUES (new.id, new.tokens, new.filters); END",
]

POSTGRES_SCHEMA = [
    *postings.SCHEMA,
    "ALTER TABLE core_searchdocument ADD COLUMN IF NOT EXISTS tsv tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', tokens), 'A') || setweight(to_tsvector('simple', filters), 'D')"
    ") STORED",
    "CREATE INDEX IF NOT EXISTS core_searchdocument_tsv ON core_searchdocument USING GIN (tsv)",
]


def ensure_sqlite_triggers(connection_) -> bool:
    """Re-create the FTS5 sync triggers (and rebuild the index) if a table rebuild dropped them:
    SQLite migrations that alter core_searchdocument copy it into a new table, and dropping the
    old one drops its triggers. Runs after every migrate; returns True when it had to repair."""
    if connection_.vendor != "sqlite":
        return False
    with connection_.cursor() as cur:
        cur.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'core_searchdocument_a%'")
        if cur.fetchone()[0] == 3:
            return False
        for sql in SQLITE_SCHEMA:
            cur.execute(sql)
        cur.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
    return True


def create_schema(schema_editor) -> None:
    statements = POSTGRES_SCHEMA if schema_editor.connection.vendor == "postgresql" else SQLITE_SCHEMA
    for sql in statements:
        schema_editor.execute(sql)


# --- documents that quote other records ------------------------------------------------------
# An instrument's document carries its owner's name and kind; a person's, their organisation's.
# The app that owns such documents registers a refresher here, and the service that changes the
# quoted record calls `refresh_dependents`, so the directory need not import the instrument app.
_dependents: dict[str, list] = {}


def register_dependent(source_type: str, refresh) -> None:
    """`refresh(object_id)` re-indexes the documents that quote record `object_id` of `source_type`."""
    _dependents.setdefault(source_type, []).append(refresh)


def refresh_dependents(source_type: str, object_id: int) -> None:
    for refresh in _dependents.get(source_type, []):
        refresh(object_id)
