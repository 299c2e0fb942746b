"""Candidates for a query listing, drawn from the matcher's own inverted index (index.py).

The search module ANDs a query's words and ranks only its first 200 hits exactly; a listing used
as a query has dozens of words, so candidates are drawn here with OR semantics instead, from the
matcher's integer postings (models/matching.py): the query's words are ranked by weight × IDF
(document frequencies per kind read from the statistics table, one query), and each chosen
word's best postings by BM25 impact are read in one statement — a bounded range per word and
candidate kind (POSTING_BUDGET rows in all, at most TERM_CAP per word), summed per listing by the
database; the best CANDIDATES are returned with their tokens and re-scored exactly with every
word of the query (scoring.py). docs/market-matching.md compares this with the alternatives.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection

from nesta.market.kinds import COMPLEMENTS
from nesta.market.matching import index as I
from nesta.market.matching import texts
from nesta.market.matching import weights as W
from nesta.market.models.choices import ListingStatus

DOC_TYPE = "market_match"  # the search type `manage.py reindex` rebuilds (wiring/matching.py)
ON_MARKET = (ListingStatus.PUBLISHED, ListingStatus.NEGOTIATING)


# a listing's text (texts.py), re-exported for the callers that read it from here
listing_parts, listing_text = texts.listing_parts, texts.listing_text


def sync_listing(listing, thesaurus) -> None:
    """Keep the listing's document in step: present exactly while it is on the market."""
    I.sync_listing(listing, thesaurus)


def remove_listing(listing_id: int) -> None:
    I.remove_listing(listing_id)


def clear_stats() -> None:
    """Nothing is cached between queries any more (kept for the callers that reset caches)."""


# --- collection statistics ------------------------------------------------------------------------


@dataclass
class Collection:
    """The statistics BM25 needs over the documents of the candidate kinds (read, not cached)."""

    kinds: tuple[str, ...]
    n_docs: float
    avgdl: float
    df: dict[str, float]
    term_ids: dict[str, int] = field(default_factory=dict)
    df_by_kind: dict[str, dict[int, int]] = field(default_factory=dict)
    max_by_kind: dict[str, dict[int, int]] = field(default_factory=dict)  # upper bounds of the impacts

    def idf(self, token: str) -> float:
        df = self.df.get(token, 0.0)
        return math.log(1 + (self.n_docs - df + 0.5) / (df + 0.5))


def collection(kinds: Sequence[str], tokens: Iterable[str]) -> Collection:
    """Two statements: the kinds' document counts and lengths, and the tokens' frequencies."""
    kinds = tuple(sorted(kinds))
    codes = {I.KIND_CODES[k]: k for k in kinds if k in I.KIND_CODES}
    words = sorted({t for t in tokens if len(t) <= I.TERM_MAX})
    n_docs, length = 0, 0
    df: dict[str, float] = {}
    term_ids: dict[str, int] = {}
    by_kind: dict[str, dict[int, int]] = {}
    tops: dict[str, dict[int, int]] = {}
    with connection.cursor() as cur:
        marks = ", ".join(["%s"] * len(kinds))
        cur.execute(f"SELECT docs, length FROM {I.T_KIND} WHERE kind IN ({marks})", list(kinds))
        for docs, total in cur.fetchall():
            n_docs += docs
            length += total
        if words and codes:
            cur.execute(
                f"SELECT t.term, t.id, s.kind, s.df, s.max_impact FROM {I.T_TERM} t JOIN {I.T_STAT} s ON s.term_id = t.id "
                f"WHERE t.term IN ({', '.join(['%s'] * len(words))}) "
                f"AND s.kind IN ({', '.join(['%s'] * len(codes))}) AND s.df > 0",
                [*words, *codes],
            )
            for term, term_id, code, n, top in cur.fetchall():
                term_ids[term] = term_id
                by_kind.setdefault(term, {})[code] = n
                tops.setdefault(term, {})[code] = top
                df[term] = df.get(term, 0.0) + n
    avgdl = length / n_docs if n_docs else 1.0
    return Collection(
        kinds=kinds,
        n_docs=float(n_docs),
        avgdl=avgdl or 1.0,
        df=df,
        term_ids=term_ids,
        df_by_kind=by_kind,
        max_by_kind=tops,
    )


