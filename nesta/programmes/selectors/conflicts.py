"""Reads for conflicts of interest: the excluded pairs of a call's pool with their reasons (the
rules are nesta/programmes/assignment/rules.py, the loader assignment/pool.py), paged."""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from nesta.core.pagination import Page, cursor_offset, offset_page
from nesta.directory.models import Person
from nesta.programmes.assignment.pool import Pool, correspondence_round, load_pool, managed_call
from nesta.programmes.assignment.rules import Exclusion
from nesta.programmes.models import Application

__all__ = ["Pool", "call_conflicts_page", "correspondence_round", "load_pool", "managed_call"]


@dataclass
class ConflictRow:
    application: Application
    expert: Person
    reasons: list[Exclusion]


def call_conflicts_page(*, viewer: Any, call_id: int, cursor: str | None = None, limit: int = 50) -> Page[ConflictRow]:
    """The excluded pairs of a call's pool with their reasons, by application then expert."""
    call = managed_call(viewer=viewer, call_id=call_id)
    pool = load_pool(call, correspondence_round(call))
    apps = {a.pk: a for a in pool.apps}
    experts = {e.pk: e for e in pool.experts}
    pairs = sorted(pool.exclusions)
    offset = cursor_offset(cursor)
    size = max(1, min(int(limit), 200))
    rows = [ConflictRow(apps[a], experts[e], pool.exclusions[(a, e)]) for a, e in pairs[offset : offset + size + 1]]
    return offset_page(rows, offset=offset, limit=size, total=len(pairs))


def application_conflicts(pool: Pool) -> dict[int, int]:
    """How many experts each application excludes."""
    out: dict[int, int] = defaultdict(int)
    for app_id, _expert in pool.exclusions:
        out[app_id] += 1
    return dict(out)
