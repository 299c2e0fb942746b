"""The budget view derived from a constructed set of records: plan, committed, paid, remaining for
each filter; who sees what; constant queries; the API's statuses and hostile input."""

import json
from decimal import Decimal

import pytest

from nesta.core.errors import NotAuthenticated, PermissionDenied, ValidationFailed
from nesta.programmes.selectors.budget import budget_view, naive_budget_totals
from tests.conftest import bearer
from tests.programmes.budget.conftest import build_budget

pytestmark = pytest.mark.django_db
D = Decimal
REF_PLAN = D("2500000000")  # the reference plan of 四.2 (2004–2008, 5 × 5亿元)


def figures(view):
    return (view.plan, view.committed, view.paid, view.remaining)


def test_whole_action_2026(budget):
    v = budget_view(viewer=budget["office"], year=2026)
    plan = D("18500000")  # 10,000,000 + 5,000,000 + 3,000,000 + 500,000
    # awards: 1,000,000 funded + 1,000,000 running + 200,000 paid of the failed + 500,000 closed
    # + 1,500,000 in acceptance; subsidies 75,000 approved + 50,000 paid
    committed = D("4325000")
    paid = D("1550000")  # 500,000 + 200,000 + 500,000 + 300,000 + 50,000
    assert figures(v) == (plan, committed, paid, plan - committed)


def test_filters(budget):
    ln = budget_view(viewer=budget["office"], year=2026, province="210000")
    assert figures(ln) == (D("10500000"), D("2825000"), D("1250000"), D("7675000"))
    action = budget_view(viewer=budget["office"], year=2026, programme="action-special-fund")
    assert figures(action) == (D("15000000"), D("4200000"), D("1500000"), D("10800000"))
    zone = budget_view(viewer=budget["office"], programme="zone-special-support")
    assert figures(zone) == (D("500000"), D("125000"), D("50000"), D("375000"))
    old = budget_view(viewer=budget["office"], year=2025)
    assert figures(old) == (D("1000000"), D("800000"), D("0"), D("200000"))
    nothing = budget_view(viewer=budget["office"], year=2030)
    assert figures(nothing) == (0, 0, 0, 0) and nothing.rows == []


def test_rows_add_up_and_unallocated_money_is_its_own_row(budget):
    v = budget_view(viewer=budget["office"], year=2026)
    assert sum(r.plan for r in v.rows) == v.plan and sum(r.paid for r in v.rows) == v.paid
    labels = {r.key: r for r in v.rows}
    assert labels["2026/-/-"].plan == D("3000000") and labels["2026/-/-"].committed == 0
    assert labels["2026/action-special-fund/220000"].committed == D("1500000")
    assert sum(g.committed for g in v.by_programme) == v.committed
    assert {g.province for g in v.by_province} == {"210000", "220000", None}


def test_the_view_agrees_with_the_naive_sum(budget):
    v = budget_view(viewer=budget["finance"])
    naive = naive_budget_totals()
    assert figures(v) == (naive["plan"], naive["committed"], naive["paid"], naive["remaining"])
    assert v.plan == D("19500000") + REF_PLAN


def test_a_province_sees_its_own_province_only(budget):
    mine = budget_view(viewer=budget["province"], year=2026)
    assert figures(mine) == figures(budget_view(viewer=budget["office"], year=2026, province="210000"))
    assert mine.provinces == [("210000", "辽宁省")]
    with pytest.raises(PermissionDenied):
        budget_view(viewer=budget["province"], province="220000")


@pytest.mark.parametrize("who", ["applicant", "expert"])
def test_others_may_not_see_the_budget(budget, who):
    with pytest.raises(PermissionDenied):
        budget_view(viewer=budget[who])


def test_anonymous_and_bad_filters(budget):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAuthenticated):
        budget_view(viewer=AnonymousUser())
    with pytest.raises(ValidationFailed):
        budget_view(viewer=budget["office"], province="999999")
    with pytest.raises(ValidationFailed):
        budget_view(viewer=budget["office"], programme="no-such")
    with pytest.raises(ValidationFailed):
        budget_view(viewer=budget["office"], year=1900)


def test_query_count_does_not_grow_with_records(budget, django_assert_num_queries):
    budget_view(viewer=budget["office"])  # the user's grants are read once per user object
    with django_assert_num_queries(7):
        budget_view(viewer=budget["office"], year=2026)
    build_budget()
    build_budget()
    with django_assert_num_queries(7):
        v = budget_view(viewer=budget["office"], year=2026)
    assert v.paid == 3 * D("1550000")


def get(client, url, user=None):
    return client.get(url, **(bearer(user) if user else {}))


def test_api_budget(api_client, budget):
    assert get(api_client, "/api/v1/budget?year=abc").status_code == 401  # 401 before 422
    r = get(api_client, "/api/v1/budget?year=2026&province=210000", budget["office"])
    assert r.status_code == 200, r.content
    body = r.json()
    assert (D(body["plan"]), D(body["committed"]), D(body["paid"]), D(body["remaining"])) == (
        D("10500000"),
        D("2825000"),
        D("1250000"),
        D("7675000"),
    )
    assert body["rows"] and {"plan", "committed", "paid", "remaining", "label"} <= set(body["rows"][0])
    assert get(api_client, "/api/v1/budget?province=220000", budget["province"]).status_code == 403
    assert get(api_client, "/api/v1/budget", budget["applicant"]).status_code == 403
    assert get(api_client, "/api/v1/budget", budget["finance"]).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "year=abc",
        "year=99999999999999999999",
        "year=1999",
        "province=21000",
        "province=../etc",
        "programme=%00",
        "programme=" + "a" * 100,
        "province=990000",
        "programme=nope",
    ],
)
def test_api_budget_hostile_input_is_422(api_client, budget, query):
    r = get(api_client, f"/api/v1/budget?{query}", budget["office"])
    assert r.status_code in (400, 422), (query, r.content)  # NUL is refused by the middleware (400)
    assert "code" in json.loads(r.content)


def test_payment_cells_follow_every_write_and_rebuild(budget):
    from nesta.programmes.models import Payment
    from nesta.programmes.selectors.budget import payment_cells_drift
    from nesta.programmes.services.payments import payment_cells_rebuild

    assert payment_cells_drift() == []
    p = Payment.objects.order_by("pk").first()
    Payment.objects.filter(pk=p.pk).update(amount=D("123.45"), year=2025)  # raw update: the trigger follows
    assert payment_cells_drift() == []
    Payment.objects.filter(pk=p.pk).delete()
    assert payment_cells_drift() == []
    assert budget_view(viewer=budget["office"], year=2026).paid == D("1550000") - D("300000")
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("UPDATE programmes_paymentcell SET amount_fen = amount_fen + 1")
    assert payment_cells_drift()
    assert payment_cells_rebuild() > 0 and payment_cells_drift() == []
