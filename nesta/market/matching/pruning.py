"""The exact BM25 top k over the matcher's postings, with dynamic pruning (MaxScore).

A term t of the query adds W_t · s to a document's score, where W_t = weight × IDF × (k1 + 1)
and s = tf / (tf + k1·(1 − b + b·dl / avgdl)) with the collection's mean length. A posting
stores s computed with the fixed reference length (index.AVGDL_REF) in thousandths, and each
(term, kind) keeps the largest impact of its postings (MatchTermStat.max_impact). From an
impact the real s is bounded on both sides (`ub`, `lb`: rounding, and the reference length
against the real mean), so every posting gives a bound of what its term adds, and every
(term, kind) a bound of what it can add to any document of that kind.

1. A first bounded draw (candidates.draw, a few thousand of the best postings), scored exactly,
   gives θ, a lower bound of the k-th best score (k documents at least that good exist).
2. Per candidate kind, MaxScore: the (term, kind) lists are ordered by bound per posting read
   (W·ub(max impact) ÷ df) and read whole, best first, until what the unread ones could still
   add together — the residual R — is below θ; the last one read is read only down to the
   impact below which its postings could not lift a document over θ. A document that none of
   the read postings holds scores at most R < θ: it cannot be in the top k. One statement reads
   those ranges and returns, per document holding one, an upper bound (the read postings' plus
   R, less what R counted for the ranges it was found in) and a lower bound, keeping only the
   documents whose upper bound reaches θ.
3. The k-th best lower bound raises θ; the survivors are scored exactly (their tokens) best
   upper bound first, and the scoring stops when the next one's upper bound is below the k-th
   best exact score so far.

The result equals the exhaustive top k (every posting of every word, every document holding one
scored; ties by listing id) — tests/market/matching/test_match_pruning.py checks it on random
indexes — while reading only the lists that matter.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.db import connection

from nesta.market.matching import blocks as B
from nesta.market.matching import candidates as C
from nesta.market.matching import index as I
from nesta.market.matching import scoring as S
from nesta.market.matching import weights as W

SCALE = float(I.IMPACT_SCALE)
SLACK = 1e-9  # floating-point room: bounds are widened by this share
TOKENS_BATCH = 200
MAX_ARMS = 450  # SQLite's compound SELECT limit is 500
LINEAR = True  # one line per range above the bound (False: the exact bound and a lower one per posting)
LAST: dict[str, float] = {}  # what the last call did (the bench reports it)


def _ratio(coll: C.Collection) -> tuple[float, float]:
    """(m, M): 1/s − 1 with the real mean length lies in [m, M] × (1/s − 1) with the reference."""
    r = I.AVGDL_REF / (coll.avgdl or 1.0)
    return min(1.0, r), max(1.0, r)


def ub(impact: int, m: float) -> float:
    """Upper bound of the real s of a posting of this impact (0 for no posting)."""
    if impact <= 0:
        return 0.0
    return min(1.0, 1.0 / (1.0 + (SCALE / (impact + 0.5) - 1.0) * m))  # s < 1 whatever the impact


def lb(impact: int, big: float) -> float:
    if impact <= 1:
        return 0.0
    return 1.0 / (1.0 + (SCALE / (impact - 0.5) - 1.0) * big)


def below(limit: float, weight: float, m: float) -> int:
    """The highest impact i with weight·ub(i) ≤ limit (0 when none): postings at or under it
    cannot add more than `limit`."""
    if weight <= 0:
        return I.IMPACT_SCALE
    s = limit / weight
    if s <= 0:
        return 0
    if s >= 1:
        return I.IMPACT_SCALE
    # ub(i) ≤ s  ⇔  i ≤ SCALE / (1 + (1/s − 1)/m) − 0.5
    i = math.floor(SCALE / (1.0 + (1.0 / s - 1.0) / m) - 0.5)
    while i > 0 and weight * ub(i, m) > limit:
        i -= 1
    return max(0, min(I.IMPACT_SCALE, i))


@dataclass
class Arm:
    """A range of one term's postings: kinds, impact ≥ lowest; `rest` what the postings under
    the range could still add to a document (counted in its kind's residual)."""

    term_id: int
    kinds: tuple[int, ...]
    lowest: int
    weight: float
    rest: float
    top: int = I.IMPACT_SCALE  # the largest impact of the range (the tangent's point, `_line`)


def plan(query: dict[str, float], coll: C.Collection, theta: float) -> tuple[list[Arm], dict[int, float]]:
    """The ranges to read and each kind's residual R (what a document none of them holds can
    score at most; < θ)."""
    m, _big = _ratio(coll)
    k1 = W.K1 + 1
    extra = sum(w * coll.idf(t) * k1 for t, w in query.items() if len(t) > I.TERM_MAX)  # never indexed
    per_term: dict[tuple[str, int, float], list[int]] = {}  # (term, lowest, rest) -> kinds
    residual: dict[int, float] = {}
    codes = sorted({code for t in query for code in coll.df_by_kind.get(t, {})})
    for code in codes:
        lists = []
        for t, w in query.items():
            df = coll.df_by_kind.get(t, {}).get(code, 0)
            if df <= 0 or t not in coll.term_ids:
                continue
            weight = w * coll.idf(t) * k1
            bound = weight * ub(coll.max_by_kind[t][code], m)
            lists.append((bound / df, bound, weight, t))
        lists.sort(key=lambda x: (-x[0], x[3]))
        rest = extra + sum(x[1] for x in lists)
        # the residual must end below θ; well below it, so that a document must owe most of a
        # top score to the lists read (its bound is then tight and few are scored one by one)
        target = theta * min(W.PRUNE_RESIDUAL, 1 - 1e-7)
        for _per_row, bound, weight, t in lists:
            if rest < target:
                break
            others = rest - bound
            if others < target:
                # read this list only as far as its postings could still lift a document over θ
                keep = below(target - others, weight, m) if theta > 0 else 0
                top = coll.max_by_kind[t][code]
                if keep >= top:
                    continue
                rest = others + weight * ub(keep, m)
                per_term.setdefault((t, keep + 1, weight * ub(keep, m)), []).append(code)
            else:
                rest = others
                per_term.setdefault((t, 1, 0.0), []).append(code)
        residual[code] = rest
    arms = [
        Arm(
            coll.term_ids[t],
            tuple(sorted(kinds)),
            lowest,
            query[t] * coll.idf(t) * k1,
            r,
            max(coll.max_by_kind[t][c] for c in kinds),
        )
        for (t, lowest, r), kinds in sorted(per_term.items())
    ]
    return arms, residual


def _line(a: Arm, m: float) -> tuple[float, float]:
    """(slope, intercept) per impact of a line above W·ub over the arm's range, less its `rest`:
    ub is concave in the impact (linear when the mean length is at most the reference), so its
    tangent at the middle of the range is above it everywhere — one multiply-add per posting."""
    lo, hi = (a.lowest + 0.5) / SCALE, (max(a.top, a.lowest) + 0.5) / SCALE
    x0 = (lo + hi) / 2
    f0 = x0 / (m + x0 * (1 - m))
    d0 = m / (m + x0 * (1 - m)) ** 2
    slope = a.weight * d0 / SCALE
    return slope, a.weight * (f0 + d0 * (0.5 / SCALE - x0)) - a.rest


def _arms_sql(arms: Sequence[Arm], m: float, big: float) -> tuple[str, list]:
    f = "CAST(%s AS DOUBLE PRECISION)"
    if LINEAR:
        arm = f"SELECT listing_id, kind, impact * {f} + {f} AS u FROM {I.T_POST} "
        arm += "WHERE term_id = %s AND kind IN ({kinds}) AND impact >= %s"
    else:
        arm = (
            f"SELECT listing_id, kind, {f} * (1.0 / (1.0 + (1000.0 / (impact + 0.5) - 1.0) * {f})) - {f} AS u, "
            f"CASE WHEN impact <= 1 THEN 0.0 ELSE {f} * (1.0 / (1.0 + (1000.0 / (impact - 0.5) - 1.0) * {f})) "
            f"END AS l FROM {I.T_POST} WHERE term_id = %s AND kind IN ({{kinds}}) AND impact >= %s"
        )
    parts, params = [], []
    for a in arms:
        parts.append(arm.format(kinds=", ".join(["%s"] * len(a.kinds))))
        if LINEAR:
            params += [*_line(a, m), a.term_id, *a.kinds, a.lowest]
        else:
            params += [a.weight, m, a.rest, a.weight, big, a.term_id, *a.kinds, a.lowest]
    return " UNION ALL ".join(parts), params


def _read(arms: Sequence[Arm], residual: dict[int, float], theta: float, m: float, big: float) -> list[tuple]:
    """(listing id, kind, upper bound less the residual, lower bound) of every document a range
    holds whose upper bound reaches θ: one statement (more when the ranges are too many for one)."""
    f = "CAST(%s AS DOUBLE PRECISION)"
    low = "CAST(0 AS DOUBLE PRECISION)" if LINEAR else "SUM(l)"  # the linear read keeps no lower bounds
    if len(arms) <= MAX_ARMS:
        union, params = _arms_sql(arms, m, big)
        cases = " ".join(f"WHEN {int(code)} THEN {f}" for code in residual)
        sql = (
            f"SELECT listing_id, kind, SUM(u), {low} FROM ({union}) x GROUP BY listing_id, kind "
            f"HAVING SUM(u) + (CASE kind {cases} ELSE 0.0 END) >= {f}"
        )
        with connection.cursor() as cur:
            cur.execute(sql, [*params, *residual.values(), theta * (1 - 1e-7)])
            return cur.fetchall()
    sums: dict[tuple[int, int], list[float]] = {}
    with connection.cursor() as cur:
        for i in range(0, len(arms), MAX_ARMS):
            union, params = _arms_sql(arms[i : i + MAX_ARMS], m, big)
            cur.execute(f"SELECT listing_id, kind, SUM(u), {low} FROM ({union}) x GROUP BY listing_id, kind", params)
            for oid, code, u, lower in cur.fetchall():
                acc = sums.setdefault((oid, code), [0.0, 0.0])
                acc[0] += float(u)
                acc[1] += float(lower)
    limit = theta * (1 - 1e-7)
    return [(oid, code, u, lower) for (oid, code), (u, lower) in sums.items() if u + residual.get(code, 0.0) >= limit]


def _tables(m: float, big: float) -> tuple[np.ndarray, np.ndarray]:
    """`ub` and `lb` for every impact 0…SCALE (the same formulas, vectorised)."""
    grid = np.arange(I.IMPACT_SCALE + 1, dtype=np.float64)
    with np.errstate(divide="ignore"):
        upper = np.minimum(1.0, 1.0 / (1.0 + (SCALE / (grid + 0.5) - 1.0) * m))
        lower = 1.0 / (1.0 + (SCALE / (grid - 0.5) - 1.0) * big)
    upper[0] = 0.0
    lower[:2] = 0.0
    return upper, lower


def _read_blocks(arms: Sequence[Arm], residual: dict[int, float], theta: float, m: float, big: float) -> list[tuple]:
    """What `_read` returns (exact bounds), from the packed blocks: the ranges' postings summed
    per listing by numpy (a table look-up per impact and one bincount) instead of by SQL."""
    got = B.fetch([(a.term_id, a.kinds, a.lowest) for a in arms])
    if not got:
        return []
    upper, lower = _tables(m, big)
    ids = np.concatenate([g[2] for g in got]).astype(np.int64)
    LAST["postings"] = float(len(ids))
    ups = np.concatenate([arms[i].weight * upper[imps] - arms[i].rest for i, _k, _ids, imps in got])
    size = int(ids.max()) + 1
    sums = np.bincount(ids, weights=ups, minlength=size)
    resid = np.zeros(size)
    kind_of = np.full(size, -1, dtype=np.int16)
    for _i, code, doc_ids, _imps in got:  # a listing has one kind: its residual is its kind's
        resid[doc_ids] = residual.get(code, 0.0)
        kind_of[doc_ids] = code
    keep = np.flatnonzero((kind_of >= 0) & (sums + resid >= theta * (1 - 1e-7)))
    if not len(keep):
        return []
    lows = np.bincount(ids, weights=np.concatenate([arms[i].weight * lower[imps] for i, _k, _d, imps in got]))
    return list(zip(keep.tolist(), kind_of[keep].tolist(), sums[keep].tolist(), lows[keep].tolist(), strict=True))


def _tokens(ids: Sequence[int]) -> dict[int, list[str]]:
    with connection.cursor() as cur:
        marks = ", ".join(["%s"] * len(ids))
        cur.execute(f"SELECT listing_id, tokens FROM {I.T_DOC} WHERE listing_id IN ({marks})", list(ids))
        return {r[0]: (r[1].split(" ") if r[1] else []) for r in cur.fetchall()}


Scored = tuple[float, dict[str, float], int]  # (BM25, each word's share, listing id)


def _kth(values: list[float], k: int) -> float:
    return sorted(values, reverse=True)[k - 1] if len(values) >= k else 0.0


def top_k(query: dict[str, float], coll: C.Collection, k: int, *, exclude: int | None = None) -> list[Scored]:
    """The exact top k by BM25 (`scoring.bm25`) of the documents holding a query word, best
    first (ties by listing id), `exclude` left out."""
    if k <= 0 or not coll.term_ids:
        return []
    m, big = _ratio(coll)
    exact: dict[int, Scored] = {}

    def score(oid: int, tokens: list[str]) -> None:
        raw, parts = S.bm25(query, tokens, coll)
        if raw > 0:
            exact[oid] = (raw, parts, oid)

    saved = W.POSTING_BUDGET, W.CANDIDATES, W.MERGE_TWINS
    wanted = max(k + 20, W.PRUNE_FIRST_CANDIDATES)
    W.POSTING_BUDGET, W.CANDIDATES = W.PRUNE_FIRST_BUDGET, wanted
    W.MERGE_TWINS = False
    try:
        first = C.draw(query, coll, exclude=exclude)  # 1. a first θ
        drawn = C.plan(query, coll)
    finally:
        W.POSTING_BUDGET, W.CANDIDATES, W.MERGE_TWINS = saved
    for cand in first:
        score(cand.object_id, cand.tokens)
    if len(first) < wanted and _covers(drawn, query, coll):
        # the first draw read every posting of every word and returned every document
        LAST.update(first=float(len(exact)), ranges=0.0, unread=0.0, bounded=0.0, survivors=0.0, scored=0.0)
        exact.pop(exclude, None)  # type: ignore[arg-type]
        return sorted(exact.values(), key=lambda x: (-x[0], x[2]))[:k]
    theta = _kth([x[0] for x in exact.values()], k)
    arms, residual = plan(query, coll, theta)
    read = _read_blocks if W.PRUNE_BLOCKS else _read
    rows = read(arms, residual, theta, m, big) if arms else []  # 2.
    bounds: list[tuple[float, int]] = []
    lows: list[float] = [x[0] for x in exact.values()]
    for oid, code, u, low in rows:
        if oid == exclude:
            continue
        if oid not in exact:
            lows.append(float(low) * (1 - SLACK))
            bounds.append(((float(u) + residual.get(code, 0.0)) * (1 + SLACK) + SLACK, oid))
    theta = max(theta, _kth(lows, k))  # 3.
    bounds.sort(key=lambda x: (-x[0], x[1]))
    todo = [b for b in bounds if b[0] >= theta]
    i = scored = 0
    while i < len(todo):
        kth = _kth([x[0] for x in exact.values()], k)
        if todo[i][0] < kth:
            break
        batch = [oid for _u, oid in todo[i : i + TOKENS_BATCH]]
        for oid, tokens in _tokens(batch).items():
            score(oid, tokens)
        scored += len(batch)
        i += TOKENS_BATCH
    LAST.update(
        first=float(len(exact) - scored),
        ranges=float(len(arms)),
        unread=float(sum(residual.values()) > 0),
        bounded=float(len(rows)),
        survivors=float(len(todo)),
        scored=float(scored),
    )
    exact.pop(exclude, None)  # type: ignore[arg-type]
    return sorted(exact.values(), key=lambda x: (-x[0], x[2]))[:k]


def _covers(drawn: list[tuple[str, int, int, float]], query: dict[str, float], coll: C.Collection) -> bool:
    """Did the bounded draw read every posting of every query word (a small collection)?"""
    read = {(t, code): rows for t, code, rows, _w in drawn}
    return all(
        read.get((t, code), 0) >= n for t in query if t in coll.term_ids for code, n in coll.df_by_kind[t].items()
    ) and not any(len(t) > I.TERM_MAX for t in query)
