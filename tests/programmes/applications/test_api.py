"""The applications API: list per role with filters and a keyset cursor, create, read, edit,
transitions; 401 before 422; coded 422s; hostile input never 500; constant queries."""

import json

import pytest

from nesta.programmes.models import Application
from nesta.programmes.services import applications as services
from tests.conftest import bearer
from tests.factories import OrganizationFactory, UserFactory, grant
from tests.programmes.applications.conftest import app_data
from tests.programmes.factories import ApplicationFactory, CallFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/applications"


def post(client, url, body, user=None, method="post"):
    headers = bearer(user) if user else {}
    return getattr(client, method)(url, json.dumps(body, default=str), content_type="application/json", **headers)


def _body(the_call, **over):
    data = app_data(the_call, form_data={"market": "好"})
    data.update(over)
    return data


def test_anonymous_is_401_before_validation(api_client, reference):
    assert post(api_client, API, {"title": "\x07", "call": "x"}).status_code == 401
    assert api_client.get(API).status_code == 401


def test_create_read_edit_submit(api_client, users, call):
    member = users["member"]
    r = post(api_client, API, _body(call), member)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "draft" and body["budget"]["cap"] and body["budget"]["within_cap"] is True
    assert body["transitions"] == ["submit", "withdraw"] and body["team"][0]["is_lead"] is True
    pk = body["id"]
    r = post(api_client, f"{API}/{pk}", {"title": "改过的题目"}, member, method="patch")
    assert r.status_code == 200 and r.json()["title"] == "改过的题目"
    r = post(api_client, f"{API}/{pk}/submit", {}, member)
    assert r.status_code == 200 and r.json()["number"] == "2026-LN-000001"
    r = post(api_client, f"{API}/{pk}", {"title": "再改"}, member, method="patch")
    assert r.status_code == 409 and r.json()["code"] == "application_locked"
    r = post(api_client, f"{API}/{pk}/submit", {}, member)
    assert r.status_code == 409 and r.json()["code"] == "invalid_state"


def test_province_and_office_steps(api_client, users, call):
    app = services.application_create(actor=users["member"], data=_body(call))
    services.application_run("submit", actor=users["member"], application_id_=app.pk)
    r = post(api_client, f"{API}/{app.pk}/not-recommend", {"reason": ""}, users["province"])
    assert r.status_code == 422 and r.json()["code"] == "reason_required"
    assert post(api_client, f"{API}/{app.pk}/recommend", {}, users["member"]).status_code == 403
    assert post(api_client, f"{API}/{app.pk}/recommend", {}, users["province"]).status_code == 200
    r = post(api_client, f"{API}/{app.pk}/return", {"checklist": {}}, users["office"])
    assert r.status_code == 422 and r.json()["code"] == "failed_item_required"
    r = post(
        api_client,
        f"{API}/{app.pk}/return",
        {"checklist": {"attachments": {"ok": False, "reason": "缺少承诺书扫描件"}}},
        users["office"],
    )
    assert r.status_code == 200 and r.json()["status"] == "returned"
    assert r.json()["formal_check"]["items"]["attachments"]["ok"] is False


def test_list_per_role_with_filters_and_cursor(api_client, users, call):
    org = users["member"].organization
    mine = [ApplicationFactory(call=call, organization=org) for _ in range(3)]
    other_call = CallFactory()
    ApplicationFactory(call=other_call, organization=org, status="recommended")
    jl_org = OrganizationFactory(province_code="220000", city_code="220100")
    jl_app = ApplicationFactory(call=call, organization=jl_org)
    ids = lambda r: {x["id"] for x in r.json()["items"]}  # noqa: E731
    assert len(api_client.get(API, **bearer(users["member"])).json()["items"]) == 4
    assert jl_app.pk not in ids(api_client.get(API, **bearer(users["province"])))
    assert jl_app.pk in ids(api_client.get(API, **bearer(users["office"])))
    assert api_client.get(API, **bearer(users["expert"])).json()["items"] == []
    r = api_client.get(f"{API}?call={call.pk}&province=210000", **bearer(users["office"]))
    assert ids(r) == {a.pk for a in mine}
    assert len(api_client.get(f"{API}?status=recommended", **bearer(users["office"])).json()["items"]) == 1
    page1 = api_client.get(f"{API}?limit=2", **bearer(users["office"])).json()
    page2 = api_client.get(f"{API}?limit=2&cursor={page1['next_cursor']}", **bearer(users["office"])).json()
    page3 = api_client.get(f"{API}?limit=2&cursor={page2['next_cursor']}", **bearer(users["office"])).json()
    assert (
        len(page1["items"]) == 2
        and len(page2["items"]) == 2
        and len(page3["items"]) == 1
        and page3["next_cursor"] is None
    )
    assert api_client.get(f"{API}?cursor=%%%", **bearer(users["office"])).status_code == 400
    assert api_client.get(f"{API}?status=nope", **bearer(users["office"])).status_code == 422
    assert api_client.get(f"{API}?province=21", **bearer(users["office"])).status_code == 422


