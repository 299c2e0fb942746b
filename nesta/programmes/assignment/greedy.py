"""The greedy baseline: the pairs in order of affinity, each taken while its application has an
open seat, its expert room, and the side rules hold (minimum loads are not sought). It is what a
secretary with a sorted list does; on tight, skewed instances it leaves applications short."""

import time

import numpy as np

from nesta.programmes.assignment.candidates import candidates
from nesta.programmes.assignment.problem import Problem, Solution

PER_APP = 20  # the secretary's sorted list: each application's best 20 and each expert's best


def greedy(p: Problem, *, per_app: int = PER_APP) -> Solution:
    started = time.perf_counter()
    cand = candidates(p, per_app if per_app < p.shape[1] else None)
    aff = p.affinity[cand.apps, cand.experts]
    order = np.argsort(-aff, kind="stable")
    open_seats = p.need.astype(np.int64).copy()
    room = p.capacity.astype(np.int64).copy()
    inprov_left = None if p.inprov_cap is None else p.inprov_cap.astype(np.int64).copy()
    inprov = (p.expert_province[cand.experts] >= 0) & (p.expert_province[cand.experts] == p.app_province[cand.apps])
    used_orgs: set[tuple[int, int]] = set()
    apps, experts, orgs = cand.apps.tolist(), cand.experts.tolist(), p.expert_org[cand.experts].tolist()
    inprov_l = inprov.tolist()
    seats_l, room_l = open_seats.tolist(), room.tolist()
    left_l = inprov_left.tolist() if inprov_left is not None else None
    chosen: list[int] = []
    remaining = int(open_seats.sum())
    for k in order.tolist():
        if remaining == 0:
            break
        i, j = apps[k], experts[k]
        if seats_l[i] == 0 or room_l[j] == 0:
            continue
        if left_l is not None and inprov_l[k] and left_l[i] <= 0:
            continue
        if p.one_per_org and orgs[k] >= 0 and (i, orgs[k]) in used_orgs:
            continue
        chosen.append(k)
        seats_l[i] -= 1
        room_l[j] -= 1
        remaining -= 1
        if left_l is not None and inprov_l[k]:
            left_l[i] -= 1
        if p.one_per_org and orgs[k] >= 0:
            used_orgs.add((i, orgs[k]))
    idx = np.array(chosen, dtype=np.int64)
    ai, ej = cand.apps[idx], cand.experts[idx]
    return Solution(
        status="greedy",
        pairs=np.stack([ai, ej], axis=1) if len(idx) else np.zeros((0, 2), dtype=np.int64),
        pair_affinity=p.affinity[ai, ej].astype(np.float32),
        seconds=time.perf_counter() - started,
    )
