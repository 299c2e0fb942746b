"""The waiting list: queue order, offers when a slot frees (cancel, reject, move), skipping
entries that no longer fit, the claim window and its hold, the expiry job, audit, notifications."""

from datetime import timedelta

import pytest

from nesta.core.audit import AuditLog
from nesta.core.errors import Conflict, PermissionDenied, ValidationFailed
from nesta.core.notifications import Notification
from nesta.instruments.models import Booking, Qualification, WaitlistEntry
from nesta.instruments.services import booking_create
from nesta.instruments.services.booking import booking_cancel, booking_reject
from nesta.instruments.services.booking_move import booking_move
from nesta.instruments.services.waitlist import (
    slot_freed,
    waitlist_claim,
    waitlist_join,
    waitlist_leave,
    waitlist_position,
    waitlist_tick,
)
from tests.factories import UserFactory, grant
from tests.instruments.conftest import NOW, at

W = WaitlistEntry.Status
SLOT = (at(1, 9), at(1, 11))


@pytest.fixture
def people(org_ln):
    return [grant(UserFactory(username=f"wl{i}", organization=org_ln), "member", organization=org_ln) for i in range(4)]


@pytest.fixture
def taken(sem, users):
    """SLOT of the SEM booked by the member."""
    return booking_create(actor=users["member"], instrument_id=sem.pk, start=SLOT[0], end=SLOT[1], now=NOW).booking


def join(user, sem, slot=SLOT, now=NOW):
    return waitlist_join(user, sem.pk, slot[0], slot[1], purpose="SEM 成像", now=now)


def test_join_a_taken_slot_in_order_and_positions(sem, taken, people):
    results = [join(p, sem) for p in people[:3]]
    assert [r.position for r in results] == [1, 2, 3]
    assert waitlist_position(results[2].entry) == 3
    assert AuditLog.objects.filter(action="waitlist.joined").count() == 3


def test_join_refuses_a_free_slot_a_broken_rule_and_a_duplicate(sem, taken, people):
    with pytest.raises(ValidationFailed) as free:
        join(people[0], sem, (at(2, 9), at(2, 11)))
    assert free.value.code == "slot_free"
    with pytest.raises(ValidationFailed) as night:
        join(people[0], sem, (at(1, 2), at(1, 4)))
    assert night.value.code == "outside_bookable_hours"
    join(people[0], sem)
    with pytest.raises(Conflict) as twice:
        join(people[0], sem)
    assert twice.value.code == "already_waiting"


def test_cancel_offers_the_first_in_line_with_a_deadline_and_a_notice(sem, taken, users, people):
    first, second = join(people[0], sem).entry, join(people[1], sem).entry
    booking_cancel(actor=users["member"], booking_id=taken.pk, now=NOW)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == W.OFFERED and second.status == W.WAITING
    assert first.offer_expires_at == NOW + timedelta(minutes=30)
    note = Notification.objects.get(user=people[0], kind="waitlist_offered")
    assert note.url == "/instruments/waitlist/" and "确认" in note.body
    assert not Notification.objects.filter(user=people[1], kind="waitlist_offered").exists()
    assert AuditLog.objects.filter(action="waitlist.offered", object_id=str(first.pk)).exists()


def test_the_offer_never_runs_past_the_slot_start(sem, users, people, settings):
    settings.WAITLIST_CLAIM_MINUTES = 48 * 60
    b = booking_create(actor=users["member"], instrument_id=sem.pk, start=SLOT[0], end=SLOT[1], now=NOW).booking
    entry = join(people[0], sem).entry
    booking_cancel(actor=users["member"], booking_id=b.pk, now=NOW)
    entry.refresh_from_db()
    assert entry.offer_expires_at == SLOT[0]


def test_reject_offers_the_slot(sem, users, outsider, people):
    """A rejection takes no `now`: the slot lies ahead of the wall clock too."""
    sem.policy.external_requires_approval = True
    sem.policy.save()
    slot = (at(14, 9), at(14, 11))
    pending = booking_create(actor=outsider, instrument_id=sem.pk, start=slot[0], end=slot[1], now=NOW).booking
    assert pending.status == Booking.Status.PENDING
    entry = join(people[0], sem, slot).entry
    booking_reject(actor=users["instrument_manager"], booking_id=pending.pk)
    entry.refresh_from_db()
    assert entry.status == W.OFFERED


def test_move_offers_the_freed_part(sem, taken, users, people):
    entry = join(people[0], sem).entry
    booking_move(actor=users["member"], booking_id=taken.pk, start=at(1, 14), end=at(1, 16), now=NOW)
    entry.refresh_from_db()
    assert entry.status == W.OFFERED


def test_entries_that_no_longer_fit_are_skipped(sem, taken, users, people):
    unfit, fits = join(people[0], sem).entry, join(people[1], sem).entry
    sem.policy.requires_training = True
    sem.policy.save()
    Qualification.objects.create(instrument=sem, user=people[1])
    booking_cancel(actor=users["member"], booking_id=taken.pk, now=NOW)
    unfit.refresh_from_db()
    fits.refresh_from_db()
    assert (unfit.status, fits.status) == (W.WAITING, W.OFFERED)