def test_the_list_is_constant_in_queries(api_client, users, call, django_assert_max_num_queries):
    org = users["member"].organization
    for _ in range(2):
        ApplicationFactory(call=call, organization=org)
    headers = bearer(users["office"])
    api_client.get(API, **headers)
    with django_assert_max_num_queries(10) as q:
        api_client.get(API, **headers)
    for _ in range(10):
        ApplicationFactory(call=call, organization=org)
    with django_assert_max_num_queries(len(q.captured_queries)):
        assert len(api_client.get(API, **headers).json()["items"]) == 12


def test_detail_visibility(api_client, users, call):
    app = services.application_create(actor=users["member"], data=_body(call))
    assert api_client.get(f"{API}/{app.pk}", **bearer(users["expert"])).status_code == 404
    assert api_client.get(f"{API}/{app.pk}", **bearer(users["province"])).status_code == 200
    assert api_client.get(f"{API}/99999999999", **bearer(users["office"])).status_code == 422
    outsider_org = OrganizationFactory(province_code="230000", city_code="")
    outsider = grant(UserFactory(username="hl_member", organization=outsider_org), "member", organization=outsider_org)
    assert api_client.get(f"{API}/{app.pk}", **bearer(outsider)).status_code == 404


@pytest.mark.parametrize(
    "over",
    [
        {"requested_amount": "1e30"},
        {"requested_amount": 10**40},
        {"requested_amount": "NaN"},
        {"title": "题目\x07"},
        {"summary": "摘要\x1b[31m"},
        {"start_date": "0001-01-01"},
        {"start_date": "2026-02-30"},
        {"end_date": "99999-01-01"},
        {"team": [{"name": "甲", "months": 10**30}]},
        {"team": "not a list"},
        {"team": [{"name": "甲"}] * 51},
        {"budget": [{"category": "business", "amount": 1e308}]},
        {"budget": [{"category": "business", "amount": "-1"}]},
        {"budget": [{"category": "indirect", "amount": "999999"}]},
        {"form_data": {"staff": 10**30}},
        {"form_data": {"start": "never"}},
        {"form_data": "x"},
        {"call": 10**20},
        {"call": "1; drop table"},
        {"organization": -1},
        {"avoid_requests": [{"expert": 10**20, "reason": "x"}]},
        {"extra": True},
    ],
)
def test_hostile_input_is_a_coded_422(api_client, users, call, over):
    r = post(api_client, API, _body(call, **over), users["member"])
    assert r.status_code == 422, r.content
    assert r.json()["code"] and r.json()["code"] != "internal_error"
    assert not Application.objects.exists()


def test_a_nul_in_the_body_is_refused_before_anything(api_client, users, call):
    r = post(api_client, API, _body(call, title="题目\x00"), users["member"])
    assert r.status_code == 400 and r.json()["code"] == "invalid_characters"


def test_indirect_cap_is_coded_with_the_cap(api_client, users, call):
    budget = [{"category": "business", "amount": "4000000"}, {"category": "indirect", "amount": "1300000"}]
    r = post(api_client, API, _body(call, budget=budget, requested_amount="5300000"), users["member"])
    assert r.status_code == 422 and r.json()["code"] == "indirect_cost_exceeds_cap"
    assert r.json()["details"]["cap"] == "1200000.00"
