"""Payer accounts over the API: list and create per organisation, read and change one, its
statement, the caller's usable accounts, and account_id on bookings and orders."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from nesta.instruments.models import Booking, BookingPolicy, PayerAccount, ServiceItem, TestOrder
from tests.conftest import bearer
from tests.factories import InstrumentFactory
from tests.timeutil import working_day

pytestmark = pytest.mark.django_db


def _json(client, method, url, user=None, data=None):
    headers = bearer(user) if user else {}
    body = json.dumps(data) if data is not None else None
    return getattr(client, method)(url, data=body, content_type="application/json", **headers)


def _slot(days=1, hours=2):
    day = working_day(days)
    start = day.replace(hour=9, minute=0, second=0, microsecond=0)
    return start.isoformat(), (start + timedelta(hours=hours)).isoformat()


@pytest.fixture
def sem(org_ln, users):
    instrument = InstrumentFactory(owner=org_ln, internal_hourly_rate=200)
    BookingPolicy.objects.create(instrument=instrument)
    instrument.managers.add(users["instrument_manager"])
    return instrument


@pytest.fixture
def account(org_ln):
    return PayerAccount.objects.create(organization=org_ln, code="00123", name="课题经费", spending_limit=500)


def test_admin_creates_and_lists(client, users, org_ln):
    url = f"/api/v1/organizations/{org_ln.pk}/accounts"
    data = {"code": "0099887766", "name": "重点研发计划", "spending_limit": "1200.50", "holder_id": users["member"].pk}
    created = _json(client, "post", url, users["org_admin"], data)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["code"] == "0099887766" and body["holder_id"] == users["member"].pk
    assert Decimal(body["spending_limit"]) == Decimal("1200.50")
    for i in range(3):
        PayerAccount.objects.create(organization=org_ln, code=f"P{i}", name="n")
    page = _json(client, "get", url + "?limit=2", users["org_admin"])
    assert page.status_code == 200
    assert len(page.json()["items"]) == 2 and page.json()["next_cursor"]
    rest = _json(client, "get", url + f"?limit=2&cursor={page.json()['next_cursor']}", users["org_admin"])
    assert len(rest.json()["items"]) == 2 and rest.json()["next_cursor"] is None


def test_anonymous_is_401_before_validation(client, org_ln):
    url = f"/api/v1/organizations/{org_ln.pk}/accounts"
    assert _json(client, "post", url, None, {"code": ""}).status_code == 401
    assert _json(client, "get", url).status_code == 401


@pytest.mark.parametrize("role,status", [("member", 403), ("instrument_manager", 403), ("province", 403)])
def test_others_cannot_create(client, users, org_ln, role, status):
    url = f"/api/v1/organizations/{org_ln.pk}/accounts"
    assert _json(client, "post", url, users[role], {"code": "c", "name": "n"}).status_code == status


@pytest.mark.parametrize(
    "data",
    [
        {"code": "", "name": "n"},
        {"code": "a\u0001", "name": "n"},
        {"code": "c", "name": "n", "spending_limit": "-5"},
        {"code": "c", "name": "n", "spending_limit": "1.001"},
        {"code": "c", "name": "n", "valid_from": "1800-01-01"},
        {"code": "c", "name": "n", "kind": "bank"},
        {"code": "c", "name": "n", "holder_id": 0},
    ],
)
def test_hostile_input_is_422(client, users, org_ln, data):
    response = _json(client, "post", f"/api/v1/organizations/{org_ln.pk}/accounts", users["org_admin"], data)
    assert response.status_code == 422, response.content


def test_member_sees_only_what_they_hold_and_usable(client, users, org_ln, account):
    held = PayerAccount.objects.create(organization=org_ln, code="H1", name="我的", holder=users["member"])
    listed = _json(client, "get", f"/api/v1/organizations/{org_ln.pk}/accounts", users["member"]).json()["items"]
    assert [a["id"] for a in listed] == [held.pk]
    usable = _json(client, "get", "/api/v1/me/accounts", users["member"]).json()
    assert [a["id"] for a in usable] == [held.pk, account.pk]  # the held one first
    assert _json(client, "get", f"/api/v1/accounts/{account.pk}", users["member"]).status_code == 403
    assert _json(client, "get", f"/api/v1/accounts/{held.pk}", users["member"]).status_code == 200


def test_patch_and_deactivate(client, users, account):
    url = f"/api/v1/accounts/{account.pk}"
    response = _json(client, "patch", url, users["org_admin"], {"name": "改名", "is_active": False})
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "改名" and response.json()["is_active"] is False
    assert _json(client, "patch", url, users["member"], {"name": "x"}).status_code == 403
    assert _json(client, "patch", "/api/v1/accounts/999999", users["org_admin"], {"name": "x"}).status_code == 404


def test_booking_with_account_and_limit(client, users, sem, account):
    url = f"/api/v1/instruments/{sem.pk}/bookings"
    start, end = _slot(hours=2)  # 400 元
    ok = _json(client, "post", url, users["member"], {"start": start, "end": end, "account_id": account.pk})
    assert ok.status_code == 201, ok.content
    assert ok.json()["account_id"] == account.pk
    start, end = _slot(days=2, hours=1)  # 200 元 more: 600 > 500
    refused = _json(client, "post", url, users["member"], {"start": start, "end": end, "account_id": account.pk})
    assert refused.status_code == 422
    body = refused.json()
    assert body["code"] == "account_limit_exceeded"
    assert body["details"]["committed"] == "400.00" and body["details"]["amount"] == "200.00"
    assert "00123" in body["message"]
    none = _json(client, "post", url, users["member"], {"start": start, "end": end})
    assert none.status_code == 201 and none.json()["account_id"] is None
    assert Booking.objects.filter(account=account).count() == 1
    detail = _json(client, "get", f"/api/v1/accounts/{account.pk}", users["org_admin"]).json()
    assert detail["committed"] == "400.00" and detail["remaining"] == "100.00"


def test_order_with_account(client, users, sem, account):
    service = ServiceItem.objects.create(instrument=sem, name="形貌", internal_price=100, external_price=300)
    url = f"/api/v1/services/{service.pk}/orders"
    ok = _json(client, "post", url, users["member"], {"quantity": "2", "account_id": account.pk})
    assert ok.status_code == 201, ok.content
    assert ok.json()["account_id"] == account.pk
    refused = _json(client, "post", url, users["member"], {"quantity": "4", "account_id": account.pk})
    assert refused.json()["code"] == "account_limit_exceeded"
    assert TestOrder.objects.count() == 1


def test_statement(client, users, account, sem, org_ln):
    from nesta.instruments.models import Charge

    Charge.objects.create(
        instrument=sem,
        organization=org_ln,
        user=users["member"],
        kind="usage_hours",
        account=account,
        occurred_at=timezone.now(),
        quantity=1,
        unit="hour",
        rate=200,
        amount=200,
    )
    response = _json(client, "get", f"/api/v1/accounts/{account.pk}/statement", users["org_admin"])
    assert response.status_code == 200
    body = response.json()
    assert body["spent"] == "200.00" and body["remaining"] == "300.00"
    assert len(body["months"]) == 1 and body["instruments"][0]["instrument_id"] == sem.pk
    assert len(body["rows"]) == 1
    assert _json(client, "get", f"/api/v1/accounts/{account.pk}/statement", users["member"]).status_code == 403
