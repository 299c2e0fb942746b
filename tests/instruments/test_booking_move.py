"""Moving or resizing a booking (services.booking_move) and booking on behalf of a user."""

import sys
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from nesta.core.errors import Conflict, NotAuthenticated, NotFound, PermissionDenied, ValidationFailed
from nesta.core.models import AuditLog, Notification
from nesta.instruments.models import Blackout, Booking, BookingPolicy, Qualification
from nesta.instruments.services import booking_approve, booking_cancel, booking_create, booking_move
from nesta.instruments.services.booking_move import _freed
from tests.factories import InstrumentFactory, OrganizationFactory, UserFactory, grant
from tests.instruments.conftest import NOW, at

pytestmark = pytest.mark.django_db


def book(user, instrument, start, end, **kw):
    return booking_create(actor=user, instrument_id=instrument.pk, start=start, end=end, now=NOW, **kw).booking


def move(actor, booking, start, end, now=NOW):
    return booking_move(actor=actor, booking_id=booking.pk, start=start, end=end, now=now)


def codes(exc):
    return [v["code"] for v in exc.value.details["violations"]]


def set_policy(instrument, **values):
    BookingPolicy.objects.filter(instrument=instrument).update(**values)


@pytest.fixture
def waitlist(monkeypatch):
    """The waiting list's slot_freed, recording what a move freed."""
    calls = []
    monkeypatch.setattr(
        sys.modules["nesta.instruments.services.booking_move"], "slot_freed", lambda **kw: calls.append(kw)
    )
    return calls


# --- the move itself ---------------------------------------------------------------------------


def test_booker_moves_in_place_audited_and_the_managers_are_told(users, sem, waitlist):
    b = book(users["member"], sem, at(1, 9), at(1, 11))
    Booking.objects.filter(pk=b.pk).update(reminded_at=NOW)
    moved = move(users["member"], b, at(2, 14), at(2, 16))
    row = Booking.objects.get(pk=b.pk)
    assert (moved.pk, row.start, row.end, row.status) == (b.pk, at(2, 14), at(2, 16), "confirmed")
    assert row.reminded_at is None  # the new time is reminded of again
    assert Booking.objects.filter(instrument=sem).count() == 1
    log = AuditLog.objects.get(action="booking.moved", object_id=str(b.pk))
    assert log.actor == users["member"]
    assert log.changes == {
        "start": [at(1, 9).isoformat(), at(2, 14).isoformat()],
        "end": [at(1, 11).isoformat(), at(2, 16).isoformat()],
    }
    manager_notes = Notification.objects.filter(user=users["instrument_manager"], kind="booking_moved")
    assert manager_notes.count() == 1 and "2026-12-02 14:00" in manager_notes.get().body
    assert not Notification.objects.filter(user=users["member"], kind="booking_moved").exists()
    assert waitlist == [{"instrument_id": sem.pk, "start": at(1, 9), "end": at(1, 11), "now": NOW}]


def test_a_manager_moving_it_tells_the_booker(users, sem, waitlist):
    b = book(users["member"], sem, at(1, 9), at(1, 11))
    move(users["instrument_manager"], b, at(1, 13), at(1, 15))
    note = Notification.objects.get(user=users["member"], kind="booking_moved")
    assert "2026-12-01 13:00" in note.body and "2026-12-01 09:00" in note.body
    assert not Notification.objects.filter(user=users["instrument_manager"], kind="booking_moved").exists()


def test_a_move_may_overlap_its_own_old_slot_and_only_the_uncovered_part_is_freed(users, sem, waitlist):
    b = book(users["member"], sem, at(1, 9), at(1, 11))
    move(users["member"], b, at(1, 10), at(1, 12))
    assert Booking.objects.get(pk=b.pk).start == at(1, 10)
    assert waitlist == [{"instrument_id": sem.pk, "start": at(1, 9), "end": at(1, 10), "now": NOW}]
    move(users["member"], b, at(1, 10, 30), at(1, 11))  # shrink on both sides: two parts freed
    assert [(c["start"], c["end"]) for c in waitlist[1:]] == [(at(1, 10), at(1, 10, 30)), (at(1, 11), at(1, 12))]


def test_freed_parts():
    a, b, c, d = at(1, 9), at(1, 10), at(1, 11), at(1, 12)
    assert _freed((a, c), (b, d)) == [(a, b)]
    assert _freed((a, d), (b, c)) == [(a, b), (c, d)]
    assert _freed((a, b), (c, d)) == [(a, b)]
    assert _freed((b, c), (a, d)) == []


