"""The area requests over the API: statuses per role, 401 before 422, coded errors, the restricted
list with its filters, the history on the detail, and constant query counts."""

import json
from decimal import Decimal

import pytest

from nesta.zones.models import AreaRequest, AreaRequestStatus
from tests.conftest import bearer

pytestmark = pytest.mark.django_db
S = AreaRequestStatus

BODY = {
    "title": "长春高新区北区扩区申请",
    "current_area": "19.10",
    "requested_area": "25.00",
    "area_innovation": "5.00",
    "area_incubation": "4.00",
    "area_industrialisation": "16.00",
    "justification": "汽车电子与生物医药项目集聚，现有用地不足。",
}


def call(client, url, body=None, user=None, method="post"):
    headers = bearer(user) if user else {}
    if method == "get":
        return client.get(url, **headers)
    return getattr(client, method)(url, json.dumps(body or {}, default=str), content_type="application/json", **headers)


def make(zone, status=S.DRAFT, filer=None, title="扩区申请"):
    return AreaRequest.objects.create(
        zone=zone, title=title, current_area=Decimal("10"), requested_area=Decimal("12"),
        area_innovation=Decimal("12"), justification="理由", status=status, created_by=filer,
    )  # fmt: skip


def test_anonymous_is_401_before_validation(api_client, zones):
    zid = zones["shenyang"].pk
    assert call(api_client, f"/api/v1/zones/{zid}/area-requests", {"title": "\x07"}).status_code == 401
    assert api_client.get(f"/api/v1/zones/{zid}/area-requests").status_code == 401
    assert api_client.get("/api/v1/area-requests?status=nonsense").status_code == 401
    req = make(zones["shenyang"])
    assert api_client.get(f"/api/v1/area-requests/{req.pk}").status_code == 401
    assert (
        call(api_client, f"/api/v1/area-requests/{req.pk}", {"requested_area": "x"}, method="patch").status_code == 401
    )
    r = call(api_client, f"/api/v1/area-requests/{req.pk}/approve", {"approved_area": "-1"})
    assert r.status_code == 401 and r.json()["code"] == "not_authenticated"


def test_file_edit_and_take_a_request_all_the_way(api_client, zones, zone_people):
    cc = zones["changchun"]
    committee = zone_people["other_committee"]  # 长春's committee
    url = f"/api/v1/zones/{cc.pk}/area-requests"
    assert call(api_client, url, BODY, zone_people["committee"]).status_code == 403  # 沈阳's committee
    r = call(api_client, url, BODY, committee)
    assert r.status_code == 201, r.content
    body = r.json()
    rid = body["id"]
    assert (body["status"], body["zone"]["province"], body["change"]) == ("draft", "220000", "5.90")
    assert [h["event"] for h in body["history"]] == ["area_request.created"]
    r = call(api_client, f"/api/v1/area-requests/{rid}", {"title": "长春高新区扩区（修订）"}, committee, method="patch")
    assert r.status_code == 200 and r.json()["title"] == "长春高新区扩区（修订）"
    # out of order: 409
    r = call(api_client, f"/api/v1/area-requests/{rid}/endorse", {"province_supports": True}, zone_people["jilin"])
    assert r.status_code == 409 and r.json()["code"] == "invalid_state"
    assert call(api_client, f"/api/v1/area-requests/{rid}/submit", {}, committee).json()["status"] == "submitted"
    # submitted: no more edits
    r = call(api_client, f"/api/v1/area-requests/{rid}", {"title": "再改"}, committee, method="patch")
    assert r.status_code == 409
    # Liaoning's department is not Jilin's
    r = call(api_client, f"/api/v1/area-requests/{rid}/endorse", {"province_supports": True, "province_opinion": "同意"},
             zone_people["province"])  # fmt: skip
    assert r.status_code == 403
    assert (
        call(api_client, f"/api/v1/area-requests/{rid}", user=zone_people["province"], method="get").status_code == 404
    )
    r = call(api_client, f"/api/v1/area-requests/{rid}/endorse", {"province_supports": True}, zone_people["jilin"])
    assert r.status_code == 422 and r.json()["code"] == "opinion_required"
    r = call(api_client, f"/api/v1/area-requests/{rid}/endorse", {"province_supports": True, "province_opinion": "同意"},
             zone_people["jilin"])  # fmt: skip
    assert r.status_code == 200 and r.json()["province_opinion"] == "同意"
    r = call(api_client, f"/api/v1/area-requests/{rid}/approve", {"approved_area": 24, "decision_note": "同意"},
             zone_people["jilin"])  # fmt: skip
    assert r.status_code == 403
    r = call(api_client, f"/api/v1/area-requests/{rid}/approve", {"approved_area": 24, "decision_note": "原则同意"},
             zone_people["office"])  # fmt: skip
    assert r.status_code == 200, r.content
    done = r.json()
    assert (done["status"], done["approved_area"], done["decided_at"] is not None) == ("approved", "24.00", True)
    assert [h["event"] for h in done["history"]] == [
        "area_request.created",
        "area_request.updated",
        "area_request.submitted",
        "area_request.endorsed",
        "area_request.approved",
    ]
    assert done["history"][-1]["label"] == "批准调整扩区"
    r = call(api_client, f"/api/v1/area-requests/{rid}/send-back", {"reason": "再议"}, zone_people["office"])
    assert r.status_code == 409