def test_an_entry_whose_slot_is_still_partly_booked_is_skipped(sem, users, people, member2):
    a = booking_create(actor=users["member"], instrument_id=sem.pk, start=at(1, 9), end=at(1, 10), now=NOW).booking
    booking_create(actor=member2, instrument_id=sem.pk, start=at(1, 10), end=at(1, 11), now=NOW)
    wide = join(people[0], sem, (at(1, 9), at(1, 11))).entry
    narrow = join(people[1], sem, (at(1, 9), at(1, 10))).entry
    booking_cancel(actor=users["member"], booking_id=a.pk, now=NOW)
    wide.refresh_from_db()
    narrow.refresh_from_db()
    assert (wide.status, narrow.status) == (W.WAITING, W.OFFERED)


def test_the_offer_holds_the_slot_against_others(sem, taken, users, people):
    entry = join(people[0], sem).entry
    booking_cancel(actor=users["member"], booking_id=taken.pk, now=NOW)
    with pytest.raises(Conflict) as held:
        booking_create(actor=people[1], instrument_id=sem.pk, start=at(1, 10), end=at(1, 12), now=NOW)
    assert held.value.code == "slot_offered"
    other = booking_create(actor=people[2], instrument_id=sem.pk, start=at(1, 14), end=at(1, 15), now=NOW).booking
    with pytest.raises(Conflict) as moved:
        booking_move(actor=people[2], booking_id=other.pk, start=at(1, 9), end=at(1, 10), now=NOW)
    assert moved.value.code == "slot_offered"
    claimed = waitlist_claim(people[0], entry.pk, now=NOW + timedelta(minutes=10))
    assert claimed.status == W.CLAIMED
    assert claimed.booking.user == people[0] and claimed.booking.start == SLOT[0]
    assert claimed.booking.purpose == "SEM 成像"
    assert AuditLog.objects.filter(action="waitlist.claimed", object_id=str(entry.pk)).exists()


def test_claim_after_the_window_is_refused_and_only_the_user_claims(sem, taken, users, people):
    entry = join(people[0], sem).entry
    booking_cancel(actor=users["member"], booking_id=taken.pk, now=NOW)
    with pytest.raises(PermissionDenied):
        waitlist_claim(people[1], entry.pk, now=NOW)
    with pytest.raises(Conflict) as late:
        waitlist_claim(people[0], entry.pk, now=NOW + timedelta(minutes=31))
    assert late.value.code == "offer_expired"
    assert not Booking.objects.filter(user=people[0]).exists()
    # once lapsed, the hold is gone: anyone may book
    booking_create(actor=people[2], instrument_id=sem.pk, start=SLOT[0], end=SLOT[1], now=NOW + timedelta(minutes=31))


def test_the_expiry_job_offers_the_next_in_line(sem, taken, users, people):
    first, second = join(people[0], sem).entry, join(people[1], sem).entry
    booking_cancel(actor=users["member"], booking_id=taken.pk, now=NOW)
    later = NOW + timedelta(minutes=31)
    assert waitlist_tick(now=NOW + timedelta(minutes=5)) == 0
    assert waitlist_tick(now=later) == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (W.EXPIRED, W.OFFERED)
    assert second.offer_expires_at == later + timedelta(minutes=30)
    assert Notification.objects.filter(user=people[0], kind="waitlist_expired").exists()
    assert AuditLog.objects.filter(action="waitlist.expired", object_id=str(first.pk)).exists()


def test_waiting_entries_expire_when_their_slot_begins(sem, taken, people):
    entry = join(people[0], sem).entry
    assert waitlist_tick(now=SLOT[0] + timedelta(minutes=1)) == 1
    entry.refresh_from_db()
    assert entry.status == W.EXPIRED
    assert not Notification.objects.filter(user=people[0], kind="waitlist_expired").exists()


def test_leaving_an_offer_passes_it_on(sem, taken, users, people):
    first, second = join(people[0], sem).entry, join(people[1], sem).entry
    with pytest.raises(PermissionDenied):
        waitlist_leave(people[1], first.pk, now=NOW)
    booking_cancel(actor=users["member"], booking_id=taken.pk, now=NOW)
    left = waitlist_leave(people[0], first.pk, now=NOW)
    second.refresh_from_db()
    assert left.status == W.CANCELLED and second.status == W.OFFERED
    assert AuditLog.objects.filter(action="waitlist.left", object_id=str(first.pk)).exists()
    with pytest.raises(Conflict) as again:
        waitlist_leave(people[0], first.pk, now=NOW)
    assert again.value.code == "invalid_state"


def test_slot_freed_with_nobody_waiting_offers_nothing(sem, people):
    assert slot_freed(instrument_id=sem.pk, start=SLOT[0], end=SLOT[1], now=NOW) == []
