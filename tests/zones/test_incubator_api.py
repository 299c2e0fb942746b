"""The incubators' API: the public directory and its filters, registration by the office or the
province, tenants (revenue only for the incubator's people, its province and the office), reports
and their workflow by the right people; 401 before 422; coded errors; constant queries."""

import datetime as dt
import json

import pytest

from nesta.zones.models import Tenant
from tests.conftest import bearer
from tests.factories import OrganizationFactory
from tests.zones import test_incubator_support as support
from tests.zones.test_incubator_support import IncubatorFactory, IncubatorReportFactory, TenantFactory

pytestmark = pytest.mark.django_db
world = support.world


def call(client, url, body=None, user=None, method="post"):
    headers = bearer(user) if user else {}
    if method == "get":
        return client.get(url, **headers)
    return getattr(client, method)(url, json.dumps(body or {}, default=str), content_type="application/json", **headers)


def test_the_directory_is_public_and_filters(api_client, world, zones):
    r = api_client.get("/api/v1/incubators")
    assert r.status_code == 200 and r.json()["total"] == 2
    item = next(i for i in r.json()["items"] if i["id"] == world["a"].pk)
    assert (item["kind_label"], item["zone"]["id"], item["service_labels"]) == (
        "创业中心", zones["shenyang"].pk, ["办公与生产场地", "创业辅导与导师"],
    )  # fmt: skip
    assert [i["id"] for i in api_client.get("/api/v1/incubators?province=220000").json()["items"]] == [world["b"].pk]
    assert [i["id"] for i in api_client.get(f"/api/v1/incubators?zone={zones['shenyang'].pk}").json()["items"]] == [
        world["a"].pk
    ]
    assert api_client.get("/api/v1/incubators?kind=science_park").json()["total"] == 1
    assert api_client.get("/api/v1/incubators?kind=zoo").status_code == 422
    assert api_client.get("/api/v1/incubators?zone=0").status_code == 422
    assert api_client.get("/api/v1/incubators?cursor=!!!").status_code == 400
    assert api_client.get(f"/api/v1/incubators/{world['b'].pk}").json()["kind"] == "science_park"
    r = api_client.get("/api/v1/incubators/99999999")
    assert r.status_code == 404 and set(r.json()) == {"code", "message", "details"}


def test_the_directory_reads_a_constant_number_of_queries(api_client, world, django_assert_max_num_queries):
    for _ in range(6):
        IncubatorFactory()
    with django_assert_max_num_queries(3):
        assert len(api_client.get("/api/v1/incubators?limit=50").json()["items"]) == 8


def test_anonymous_writes_are_401_before_validation(api_client, world):
    a = world["a"].pk
    assert call(api_client, "/api/v1/incubators", {"kind": "\x07"}).status_code == 401
    assert call(api_client, f"/api/v1/incubators/{a}", {"space_m2": "x"}, method="patch").status_code == 401
    assert call(api_client, f"/api/v1/incubators/{a}/tenants", {"name": 5}).status_code == 401
    assert call(api_client, "/api/v1/tenants/1", {"employees": -1}, method="patch").status_code == 401
    assert call(api_client, f"/api/v1/incubators/{a}/reports", {"year": "x"}).status_code == 401
    assert call(api_client, "/api/v1/incubator-reports/1/submit", {"reason": 5}).status_code == 401
    assert api_client.get(f"/api/v1/incubators/{a}/reports").status_code == 401
    assert api_client.get("/api/v1/incubator-reports/1").status_code == 401


def test_register_and_update_over_the_api(api_client, world, zones):
    org = OrganizationFactory(kind="incubator", name="长春北湖科技园创业服务中心", province_code="220000",
                              city_code="220100")  # fmt: skip
    body = {"organization": org.pk, "kind": "business_center", "established_on": "2012-09-01", "space_m2": 30000,
            "zone": zones["changchun"].pk, "services": ["space", "ip"]}  # fmt: skip
    assert call(api_client, "/api/v1/incubators", body, world["province"]).status_code == 403  # Liaoning
    assert call(api_client, "/api/v1/incubators", {**body, "space_m2": 0}, world["jilin"]).status_code == 422
    r = call(api_client, "/api/v1/incubators", {**body, "services": ["bar"]}, world["jilin"])
    assert r.status_code == 422 and r.json()["code"] == "unknown_service"
    r = call(api_client, "/api/v1/incubators", body, world["jilin"])
    assert r.status_code == 201, r.content
    created = r.json()
    assert (created["province"], created["level"], created["zone"]["id"]) == (
        "220000",
        "provincial",
        zones["changchun"].pk,
    )
    assert call(api_client, "/api/v1/incubators", body, world["office"]).json()["code"] == "incubator_exists"
    url = f"/api/v1/incubators/{created['id']}"
    r = call(api_client, url, {"level": "national", "zone": None}, world["jilin"], method="patch")
    assert r.status_code == 200 and (r.json()["level"], r.json()["zone"]) == ("national", None)
    assert call(api_client, url, {"space_m2": 5}, world["b_admin"], method="patch").status_code == 403


