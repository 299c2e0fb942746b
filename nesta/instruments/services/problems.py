"""Problem reports (NEMO's tool problems): someone who used an instrument reports a fault; its
staff take it up and resolve it (lifecycles.problems.PROBLEM).

Who may report: every signed-in role holds `problem.report`, and the report must come from
someone who used the instrument — a booking of theirs there that is in use or completed, or a
usage session of theirs — or from its staff (`instrument.manage`). Anyone else gets 403
`not_a_user`: a fault report is a first-hand account, not a review."""

from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from nesta.core.audit import audit_record, diff, snapshot
from nesta.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from nesta.core.notifications import notify
from nesta.core.permissions import can, require
from nesta.core.transactions import write_transaction
from nesta.core.validators import clean_text
from nesta.instruments.lifecycles import PROBLEM
from nesta.instruments.models import Booking, Instrument, ProblemReport, UsageSession

USED = ("in_use", "completed")  # a booking that shows its booker was at the instrument
OPEN_REPORTS_MAX = 10  # open reports one user may have on one instrument (a bound on noise)
SNAPSHOT = ["instrument", "reporter", "booking", "title", "description", "severity", "status"]


def _instrument(instrument_id: int) -> Instrument:
    instrument = Instrument.objects.select_related("province").filter(pk=instrument_id).first()
    if instrument is None:
        raise NotFound()
    return instrument


def has_used(user: Any, instrument_id: int) -> bool:
    """Did `user` use the instrument: a booking in use or completed, or a usage session?"""
    if not getattr(user, "is_authenticated", False):
        return False
    booked = Booking.objects.filter(instrument_id=instrument_id, user=user, status__in=USED).exists()
    return booked or UsageSession.objects.filter(instrument_id=instrument_id, user=user).exists()


def may_report(user: Any, instrument: Instrument) -> bool:
    """What the instrument's page asks before it offers "报告故障" (no exception)."""
    if not can(user, "problem.report", instrument):
        return False
    return can(user, "instrument.manage", instrument) or has_used(user, instrument.pk)


def _severity(value: Any) -> str:
    if value not in ProblemReport.Severity.values:
        raise ValidationFailed(details={"severity": [_("请选择严重程度。")]})
    return str(value)


def _booking(actor: Any, instrument: Instrument, booking_id: int | None, staff: bool) -> Booking | None:
    if booking_id is None:
        return None
    qs = Booking.objects.filter(pk=booking_id, instrument=instrument)
    if not staff:
        qs = qs.filter(user=actor)  # one's own booking only
    booking = qs.first()
    if booking is None:
        raise ValidationFailed(details={"booking": [_("未找到您在该仪器上的这次预约。")]})
    return booking


def problem_report(
    *,
    actor: Any,
    instrument_id: int,
    title: str,
    description: str = "",
    severity: str = ProblemReport.Severity.MAJOR,
    booking_id: int | None = None,
) -> ProblemReport:
    """Report a fault of the instrument. The instrument's managers are told (a report that the
    instrument cannot be used says so in the title). 401/403 (`not_a_user`), 404, 409
    `too_many_open`, 422 per field."""
    instrument = _instrument(instrument_id)
    require(actor, "problem.report", instrument)
    staff = can(actor, "instrument.manage", instrument)
    if not staff and not has_used(actor, instrument.pk):
        raise PermissionDenied(_("只有使用过该仪器的用户（或仪器管理人员）才能报告故障。"), code="not_a_user")
    title = clean_text(title, field="title", max_length=120, required=True, multiline=False)
    description = clean_text(description, field="description", max_length=5000)
    severity = _severity(severity)
    with write_transaction():
        booking = _booking(actor, instrument, booking_id, staff)
        open_ones = ProblemReport.objects.filter(
            instrument=instrument, reporter=actor, status__in=("open", "acknowledged")
        )
        if open_ones.count() >= OPEN_REPORTS_MAX:
            raise Conflict(
                _("您在该仪器上尚未解决的故障报告已有 %(n)d 条，请等待处理。") % {"n": OPEN_REPORTS_MAX},
                code="too_many_open",
            )
        problem = ProblemReport(
            instrument=instrument,
            reporter=actor,
            booking=booking,
            title=title,
            description=description,
            severity=severity,
        )
        problem.save()
        audit_record(
            actor=actor, action="problem.reported", instance=problem, changes=diff({}, snapshot(problem, SNAPSHOT))
        )
        _tell_managers(problem, actor)
    return problem


def _tell_managers(problem: ProblemReport, actor: Any) -> None:
    instrument = problem.instrument
    if problem.severity == ProblemReport.Severity.CRITICAL:
        title = _("【无法使用】新的故障报告：%(i)s") % {"i": instrument.name}
    else:
        title = _("新的故障报告：%(i)s") % {"i": instrument.name}
    body = f"{problem.get_severity_display()} · {problem.title} · {_('报告人')}：{actor}"
    url = reverse("instruments:problems", args=[instrument.pk])
    for manager in instrument.managers.exclude(pk=actor.pk):
        notify(user=manager, kind="problem_reported", title=title, body=body, url=url)


def problem_acknowledge(*, actor: Any, problem_id: int, now: datetime | None = None) -> ProblemReport:
    """The staff take the report up (处理中); the reporter is told."""
    return PROBLEM.run("acknowledge", actor=actor, obj_id=problem_id, now=now or timezone.now())


def problem_resolve(*, actor: Any, problem_id: int, resolution: str, now: datetime | None = None) -> ProblemReport:
    """The fault is dealt with: what was done (required, ≤ 300 characters); the reporter is told."""
    try:
        text = clean_text(resolution, field="resolution", max_length=300, required=True)
    except ValidationFailed:  # one line the web's message and the field both show
        message = _("请填写处理结果（不超过 300 字）。")
        raise ValidationFailed(message, details={"resolution": [message]}) from None
    return PROBLEM.run(
        "resolve", actor=actor, obj_id=problem_id, now=now or timezone.now(), resolution=text, resolved_by=actor
    )
