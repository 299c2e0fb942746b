"""The API of testing orders, fees and openness: happy paths and errors, over HTTP."""

from datetime import datetime, timedelta
from decimal import Decimal
from io import BytesIO
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from nesta.instruments.models import BookingPolicy, Charge, ServiceItem, UsageSession
from nesta.instruments.models import TestOrder as Order
from tests.conftest import bearer
from tests.factories import InstrumentFactory, UserFactory, grant

TZ = ZoneInfo("Asia/Shanghai")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def manager(users):
    return users["instrument_manager"]


@pytest.fixture
def sem(org_ln, manager):
    instrument = InstrumentFactory(owner=org_ln, name="场发射扫描电镜")
    BookingPolicy.objects.create(instrument=instrument)
    instrument.managers.add(manager)
    return instrument


@pytest.fixture
def customer(org_jl):
    return grant(UserFactory(username="api_customer", organization=org_jl), "member", organization=org_jl)


@pytest.fixture
def jl_admin(org_jl):
    return grant(UserFactory(username="api_jl_admin", organization=org_jl), "org_admin", organization=org_jl)


@pytest.fixture
def item(sem):
    return ServiceItem.objects.create(
        instrument=sem, name="SEM 形貌观察（每样）", unit="sample", internal_price=150, external_price=300
    )


@pytest.fixture
def h():
    """Bearer headers, one token per user."""
    cache: dict[int, dict] = {}

    def headers(user):
        if user.pk not in cache:
            cache[user.pk] = bearer(user)
        return cache[user.pk]

    return headers


def post(client, url, headers, body=None):
    return client.post(url, body or {}, content_type="application/json", **headers)


# --- the catalogue -----------------------------------------------------------------------------


def test_service_catalogue(api_client, sem, manager, users, h):
    url = f"/api/v1/instruments/{sem.pk}/services"
    body = {"name": "EDS 能谱分析（每样）", "unit": "sample", "internal_price": "80", "external_price": "160.5"}
    r = post(api_client, url, h(manager), body)
    assert r.status_code == 201, r.content
    created = r.json()
    assert created | {"id": 0} == {
        "id": 0,
        "instrument_id": sem.pk,
        "name": "EDS 能谱分析（每样）",
        "unit": "sample",
        "unit_display": "样",
        "internal_price": "80.00",
        "external_price": "160.50",
        "description": "",
        "active": True,
    }
    listed = api_client.get(url)  # public
    assert listed.status_code == 200
    assert [i["name"] for i in listed.json()] == ["EDS 能谱分析（每样）"]
    assert post(api_client, url, h(users["member"]), body).status_code == 403
    assert post(api_client, url, {}, body).status_code == 401
    bad = post(api_client, url, h(manager), body | {"internal_price": "-1"})
    assert (bad.status_code, bad.json()["code"], list(bad.json()["details"])) == (
        422,
        "validation_error",
        ["internal_price"],
    )
    assert api_client.get("/api/v1/instruments/2147483647/services").status_code == 404


# --- an order from submission to settlement ----------------------------------------------------


def test_order_happy_path(api_client, item, customer, manager, jl_admin, h, org_jl):
    r = post(
        api_client,
        f"/api/v1/services/{item.pk}/orders",
        h(customer),
        {"quantity": "2", "sample_description": "钢样两件"},
    )
    assert r.status_code == 201, r.content
    order = r.json()
    oid = order["id"]
    assert (order["status"], order["status_display"], order["is_external"]) == ("submitted", "已提交", True)
    assert (order["quantity"], order["unit_price"], order["list_amount"], order["quoted_amount"]) == (
        "2.00",
        "300.00",
        "600.00",
        None,
    )
    assert (order["organization_id"], order["report_url"], order["charge_id"]) == (org_jl.pk, None, None)

    r = post(api_client, f"/api/v1/orders/{oid}/quote", h(manager), {"amount": "550.00", "note": "含制样"})
    assert (r.status_code, r.json()["status"], r.json()["quoted_amount"], r.json()["quote_note"]) == (
        200,
        "quoted",
        "550.00",
        "含制样",
    )
    assert post(api_client, f"/api/v1/orders/{oid}/confirm", h(customer)).json()["status"] == "confirmed"
    assert post(api_client, f"/api/v1/orders/{oid}/receive", h(manager)).json()["status"] == "received"
    assert post(api_client, f"/api/v1/orders/{oid}/start", h(manager)).json()["status"] == "testing"

    upload = SimpleUploadedFile("SEM检测报告.pdf", b"%PDF-1.4 report body", content_type="application/pdf")
    r = api_client.post(f"/api/v1/orders/{oid}/report", {"file": upload}, **h(manager))
    assert r.status_code == 200, r.content
    assert (r.json()["status"], r.json()["report_name"], r.json()["report_url"]) == (
        "reported",
        "SEM检测报告.pdf",
        f"/api/v1/orders/{oid}/report",
    )

    for viewer in (customer, jl_admin, manager):
        r = api_client.get(f"/api/v1/orders/{oid}/report", **h(viewer))
        assert r.status_code == 200
        assert b"".join(r.streaming_content) == b"%PDF-1.4 report body"
        assert "attachment" in r["Content-Disposition"]
        assert "SEM检测报告.pdf" in unquote(r["Content-Disposition"])
        assert r["Cache-Control"] == "private, no-store"

    r = post(api_client, f"/api/v1/orders/{oid}/settle", h(manager))
    assert r.status_code == 200
    settled = r.json()
    charge = Charge.objects.get(order_id=oid)
    assert (settled["status"], settled["charge_id"], charge.amount) == ("settled", charge.pk, Decimal("550.00"))
    got = api_client.get(f"/api/v1/orders/{oid}", **h(jl_admin)).json()
    assert got == settled


