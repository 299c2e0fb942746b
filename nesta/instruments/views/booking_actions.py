"""One state change of a booking — 取消, 签到, 签退, 批准, 驳回 — run through its service, then back
with a message."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nesta.core.errors import Conflict, ServiceUnavailable, ValidationFailed
from nesta.core.generic import domain_errors
from nesta.instruments import services
from nesta.instruments.forms.booking import (
    CheckOutForm,
)


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


@require_POST
@domain_errors
def booking_action(request: HttpRequest, booking_id: int, action: str) -> HttpResponse:
    """取消, 签到, 签退, 批准, 驳回 (urls.py gives each its URL): run one state change of a booking
    and come back with a message."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.POST.get("next") or reverse("instruments:my_bookings"))
    try:
        if action == "cancel":
            booking = services.booking_cancel(actor=request.user, booking_id=booking_id)
            if booking.status == "late_cancelled":
                messages.warning(request, _("预约已取消。因在截止时间后取消，本次记为逾期取消。"))
            else:
                messages.success(request, _("预约已取消。"))
        elif action == "check_in":
            services.booking_check_in(actor=request.user, booking_id=booking_id)
            messages.success(request, _("已签到，开始计时。"))
        elif action == "check_out":
            form = CheckOutForm(request.POST)
            form.is_valid()
            data = getattr(form, "cleaned_data", {})
            services.booking_check_out(
                actor=request.user,
                booking_id=booking_id,
                samples=data.get("samples") or 0,
                notes=(data.get("notes") or "").strip(),
            )
            messages.success(request, _("已签退，使用记录已保存。"))
        elif action == "approve":
            services.booking_approve(actor=request.user, booking_id=booking_id)
            messages.success(request, _("已批准该预约，并已通知预约人。"))
        elif action == "reject":
            services.booking_reject(actor=request.user, booking_id=booking_id)
            messages.success(request, _("已驳回该预约，并已通知预约人。"))
    except (Conflict, ValidationFailed) as exc:
        messages.error(request, str(exc.message))
    except ServiceUnavailable:
        messages.error(request, _("系统繁忙，请稍后重试"))
    return _back(request, reverse("instruments:my_bookings"))
