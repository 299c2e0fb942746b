"""The subsidies pages: the fund page (loans, statements, remaining), the borrower's statement
form, the computation line by line, the decision and the payment; roles; constant queries."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from nesta.programmes.models import StatementStatus, SubsidyInstalment
from tests.programmes.subsidies.conftest import make_loan, make_statement
from tests.programmes.subsidies.test_subsidy_services import statement_data


def client_for(user) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(user)
    return c


def test_the_fund_page_lists_loans_statements_and_what_is_left(people, loan):
    make_statement(loan)
    r = client_for(people["office"]).get(reverse("programmes:subsidy_fund", args=[loan.fund_id]))
    html = r.content.decode()
    assert r.status_code == 200
    assert "五轴联动数控机床产业化" in html and "待审核" in html
    assert "500万元" in html  # the budget and (nothing approved yet) what remains
    assert client_for(people["office"]).get(reverse("programmes:subsidy_funds")).status_code == 200


def test_a_stranger_sees_no_fund(people, loan):
    c = client_for(people["stranger"])
    assert c.get(reverse("programmes:subsidy_fund", args=[loan.fund_id])).status_code == 404
    assert c.get(reverse("programmes:subsidy_loan", args=[loan.pk])).status_code == 404
    assert "暂无可查看的贴息资金" in c.get(reverse("programmes:subsidy_funds")).content.decode()


def test_anonymous_goes_to_login(loan):
    r = Client().get(reverse("programmes:subsidy_fund", args=[loan.fund_id]))
    assert r.status_code == 302 and "login" in r["Location"]


def test_the_fund_list_is_constant_in_queries(people, fund, borrower, django_assert_max_num_queries):
    for i in range(3):
        make_statement(make_loan(fund, borrower, contract_no=f"C{i}"))
    c = client_for(people["office"])
    with django_assert_max_num_queries(12):
        assert c.get(reverse("programmes:subsidy_funds")).status_code == 200
    with django_assert_max_num_queries(14):
        assert c.get(reverse("programmes:subsidy_fund", args=[fund.pk])).status_code == 200


def test_the_borrower_submits_and_the_computation_is_shown_line_by_line(people, loan):
    c = client_for(people["borrower"])
    url = reverse("programmes:subsidy_statement_new", args=[loan.pk])
    assert c.get(url).status_code == 200
    r = c.post(url, statement_data(paid_on=timezone.localdate().isoformat()))
    assert r.status_code == 302, r.content.decode()[:2000]
    page = c.get(r["Location"]).content.decode()
    assert "贴息测算" in page and "75,000.00" in page and "ROUND_HALF_UP" in page
    assert "10,000,000.00 × 3% × 90 ÷ 360" in page
    assert 'data-testid="decide-box"' not in page  # the borrower does not decide


def test_a_future_payment_date_is_shown_as_an_error(people, loan):
    c = client_for(people["borrower"])
    tomorrow = (timezone.localdate() + timezone.timedelta(days=1)).isoformat()
    r = c.post(reverse("programmes:subsidy_statement_new", args=[loan.pk]), statement_data(paid_on=tomorrow))
    assert r.status_code == 422
    assert "付息日不能晚于今天" in r.content.decode()


@pytest.mark.parametrize("role", ["office", "province", "finance", "stranger"])
def test_only_the_borrower_gets_the_form(people, loan, role):
    r = client_for(people[role]).get(reverse("programmes:subsidy_statement_new", args=[loan.pk]))
    assert r.status_code in (403, 404)


def test_the_province_approves_and_finance_pays(people, loan):
    st = make_statement(loan)
    office = client_for(people["province"])
    page = office.get(reverse("programmes:subsidy_statement", args=[st.pk])).content.decode()
    assert 'data-testid="decide-box"' in page and 'data-testid="pay-box"' not in page
    r = office.post(reverse("programmes:subsidy_statement_decide", args=[st.pk]), {"decision": "approve", "note": ""})
    assert r.status_code == 302
    assert SubsidyInstalment.objects.get(statement=st).amount == 75000
    # the province may not pay; finance may
    r = office.post(reverse("programmes:subsidy_statement_pay", args=[st.pk]), {"paid_on": timezone.localdate()})
    assert r.status_code == 403
    finance = client_for(people["finance"])
    page = finance.get(reverse("programmes:subsidy_statement", args=[st.pk])).content.decode()
    assert "贴息核定计算过程" in page and 'data-testid="pay-box"' in page
    r = finance.post(reverse("programmes:subsidy_statement_pay", args=[st.pk]), {"paid_on": timezone.localdate()})
    assert r.status_code == 302
    st.refresh_from_db()
    assert st.status == StatementStatus.PAID


def test_a_refusal_without_reason_is_422(people, loan):
    st = make_statement(loan)
    r = client_for(people["office"]).post(
        reverse("programmes:subsidy_statement_decide", args=[st.pk]), {"decision": "reject", "note": ""}
    )
    assert r.status_code == 422 and "不予贴息须说明理由" in r.content.decode()


def test_the_borrower_may_not_decide(people, loan):
    st = make_statement(loan)
    r = client_for(people["borrower"]).post(
        reverse("programmes:subsidy_statement_decide", args=[st.pk]), {"decision": "approve"}
    )
    assert r.status_code == 403
