"""Issue 7 C.7: dates far outside any booking (year 1, year 9999) answered 500 in the booking API,
the instrument page and the search page. The API answers 422 with the field; the pages show an
error or the default, never 500."""

import json

import pytest

from tests.conftest import bearer

FAR = [
    ("0001-01-01T00:00:00+14:00", "0001-01-01T02:00:00+14:00"),
    ("9999-12-31T21:00:00+00:00", "9999-12-31T23:00:00+00:00"),
    ("1999-12-31T09:00:00+08:00", "1999-12-31T10:00:00+08:00"),
]


@pytest.mark.parametrize("start,end", FAR)
def test_booking_api(client, users, sem, start, end):
    r = client.post(
        f"/api/v1/instruments/{sem.pk}/bookings",
        data=json.dumps({"start": start, "end": end}),
        content_type="application/json",
        **bearer(users["member"]),
    )
    assert r.status_code == 422, r.content[:300]
    assert {"start", "end"} <= set(r.json()["details"])


@pytest.mark.parametrize("start,end", FAR)
def test_availability_and_search_api(client, sem, start, end):
    r = client.get(f"/api/v1/instruments/{sem.pk}/availability", {"from": start, "to": end})
    assert r.status_code == 422 and {"from", "start"} & set(r.json()["details"])
    r = client.get("/api/v1/instruments", {"available_from": start, "available_to": end})
    assert r.status_code == 422 and "available_from" in r.json()["details"]


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2026-02-30", "x"])
def test_instrument_page_with_a_far_date_shows_the_default(client, sem, day):
    r = client.get(f"/instruments/{sem.pk}/", {"date": day})
    assert r.status_code == 200


@pytest.mark.parametrize("moment", ["0001-01-01T00:00", "9999-12-31T23:00"])
def test_search_page_with_a_far_free_window_says_so(client, sem, moment):
    r = client.get("/instruments/", {"free_from": moment, "free_to": "2026-12-01T10:00"})
    assert r.status_code == 200
    assert "2000-01-01" in r.content.decode()  # the field's error names the range
    r = client.get("/instruments/", {"free_from": moment})
    assert r.status_code == 200


def test_booking_form_with_a_far_date_is_a_form_error(client, users, sem):
    client.force_login(users["member"])
    r = client.post(f"/instruments/{sem.pk}/book/", {"start": "0001-01-01T00:00", "end": "0001-01-01T02:00"})
    assert r.status_code in {200, 422}
    assert "2000-01-01" in r.content.decode()
