"""The matcher's inverted index (models/matching.py): written with the listing, rebuilt by reindex.

For each on-market listing (published or negotiating): a document (its tokens in order, for the
exact re-scoring) and one posting per distinct term, keyed (term, kind, impact, listing) so that a
term's postings of one kind are read best first; per kind, each term's document frequency and
the documents' count and summed length, kept by the same writes (an upsert of the deltas). Every
write runs inside the caller's transaction (the listing's save, through the signals of
wiring/matching.py): a rolled-back write leaves nothing, and nothing is cached between writes.

Impact is BM25's term-frequency part, tf / (tf + k1·(1 − b + b·dl / AVGDL_REF)), in thousandths:
it orders a term's postings the way BM25 would (the exact score, with the collection's own
statistics, is computed on the drawn candidates) and is a pure function of the document, so a
document's postings can be found again from its stored tokens.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, transaction

from nesta.core.search.segment import index_tokens
from nesta.market.matching import blocks as B
from nesta.market.matching import weights as W
from nesta.market.matching.thesaurus import Thesaurus, concept_token

# Stable small codes of the kinds in the postings and term statistics (append new kinds only).
KINDS = (
    "achievement",
    "demand",
    "property_right",
    "financing",
    "investor",
    "capacity",
    "outsourcing",
    "agri_variety",
    "agri_supply",
    "agri_demand",
    "service",
)
KIND_CODES = {k: i for i, k in enumerate(KINDS)}
AVGDL_REF = 60.0
IMPACT_SCALE = 1000
TERM_MAX = 64  # longer tokens still count in the exact score; they only draw no one
BATCH = 2000

T_TERM = "market_matchterm"
T_STAT = "market_matchtermstat"
T_KIND = "market_matchkindstat"
T_DOC = "market_matchdocument"
T_POST = "market_matchposting"
T_BLOCK = B.T_BLOCK


def _on_market() -> set[str]:
    from nesta.market.models.choices import ListingStatus

    return {ListingStatus.PUBLISHED.value, ListingStatus.NEGOTIATING.value}


def document_tokens(listing: Any, thesaurus: Thesaurus) -> list[str]:
    """A listing's tokens: its segmented text and one token per thesaurus concept it mentions."""
    from nesta.market.matching.texts import listing_text

    return text_tokens(listing_text(listing), thesaurus)


def text_tokens(text: str, thesaurus: Thesaurus) -> list[str]:
    concepts = " ".join(concept_token(c) for c in thesaurus.detect(text))
    return index_tokens(text + "\n" + concepts)


def impact(tf: int, length: int) -> int:
    norm = W.K1 * (1 - W.B + W.B * length / AVGDL_REF)
    return max(1, min(IMPACT_SCALE, round(IMPACT_SCALE * tf / (tf + norm))))


Doc = tuple[int, str, list[str]]  # (listing id, kind, tokens)


def _postings(doc: Doc, ids: dict[str, int]) -> list[tuple[int, int, int, int]]:
    listing_id, kind, tokens = doc
    code = KIND_CODES[kind]
    counts = Counter(tokens)
    return [(ids[t], code, impact(tf, len(tokens)), listing_id) for t, tf in counts.items() if t in ids]


