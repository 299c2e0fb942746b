"""Making a booking: the slot chosen in an instrument's calendar (or a weekly series) goes
through instruments.services (which check permissions and the policy, lock and audit); domain
errors become messages beside the calendar. A booking that did not happen (the form, the rules,
the slot taken) answers FAILED_POST_STATUS (422) like every failed form; refused is 403, busy 503.

From htmx the answer is only what changed: the booking panel (outcome, a fresh form) and, after a
booking, the calendar cells it now fills (out of band) — rendering the whole week's calendar
again cost four times the booking itself. A slot someone else took, or a weekly series, changes
the calendar in places the form cannot know, so those answer with the whole booking area."""

import uuid
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from nesta.core.errors import Conflict, PermissionDenied, ServiceUnavailable, ValidationFailed
from nesta.core.generic import FAILED_POST_STATUS, domain_errors, is_partial
from nesta.core.validators import local_date, row_id
from nesta.instruments import services
from nesta.instruments.forms.booking import BookingForm, QuoteForm
from nesta.instruments.forms.payers import with_accounts
from nesta.instruments.models import Booking, Instrument
from nesta.instruments.policy import LOCAL
from nesta.instruments.selectors.availability import policy_of
from nesta.instruments.selectors.booking_panel import instrument_to_book
from nesta.instruments.selectors.calendar import SLOT_MINUTES, Cell, span_text, when_text
from nesta.instruments.selectors.payers import usable_accounts
from nesta.instruments.selectors.quote import booking_quote
from nesta.instruments.views.find import booking_context, get_instrument, page_context


def _violation_messages(exc: ValidationFailed) -> list[str]:
    details = exc.details or {}
    violations = details.get("violations") if isinstance(details, dict) else None
    if violations:
        return [str(v.get("message") or v.get("code")) for v in violations]
    return [str(exc.message)]


def _series_outcome(result: Any) -> dict[str, Any]:
    skipped = []
    for row in result.skipped:
        start = datetime.fromisoformat(row["start"])
        end = datetime.fromisoformat(row["end"])
        reason = _("该时段已被预约") if row.get("code") == "slot_taken" else row.get("message", "")
        skipped.append({"start": start, "end": end, "reason": reason})
    return {"kind": "series", "created": result.created, "skipped": skipped}


def _shown_days(request: HttpRequest) -> tuple[date, date] | None:
    """The days the calendar beside the form shows (its hidden date and view fields)."""
    try:
        anchor = local_date(request.POST.get("date") or "", field="date")
    except ValidationFailed:
        return None
    if request.POST.get("view") == "day":
        return anchor, anchor
    monday = anchor - timedelta(days=anchor.weekday())
    return monday, monday + timedelta(days=6)


def _booked_cells(request: HttpRequest, booking: Booking) -> list[Cell] | None:
    """The calendar cells a new booking fills, as calendar_grid would draw them (one block: the
    first cell spans the rest); None when the page must draw the calendar again (the booking is
    off the 30-minute grid, spans days, or lies outside the days shown — nothing to swap)."""
    label = _("我的预约") + ("（" + _("待审批") + "）" if booking.status == Booking.Status.PENDING else "")
    return _block_cells(request, booking.start, booking.end, "mine", label)


def _taken_cells(request: HttpRequest, conflict: Conflict) -> list[Cell] | None:
    """The cells of the booking that took the slot first (from the conflict's details), drawn
    busy as the calendar would; None when they cannot be swapped in (see _block_cells)."""
    details = conflict.details if isinstance(conflict.details, dict) else {}
    try:
        start, end = datetime.fromisoformat(details["start"]), datetime.fromisoformat(details["end"])
    except (KeyError, TypeError, ValueError):
        return None
    return _block_cells(request, start, end, "busy", _("已预约"))