def test_moving_into_a_taken_slot_is_409_and_changes_nothing(users, member2, sem, waitlist):
    b = book(users["member"], sem, at(1, 9), at(1, 11))
    book(member2, sem, at(1, 13), at(1, 15))
    with pytest.raises(Conflict) as exc:
        move(users["member"], b, at(1, 14), at(1, 16))
    assert exc.value.code == "slot_taken"
    assert Booking.objects.get(pk=b.pk).start == at(1, 9)
    assert not AuditLog.objects.filter(action="booking.moved").exists() and waitlist == []


def test_the_gap_rule_excludes_the_booking_itself_but_not_its_neighbours(users, member2, sem, waitlist):
    set_policy(sem, gap_minutes=30)
    b = book(users["member"], sem, at(1, 9), at(1, 11))
    move(users["member"], b, at(1, 11), at(1, 12))  # right after its own old end: fine
    book(member2, sem, at(1, 14), at(1, 15))
    with pytest.raises(ValidationFailed) as exc:
        move(users["member"], b, at(1, 13), at(1, 13, 45))
    assert exc.value.code == "gap_required"


@pytest.mark.parametrize(
    "start,end,code",
    [
        ((1, 6), (1, 9), "outside_bookable_hours"),
        ((5, 9), (5, 11), "not_a_bookable_day"),  # a Saturday
        ((1, 9), (1, 9, 15), "too_short"),
        ((1, 9), (1, 18), "too_long"),
        ((40, 9), (40, 11), "too_far_ahead"),
        ((0, 7), (0, 7, 45), "in_the_past"),
    ],
)
def test_the_rules_of_a_create_apply_to_the_new_slot(users, sem, start, end, code):
    b = book(users["member"], sem, at(1, 9), at(1, 11))
    with pytest.raises(ValidationFailed) as exc:
        move(users["member"], b, at(*start), at(*end))
    assert code in codes(exc)
    assert Booking.objects.get(pk=b.pk).start == at(1, 9)


def test_a_blackout_on_the_new_slot_is_422(users, sem):
    b = book(users["member"], sem, at(1, 9), at(1, 11))
    Blackout.objects.create(instrument=sem, start=at(2, 8), end=at(2, 12), reason="换灯丝")
    with pytest.raises(ValidationFailed) as exc:
        move(users["member"], b, at(2, 9), at(2, 10))
    assert codes(exc) == ["blackout"]


def test_quota_counts_the_other_bookings_not_the_one_moved(users, sem):
    set_policy(sem, daily_quota_minutes_user=180)
    b = book(users["member"], sem, at(1, 9), at(1, 11))
    book(users["member"], sem, at(1, 14), at(1, 15))
    move(users["member"], b, at(1, 16), at(1, 18))  # 120 + 60 = 180 with itself not counted twice
    with pytest.raises(ValidationFailed) as exc:
        move(users["member"], b, at(1, 16), at(1, 18, 30))
    assert codes(exc) == ["quota_exceeded"]
    assert exc.value.details["violations"][0]["used_minutes"] == 60


def test_the_bookers_training_counts_not_the_movers(users, sem):
    set_policy(sem, requires_training=True)
    Qualification.objects.create(instrument=sem, user=users["member"], expires_at=at(1, 12))
    b = book(users["member"], sem, at(1, 9), at(1, 11))
    with pytest.raises(ValidationFailed) as exc:  # the manager moves it past the booker's expiry
        move(users["instrument_manager"], b, at(2, 9), at(2, 11))
    assert codes(exc) == ["qualification_expired"]


def test_a_suspended_booker_cannot_move(users, sem):
    b = book(users["member"], sem, at(1, 9), at(1, 11))
    for day in (3, 4, 5):
        Booking.objects.create(
            instrument=sem, user=users["member"], start=at(-day, 9), end=at(-day, 10), status="no_show"
        )
    with pytest.raises(ValidationFailed) as exc:
        move(users["member"], b, at(2, 9), at(2, 11))
    assert codes(exc) == ["booking_suspended"]


# --- which bookings move, and their approval ---------------------------------------------------


def test_only_active_future_bookings_move(users, sem):
    b = book(users["member"], sem, at(1, 9), at(1, 11))
    with pytest.raises(Conflict) as exc:  # it has started
        move(users["member"], b, at(2, 9), at(2, 11), now=at(1, 9, 30))
    assert exc.value.code == "invalid_state"
    booking_cancel(actor=users["member"], booking_id=b.pk, now=NOW)
    with pytest.raises(Conflict) as exc:
        move(users["member"], b, at(2, 9), at(2, 11))
    assert exc.value.code == "invalid_state"
    for status in ("in_use", "completed", "no_show", "rejected"):
        Booking.objects.filter(pk=b.pk).update(status=status)
        with pytest.raises(Conflict):
            move(users["instrument_manager"], b, at(2, 9), at(2, 11))