def _chunks(seq: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for i in range(0, len(seq), size):
        yield seq[i : i + size]


def _term_ids(terms: Iterable[str], *, create: bool) -> dict[str, int]:
    """Ids of the terms (created when missing and `create`; existing ones are only read, so
    PostgreSQL's sequence is not spent on conflicts)."""
    wanted = sorted({t for t in terms if len(t) <= TERM_MAX})
    ids: dict[str, int] = {}
    with connection.cursor() as cur:

        def read(part: Sequence[str]) -> None:
            cur.execute(f"SELECT term, id FROM {T_TERM} WHERE term IN ({', '.join(['%s'] * len(part))})", list(part))
            ids.update(cur.fetchall())

        for part in _chunks(wanted, 500):
            read(part)
        missing = [t for t in wanted if t not in ids]
        if create:
            for part in _chunks(missing, 500):
                values = ", ".join(["(%s)"] * len(part))
                cur.execute(f"INSERT INTO {T_TERM} (term) VALUES {values} ON CONFLICT (term) DO NOTHING", list(part))
                read(part)
    return ids


def _insert(table: str, columns: Sequence[str], rows: list[tuple]) -> None:
    if not rows:
        return
    names = ", ".join(columns)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        cur.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def _add_stats(df: Counter, kinds: dict[str, list[int]], top: dict[tuple[int, int], int] | None = None) -> None:
    """Upsert the deltas, in key order (concurrent writers lock the rows in the same order);
    `top`: the largest impact inserted per (term, kind), which raises the stored bound."""
    top = top or {}
    greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    with connection.cursor() as cur:
        items = sorted((k, v) for k, v in df.items() if v or top.get(k))
        for part in _chunks(items, 1000):
            values = ", ".join(["(%s, %s, %s, %s)"] * len(part))
            cur.execute(
                f"INSERT INTO {T_STAT} (term_id, kind, df, max_impact) VALUES {values} "
                f"ON CONFLICT (term_id, kind) DO UPDATE SET df = {T_STAT}.df + excluded.df, "
                f"max_impact = {greatest}({T_STAT}.max_impact, excluded.max_impact)",
                [x for (term_id, code), d in part for x in (term_id, code, d, top.get((term_id, code), 0))],
            )
        rows = sorted((k, v) for k, v in kinds.items() if v[0] or v[1])
        if rows:
            values = ", ".join(["(%s, %s, %s)"] * len(rows))
            cur.execute(
                f"INSERT INTO {T_KIND} (kind, docs, length) VALUES {values} ON CONFLICT (kind) DO UPDATE SET "
                f"docs = {T_KIND}.docs + excluded.docs, length = {T_KIND}.length + excluded.length",
                [x for kind, (n, length) in rows for x in (kind, n, length)],
            )


Totals = tuple[Counter, dict[str, list[int]], dict[tuple[int, int], int]]  # df, kinds, top impacts


def apply(removed: list[Doc], added: list[Doc], *, fresh: bool = False, totals: Totals | None = None) -> None:
    """Take the `removed` documents out of the index and put the `added` ones in (one transaction;
    `fresh`: the added listings have no document yet, e.g. a rebuild; `totals`: add the statistics'
    deltas there instead of writing them — a rebuild writes them once at the end, since on
    PostgreSQL every upsert of the same rows inside one transaction leaves a dead row version)."""
    if not removed and not added:
        return
    ids = _term_ids((t for d in added for t in d[2]), create=True) if added else {}
    missing = {t for d in removed for t in d[2] if t not in ids}
    if missing:
        ids.update(_term_ids(missing, create=False))
    df, kinds, top = totals if totals is not None else (Counter(), {}, {})
    gone: list[tuple[int, int, int, int]] = []
    posts: list[tuple[int, int, int, int]] = []
    with transaction.atomic(), connection.cursor() as cur:
        if removed:
            gone = [p for d in removed for p in _postings(d, ids)]
            for part in _chunks(gone, 500):
                cur.execute(
                    f"DELETE FROM {T_POST} WHERE (term_id, kind, impact, listing_id) IN (VALUES "
                    + ", ".join(["(%s, %s, %s, %s)"] * len(part))
                    + ")",
                    [x for p in part for x in p],
                )
            for part in _chunks([d[0] for d in removed], 500):
                cur.execute(f"DELETE FROM {T_DOC} WHERE listing_id IN ({', '.join(['%s'] * len(part))})", list(part))
            for term_id, code, _i, _l in gone:
                df[(term_id, code)] -= 1
            for _pk, kind, tokens in removed:
                k = kinds.setdefault(kind, [0, 0])
                k[0] -= 1
                k[1] -= len(tokens)
        if added:
            if not fresh:
                for part in _chunks([d[0] for d in added], 500):
                    marks = ", ".join(["%s"] * len(part))
                    cur.execute(f"DELETE FROM {T_DOC} WHERE listing_id IN ({marks})", list(part))
            posts = [p for d in added for p in _postings(d, ids)]
            posts.sort()
            _insert(T_POST, ("term_id", "kind", "impact", "listing_id"), posts)
            _insert(
                T_DOC,
                ("listing_id", "kind", "length", "tokens"),
                [(d[0], d[1], len(d[2]), " ".join(d[2])) for d in added],
            )
            for term_id, code, imp, _l in posts:
                df[(term_id, code)] += 1
                if imp > top.get((term_id, code), 0):
                    top[(term_id, code)] = imp
            for _pk, kind, tokens in added:
                k = kinds.setdefault(kind, [0, 0])
                k[0] += 1
                k[1] += len(tokens)
        if totals is None:
            B.change(gone, posts)  # a rebuild packs its blocks once, at the end
            _add_stats(df, kinds, top)


def _stored(listing_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    out: dict[int, tuple[str, str]] = {}
    with connection.cursor() as cur:
        for part in _chunks(list(listing_ids), 500):
            marks = ", ".join(["%s"] * len(part))
            cur.execute(f"SELECT listing_id, kind, tokens FROM {T_DOC} WHERE listing_id IN ({marks})", list(part))
            out.update((r[0], (r[1], r[2])) for r in cur.fetchall())
    return out


def sync_listings(listings: Sequence[Any], thesaurus: Thesaurus) -> int:
    """Bring the listings' documents in step: present exactly while on the market; a listing whose
    kind and tokens did not change is left alone (one read). Returns the documents written."""
    on_market = _on_market()
    stored = _stored([x.pk for x in listings])
    removed: list[Doc] = []
    added: list[Doc] = []
    for x in listings:
        old = stored.get(x.pk)
        new = (x.kind, document_tokens(x, thesaurus)) if x.status in on_market else None
        if old is not None and new is not None and old == (new[0], " ".join(new[1])):
            continue
        if old is not None:
            removed.append((x.pk, old[0], old[1].split(" ") if old[1] else []))
        if new is not None:
            added.append((x.pk, new[0], new[1]))
    apply(removed, added)
    return len(added)


def sync_listing(listing: Any, thesaurus: Thesaurus) -> None:
    sync_listings([listing], thesaurus)


def remove_listing(listing_id: int) -> None:
    old = _stored([listing_id]).get(listing_id)
    if old is not None:
        apply([(listing_id, old[0], old[1].split(" ") if old[1] else [])], [])


def clear() -> None:
    with connection.cursor() as cur:
        for table in (T_POST, T_STAT, T_KIND, T_DOC, T_BLOCK):
            cur.execute(f"TRUNCATE {table}" if connection.vendor == "postgresql" else f"DELETE FROM {table}")


def documents(listings: Iterable[Any], thesaurus: Thesaurus) -> Iterable[Doc]:
    """The documents of the on-market listings among `listings`."""
    on_market = _on_market()
    for x in listings:
        if x.status in on_market:
            yield (x.pk, x.kind, document_tokens(x, thesaurus))


def rebuild(docs: Iterable[Doc], progress: Callable[[int], None] | None = None) -> int:
    """Empty the index and fill it with `docs` (in batches, one transaction). On PostgreSQL the
    postings' key index is dropped meanwhile and built once at the end."""
    pg = connection.vendor == "postgresql"
    done = 0
    with transaction.atomic():
        clear()
        with connection.cursor() as cur:
            if pg:
                cur.execute(f"ALTER TABLE {T_POST} DROP CONSTRAINT IF EXISTS {T_POST}_pkey")
                cur.execute("SET LOCAL maintenance_work_mem = '512MB'")  # the key index, sorted once
            else:
                cur.execute("PRAGMA cache_size = -400000")  # 400 MB: the postings go in term order
        batch: list[Doc] = []
        totals: Totals = (Counter(), {}, {})

        def flush() -> None:
            nonlocal done, batch
            apply([], batch, fresh=True, totals=totals)
            done += len(batch)
            batch = []
            if progress:
                progress(done)

        for doc in docs:
            batch.append(doc)
            if len(batch) >= BATCH:
                flush()
        if batch:
            flush()
        _add_stats(*totals)
        if pg:
            with connection.cursor() as cur:
                cur.execute(
                    f"ALTER TABLE {T_POST} ADD CONSTRAINT {T_POST}_pkey PRIMARY KEY (term_id, kind, impact, listing_id)"
                )
        B.build()  # from the postings, in key order
    with connection.cursor() as cur:
        cur.execute(f"ANALYZE {T_POST}" if pg else "ANALYZE")
    return done
