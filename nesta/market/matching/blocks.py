"""Packed posting blocks: the pruned top k's whole-list reads, aggregated in numpy.

MaxScore (pruning.py) must read the heavy words' posting lists whole (100,000–300,000 rows at
1,000,000 listings); summed and grouped by the database that costs ≈ 0.6 µs a row. Here a
(term, kind)'s postings are also stored packed, ~1,000 to a row (`MatchBlock`: listing ids as
int32, impacts as uint16, sorted by (impact, listing)), so a list is a few hundred blob reads and
the bounds are summed per listing with numpy (a table look-up per impact, one `bincount`).

A block holds the postings whose (impact, listing) lies above the previous block's key and at or
under its own; the last block's key is (IMPACT_SCALE, MAX_LISTING), so every posting has one.
Invariant kept by every write: a posting lives in exactly one block, whose key is ≥ the posting
(a concurrent split may leave a posting in a higher block than the range says; reads select
blocks by key ≥ the range's lowest impact, so they still find it, and deletes look further up).
Writes run in the listing's transaction (index.apply), the blocks they touch locked in key order
on PostgreSQL (SELECT … FOR UPDATE), so concurrent edits never lose each other's postings; a
delete that a concurrent split sent below a locked block starts again from a savepoint.
"""

import bisect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import connection, transaction

T_BLOCK = "market_matchblock"
T_POST = "market_matchposting"
T_STAT = "market_matchtermstat"
BLOCK = 1024  # postings a block holds after a build or a split
SPLIT = 2 * BLOCK  # a block past this is split on write
MAX_LISTING = 2**31 - 1
IMPACT_SCALE = 1000  # index.IMPACT_SCALE (not imported: index imports this module)
MAX_ARMS = 450  # SQLite's compound SELECT limit is 500
_COLS = "term_id, kind, hi_impact, hi_listing, n, top, ids, impacts"

Posting = tuple[int, int, int, int]  # (term id, kind code, impact, listing id)


def _key(impact: int, listing: int) -> int:
    return (impact << 32) | listing


def pack(keys: Sequence[int] | np.ndarray) -> tuple[bytes, bytes]:
    """(ids, impacts) blobs of sorted (impact << 32 | listing) keys."""
    arr = np.asarray(keys, dtype=np.int64)
    return (arr & 0xFFFFFFFF).astype("<i4").tobytes(), (arr >> 32).astype("<u2").tobytes()


def unpack(ids: Any, impacts: Any) -> tuple[np.ndarray, np.ndarray]:
    return np.frombuffer(ids, dtype="<i4"), np.frombuffer(impacts, dtype="<u2")


# --- building ----------------------------------------------------------------------------------


def _rows_of(term_id: int, kind: int, keys: np.ndarray) -> list[tuple]:
    """The block rows of one (term, kind)'s sorted keys."""
    rows = []
    for i in range(0, len(keys), BLOCK):
        part = keys[i : i + BLOCK]
        last = i + BLOCK >= len(keys)
        hi = (IMPACT_SCALE, MAX_LISTING) if last else (int(part[-1] >> 32), int(part[-1] & 0xFFFFFFFF))
        ids, imps = pack(part)
        rows.append((term_id, kind, *hi, len(part), int(part[-1] >> 32), ids, imps))
    return rows


def _write(cur: Any, rows: list[tuple]) -> None:
    if rows:
        cur.executemany(f"INSERT INTO {T_BLOCK} ({_COLS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", rows)


def build(progress: Callable[[int], None] | None = None) -> int:
    """Empty the blocks and pack every posting again (after a rebuild; the migration that adds
    them). One ordered read per term. Returns the postings packed."""
    done = 0
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {T_BLOCK}")
        cur.execute(f"SELECT DISTINCT term_id FROM {T_STAT} WHERE df > 0 ORDER BY term_id")
        terms = [r[0] for r in cur.fetchall()]
        pending: list[tuple] = []
        for term_id in terms:
            cur.execute(
                f"SELECT kind, impact, listing_id FROM {T_POST} WHERE term_id = %s ORDER BY kind, impact, listing_id",
                [term_id],
            )
            got = np.array(cur.fetchall(), dtype=np.int64).reshape(-1, 3)
            if not len(got):
                continue
            keys = (got[:, 1] << 32) | got[:, 2]
            cuts = np.flatnonzero(np.diff(got[:, 0])) + 1
            for start, stop in zip([0, *cuts.tolist()], [*cuts.tolist(), len(got)], strict=True):
                pending += _rows_of(term_id, int(got[start, 0]), keys[start:stop])
            done += len(got)
            if len(pending) >= 2000:
                _write(cur, pending)
                pending = []
                if progress:
                    progress(done)
        _write(cur, pending)
    return done


# --- keeping them in step ---------------------------------------------------------------------