def test_order_errors(api_client, item, customer, manager, users, h):
    oid = post(api_client, f"/api/v1/services/{item.pk}/orders", h(customer), {"quantity": 1}).json()["id"]
    # wrong state
    r = post(api_client, f"/api/v1/orders/{oid}/receive", h(manager))
    assert (r.status_code, r.json()["code"]) == (409, "invalid_state")
    assert r.json()["details"] == {"status": "submitted", "allowed": ["confirmed"], "transition": "receive"}
    # the customer cannot quote, the manager cannot confirm
    assert (
        post(api_client, f"/api/v1/orders/{oid}/quote", h(customer), {"amount": 1}).json()["code"]
        == "permission_denied"
    )
    post(api_client, f"/api/v1/orders/{oid}/quote", h(manager), {"amount": 1})
    r = post(api_client, f"/api/v1/orders/{oid}/confirm", h(manager))
    assert (r.status_code, r.json()["code"]) == (403, "permission_denied")
    # a colleague of the customer sees nothing; the anonymous must log in
    colleague = grant(
        UserFactory(username="api_colleague", organization=customer.organization),
        "member",
        organization=customer.organization,
    )
    assert api_client.get(f"/api/v1/orders/{oid}", **h(colleague)).status_code == 403
    assert api_client.get(f"/api/v1/orders/{oid}").status_code == 401
    assert api_client.get(f"/api/v1/orders/{oid}/report", **h(colleague)).status_code == 403
    r = api_client.get(f"/api/v1/orders/{oid}/report", **h(customer))
    assert (r.status_code, r.json()["code"]) == (404, "no_report")
    # validation
    r = post(api_client, f"/api/v1/orders/{oid}/quote", h(manager), {"amount": "-5"})
    assert (r.status_code, list(r.json()["details"])) == (422, ["amount"])
    r = post(api_client, f"/api/v1/services/{item.pk}/orders", h(customer), {"quantity": 0})
    assert (r.status_code, list(r.json()["details"])) == (422, ["quantity"])
    assert post(api_client, "/api/v1/services/2147483647/orders", h(customer), {"quantity": 1}).status_code == 404
    assert api_client.get("/api/v1/orders/2147483647", **h(users["office"])).status_code == 404
    assert api_client.get("/api/v1/orders/2147483648", **h(users["office"])).status_code == 422
    # cancel by the customer, then nothing more
    assert post(api_client, f"/api/v1/orders/{oid}/cancel", h(customer)).json()["status"] == "cancelled"
    assert post(api_client, f"/api/v1/orders/{oid}/cancel", h(customer)).status_code == 409


def test_report_upload_errors(api_client, item, customer, manager, h):
    order = Order.objects.create(
        service=item,
        instrument=item.instrument,
        customer=customer,
        organization=customer.organization,
        is_external=True,
        quantity=1,
        unit_price=300,
        list_amount=300,
        quoted_amount=300,
        status="testing",
    )
    url = f"/api/v1/orders/{order.pk}/report"
    r = api_client.post(url, {}, **h(manager))
    assert (r.status_code, r.json()["code"]) == (422, "validation_error")
    bad = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    r = api_client.post(url, {"file": bad}, **h(manager))
    assert (r.status_code, list(r.json()["details"])) == (422, ["file"])
    ok = SimpleUploadedFile("r.pdf", b"%PDF", content_type="application/pdf")
    assert api_client.post(url, {"file": ok}, **h(customer)).status_code == 403


# --- fees ------------------------------------------------------------------------------------


@pytest.fixture
def charged(sem, customer):
    s = UsageSession.objects.create(
        instrument=sem,
        user=customer,
        organization=customer.organization,
        started_at=datetime(2026, 11, 3, 9, tzinfo=TZ),
        ended_at=datetime(2026, 11, 3, 11, 15, tzinfo=TZ),
        is_external=True,
    )
    from nesta.instruments.services import charges_post_usage

    return charges_post_usage(actor=None, session=s)


