"""Reads of the review part: an expert's seats and the application as the expert sees it.

Blind calls (Call.blind) hide who applies: the expert's view carries no applicant organisation,
no team and no attachments' names that could tell (only the content of the proposal and the
budget table); the office sees everything on its own pages.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from nesta.core.errors import NotFound
from nesta.core.permissions import can, restrict
from nesta.programmes.models import Assignment, AssignmentStatus, Criterion, Review

SEAT_RELATED = ("round__call", "application__province", "application__field", "application__organization", "expert")
SHOWN = (AssignmentStatus.ACCEPTED, AssignmentStatus.SUBMITTED)


@dataclass
class ExpertView:
    """What the expert reads to review an application."""

    application_id: int
    number: str
    title: str
    summary: str
    keywords: str
    area: str
    requested_amount: Decimal
    self_funding: Decimal
    start_date: Any
    end_date: Any
    form_data: dict[str, Any]
    form_labels: dict[str, str]
    budget: list[dict[str, Any]]
    blind: bool
    organization: str | None = None  # None when blind
    province: str | None = None
    team: list[dict[str, str]] | None = None
    notes: list[str] = field(default_factory=list)


def seat_get(*, actor: Any, assignment_id: int) -> Assignment:
    """The seat for its expert (review.submit, own) or the office/province (review.manage); 404 else."""
    seat = Assignment.objects.select_related(*SEAT_RELATED).filter(pk=assignment_id).first()
    if seat is None or not (can(actor, "review.submit", seat) or can(actor, "review.manage", seat.application)):
        raise NotFound(_("未找到该评审任务。"))
    return seat


def criteria_of(seat: Assignment) -> list[Criterion]:
    return list(Criterion.objects.filter(call_id=seat.round.call_id).order_by("sort_order", "id"))


def review_of(seat: Assignment) -> Review | None:
    return Review.objects.filter(assignment=seat).first()


def expert_view(seat: Assignment) -> ExpertView:
    """The application as the seat's expert sees it (two queries: budget lines and, when open, team)."""
    app = seat.application
    call = seat.round.call
    labels = {f.get("name", ""): f.get("label", "") for f in call.form_fields or [] if isinstance(f, dict)}
    budget = [
        {"category": b.get_category_display(), "from_grant": b.from_grant, "amount": b.amount}
        for b in app.budget_items.all()
    ]
    view = ExpertView(
        application_id=app.pk,
        number=app.number or "",
        title=app.title,
        summary=app.summary,
        keywords=app.keywords,
        area=app.field.name,
        requested_amount=app.requested_amount,
        self_funding=app.self_funding,
        start_date=app.start_date,
        end_date=app.end_date,
        form_data=dict(app.form_data or {}),
        form_labels=labels,
        budget=budget,
        blind=call.blind,
    )
    if not call.blind:
        view.organization = app.organization.name
        view.province = app.province.name
        view.team = [
            {
                "name": m.name,
                "organization": m.organization_name,
                "title": m.title,
                "role": m.role,
                "lead": "1" if m.is_lead else "",
            }
            for m in app.team.all()
        ]
    return view


def my_seats(*, actor: Any, status: str | None = None, limit: int = 200) -> list[Assignment]:
    """The expert's accepted and submitted seats, newest first (one query)."""
    qs = restrict(actor, "review.submit", Assignment.objects.all(), user_field="expert__user")
    statuses = [status] if status in SHOWN else list(SHOWN)
    return list(
        qs.filter(status__in=statuses)
        .select_related("round__call", "application")
        .order_by("-id")[: max(1, min(limit, 500))]
    )