def test_the_current_area_may_be_left_to_the_zones_figures(api_client, zones, zone_people):
    body = {k: v for k, v in BODY.items() if k != "current_area"}
    r = call(api_client, f"/api/v1/zones/{zones['changchun'].pk}/area-requests", body, zone_people["other_committee"])
    assert r.status_code == 422 and r.json()["code"] == "current_area_required"


@pytest.mark.parametrize(
    "changes,status",
    [
        ({"requested_area": "10000.01"}, 422),
        ({"requested_area": "19.123"}, 422),
        ({"requested_area": "-1"}, 422),
        ({"requested_area": "NaN"}, 422),
        ({"requested_area": 1e300}, 422),
        ({"requested_area": True}, 422),
        ({"area_incubation": "-0.01"}, 422),
        ({"title": "\x07扩区"}, 422),
        ({"title": "\x00扩区"}, 400),  # the parser refuses NUL outright
        ({"title": "x" * 201}, 422),
        ({"justification": ""}, 422),
        ({"justification": None}, 422),
        ({"requested_area": "19.10", "area_industrialisation": "10.10"}, 422),
        ({"area_industrialisation": "15.00"}, 422),
    ],
)
def test_hostile_input_is_a_coded_422(api_client, zones, zone_people, changes, status):
    r = call(api_client, f"/api/v1/zones/{zones['changchun'].pk}/area-requests", {**BODY, **changes},
             zone_people["other_committee"])  # fmt: skip
    assert r.status_code == status and r.json()["code"] and "message" in r.json() and "details" in r.json()
    assert not AreaRequest.objects.exists()


def test_unknown_zone_and_request(api_client, zones, zone_people):
    office = zone_people["office"]
    assert call(api_client, "/api/v1/zones/999999/area-requests", BODY, zone_people["committee"]).status_code == 404
    assert call(api_client, "/api/v1/area-requests/999999", user=office, method="get").status_code == 404
    assert call(api_client, "/api/v1/area-requests/0", user=office, method="get").status_code == 422
    assert call(api_client, "/api/v1/area-requests/99999999999", user=office, method="get").status_code == 422
    assert call(api_client, "/api/v1/area-requests/999999/submit", {}, zone_people["committee"]).status_code == 404


