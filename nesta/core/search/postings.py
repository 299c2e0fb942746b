"""PostgreSQL: each text word's posting list, packed, so a query matching many documents costs
a few blob reads rather than a heap visit per match.

The GIN index finds the matching rows quickly, but returning their ids means a bitmap heap scan
(~1.6 kB rows, five to a page) plus, for the `:A`/`:D` weights, a recheck that detoasts each
tsvector: 6–7 µs a match, 150 ms for a 23,000-match word at 200,000 documents, several hundred
at 1,000,000. Here each (doc_type, word) has its document ids as little-endian int64 in blocks
of about BLOCK (`ids` ascending, blocks ordered by `first_id`, the least id of the block; a
writer committing after a later id's writer appends its lower ids to the last block, so readers
sort a list found out of order and a delete not finding an id where its value points reads the
word's other blocks), written in the same transaction as the documents by engine.index_many / _delete; the
post_delete receiver covers ORM deletes. rebuild() packs them from the documents (bulk loads,
the migration). SQLite needs none: FTS5 returns rowids from its own index.

Only the text words (a document's `tokens`) are kept, and under the word "" every document of
the doc_type; the filter tokens' lists would be most of the collection each, and a caller holding
the documents' facet columns filters by those.
"""

from collections.abc import Iterable, Sequence

import numpy as np
from django.db import connection, transaction

TABLE = "core_search_posting"
# Ids a block holds: 1 kB, so a row stays inline (no TOAST) and a write rewrites ~50 small rows
# (4,096-id blocks made re-indexing one listing cost 0.5 s: each word's 32 kB block detoasted,
# appended to and written back); a 100,000-match word is still only ~800 rows to read.
BLOCK = 128
TERM_MAX = 200  # as the statistics' term column
_EMPTY = np.zeros(0, dtype=np.int64)
ALL = ""
_SHIFT = 40  # document ids below 2**40
INSERT = f"INSERT INTO {TABLE} (doc_type, term, first_id, n, ids) VALUES (%s, %s, %s, %s, %s)"

SCHEMA = [
    f"CREATE TABLE IF NOT EXISTS {TABLE} ("
    "doc_type varchar(30) NOT NULL, term varchar(200) NOT NULL, first_id bigint NOT NULL, "
    "n integer NOT NULL, ids bytea NOT NULL, PRIMARY KEY (doc_type, term, first_id))",
]


def enabled() -> bool:
    return connection.vendor == "postgresql"


def _terms(tokens: str) -> set[str]:
    # "" lists every document of the doc_type (the filters-only match: a list page's facets)
    return {t[:TERM_MAX] for t in (tokens or "").split(" ") if t} | {ALL}


def _pack(ids: Iterable[int]) -> bytes:
    return np.asarray(sorted(ids), dtype="<i8").tobytes()


def _ids(blob: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(blob), dtype="<i8")


def add(docs: Sequence[tuple[str, int, str]]) -> None:
    """Append (doc_type, document id, tokens) to their words' lists (inside the writing transaction)."""
    apply([], docs)


def remove(doc_type: str, docs: Sequence[tuple[int, str]]) -> None:
    """Take (document id, tokens) off their words' lists (inside the deleting transaction)."""
    apply([(doc_type, pk, tokens) for pk, tokens in docs], [])


_LAST = 2**62  # "the word's last block" in the lookup below


def apply(removed: Sequence[tuple[str, int, str]], added: Sequence[tuple[str, int, str]]) -> None:
    """Take the `removed` (doc_type, id, tokens) off their words' lists and append the `added`,
    in four statements: the blocks concerned read and locked in one pass in (word, first_id)
    order — every writer locks in that order, so concurrent writers never deadlock —, then one
    UPDATE, one INSERT and one DELETE of the changed blocks. An added word's last block is
    filled up to BLOCK, the rest opens new blocks."""
    if not enabled() or not (removed or added):
        return
    types = {d[0] for d in [*removed, *added]}
    with connection.cursor() as cur:
        for doc_type in sorted(types):
            gone: dict[str, set[int]] = {}
            for dt, pk, tokens in removed:
                if dt == doc_type:
                    for term in _terms(tokens):
                        gone.setdefault(term, set()).add(pk)
            new: dict[str, list[int]] = {}
            for dt, pk, tokens in added:
                if dt == doc_type:
                    for term in _terms(tokens):
                        new.setdefault(term, []).append(pk)
            _apply(cur, doc_type, gone, new)