@dataclass
class _Block:
    hi: tuple[int, int]
    keys: list[int]
    stored: bool = True  # False: a new block (inserted, not updated)
    dirty: bool = False
    extra: list["_Block"] = field(default_factory=list)


def _lock() -> str:
    return " FOR UPDATE" if connection.vendor == "postgresql" else ""


def _from(row: Sequence[Any]) -> _Block:
    ids, imps = unpack(row[6], row[7])
    keys = ((imps.astype(np.int64) << 32) | ids.astype(np.int64)).tolist()
    return _Block((int(row[2]), int(row[3])), keys)


_AT_OR_ABOVE = "(hi_impact > %s OR (hi_impact = %s AND hi_listing >= %s))"


def _load(cur: Any, term_id: int, kind: int, low: int, high: int | None) -> list[_Block]:
    """The blocks of (term, kind) from the one covering `low` up to the one covering `high` (None:
    only the first), locked, in key order."""
    li, ll = low >> 32, low & 0xFFFFFFFF
    where = f"term_id = %s AND kind = %s AND {_AT_OR_ABOVE}"
    params: list[Any] = [term_id, kind, li, li, ll]
    if high is None:
        cur.execute(
            f"SELECT {_COLS} FROM {T_BLOCK} WHERE {where} ORDER BY hi_impact, hi_listing LIMIT 1{_lock()}", params
        )
        return [_from(r) for r in cur.fetchall()]
    hi, hl = high >> 32, high & 0xFFFFFFFF
    cur.execute(
        f"SELECT hi_impact, hi_listing FROM {T_BLOCK} WHERE term_id = %s AND kind = %s AND {_AT_OR_ABOVE} "
        "ORDER BY hi_impact, hi_listing LIMIT 1",
        [term_id, kind, hi, hi, hl],
    )
    top = cur.fetchone()
    if top is None:
        top = (IMPACT_SCALE, MAX_LISTING)
    cur.execute(
        f"SELECT {_COLS} FROM {T_BLOCK} WHERE {where} AND (hi_impact < %s OR (hi_impact = %s AND hi_listing <= %s)) "
        f"ORDER BY hi_impact, hi_listing{_lock()}",
        [*params, top[0], top[0], top[1]],
    )
    return [_from(r) for r in cur.fetchall()]


def _sentinel(cur: Any, term_id: int, kind: int) -> None:
    """The (term, kind)'s last block, created empty when it has none (its first posting)."""
    conflict = "ON CONFLICT (term_id, kind, hi_impact, hi_listing) DO NOTHING"
    cur.execute(
        f"INSERT INTO {T_BLOCK} ({_COLS}) VALUES (%s, %s, %s, %s, 0, 0, %s, %s) {conflict}",
        [term_id, kind, IMPACT_SCALE, MAX_LISTING, b"", b""],
    )


class _Moved(Exception):
    """A posting to delete is not in the blocks this statement's snapshot showed."""


def _group(cur: Any, term_id: int, kind: int, ops: list[tuple[int, int]], *, full: bool, strict: bool) -> None:
    """Apply (key, ±1) operations, sorted by key, to one (term, kind)'s blocks (`full`: every
    block from the lowest one on; `strict`: a posting to delete that is not found raises)."""
    low, high = ops[0][0], ops[-1][0]
    upto = _key(IMPACT_SCALE, MAX_LISTING) if full else (high if high != low else None)
    loaded = _load(cur, term_id, kind, low, upto)
    if not loaded or _key(*loaded[-1].hi) < high:
        _sentinel(cur, term_id, kind)
        loaded = _load(cur, term_id, kind, low, upto)
    blocks = {_key(*b.hi): b for b in loaded}
    for key, sign in ops:
        his = sorted(blocks)
        if sign > 0:
            b = blocks[his[bisect.bisect_left(his, key)]]
            bisect.insort(b.keys, key)
            b.dirty = True
        elif not _remove(blocks, his, key):
            if not full:
                # above the blocks read; read every block at or above it (in key order)
                for b in _load(cur, term_id, kind, his[-1] + 1, _key(IMPACT_SCALE, MAX_LISTING)):
                    blocks.setdefault(_key(*b.hi), b)
                if _remove(blocks, sorted(blocks), key):
                    continue
            if strict:
                # a split committed after this statement's snapshot moved it into a block the
                # snapshot did not show, below one already locked: start again (change())
                raise _Moved((term_id, kind))
    _store(cur, term_id, kind, [blocks[h] for h in sorted(blocks)])


def _remove(blocks: dict[int, _Block], his: list[int], key: int) -> bool:
    for h in his[bisect.bisect_left(his, key) :]:
        b = blocks[h]
        j = bisect.bisect_left(b.keys, key)
        if j < len(b.keys) and b.keys[j] == key:
            del b.keys[j]
            b.dirty = True
            return True
    return False


