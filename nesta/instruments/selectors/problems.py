"""Reads of problem reports, shutdowns and recurring maintenance: an instrument's history, the
summary on its page, the managers' downtime overview and the API's lists.

Who sees what (decided here, tested in tests/instruments/test_problems.py):
- everyone, signed in or not: that there were faults and outages and when — each report's
  severity, status and dates, each shutdown's period and reason (the reason is the manager's
  public notice; the calendar shows it already);
- the instrument's staff (`instrument.manage`): also each report's title, description,
  resolution, booking and reporter;
- a reporter: their own reports in full.
A report's text is a user's first-hand account (it may name people or samples): not public.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Max, Min, Q

from nesta.core.errors import BadRequest, NotFound
from nesta.core.pagination import Page, clamp_limit, cursor_offset, keyset_page, offset_page
from nesta.core.permissions import can
from nesta.instruments.models import Blackout, Instrument, ProblemReport

SHUTDOWN = Blackout.Kind.SHUTDOWN
HISTORY_OFFSET_MAX = 5000  # the merged history is offset-paged; deeper than this is the API's keyset lists


def instrument_of(*, instrument_id: int) -> Instrument:
    instrument = Instrument.objects.select_related("province").filter(pk=instrument_id).first()
    if instrument is None:
        raise NotFound()
    return instrument


def is_staff(user: Any, instrument: Instrument) -> bool:
    return can(user, "instrument.manage", instrument)


def sees_details(user: Any, problem: ProblemReport, staff: bool) -> bool:
    return staff or (getattr(user, "pk", None) is not None and problem.reporter_id == user.pk)


@dataclass
class HistoryEntry:
    kind: str  # "problem" | "shutdown"
    at: datetime  # a report's time, a shutdown's start
    problem: ProblemReport | None = None
    shutdown: Blackout | None = None
    detailed: bool = False  # the report's text and reporter may be shown


def _problems(instrument: Instrument) -> Any:
    return ProblemReport.objects.filter(instrument=instrument).select_related("reporter", "resolved_by")


def _shutdowns(instrument: Instrument) -> Any:
    return Blackout.objects.filter(instrument=instrument, kind=SHUTDOWN).select_related("problem")


def history_page(
    *, instrument: Instrument, viewer: Any, cursor: str | None, limit: int | None = 20
) -> Page[HistoryEntry]:
    """Problem reports and shutdowns of the instrument, newest first (two queries whatever the
    page: each list read up to the page's end, merged)."""
    size = clamp_limit(limit)
    offset = cursor_offset(cursor)
    if offset > HISTORY_OFFSET_MAX:
        raise BadRequest(code="invalid_cursor")
    upto = offset + size + 1
    staff = is_staff(viewer, instrument)
    problems = list(_problems(instrument).order_by("-created_at", "-id")[:upto])
    for p in problems:
        p.instrument = instrument  # what permission checks on a report read, without a join
    entries = [
        HistoryEntry("problem", p.created_at, problem=p, detailed=sees_details(viewer, p, staff)) for p in problems
    ]
    entries += [
        HistoryEntry("shutdown", s.start, shutdown=s) for s in _shutdowns(instrument).order_by("-start", "-id")[:upto]
    ]
    entries.sort(key=lambda e: (e.at, e.kind == "problem"), reverse=True)
    return offset_page(entries[offset:upto], offset=offset, limit=size)


def current_shutdown(*, instrument: Instrument, now: datetime) -> Blackout | None:
    return _shutdowns(instrument).filter(start__lte=now, end__gt=now).order_by("start").first()


def page_summary(*, instrument: Instrument, viewer: Any, now: datetime) -> dict[str, Any]:
    """The instrument page's box: a shutdown now in force (or the next one), the open reports'
    count and the last two events (three queries)."""
    shutdowns = list(_shutdowns(instrument).filter(end__gt=now).order_by("start")[:2])
    current = next((s for s in shutdowns if s.start <= now), None)
    upcoming = next((s for s in shutdowns if s.start > now), None)
    counts = ProblemReport.objects.filter(instrument=instrument).aggregate(
        open=Count("id", filter=Q(status__in=("open", "acknowledged"))), total=Count("id")
    )
    return {
        "current_shutdown": current,
        "next_shutdown": upcoming,
        "open_problems": counts["open"],
        "problem_total": counts["total"],
    }


def problems_page(
    *, instrument: Instrument, viewer: Any, cursor: str | None, limit: int | None, status: str | None = None
) -> tuple[Page[ProblemReport], bool]:
    """The API's list of reports, newest first (keyset on id); returns (page, viewer is staff)."""
    qs = _problems(instrument)
    if status:
        qs = qs.filter(status=status)
    return keyset_page(qs, cursor=cursor, limit=limit, newest_first=True), is_staff(viewer, instrument)


def shutdowns_page(*, instrument: Instrument, cursor: str | None, limit: int | None) -> Page[Blackout]:
    return keyset_page(_shutdowns(instrument), cursor=cursor, limit=limit, newest_first=True)


def problem_of(*, problem_id: int) -> ProblemReport | None:
    return ProblemReport.objects.select_related("instrument__province", "reporter").filter(pk=problem_id).first()


def open_problems(*, instrument: Instrument) -> list[ProblemReport]:
    """The reports a shutdown may be taken for (the shutdown form's choices)."""
    return list(
        ProblemReport.objects.filter(instrument=instrument, status__in=("open", "acknowledged")).order_by("-id")[:50]
    )


@dataclass
class Series:
    series: uuid.UUID | None  # never None here: only rows of a series are grouped
    reason: str
    upcoming: int
    first: datetime
    last: datetime


def downtime_overview(*, instrument: Instrument, now: datetime) -> dict[str, Any]:
    """The managers' page: shutdowns now or to come, the maintenance series with occurrences to
    come, the open reports (three queries)."""
    shutdowns = list(_shutdowns(instrument).filter(end__gt=now).order_by("start")[:20])
    series_rows = (
        Blackout.objects.filter(
            instrument=instrument, kind=Blackout.Kind.MAINTENANCE, series__isnull=False, end__gt=now
        )
        .values("series")
        .annotate(n=Count("id"), first=Min("start"), last=Max("start"), reason=Max("reason"))
        .order_by("first")[:20]
    )
    series = [Series(r["series"], r["reason"], r["n"], r["first"], r["last"]) for r in series_rows]
    return {"shutdowns": shutdowns, "series": series, "open_problems": open_problems(instrument=instrument), "now": now}
