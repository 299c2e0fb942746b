"""Who booked, for the instrument's managers only (问题: the calendar showed "已预约" and nothing
more): the booker's name and organisation, purpose, how to reach them (the e-mail and phone of
their user record or directory Person), the payer account and who booked on their behalf.

Everyone else sees only that a slot is taken (selectors.availability knows nothing more); the
views decide with `instrument.manage` on the instrument and call these only then. Each read
loads what it shows in the same query (select_related), never one query per booking."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet

from nesta.instruments.models import Booking, Instrument

# What a manager's row of a booking shows, loaded with the booking.
BOOKER_RELATED = ("user__person", "organization", "account", "booked_by")


def person_of(user: Any) -> Any | None:
    """The user's directory Person (loaded by select_related("user__person")), or None."""
    try:
        return user.person
    except ObjectDoesNotExist:
        return None


def with_contacts(bookings: list[Booking]) -> list[Booking]:
    """Each booking's booker contact: `contact_email` (the user's, else their Person's) and
    `contact_phone` (their Person's). No query when BOOKER_RELATED was selected."""
    for b in bookings:
        person = person_of(b.user)
        b.contact_email = b.user.email or (person.email if person else "")  # type: ignore[attr-defined]
        b.contact_phone = person.phone if person else ""  # type: ignore[attr-defined]
    return bookings


def with_bookers(qs: QuerySet[Booking]) -> QuerySet[Booking]:
    return qs.select_related(*BOOKER_RELATED)


def bookings_with_bookers(*, instrument: Instrument, start: datetime, end: datetime, limit: int = 500) -> list[Booking]:
    """The active bookings of the instrument overlapping [start, end), with who booked them (one
    query): the managers' view of the calendar."""
    qs = Booking.objects.filter(
        instrument_id=instrument.pk, status__in=Booking.ACTIVE, start__lt=end, end__gt=start
    ).order_by("start", "id")
    return with_contacts(list(with_bookers(qs)[:limit]))


def booker_text(b: Booking) -> str:
    """One line for a calendar cell's tooltip: name（organisation）· purpose · contact · payer."""
    parts = [f"{b.user}（{b.organization.name}）" if b.organization is not None else str(b.user)]
    if b.purpose:
        parts.append(b.purpose)
    contact = " ".join(filter(None, [getattr(b, "contact_phone", ""), getattr(b, "contact_email", "")]))
    if contact:
        parts.append(contact)
    if b.account is not None:
        parts.append(f"{b.account.code} {b.account.name}")
    return " · ".join(parts)


def managers_with_contacts(*, instrument: Instrument) -> list[Any]:
    """The instrument's named managers, each with `contact_email` / `contact_phone` as their user
    record or directory Person has them (one query)."""
    managers = list(instrument.managers.select_related("person").order_by("id"))
    for m in managers:
        person = person_of(m)
        m.contact_email = m.email or (person.email if person else "")  # type: ignore[attr-defined]
        m.contact_phone = person.phone if person else ""  # type: ignore[attr-defined]
        m.title_text = " ".join(filter(None, [person.title, person.position])) if person else ""  # type: ignore[attr-defined]
    return managers