def _store(cur: Any, term_id: int, kind: int, blocks: list[_Block]) -> None:
    for b in blocks:
        if not b.dirty:
            continue
        parts = [b.keys]
        if len(b.keys) > SPLIT:
            parts = [b.keys[i : i + BLOCK] for i in range(0, len(b.keys), BLOCK)]
            new_keys = [p[-1] for p in parts[:-1]]
            marks = " OR ".join(["(hi_impact = %s AND hi_listing = %s)"] * len(new_keys))
            cur.execute(
                f"SELECT COUNT(*) FROM {T_BLOCK} WHERE term_id = %s AND kind = %s AND ({marks})",
                [term_id, kind, *[x for k in new_keys for x in (k >> 32, k & 0xFFFFFFFF)]],
            )
            if cur.fetchone()[0]:
                parts = [b.keys]  # a key taken by another block (a concurrent split): stay whole
        last = parts[-1]
        ids, imps = pack(last)
        cur.execute(
            f"UPDATE {T_BLOCK} SET n = %s, top = %s, ids = %s, impacts = %s "
            "WHERE term_id = %s AND kind = %s AND hi_impact = %s AND hi_listing = %s",
            [len(last), (last[-1] >> 32) if last else 0, ids, imps, term_id, kind, *b.hi],
        )
        rows = []
        for p in parts[:-1]:
            ids, imps = pack(p)
            rows.append((term_id, kind, p[-1] >> 32, p[-1] & 0xFFFFFFFF, len(p), p[-1] >> 32, ids, imps))
        _write(cur, rows)


def change(gone: Iterable[Posting], added: Iterable[Posting]) -> None:
    """Take `gone` out of the blocks and put `added` in (inside the caller's transaction); the
    (term, kind) groups in key order, so concurrent writers lock blocks in the same order."""
    net: dict[tuple[int, int, int], int] = {}
    for sign, posts in ((-1, gone), (1, added)):
        for term_id, kind, imp, listing in posts:
            at = (term_id, kind, _key(imp, listing))
            net[at] = net.get(at, 0) + sign
    groups: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for (term_id, kind, key), sign in net.items():
        if sign:  # a posting removed and put back (an unchanged word of an edited text) stays
            groups.setdefault((term_id, kind), []).append((key, 1 if sign > 0 else -1))
    if not groups:
        return
    for ops in groups.values():
        ops.sort()
    # PostgreSQL: on a posting moved by a concurrent split, roll back to a savepoint (which
    # releases the locks taken since) and lock that word's blocks again, all of them from the
    # lowest, in key order — never a lower block after a higher one, so no deadlock. SQLite has
    # one writer: nothing moves, and a posting not found was never indexed.
    pg = connection.vendor == "postgresql"
    full: set[tuple[int, int]] = set()
    for attempt in range(4):
        try:
            with transaction.atomic(), connection.cursor() as cur:
                for group, ops in sorted(groups.items()):
                    _group(cur, *group, ops, full=group in full, strict=pg and attempt < 3)
            return
        except _Moved as moved:
            full.add(moved.args[0])


# --- reading ------------------------------------------------------------------------------------


def fetch(arms: Sequence[tuple[int, tuple[int, ...], int]]) -> list[tuple[int, int, np.ndarray, np.ndarray]]:
    """Per (arm, kind): its postings with impact ≥ the arm's lowest, as (arm index, kind, listing
    ids, impacts). Arms are (term id, kinds, lowest impact); one statement per MAX_ARMS arms."""
    blobs: dict[tuple[int, int], tuple[list[Any], list[Any], int]] = {}
    with connection.cursor() as cur:
        for start in range(0, len(arms), MAX_ARMS):
            part = arms[start : start + MAX_ARMS]
            sql, params = [], []
            for i, (term_id, kinds, lowest) in enumerate(part, start):
                sql.append(
                    f"SELECT {i}, kind, ids, impacts FROM {T_BLOCK} WHERE term_id = %s "
                    f"AND kind IN ({', '.join(['%s'] * len(kinds))}) AND hi_impact >= %s AND top >= %s"
                )
                params += [term_id, *kinds, lowest, lowest]
            cur.execute(" UNION ALL ".join(sql), params)
            for i, kind, ids, imps in cur.fetchall():
                entry = blobs.setdefault((i, kind), ([], [], arms[i][2]))
                entry[0].append(ids)
                entry[1].append(imps)
    out = []
    for (i, kind), (ids_parts, imp_parts, lowest) in sorted(blobs.items()):
        ids, imps = unpack(b"".join(ids_parts), b"".join(imp_parts))
        if len(imps) and int(imps.min()) < lowest:  # the lowest block may reach under the range
            keep = imps >= lowest
            ids, imps = ids[keep], imps[keep]
        out.append((i, int(kind), ids, imps))
    return out