def _apply(cur, doc_type: str, gone: dict[str, set[int]], new: dict[str, list[int]]) -> None:
    wanted = sorted({(t, pk) for t, pks in gone.items() for pk in pks} | {(t, _LAST) for t in new})
    cur.execute(
        f"SELECT x.term, x.id, b.first_id, b.ids FROM unnest(%s::text[], %s::bigint[]) WITH ORDINALITY "
        f"AS x(term, id, at) CROSS JOIN LATERAL (SELECT first_id, ids FROM {TABLE} WHERE doc_type = %s "
        "AND term = x.term AND first_id <= x.id ORDER BY first_id DESC LIMIT 1 FOR UPDATE) b ORDER BY x.at",
        [[w[0] for w in wanted], [w[1] for w in wanted], doc_type],
    )
    blocks: dict[tuple[str, int], np.ndarray] = {}
    last: dict[str, int] = {}
    for term, pk, first_id, blob in cur.fetchall():
        blocks.setdefault((term, first_id), _ids(blob))
        if pk == _LAST:
            last[term] = first_id
    held: dict[str, list[np.ndarray]] = {}
    for (term, _first), ids in blocks.items():
        held.setdefault(term, []).append(ids)
    missing = [
        term
        for term, pks in sorted(gone.items())
        if not np.isin(np.fromiter(pks, dtype=np.int64), np.concatenate(held.get(term) or [_EMPTY])).all()
    ]
    if missing:  # an id written out of order sits in a later block: read the word's blocks
        cur.execute(
            f"SELECT term, first_id, ids FROM {TABLE} WHERE doc_type = %s AND term = ANY(%s) "
            "ORDER BY term, first_id FOR UPDATE",
            [doc_type, missing],
        )
        for term, first_id, blob in cur.fetchall():
            blocks.setdefault((term, first_id), _ids(blob))
    changed: dict[tuple[str, int], np.ndarray] = {}
    for (term, first_id), ids in blocks.items():
        if term in gone:
            kept = ids[~np.isin(ids, np.fromiter(gone[term], dtype=np.int64))]
            if len(kept) < len(ids):
                changed[(term, first_id)] = kept
    inserts = []
    for term in sorted(new):
        ids = sorted(new[term])
        at = last.get(term)
        if at is not None:
            current = changed.get((term, at), blocks[(term, at)])
            room = max(BLOCK - len(current), 0)
            if room:
                head, ids = ids[:room], ids[room:]
                changed[(term, at)] = np.concatenate([current, np.asarray(head, dtype=np.int64)])
        for i in range(0, len(ids), BLOCK):
            chunk = ids[i : i + BLOCK]
            inserts.append((term, chunk[0], _pack(chunk), len(chunk)))
    updates = [(t, f, ids) for (t, f), ids in sorted(changed.items()) if len(ids)]
    emptied = [(t, f) for (t, f), ids in sorted(changed.items()) if not len(ids)]
    if updates:
        cur.execute(
            f"UPDATE {TABLE} p SET ids = v.ids, n = v.n, first_id = v.low FROM unnest(%s::text[], %s::bigint[], "
            "%s::bytea[], %s::int[], %s::bigint[]) AS v(term, at, ids, n, low) "
            "WHERE p.doc_type = %s AND p.term = v.term AND p.first_id = v.at",
            [
                [u[0] for u in updates],
                [u[1] for u in updates],
                [u[2].astype("<i8").tobytes() for u in updates],
                [len(u[2]) for u in updates],
                [int(u[2].min()) for u in updates],
                doc_type,
            ],
        )
    if emptied:
        cur.execute(
            f"DELETE FROM {TABLE} p USING unnest(%s::text[], %s::bigint[]) AS v(term, at) "
            "WHERE p.doc_type = %s AND p.term = v.term AND p.first_id = v.at",
            [[e[0] for e in emptied], [e[1] for e in emptied], doc_type],
        )
    if inserts:
        cur.execute(
            f"INSERT INTO {TABLE} (doc_type, term, first_id, ids, n) "
            "SELECT %s, * FROM unnest(%s::text[], %s::bigint[], %s::bytea[], %s::int[])",
            [doc_type, *(list(col) for col in zip(*inserts, strict=True))],
        )


