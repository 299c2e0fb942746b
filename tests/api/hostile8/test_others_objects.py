"""Issue 8's new API endpoints reached for other people's objects: outsiders read and change
nothing of anyone else's, and ids that belong elsewhere are refused."""

from datetime import datetime

import pytest

from nesta.instruments.models import Blackout, Booking, PayerAccount, ProblemReport, TrainingRequest, WaitlistEntry
from tests.api.hostile8.conftest import GOOD, S, _day, call, error, iso, url

pytestmark = pytest.mark.django_db


# --- other people's objects -----------------------------------------------------------------------

OUTSIDERS = ["member_b", "manager_b", "admin_b", "member_a2"]


DETAIL_READS = [
    (who, path)
    for who in OUTSIDERS
    for path in (
        "/bookings/{booking}",
        "/instruments/{inst}/bookings",
        "/accounts/{account}",
        "/accounts/{account}/statement",
    )
    # a member of the same organisation may see its accounts' figures: see test_payers_api
    if not (who == "member_a2" and "accounts" in path)
]


@pytest.mark.parametrize(("who", "path"), DETAIL_READS)
def test_outsiders_do_not_read_others_details(client, w, who, path):
    response = call(client, "get", url(w, path), w["u"][who])
    error(response, 403, 404)
    assert "秘密课题" not in response.content.decode()
    assert "沈阳课题经费" not in response.content.decode()


@pytest.mark.parametrize("who", ["member_b", "admin_b", "manager_b"])
def test_outsiders_do_not_list_another_organisations_accounts(client, w, who):
    response = call(client, "get", url(w, "/organizations/{org}/accounts"), w["u"][who])
    if response.status_code == 200:
        assert response.json()["items"] == []
    else:
        error(response, 403, 404)


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_see_no_problem_details(client, w, who):
    response = call(client, "get", url(w, "/instruments/{inst}/problems"), w["u"][who])
    assert response.status_code == 200
    assert "机密" not in response.content.decode()
    anonymous = client.get(url(w, "/instruments/{inst}/problems"))
    assert "机密" not in anonymous.content.decode()


def test_my_lists_hold_only_my_own(client, w):
    for path in ("/me/bookings", "/me/waitlist", "/me/training-requests"):
        response = call(client, "get", url(w, path), w["u"]["member_b"])
        assert response.status_code == 200 and response.json()["items"] == [], (path, response.content)


OUTSIDER_WRITES = [
    ("patch", "/bookings/{booking}", GOOD, ["member_b", "member_a2", "manager_b", "admin_b"]),
    ("post", "/waitlist/{entry}/claim", None, ["member_b", "member_a2", "manager_b"]),
    ("delete", "/waitlist/{entry}", None, ["member_b", "member_a2", "manager_b"]),
    (
        "post",
        "/training-requests/{training}/schedule",
        {**GOOD, "location": "x"},
        ["member_a", "member_b", "manager_b", "admin_b"],
    ),
    ("post", "/training-requests/{training}/grant", {}, ["member_a", "member_b", "manager_b", "admin_b"]),
    ("post", "/training-requests/{training}/decline", {"reason": "x"}, ["member_a", "member_b", "manager_b"]),
    ("post", "/training-requests/{training}/withdraw", None, ["member_b", "member_a2", "manager_b"]),
    (
        "post",
        "/instruments/{inst}/shutdowns",
        {**GOOD, "reason": "x"},
        ["member_a", "member_b", "manager_b", "admin_b"],
    ),
    ("post", "/instruments/{inst}/shutdowns/{shutdown}/end", None, ["member_a", "member_b", "manager_b"]),
    (
        "post",
        "/instruments/{inst}/maintenance",
        {"first_date": S.date().isoformat(), "start_time": "08:00", "end_time": "09:00", "count": 1},
        ["member_a", "member_b", "manager_b"],
    ),
    ("post", "/problems/{problem}/acknowledge", None, ["member_a", "member_b", "manager_b"]),
    ("post", "/problems/{problem}/resolve", {"resolution": "x"}, ["member_a", "member_b", "manager_b"]),
    (
        "post",
        "/organizations/{org}/accounts",
        {"code": "K-X", "name": "x"},
        ["member_a", "member_b", "admin_b", "manager_a"],
    ),
    ("patch", "/accounts/{account}", {"name": "被改"}, ["member_a", "member_b", "admin_b", "manager_a"]),
    ("patch", "/accounts/{account}", {"is_active": False}, ["member_b", "admin_b"]),
    ("get", "/instruments/{inst}/training-requests", None, ["member_a", "member_b", "manager_b"]),
]
OW = [(m, p, b, who) for m, p, b, whos in OUTSIDER_WRITES for who in whos]


@pytest.mark.parametrize(("method", "path", "body", "who"), OW, ids=[f"{m} {p} {who}" for m, p, _b, who in OW])
def test_outsiders_cannot_act_on_others_objects(client, w, method, path, body, who):
    before = _state(w)
    response = call(client, method, url(w, path), w["u"][who], body)
    error(response, 403, 404)
    assert _state(w) == before


