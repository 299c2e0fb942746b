"""What one has, for API clients (issue 8, "Reading what one has"): one booking, one's own
bookings and testing orders, and an instrument's bookings for its staff (with who booked).

Lists are keyset-paged on the id, newest first (nesta.core.pagination), so a page stays stable
while bookings are made; each page is a fixed number of queries whatever its length."""

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from nesta.core.errors import NotFound, PermissionDenied
from nesta.core.pagination import Page, keyset_page
from nesta.core.permissions import can, require
from nesta.instruments.models import Booking, Instrument, TestOrder
from nesta.instruments.selectors.bookers import BOOKER_RELATED, with_contacts
from nesta.instruments.selectors.orders import LIST_RELATED

# What a booking's answer reads (its cancellation deadline needs the policy; permissions the province).
BOOKING_RELATED = ("instrument__policy", "instrument__province")


def booking_get(*, actor: Any, booking_id: int) -> Booking:
    """One booking, for its booker, the instrument's staff, the province and the office (the
    booking.view policy): 401 anonymous, 403 others, 404 when there is none."""
    booking = Booking.objects.select_related(*BOOKING_RELATED).filter(pk=booking_id).first()
    if booking is None:
        raise NotFound()
    if not can(actor, "booking.view", booking):
        require(actor, "booking.view", booking)  # 401 for anonymous callers
        raise PermissionDenied(details={"action": "booking.view"})
    return booking


def _filtered(
    qs: QuerySet[Booking], *, status: str = "", start: datetime | None = None, end: datetime | None = None
) -> QuerySet[Booking]:
    """Bookings in a status, overlapping [start, end) (either bound may be open)."""
    if status:
        qs = qs.filter(status=status)
    if start is not None:
        qs = qs.filter(end__gt=start)
    if end is not None:
        qs = qs.filter(start__lt=end)
    return qs


def my_bookings_page(
    *,
    actor: Any,
    status: str = "",
    instrument_id: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[Booking]:
    """The caller's own bookings (as their user), newest first."""
    require(actor, "booking.create")  # signed in
    qs = Booking.objects.filter(user_id=actor.pk).select_related(*BOOKING_RELATED)
    if instrument_id is not None:
        qs = qs.filter(instrument_id=instrument_id)
    return keyset_page(
        _filtered(qs, status=status, start=start, end=end), cursor=cursor, limit=limit, newest_first=True
    )


def my_orders_page(*, actor: Any, status: str = "", cursor: str | None = None, limit: int | None = None) -> Page[Any]:
    """The caller's own testing orders (as the customer), newest first."""
    require(actor, "testorder.create")  # signed in
    qs = TestOrder.objects.filter(customer_id=actor.pk).select_related(*LIST_RELATED, "charge")
    if status:
        qs = qs.filter(status=status)
    return keyset_page(qs, cursor=cursor, limit=limit, newest_first=True)


def instrument_bookings_page(
    *,
    actor: Any,
    instrument_id: int,
    status: str = "",
    start: datetime | None = None,
    end: datetime | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[Booking]:
    """An instrument's bookings for its staff (instrument.manage), newest first, each with who
    booked, their contact and the payer (selectors.bookers): 404 no instrument, 403 not staff."""
    instrument = Instrument.objects.select_related("province").filter(pk=instrument_id).first()
    if instrument is None:
        raise NotFound()
    require(actor, "instrument.manage", instrument)
    qs = Booking.objects.filter(instrument_id=instrument.pk).select_related(*BOOKING_RELATED, *BOOKER_RELATED)
    page = keyset_page(
        _filtered(qs, status=status, start=start, end=end), cursor=cursor, limit=limit, newest_first=True
    )
    with_contacts(page.items)
    return page


def booking_for_move(*, actor: Any, booking_id: int) -> Booking:
    """The booking the move page changes, for those who may move it (booking.move: its booker,
    the instrument's staff): 401 anonymous, 403 others, 404 when there is none."""
    booking = (
        Booking.objects.select_related("instrument__policy", "instrument__province", "instrument__owner", "user")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None:
        raise NotFound()
    require(actor, "booking.move", booking)
    return booking


def user_by_login(text: str) -> Any | None:
    """An active user by username, else by e-mail (case-insensitive): whom a manager books for."""
    text = text.strip()
    if not text:
        return None
    users = get_user_model().objects.filter(is_active=True)
    return users.filter(username=text).first() or (
        users.filter(email__iexact=text).order_by("id").first() if "@" in text else None
    )
