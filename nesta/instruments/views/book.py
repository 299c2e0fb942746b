"""Making a booking: the slot chosen in an instrument's calendar (or a weekly series) goes
through instruments.services (which check permissions and the policy, lock and audit); domain
errors become messages beside the calendar. A booking that did not happen (the form, the rules,
the slot taken) answers FAILED_POST_STATUS (422) like every failed form; refused is 403, busy 503."""

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from nesta.core.errors import Conflict, PermissionDenied, ServiceUnavailable, ValidationFailed
from nesta.core.generic import FAILED_POST_STATUS, domain_errors, is_partial
from nesta.instruments import services
from nesta.instruments.forms.booking import (
    BookingForm,
)
from nesta.instruments.policy import LOCAL
from nesta.instruments.selectors.calendar import when_text
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


@require_POST
@domain_errors
def booking_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Book the slot chosen in the calendar (or a weekly series) through the booking service."""
    instrument = get_instrument(pk)
    detail_url = reverse("instruments:detail", args=[instrument.pk])
    if not request.user.is_authenticated:
        if is_partial(request):
            return HttpResponseClientRedirect(redirect_to_login(detail_url)["Location"])
        return redirect_to_login(detail_url)
    form = BookingForm(request.POST)
    outcome: dict[str, Any] | None = None
    status = FAILED_POST_STATUS
    anchor = None
    if form.is_valid():
        data = form.cleaned_data
        anchor = timezone.localtime(data["start"], LOCAL).date()
        try:
            if form.week_count() > 1:
                series = services.booking_create_weekly(
                    actor=request.user,
                    instrument_id=instrument.pk,
                    start=data["start"],
                    end=data["end"],
                    weeks=form.week_count(),
                    purpose=data["purpose"],
                )
                outcome = _series_outcome(series)
                status = 200 if series.created else FAILED_POST_STATUS
            else:
                key = (request.POST.get("idempotency_key") or "").strip()[:100] or None
                result = services.booking_create(
                    actor=request.user,
                    instrument_id=instrument.pk,
                    start=data["start"],
                    end=data["end"],
                    purpose=data["purpose"],
                    idempotency_key=key,
                )
                outcome = {"kind": "created", "booking": result.booking}
                status = 200
        except Conflict as exc:
            status = FAILED_POST_STATUS
            if exc.code == "slot_taken":
                outcome = {"kind": "error", "code": exc.code, "title": _("该时段已被预约，请选择其他时间")}
            else:
                outcome = {"kind": "error", "code": exc.code, "title": str(exc.message)}
        except ValidationFailed as exc:
            status = FAILED_POST_STATUS
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
            }
        except ServiceUnavailable:
            status = 503
            outcome = {"kind": "error", "code": "busy", "title": _("系统繁忙，请稍后重试")}
        except PermissionDenied:
            status = 403
            outcome = {"kind": "error", "code": "permission_denied", "title": _("您没有预约仪器的权限。")}
    succeeded = status == 200
    if succeeded and not is_partial(request):
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
    if succeeded:
        form = None  # a fresh form for the next booking
    context = booking_context(request, instrument, anchor=anchor, form=form, outcome=outcome)
    if is_partial(request):
        response = render(request, "instruments/_booking_area.html", context, status=status)
    else:
        context.update(page_context(request, instrument, context["policy"]))
        response = render(request, "instruments/instrument_detail.html", context, status=status)
    if status == 503:
        response["Retry-After"] = "1"
    return response
