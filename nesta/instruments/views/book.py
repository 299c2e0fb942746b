"""Making a booking: the slot chosen in an instrument's calendar (or a weekly series) goes
through instruments.services (which check permissions and the policy, lock and audit); domain
errors become messages beside the calendar."""

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
from nesta.core.permissions import can
from nesta.core.generic import domain_errors, is_partial
from nesta.instruments import services
from nesta.instruments.forms.booking import (
    BookingForm,
)
from nesta.instruments.policy import LOCAL
from nesta.instruments.selectors import orders as order_selectors
from nesta.instruments.views.find import _booking_context, _get_instrument, _when, rules_summary


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
    instrument = _get_instrument(pk)
    detail_url = reverse("instruments:detail", args=[instrument.pk])
    if not request.user.is_authenticated:
        if is_partial(request):
            return HttpResponseClientRedirect(redirect_to_login(detail_url)["Location"])
        return redirect_to_login(detail_url)
    form = BookingForm(request.POST)
    outcome: dict[str, Any] | None = None
    status = 422
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
                status = 200 if series.created else 422
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
            status = 409
            if exc.code == "slot_taken":
                outcome = {"kind": "error", "code": exc.code, "title": _("该时段已被预约，请选择其他时间")}
            else:
                outcome = {"kind": "error", "code": exc.code, "title": str(exc.message)}
        except ValidationFailed as exc:
            status = 422
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
                    % {"when": _when(row["start"], row["end"]), "reason": row["reason"]},
                )
        return redirect(f"{detail_url}?date={anchor.isoformat()}" if anchor else detail_url)
    if succeeded:
        form = None  # a fresh form for the next booking
    context = _booking_context(request, instrument, anchor=anchor, form=form, outcome=outcome)
    if is_partial(request):
        response = render(request, "instruments/_booking_area.html", context, status=status)
    else:
        context.update(
            {
                "rules": rules_summary(context["policy"], instrument),
                "managers": list(instrument.managers.order_by("id")),
                "may_manage": can(request.user, "instrument.manage", instrument),
                "may_change": can(request.user, "instrument.change", instrument),
                "ical_url": f"/api/v1/instruments/{instrument.pk}/calendar.ics",
                "service_items": list(order_selectors.service_items_of(instrument_id=instrument.pk)),
            }
        )
        response = render(request, "instruments/instrument_detail.html", context, status=status)
    if status == 503:
        response["Retry-After"] = "1"
    return response
