"""The API of problem reports, shutdowns and recurring maintenance (instruments/api/problems.py)."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from nesta.instruments.models import Blackout, Booking, BookingPolicy, ProblemReport
from nesta.instruments.policy import LOCAL
from tests.conftest import bearer
from tests.factories import InstrumentFactory, OrganizationFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def sem(users, org_ln):
    instrument = InstrumentFactory(owner=org_ln, name="场发射扫描电镜 API")
    BookingPolicy.objects.create(instrument=instrument, weekdays="1234567", open_from="00:00", open_until="23:59")
    instrument.managers.add(users["instrument_manager"])
    return instrument


@pytest.fixture
def outsider(org_jl):
    return grant(UserFactory(username="t_api_outsider", organization=org_jl), "member", organization=org_jl)


def post(client, url, user=None, data=None):
    headers = bearer(user) if user else {}
    return client.post(url, data=json.dumps(data or {}), content_type="application/json", **headers)


def get(client, url, user=None, **params):
    return client.get(url, params, **(bearer(user) if user else {}))


def used(user, instrument):
    return Booking.objects.create(
        instrument=instrument,
        user=user,
        start=timezone.now() - timedelta(days=2, hours=3),
        end=timezone.now() - timedelta(days=2),
        status="completed",
    )


def later(hours):
    return (timezone.localtime(timezone.now(), LOCAL) + timedelta(hours=hours)).replace(microsecond=0)


# --- problems -------------------------------------------------------------------------------------


def test_report_201_and_the_list_hides_details_from_others(api_client, users, sem, outsider):
    used(users["member"], sem)
    url = f"/api/v1/instruments/{sem.pk}/problems"
    r = post(api_client, url, users["member"], {"title": "样品台卡死", "severity": "critical", "description": "Z 轴"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["status"], body["severity"], body["title"], body["detailed"]) == (
        "open",
        "critical",
        "样品台卡死",
        True,
    )
    public = get(api_client, url).json()["items"][0]
    assert public["detailed"] is False and public["title"] is None and public["reporter_name"] is None
    assert public["severity"] == "critical" and public["created_at"]
    assert get(api_client, url, outsider).json()["items"][0]["title"] is None
    assert get(api_client, url, users["member"]).json()["items"][0]["title"] == "样品台卡死"
    staff = get(api_client, url, users["instrument_manager"]).json()["items"][0]
    assert staff["reporter_id"] == users["member"].pk and staff["description"] == "Z 轴"


def test_report_refused_to_someone_who_never_used_it_403(api_client, users, sem):
    r = post(api_client, f"/api/v1/instruments/{sem.pk}/problems", users["member"], {"title": "坏了"})
    assert r.status_code == 403 and r.json()["code"] == "not_a_user"


def test_anonymous_401_before_validation(api_client, sem):
    r = post(api_client, f"/api/v1/instruments/{sem.pk}/problems", None, {"severity": 42})
    assert r.status_code == 401
    r = post(api_client, f"/api/v1/instruments/{sem.pk}/shutdowns", None, {})
    assert r.status_code == 401


@pytest.mark.parametrize(
    "payload",
    [{}, {"title": ""}, {"title": "x" * 121}, {"title": "a", "severity": "doom"}, {"title": "a", "booking_id": 0},
     {"title": "a\u0007b"}],
)  # fmt: skip
def test_report_validation_422(api_client, users, sem, payload):
    r = post(api_client, f"/api/v1/instruments/{sem.pk}/problems", users["instrument_manager"], payload)
    assert r.status_code == 422, r.content
    assert not ProblemReport.objects.exists()


def test_unknown_instrument_404(api_client, users):
    assert post(api_client, "/api/v1/instruments/999999/problems", users["office"], {"title": "x"}).status_code == 404
    assert get(api_client, "/api/v1/instruments/999999/problems").status_code == 404
    assert get(api_client, "/api/v1/instruments/999999/shutdowns").status_code == 404


def test_transitions_and_their_errors(api_client, users, sem):
    manager = users["instrument_manager"]
    pid = post(api_client, f"/api/v1/instruments/{sem.pk}/problems", manager, {"title": "真空报警"}).json()["id"]
    assert post(api_client, f"/api/v1/problems/{pid}/acknowledge", users["member"]).status_code == 403
    r = post(api_client, f"/api/v1/problems/{pid}/acknowledge", manager)
    assert r.status_code == 200 and r.json()["status"] == "acknowledged"
    assert post(api_client, f"/api/v1/problems/{pid}/acknowledge", manager).json()["code"] == "invalid_state"
    assert post(api_client, f"/api/v1/problems/{pid}/resolve", manager, {"resolution": ""}).status_code == 422
    r = post(api_client, f"/api/v1/problems/{pid}/resolve", manager, {"resolution": "更换离子泵"})
    assert r.status_code == 200 and (r.json()["status"], r.json()["resolution"]) == ("resolved", "更换离子泵")
    assert post(api_client, "/api/v1/problems/999999/acknowledge", manager).status_code == 404


def test_problem_list_is_paged_and_filtered(api_client, users, sem, django_assert_max_num_queries):
    manager = users["instrument_manager"]
    for i in range(5):
        post(api_client, f"/api/v1/instruments/{sem.pk}/problems", manager, {"title": f"问题{i}"})
    url = f"/api/v1/instruments/{sem.pk}/problems"
    with django_assert_max_num_queries(6):
        first = get(api_client, url, limit=3).json()
    assert [p["id"] for p in first["items"]] == sorted([p["id"] for p in first["items"]], reverse=True)
    second = get(api_client, url, limit=3, cursor=first["next_cursor"]).json()
    assert len(first["items"]) + len(second["items"]) == 5 and second["next_cursor"] is None
    assert get(api_client, url, status="resolved").json()["items"] == []
    assert get(api_client, url, cursor="!!bad").status_code == 400
    assert api_client.get(url, HTTP_AUTHORIZATION="Bearer nope").status_code == 401


# --- shutdowns ------------------------------------------------------------------------------------


def test_shutdown_201_lists_each_affected_booking_and_what_happened(api_client, users, sem, outsider):
    a = Booking.objects.create(instrument=sem, user=users["member"], start=later(2), end=later(4))
    b = Booking.objects.create(instrument=sem, user=outsider, start=later(5), end=later(6), status="pending")
    url = f"/api/v1/instruments/{sem.pk}/shutdowns"
    payload = {"start": later(1).isoformat(), "end": later(8).isoformat(), "reason": "冷却水故障", "mode": "cancel"}
    assert post(api_client, url, users["member"], payload).status_code == 403
    r = post(api_client, url, users["instrument_manager"], payload)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["shutdown"]["reason"] == "冷却水故障"
    assert [(x["booking_id"], x["action"], x["status"]) for x in body["affected"]] == [
        (a.pk, "cancelled", "cancelled"),
        (b.pk, "cancelled", "cancelled"),
    ]
    listed = get(api_client, url).json()
    assert [s["id"] for s in listed["items"]] == [body["shutdown"]["id"]]
    again = post(api_client, url, users["instrument_manager"], payload)
    assert again.status_code == 409 and again.json()["code"] == "shutdown_overlaps"


def test_shutdown_validation_and_ending(api_client, users, sem):
    manager = users["instrument_manager"]
    url = f"/api/v1/instruments/{sem.pk}/shutdowns"
    bad = {"start": later(2).isoformat(), "end": later(1).isoformat(), "reason": "x"}
    assert post(api_client, url, manager, bad).status_code == 422
    naive = {"start": "2026-12-01T09:00:00", "end": later(3).isoformat(), "reason": "x"}
    assert post(api_client, url, manager, naive).status_code == 422
    assert post(api_client, url, manager, {**bad, "end": later(3).isoformat(), "mode": "x"}).status_code == 422
    sid = post(
        api_client, url, manager, {"start": later(-1).isoformat(), "end": later(3).isoformat(), "reason": "x"}
    ).json()["shutdown"]["id"]
    r = post(api_client, f"{url}/{sid}/end", manager)
    assert r.status_code == 200 and r.json()["called_off"] is False
    assert post(api_client, f"{url}/{sid}/end", manager).json()["code"] == "shutdown_over"
    sid = post(
        api_client, url, manager, {"start": later(5).isoformat(), "end": later(6).isoformat(), "reason": "y"}
    ).json()["shutdown"]["id"]
    r = post(api_client, f"{url}/{sid}/end", manager)
    assert r.json() == {"called_off": True, "shutdown": None}


# --- maintenance ----------------------------------------------------------------------------------


def test_maintenance_201_with_skipped_dates_and_removal(api_client, users, sem):
    manager = users["instrument_manager"]
    first = (timezone.localtime(timezone.now(), LOCAL) + timedelta(days=2)).date()
    start = timezone.datetime.combine(first + timedelta(weeks=1), timezone.datetime.min.time(), tzinfo=LOCAL)
    Booking.objects.create(instrument=sem, user=users["member"], start=start.replace(hour=8), end=start.replace(hour=9))
    url = f"/api/v1/instruments/{sem.pk}/maintenance"
    payload = {"first_date": first.isoformat(), "start_time": "07:30", "end_time": "08:30", "count": 3}
    assert post(api_client, url, users["member"], payload).status_code == 403
    r = post(api_client, url, manager, payload)
    assert r.status_code == 201, r.content
    body = r.json()
    assert len(body["created"]) == 2 and [s["code"] for s in body["skipped"]] == ["booking_conflict"]
    assert post(api_client, url, manager, {**payload, "count": 105}).status_code == 422
    assert post(api_client, url, manager, {**payload, "pattern": "hourly"}).status_code == 422
    r = api_client.delete(f"{url}/{body['series']}", **bearer(manager))
    assert r.status_code == 200 and r.json() == {"removed": 2}
    assert not Blackout.objects.exists()
    assert api_client.delete(f"{url}/{body['series']}", **bearer(manager)).status_code == 404
    assert api_client.delete(f"{url}/not-a-uuid", **bearer(manager)).status_code in (404, 422)


def test_other_instruments_staff_cannot_take_it_down(api_client, sem, org_jl):
    org = OrganizationFactory(province_code="220000", city_code="220100")
    stranger = grant(UserFactory(username="t_api_stranger", organization=org), "instrument_manager", organization=org)
    payload = {"start": later(1).isoformat(), "end": later(2).isoformat(), "reason": "x"}
    assert post(api_client, f"/api/v1/instruments/{sem.pk}/shutdowns", stranger, payload).status_code == 403
