"""The subsidies API: statuses (401 before 422, 403, 404, 409, coded 422), the computed
instalment returned by POST /subsidies/{id}/statements, and hostile input (never a 500)."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from nesta.programmes.models import StatementStatus
from tests.conftest import bearer
from tests.programmes.subsidies.conftest import make_statement
from tests.programmes.subsidies.test_subsidy_services import fund_data, loan_data, statement_data

pytestmark = pytest.mark.django_db


def post(client, url, body, user=None):
    headers = bearer(user) if user else {}
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


def get(client, url, user=None):
    return client.get(url, **(bearer(user) if user else {}))


def test_anonymous_writes_are_401_even_with_a_bad_body(api_client, loan):
    r = post(api_client, f"/api/v1/subsidies/{loan.pk}/statements", {"period_start": "nonsense", "x": [1]})
    assert r.status_code == 401
    r = post(api_client, "/api/v1/subsidies/funds", {"year": "x"})
    assert r.status_code == 401
    assert get(api_client, "/api/v1/subsidies/funds").status_code == 401


def test_post_statement_returns_the_computed_instalment(api_client, people, loan):
    r = post(api_client, f"/api/v1/subsidies/{loan.pk}/statements", statement_data(), people["borrower"])
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["amount"] == "75000.00" and body["preview"] is True
    assert body["status"] == "submitted"
    assert [line["label"] for line in body["lines"]][0] == "贴息年利率"
    # the office approves; finance pays
    sid = body["id"]
    r = post(api_client, f"/api/v1/subsidies/statements/{sid}/decision", {"approve": True}, people["office"])
    assert r.status_code == 200 and r.json()["preview"] is False and r.json()["amount"] == "75000.00"
    today = timezone.localdate().isoformat()
    r = post(api_client, f"/api/v1/subsidies/statements/{sid}/pay", {"paid_on": today}, people["finance"])
    assert r.status_code == 200 and r.json()["status"] == "paid" and r.json()["instalment_paid_on"] == today
    r = post(api_client, f"/api/v1/subsidies/statements/{sid}/pay", {}, people["finance"])
    assert r.status_code == 409 and r.json()["code"] == "invalid_state"


def test_a_statement_dated_in_the_future_is_422(api_client, people, loan):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    body = statement_data(period_start="2026-01-01", period_end="2026-04-01", paid_on=tomorrow)
    r = post(api_client, f"/api/v1/subsidies/{loan.pk}/statements", body, people["borrower"])
    assert r.status_code == 422
    assert r.json()["details"]["codes"]["paid_on"] == "paid_on_future"


def test_loan_above_the_cap_is_coded_422(api_client, people, fund, borrower):
    r = post(
        api_client,
        f"/api/v1/subsidies/funds/{fund.pk}/loans",
        loan_data(borrower, subsidised_rate="0.04"),
        people["office"],
    )
    assert r.status_code == 422 and r.json()["code"] == "subsidised_rate_above_cap"
    r = post(api_client, f"/api/v1/subsidies/funds/{fund.pk}/loans", loan_data(borrower), people["office"])
    assert r.status_code == 201 and r.json()["subsidised_rate"] == "0.03000"


def test_fund_create_and_permissions(api_client, people, zone):
    r = post(api_client, "/api/v1/subsidies/funds", fund_data(zone), people["province"])
    assert r.status_code == 201 and r.json()["zone_name"] == zone.name
    r = post(api_client, "/api/v1/subsidies/funds", fund_data(zone), people["province_jl"])
    assert r.status_code == 403
    r = post(api_client, "/api/v1/subsidies/funds", fund_data(zone, day_count=364), people["office"])
    assert r.status_code == 422 and r.json()["code"] == "day_count_invalid"


def test_reads_are_restricted(api_client, people, loan):
    make_statement(loan)
    assert [f["id"] for f in get(api_client, "/api/v1/subsidies/funds", people["office"]).json()] == [loan.fund_id]
    assert [f["id"] for f in get(api_client, "/api/v1/subsidies/funds", people["finance"]).json()] == [loan.fund_id]
    assert [f["id"] for f in get(api_client, "/api/v1/subsidies/funds", people["borrower"]).json()] == [loan.fund_id]
    assert get(api_client, "/api/v1/subsidies/funds", people["stranger"]).json() == []
    assert get(api_client, "/api/v1/subsidies/funds", people["province_jl"]).json() == []
    assert get(api_client, f"/api/v1/subsidies/{loan.pk}", people["stranger"]).status_code == 404
    assert get(api_client, f"/api/v1/subsidies/{loan.pk}", people["borrower"]).status_code == 200
    r = get(api_client, f"/api/v1/subsidies/{loan.pk}/statements", people["province"])
    assert r.status_code == 200 and len(r.json()) == 1 and r.json()[0]["amount"] == "75000.00"
    assert get(api_client, f"/api/v1/subsidies/funds/{loan.fund_id}", people["stranger"]).status_code == 404
    assert get(api_client, "/api/v1/subsidies/loans", people["borrower"]).json()[0]["id"] == loan.pk


def test_others_may_not_decide_through_the_api(api_client, people, loan):
    st = make_statement(loan)
    for role in ("borrower", "finance", "province_jl"):
        r = post(api_client, f"/api/v1/subsidies/statements/{st.pk}/decision", {"approve": True}, people[role])
        assert r.status_code in (403, 404), role
    st.refresh_from_db()
    assert st.status == StatementStatus.SUBMITTED


@pytest.mark.parametrize(
    "body",
    [
        {"period_start": "2026-01-01\x00", "period_end": "2026-04-01"},
        {"principal_outstanding": "1e999999"},
        {"principal_outstanding": "Infinity"},
        {"interest_paid": [1, 2]},
        {"interest_paid": True},
        {"paid_on": "0001-01-01"},
        {"paid_on": "+999999-01-01"},
        {"bank_reference": "x" * 5000},
        {"overdue_interest": {"a": 1}},
        {"period_start": None},
    ],
)
def test_hostile_input_is_never_a_500(api_client, people, loan, body):
    r = post(api_client, f"/api/v1/subsidies/{loan.pk}/statements", {**statement_data(), **body}, people["borrower"])
    assert r.status_code in (400, 422), (r.status_code, r.content[:300])
    assert "code" in r.json()


@pytest.mark.parametrize("path", ["/api/v1/subsidies/0/statements", "/api/v1/subsidies/99999999999/statements"])
def test_out_of_range_ids(api_client, people, path):
    r = post(api_client, path, statement_data(), people["borrower"])
    assert r.status_code in (404, 422)


def test_decision_body_is_typed(api_client, people, loan):
    st = make_statement(loan)
    r = post(api_client, f"/api/v1/subsidies/statements/{st.pk}/decision", {"approve": "maybe"}, people["office"])
    assert r.status_code == 422
    r = post(api_client, f"/api/v1/subsidies/statements/{st.pk}/decision", {"approve": False}, people["office"])
    assert r.status_code == 422 and r.json()["code"] == "note_required"
