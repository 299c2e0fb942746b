"""Why no assignment exists: the checks that name the constraint making it impossible.

Static checks (before any solve): applications with fewer eligible experts than seats (with the
side rules: too few organisations, none from outside the province), total capacity below demand,
minimum loads above demand or above what an expert can take. When they all pass and the flow is
still infeasible, the capacities compete: the applications a maximum flow leaves short are named.
Each reason: {"code", "message" (Chinese), and its figures}; `application`/`expert` are indices
the services turn into ids."""

from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from nesta.programmes.assignment.problem import Problem

LIST_MAX = 50  # the explanation lists this many applications or experts at most


def _listed(idx: np.ndarray, counts: np.ndarray, need: np.ndarray) -> list[dict[str, int]]:
    return [
        {"application": int(i), "eligible": int(c), "need": int(n)} for i, c, n in zip(idx, counts, need, strict=True)
    ][:LIST_MAX]


def static_reasons(p: Problem) -> list[dict[str, Any]]:
    reasons: list[dict[str, Any]] = []
    demand = int(p.need.sum())
    # counted from the few excluded pairs (conflicts, seats held) among the experts with room,
    # not from dense masks: a call's matrix is almost all eligible
    n_apps, n_experts = p.shape
    room = p.capacity > 0
    mi, mj = np.nonzero(~p.eligible)
    on = room[mj]
    mi, mj = mi[on], mj[on]
    count = int(room.sum()) - np.bincount(mi, minlength=n_apps)
    short = np.nonzero(count < p.need)[0]
    if len(short):
        reasons.append(
            {
                "code": "too_few_eligible",
                "message": _("%(n)s 项申请的可选专家（无利益冲突且有余量）少于所需人数") % {"n": len(short)},
                "count": int(len(short)),
                "applications": _listed(short, count[short], p.need[short]),
            }
        )
    if p.one_per_org:
        orgs = _distinct_groups(n_apps, room, mi, mj, p.expert_org)
        bad = np.nonzero((orgs < p.need) & (count >= p.need))[0]
        if len(bad):
            reasons.append(
                {
                    "code": "too_few_organisations",
                    "message": _("每单位至多一人：%(n)s 项申请的可选专家来自的单位少于所需人数") % {"n": len(bad)},
                    "count": int(len(bad)),
                    "applications": _listed(bad, orgs[bad], p.need[bad]),
                }
            )
    if p.inprov_cap is not None:
        ep = p.expert_province
        prov = np.bincount(
            ep[room & (ep >= 0)], minlength=int(max(ep.max(initial=-1), p.app_province.max(initial=-1))) + 1
        )
        inside_pair = (ep[mj] >= 0) & (ep[mj] == p.app_province[mi])
        in_prov = np.where(p.app_province >= 0, prov[np.maximum(p.app_province, 0)], 0)
        outside = int(room.sum()) - in_prov - np.bincount(mi[~inside_pair], minlength=n_apps)
        required = np.maximum(p.need - np.maximum(p.inprov_cap, 0), 0)
        bad = np.nonzero((outside < required) & (count >= p.need))[0]
        if len(bad):
            reasons.append(
                {
                    "code": "too_few_outside_province",
                    "message": _("至少一位外省专家：%(n)s 项申请没有足够的外省可选专家") % {"n": len(bad)},
                    "count": int(len(bad)),
                    "applications": _listed(bad, outside[bad], required[bad]),
                }
            )
    supply = int(p.capacity.sum())
    if supply < demand:
        reasons.append(
            {
                "code": "capacity_below_demand",
                "message": _("专家总容量 %(s)s 人次低于所需 %(d)s 人次") % {"s": supply, "d": demand},
                "capacity": supply,
                "demand": demand,
            }
        )
    floor = int(p.min_load.sum())
    if floor > demand:
        reasons.append(
            {
                "code": "min_load_above_demand",
                "message": _("专家最低评审量合计 %(f)s 人次超过所需 %(d)s 人次") % {"f": floor, "d": demand},
                "min_load_total": floor,
                "demand": demand,
            }
        )
    reach = np.where(room, n_apps - np.bincount(mj, minlength=n_experts), 0)
    bad_e = np.nonzero(p.min_load > np.minimum(p.capacity, reach))[0]
    if len(bad_e):
        reasons.append(
            {
                "code": "min_load_unreachable",
                "message": _("%(n)s 位专家可评审的申请少于最低评审量") % {"n": len(bad_e)},
                "count": int(len(bad_e)),
                "experts": [
                    {"expert": int(j), "reachable": int(min(p.capacity[j], reach[j])), "min_load": int(p.min_load[j])}
                    for j in bad_e[:LIST_MAX]
                ],
            }
        )
    return reasons


def _distinct_groups(
    n_apps: int, room: np.ndarray, mi: np.ndarray, mj: np.ndarray, expert_org: np.ndarray
) -> np.ndarray:
    """Per application, how many organisations its usable experts come from (no organisation:
    each such expert counts alone): every organisation with room, less those whose experts with
    room are all excluded for it (mi, mj: the excluded pairs among the experts with room)."""
    n_experts = len(room)
    key = np.where(expert_org >= 0, expert_org.astype(np.int64), -1 - np.arange(n_experts, dtype=np.int64))
    _, group = np.unique(key, return_inverse=True)
    size = np.bincount(group[room], minlength=int(group.max(initial=-1)) + 1)
    total = int((size > 0).sum())
    if not len(mi):
        return np.full(n_apps, total, dtype=np.int64)
    pair = mi.astype(np.int64) * len(size) + group[mj]
    keys, excluded = np.unique(pair, return_counts=True)
    gone = keys[excluded == size[keys % len(size)]] // len(size)
    return total - np.bincount(gone, minlength=n_apps)


def competing_reasons(short: dict[int, int], need: np.ndarray) -> list[dict[str, Any]]:
    """The maximum flow leaves these applications short although each alone could be filled."""
    idx = np.array(sorted(short), dtype=np.int64)
    return [
        {
            "code": "capacity_contention",
            "message": _("可选专家的容量被其他申请占用：%(n)s 项申请无法同时配满（共缺 %(m)s 人次）")
            % {"n": len(idx), "m": int(sum(short.values()))},
            "count": int(len(idx)),
            "applications": [
                {"application": int(i), "missing": int(short[int(i)]), "need": int(need[i])} for i in idx[:LIST_MAX]
            ],
        }
    ]


def min_load_reason() -> dict[str, Any]:
    return {"code": "min_load_infeasible", "message": _("在满足每位专家最低评审量的前提下无法完成分配")}