@pytest.fixture
def approval_sem(sem):
    set_policy(sem, external_requires_approval=True)
    return sem


def test_a_pending_booking_stays_pending(outsider, approval_sem, users):
    b = book(outsider, approval_sem, at(1, 9), at(1, 11))
    assert b.status == "pending"
    assert move(outsider, b, at(2, 9), at(2, 10)).status == "pending"
    assert move(users["instrument_manager"], b, at(2, 9), at(2, 12)).status == "pending"


def test_an_approved_booking_keeps_its_approval_unless_the_booker_makes_it_longer(outsider, approval_sem, users):
    b = book(outsider, approval_sem, at(1, 9), at(1, 11))
    booking_approve(actor=users["instrument_manager"], booking_id=b.pk)
    assert move(outsider, b, at(2, 9), at(2, 11)).status == "confirmed"  # same length
    assert move(outsider, b, at(2, 9), at(2, 10)).status == "confirmed"  # shorter
    moved = move(outsider, b, at(2, 9), at(2, 12))  # longer: asked again
    assert moved.status == "pending"
    log = AuditLog.objects.filter(action="booking.moved", object_id=str(b.pk)).order_by("-id").first()
    assert log.changes["status"] == ["confirmed", "pending"]
    assert "待审批" in Notification.objects.filter(user=users["instrument_manager"]).order_by("-id").first().body


def test_staff_moving_an_approved_booking_longer_keeps_it_confirmed(outsider, approval_sem, users):
    b = book(outsider, approval_sem, at(1, 9), at(1, 11))
    booking_approve(actor=users["instrument_manager"], booking_id=b.pk)
    assert move(users["instrument_manager"], b, at(2, 9), at(2, 13)).status == "confirmed"


# --- who may move ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,allowed",
    [
        ("member", True),  # the booker
        ("instrument_manager", True),
        ("org_admin", True),
        ("office", True),
        ("province", False),
        ("expert", False),
        ("other_member", False),
        ("other_manager", False),  # a manager of another organisation
    ],
)
def test_permission_matrix(users, sem, member2, role, allowed):
    b = book(users["member"], sem, at(1, 9), at(1, 11))
    if role == "other_member":
        actor = member2
    elif role == "other_manager":
        org = OrganizationFactory(province_code="210000", city_code="210100")
        actor = grant(UserFactory(username="t_other_mgr", organization=org), "instrument_manager", organization=org)
    else:
        actor = users[role]
    if allowed:
        assert move(actor, b, at(2, 9), at(2, 11)).start == at(2, 9)
    else:
        with pytest.raises(PermissionDenied):
            move(actor, b, at(2, 9), at(2, 11))
        assert Booking.objects.get(pk=b.pk).start == at(1, 9)


def test_anonymous_and_missing(users, sem):
    b = book(users["member"], sem, at(1, 9), at(1, 11))
    with pytest.raises(NotAuthenticated):
        move(AnonymousUser(), b, at(2, 9), at(2, 11))
    with pytest.raises(NotFound):
        booking_move(actor=users["member"], booking_id=b.pk + 999, start=at(2, 9), end=at(2, 11), now=NOW)


def test_naive_times_are_refused(users, sem):
    b = book(users["member"], sem, at(1, 9), at(1, 11))
    with pytest.raises(ValidationFailed) as exc:
        move(users["member"], b, at(2, 9).replace(tzinfo=None), at(2, 11))
    assert "start" in exc.value.details


# --- booking on behalf of a user ---------------------------------------------------------------


def test_a_manager_books_on_behalf_of_a_member(users, sem):
    b = book(users["instrument_manager"], sem, at(1, 9), at(1, 11), on_behalf_of=users["member"].pk)
    assert (b.user_id, b.booked_by_id, b.organization_id) == (
        users["member"].pk,
        users["instrument_manager"].pk,
        users["member"].organization_id,
    )
    note = Notification.objects.get(user=users["member"], kind="booking_on_behalf")
    assert "2026-12-01 09:00" in note.body
    log = AuditLog.objects.get(action="booking.created", object_id=str(b.pk))
    assert log.actor == users["instrument_manager"] and log.changes["user"] == [None, str(users["member"])]


def test_booking_for_oneself_is_not_on_behalf(users, sem):
    b = book(users["instrument_manager"], sem, at(1, 9), at(1, 11), on_behalf_of=users["instrument_manager"].pk)
    assert b.booked_by_id is None and not Notification.objects.filter(kind="booking_on_behalf").exists()


