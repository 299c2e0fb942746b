"""The office's scores and selection pages, and the API."""

import json

import pytest
from django.urls import reverse

from nesta.programmes.models import ApplicationStatus, CallStatus, SelectionRun
from tests.programmes.selection.conftest import scored_call

pytestmark = pytest.mark.django_db


def test_scores_page(client, reference, office, django_assert_max_num_queries):
    call, apps = scored_call([(90, 100), (80, 100), (70, 100), (60, 100)])
    client.force_login(office)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("programmes:call_scores", args=[call.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count('data-testid="score-row"') == 4
    assert body.index(f'data-application="{apps[0].pk}"') < body.index(f'data-application="{apps[3].pk}"')
    assert 'data-testid="reviewer-row"' in body


def test_scores_page_queries_do_not_grow(client, reference, office, django_assert_max_num_queries):
    call, _apps = scored_call([(90 - k, 100) for k in range(12)])
    client.force_login(office)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("programmes:call_scores", args=[call.pk])).status_code == 200


def test_scores_and_selection_pages_refused_to_others(client, reference, users):
    call, _apps = scored_call([(90, 100)])
    for role in ("expert", "org_admin"):
        client.force_login(users[role])
        assert client.get(reverse("programmes:call_scores", args=[call.pk])).status_code == 403
        assert client.get(reverse("programmes:call_selection", args=[call.pk])).status_code == 403


def test_selection_page_run_and_confirm(client, reference, office):
    call, apps = scored_call([(90, 200), (85, 150), (80, 100), (75, 50)])
    client.force_login(office)
    url = reverse("programmes:call_selection", args=[call.pk])
    assert client.get(url).status_code == 200
    r = client.post(url, {"budget": "3000000", "score": "raw", "rank_rule": "stop", "tolerance": "0.5"})
    assert r.status_code == 302
    run = SelectionRun.objects.get(call=call)
    page = client.get(r["Location"])
    body = page.content.decode()
    assert 'data-testid="row-optimal"' in body and 'data-testid="row-rank"' in body
    assert body.count('data-testid="line"') == 4
    r = client.post(
        reverse("programmes:selection_confirm", args=[run.pk]),
        {"adjustments": f"-{apps[3].pk} 与已立项项目重复", "note": ""},
    )
    assert r.status_code == 302
    call.refresh_from_db()
    assert call.status == CallStatus.DECIDED
    assert apps[3].__class__.objects.get(pk=apps[3].pk).status == ApplicationStatus.NOT_FUNDED


def test_selection_page_over_budget_adjustment_is_refused(client, reference, office):
    call, apps = scored_call([(90, 200), (85, 150), (80, 100), (75, 50)])
    client.force_login(office)
    client.post(
        reverse("programmes:call_selection", args=[call.pk]), {"score": "raw", "rank_rule": "stop", "tolerance": "0.5"}
    )
    run = SelectionRun.objects.get(call=call)
    r = client.post(reverse("programmes:selection_confirm", args=[run.pk]), {"adjustments": f"+{apps[0].pk} 重大需求"})
    assert r.status_code == 302
    call.refresh_from_db()
    assert call.status == CallStatus.REVIEWING
    assert not apps[0].__class__.objects.filter(status=ApplicationStatus.FUNDED).exists()


def test_call_detail_links_scores_and_selection(client, reference, office):
    call, _apps = scored_call([(90, 100)])
    client.force_login(office)
    page = client.get(call.get_absolute_url())
    assert reverse("programmes:call_selection", args=[call.pk]).encode() in page.content
    assert reverse("programmes:call_scores", args=[call.pk]).encode() in page.content


def test_api_selection_and_confirm(client, reference, office, auth_headers):
    call, apps = scored_call([(90, 200), (85, 150), (80, 100), (75, 50)])
    headers = auth_headers(office)
    r = client.post(
        f"/api/v1/calls/{call.pk}/selection",
        data=json.dumps({"score": "raw", "lottery": True, "seed": 3}),
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "optimal"
    assert body["rank_list"]["selected"] == [apps[0].pk]
    assert float(body["optimal"]["total_cost"]) <= float(call.budget)
    assert body["lottery"]["seed"] == 3
    r = client.post(
        f"/api/v1/selection-runs/{body['id']}/confirm",
        data=json.dumps({"add": [{"application_id": apps[0].pk, "reason": "重大需求"}]}),
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 422 and r.json()["code"] == "over_budget"
    r = client.post(
        f"/api/v1/selection-runs/{body['id']}/confirm", data="{}", content_type="application/json", **headers
    )
    assert r.status_code == 200 and r.json()["confirmed"] is True


def test_api_401_before_422_and_bad_input(client, reference, office, auth_headers):
    call, _apps = scored_call([(90, 100)])
    r = client.post(f"/api/v1/calls/{call.pk}/selection", data='{"score": 5}', content_type="application/json")
    assert r.status_code == 401
    headers = auth_headers(office)
    for bad in (
        {"score": "best"},
        {"budget": "-5"},
        {"min_shares": [{"by": "city", "value": "x", "share": 0.1}]},
        {"seed": 2**40},
        {"time_limit": 1000},
    ):
        r = client.post(
            f"/api/v1/calls/{call.pk}/selection", data=json.dumps(bad), content_type="application/json", **headers
        )
        assert r.status_code == 422, (bad, r.content)
    r = client.post(
        f"/api/v1/calls/{call.pk}/selection",
        data=json.dumps({"budget": "99999999999"}),
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 422 and r.json()["code"] == "budget_above_call"


def test_api_scores(client, reference, office, auth_headers):
    call, apps = scored_call([(90, 100), (70, 100)])
    r = client.get(f"/api/v1/calls/{call.pk}/scores?kind=raw", **auth_headers(office))
    assert r.status_code == 200, r.content
    body = r.json()
    assert [row["application_id"] for row in body["rows"]] == [apps[0].pk, apps[1].pk]
    assert body["rows"][0]["raw"] == 90 and body["rows"][0]["reviews"] == 3
    assert len(body["reviewers"]) == 3 and body["panel"] is None
    assert client.get(f"/api/v1/calls/{call.pk}/scores").status_code == 401
    assert client.get(f"/api/v1/calls/{call.pk}/scores?kind=best", **auth_headers(office)).status_code == 422