def complement_kinds(kind: str, wanted: Sequence[str] | None = None) -> tuple[str, ...]:
    kinds = COMPLEMENTS.get(kind, ())
    if wanted:
        kinds = tuple(k for k in kinds if k in set(wanted))
    return tuple(kinds)


@dataclass
class Candidate:
    object_id: int
    length: int
    tokens: list[str]


def plan(query: dict[str, float], coll: Collection) -> list[tuple[str, int, int, float]]:
    """(term, kind code, rows, weight) of the draw: the query's words by weight × IDF, each taking
    at most TERM_CAP of its best postings (split over the kinds by their frequencies) while the
    sum stays within POSTING_BUDGET; at most MAX_QUERY_TERMS words (at least MIN_QUERY_TERMS). A
    common word past the budget still counts in the exact score; it just draws no one.

    Search-mode segmentation gives a compound and its parts (发动机, 发动, 动机): a word that is
    part of (or contains) a chosen one and has the same frequencies in every kind holds the same
    listings, so it reads nothing and adds its weight to the chosen word's postings instead."""
    ranked = sorted((t for t in query if coll.df.get(t, 0) > 0), key=lambda t: (-query[t] * coll.idf(t), coll.df[t], t))
    chosen: dict[str, float] = {}
    budget: float = W.POSTING_BUDGET
    take_of: dict[str, float] = {}
    for t in ranked:
        weight = query[t] * coll.idf(t)
        twin = W.MERGE_TWINS and next(
            (c for c in chosen if (t in c or c in t) and coll.df_by_kind[c] == coll.df_by_kind[t]), None
        )
        if twin:
            chosen[twin] += weight
            continue
        if len(chosen) >= W.MAX_QUERY_TERMS or (budget <= 0 and len(chosen) >= W.MIN_QUERY_TERMS):
            continue
        take = min(coll.df[t], W.TERM_CAP, max(budget, W.TERM_FLOOR))
        chosen[t] = weight
        take_of[t] = take
        budget -= take
    arms: list[tuple[str, int, int, float]] = []
    for t, weight in chosen.items():
        df, take = coll.df[t], take_of[t]
        for code, n_k in sorted(coll.df_by_kind[t].items()):
            rows = n_k if take >= df else max(1, math.ceil(take * n_k / df))
            arms.append((t, code, int(rows), weight))
    return arms


def draw(query: dict[str, float], coll: Collection, *, exclude: int | None = None) -> list[Candidate]:
    """The best CANDIDATES listings by summed weight × IDF × impact over the planned postings,
    with their tokens: one statement."""
    arms = plan(query, coll)
    if not arms:
        return []
    arm = (
        f"SELECT listing_id, impact * CAST(%s AS DOUBLE PRECISION) AS w FROM (SELECT listing_id, impact FROM {I.T_POST} "
        "WHERE term_id = %s AND kind = %s ORDER BY impact DESC LIMIT %s) a{n}"
    )
    union = " UNION ALL ".join(arm.format(n=n) for n in range(len(arms)))
    params: list = []
    for t, code, rows, weight in arms:
        params += [weight, coll.term_ids[t], code, rows]
    sql = (
        f"SELECT d.listing_id, d.length, d.tokens, s.w FROM (SELECT listing_id, SUM(w) AS w FROM ({union}) u "
        f"GROUP BY listing_id ORDER BY SUM(w) DESC, listing_id LIMIT %s) s JOIN {I.T_DOC} d ON d.listing_id = s.listing_id"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [*params, W.CANDIDATES + 1])
        rows = cur.fetchall()
    rows.sort(key=lambda r: (-r[3], r[0]))
    out = [Candidate(r[0], r[1], r[2].split(" ")) for r in rows if r[0] != exclude]
    return out[: W.CANDIDATES]


def reindex(progress=None) -> int:
    """Rebuild the matcher's index from the listings (manage.py reindex; bulk loads)."""
    from nesta.market.matching.thesaurus import current
    from nesta.market.models import Listing

    qs = Listing.objects.filter(status__in=ON_MARKET).select_related("province", "city", "field").order_by("pk")
    return I.rebuild(I.documents(qs.iterator(chunk_size=2000), current()), progress)
