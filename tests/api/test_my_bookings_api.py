"""Reading what one has over the API (GET /me/bookings, /me/orders, /bookings/{id}, the
instrument's bookings for its staff) and moving a booking (PATCH /bookings/{id})."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nesta.core.models import Notification
from nesta.instruments.models import Booking, BookingPolicy, PayerAccount, ServiceItem, TestOrder
from tests.conftest import bearer
from tests.factories import InstrumentFactory, OrganizationFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


def weekday(n=1, hour=9, minutes=0):
    """The n-th weekday after today (distinct n, distinct days) at hour:minutes local time."""
    day = timezone.localtime()
    while n:
        day += timedelta(days=1)
        n -= day.isoweekday() <= 5
    return day.replace(hour=hour, minute=minutes, second=0, microsecond=0)


@pytest.fixture
def sem(users, org_ln):
    instrument = InstrumentFactory(owner=org_ln, name="场发射扫描电镜 SU8010")
    BookingPolicy.objects.create(instrument=instrument)
    instrument.managers.add(users["instrument_manager"])
    return instrument


@pytest.fixture
def member2(org_ln):
    org = OrganizationFactory(province_code="210000", city_code="210200")
    return grant(UserFactory(username="t_member2", organization=org), "member", organization=org)


def make(instrument, user, days, hour=9, hours=1, **kw):
    start = weekday(days, hour)
    return Booking.objects.create(
        instrument=instrument,
        user=user,
        organization_id=user.organization_id,
        start=start,
        end=start + timedelta(hours=hours),
        **kw,
    )


def get(client, url, user=None, **params):
    return client.get(url, params, **(bearer(user) if user else {}))


def patch(client, url, user, data):
    headers = bearer(user) if user else {}
    return client.patch(url, data=json.dumps(data), content_type="application/json", **headers)


# --- PATCH /bookings/{id} ----------------------------------------------------------------------


def test_patch_moves_and_answers_the_booking(client, users, sem):
    b = make(sem, users["member"], 1)
    start = weekday(2, 14)
    response = patch(
        client,
        f"/api/v1/bookings/{b.pk}",
        users["member"],
        {"start": start.isoformat(), "end": (start + timedelta(hours=2)).isoformat()},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["status"]) == (b.pk, "confirmed")
    assert Booking.objects.get(pk=b.pk).start == start
    assert body["cancel_deadline"] and body["booked_by_id"] is None and body["flag"] == ""
    assert Notification.objects.filter(user=users["instrument_manager"], kind="booking_moved").exists()


def test_patch_end_only_resizes(client, users, sem):
    b = make(sem, users["member"], 1)
    response = patch(
        client, f"/api/v1/bookings/{b.pk}", users["member"], {"end": (b.end + timedelta(hours=1)).isoformat()}
    )
    assert response.status_code == 200, response.content
    row = Booking.objects.get(pk=b.pk)
    assert (row.start, row.end - row.start) == (b.start, timedelta(hours=2))


def test_patch_into_a_taken_slot_is_409_and_a_rule_broken_422(client, users, member2, sem):
    b = make(sem, users["member"], 1)
    other = make(sem, member2, 1, hour=13)
    url = f"/api/v1/bookings/{b.pk}"
    taken = patch(client, url, users["member"], {"start": other.start.isoformat(), "end": other.end.isoformat()})
    assert (taken.status_code, taken.json()["code"]) == (409, "slot_taken")
    night = weekday(1, 3)
    broken = patch(
        client, url, users["member"], {"start": night.isoformat(), "end": (night + timedelta(hours=1)).isoformat()}
    )
    assert broken.status_code == 422
    assert "outside_bookable_hours" in [v["code"] for v in broken.json()["details"]["violations"]]


def test_patch_validation(client, users, sem):
    b = make(sem, users["member"], 1)
    url = f"/api/v1/bookings/{b.pk}"
    assert patch(client, url, users["member"], {}).status_code == 422
    assert patch(client, url, users["member"], {"start": "2026-12-01T09:00:00"}).status_code == 422  # naive
    assert patch(client, url, users["member"], {"start": "soon"}).status_code == 422


def test_patch_auth_comes_before_validation_and_strangers_are_refused(client, users, member2, sem):
    b = make(sem, users["member"], 1)
    url = f"/api/v1/bookings/{b.pk}"
    assert patch(client, url, None, {"start": "garbage"}).status_code == 401
    later = weekday(3, 9)
    body = {"start": later.isoformat(), "end": (later + timedelta(hours=1)).isoformat()}
    assert patch(client, url, member2, body).status_code == 403
    assert patch(client, f"/api/v1/bookings/{b.pk + 999}", users["member"], body).status_code == 404
    assert patch(client, url, users["instrument_manager"], body).status_code == 200
    assert Notification.objects.filter(user=users["member"], kind="booking_moved").exists()


def test_patch_a_cancelled_booking_is_409_invalid_state(client, users, sem):
    b = make(sem, users["member"], 1, status="cancelled")
    later = weekday(3, 9)
    response = patch(
        client,
        f"/api/v1/bookings/{b.pk}",
        users["member"],
        {"start": later.isoformat(), "end": (later + timedelta(hours=1)).isoformat()},
    )
    assert (response.status_code, response.json()["code"]) == (409, "invalid_state")


# --- on behalf over the API --------------------------------------------------------------------


def test_post_on_behalf_of(client, users, member2, sem):
    start = weekday(2, 10)
    url = f"/api/v1/instruments/{sem.pk}/bookings"
    data = {
        "start": start.isoformat(),
        "end": (start + timedelta(hours=1)).isoformat(),
        "on_behalf_of": users["member"].pk,
    }
    refused = client.post(url, json.dumps(data), content_type="application/json", **bearer(member2))
    assert refused.status_code == 403
    made = client.post(url, json.dumps(data), content_type="application/json", **bearer(users["instrument_manager"]))
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["user_id"], body["booked_by_id"]) == (users["member"].pk, users["instrument_manager"].pk)
    bad = {**data, "on_behalf_of": 0}
    assert (
        client.post(
            url, json.dumps(bad), content_type="application/json", **bearer(users["instrument_manager"])
        ).status_code
        == 422
    )


# --- GET /bookings/{id} ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who,status",
    [("member", 200), ("instrument_manager", 200), ("org_admin", 200), ("office", 200), ("other", 403), (None, 401)],
)
def test_get_booking_visibility(client, users, member2, sem, who, status):
    b = make(sem, users["member"], 1, purpose="断口形貌")
    user = member2 if who == "other" else users[who] if who else None
    response = get(client, f"/api/v1/bookings/{b.pk}", user)
    assert response.status_code == status
    if status == 200:
        assert response.json()["purpose"] == "断口形貌"


def test_get_missing_booking_is_404(client, users):
    assert get(client, "/api/v1/bookings/99999", users["member"]).status_code == 404


# --- GET /me/bookings --------------------------------------------------------------------------


def test_my_bookings_are_mine_newest_first_filtered_and_paged(client, users, member2, sem, org_ln):
    other_instrument = InstrumentFactory(owner=org_ln)
    BookingPolicy.objects.create(instrument=other_instrument)
    mine = [make(sem, users["member"], d) for d in (1, 2, 3)]
    cancelled = make(sem, users["member"], 4, status="cancelled")
    elsewhere = make(other_instrument, users["member"], 1)
    make(sem, member2, 5)  # not mine
    url = "/api/v1/me/bookings"
    ids = [b["id"] for b in get(client, url, users["member"], limit=100).json()["items"]]
    assert ids == [elsewhere.pk, cancelled.pk, *[b.pk for b in reversed(mine)]]
    assert [b["id"] for b in get(client, url, users["member"], status="cancelled").json()["items"]] == [cancelled.pk]
    assert [b["id"] for b in get(client, url, users["member"], instrument=other_instrument.pk).json()["items"]] == [
        elsewhere.pk
    ]
    window = {"from": mine[1].start.isoformat(), "to": mine[1].end.isoformat(), "instrument": sem.pk}
    assert [b["id"] for b in get(client, url, users["member"], **window).json()["items"]] == [mine[1].pk]
    first = get(client, url, users["member"], limit=2).json()
    second = get(client, url, users["member"], limit=2, cursor=first["next_cursor"]).json()
    third = get(client, url, users["member"], limit=2, cursor=second["next_cursor"]).json()
    paged = [b["id"] for page in (first, second, third) for b in page["items"]]
    assert paged == ids and third["next_cursor"] is None


def test_my_bookings_bad_input(client, users):
    url = "/api/v1/me/bookings"
    assert get(client, url).status_code == 401
    assert get(client, url, users["member"], status="nonsense").status_code == 422
    assert get(client, url, users["member"], cursor="!!!").status_code == 400
    assert get(client, url, users["member"], **{"from": "2026-12-01T09:00:00"}).status_code == 422
    assert get(client, url, users["member"], instrument=0).status_code == 422


def _queries(client, url, user, **params):
    headers = bearer(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params, **headers)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


def test_my_bookings_query_count_does_not_grow_with_the_page(client, users, sem, django_assert_max_num_queries):
    for d in range(1, 3):
        make(sem, users["member"], d)
    few = _queries(client, "/api/v1/me/bookings", users["member"])
    for d in range(3, 15):
        make(sem, users["member"], d, hour=14)
    many = _queries(client, "/api/v1/me/bookings", users["member"])
    assert many == few
    with django_assert_max_num_queries(10):
        client.get("/api/v1/me/bookings", **bearer(users["member"]))


# --- GET /me/orders ----------------------------------------------------------------------------


@pytest.fixture
def orders(users, member2, sem):
    service = ServiceItem.objects.create(
        instrument=sem, name="SEM 形貌观察", internal_price=Decimal("100"), external_price=Decimal("200")
    )

    def order(customer, status="submitted"):
        return TestOrder.objects.create(
            service=service,
            instrument=sem,
            customer=customer,
            organization_id=customer.organization_id,
            quantity=Decimal("2"),
            unit_price=Decimal("100"),
            list_amount=Decimal("200"),
            status=status,
        )

    return [order(users["member"]), order(users["member"], "quoted"), order(member2)] + [
        order(users["member"]) for _ in range(6)
    ]


def test_my_orders_are_mine_newest_first_filtered_and_paged(client, users, orders):
    url = "/api/v1/me/orders"
    mine = [o.pk for o in reversed(orders) if o.customer_id == users["member"].pk]
    assert [o["id"] for o in get(client, url, users["member"], limit=100).json()["items"]] == mine
    assert [o["id"] for o in get(client, url, users["member"], status="quoted").json()["items"]] == [orders[1].pk]
    first = get(client, url, users["member"], limit=5).json()
    rest = get(client, url, users["member"], limit=5, cursor=first["next_cursor"]).json()
    assert [o["id"] for o in first["items"] + rest["items"]] == mine and rest["next_cursor"] is None
    assert get(client, url).status_code == 401
    assert get(client, url, users["member"], status="nonsense").status_code == 422


def test_my_orders_query_count_is_fixed(client, users, orders, django_assert_max_num_queries):
    few = _queries(client, "/api/v1/me/orders", users["member"], limit=2)
    many = _queries(client, "/api/v1/me/orders", users["member"], limit=50)
    assert many == few
    with django_assert_max_num_queries(10):
        client.get("/api/v1/me/orders", **bearer(users["member"]))


# --- GET /instruments/{id}/bookings (staff) ----------------------------------------------------


def test_staff_see_who_booked_with_contact_and_payer(client, users, sem, org_ln):
    users["member"].email = "member@example.org"
    users["member"].save()
    account = PayerAccount.objects.create(organization=org_ln, code="KJ-2026-001", name="国家重点研发计划")
    b = make(sem, users["member"], 1, purpose="高温合金断口", account=account, booked_by=users["instrument_manager"])
    response = get(client, f"/api/v1/instruments/{sem.pk}/bookings", users["instrument_manager"])
    assert response.status_code == 200, response.content
    (item,) = response.json()["items"]
    assert item["id"] == b.pk and item["purpose"] == "高温合金断口"
    assert item["user_name"] == str(users["member"]) and item["contact_email"] == "member@example.org"
    assert item["account"] == {"id": account.pk, "code": "KJ-2026-001", "name": "国家重点研发计划"}
    assert item["account_id"] == account.pk and item["booked_by_id"] == users["instrument_manager"].pk
    assert item["booked_by_name"] == str(users["instrument_manager"])


@pytest.mark.parametrize(
    "who,status", [("instrument_manager", 200), ("org_admin", 200), ("office", 200), ("member", 403), (None, 401)]
)
def test_instrument_bookings_are_for_staff(client, users, sem, who, status):
    make(sem, users["member"], 1)
    assert get(client, f"/api/v1/instruments/{sem.pk}/bookings", users[who] if who else None).status_code == status


def test_instrument_bookings_filters_missing_and_query_count(client, users, member2, sem):
    manager = users["instrument_manager"]
    url = f"/api/v1/instruments/{sem.pk}/bookings"
    assert get(client, "/api/v1/instruments/99999/bookings", manager).status_code == 404
    make(sem, users["member"], 1)
    pending = make(sem, member2, 2, status="pending")
    assert [b["id"] for b in get(client, url, manager, status="pending").json()["items"]] == [pending.pk]
    few = _queries(client, url, manager)
    for d in range(3, 12):
        make(sem, member2 if d % 2 else users["member"], d, hour=15)
    assert _queries(client, url, manager) == few