def _state(w):
    ids = w["ids"]
    return (
        tuple(Booking.objects.filter(pk=ids["booking"]).values_list("start", "end", "status")),
        tuple(WaitlistEntry.objects.filter(pk=ids["entry"]).values_list("status")),
        tuple(TrainingRequest.objects.filter(pk=ids["training"]).values_list("status")),
        tuple(ProblemReport.objects.filter(pk=ids["problem"]).values_list("status")),
        tuple(PayerAccount.objects.filter(organization=w["org_a"]).values_list("code", "name", "is_active")),
        Blackout.objects.filter(instrument_id=ids["inst"]).count(),
    )


def test_staff_cannot_book_on_behalf_on_another_organisations_instrument(client, w):
    response = call(
        client,
        "post",
        url(w, "/instruments/{inst}/bookings"),
        w["u"]["manager_b"],
        {**GOOD, "on_behalf_of": w["u"]["member_b"].pk},
    )
    error(response, 403, 404, 422)
    assert not Booking.objects.filter(instrument_id=w["ids"]["inst"], user=w["u"]["member_b"]).exists()


def test_a_member_cannot_charge_another_organisations_account(client, w):
    response = call(
        client,
        "post",
        url(w, "/instruments/{other}/bookings"),
        w["u"]["member_b"],
        {"start": iso(_day(5, 10)), "end": iso(_day(5, 11)), "account_id": w["ids"]["account"]},
    )
    error(response, 403, 404, 409, 422)


@pytest.mark.parametrize("token", ["\u00b2.abc", "\u0661\u0662.abc", "1" * 11 + ".x", "."])
def test_calendar_feed_token_with_non_ascii_digits_is_401(client, w, token):
    # "²".isdigit() is True but int("²") raises: the feed must refuse the token, not answer 500
    response = client.get("/api/v1/me/calendar.ics", {"token": token})
    assert error(response, 401)["code"] == "invalid_token"


# --- ids that belong elsewhere (one instrument's manager reaching another's rows) -----------------


def test_a_manager_cannot_end_another_instruments_shutdown_through_their_own(client, w):
    before = _state(w)
    response = call(client, "post", url(w, "/instruments/{other}/shutdowns/{shutdown}/end"), w["u"]["manager_b"], None)
    error(response, 403, 404)
    assert _state(w) == before


def test_a_manager_cannot_remove_another_instruments_maintenance_through_their_own(client, w):
    from nesta.instruments.services.maintenance import maintenance_schedule

    result = maintenance_schedule(
        actor=w["u"]["manager_a"],
        instrument_id=w["ids"]["inst"],
        first_date=_day(8, 9).date(),
        start_time=datetime.strptime("07:00", "%H:%M").time(),
        end_time=datetime.strptime("07:30", "%H:%M").time(),
        pattern="weekly",
        every=1,
        count=2,
        reason="定期",
    )
    count = Blackout.objects.filter(series=result.series).count()
    assert count >= 1
    response = call(
        client, "delete", url(w, "/instruments/{other}/maintenance/{series}", series=result.series), w["u"]["manager_b"]
    )
    assert response.status_code in (200, 403, 404), response.content
    if response.status_code == 200:
        assert response.json() == {"removed": 0}
    assert Blackout.objects.filter(series=result.series).count() == count


def test_a_shutdown_cannot_cite_another_instruments_problem(client, w):
    foreign = ProblemReport.objects.create(instrument_id=w["ids"]["other"], reporter=w["u"]["member_b"], title="别处的")
    response = call(
        client,
        "post",
        url(w, "/instruments/{inst}/shutdowns"),
        w["u"]["manager_a"],
        {**GOOD, "reason": "x", "problem_id": foreign.pk},
    )
    error(response, 404, 422)


def test_a_problem_cannot_cite_someone_elses_booking(client, w):
    response = call(
        client,
        "post",
        url(w, "/instruments/{inst}/problems"),
        w["u"]["member_b"],
        {"title": "借别人的预约", "booking_id": w["ids"]["booking"]},
    )
    error(response, 403, 404, 422)
    assert not ProblemReport.objects.filter(title="借别人的预约").exists()


def test_an_account_holder_must_be_of_the_organisation(client, w):
    response = call(
        client, "patch", url(w, "/accounts/{account}"), w["u"]["admin_a"], {"holder_id": w["u"]["member_b"].pk}
    )
    error(response, 404, 422)
    response = call(
        client,
        "post",
        url(w, "/organizations/{org}/accounts"),
        w["u"]["admin_a"],
        {"code": "K-HB", "name": "外单位负责人", "holder_id": w["u"]["member_b"].pk},
    )
    error(response, 404, 422)
    assert not PayerAccount.objects.filter(code="K-HB").exists()
