"""Free time honours waiting-list holds: a slot offered to the first in line (a time-limited
claim) is not free for anyone else — in "free between", the next free slot, the booking
calendar's cells and the planner — until the claim lapses; for the offered user it is free, and
the booking service agrees (409 slot_offered). Plus shutdowns, on the same hand-built calendar."""

from datetime import timedelta

import pytest

from nesta.core.errors import Conflict
from nesta.instruments.models import Blackout, Instrument, WaitlistEntry
from nesta.instruments.selectors.calendar import calendar_grid
from nesta.instruments.selectors.nextfree import next_free_slot
from nesta.instruments.selectors.planner import planner
from nesta.instruments.selectors.registry import InstrumentFilters, instrument_list
from nesta.instruments.services import booking_create
from nesta.instruments.services.booking import booking_cancel
from nesta.instruments.services.waitlist import waitlist_join
from tests.factories import UserFactory, grant
from tests.instruments.conftest import NOW, at

SLOT = (at(1, 9), at(1, 11))  # Tuesday 09:00–11:00
LAPSED = NOW + timedelta(minutes=31)  # the 30-minute claim window is over (before the job ran)


@pytest.fixture
def people(org_ln):
    return [grant(UserFactory(username=f"fh{i}", organization=org_ln), "member", organization=org_ln) for i in range(2)]


@pytest.fixture
def offered(sem, users, people):
    """SLOT was booked, people[0] queued for it, the booking was cancelled: it is offered to them."""
    taken = booking_create(actor=users["member"], instrument_id=sem.pk, start=SLOT[0], end=SLOT[1], now=NOW).booking
    entry = waitlist_join(people[0], sem.pk, *SLOT, now=NOW).entry
    booking_cancel(actor=users["member"], booking_id=taken.pk, now=NOW)
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.OFFERED and entry.offer_expires_at == NOW + timedelta(minutes=30)
    return entry


def free_ids(user, start, end, now=NOW, minutes=None):
    page = instrument_list(
        filters=InstrumentFilters(available_from=start, available_to=end, free_minutes=minutes),
        limit=50,
        viewer=user,
        now=now,
    )
    return [i.pk for i in page.items]


def fresh(sem):
    return Instrument.objects.select_related("policy").get(pk=sem.pk)


def test_free_between_hides_a_held_slot_from_others_only(sem, offered, people):
    holder, other = people
    assert free_ids(other, *SLOT) == []
    assert free_ids(None, *SLOT) == []  # anonymous: held for someone
    assert free_ids(holder, *SLOT) == [sem.pk]
    # the rest of the day is free for everyone; the found slot starts after the hold
    assert free_ids(other, at(1, 9), at(1, 13), minutes=120) == [sem.pk]
    page = instrument_list(
        filters=InstrumentFilters(available_from=at(1, 9), available_to=at(1, 13), free_minutes=120),
        viewer=other,
        now=NOW,
    )
    assert (page.items[0].free_slot.start, page.items[0].free_slot.end) == (at(1, 11), at(1, 13))
    assert free_ids(other, *SLOT, now=LAPSED) == [sem.pk]  # the claim lapsed


def test_next_free_skips_a_held_slot_for_others(sem, offered, people):
    holder, other = people
    two = timedelta(hours=2)
    found = next_free_slot(fresh(sem), other, two, after=SLOT[0], now=NOW)
    assert (found.start, found.end) == (at(1, 11), at(1, 13))
    found = next_free_slot(fresh(sem), holder, two, after=SLOT[0], now=NOW)
    assert (found.start, found.end) == SLOT
    found = next_free_slot(fresh(sem), other, two, after=SLOT[0], now=LAPSED)
    assert (found.start, found.end) == SLOT


def test_the_booking_service_agrees(sem, offered, people):
    holder, other = people
    with pytest.raises(Conflict) as refused:
        booking_create(actor=other, instrument_id=sem.pk, start=SLOT[0], end=SLOT[1], now=NOW)
    assert refused.value.code == "slot_offered"
    assert booking_create(actor=holder, instrument_id=sem.pk, start=SLOT[0], end=SLOT[1], now=NOW).booking.pk


def test_calendar_cells_and_planner_show_the_hold(sem, offered, people):
    holder, other = people
    day = SLOT[0].date()

    def cell(user, hh):
        grid = calendar_grid(
            instrument=fresh(sem), policy=fresh(sem).policy, user=user, anchor=day, view="day", now=NOW
        )
        return next(c for row in grid.rows for c in row["cells"] if c.start == at(1, hh))

    held = cell(other, 9)
    assert (held.state, held.label) == ("busy", "候补保留")
    assert cell(other, 11).state == "free"
    assert cell(holder, 9).state == "free"

    def planner_cell(user, hh):
        row = next(r for r in planner(user=user, day=day, now=NOW).rows if r.instrument.pk == sem.pk)
        return next(c for c in row.cells if c.start == at(1, hh))

    assert planner_cell(other, 10).state == "busy"
    assert planner_cell(holder, 10).state == "free"
    assert planner_cell(other, 11).state == "free"


def test_a_shutdown_is_never_free(sem, people):
    Blackout.objects.create(instrument=sem, kind=Blackout.Kind.SHUTDOWN, start=at(1, 0), end=at(2, 12))
    assert free_ids(people[1], at(1, 9), at(1, 18)) == []
    assert free_ids(people[1], at(2, 9), at(2, 18)) == [sem.pk]
    found = next_free_slot(fresh(sem), people[1], timedelta(hours=2), after=at(1, 8), now=NOW)
    assert (found.start, found.end) == (at(2, 12), at(2, 14))
