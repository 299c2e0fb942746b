"""Issue 8's finding time (the rule-aware free search, next-free) at the edges, and steps taken out
of order: a clear 409/422, never a server error."""

from datetime import timedelta

import pytest
from django.utils import timezone

from nesta.instruments.models import Booking, ProblemReport, TrainingRequest, WaitlistEntry
from tests.api.hostile8.conftest import GOOD, _day, call, error, iso, url

pytestmark = pytest.mark.django_db


# --- finding time: the rule-aware free search and next-free at the edges -------------------------


@pytest.mark.parametrize(
    "query",
    [
        {"available_from": "9999-12-31T23:00:00+08:00", "available_to": "9999-12-31T23:59:00+08:00"},
        {"available_from": "0001-01-01T00:00:00+14:00", "available_to": "0001-01-02T00:00:00+14:00"},
        {"available_from": "2030-01-02T09:00:00+08:00", "available_to": "2030-01-01T09:00:00+08:00"},
        {"available_from": "2030-01-01T09:00:00+08:00", "available_to": "2031-01-01T09:00:00+08:00"},
        {"available_from": "2030-01-01T09:00:00+08:00"},
        {"available_from": "2099-12-31T22:00:00+08:00", "available_to": "2100-01-01T00:00:00+08:00"},
        {"available_from": "x", "available_to": "\x1b"},
        {
            "available_from": "2030-01-01T09:00:00+08:00",
            "available_to": "2030-01-01T10:00:00+08:00",
            "available_minutes": "0",
        },
        {
            "available_from": "2030-01-01T09:00:00+08:00",
            "available_to": "2030-01-01T10:00:00+08:00",
            "available_minutes": str(2**63),
        },
        {
            "available_from": "2030-01-01T09:00:00+08:00",
            "available_to": "2030-01-01T10:00:00+08:00",
            "available_minutes": "-30",
        },
    ],
)
@pytest.mark.parametrize("who", [None, "member_b"])
def test_free_search_edges(client, w, query, who):
    response = call(client, "get", "/api/v1/instruments", w["u"][who] if who else None, query=query)
    if response.status_code != 200:
        error(response, 400, 422)


@pytest.mark.parametrize(
    "query",
    [
        {"duration": "P7D", "after": "2099-12-31T23:00:00+08:00"},
        {"duration": "P1W", "after": "2100-01-01T00:00:00+08:00"},
        {"duration": "PT1M", "after": "2000-01-01T00:00:00+08:00"},
        {"duration": "PT" + "9" * 9 + "S"},
        {"duration": "P9999W"},
        {"duration": "pt1h"},
        {"duration": " PT1H "},
    ],
)
@pytest.mark.parametrize("who", [None, "member_b", "member_a"])
def test_next_free_edges(client, w, query, who):
    response = call(client, "get", url(w, "/instruments/{inst}/next-free"), w["u"][who] if who else None, query=query)
    if response.status_code != 200:
        error(response, 404, 422)


# --- steps out of order: a clear 409/422, never a server error ------------------------------------


def test_moving_a_cancelled_or_past_booking_is_refused(client, w):
    b = Booking.objects.get(pk=w["ids"]["booking"])
    Booking.objects.filter(pk=b.pk).update(status=Booking.Status.CANCELLED)
    response = call(client, "patch", url(w, "/bookings/{booking}"), w["u"]["member_a"], GOOD)
    error(response, 409, 422)
    Booking.objects.filter(pk=b.pk).update(status=b.status)
    past = timezone.now() - timedelta(days=2)
    response = call(
        client,
        "patch",
        url(w, "/bookings/{booking}"),
        w["u"]["member_a"],
        {"start": iso(past), "end": iso(past + timedelta(hours=1))},
    )
    error(response, 409, 422)
    assert Booking.objects.get(pk=b.pk).start == b.start


@pytest.mark.parametrize(
    ("status", "path", "body"),
    [
        (TrainingRequest.Status.DECLINED, "/training-requests/{training}/grant", {}),
        (TrainingRequest.Status.DECLINED, "/training-requests/{training}/schedule", GOOD),
        (TrainingRequest.Status.DECLINED, "/training-requests/{training}/decline", {"reason": "再拒"}),
    ],
)
def test_training_steps_on_a_closed_request_are_409(client, w, status, path, body):
    TrainingRequest.objects.filter(pk=w["ids"]["training"]).update(status=status)
    response = call(client, "post", url(w, path), w["u"]["manager_a"], body)
    error(response, 409, 422)
    response = call(client, "post", url(w, "/training-requests/{training}/withdraw"), w["u"]["member_a"], None)
    error(response, 409, 422)


def test_problem_steps_out_of_order_are_409(client, w):
    ProblemReport.objects.filter(pk=w["ids"]["problem"]).update(status=ProblemReport.Status.RESOLVED)
    for path, body in (("/problems/{problem}/acknowledge", None), ("/problems/{problem}/resolve", {"resolution": "x"})):
        error(call(client, "post", url(w, path), w["u"]["manager_a"], body), 409, 422)


def test_waitlist_steps_on_a_left_entry_are_409(client, w):
    WaitlistEntry.objects.filter(pk=w["ids"]["entry"]).update(status=WaitlistEntry.Status.CANCELLED)
    for method, path in (("post", "/waitlist/{entry}/claim"), ("delete", "/waitlist/{entry}")):
        error(call(client, method, url(w, path), w["u"]["member_a"]), 409, 422)


def test_an_expired_offer_cannot_be_claimed(client, w):
    WaitlistEntry.objects.filter(pk=w["ids"]["entry"]).update(offer_expires_at=timezone.now() - timedelta(minutes=1))
    body = error(call(client, "post", url(w, "/waitlist/{entry}/claim"), w["u"]["member_a"]), 409)
    assert body["code"] == "offer_expired"


@pytest.mark.parametrize("purpose", ["\x1b[31m红字", "a\x07b", "x" * 301])
def test_booking_purpose_with_control_characters_is_422(client, w, purpose):
    # the API's booking create (on behalf of a user is new in issue 8) stores what the manager reads
    body = {"start": iso(_day(7, 10)), "end": iso(_day(7, 11)), "purpose": purpose}
    response = call(client, "post", url(w, "/instruments/{other}/bookings"), w["u"]["member_b"], body)
    error(response, 422)
    assert not Booking.objects.filter(instrument_id=w["ids"]["other"], purpose=purpose).exists()


def test_the_openapi_document_states_integer_bounds_as_minimum_and_maximum():
    """BoundedInt's bounds were documented as pydantic's "ge"/"le" (not JSON Schema), so clients
    and the schemathesis run did not see them."""
    from nesta.api import api

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "integer":
                assert "ge" not in node and "le" not in node, node
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    schema = api.get_openapi_schema()
    walk(schema)
    count = schema["components"]["schemas"]["MaintenanceIn"]["properties"]["count"]
    assert (count["minimum"], count["maximum"]) == (1, 104)
