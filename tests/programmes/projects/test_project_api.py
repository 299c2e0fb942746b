"""The projects API: 401 before 422, 201s, coded 422s, 409 invalid_state, hostile input."""

import json

import pytest

from nesta.programmes.models import Payment, Project
from tests.conftest import bearer
from tests.programmes.projects.conftest import PDF, contract_data

pytestmark = pytest.mark.django_db


def post(client, url, body, user=None):
    return client.post(url, data=json.dumps(body), content_type="application/json", **(bearer(user) if user else {}))


def test_anonymous_is_401_before_validation(api_client, project):
    assert post(api_client, "/api/v1/projects", {"application": "x"}).status_code == 401
    assert post(api_client, f"/api/v1/projects/{project.pk}/payments", {"amount": "nope"}).status_code == 401
    assert api_client.get("/api/v1/projects").status_code == 401
    assert api_client.get(f"/api/v1/projects/{project.pk}").status_code == 401


def test_contract_payment_report_acceptance_over_the_api(api_client, people, application):
    body = {"application": application.pk, **contract_data()}
    r = post(api_client, "/api/v1/projects", body, people["finance"])
    assert r.status_code == 403
    bad = {**body, "milestones": [{"title": "x", "due_date": "2026-05-01", "payment_amount": "2000000"}]}
    r = post(api_client, "/api/v1/projects", bad, people["office"])
    assert r.status_code == 422 and r.json()["code"] == "schedule_over_grant"
    r = post(api_client, "/api/v1/projects", body, people["office"])
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    assert r.json()["status"] == "in_progress" and len(r.json()["milestones"]) == 3
    assert post(api_client, "/api/v1/projects", body, people["office"]).status_code == 409

    pay = {"category": "business", "amount": "400000", "paid_on": "2026-03-01"}
    assert post(api_client, f"/api/v1/projects/{pid}/payments", pay, people["applicant"]).status_code == 403
    r = post(api_client, f"/api/v1/projects/{pid}/payments", pay, people["finance"])
    assert r.status_code == 201 and r.json()["paid"] == "400000.00"
    r = post(api_client, f"/api/v1/projects/{pid}/payments", {**pay, "amount": "1"}, people["finance"])
    assert r.status_code == 422 and r.json()["code"] == "payment_over_budget_line"

    mid = Project.objects.get(pk=pid).milestones.order_by("sort_order").first().pk
    url = f"/api/v1/projects/{pid}/milestones/{mid}/reports"
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = api_client.post(
        url,
        {"text": "完成", "file": SimpleUploadedFile("r.pdf", PDF, "application/pdf")},
        **bearer(people["applicant"]),
    )
    assert r.status_code == 201, r.content
    report = r.json()["milestones"][0]["reports"][0]
    assert report["attachment_name"] == "r.pdf"
    r = api_client.post(
        url,
        {"text": "再报", "file": SimpleUploadedFile("x.pdf", b"MZ", "application/pdf")},
        **bearer(people["applicant"]),
    )
    assert r.status_code == 422 and r.json()["code"] == "invalid_attachment"
    r = post(api_client, f"/api/v1/projects/{pid}/reports/{report['id']}/review", {"accept": True}, people["province"])
    assert r.status_code == 200 and r.json()["milestones"][0]["reports"][0]["status"] == "accepted"

    assert (
        post(
            api_client, f"/api/v1/projects/{pid}/acceptance", {"result": "passed", "note": "好"}, people["office"]
        ).status_code
        == 409
    )
    assert post(api_client, f"/api/v1/projects/{pid}/acceptance/request", {}, people["applicant"]).status_code == 200
    r = post(api_client, f"/api/v1/projects/{pid}/acceptance", {"result": "passed", "note": "好"}, people["finance"])
    assert r.status_code == 403
    r = post(
        api_client,
        f"/api/v1/projects/{pid}/acceptance",
        {"result": "passed", "note": "通过", "panel_score": 90},
        people["office"],
    )
    assert r.status_code == 200 and r.json()["status"] == "closed"

    r = api_client.get("/api/v1/projects", **bearer(people["applicant"]))
    assert [x["id"] for x in r.json()["items"]] == [pid]
    assert api_client.get("/api/v1/projects", **bearer(people["stranger"])).json()["items"] == []
    assert api_client.get(f"/api/v1/projects/{pid}", **bearer(people["stranger"])).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"category": "business", "amount": "1e99", "paid_on": "2026-03-01"},
        {"category": "business", "amount": "-1", "paid_on": "2026-03-01"},
        {"category": "business", "amount": "NaN", "paid_on": "2026-03-01"},
        {"category": "business", "amount": "10", "paid_on": "0001-01-01"},
        {"category": "business", "amount": "10", "paid_on": "2026-03-01", "milestone": 2**40},
        {"category": "business", "amount": "10", "paid_on": "2026-03-01", "reference": "x\x00"},
        {"category": ["business"], "amount": "10", "paid_on": "2026-03-01"},
        {},
    ],
)
def test_hostile_payment_input_is_422(api_client, people, project, body):
    r = post(api_client, f"/api/v1/projects/{project.pk}/payments", body, people["finance"])
    assert r.status_code in (400, 422), r.content
    assert not Payment.objects.exists()


@pytest.mark.parametrize("path", ["/api/v1/projects/0", "/api/v1/projects/99999999999", "/api/v1/projects/abc"])
def test_bad_ids(api_client, people, path):
    assert api_client.get(path, **bearer(people["office"])).status_code in (404, 422)
