"""The candidate pairs the flow is built on, and how they grow.

The first graph: each application's best L eligible experts and each expert's best M applications
(the union). On a skewed, tight call that graph can be infeasible — the overflow of the busy areas
has only busy experts among its best — so where a maximum flow on it leaves applications short the
graph grows (`grow`): every application gets its best experts among those a flow left with room
(so the min-cost flow can choose which applications overflow, not only those the max flow left
short), and each short application its next best experts, its best ones with room, the best with
room from outside its province and from organisations it has not used. Only when growing stops
helping does the solver take every eligible pair.
"""

from dataclasses import dataclass

import numpy as np

from nesta.programmes.assignment.problem import Problem

ROOM_OFFERS = 4  # short applications offered each free seat of an expert, per growth round


@dataclass
class Candidates:
    apps: np.ndarray  # int64 (m,)
    experts: np.ndarray  # int64 (m,)

    def __len__(self) -> int:
        return len(self.apps)


def usable(p: Problem) -> np.ndarray:
    """bool (n_apps, n_experts): eligible pairs whose expert has room at all."""
    return p.eligible & (p.capacity > 0)[None, :]


def _scores(affinity: np.ndarray, mask: np.ndarray) -> np.ndarray:
    return np.where(mask, affinity, np.float32(-1.0)).astype(np.float32, copy=False)


def top_rows(score: np.ndarray, n: int) -> np.ndarray:
    """Column indices of each row's n best scores, best first, ties to the lower column — what
    `np.argsort(-score, axis=1, kind="stable")[:, :n]` gives, at ≈ 1/6 of argpartition's time on
    the benchmark's matrices: the n-th best of the maxima of column groups is a lower bound of the
    row's n-th best (n groups hold a value at least as high), so one comparison pass leaves a few
    entries a row to sort instead of the whole row."""
    rows, cols = score.shape
    n = max(min(n, cols), 0)
    if n == 0 or rows == 0:
        return np.zeros((rows, n), dtype=np.int64)
    r, c = np.nonzero(score >= row_bound(score, n)[:, None])  # row-major: by row, then column
    order = np.lexsort((-score[r, c], r))  # stable: equal scores keep the column order
    r, c = r[order], c[order]
    starts = np.searchsorted(r, np.arange(rows))
    return c[starts[:, None] + np.arange(n)[None, :]].astype(np.int64, copy=False)


