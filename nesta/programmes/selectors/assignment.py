"""Reads for reviewer assignment: a round's seats per application, an expert's own invitations."""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from nesta.core.errors import NotFound
from nesta.core.pagination import Page, keyset_page
from nesta.core.permissions import restrict
from nesta.programmes.assignment.pool import ACTIVE, Pool, correspondence_round, load_pool, managed_call
from nesta.programmes.models import Application, Assignment, AssignmentStatus


def call_pool(*, viewer: Any, call_id: int, application_ids: list[int] | None = None) -> Pool:
    call = managed_call(viewer=viewer, call_id=call_id)
    return load_pool(call, correspondence_round(call), application_ids=application_ids)


@dataclass
class AppSeats:
    application: Application
    seats: list[Assignment]


def round_seats(*, viewer: Any, call_id: int) -> tuple[Any, list[AppSeats]]:
    """The call's applications in review with their seats (active first), in three queries."""
    call = managed_call(viewer=viewer, call_id=call_id)
    rnd = correspondence_round(call)
    apps = list(
        Application.objects.filter(call=call, status="in_review")
        .select_related("organization", "province")
        .order_by("pk")
    )
    by_app: dict[int, list[Assignment]] = defaultdict(list)
    for seat in (
        Assignment.objects.filter(round=rnd)
        .select_related("expert", "expert__organization")
        .order_by("application_id", "pk")
    ):
        by_app[seat.application_id].append(seat)
    order: dict[str, int] = {str(s): n for n, s in enumerate(ACTIVE)}
    rows = [AppSeats(a, sorted(by_app.get(a.pk, []), key=lambda s: order.get(s.status, 9))) for a in apps]
    return rnd, rows


def my_invitations_queryset(viewer: Any) -> QuerySet[Assignment]:
    qs = Assignment.objects.select_related("application", "application__call", "round", "expert")
    return restrict(viewer, "review.submit", qs, user_field="expert__user")


def my_invitations_page(
    *, viewer: Any, status: str = "", cursor: str | None = None, limit: int = 20
) -> Page[Assignment]:
    """The viewer's own seats (an expert sees only theirs), newest first."""
    qs = my_invitations_queryset(viewer).filter(expert__user=viewer.pk) if viewer.is_authenticated else None
    if qs is None:
        return Page(items=[])
    if status in AssignmentStatus.values:
        qs = qs.filter(status=status)
    return keyset_page(qs, cursor=cursor, limit=limit, newest_first=True)


def my_seat(*, viewer: Any, assignment_id: int) -> Assignment:
    seat = (
        my_invitations_queryset(viewer).filter(pk=assignment_id).first()
        if isinstance(assignment_id, int) and 0 < assignment_id < 2**31
        else None
    )
    if seat is None or not viewer.is_authenticated or seat.expert.user_id != viewer.pk:
        raise NotFound(_("未找到该评审邀请。"))
    return seat


def seat_by_id(assignment_id: int) -> Assignment:
    """A seat just written by a service (the caller was checked there), with what its output shows."""
    return Assignment.objects.select_related("round", "application", "expert").get(pk=assignment_id)
