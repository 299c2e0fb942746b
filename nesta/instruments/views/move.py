"""Changing bookings on the web: 改期 (move or resize a booking, from "我的预约" or the manager's
list) and 代为预约 (a manager books for a user). Both go through the booking services, which check
permissions and every rule; a change that did not happen answers FAILED_POST_STATUS (422) with
the reasons, refused is 403, busy 503."""

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from nesta.core.errors import Conflict, ServiceUnavailable, ValidationFailed
from nesta.core.generic import FAILED_POST_STATUS, domain_errors, login_required_or_redirect
from nesta.core.permissions import can, require
from nesta.core.validators import local_date
from nesta.instruments import services
from nesta.instruments.forms.move import MoveForm, OnBehalfForm
from nesta.instruments.models import Booking
from nesta.instruments.policy import LOCAL, local_minute
from nesta.instruments.selectors import booking_reads as reads
from nesta.instruments.selectors.availability import policy_of
from nesta.instruments.selectors.calendar import SLOT_MINUTES, calendar_grid
from nesta.instruments.views.find import get_instrument


def _next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _reasons(exc: ValidationFailed | Conflict) -> list[str]:
    """The violations of a rule (as the booking form shows them), else the error's message."""
    details = exc.details if isinstance(exc.details, dict) else {}
    violations = details.get("violations")
    if violations:
        return [str(v.get("message") or v.get("code")) for v in violations]
    if exc.code == "slot_taken":
        return [_("该时段已被预约，请选择其他时间。")]
    fields = [str(m) for ms in details.values() if isinstance(ms, list) for m in ms]
    return fields or [str(exc.message)]


def _anchor(request: HttpRequest, booking: Booking) -> date:
    try:
        return local_date(request.GET.get("date") or request.POST.get("date") or "", field="date")
    except ValidationFailed:
        return timezone.localtime(booking.start, LOCAL).date()


def _day(request: HttpRequest, booking: Booking, anchor: date) -> Any:
    """The day's calendar of the booking's instrument: free cells, and the booking's own cells
    (drawn from its booker's side), may be chosen."""
    instrument = booking.instrument
    grid = calendar_grid(
        instrument=instrument,
        policy=policy_of(instrument),
        user=booking.user,
        anchor=anchor,
        view="day",
        now=timezone.now(),
        show_bookers=can(request.user, "instrument.manage", instrument),
    )
    own = f"m{booking.pk}"
    column = [row["cells"][0] for row in grid.rows]
    for cell in column:
        cell.current = cell.key == own  # type: ignore[attr-defined]
    # a start may be chosen where the booking's whole length fits in free (or its own) cells
    span = max(1, -(-int((booking.end - booking.start).total_seconds() // 60) // SLOT_MINUTES))
    for i, cell in enumerate(column):
        run = column[i : i + span]
        cell.choosable = len(run) == span and all(c.selectable or c.current for c in run)  # type: ignore[attr-defined]
    return grid


def _move(request: HttpRequest, booking: Booking, form: MoveForm) -> tuple[int, list[str]]:
    data = form.cleaned_data
    try:
        services.booking_move(actor=request.user, booking_id=booking.pk, start=data["start"], end=data["end"])
    except (Conflict, ValidationFailed) as exc:
        return FAILED_POST_STATUS, _reasons(exc)
    except ServiceUnavailable:
        return 503, [_("系统繁忙，请稍后重试")]
    return 200, []


@require_http_methods(["GET", "POST"])
@login_required_or_redirect
@domain_errors
def booking_move_page(request: HttpRequest, booking_id: int) -> HttpResponse:
    """GET: the booking and its instrument's day of free slots; POST: move it to the chosen slot
    (or the typed start and end) and go back, or show why not (422)."""
    booking = reads.booking_for_move(actor=request.user, booking_id=booking_id)
    mine = booking.user_id == request.user.pk
    default = (
        reverse("instruments:my_bookings") if mine else reverse("instruments:manage", args=[booking.instrument_id])
    )
    next_url = _next(request, default)
    length = booking.end - booking.start
    status, reasons = 200, []
    if request.method == "POST":
        form = MoveForm(request.POST, length=length)
        status = FAILED_POST_STATUS
        if form.is_valid():
            status, reasons = _move(request, booking, form)
            if status == 200:
                data = form.cleaned_data
                when = f"{local_minute(data['start'])}–{local_minute(data['end'])[-5:]}"
                messages.success(request, _("预约已改期为 %(when)s。") % {"when": when})
                return redirect(next_url)
    else:
        start, end = timezone.localtime(booking.start, LOCAL), timezone.localtime(booking.end, LOCAL)
        form = MoveForm(length=length, initial={"start": start.replace(tzinfo=None), "end": end.replace(tzinfo=None)})
    anchor = _anchor(request, booking)
    context = {
        "booking": booking,
        "instrument": booking.instrument,
        "calendar": _day(request, booking, anchor),
        "form": form,
        "reasons": reasons,
        "next_url": next_url,
        "length_minutes": int(length.total_seconds() // 60),
        "cancel_hours": policy_of(booking.instrument).cancel_deadline_hours,
        "move_url": reverse("instruments:booking_move", args=[booking.pk]),
    }
    response = render(request, "instruments/booking_move.html", context, status=status)
    if status == 503:
        response["Retry-After"] = "1"
    return response


@require_http_methods(["GET", "POST"])
@login_required_or_redirect
@domain_errors
def booking_on_behalf(request: HttpRequest, pk: int) -> HttpResponse:
    """代为预约: the instrument's staff book a slot for a user (by username or e-mail); the user's
    own rules apply and they are told. GET shows the form alone (the manager's page embeds it)."""
    instrument = get_instrument(pk)
    require(request.user, "booking.on_behalf", instrument)
    manage_url = reverse("instruments:manage", args=[instrument.pk])
    form = OnBehalfForm(request.POST or None)
    reasons: list[str] = []
    status = 200
    if request.method == "POST":
        status = FAILED_POST_STATUS
        if form.is_valid():
            data = form.cleaned_data
            user = reads.user_by_login(data["user"])
            if user is None:
                form.add_error("user", _("未找到该用户（请填写用户名或电子邮箱）。"))
            else:
                try:
                    services.booking_create(
                        actor=request.user,
                        instrument_id=instrument.pk,
                        start=data["start"],
                        end=data["end"],
                        purpose=data["purpose"],
                        on_behalf_of=user.pk,
                    )
                except (Conflict, ValidationFailed) as exc:
                    reasons = _reasons(exc)
                except ServiceUnavailable:
                    status, reasons = 503, [_("系统繁忙，请稍后重试")]
                else:
                    when = f"{local_minute(data['start'])}–{local_minute(data['end'])[-5:]}"
                    messages.success(request, _("已为 %(u)s 预约 %(when)s，并已通知本人。") % {"u": user, "when": when})
                    return redirect(manage_url)
    context = {"instrument": instrument, "form": form, "reasons": reasons, "manage_url": manage_url}
    return render(request, "instruments/booking_on_behalf.html", context, status=status)