def test_the_tenant_list_pages_and_filters(api_client, world, django_assert_max_num_queries):
    a = world["a"]
    for i in range(5):
        TenantFactory(incubator=a, name=f"在孵企业{i}", entered_on=dt.date(2024, 1, 1))
    TenantFactory(incubator=a, name="毕业企业", entered_on=dt.date(2020, 1, 1), graduated_on=dt.date(2023, 6, 1))
    url = f"/api/v1/incubators/{a.pk}/tenants"
    first = api_client.get(url, {"limit": 4}).json()
    assert first["total"] == 6 and len(first["items"]) == 4 and first["next_cursor"]
    rest = api_client.get(url, {"limit": 4, "cursor": first["next_cursor"]}).json()
    assert len(rest["items"]) == 2 and rest["next_cursor"] is None
    seen = [t["id"] for t in first["items"] + rest["items"]]
    assert len(set(seen)) == 6 and seen == sorted(seen, reverse=True)  # newest registered first
    assert [t["name"] for t in api_client.get(url, {"state": "graduated"}).json()["items"]] == ["毕业企业"]
    assert api_client.get(url, {"state": "present"}).json()["total"] == 5
    assert api_client.get(url, {"q": "企业3"}).json()["total"] == 1
    for bad in ({"state": "gone"}, {"limit": 1000}, {"q": "a\x07"}, {"cursor": "x" * 300}):
        r = api_client.get(url, bad)
        assert r.status_code in (400, 422) and r.json()["code"], bad
    with django_assert_max_num_queries(4):
        assert api_client.get(url).status_code == 200
    assert api_client.get("/api/v1/incubators/99999999/tenants").status_code == 404


def test_tenants_over_the_api(api_client, world):
    a = world["a"]
    TenantFactory(incubator=a, revenue=4_200_000)
    url = f"/api/v1/incubators/{a.pk}/tenants"
    public = api_client.get(url).json()
    assert public["total"] == 1 and public["next_cursor"] is None
    assert public["items"][0]["revenue"] is None and public["items"][0]["present"] is True
    assert call(api_client, url, user=world["province"], method="get").json()["items"][0]["revenue"] == "4200000.00"
    assert call(api_client, url, user=world["jilin"], method="get").json()["items"][0]["revenue"] is None
    body = {"name": "沈阳芯源微电子设备有限公司", "founded_on": "2019-05-01", "entered_on": "2020-01-10",
            "employees": 40, "revenue": "25000000", "is_private_tech": True, "field": "new-materials"}  # fmt: skip
    assert call(api_client, url, body, world["b_admin"]).status_code == 403
    r = call(api_client, url, {**body, "entered_on": "2019-01-01"}, world["member"])
    assert r.status_code == 422 and "entered_on" in r.json()["details"]
    assert call(api_client, url, {**body, "employees": 10**9}, world["member"]).status_code == 422
    assert call(api_client, url, {**body, "name": "a\x07b"}, world["member"]).status_code == 422
    r = call(api_client, url, body, world["member"])
    assert r.status_code == 201, r.content
    tid = r.json()["id"]
    assert r.json()["field_name"] and r.json()["revenue"] == "25000000.00"
    r = call(api_client, f"/api/v1/tenants/{tid}", {"graduated_on": "2024-12-20"}, world["admin"], method="patch")
    assert r.status_code == 200 and r.json()["present"] is False
    r = call(api_client, f"/api/v1/tenants/{tid}", {"left_on": "2025-01-01"}, world["admin"], method="patch")
    assert r.status_code == 422 and r.json()["code"] == "tenant_dates"
    assert (
        call(api_client, "/api/v1/tenants/99999999", {"employees": 1}, world["admin"], method="patch").status_code
        == 404
    )
    assert Tenant.objects.get(pk=tid).graduated_on == dt.date(2024, 12, 20)


