"""The assignment API: statuses and codes, 401 before 422, the expert's own seats only."""

import json

import pytest

from nesta.programmes.models import Assignment
from tests.conftest import bearer

pytestmark = pytest.mark.django_db


def post(client, url, body, user=None):
    headers = bearer(user) if user else {}
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_anonymous_is_401_before_validation(api_client, pool):
    r = post(api_client, f"/api/v1/calls/{pool['call'].pk}/assignment", {"k": "bad"})
    assert r.status_code == 401
    assert api_client.get(f"/api/v1/calls/{pool['call'].pk}/conflicts").status_code == 401
    assert api_client.get("/api/v1/assignments/mine").status_code == 401


def test_expert_may_not_run_the_assignment(api_client, pool):
    r = post(api_client, f"/api/v1/calls/{pool['call'].pk}/assignment", {}, pool["experts"][0].user)
    assert r.status_code == 403
    assert (
        api_client.get(f"/api/v1/calls/{pool['call'].pk}/conflicts", **bearer(pool["experts"][0].user)).status_code
        == 403
    )


def test_run_preview_then_save(api_client, pool, office):
    url = f"/api/v1/calls/{pool['call'].pk}/assignment"
    r = post(api_client, url, {"k": 3, "fair": True}, office)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["saved"] == 0 and body["k"] == 3
    assert len(body["applications"]) == 6 and all(len(a["reviewers"]) == 3 for a in body["applications"])
    assert body["plain"]["pairs"] == 18 and body["greedy"]["pairs"] <= 18
    assert 0 <= body["worst_affinity"] <= body["total_affinity"]
    assert Assignment.objects.count() == 0
    r = post(api_client, url, {"save": True}, office)
    assert r.status_code == 200 and r.json()["saved"] == 18
    seats = api_client.get(url, **bearer(office)).json()
    assert len(seats) == 6 and all(len(a["seats"]) == 3 for a in seats)


def test_infeasible_is_422_with_the_reason(api_client, pool, office):
    r = post(api_client, f"/api/v1/calls/{pool['call'].pk}/assignment", {"k": 12}, office)
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "assignment_infeasible"
    assert body["details"]["reasons"][0]["code"] == "too_few_eligible"


@pytest.mark.parametrize(
    "body", [{"k": 0}, {"k": 16}, {"max_load": 10**12}, {"k": True}, {"fair": "maybe"}, {"min_load": 9, "max_load": 3}]
)
def test_bad_parameters_are_422(api_client, pool, office, body):
    r = post(api_client, f"/api/v1/calls/{pool['call'].pk}/assignment", body, office)
    assert r.status_code == 422


def test_unknown_call_is_404(api_client, office):
    assert post(api_client, "/api/v1/calls/999999/assignment", {}, office).status_code == 404


def test_conflicts_listed_with_reasons_and_paged(api_client, pool, office):
    from nesta.programmes.models import AvoidRequest

    for app in pool["apps"]:
        AvoidRequest.objects.create(application=app, expert=pool["experts"][0])
    r = api_client.get(f"/api/v1/calls/{pool['call'].pk}/conflicts?limit=4", **bearer(office))
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == 6 and len(body["items"]) == 4 and body["next_cursor"]
    assert body["items"][0]["reasons"] == [{"kind": "avoid_request", "reason": "回避：申请人申请回避"}]
    more = api_client.get(
        f"/api/v1/calls/{pool['call'].pk}/conflicts?limit=4&cursor={body['next_cursor']}", **bearer(office)
    ).json()
    assert len(more["items"]) == 2 and more["next_cursor"] is None


def test_invitations_answered_through_the_api(api_client, pool, office):
    post(api_client, f"/api/v1/calls/{pool['call'].pk}/assignment", {"save": True}, office)
    seat = Assignment.objects.select_related("expert__user").first()
    user = seat.expert.user
    mine = api_client.get("/api/v1/assignments/mine", **bearer(user)).json()["items"]
    assert mine and {s["expert_id"] for s in mine} == {seat.expert_id}
    other = Assignment.objects.exclude(expert=seat.expert).first()
    assert post(api_client, f"/api/v1/assignments/{other.pk}/accept", {}, user).status_code == 403
    assert post(api_client, f"/api/v1/assignments/{seat.pk}/accept", {}, user).status_code == 200
    assert post(api_client, f"/api/v1/assignments/{seat.pk}/accept", {}, user).json()["code"] == "invalid_state"
    assert post(api_client, f"/api/v1/assignments/{seat.pk}/decline", {"reason": ""}, user).status_code == 422
    r = post(api_client, f"/api/v1/assignments/{seat.pk}/decline", {"reason": "出差"}, user)
    assert r.status_code == 200 and r.json()["seat"]["status"] == "declined" and r.json()["replacements"] == 1


def test_swap_through_the_api(api_client, pool, office):
    post(api_client, f"/api/v1/calls/{pool['call'].pk}/assignment", {"save": True}, office)
    seat = Assignment.objects.first()
    on_app = set(Assignment.objects.filter(application=seat.application).values_list("expert_id", flat=True))
    r = post(
        api_client, f"/api/v1/assignments/{seat.pk}/swap", {"expert_id": sorted(on_app - {seat.expert_id})[0]}, office
    )
    assert r.status_code == 422 and r.json()["code"] == "already_assigned"
    r = post(api_client, f"/api/v1/assignments/{seat.pk}/swap", {"expert_id": 1}, pool["experts"][0].user)
    assert r.status_code == 403
    assert post(api_client, "/api/v1/assignments/999999/swap", {"expert_id": 1}, office).status_code == 404
