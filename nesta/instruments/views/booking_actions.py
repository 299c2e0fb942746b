"""One state change of a booking — 取消, 签到, 签退, 批准, 驳回 — run through its service, then back
with a message."""

from django.contrib import messages
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from nesta.core.generic.transition import Outcome, safe_next, transition_view
from nesta.core.lifecycle import Transition
from nesta.instruments import services
from nesta.instruments.forms.booking import CheckOutForm
from nesta.instruments.lifecycles import BOOKING


def _run(request: HttpRequest, t: Transition, booking_id: int) -> Outcome | None:
    """The step's service (check-out takes the samples and notes of its small form)."""
    if t.name == "cancel":
        booking = services.booking_cancel(actor=request.user, booking_id=booking_id)
        if booking.status == "late_cancelled":
            return Outcome(_("预约已取消。因在截止时间后取消，本次记为逾期取消。"), messages.WARNING)
    elif t.name == "check_in":
        services.booking_check_in(actor=request.user, booking_id=booking_id)
    elif t.name == "check_out":
        form = CheckOutForm(request.POST)
        form.is_valid()
        data = getattr(form, "cleaned_data", {})
        services.booking_check_out(
            actor=request.user,
            booking_id=booking_id,
            samples=data.get("samples") or 0,
            notes=(data.get("notes") or "").strip(),
        )
    else:
        STEPS[t.name](actor=request.user, booking_id=booking_id)
    return None  # the transition's own message (its `done`)


STEPS = {"approve": services.booking_approve, "reject": services.booking_reject}


def _back(request: HttpRequest, booking_id: int) -> str:
    return safe_next(request, reverse("instruments:my_bookings"))


# 取消, 签到, 签退, 批准, 驳回 — one POST view for the table's transitions (urls.py names each).
booking_action = transition_view(BOOKING, id_kwarg="booking_id", run=_run, back=_back, login_next=_back)
