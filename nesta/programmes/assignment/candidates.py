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


def _top_rows(score: np.ndarray, n: int) -> np.ndarray:
    """Column indices of each row's n best scores (unordered)."""
    n = min(n, score.shape[1])
    return np.argpartition(score, score.shape[1] - n, axis=1)[:, score.shape[1] - n :]


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
    pick[np.arange(n_a)[:, None], _top_rows(score, per_app)] = True
    # each expert's best applications: enough to use their whole capacity several times over
    per_expert = int(min(n_a, max(2 * int(p.capacity.max(initial=0)), per_app // 2, 1)))
    if per_expert < n_a:
        top_e = _top_rows(np.ascontiguousarray(score.T), per_expert)  # rows: experts (faster than axis 0)
        pick[top_e, np.arange(n_e)[:, None]] = True
    else:
        pick[:] = True
    pick &= ok
    return _pairs(pick)


def grow(p: Problem, cand: Candidates, short: np.ndarray, room: np.ndarray, per_app: int) -> Candidates:
    """The candidates with more pairs where a flow fell short. `short`: indices of applications
    a maximum flow left short; `room`: each expert's seats left after it."""
    n_a, n_e = p.shape
    ok = usable(p)
    have = np.zeros((n_a, n_e), dtype=bool)
    have[cand.apps, cand.experts] = True
    new = ok & ~have
    pick = np.zeros((n_a, n_e), dtype=bool)
    spare = np.nonzero(room > 0)[0]
    if len(spare) and len(short):
        # each expert with room offered to the short applications that suit them best (several
        # per seat): the short ones all rank the same few experts first otherwise
        want = np.minimum(ROOM_OFFERS * room[spare], len(short))
        score = _scores(p.affinity[np.ix_(short, spare)], new[np.ix_(short, spare)]).T  # (spare, short)
        order = np.argsort(-score, axis=1, kind="stable")[:, : int(want.max())]
        keep = np.arange(order.shape[1])[None, :] < want[:, None]
        rows, cols = np.nonzero(keep)
        pick[short[order[rows, cols]], spare[rows]] = True
    if len(short):
        rows = short[:, None]
        score = _scores(p.affinity[short], new[short])  # (short, experts)
        _mark(pick, rows, score, per_app)  # its next best, room or not (a reroute may free them)
        score = np.where((room > 0)[None, :], score, np.float32(-1.0))
        _mark(pick, rows, score, per_app)  # its best with room
        if p.inprov_cap is not None:
            outside = np.where(p.in_province()[short], np.float32(-1.0), score)
            _mark(pick, rows, outside, per_app)  # … from outside its province
        if p.one_per_org:
            _mark_per_group(pick, short, score, p.expert_org, per_app)  # … the best of each organisation
    pick &= new
    added = _pairs(pick)
    return Candidates(np.concatenate([cand.apps, added.apps]), np.concatenate([cand.experts, added.experts]))


def _mark(pick: np.ndarray, rows: np.ndarray, score: np.ndarray, n: int) -> None:
    """Mark each row's n best columns of non-negative score."""
    top = _top_rows(score, n)
    ok = np.take_along_axis(score, top, axis=1) >= 0
    pick[np.broadcast_to(rows, top.shape)[ok], top[ok]] = True


def _mark_per_group(pick: np.ndarray, short: np.ndarray, score: np.ndarray, expert_org: np.ndarray, n: int) -> None:
    """Mark, per row, the best expert of each of its n best organisations (an expert without one
    is an organisation alone); ties may mark two of one organisation, which costs an arc only."""
    n_e = score.shape[1]
    key = np.where(expert_org >= 0, expert_org.astype(np.int64), -1 - np.arange(n_e, dtype=np.int64))
    order = np.argsort(key, kind="stable")
    starts = np.concatenate([[0], np.nonzero(np.diff(key[order]))[0] + 1])
    sizes = np.diff(np.append(starts, n_e))
    by_group = score[:, order]
    best = np.maximum.reduceat(by_group, starts, axis=1)  # (short, groups)
    chosen = np.zeros(best.shape, dtype=bool)
    top = _top_rows(best, n)
    chosen[np.arange(len(short))[:, None], top] = True
    chosen &= best >= 0
    hit = chosen.repeat(sizes, axis=1) & (by_group == best.repeat(sizes, axis=1))
    r, c = np.nonzero(hit)
    pick[short[r], order[c]] = True


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
    top = _top_rows(score, per_expert)
    pick = np.zeros((len(experts), n_a), dtype=bool)
    pick[np.arange(len(experts))[:, None], top] = True
    pick &= new.T
    rows, ai = np.nonzero(pick)
    return Candidates(
        np.concatenate([cand.apps, ai.astype(np.int64)]), np.concatenate([cand.experts, experts[rows].astype(np.int64)])
    )