def row_bound(score: np.ndarray, n: int) -> np.ndarray:
    """Per row, a value at most its n-th best: the n-th best of the maxima of ≈ 4n column groups
    (n groups hold a value at least that high). −inf where the row has n columns or fewer."""
    rows, cols = score.shape
    if n <= 0 or cols <= n:
        return np.full(rows, -np.inf, dtype=np.float32)
    size = max(1, cols // (4 * n))
    groups = cols // size
    if score.flags.c_contiguous:
        maxima = score[:, : groups * size].reshape(rows, groups, size).max(axis=2)
    else:  # a transposed view: reduce along its rows without copying it
        maxima = score.T[: groups * size].reshape(groups, size, rows).max(axis=1).T
    if groups * size < cols:
        maxima = np.concatenate([maxima, score[:, groups * size :].max(axis=1, keepdims=True)], axis=1)
    return np.partition(maxima, maxima.shape[1] - n, axis=1)[:, maxima.shape[1] - n]


def _pairs(pick: np.ndarray) -> Candidates:
    ai, ej = np.nonzero(pick)
    return Candidates(ai.astype(np.int64), ej.astype(np.int64))


def candidates(p: Problem, per_app: int | None) -> Candidates:
    n_a, n_e = p.shape
    ok = usable(p)
    if per_app is None or per_app >= n_e:
        return _pairs(ok)
    score = _scores(p.affinity, ok)
    pick = np.zeros((n_a, n_e), dtype=bool)
    pick[np.arange(n_a)[:, None], top_rows(score, per_app)] = True
    # each expert's best applications: enough to use their whole capacity several times over
    per_expert = int(min(n_a, max(2 * int(p.capacity.max(initial=0)), per_app // 2, 1)))
    if per_expert < n_a:  # each column's best, found like top_rows's without transposing the matrix
        r, c = np.nonzero(score >= row_bound(score.T, per_expert)[None, :])
        order = np.lexsort((r, -score[r, c], c))  # by column, best first, ties to the lower row
        c = c[order]
        first = np.r_[True, c[1:] != c[:-1]]
        idx = np.arange(len(c))
        rank = idx - np.maximum.accumulate(np.where(first, idx, 0))
        pick[r[order][rank < per_expert], c[rank < per_expert]] = True
    else:
        pick[:] = True
    pick &= ok
    return _pairs(pick)


def grow(p: Problem, cand: Candidates, short: np.ndarray, room: np.ndarray, per_app: int) -> Candidates:
    """The candidates with more pairs where a flow fell short. `short`: indices of applications
    a maximum flow left short; `room`: each expert's seats left after it. Every pair added is on
    a short application's row, so the masks are built for those rows only."""
    n_a, n_e = p.shape
    if not len(short):
        return cand
    row_of = np.full(n_a, -1, dtype=np.int64)
    row_of[short] = np.arange(len(short))
    new = p.eligible[short] & (p.capacity > 0)[None, :]  # usable pairs of the short rows …
    mine = row_of[cand.apps] >= 0
    new[row_of[cand.apps[mine]], cand.experts[mine]] = False  # … not in the graph yet
    pick = np.zeros((len(short), n_e), dtype=bool)
    spare = np.nonzero(room > 0)[0]
    if len(spare):
        # each expert with room offered to the short applications that suit them best (several
        # per seat): the short ones all rank the same few experts first otherwise
        want = np.minimum(ROOM_OFFERS * room[spare], len(short))
        score = np.ascontiguousarray(_scores(p.affinity[np.ix_(short, spare)], new[:, spare]).T)  # (spare, short)
        order = top_rows(score, int(want.max()))
        keep = np.arange(order.shape[1])[None, :] < want[:, None]
        rows, cols = np.nonzero(keep)
        pick[order[rows, cols], spare[rows]] = True
    score = _scores(p.affinity[short], new)  # (short, experts)
    _mark(pick, score, per_app)  # its next best, room or not (a reroute may free them)
    score = np.where((room > 0)[None, :], score, np.float32(-1.0))
    _mark(pick, score, per_app)  # its best with room
    if p.inprov_cap is not None:
        ep = p.expert_province
        inside = (ep[None, :] >= 0) & (ep[None, :] == p.app_province[short][:, None])
        _mark(pick, np.where(inside, np.float32(-1.0), score), per_app)  # … from outside its province
    if p.one_per_org:
        _mark_per_group(pick, score, p.expert_org, per_app)  # … the best of each organisation
    pick &= new
    r, ej = np.nonzero(pick)
    return Candidates(np.concatenate([cand.apps, short[r].astype(np.int64)]), np.concatenate([cand.experts, ej]))


def _mark(pick: np.ndarray, score: np.ndarray, n: int) -> None:
    """Mark each row's n best columns of non-negative score."""
    top = top_rows(score, n)
    ok = np.take_along_axis(score, top, axis=1) >= 0
    pick[np.broadcast_to(np.arange(len(score))[:, None], top.shape)[ok], top[ok]] = True


def _mark_per_group(pick: np.ndarray, score: np.ndarray, expert_org: np.ndarray, n: int) -> None:
    """Mark, per row, the best expert of each of its n best organisations (an expert without one
    is an organisation alone); ties may mark two of one organisation, which costs an arc only."""
    n_e = score.shape[1]
    key = np.where(expert_org >= 0, expert_org.astype(np.int64), -1 - np.arange(n_e, dtype=np.int64))
    order = np.argsort(key, kind="stable")
    starts = np.concatenate([[0], np.nonzero(np.diff(key[order]))[0] + 1])
    sizes = np.diff(np.append(starts, n_e))
    by_group = score[:, order]
    best = np.maximum.reduceat(by_group, starts, axis=1)  # (rows, groups)
    top = top_rows(best, n)
    r = np.broadcast_to(np.arange(len(score))[:, None], top.shape)[np.take_along_axis(best, top, axis=1) >= 0]
    g = top[np.take_along_axis(best, top, axis=1) >= 0]
    # the members of each chosen (row, organisation), then those at the organisation's best
    lens = sizes[g]
    rr, gg = np.repeat(r, lens), np.repeat(g, lens)
    cols = np.repeat(starts[g], lens) + np.arange(int(lens.sum())) - np.repeat(np.cumsum(lens) - lens, lens)
    hit = by_group[rr, cols] == best[rr, gg]
    pick[rr[hit], order[cols[hit]]] = True


def grow_for_min_loads(p: Problem, cand: Candidates, per_expert: int) -> Candidates:
    """More applications for the experts with a minimum load: their next best ones."""
    n_a, n_e = p.shape
    experts = np.nonzero(p.min_load > 0)[0]
    if not len(experts):
        return cand
    have = np.zeros((n_a, n_e), dtype=bool)
    have[cand.apps, cand.experts] = True
    new = usable(p)[:, experts] & ~have[:, experts]
    score = _scores(p.affinity[:, experts], new).T  # (experts, apps)
    top = top_rows(score, per_expert)
    pick = np.zeros((len(experts), n_a), dtype=bool)
    pick[np.arange(len(experts))[:, None], top] = True
    pick &= new.T
    rows, ai = np.nonzero(pick)
    return Candidates(
        np.concatenate([cand.apps, ai.astype(np.int64)]), np.concatenate([cand.experts, experts[rows].astype(np.int64)])
    )
