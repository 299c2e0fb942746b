"""The matcher's documents in the platform's search index, and candidates drawn from them.

Each public listing (published or negotiating) has a document of type ``market_match``: its
segmented title, keywords and text, and one token per thesaurus concept it mentions (``zc12``),
so a concept is found like a word, with its own document frequency. The documents live in the
same table as every catalogue's (FTS5 on SQLite, tsvector + GIN on PostgreSQL) and are written
in the same transaction as the listing (signals, see wiring/matching.py), so a rolled-back write
leaves no document behind.

The search module ANDs a query's words and ranks only its first 200 hits exactly; a listing used
as a query has dozens of words, so candidates are drawn here with OR semantics instead: the
query's words with the highest IDF are looked up one by one (each posting list read once,
within POSTING_BUDGET rows in all), every listing found is scored by the IDF of the words it
holds, and the best CANDIDATES of them are re-scored exactly with every word of the query
(scoring.py). docs/market-matching.md compares this with the alternatives, with measurements.
"""

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection

from nesta.core.models import SearchDocument
from nesta.core.search.engine import FTS_TABLE, build_document
from nesta.market.kinds import COMPLEMENTS
from nesta.market.matching import weights as W
from nesta.market.matching.thesaurus import Thesaurus, concept_token
from nesta.market.models.choices import ListingStatus

DOC_TYPE = "market_match"
ON_MARKET = (ListingStatus.PUBLISHED, ListingStatus.NEGOTIATING)
STATS_TTL = 300.0


def _facet(prefix: str, value: str) -> str:
    return prefix + "".join(c for c in value.lower() if c.isascii() and c.isalnum())


TYPE_TOKEN = _facet("t", DOC_TYPE)


# --- a listing's text -----------------------------------------------------------------------------

_DETAIL_TEXT = (
    "problem",
    "indicators",
    "application",
    "team",
    "materials",
    "equipment",
    "certifications",
    "product",
    "variety",
    "suitable_regions",
    "yield_note",
    "origin",
    "fields_text",
    "use_of_funds",
    "qualifications",
    "conditions",
    "asset",
)


def _choice_labels(details: dict) -> list[str]:
    from nesta.market.models.choices import Process, ServiceType

    labels = [str(Process(p).label) for p in details.get("processes", []) if p in Process.values]
    if details.get("service_type") in ServiceType.values:
        labels.append(str(ServiceType(details["service_type"]).label))
    return labels


def listing_parts(listing) -> tuple[str, str, str]:
    """(title, keywords, the rest of the text) of a listing, stored or not."""
    details = listing.details if isinstance(listing.details, dict) else {}
    body = [listing.summary or ""]
    body += [str(details[k]) for k in _DETAIL_TEXT if isinstance(details.get(k), str) and details.get(k)]
    body += _choice_labels(details)
    keywords = " ".join(listing.keyword_list) if listing.keywords else ""
    return listing.title or "", keywords, "\n".join(body)


def listing_text(listing) -> str:
    return "\n".join(listing_parts(listing))


def build_match_document(listing, thesaurus: Thesaurus) -> SearchDocument:
    text = listing_text(listing)
    concepts = " ".join(concept_token(c) for c in thesaurus.detect(text))
    return build_document(
        DOC_TYPE,
        listing.pk,
        text=text + "\n" + concepts,
        province_code=getattr(listing.province, "code", "") if listing.province_id else "",
        city_code=getattr(listing.city, "code", "") if listing.city_id else "",
        kind=listing.kind,
        fields=[listing.field.code] if listing.field_id else [],
    )


def sync_listing(listing, thesaurus: Thesaurus) -> None:
    """Keep the listing's document in step: present exactly while it is on the market."""
    SearchDocument.objects.filter(doc_type=DOC_TYPE, object_id=listing.pk).delete()
    note_write()
    if listing.status in ON_MARKET:
        build_match_document(listing, thesaurus).save()


