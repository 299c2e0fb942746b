"""Reads of bookings for the web pages: an instrument to book, one's own bookings (upcoming and
history), the managers' overview (instruments they manage, bookings awaiting approval, one
instrument's bookings, usage, blackouts, qualifications), and what a user may do with a booking now."""

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from nesta.core.pagination import Page, cursor_offset, keyset_page, offset_page
from nesta.core.permissions import restrict
from nesta.instruments.lifecycles import booking_row_steps, booking_transitions, cancel_deadline
from nesta.instruments.models import Blackout, Booking, Instrument, Qualification, UsageSession
from nesta.instruments.selectors.availability import policy_of
from nesta.instruments.selectors.bookers import BOOKER_RELATED, with_contacts

OPEN_STATUSES = ("pending", "confirmed", "in_use")
CHECK_IN_EARLY = timedelta(minutes=30)  # booking_check_in accepts from 30 minutes before the start


def _instrument_queryset() -> QuerySet[Instrument]:
    return Instrument.objects.select_related("owner", "province", "city", "category__parent", "policy")


def instrument_for_booking(*, pk: int) -> Instrument | None:
    """An instrument with what its page and the managers' page show (owner, region, category, policy)."""
    return _instrument_queryset().filter(pk=pk).first()


def instrument_managers(*, instrument: Instrument) -> list[Any]:
    return list(instrument.managers.order_by("id"))


def own_bookings(*, instrument: Instrument, user: Any, start: datetime, end: datetime) -> list[Booking]:
    """The user's active bookings of the instrument overlapping [start, end) (none for anonymous)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Booking.objects.filter(
            instrument=instrument, user_id=user.pk, status__in=Booking.ACTIVE, start__lt=end, end__gt=start
        ).order_by("start")
    )


def with_actions(bookings: list[Booking], now: datetime) -> list[Booking]:
    """What the user may do with each booking now, and the late-cancellation warning."""
    for b in bookings:
        policy = policy_of(b.instrument)
        deadline = cancel_deadline(b)  # with the grace for bookings made inside the window
        steps = booking_row_steps(b, now)  # from the booking's lifecycle table: state and guards
        b.may_cancel = "cancel" in steps  # type: ignore[attr-defined]
        b.late_cancel = b.may_cancel and b.status != Booking.Status.PENDING and now > deadline  # type: ignore[attr-defined]
        b.cancel_deadline = deadline  # type: ignore[attr-defined]
        b.cancel_hours = policy.cancel_deadline_hours  # type: ignore[attr-defined]
        b.may_check_in = "check_in" in steps  # type: ignore[attr-defined]
        b.may_check_out = "check_out" in steps  # type: ignore[attr-defined]
    return bookings


def booking_actions(*, actor: Any, booking: Booking, now: datetime) -> list[str]:
    """What `actor` may do with `booking` now (the testorder_actions of bookings): from the
    booking's lifecycle table — its state, the actor's permission, the guards at `now`. No query
    beyond the actor's grants (the booking's instrument and province must be loaded)."""
    return [t.name for t in booking_transitions(actor, booking, now)]


def _mine(user: Any) -> QuerySet[Booking]:
    return Booking.objects.filter(user=user).select_related(
        "instrument__owner", "instrument__policy", "instrument__city"
    )


def my_upcoming(*, user: Any, now: datetime, limit: int = 100) -> list[Booking]:
    rows = _mine(user).filter(status__in=OPEN_STATUSES, end__gt=now).order_by("start")[:limit]
    return with_actions(list(rows), now)


def my_history(*, user: Any, now: datetime, cursor: str | None, limit: int = 20) -> Page[Booking]:
    """Past and closed bookings, latest first (offset-paged: the order is by start, not by id)."""
    offset = cursor_offset(cursor)
    qs = _mine(user).exclude(status__in=OPEN_STATUSES, end__gt=now).order_by("-start", "-id")
    page = offset_page(list(qs[offset : offset + limit + 1]), offset=offset, limit=limit)
    with_actions(page.items, now)
    return page


def managed_instruments(*, user: Any) -> QuerySet[Instrument]:
    return restrict(user, "instrument.manage", _instrument_queryset(), organization_field="owner_id")


def managed_page(*, user: Any, cursor: str | None, limit: int = 20) -> Page[Instrument]:
    """The instruments the user manages, each with its count of bookings awaiting approval."""
    qs = managed_instruments(user=user).annotate(pending=Count("bookings", filter=Q(bookings__status="pending")))
    return keyset_page(qs, cursor=cursor, limit=limit)


def pending_for_manager(*, user: Any, limit: int = 50) -> list[Booking]:
    """Bookings awaiting the user's approval, with who booked (contact, payer: selectors.bookers)."""
    return with_contacts(
        list(
            Booking.objects.filter(status="pending", instrument__in=managed_instruments(user=user).values("pk"))
            .select_related("instrument", *BOOKER_RELATED)
            .order_by("start")[:limit]
        )
    )


def manage_overview(*, instrument: Instrument, now: datetime) -> dict[str, Any]:
    """What the managers' page of one instrument lists."""
    bookings = Booking.objects.filter(instrument=instrument).select_related("instrument__policy", *BOOKER_RELATED)
    recent = bookings.filter(status__in=("confirmed", "in_use"), end__gt=now - timedelta(hours=12))
    usage = UsageSession.objects.filter(instrument=instrument).select_related("user", "organization")
    qualifications = Qualification.objects.filter(instrument=instrument).select_related("user", "granted_by")
    return {
        "pending": with_contacts(list(bookings.filter(status="pending").order_by("start")[:100])),
        "upcoming": with_contacts(with_actions(list(recent.order_by("start")[:50]), now)),
        "usage": list(usage.order_by("-started_at")[:30]),
        "blackouts": list(Blackout.objects.filter(instrument=instrument, end__gt=now).order_by("start")[:50]),
        "qualifications": list(qualifications.order_by("-granted_at")[:100]),
    }


def blackout_of(*, instrument: Instrument, blackout_id: int) -> Blackout | None:
    return Blackout.objects.filter(pk=blackout_id, instrument=instrument).first()


def user_by_username(username: str) -> Any:
    return get_user_model().objects.filter(username=username.strip()).first()


def user_by_id(user_id: int) -> Any:
    return get_user_model().objects.filter(pk=user_id).first()


def instrument_search(*, filters: Any, cursor: str | None, limit: int, viewer: Any = None) -> Page[Instrument]:
    """One page of the instrument search (registry.instrument_list: ranked by the search index when
    there is a query), with each instrument's booking policy for the badges (one more query)."""
    from django.db.models import prefetch_related_objects

    from nesta.instruments.selectors.registry import instrument_list

    page = instrument_list(filters=filters, cursor=cursor, limit=limit, with_total=True, viewer=viewer)
    prefetch_related_objects(page.items, "policy")
    return page