def match(doc_type: str, tokens: Sequence[str]) -> np.ndarray:
    """Sorted ids (int64) of the doc_type's documents holding every word of `tokens` (all its
    documents when there is none), from one read of the words' blocks; the shortest list is
    probed into the others by binary search."""
    terms = sorted({t[:TERM_MAX] for t in tokens} or {ALL})
    sql = f"SELECT term, ids FROM {TABLE} WHERE doc_type = %s AND term = ANY(%s) ORDER BY term, first_id"
    with connection.cursor() as cur:
        # psycopg's binary results: a common word's list (400,000 ids, 3 MB) comes as raw bytes
        # rather than hex text, 25 → 6 ms of CPU (this statement bypasses Django's query log)
        cur.cursor.execute(sql, [doc_type, terms], binary=True)
        blobs: dict[str, list[bytes]] = {}
        for term, blob in cur.cursor.fetchall():
            blobs.setdefault(term, []).append(bytes(blob))
    if len(blobs) < len(terms):
        return np.zeros(0, dtype=np.int64)
    lists = []
    for term in terms:
        ids = np.frombuffer(b"".join(blobs[term]), dtype="<i8").astype(np.int64)
        if len(ids) > 1 and not bool(np.all(ids[1:] > ids[:-1])):
            ids = np.unique(ids)
        lists.append(ids)
    lists.sort(key=len)
    out = lists[0]
    for other in lists[1:]:
        if not len(out):
            break
        at = np.searchsorted(other, out)
        at[at == len(other)] = 0
        out = out[other[at] == out]
    return out


def rebuild(doc_type: str | None = None, *, chunk: int = 20_000) -> int:
    """Pack every list afresh from the documents; returns the documents read. Postings are held
    as one int64 key each (word number << 40 | document id) and sorted once: ~8 bytes a posting."""
    if not enabled():
        return 0
    vocabulary: dict[tuple[str, str], int] = {}
    keys: list[np.ndarray] = []
    done, last = 0, 0
    type_sql = " AND doc_type = %s" if doc_type else ""
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"LOCK TABLE {TABLE} IN SHARE ROW EXCLUSIVE MODE")  # writers wait for the new lists
        while True:
            cur.execute(
                f"SELECT id, doc_type, tokens FROM core_searchdocument WHERE id > %s{type_sql} ORDER BY id LIMIT %s",
                [last, *([doc_type] if doc_type else []), chunk],
            )
            rows = cur.fetchall()
            if not rows:
                break
            batch = []
            for pk, dt, tokens in rows:
                for term in _terms(tokens):
                    batch.append(vocabulary.setdefault((dt, term), len(vocabulary)) << _SHIFT | pk)
            keys.append(np.array(batch, dtype=np.int64))
            last, done = rows[-1][0], done + len(rows)
        cur.execute(f"DELETE FROM {TABLE}{' WHERE doc_type = %s' if doc_type else ''}", [doc_type] if doc_type else [])
        if not keys:
            return 0
        ordered = np.sort(np.concatenate(keys))
        words = ordered >> _SHIFT
        ids = (ordered & ((1 << _SHIFT) - 1)).astype("<i8")
        starts = np.flatnonzero(np.r_[True, words[1:] != words[:-1]])
        ends = np.r_[starts[1:], len(ordered)]
        names = list(vocabulary)
        out = []
        for lo, hi in zip(starts.tolist(), ends.tolist(), strict=True):
            dt, term = names[int(words[lo])]
            for i in range(lo, hi, BLOCK):
                block = ids[i : min(i + BLOCK, hi)]
                out.append([dt, term, int(block[0]), len(block), block.tobytes()])
            if len(out) >= 2000:
                cur.executemany(INSERT, out)
                out = []
        if out:
            cur.executemany(INSERT, out)
    return done