def remove_listing(listing_id: int) -> None:
    SearchDocument.objects.filter(doc_type=DOC_TYPE, object_id=listing_id).delete()
    note_write()


# --- collection statistics ------------------------------------------------------------------------

# Per process: (value, expiry). A word's document frequency moves slowly once it is in many
# documents, so a known one is kept DF_TTL seconds; an unknown word (0) only ZERO_TTL, and a write
# in this process forgets the unknown words and the collection size at once.
_stats: dict[tuple, tuple[float, float]] = {}
DF_TTL = 3600.0
ZERO_TTL = 60.0
DF_BATCH = 40


def _cached(key: tuple, compute) -> float:
    now = time.monotonic()
    hit = _stats.get(key)
    if hit is not None and hit[1] > now:
        return hit[0]
    value = float(compute() or 0)
    _stats[key] = (value, now + STATS_TTL)
    return value


def clear_stats() -> None:
    _stats.clear()


def note_write() -> None:
    for key in [k for k, v in _stats.items() if k[2] != "df" or v[0] == 0]:
        _stats.pop(key, None)


def _is_pg() -> bool:
    return connection.vendor == "postgresql"


def _quote_fts(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _quote_ts(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def _kind_tokens(kinds: Sequence[str]) -> list[str]:
    return [_facet("k", k) for k in kinds]


def _match_expr(token: str | None, kinds: Sequence[str]) -> str:
    kt = _kind_tokens(kinds)
    if _is_pg():
        parts = [] if token is None else [_quote_ts(token) + ":A"]
        parts.append(_quote_ts(TYPE_TOKEN) + ":D")
        parts.append("(" + " | ".join(_quote_ts(k) + ":D" for k in kt) + ")")
        return " & ".join(parts)
    expr = f"filters : ({_quote_fts(TYPE_TOKEN)} AND ({' OR '.join(_quote_fts(k) for k in kt)}))"
    return expr if token is None else f"tokens : {_quote_fts(token)} AND {expr}"


def _where() -> str:
    if _is_pg():
        return "FROM core_searchdocument WHERE tsv @@ to_tsquery('simple', %s)"
    return f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"


def _scalar(sql: str, params: list) -> float:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        row = cur.fetchone()
    return (row[0] or 0) if row else 0


@dataclass
class Collection:
    """The statistics BM25 needs over the documents of the candidate kinds."""

    kinds: tuple[str, ...]
    n_docs: float
    avgdl: float
    df: dict[str, float]

    def idf(self, token: str) -> float:
        df = self.df.get(token, 0.0)
        return math.log(1 + (self.n_docs - df + 0.5) / (df + 0.5))


def collection(kinds: Sequence[str], tokens: Iterable[str]) -> Collection:
    kinds = tuple(sorted(kinds))
    db = connection.settings_dict["NAME"]
    placeholders = ", ".join(["%s"] * len(kinds))
    n_docs = _cached(
        (db, kinds, "n"),
        lambda: _scalar(
            f"SELECT count(*) FROM core_searchdocument WHERE doc_type = %s AND kind IN ({placeholders})",
            [DOC_TYPE, *kinds],
        ),
    )
    avgdl = _cached(
        (db, kinds, "avgdl"),
        lambda: _scalar(
            f"SELECT avg(length) FROM core_searchdocument WHERE doc_type = %s AND kind IN ({placeholders})",
            [DOC_TYPE, *kinds],
        ),
    )
    df: dict[str, float] = {}
    now = time.monotonic()
    missing: list[str] = []
    for t in dict.fromkeys(tokens):
        hit = _stats.get((db, kinds, "df", t))
        if hit is not None and hit[1] > now:
            df[t] = hit[0]
        else:
            missing.append(t)
    # the unknown words' counts in one statement per DF_BATCH words (one round trip, not forty)
    count = "(SELECT count(*) " + _where() + ")"
    with connection.cursor() as cur:
        for i in range(0, len(missing), DF_BATCH):
            batch = missing[i : i + DF_BATCH]
            cur.execute("SELECT " + ", ".join([count] * len(batch)), [_match_expr(t, kinds) for t in batch])
            for t, n in zip(batch, cur.fetchone(), strict=True):
                df[t] = float(n or 0)
                _stats[(db, kinds, "df", t)] = (df[t], now + (DF_TTL if n else ZERO_TTL))
    return Collection(kinds=kinds, n_docs=n_docs, avgdl=avgdl or 1.0, df=df)


def complement_kinds(kind: str, wanted: Sequence[str] | None = None) -> tuple[str, ...]:
    kinds = COMPLEMENTS.get(kind, ())
    if wanted:
        kinds = tuple(k for k in kinds if k in set(wanted))
    return tuple(kinds)


@dataclass
class Candidate:
    doc_id: int
    object_id: int
    length: int
    tokens: list[str]


def select_terms(query: dict[str, float], coll: Collection) -> list[str]:
    """The query's words used to draw candidates: most discriminative first, within budget."""
    ranked = sorted((t for t in query if coll.df.get(t, 0) > 0), key=lambda t: (-query[t] * coll.idf(t), coll.df[t], t))
    chosen: list[str] = []
    budget = 0.0
    for t in ranked:
        if len(chosen) >= W.MAX_QUERY_TERMS:
            break
        df = coll.df[t]
        if chosen and len(chosen) >= W.MIN_QUERY_TERMS and budget + df > W.POSTING_BUDGET:
            continue  # a common word: it still counts in the exact score, it just draws no one
        chosen.append(t)
        budget += df
    return chosen


def draw(query: dict[str, float], coll: Collection, *, exclude: int | None = None) -> list[Candidate]:
    """The best CANDIDATES documents holding at least one selected word, by summed IDF.

    One statement: each selected word's posting list (UNION ALL), summed per document by the
    database, the best CANDIDATES joined to their tokens for the exact score."""
    terms = select_terms(query, coll)
    if not terms:
        return []
    pk = "id" if _is_pg() else "rowid"
    cast = "::float8" if _is_pg() else ""
    arm = f"SELECT {pk} AS doc, %s{cast} AS w " + _where()
    union = " UNION ALL ".join([arm] * len(terms))
    params: list = []
    for t in terms:
        params += [query[t] * coll.idf(t), _match_expr(t, coll.kinds)]
    sql = (
        f"SELECT d.id, d.object_id, d.length, d.tokens, s.w FROM (SELECT doc, SUM(w) AS w FROM ({union}) u "
        "GROUP BY doc ORDER BY SUM(w) DESC, doc LIMIT %s) s JOIN core_searchdocument d ON d.id = s.doc"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [*params, W.CANDIDATES + 1])
        rows = cur.fetchall()
    out = [Candidate(r[0], r[1], r[2], r[3].split(" ")) for r in rows if r[1] != exclude]
    score = {r[0]: r[4] for r in rows}
    out.sort(key=lambda c: (-score[c.doc_id], c.doc_id))
    return out[: W.CANDIDATES]


def reindex(progress=None) -> int:
    """Rebuild every matcher document from the listings (manage.py reindex; bulk loads)."""
    from nesta.core.search.engine import index_many
    from nesta.market.matching.thesaurus import current
    from nesta.market.models import Listing

    th = current()
    SearchDocument.objects.filter(doc_type=DOC_TYPE).delete()
    qs = Listing.objects.filter(status__in=ON_MARKET).select_related("province", "city", "field").order_by("pk")
    done = 0
    batch: list[SearchDocument] = []
    for listing in qs.iterator(chunk_size=2000):
        batch.append(build_match_document(listing, th))
        if len(batch) >= 2000:
            done += index_many(batch)
            batch = []
            if progress:
                progress(done)
    if batch:
        done += index_many(batch)
    _stats.clear()
    return done
