"""Pages of the waiting list: 排队候补 beside the calendar, the join form (422 on refusal), 我的候补
with the position, the deadline in local time and 确认预约 / 退出候补."""

import pytest

from nesta.instruments.models import Booking, WaitlistEntry
from nesta.instruments.services import booking_create
from nesta.instruments.services.booking import booking_cancel
from nesta.instruments.services.waitlist import waitlist_join
from tests.web.instruments.conftest import at, local, workday

pytestmark = pytest.mark.django_db


@pytest.fixture
def taken(sem, users):
    day = workday()
    return booking_create(actor=users["member"], instrument_id=sem.pk, start=at(day, 9), end=at(day, 11)).booking


def test_the_calendar_offers_the_waitlist_to_the_signed_in(client, login_as, sem):
    assert 'data-testid="waitlist-join"' not in client.get(f"/instruments/{sem.pk}/").content.decode()
    body = login_as("org_admin").get(f"/instruments/{sem.pk}/").content.decode()
    assert 'data-testid="waitlist-join"' in body and f"/instruments/{sem.pk}/waitlist/" in body


def test_join_a_taken_slot_then_see_it_in_my_waitlist(login_as, sem, taken):
    c = login_as("org_admin")
    r = c.post(
        f"/instruments/{sem.pk}/waitlist/",
        {"start": local(taken.start), "end": local(taken.end), "purpose": "成像"},
    )
    assert r.status_code == 302 and r["Location"] == "/instruments/waitlist/"
    page = c.get("/instruments/waitlist/")
    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="waitlist-entry"' in body and "排第 1 位" in body
    assert 'data-testid="waitlist-leave"' in body and 'data-testid="waitlist-claim"' not in body


def test_a_free_slot_is_refused_with_422(login_as, sem, taken):
    day = workday()
    r = login_as("org_admin").post(
        f"/instruments/{sem.pk}/waitlist/", {"start": local(at(day, 14)), "end": local(at(day, 15))}
    )
    assert r.status_code == 422
    assert "请直接预约" in r.content.decode()
    bad = login_as("org_admin").post(f"/instruments/{sem.pk}/waitlist/", {"start": "x", "end": ""})
    assert bad.status_code == 422


def test_an_offer_shows_its_local_deadline_and_is_claimed(login_as, users, sem, taken):
    admin = users["org_admin"]
    entry = waitlist_join(admin, sem.pk, taken.start, taken.end).entry
    booking_cancel(actor=users["member"], booking_id=taken.pk)
    entry.refresh_from_db()
    c = login_as("org_admin")
    body = c.get("/instruments/waitlist/").content.decode()
    deadline = entry.offer_expires_at.astimezone(at(workday(), 0).tzinfo).strftime("%Y-%m-%d %H:%M")
    assert f"请于 {deadline} 前确认" in body
    assert 'data-testid="waitlist-claim"' in body
    r = c.post(f"/instruments/waitlist/{entry.pk}/claim/")
    assert r.status_code == 302
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.CLAIMED
    assert Booking.objects.get(pk=entry.booking_id).user == admin


def test_leave_and_others_cannot_touch_my_entry(login_as, users, sem, taken):
    entry = waitlist_join(users["org_admin"], sem.pk, taken.start, taken.end).entry
    assert login_as("expert").post(f"/instruments/waitlist/{entry.pk}/leave/").status_code == 403
    r = login_as("org_admin").post(f"/instruments/waitlist/{entry.pk}/leave/")
    assert r.status_code == 302
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.CANCELLED


def test_my_waitlist_needs_login_and_stays_within_a_query_budget(
    client, login_as, users, sem, taken, django_assert_max_num_queries
):
    assert client.get("/instruments/waitlist/").status_code == 302
    for hours in range(3):
        b = booking_create(
            actor=users["member"],
            instrument_id=sem.pk,
            start=at(workday(1), 9 + 3 * hours),
            end=at(workday(1), 11 + 3 * hours),
        ).booking
        waitlist_join(users["org_admin"], sem.pk, b.start, b.end)
    c = login_as("org_admin")
    with django_assert_max_num_queries(14):
        body = c.get("/instruments/waitlist/").content.decode()
    assert body.count('data-testid="waitlist-entry"') == 3


def test_managers_see_the_queue_on_their_page(login_as, users, sem, taken):
    waitlist_join(users["org_admin"], sem.pk, taken.start, taken.end)
    body = login_as("instrument_manager").get(f"/instruments/{sem.pk}/manage/").content.decode()
    assert body.count('data-testid="manage-waitlist-entry"') == 1 and str(users["org_admin"]) in body
