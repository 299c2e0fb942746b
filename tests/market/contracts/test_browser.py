"""The contract pages on a phone (390 × 844): the point's queue as cards with the overdue one
marked, the decision page's reason checkboxes and buttons, the submission form and the public
verification page — nothing wider than the screen."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, login
from tests.factories import OrganizationFactory, UserFactory, grant
from tests.market.contracts.conftest import contract_data
from tests.market.factories import RegistrationPointFactory

pytestmark = [pytest.mark.browser]
WIDTH = 390


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": WIDTH, "height": 844},
        is_mobile=True,
        has_touch=True,
        base_url=live_server.url,
    )
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    expect.set_options(timeout=10_000)
    yield pg
    context.close()


@pytest.fixture
def desk(transactional_db):
    from django.core.management import call_command

    from nesta.market.models import TechContract
    from nesta.market.services.contracts import contract_register, contract_submit

    call_command("load_reference", verbosity=0)
    market = OrganizationFactory(kind="technology_market", name="沈阳技术市场")
    point = RegistrationPointFactory(organization=market, name="沈阳市技术合同认定登记处", point_code="01")
    staff = grant(UserFactory(username="desk_staff", organization=market), "member", organization=market)
    seller_org = OrganizationFactory(name="东北某高性能材料研究院")
    seller = grant(UserFactory(username="desk_seller", organization=seller_org), "member", organization=seller_org)
    late = contract_submit(
        actor=seller, data=contract_data(point, name="超期未认定的一份很长名称的铸造铝合金技术开发合同")
    )
    contract_submit(actor=seller, data=contract_data(point))
    done = contract_register(actor=staff, contract_id=contract_submit(actor=seller, data=contract_data(point)).pk)
    TechContract.objects.filter(pk=late.pk).update(decision_due=timezone.localdate() - dt.timedelta(days=3))
    return {"point": point, "staff": staff, "seller": seller, "late": late, "done": done}


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH + 1, f"page is {width}px wide"


def test_the_queue_and_the_decision_on_a_phone(phone, desk):
    login(phone, "desk_staff", "pass-2026-x")
    phone.goto(f"/market/contracts/queue/{desk['point'].pk}/")
    cards = phone.locator("[data-testid=queue-cards] [data-testid=contract-item]")
    expect(cards).to_have_count(2)
    expect(phone.locator("[data-testid=queue-table]")).to_be_hidden()
    expect(phone.locator("[data-testid=queue-cards] [data-overdue='1']")).to_have_count(1)
    expect(phone.locator("[data-testid=overdue-count]")).to_be_visible()
    _fits(phone)
    phone.screenshot(path=f"{SCREENSHOTS}/contracts-queue-390.png", full_page=True)
    phone.locator("[data-testid=queue-cards] [data-overdue='1'] a.btn").click()
    expect(phone.locator("[data-testid=refuse-box]")).to_be_visible()
    _fits(phone)
    phone.get_by_label("签章或附件不全").check()
    phone.get_by_label("说明").fill("合同未加盖买方公章")
    phone.locator("[data-testid=refuse-button]").click()
    expect(phone.get_by_text("已作出不予登记决定")).to_be_visible()
    phone.screenshot(path=f"{SCREENSHOTS}/contracts-decided-390.png", full_page=True)


def test_the_form_and_the_public_page_on_a_phone(phone, desk):
    login(phone, "desk_seller", "pass-2026-x")
    phone.goto("/market/contracts/new/")
    expect(phone.locator("[data-testid=contract-form]")).to_be_visible()
    _fits(phone)
    phone.screenshot(path=f"{SCREENSHOTS}/contracts-form-390.png", full_page=True)
    phone.goto(f"/market/contracts/{desk['done'].pk}/")
    expect(phone.locator("[data-testid=certificate-link]")).to_be_visible()
    _fits(phone)
    phone.goto(f"/market/contracts/verify/{desk['done'].number}/")
    expect(phone.locator("[data-testid=verified]")).to_contain_text(desk["done"].number)
    _fits(phone)
    phone.screenshot(path=f"{SCREENSHOTS}/contracts-verify-390.png", full_page=True)