def test_statement(api_client, charged, jl_admin, customer, org_jl, h):
    url = f"/api/v1/organizations/{org_jl.pk}/statement?month=2026-11"
    r = api_client.get(url, **h(jl_admin))
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["title"] == f"2026年11月 仪器使用费用对账单 — {org_jl.name}"
    assert [(x["date"], x["quantity"], x["rate"], x["amount"], x["unit"]) for x in body["rows"]] == [
        ("2026-11-03", "2.25", "400.00", "900.00", "小时")
    ]
    assert (body["total_internal"], body["total_external"], body["total"]) == ("0.00", "900.00", "900.00")
    x = api_client.get(f"/api/v1/organizations/{org_jl.pk}/statement.xlsx?month=2026-11", **h(jl_admin))
    assert (x.status_code, x["Content-Type"]) == (200, XLSX)
    ws = load_workbook(BytesIO(x.content)).active
    assert ws["A1"].value == body["title"]
    assert ws["L3"].value == 900
    assert api_client.get(url, **h(customer)).status_code == 403
    assert api_client.get(url).status_code == 401
    r = api_client.get(f"/api/v1/organizations/{org_jl.pk}/statement?month=2026-13", **h(jl_admin))
    assert (r.status_code, list(r.json()["details"])) == (422, ["month"])
    assert api_client.get(f"/api/v1/organizations/{org_jl.pk}/statement", **h(jl_admin)).status_code == 422
    assert api_client.get("/api/v1/organizations/2147483647/statement?month=2026-11", **h(jl_admin)).status_code == 404


# --- openness --------------------------------------------------------------------------------


def test_openness_endpoints(api_client, sem, customer, charged, org_ln):
    extra = UsageSession.objects.create(
        instrument=sem,
        user=customer,
        organization=customer.organization,
        started_at=datetime(2026, 12, 31, 23, tzinfo=TZ),
        ended_at=datetime(2026, 12, 31, 23, tzinfo=TZ) + timedelta(hours=3),
        is_external=False,
    )
    r = api_client.get(f"/api/v1/instruments/{sem.pk}/openness?year=2026")  # public
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["year"], body["qualifies"], body["effective_hours"], body["external_hours"]) == (
        2026,
        True,
        "3.25",
        "2.25",
    )
    assert (body["sharing_rate"], body["utilisation"], body["income_external"]) == ("0.6923", "0.0023", "900.00")
    assert body["usage_session_ids"] == [charged[0].usage_session_id, extra.pk]
    assert body["charge_ids"] == [charged[0].pk]
    assert body["criteria"] == {
        "open": True,
        "booking_policy": True,
        "fee_schedule": True,
        "manager": True,
        "no_unrecorded_use": True,
    }

    r = api_client.get(f"/api/v1/organizations/{org_ln.pk}/openness?year=2026")
    assert r.status_code == 200
    org = r.json()
    assert (org["instrument_count"], org["scores"]["management"], org["sharing_rate"]) == (1, "40.00", "0.6923")
    assert org["scores"] == {"operation": "0.09", "sharing": "20.00", "management": "40.00", "total": "60.09"}
    assert org["instruments"][0]["sources_url"] == f"/api/v1/instruments/{sem.pk}/openness?year=2026"

    r = api_client.get("/api/v1/openness/ranking?year=2026&province=210000")
    assert r.status_code == 200
    assert [(i["rank"], i["organization_id"], i["scores"]["total"]) for i in r.json()["items"]] == [
        (1, org_ln.pk, "60.09")
    ]
    assert api_client.get("/api/v1/openness/ranking?year=2026&province=220000").json()["items"] == []

    x = api_client.get("/api/v1/openness/ranking.xlsx?year=2026")
    assert (x.status_code, x["Content-Type"]) == (200, XLSX)
    wb = load_workbook(BytesIO(x.content))
    assert wb["排名"]["B3"].value == org_ln.name
    assert "2026" in unquote(x["Content-Disposition"])


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/openness/ranking?year=1999",
        "/api/v1/openness/ranking?year=2101",
        "/api/v1/openness/ranking?year=abc",
        "/api/v1/openness/ranking?province=2100000",
        "/api/v1/openness/ranking.xlsx?year=99999999999",
        "/api/v1/instruments/0/openness?year=2026",
        "/api/v1/organizations/2147483648/openness?year=2026",
    ],
)
def test_openness_input_is_bounded(api_client, url):
    r = api_client.get(url)
    assert (r.status_code, r.json()["code"]) == (422, "validation_error")


def test_openness_of_unknown_records(api_client, db):
    assert api_client.get("/api/v1/instruments/2147483647/openness?year=2026").status_code == 404
    assert api_client.get("/api/v1/organizations/2147483647/openness?year=2026").status_code == 404
