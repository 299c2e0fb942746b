"""The bases API: the public register, registration and status steps by the office, reports and
their workflow by the right people; 401 before 422; coded errors; constant queries."""

import json

import pytest

from nesta.bases.models import ReportStatus
from tests.bases.factories import BaseFactory, BaseReportFactory
from tests.conftest import bearer
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def call(client, url, body=None, user=None, method="post"):
    headers = bearer(user) if user else {}
    if method == "get":
        return client.get(url, **headers)
    return getattr(client, method)(url, json.dumps(body or {}, default=str), content_type="application/json", **headers)


def test_the_register_is_public_and_filters(api_client, people):
    BaseFactory(level="provincial", base_type="engineering_center", organization__kind="engineering_center")
    r = api_client.get("/api/v1/bases")
    assert r.status_code == 200 and r.json()["total"] == 3
    r = api_client.get("/api/v1/bases?level=provincial")
    assert [b["level"] for b in r.json()["items"]] == ["provincial"]
    r = api_client.get("/api/v1/bases?province=220000")
    assert [b["id"] for b in r.json()["items"]] == [people["other_base"].pk]
    assert api_client.get("/api/v1/bases?level=city").status_code == 422
    assert api_client.get("/api/v1/bases?cursor=!!!").status_code == 400


def test_the_register_reads_a_constant_number_of_queries(api_client, people, django_assert_max_num_queries):
    for _ in range(6):
        BaseFactory()
    with django_assert_max_num_queries(3):
        assert len(api_client.get("/api/v1/bases?limit=50").json()["items"]) == 8


def test_anonymous_writes_are_401_before_validation(api_client, people):
    assert call(api_client, "/api/v1/bases", {"level": "\x07"}).status_code == 401
    assert call(api_client, f"/api/v1/bases/{people['base'].pk}/reports", {"year": "x"}).status_code == 401
    assert api_client.get(f"/api/v1/bases/{people['base'].pk}/reports").status_code == 401


def test_register_a_base_and_take_it_through_its_status(api_client, people):
    lab = OrganizationFactory(kind="key_laboratory", name="稀土永磁材料重点实验室")
    host = OrganizationFactory(
        kind="research_institute", name="中国科学院长春应用化学研究所", province_code="220000", city_code="220100"
    )
    body = {"organization": lab.pk, "host": host.pk, "base_type": "key_laboratory", "level": "provincial",
            "field": "new-materials", "established_on": "2005-04-01"}  # fmt: skip
    assert call(api_client, "/api/v1/bases", body, people["province"]).status_code == 403  # Liaoning, Jilin host
    r = call(api_client, "/api/v1/bases", body, people["jilin"])
    assert r.status_code == 201, r.content
    base = r.json()
    assert (base["status"], base["host"]["name"], base["province"]) == ("building", host.name, "220000")
    assert call(api_client, "/api/v1/bases", body, people["office"]).json()["code"] == "base_exists"
    r = call(api_client, f"/api/v1/bases/{base['id']}/start-operation", {}, people["jilin"])
    assert r.status_code == 200 and r.json()["status"] == "operating"
    r = call(api_client, f"/api/v1/bases/{base['id']}/rectify", {}, people["office"])
    assert r.status_code == 422
    r = call(api_client, f"/api/v1/bases/{base['id']}/rectify", {"reason": "开放课题未达标"}, people["office"])
    assert [h["to_status"] for h in r.json()["history"]] == ["building", "operating", "rectifying"]
    r = call(api_client, f"/api/v1/bases/{base['id']}", {"level": "national"}, people["jilin"], method="patch")
    assert r.status_code == 200 and r.json()["level"] == "national"


def test_the_report_workflow_over_the_api(api_client, people):
    base = people["base"]
    url = f"/api/v1/bases/{base.pk}/reports"
    r = call(api_client, url, {"year": 2025, "papers": 45, "fixed_staff": 50, "senior_staff": 20}, people["member"])
    assert r.status_code == 201, r.content
    report = r.json()
    assert report["typed"]["papers"] == 45 and report["derived"]["contracts"] is None
    rid = report["id"]
    assert (
        call(api_client, f"/api/v1/base-reports/{rid}", {"papers": 46}, people["member"], method="patch").json()[
            "typed"
        ]["papers"]
        == 46
    )
    assert (
        call(api_client, f"/api/v1/base-reports/{rid}/check", {}, people["province"]).json()["code"] == "invalid_state"
    )
    r = call(api_client, f"/api/v1/base-reports/{rid}/submit", {}, people["member"])
    assert r.json()["status"] == "submitted" and r.json()["derived"]["contracts"] == 0
    # another province
    assert call(api_client, f"/api/v1/base-reports/{rid}/check", {}, people["jilin"]).status_code == 403
    assert call(api_client, f"/api/v1/base-reports/{rid}/return", {}, people["province"]).status_code == 422
    assert call(api_client, f"/api/v1/base-reports/{rid}/check", {}, people["province"]).json()["status"] == "checked"
    assert call(api_client, f"/api/v1/base-reports/{rid}/accept", {}, people["province"]).status_code == 403
    assert call(api_client, f"/api/v1/base-reports/{rid}/accept", {}, people["office"]).json()["status"] == "accepted"


def test_reports_are_seen_by_the_host_its_province_and_the_office_only(api_client, people):
    BaseReportFactory(base=people["base"], status=ReportStatus.SUBMITTED)
    url = f"/api/v1/bases/{people['base'].pk}/reports"
    for who, n in (("member", 1), ("admin", 1), ("province", 1), ("office", 1), ("jilin", 0), ("other_member", 0)):
        r = call(api_client, url, user=people[who], method="get")
        assert r.status_code == 200 and len(r.json()) == n, who


@pytest.mark.parametrize(
    "body",
    [
        {"year": 1999},
        {"year": 2025, "papers": -1},
        {"year": 2025, "papers": 10**12},
        {"year": 2025, "rd_spend": "1e30"},
        {"year": 2025, "summary": "\x00"},
        {"year": "二〇二五"},
    ],
)
def test_hostile_report_input_is_a_coded_4xx(api_client, people, body):
    r = call(api_client, f"/api/v1/bases/{people['base'].pk}/reports", body, people["member"])
    assert r.status_code in (400, 422) and r.json()["code"]


def test_unknown_ids_are_404(api_client, people):
    assert api_client.get("/api/v1/bases/2000000000").status_code == 404
    assert call(api_client, "/api/v1/base-reports/2000000000", user=people["office"], method="get").status_code == 404