def test_who_sees_which_requests(api_client, zones, zone_people):
    sy, cc = zones["shenyang"], zones["changchun"]
    make(sy, S.SUBMITTED)
    make(sy, S.APPROVED)
    make(cc, S.DRAFT)
    seen = {
        "committee": 2, "member": 2, "province": 2, "office": 3, "other_committee": 1, "jilin": 1, "outsider": 0,
    }  # fmt: skip
    for who, n in seen.items():
        r = call(api_client, "/api/v1/area-requests", user=zone_people[who], method="get")
        assert r.status_code == 200 and r.json()["total"] == n, who
        r = call(api_client, f"/api/v1/zones/{sy.pk}/area-requests", user=zone_people[who], method="get")
        assert r.status_code == 200 and len(r.json()) == (2 if n in (2, 3) else 0), who


def test_the_list_filters_and_pages(api_client, zones, zone_people):
    sy, cc = zones["shenyang"], zones["changchun"]
    for _ in range(3):
        make(sy, S.SUBMITTED)
    make(sy, S.DRAFT)
    make(cc, S.SUBMITTED)
    office = zone_people["office"]
    r = call(api_client, f"/api/v1/area-requests?status=submitted&zone={sy.pk}&limit=2", user=office, method="get")
    page = r.json()
    assert page["total"] == 3 and len(page["items"]) == 2 and page["next_cursor"]
    ids = [i["id"] for i in page["items"]]
    assert ids == sorted(ids, reverse=True)  # newest first
    r = call(api_client, f"/api/v1/area-requests?status=submitted&zone={sy.pk}&limit=2&cursor={page['next_cursor']}",
             user=office, method="get")  # fmt: skip
    assert len(r.json()["items"]) == 1 and r.json()["next_cursor"] is None
    assert call(api_client, "/api/v1/area-requests?status=maybe", user=office, method="get").status_code == 422
    assert call(api_client, "/api/v1/area-requests?cursor=!!", user=office, method="get").status_code == 400
    assert call(api_client, "/api/v1/area-requests?limit=1000", user=office, method="get").status_code == 422


@pytest.mark.parametrize("who", ["office", "province", "committee"])
def test_the_list_reads_a_constant_number_of_queries(
    api_client, zones, zone_people, django_assert_max_num_queries, who
):
    headers = bearer(zone_people[who])
    for _ in range(2):
        make(zones["shenyang"], S.SUBMITTED, filer=zone_people["committee"])
    with django_assert_max_num_queries(8) as few:
        api_client.get("/api/v1/area-requests?limit=50", **headers)
    for _ in range(10):
        make(zones["shenyang"], S.SUBMITTED, filer=zone_people["committee"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = api_client.get("/api/v1/area-requests?limit=50", **headers)
    assert r.json()["total"] == 12


def test_the_detail_reads_a_constant_number_of_queries(api_client, zones, zone_people, django_assert_max_num_queries):
    from nesta.zones.services.areas import area_request_run

    req = make(zones["shenyang"], S.DRAFT, filer=zone_people["committee"])
    headers = bearer(zone_people["office"])
    with django_assert_max_num_queries(8) as few:
        api_client.get(f"/api/v1/area-requests/{req.pk}", **headers)
    for _ in range(3):
        area_request_run("submit", actor=zone_people["committee"], request_id=req.pk)
        area_request_run("return", actor=zone_people["province"], request_id=req.pk, data={"reason": "补充材料"})
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = api_client.get(f"/api/v1/area-requests/{req.pk}", **headers)
    assert len(r.json()["history"]) == 6


def test_openapi_documents_the_endpoints(api_client):
    paths = api_client.get("/api/v1/openapi.json").json()["paths"]
    assert {"post", "get"} <= set(paths["/api/v1/zones/{zone_id}/area-requests"])
    assert {"get", "patch"} <= set(paths["/api/v1/area-requests/{request_id}"])
    for step in ("submit", "withdraw", "endorse", "return", "send-back", "approve", "reject"):
        op = paths[f"/api/v1/area-requests/{{request_id}}/{step}"]["post"]
        assert {"200", "401", "403", "404", "409", "422"} <= set(op["responses"]), step
