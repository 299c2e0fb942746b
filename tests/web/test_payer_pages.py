"""经费账户 pages: the admin's list, create and edit (422 on failure), the statement with its chart
and numbers, the XLSX (text cells for codes), deactivation, who may see what, query counts."""

import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from nesta.instruments.models import Charge, PayerAccount
from tests.factories import InstrumentFactory
from tests.timeutil import working_day

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(org_ln, users):
    return PayerAccount.objects.create(
        organization=org_ln, code="0012345678", name="材料学院经费卡", spending_limit=1000, holder=users["member"]
    )


def _charges(org_ln, users, account, n=3):
    instrument = InstrumentFactory(owner=org_ln)
    now = timezone.now()
    for i in range(n):
        Charge.objects.create(
            instrument=instrument,
            organization=org_ln,
            user=users["member"],
            kind="usage_hours",
            account=account,
            occurred_at=now - timedelta(days=40 * i),
            quantity=1,
            unit="hour",
            rate=100,
            amount=Decimal("100.00"),
        )
    return instrument


def test_admin_lists_and_creates(client, users, org_ln, account):
    client.force_login(users["org_admin"])
    page = client.get("/instruments/payers/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "0012345678" in html and 'data-testid="payer-new"' in html
    form = client.get(f"/instruments/payers/new/?org={org_ln.pk}")
    assert form.status_code == 200
    data = {"code": "KY-2026-9", "name": "省自然基金", "kind": "project", "spending_limit": "2000", "holder": ""}
    saved = client.post(f"/instruments/payers/new/?org={org_ln.pk}", data)
    assert saved.status_code == 302
    assert PayerAccount.objects.get(code="KY-2026-9").spending_limit == Decimal("2000.00")


def test_failed_create_is_422_with_errors(client, users, org_ln, account):
    client.force_login(users["org_admin"])
    url = f"/instruments/payers/new/?org={org_ln.pk}"
    dup = client.post(url, {"code": "0012345678", "name": "重复", "kind": "card"})
    assert dup.status_code == 422
    assert "编号已存在" in dup.content.decode()
    bad = client.post(
        url, {"code": "X", "name": "n", "kind": "card", "spending_limit": "-3", "valid_from": "1800-01-01"}
    )
    assert bad.status_code == 422
    assert PayerAccount.objects.count() == 1


def test_member_cannot_manage(client, users, org_ln, account):
    client.force_login(users["member"])
    assert client.get(f"/instruments/payers/new/?org={org_ln.pk}").status_code == 403
    assert client.get(f"/instruments/payers/{account.pk}/edit/").status_code == 403
    listed = client.get("/instruments/payers/").content.decode()
    assert "0012345678" in listed  # they hold it
    assert 'data-testid="payer-new"' not in listed


def test_anonymous_goes_to_login(client, account):
    assert client.get("/instruments/payers/").status_code == 302
    assert client.get(f"/instruments/payers/{account.pk}/").status_code == 302


def test_other_admin_is_refused(client, users, org_jl, account):
    from tests.factories import UserFactory, grant

    other = grant(UserFactory(username="t_admin_jl", organization=org_jl), "org_admin", organization=org_jl)
    client.force_login(other)
    assert client.get(f"/instruments/payers/{account.pk}/").status_code == 403
    assert client.get(f"/instruments/payers/{account.pk}/statement.xlsx").status_code == 403


def test_edit_and_deactivate(client, users, account):
    client.force_login(users["org_admin"])
    form = client.get(f"/instruments/payers/{account.pk}/edit/")
    assert 'value="0012345678"' in form.content.decode()
    saved = client.post(
        f"/instruments/payers/{account.pk}/edit/",
        {"code": "0012345678", "name": "改名", "kind": "card", "spending_limit": "1500"},
    )
    assert saved.status_code == 302
    account.refresh_from_db()
    assert account.name == "改名" and account.spending_limit == Decimal("1500.00")
    client.post(f"/instruments/payers/{account.pk}/active/", {"active": "0"})
    account.refresh_from_db()
    assert not account.is_active


def test_statement_shows_chart_and_numbers(client, users, org_ln, account):
    _charges(org_ln, users, account)
    client.force_login(users["org_admin"])
    response = client.get(f"/instruments/payers/{account.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="payer-chart"' in html
    assert html.count('data-testid="payer-month"') == 3
    assert 'data-testid="payer-spent">300.00' in html
    assert 'data-testid="payer-remaining">700.00' in html


def test_statement_xlsx_has_text_codes(client, users, org_ln, account):
    _charges(org_ln, users, account, n=2)
    client.force_login(users["member"])  # the holder
    response = client.get(f"/instruments/payers/{account.pk}/statement.xlsx")
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    summary = wb["概况"]
    codes = [row for row in summary.iter_rows(values_only=True) if row[0] == "经费卡号/项目编号"]
    assert codes == [("经费卡号/项目编号", "0012345678")]  # a string: the leading zeros kept
    cell = next(c for row in summary.iter_rows() for c in row if c.value == "0012345678")
    assert cell.data_type == "s"
    lines = list(wb["明细"].iter_rows(values_only=True))
    assert len(lines) == 1 + 2 + 1  # header, two lines, total
    assert lines[-1][-1] == 200


def test_list_query_count_does_not_grow(client, users, org_ln, django_assert_max_num_queries):
    client.force_login(users["org_admin"])
    for i in range(3):
        PayerAccount.objects.create(organization=org_ln, code=f"A{i}", name="n", holder=users["member"])
    client.get("/instruments/payers/")  # warm the session and the grants
    with django_assert_max_num_queries(12) as few:
        client.get("/instruments/payers/")
    for i in range(3, 30):
        PayerAccount.objects.create(organization=org_ln, code=f"A{i}", name="n", holder=users["member"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/instruments/payers/")
    assert response.content.decode().count('data-testid="payer-row"') == 30


def test_statement_query_count_does_not_grow(client, users, org_ln, account, django_assert_max_num_queries):
    _charges(org_ln, users, account, n=2)
    client.force_login(users["org_admin"])
    client.get(f"/instruments/payers/{account.pk}/")
    with django_assert_max_num_queries(14) as few:
        client.get(f"/instruments/payers/{account.pk}/")
    _charges(org_ln, users, account, n=12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(f"/instruments/payers/{account.pk}/")
    assert response.content.decode().count('data-testid="payer-line"') == 14


def test_org_fee_statement_shows_the_account(client, users, org_ln, account):
    _charges(org_ln, users, account, n=1)
    client.force_login(users["org_admin"])
    month = timezone.localtime().strftime("%Y-%m")
    response = client.get(f"/instruments/fees/statement/?organization={org_ln.pk}&month={month}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="statement-account"' in html and "0012345678" in html
    assert 'data-testid="statement-by-account"' in html


def test_order_form_offers_and_charges_the_account(client, users, org_ln, account):
    from nesta.instruments.models import ServiceItem, TestOrder

    instrument = InstrumentFactory(owner=org_ln)
    service = ServiceItem.objects.create(instrument=instrument, name="形貌", internal_price=400, external_price=800)
    client.force_login(users["member"])
    url = f"/instruments/services/{service.pk}/order/"
    form = client.get(url).content.decode()
    assert 'name="account_id"' in form
    assert f'<option value="{account.pk}" selected' in form  # the one account, preselected
    ok = client.post(url, {"quantity": "2", "account_id": account.pk})
    assert ok.status_code == 302
    assert TestOrder.objects.get().account == account
    over = client.post(url, {"quantity": "1", "account_id": account.pk})  # 800 + 400 > 1000
    assert over.status_code == 422
    assert "超出上限" in over.content.decode()
    assert TestOrder.objects.count() == 1


def _slot(days=1, hours=2):
    day = working_day(days)
    start = day.replace(hour=9, minute=0, second=0, microsecond=0)
    return start, start + timedelta(hours=hours)


def test_booking_form_offers_and_charges_the_account(client, users, org_ln, account):
    from nesta.instruments.models import Booking, BookingPolicy

    instrument = InstrumentFactory(owner=org_ln, internal_hourly_rate=300)
    BookingPolicy.objects.create(instrument=instrument)
    client.force_login(users["member"])
    page = client.get(f"/instruments/{instrument.pk}/").content.decode()
    assert 'name="account_id"' in page
    assert f'<option value="{account.pk}" selected' in page  # the one account, preselected
    start, end = _slot(hours=2)  # 600 元
    form = {"purpose": "形貌观察", "account_id": account.pk, "weeks": 4}
    fmt = "%Y-%m-%dT%H:%M"
    ok = client.post(
        f"/instruments/{instrument.pk}/book/", {**form, "start": start.strftime(fmt), "end": end.strftime(fmt)}
    )
    assert ok.status_code == 302, ok.content.decode()[:2000]
    assert Booking.objects.get().account == account
    start, end = _slot(days=2, hours=2)  # 600 more > 1000
    over = client.post(
        f"/instruments/{instrument.pk}/book/", {**form, "start": start.strftime(fmt), "end": end.strftime(fmt)}
    )
    assert over.status_code == 422
    assert "超出上限" in over.content.decode()
    assert Booking.objects.count() == 1
