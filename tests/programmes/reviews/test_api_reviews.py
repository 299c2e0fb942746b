"""POST /api/v1/reviews and GET /api/v1/reviews/seats/{id}."""

import json

import pytest

from nesta.programmes.models import AssignmentStatus, Review

pytestmark = pytest.mark.django_db

BODY = {
    "scores": {"innovation": 70, "feasibility": 80},
    "grade": "B",
    "opinion": "fundable",
    "familiarity": "somewhat",
    "comments": "研究内容明确，经费预算基本合理，建议资助。",
}


def _post(client, body, headers=None):
    return client.post("/api/v1/reviews", data=json.dumps(body), content_type="application/json", **(headers or {}))


def test_submit_201(api_client, auth_headers, seat):
    r = _post(api_client, {**BODY, "assignment_id": seat.pk}, auth_headers(seat.expert.user))
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["total"] in ("75.00", 75.0, "75")
    assert data["application_id"] == seat.application_id
    seat.refresh_from_db()
    assert seat.status == AssignmentStatus.SUBMITTED


def test_anonymous_401_before_422(api_client, seat):
    r = _post(api_client, {"assignment_id": "x"})
    assert r.status_code == 401
    assert r.json()["code"] == "not_authenticated"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"scores": {"innovation": 170, "feasibility": 80}}, "score_out_of_range"),
        ({"scores": {"innovation": 70}}, "criterion_missing"),
        ({"grade": "Z"}, "invalid_choice"),
        ({"comments": "短"}, "comments_required"),
    ],
)
def test_coded_422(api_client, auth_headers, seat, change, code):
    r = _post(api_client, {**BODY, **change, "assignment_id": seat.pk}, auth_headers(seat.expert.user))
    assert r.status_code == 422
    assert r.json()["code"] == code
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"assignment_id": 0},
        {"assignment_id": 2**40},
        {"assignment_id": True},
        {"comments": "x\x00y"},
        {"scores": "nope"},
        {"scores": {"innovation": True, "feasibility": 80}},
        {"scores": {"innovation": None, "feasibility": 80}},
    ],
)
def test_bad_shapes_are_422_not_500(api_client, auth_headers, seat, body):
    r = _post(api_client, {**BODY, "assignment_id": seat.pk, **body}, auth_headers(seat.expert.user))
    assert r.status_code in (400, 422)  # a NUL in JSON is refused by the platform as a bad request (400)
    assert "code" in r.json()


def test_other_expert_403(api_client, auth_headers, seat):
    from tests.programmes.factories import expert

    r = _post(api_client, {**BODY, "assignment_id": seat.pk}, auth_headers(expert().user))
    assert r.status_code == 403


def test_seat_view_blind(api_client, auth_headers, seat):
    headers = auth_headers(seat.expert.user)
    r = api_client.get(f"/api/v1/reviews/seats/{seat.pk}", **headers)
    assert r.status_code == 200, r.content
    assert r.json()["application"]["organization"] == seat.application.organization.name
    call = seat.round.call
    call.blind = True
    call.save(update_fields=["blind"])
    r = api_client.get(f"/api/v1/reviews/seats/{seat.pk}", **headers)
    body = r.json()
    assert body["application"]["blind"] is True
    assert body["application"]["organization"] is None and body["application"]["team"] is None
    assert seat.application.organization.name not in r.content.decode()
    assert [c["code"] for c in body["criteria"]] == ["innovation", "feasibility"]
