"""The two search backends behind core.search (see its docstring)."""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction

from nesta.core.models import SearchDocument
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
    return SearchDocument(
        doc_type=doc_type,
        object_id=object_id,
        province_code=province_code or "",
        city_code=city_code or "",
        kind=kind or "",
        fields=" ".join(fields)[:400],
        tokens=" ".join(index_tokens(text)),
        filters=" ".join(_filter_tokens(doc_type, province_code, city_code, kind, fields)),
    )


def index(doc_type: str, object_id: int, **kwargs) -> None:
    """Index (or re-index) one record. Call inside the writing service's transaction."""
    doc = build_document(doc_type, object_id, **kwargs)
    SearchDocument.objects.filter(doc_type=doc_type, object_id=object_id).delete()
    doc.save()


def index_many(docs: Iterable[SearchDocument], batch_size: int = 2000) -> int:
    """Bulk-index prebuilt documents (demo data, re-indexing); replaces existing ones."""
    docs = list(docs)
    with transaction.atomic():
        by_type: dict[str, list[int]] = {}
        for d in docs:
            by_type.setdefault(d.doc_type, []).append(d.object_id)
        for doc_type, ids in by_type.items():
            for i in range(0, len(ids), 900):
                SearchDocument.objects.filter(doc_type=doc_type, object_id__in=ids[i : i + 900]).delete()
        SearchDocument.objects.bulk_create(docs, batch_size=batch_size)
    return len(docs)


def unindex(doc_type: str, object_id: int) -> None:
    SearchDocument.objects.filter(doc_type=doc_type, object_id=object_id).delete()


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


def _filters(doc_type: str, province: str, city: str, kind: str, field_code: str) -> list[str]:
    return _filter_tokens(doc_type, province, city, kind, [field_code] if field_code else [])


def search(
    doc_type: str,
    q: str,
    *,
    province: str = "",
    city: str = "",
    kind: str = "",
    field: str = "",
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
    with connection.cursor() as cur:
        if _is_postgres():
            tsq = _tsquery(tokens, filters)
            # Rank by the query words alone: the filter tokens carry weight 0, and ts_rank of an
            # AND query multiplies the weights of its terms, so ranking by `q` scores every row 0.
            # Normalisation 1 divides by 1 + log(length): shorter documents first, as BM25 does.
            cur.execute(
                "SELECT object_id, ts_rank('{0,0,0,1}', tsv, r, 1) AS score "
                "FROM core_searchdocument, to_tsquery('simple', %s) q, to_tsquery('simple', %s) r "
                "WHERE tsv @@ q ORDER BY score DESC, object_id LIMIT %s OFFSET %s",
                [tsq, _tsquery(tokens, []), limit, offset],
            )
            rows = cur.fetchall()
            total = None
            if with_total:
                cur.execute("SELECT count(*) FROM core_searchdocument WHERE tsv @@ to_tsquery('simple', %s)", [tsq])
                total = cur.fetchone()[0]
        else:
            match = _fts_match(tokens, filters)
            cur.execute(
                f"SELECT d.object_id, f.rank FROM {FTS_TABLE} f "
                f"JOIN core_searchdocument d ON d.id = f.rowid "
                f"WHERE {FTS_TABLE} MATCH %s AND f.rank MATCH 'bm25(1.0, 0.0)' "
                f"ORDER BY f.rank LIMIT %s OFFSET %s",
                [match, limit, offset],
            )
            rows = [(object_id, -rank) for object_id, rank in cur.fetchall()]  # bm25(): lower is better
            total = None
            if with_total:
                cur.execute(f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match])
                total = cur.fetchone()[0]
    return Hits(ids=[r[0] for r in rows], tokens=tokens, total=total, scores=[float(r[1]) for r in rows])


def facets(
    doc_type: str, q: str, *, province: str = "", city: str = "", kind: str = "", field: str = ""
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
    "ALTER TABLE core_searchdocument ADD COLUMN IF NOT EXISTS tsv tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', tokens), 'A') || setweight(to_tsvector('simple', filters), 'D')"
    ") STORED",
    "CREATE INDEX IF NOT EXISTS core_searchdocument_tsv ON core_searchdocument USING GIN (tsv)",
]


def create_schema(schema_editor) -> None:
    statements = POSTGRES_SCHEMA if schema_editor.connection.vendor == "postgresql" else SQLITE_SCHEMA
    for sql in statements:
        schema_editor.execute(sql)
