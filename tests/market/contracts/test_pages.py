"""The contract pages: submission form (grouped type select, cost lines), my contracts, the
point's queue (overdue highlighted, cards on small screens), the decision page, the contract page
with its certificate, the public verification page, registration points admin; query counts."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from nesta.market.models import RegistrationPoint, TechContract
from nesta.market.services.contracts import contract_register
from tests.market.contracts.pdf import pdf_text


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def form_post(point, **extra):
    today = timezone.localdate()
    data = {
        "point": point.pk,
        "seller_organization": "",
        "name": "寒地水稻栽培技术服务合同",
        "contract_type": "service",
        "seller_nature": "21",
        "seller_region": "210100",
        "buyer_name": "沈阳某农业科技有限公司",
        "buyer_nature": "41",
        "buyer_country": "156",
        "buyer_region": "210100",
        "signed_on": (today - dt.timedelta(days=3)).isoformat(),
        "valid_from": (today - dt.timedelta(days=3)).isoformat(),
        "valid_until": (today + dt.timedelta(days=300)).isoformat(),
        "tech_field": "09",
        "ip_type": "none",
        "objective": "09",
        "plan_source": "enterprise",
        "contract_amount": "300000",
        "technology_amount": "250000",
        "cost-TOTAL_FORMS": "4",
        "cost-INITIAL_FORMS": "0",
        "cost-MIN_NUM_FORMS": "0",
        "cost-MAX_NUM_FORMS": "20",
        "cost-0-item": "raw_materials",
        "cost-0-amount": "50000",
        "cost-0-note": "种子",
    }
    data.update(extra)
    return data


def test_submission_form_groups_the_types(as_user, seller, point):
    r = as_user(seller).get(reverse("market:contract_submit"))
    html = r.content.decode()
    assert r.status_code == 200
    assert '<optgroup label="技术开发">' in html and '<optgroup label="技术许可">' in html
    assert "技术许可（专利实施许可·独占）" in html and "非技术性费用" in html
    assert 'name="cost-0-item"' in html and point.name in html


def test_submitting_through_the_form(as_user, seller, point, org_ln):
    client = as_user(seller)
    r = client.post(reverse("market:contract_submit"), form_post(point, seller_organization=org_ln.pk))
    assert r.status_code == 302, r.content.decode()[:3000]
    c = TechContract.objects.get()
    assert c.technology_amount == 250000 and c.non_technical_costs[0]["item"] == "raw_materials"
    assert r["Location"] == reverse("market:contract_detail", args=[c.pk])


def test_a_broken_rule_is_shown_beside_its_field(as_user, seller, point, org_ln):
    client = as_user(seller)
    r = client.post(
        reverse("market:contract_submit"), form_post(point, seller_organization=org_ln.pk, technology_amount="400000")
    )
    assert r.status_code == 422
    assert "技术交易额不能大于合同成交额" in r.content.decode()
    assert not TechContract.objects.exists()


def test_an_expert_may_not_open_the_form(as_user, users):
    assert as_user(users["expert"]).get(reverse("market:contract_submit")).status_code == 403


def test_anonymous_goes_to_login(client):
    r = client.get(reverse("market:contract_submit"))
    assert r.status_code == 302 and "login" in r["Location"]


def test_my_contracts_and_their_query_count(as_user, seller, make_contract, django_assert_max_num_queries):
    for _ in range(3):
        make_contract()
    client = as_user(seller)
    with django_assert_max_num_queries(14):
        r = client.get(reverse("market:contract_list"))
    few = r.content.decode().count('data-testid="contract-item"')
    for _ in range(10):
        make_contract()
    with django_assert_max_num_queries(14):
        r = client.get(reverse("market:contract_list"))
    assert few == 3 and r.content.decode().count('data-testid="contract-item"') == 13


def test_the_queue_highlights_overdue_cases(as_user, staff, point, make_contract, django_assert_max_num_queries):
    late = make_contract()
    make_contract()
    TechContract.objects.filter(pk=late.pk).update(decision_due=timezone.localdate() - dt.timedelta(days=2))
    client = as_user(staff)
    r = client.get(reverse("market:contract_queue"))
    assert r.status_code == 302 and r["Location"] == reverse("market:contract_queue_point", args=[point.pk])
    with django_assert_max_num_queries(14):
        r = client.get(r["Location"])
    html = r.content.decode()
    assert html.count('data-overdue="1"') == 2  # the table row and the small-screen card
    assert html.count('data-overdue="0"') == 2
    assert 'data-testid="queue-cards"' in html and "d-md-none" in html
    assert "1 份合同已超过认定期限" in html
    r = client.get(reverse("market:contract_queue_point", args=[point.pk]) + "?overdue=1")
    assert r.content.decode().count('data-overdue="0"') == 0


def test_the_queue_is_only_the_points(as_user, seller, point):
    r = as_user(seller).get(reverse("market:contract_queue_point", args=[point.pk]))
    assert r.status_code == 404


def test_deciding_on_the_web(as_user, staff, seller, make_contract):
    a, b = make_contract(), make_contract()
    client = as_user(staff)
    page = client.get(reverse("market:contract_decide", args=[a.pk])).content.decode()
    assert 'name="reasons"' in page and "口头合同" in page and 'data-testid="register-button"' in page
    r = client.post(
        reverse("market:contract_register", args=[a.pk]), {"next": reverse("market:contract_detail", args=[a.pk])}
    )
    assert r.status_code == 302
    assert TechContract.objects.get(pk=a.pk).status == "registered"
    r = client.post(reverse("market:contract_refuse", args=[b.pk]), {"note": "缺盖章"})
    assert TechContract.objects.get(pk=b.pk).status == "submitted"  # no reason: refused input
    r = client.post(
        reverse("market:contract_refuse", args=[b.pk]),
        {"reasons": ["seals_missing", "oral_contract"], "note": "缺盖章"},
    )
    b.refresh_from_db()
    assert b.status == "refused" and b.refusal_reasons == ["seals_missing", "oral_contract"]
    assert as_user(seller).get(reverse("market:contract_decide", args=[b.pk])).status_code == 403


def test_contract_page_and_certificate_download(as_user, staff, seller, make_contract):
    c = make_contract()
    done = contract_register(actor=staff, contract_id=c.pk)
    client = as_user(seller)
    html = client.get(reverse("market:contract_detail", args=[c.pk])).content.decode()
    assert done.number in html and 'data-testid="certificate-link"' in html
    assert "100万元" in html or "100.00万元" in html or "万元" in html
    r = client.get(reverse("market:contract_certificate", args=[c.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert "filename*=UTF-8''" in r["Content-Disposition"]
    assert done.number in pdf_text(b"".join(r) if hasattr(r, "streaming_content") else r.content)


def test_the_public_verification_page(client, staff, make_contract):
    done = contract_register(actor=staff, contract_id=make_contract().pk)
    r = client.get(reverse("market:contract_verify", args=[done.number]))
    html = r.content.decode()
    assert r.status_code == 200 and 'data-testid="verified"' in html
    assert done.seller_name in html and done.buyer_name in html and "技术开发（委托）" in html
    assert done.name not in html  # nothing beyond number, type, parties, amounts, date
    r = client.get(reverse("market:contract_verify", args=["1" * 14]))
    assert r.status_code == 404 and 'data-testid="not-verified"' in r.content.decode()
    r = client.get(reverse("market:contract_verify_form") + f"?number={done.number}")
    assert r.status_code == 302


def test_registration_points_admin(as_user, users, market_org, point):
    client = as_user(users["office"])
    assert point.name in client.get(reverse("market:registration_points")).content.decode()
    r = client.post(
        reverse("market:registration_point_create"),
        {
            "organization": market_org.pk,
            "name": "鞍山登记站",
            "city": "210300",
            "point_code": "02",
            "decision_days": "30",
            "is_active": "on",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    new = RegistrationPoint.objects.get(name="鞍山登记站")
    assert new.province.code == "210000"
    r = client.post(
        reverse("market:registration_point_edit", args=[new.pk]),
        {
            "organization": market_org.pk,
            "name": "鞍山登记站",
            "city": "210300",
            "point_code": point.point_code,
            "decision_days": "25",
        },
    )
    assert r.status_code == 302
    assert as_user(users["member"]).get(reverse("market:registration_points")).status_code == 403


def test_the_points_yearly_ledger(as_user, staff, seller, point, make_contract, django_assert_max_num_queries):
    import io

    from openpyxl import load_workbook

    done = [contract_register(actor=staff, contract_id=make_contract().pk) for _ in range(3)]
    make_contract()  # waiting: not in the register
    client = as_user(staff)
    url = reverse("market:contract_ledger", args=[point.pk])
    assert url in client.get(reverse("market:contract_queue_point", args=[point.pk])).content.decode()
    with django_assert_max_num_queries(12):
        r = client.get(url)
    assert r.status_code == 200 and "filename*=UTF-8''" in r["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "登记编号"
    assert [row[0] for row in rows[2:]] == [c.number for c in done]
    assert rows[2][10] == 1000000 and rows[2][11] == 800000
    assert client.get(url + "?year=abc").status_code == 200
    assert as_user(seller).get(url).status_code == 404


def test_anonymous_contract_pages_go_to_login(client, make_contract):
    c = make_contract()
    for name in ("market:contract_detail", "market:contract_decide", "market:contract_certificate"):
        r = client.get(reverse(name, args=[c.pk]))
        assert r.status_code == 302 and "login" in r["Location"], name
    r = client.post(reverse("market:contract_register", args=[c.pk]))
    assert r.status_code == 302 and "login" in r["Location"]
    assert TechContract.objects.get(pk=c.pk).status == "submitted"


def test_cost_line_errors_are_said_in_chinese(as_user, seller, point, org_ln):
    r = as_user(seller).post(
        reverse("market:contract_submit"),
        form_post(point, seller_organization=org_ln.pk, **{"cost-0-amount": "500000", "technology_amount": "0"}),
    )
    html = r.content.decode()
    assert r.status_code == 422
    assert "非技术性费用：" in html and "non_technical_costs" not in html
