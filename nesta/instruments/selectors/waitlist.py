"""Reads of the waiting list: one's own entries (with their place in the queue), an instrument's
queue for its staff, and whether a slot on the booking calendar can be queued for."""

from typing import Any

from django.db.models import Q

from nesta.core.pagination import Page, keyset_page
from nesta.instruments.models import WaitlistEntry

W = WaitlistEntry.Status


def _entries() -> Any:
    return WaitlistEntry.objects.select_related("instrument__province", "user", "booking")


def entry_of(*, entry_id: int) -> WaitlistEntry | None:
    return _entries().filter(pk=entry_id).first()


def positions(entries: list[WaitlistEntry]) -> dict[int, int]:
    """{entry id: its place in its queue (1 = first)} for the active ones: one query for the
    active entries overlapping any of them, the order counted in Python."""
    active = [e for e in entries if e.status in WaitlistEntry.ACTIVE]
    if not active:
        return {}
    overlap = Q()
    for e in active:
        overlap |= Q(instrument_id=e.instrument_id, start__lt=e.end, end__gt=e.start)
    rivals = list(
        WaitlistEntry.objects.filter(overlap, status__in=WaitlistEntry.ACTIVE).values_list(
            "pk", "instrument_id", "start", "end", "created_at"
        )[:5000]
    )
    out = {}
    for e in active:
        out[e.pk] = 1 + sum(
            1
            for pk, inst, s, end, made in rivals
            if inst == e.instrument_id and s < e.end and end > e.start and (made, pk) < (e.created_at, e.pk)
        )
    return out


def my_entries_page(
    *, user: Any, cursor: str | None, limit: int | None, active_only: bool = False
) -> Page[WaitlistEntry]:
    qs = _entries().filter(user=user)
    if active_only:
        qs = qs.filter(status__in=WaitlistEntry.ACTIVE)
    page = keyset_page(qs, cursor=cursor, limit=limit, newest_first=True)
    where = positions(page.items)
    for e in page.items:
        e.position = where.get(e.pk)  # type: ignore[attr-defined]
    return page


def instrument_queue(*, instrument_id: int, limit: int = 50) -> list[WaitlistEntry]:
    """The instrument's active entries in queue order (its staff's view)."""
    qs = _entries().filter(instrument_id=instrument_id, status__in=WaitlistEntry.ACTIVE).order_by("created_at", "id")
    return list(qs[:limit])