def test_the_users_rules_apply_on_behalf(users, sem, outsider):
    set_policy(sem, requires_training=True, external_requires_approval=True)
    manager = users["instrument_manager"]
    with pytest.raises(ValidationFailed) as exc:
        book(manager, sem, at(1, 9), at(1, 11), on_behalf_of=outsider.pk)
    assert "qualification_required" in codes(exc)
    Qualification.objects.create(instrument=sem, user=outsider)
    b = book(manager, sem, at(1, 9), at(1, 11), on_behalf_of=outsider.pk)
    assert (b.status, b.is_external) == ("pending", True)  # the outsider's organisation decides


def test_the_users_quota_applies_on_behalf(users, sem):
    set_policy(sem, daily_quota_minutes_user=120)
    book(users["member"], sem, at(1, 9), at(1, 11))
    with pytest.raises(ValidationFailed) as exc:
        book(users["instrument_manager"], sem, at(1, 13), at(1, 14), on_behalf_of=users["member"].pk)
    assert codes(exc) == ["quota_exceeded"]


@pytest.mark.parametrize("role", ["member", "expert", "province"])
def test_only_staff_book_on_behalf(users, sem, member2, role):
    with pytest.raises(PermissionDenied):
        book(users[role], sem, at(1, 9), at(1, 11), on_behalf_of=member2.pk)
    assert not Booking.objects.exists()


def test_staff_of_another_organisation_cannot_book_on_behalf(users, member2):
    other = InstrumentFactory(owner=OrganizationFactory(province_code="220000", city_code="220100"))
    BookingPolicy.objects.create(instrument=other)
    with pytest.raises(PermissionDenied):
        book(users["instrument_manager"], other, at(1, 9), at(1, 11), on_behalf_of=member2.pk)


def test_on_behalf_of_an_unknown_user_is_422(users, sem):
    with pytest.raises(ValidationFailed) as exc:
        book(users["instrument_manager"], sem, at(1, 9), at(1, 11), on_behalf_of=10**8)
    assert exc.value.code == "unknown_user" and "on_behalf_of" in exc.value.details


def test_a_booking_made_on_behalf_moves_like_any_other(users, sem):
    b = book(users["instrument_manager"], sem, at(1, 9), at(1, 11), on_behalf_of=users["member"].pk)
    assert move(users["member"], b, at(1, 12), at(1, 13)).end == at(1, 13)
    assert timedelta(hours=1) == Booking.objects.get(pk=b.pk).end - Booking.objects.get(pk=b.pk).start


def test_the_payer_accounts_limit_holds_on_a_move_with_its_old_estimate_left_out(users, sem, org_ln):
    from nesta.instruments.models import PayerAccount

    # 200 元/h inside the owner: a 2 h booking is 400 元 of a 500 元 limit
    account = PayerAccount.objects.create(organization=org_ln, code="KJ-1", name="课题一", spending_limit=500)
    b = book(users["member"], sem, at(1, 9), at(1, 11), account_id=account.pk)
    assert move(users["member"], b, at(2, 9), at(2, 11)).account_id == account.pk  # same cost: fits
    with pytest.raises(ValidationFailed) as exc:
        move(users["member"], b, at(2, 9), at(2, 12))  # 600 元 > 500 元
    assert exc.value.code == "account_limit_exceeded"
    assert Booking.objects.get(pk=b.pk).end == at(2, 11)


# --- the waiting list ---------------------------------------------------------------------------


def test_the_freed_slot_is_offered_to_the_first_in_line(users, member2, sem):
    from nesta.instruments.models import WaitlistEntry
    from nesta.instruments.services.waitlist import waitlist_join

    b = book(users["member"], sem, at(1, 9), at(1, 11))
    entry = waitlist_join(member2, sem.pk, at(1, 9), at(1, 11), now=NOW).entry
    move(users["member"], b, at(2, 9), at(2, 11))
    entry = WaitlistEntry.objects.get(pk=entry.pk)
    assert entry.status == "offered" and entry.offer_expires_at is not None
    assert Notification.objects.filter(user=member2).exists()


def test_a_slot_offered_to_someone_else_is_held(users, member2, sem):
    from nesta.instruments.services.waitlist import waitlist_join

    first = book(users["member"], sem, at(1, 9), at(1, 11))
    mine = book(users["member"], sem, at(2, 9), at(2, 11))
    waitlist_join(member2, sem.pk, at(1, 9), at(1, 11), now=NOW)
    booking_cancel(actor=users["member"], booking_id=first.pk, now=NOW)  # offered to member2
    with pytest.raises(Conflict) as exc:
        move(users["member"], mine, at(1, 9), at(1, 11))
    assert exc.value.code == "slot_offered"
    assert Booking.objects.get(pk=mine.pk).start == at(2, 9)
