"""Finding instruments (三.1 科技条件平台): the search page, an instrument's page with its booking
calendar, and "我的预约".

Thin by design: every read is a selector (the calendar grid is selectors.calendar.calendar_grid,
the rules in plain words selectors.rules); the search is a generic ListPage."""

import uuid
from datetime import date
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from nesta.core.errors import ValidationFailed
from nesta.core.generic import domain_errors, is_partial, login_required_or_redirect, render_page_or_partial
from nesta.core.generic.list import ListPage
from nesta.core.pagination import Page, cursor_offset
from nesta.core.permissions import can
from nesta.core.validators import local_date
from nesta.instruments.forms.booking import BookingForm, CheckOutForm, InstrumentFilterForm
from nesta.instruments.forms.payers import with_accounts
from nesta.instruments.forms.planner import slot_initial
from nesta.instruments.models import Instrument
from nesta.instruments.policy import LOCAL
from nesta.instruments.selectors import bookers as booker_selectors
from nesta.instruments.selectors import bookings as booking_selectors
from nesta.instruments.selectors import calendar as calendar_selectors
from nesta.instruments.selectors import orders as order_selectors
from nesta.instruments.selectors.availability import policy_of
from nesta.instruments.selectors.rules import rules_summary

PAGE_SIZE = 20
QUICK_WORDS = ["扫描电镜", "透射电镜", "核磁共振", "液质联用", "X射线衍射", "万能试验机"]


def get_instrument(pk: int) -> Instrument:
    instrument = booking_selectors.instrument_for_booking(pk=pk)
    if instrument is None:
        raise Http404(_("未找到该仪器。"))
    return instrument


def _anchor(value: str | None, today: date) -> date:
    """The calendar's day from ?date=; unreadable or out of range (9999-12-31) → today."""
    if not value:
        return today
    try:
        return local_date(value, field="date")
    except ValidationFailed:
        return today


# --- search page ---------------------------------------------------------------------------------


class InstrumentList(ListPage):
    template_name = "instruments/instrument_list.html"
    partial_template = "instruments/_results.html"
    filter_form = InstrumentFilterForm
    page_size = PAGE_SIZE

    def get_page(self, request: HttpRequest, filters: Any, cursor: str | None, limit: int) -> Page[Any]:
        return booking_selectors.instrument_search(
            filters=filters.for_selector(), cursor=cursor, limit=limit, viewer=request.user
        )

    def get_extra_context(self, request: HttpRequest, filters: Any, page: Page[Any]) -> dict[str, Any]:
        return {"may_manage": can(request.user, "instrument.manage"), "quick_words": QUICK_WORDS}


instrument_list = InstrumentList.as_view()


# --- an instrument, its calendar, booking --------------------------------------------------------


def booking_context(
    request: HttpRequest,
    instrument: Instrument,
    *,
    anchor: date | None = None,
    view: str | None = None,
    form: BookingForm | None = None,
    outcome: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The booking area: the calendar around the chosen day, the booking form, the last outcome."""
    policy = policy_of(instrument)
    now = timezone.now()
    today = timezone.localtime(now, LOCAL).date()
    source = request.POST if request.method == "POST" else request.GET
    view = view or ("day" if source.get("view") == "day" else "week")
    anchor = anchor or _anchor(source.get("date"), today)
    calendar = calendar_selectors.calendar_grid(
        instrument=instrument,
        policy=policy,
        user=request.user,
        anchor=anchor,
        view=view,
        now=now,
        # who booked: for the instrument's managers only (the grants are read once per request)
        show_bookers=can(request.user, "instrument.manage", instrument),
    )
    if form is None:  # a planner's or "最早可约"'s link names the slot: the form starts with it
        form = with_accounts(BookingForm(initial={"weeks": 4, **slot_initial(source)}), request.user)
    return {
        "instrument": instrument,
        "policy": policy,
        "calendar": calendar,
        "form": form,
        "outcome": outcome,
        "idempotency_key": uuid.uuid4().hex,
        "detail_url": reverse("instruments:detail", args=[instrument.pk]),
    }


def page_context(request: HttpRequest, instrument: Instrument, policy: Any) -> dict[str, Any]:
    """The rest of the instrument's page around the booking area."""
    return {
        "rules": rules_summary(policy, instrument),
        "managers": booker_selectors.managers_with_contacts(instrument=instrument),
        "may_manage": can(request.user, "instrument.manage", instrument),
        "may_change": can(request.user, "instrument.change", instrument),
        "ical_url": f"/api/v1/instruments/{instrument.pk}/calendar.ics",
        "service_items": list(order_selectors.service_items_of(instrument_id=instrument.pk)),
    }


@require_GET
def instrument_detail(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = get_instrument(pk)
    context = booking_context(request, instrument)
    if not is_partial(request):
        context.update(page_context(request, instrument, context["policy"]))
    return render_page_or_partial(
        request, "instruments/instrument_detail.html", "instruments/_booking_area.html", context
    )


# --- my bookings -----------------------------------------------------------------------------------


@require_GET
@login_required_or_redirect
@domain_errors
def my_bookings(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    cursor = request.GET.get("cursor") or None
    history = booking_selectors.my_history(user=request.user, now=now, cursor=cursor, limit=PAGE_SIZE)
    context = {
        "upcoming": booking_selectors.my_upcoming(user=request.user, now=now),
        "history": history,
        "paged": cursor_offset(cursor) > 0,
        "checkout_form": CheckOutForm(),
        "may_manage": can(request.user, "instrument.manage"),
        "feed_url": request.build_absolute_uri(
            f"/api/v1/me/calendar.ics?token={calendar_selectors.calendar_feed_token(request.user)}"
        ),
    }
    return render_page_or_partial(request, "instruments/my_bookings.html", "instruments/_history.html", context)