def test_the_report_workflow_over_the_api(api_client, world):
    a = world["a"]
    TenantFactory(incubator=a, entered_on=dt.date(2024, 5, 1), employees=33, is_private_tech=True)
    url = f"/api/v1/incubators/{a.pk}/reports"
    assert call(api_client, url, {"year": 2024}, world["province"]).status_code == 403
    assert call(api_client, url, {"year": 2024, "staff": -1}, world["member"]).status_code == 422
    r = call(api_client, url, {"year": 2024, "space_occupied_m2": 4000, "mentors": 3, "income": "120000"},
             world["member"])  # fmt: skip
    assert r.status_code == 201, r.content
    report = r.json()
    assert report["typed"]["mentors"] == 3 and report["derived"]["tenants"] == 1 and report["derived_at"] is None
    rid = report["id"]
    assert call(api_client, url, {"year": 2024}, world["admin"]).json()["code"] == "report_exists"
    r = call(api_client, f"/api/v1/incubator-reports/{rid}", {"staff": 9}, world["member"], method="patch")
    assert r.status_code == 200 and r.json()["typed"]["staff"] == 9
    assert call(api_client, f"/api/v1/incubator-reports/{rid}/check", {}, world["province"]).status_code == 409
    r = call(api_client, f"/api/v1/incubator-reports/{rid}/submit", {}, world["member"])
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    assert r.json()["derived"]["tenant_employees"] == 33 and r.json()["derived"]["private_tenants"] == 1
    assert (
        call(api_client, f"/api/v1/incubator-reports/{rid}", {"staff": 1}, world["member"], method="patch").status_code
        == 409
    )
    assert call(api_client, f"/api/v1/incubator-reports/{rid}/check", {}, world["jilin"]).status_code == 403
    assert call(api_client, f"/api/v1/incubator-reports/{rid}/return", {}, world["province"]).status_code == 422
    r = call(api_client, f"/api/v1/incubator-reports/{rid}/check", {}, world["province"])
    assert r.status_code == 200 and r.json()["status"] == "checked"
    assert call(api_client, f"/api/v1/incubator-reports/{rid}/accept", {}, world["province"]).status_code == 403
    r = call(api_client, f"/api/v1/incubator-reports/{rid}/send-back", {"reason": "收入口径不一致"}, world["office"])
    assert r.status_code == 200 and r.json()["status"] == "returned" and r.json()["status_note"] == "收入口径不一致"
    listed = call(api_client, url, user=world["province"], method="get")
    assert listed.status_code == 200 and [x["id"] for x in listed.json()] == [rid]
    assert call(api_client, url, user=world["jilin"], method="get").json() == []
    assert call(api_client, f"/api/v1/incubator-reports/{rid}", user=world["b_admin"], method="get").status_code == 404


def test_reports_read_a_constant_number_of_queries(api_client, world, django_assert_max_num_queries):
    a = world["a"]
    for year in (2021, 2022, 2023, 2024, 2025):
        IncubatorReportFactory(
            incubator=a, year=year, status="accepted", tenants=3, derived_at="2026-01-05T09:00+08:00"
        )
    headers = bearer(world["office"])
    with django_assert_max_num_queries(6):
        r = api_client.get(f"/api/v1/incubators/{a.pk}/reports", **headers)
    assert r.status_code == 200 and len(r.json()) == 5


def test_the_reports_queue(api_client, world, django_assert_max_num_queries):
    for year in (2022, 2023, 2024):
        IncubatorReportFactory(incubator=world["a"], year=year, status="submitted", tenants=4)
    IncubatorReportFactory(incubator=world["a"], year=2025)  # a draft
    IncubatorReportFactory(incubator=world["b"], year=2024, status="submitted")
    assert api_client.get("/api/v1/incubator-reports").status_code == 401
    headers = bearer(world["province"])
    with django_assert_max_num_queries(6):
        r = api_client.get("/api/v1/incubator-reports?status=submitted", **headers)
    body = r.json()
    assert r.status_code == 200 and body["total"] == 3 and {x["incubator_id"] for x in body["items"]} == {world["a"].pk}
    assert body["items"][0]["derived"]["tenants"] == 4
    r = api_client.get("/api/v1/incubator-reports?year=2024&limit=1", **bearer(world["office"]))
    assert r.json()["total"] == 2 and len(r.json()["items"]) == 1 and r.json()["next_cursor"]
    assert api_client.get("/api/v1/incubator-reports?status=lost", **headers).status_code == 422
    assert api_client.get("/api/v1/incubator-reports", **bearer(world["outsider"])).json()["total"] == 0
    draft = api_client.get("/api/v1/incubator-reports?status=draft", **bearer(world["admin"])).json()["items"][0]
    assert draft["derived"]["tenants"] is None