def _block_cells(request: HttpRequest, start: datetime, end: datetime, state: str, label: str) -> list[Cell] | None:
    start, end = timezone.localtime(start, LOCAL), timezone.localtime(end, LOCAL)
    shown = _shown_days(request)
    on_grid = all(t.minute % SLOT_MINUTES == 0 and not t.second for t in (start, end))
    if shown is None or not on_grid or start.date() != end.date() or not shown[0] <= start.date() <= shown[1]:
        return None
    detail = span_text(start, end)
    count = int((end - start).total_seconds() // 60) // SLOT_MINUTES
    cells = []
    for k in range(count):
        s = start + timedelta(minutes=SLOT_MINUTES * k)
        cells.append(
            Cell(
                start=s,
                end=s + timedelta(minutes=SLOT_MINUTES),
                state=state,
                label=label,
                detail=detail,
                span=count if k == 0 else 1,
                covered=k > 0,
            )
        )
    return cells


def _chosen_account(request: HttpRequest, account_id: Any, start: Any) -> Any:
    """The account the form names, if it is one of the user's usable accounts on the day."""
    pk = row_id(account_id)
    if pk is None or not isinstance(start, datetime):
        return None
    usable = usable_accounts(request.user, on=start.astimezone(LOCAL).date())
    return next((a for a in usable if a.pk == pk), None)


def _quote_or_none(request: HttpRequest, instrument: Instrument, start: Any, end: Any, account: Any = None) -> Any:
    if not (request.user.is_authenticated and isinstance(start, datetime) and isinstance(end, datetime)):
        return None
    if end <= start:
        return None
    return booking_quote(request.user, instrument, start, end, account=account)


def panel_context(
    request: HttpRequest,
    instrument: Instrument,
    *,
    form: BookingForm | None,
    outcome: dict[str, Any] | None,
    quote: Any = None,
) -> dict[str, Any]:
    """What _booking_panel.html needs, without the calendar."""
    shown = _shown_days(request)
    return {
        "instrument": instrument,
        "policy": policy_of(instrument),
        "form": form or with_accounts(BookingForm(initial={"weeks": 4}), request.user),
        "outcome": outcome,
        "quote": quote,
        "idempotency_key": uuid.uuid4().hex,
        "detail_url": reverse("instruments:detail", args=[instrument.pk]),
        "panel_date": shown[0] if shown else None,
        "panel_view": "day" if request.POST.get("view") == "day" else "week",
    }


@require_GET
def booking_quote_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The quote for the slot chosen in the calendar (htmx, beside the confirm button)."""
    instrument = _lean_instrument(pk)
    form = QuoteForm(request.GET)
    quote = None
    if form.is_valid():
        data = form.cleaned_data
        account = _chosen_account(request, data.get("account_id"), data["start"])
        quote = _quote_or_none(request, instrument, data["start"], data["end"], account)
    if quote is None:
        return HttpResponse("")
    return render(request, "instruments/_booking_quote.html", {"quote": quote})


def _lean_instrument(pk: int) -> Instrument:
    instrument = instrument_to_book(pk=pk)
    if instrument is None:
        raise Http404(_("未找到该仪器。"))
    return instrument


def _book(request: HttpRequest, pk: int, form: BookingForm) -> tuple[int, dict[str, Any]]:
    """Run the booking service for a valid form: (status, outcome)."""
    data = form.cleaned_data
    try:
        if form.week_count() > 1:
            series = services.booking_create_weekly(
                actor=request.user,
                instrument_id=pk,
                start=data["start"],
                end=data["end"],
                weeks=form.week_count(),
                purpose=data["purpose"],
                account_id=data.get("account_id"),
            )
            return (200 if series.created else FAILED_POST_STATUS), _series_outcome(series)
        key = (request.POST.get("idempotency_key") or "").strip()[:100] or None
        result = services.booking_create(
            actor=request.user,
            instrument_id=pk,
            start=data["start"],
            end=data["end"],
            purpose=data["purpose"],
            idempotency_key=key,
            account_id=data.get("account_id"),
        )
        return 200, {"kind": "created", "booking": result.booking}
    except Conflict as exc:
        title = _("该时段已被预约，请选择其他时间") if exc.code == "slot_taken" else str(exc.message)
        return FAILED_POST_STATUS, {"kind": "error", "code": exc.code, "title": title, "conflict": exc}
    except ValidationFailed as exc:
        details = exc.details if isinstance(exc.details, dict) else {}
        field_errors = {k: v for k, v in details.items() if k in form.fields and isinstance(v, list)}
        for name, msgs in field_errors.items():
            for msg in msgs:
                form.add_error(name, str(msg))
        outcome = {
            "kind": "error",
            "code": exc.code,
            "title": _("该时段不能预约，原因如下："),
            "reasons": _violation_messages(exc) if not field_errors else [],
            "field_errors": bool(field_errors),
        }
        return FAILED_POST_STATUS, outcome
    except ServiceUnavailable:
        return 503, {"kind": "error", "code": "busy", "title": _("系统繁忙，请稍后重试")}
    except PermissionDenied:
        return 403, {"kind": "error", "code": "permission_denied", "title": _("您没有预约仪器的权限。")}


def _htmx_answer(
    request: HttpRequest, pk: int, form: BookingForm, status: int, outcome: dict[str, Any] | None
) -> HttpResponse | None:
    """The small answers: the outcome (and the booked cells), or the panel when the form shows
    errors; None when the whole booking area must be drawn again."""
    if outcome is None or outcome.get("field_errors"):  # the form's own errors: the panel again
        instrument = _lean_instrument(pk)
        data = getattr(form, "cleaned_data", {})
        account = _chosen_account(request, data.get("account_id"), data.get("start"))
        quote = _quote_or_none(request, instrument, data.get("start"), data.get("end"), account)
        context = panel_context(request, instrument, form=form, outcome=outcome, quote=quote)
        response = render(request, "instruments/_booking_panel.html", context, status=status)
        return reswap(retarget(response, "#booking-panel-slot"), "innerHTML")
    if outcome["kind"] == "series":
        return None  # the calendar changed where the form cannot know
    context: dict[str, Any] = {"outcome": outcome, "booked_cells": None, "idempotency_key": None}
    if outcome.get("code") == "slot_taken":
        # someone took the slot first: their booking's cells turn busy (drawing the whole week
        # again cost five times the booking); off the grid or off the page, the area is redrawn
        context["booked_cells"] = _taken_cells(request, outcome["conflict"])
        if context["booked_cells"] is None:
            return None
    elif outcome["kind"] == "created":
        context["booked_cells"] = _booked_cells(request, outcome["booking"])
        if context["booked_cells"] is None:
            return None
        context["idempotency_key"] = uuid.uuid4().hex  # the next booking is another request
    return render(request, "instruments/_booking_done.html", context, status=status)


@require_POST
@domain_errors
def booking_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Book the slot chosen in the calendar (or a weekly series) through the booking service
    (which answers NotFound, a 404, for an instrument that is not there)."""
    detail_url = reverse("instruments:detail", args=[pk])
    if not request.user.is_authenticated:
        _lean_instrument(pk)  # 404 before the login page
        if is_partial(request):
            return HttpResponseClientRedirect(redirect_to_login(detail_url)["Location"])
        return redirect_to_login(detail_url)
    form = with_accounts(BookingForm(request.POST), request.user, lazy=True)
    outcome: dict[str, Any] | None = None
    status = FAILED_POST_STATUS
    anchor = None
    if form.is_valid():
        anchor = timezone.localtime(form.cleaned_data["start"], LOCAL).date()
        status, outcome = _book(request, pk, form)
    succeeded = status == 200
    if succeeded and not is_partial(request):
        assert outcome is not None
        if outcome["kind"] == "created":
            messages.success(request, _("预约成功。"))
        else:
            messages.success(request, _("已按周预约 %(n)d 次。") % {"n": len(outcome["created"])})
            for row in outcome["skipped"]:
                messages.warning(
                    request,
                    _("已跳过 %(when)s：%(reason)s")
                    % {"when": when_text(row["start"], row["end"]), "reason": row["reason"]},
                )
        return redirect(f"{detail_url}?date={anchor.isoformat()}" if anchor else detail_url)
    if not succeeded and getattr(form, "accounts_deferred", False):
        with_accounts(form, request.user)  # the form is shown back: with the user's accounts
    response = _htmx_answer(request, pk, form, status, outcome) if is_partial(request) else None
    if response is None:
        page = get_instrument(pk)  # the whole booking area (or page) again
        context = booking_context(request, page, anchor=anchor, form=None if succeeded else form, outcome=outcome)
        if is_partial(request):
            response = render(request, "instruments/_booking_area.html", context, status=status)
            response = reswap(retarget(response, "#booking-area"), "innerHTML")
        else:
            context.update(page_context(request, page, context["policy"]))
            response = render(request, "instruments/instrument_detail.html", context, status=status)
    if status == 503:
        response["Retry-After"] = "1"
    return response
