"""The managers' view (issue 8, item 8): on the instrument's calendar and in the managers' lists a
manager of the instrument sees who booked, for what, how to reach them and which account pays;
everyone else still sees only "已预约". The instrument's page names its managers."""

import pytest

from nesta.instruments.models import Booking, PayerAccount
from tests.factories import OrganizationFactory, PersonFactory, UserFactory, grant
from tests.web.instruments.conftest import HTMX, at, book, workday

SECRET_NAME = "欧阳预约人"
SECRET_PURPOSE = "机密样品断口分析"
SECRET_PHONE = "13900001234"
SECRET_MAIL = "booker@example.org"
SECRET_CARD = "JF-2026-0042"


@pytest.fixture
def booked(sem, users, outsider):
    """An outsider's booking of the SEM next Tuesday 10–12, with contact and a payer account."""
    outsider.display_name = SECRET_NAME
    outsider.email = ""
    outsider.save()
    PersonFactory(
        name=SECRET_NAME, user=outsider, email=SECRET_MAIL, phone=SECRET_PHONE, organization=outsider.organization
    )
    account = PayerAccount.objects.create(
        organization=outsider.organization, code=SECRET_CARD, name="国家自然科学基金面上项目"
    )
    day = workday()
    b = book(outsider, sem, at(day, 10), at(day, 12), purpose=SECRET_PURPOSE)
    Booking.objects.filter(pk=b.pk).update(account=account)
    return b


def page(client, sem, booked):
    return client.get(f"/instruments/{sem.pk}/", {"date": booked.start.date().isoformat()}).content.decode()


SECRETS = (SECRET_NAME, SECRET_PURPOSE, SECRET_PHONE, SECRET_MAIL, SECRET_CARD)


@pytest.mark.parametrize("role", ["instrument_manager", "org_admin", "office"])
def test_a_manager_sees_who_booked_on_the_calendar(login_as, sem, booked, role):
    html = page(login_as(role), sem, booked)
    assert 'data-testid="calendar-bookers"' in html
    for secret in SECRETS:
        assert secret in html, secret
    assert booked.user.organization.name in html
    # the taken cell itself names the booker
    cal = html[html.index('data-testid="calendar"') : html.index("</table>", html.index('data-testid="calendar"'))]
    assert SECRET_NAME in cal and SECRET_PURPOSE in cal


@pytest.mark.parametrize("role", [None, "member", "expert", "province"])
def test_everyone_else_sees_only_taken(client, login_as, sem, booked, role, users):
    c = client if role is None else login_as(role)
    html = page(c, sem, booked)
    assert "已预约" in html
    assert 'data-testid="calendar-bookers"' not in html
    for secret in SECRETS:
        assert secret not in html, (role, secret)


def test_a_manager_of_another_organisation_sees_only_taken(client, sem, booked):
    # a third organisation: the booker's own (org_jl) would see its accounts in the booking form
    third = OrganizationFactory(province_code="220000", city_code="220100")
    other = grant(UserFactory(username="t_other_mgr", organization=third), "instrument_manager", organization=third)
    client.force_login(other)
    html = page(client, sem, booked)
    for secret in SECRETS:
        assert secret not in html, secret


def test_the_htmx_partial_obeys_the_same_rule(client, login_as, sem, booked):
    url = f"/instruments/{sem.pk}/?date={booked.start.date().isoformat()}"
    assert SECRET_NAME in login_as("instrument_manager").get(url, **HTMX).content.decode()
    assert SECRET_NAME not in login_as("member").get(url, **HTMX).content.decode()


def test_the_managers_lists_show_contact_and_payer(login_as, sem, booked, nmr, outsider):
    c = login_as("instrument_manager")
    html = c.get(f"/instruments/{sem.pk}/manage/").content.decode()
    for secret in SECRETS:
        assert secret in html, secret
    # awaiting approval: the NMR of org_jl is not ours; make the SEM's booking pending instead
    Booking.objects.filter(pk=booked.pk).update(status="pending")
    index = c.get("/instruments/manage/").content.decode()
    pending = index[index.index('data-testid="pending-table"') :]
    for secret in (SECRET_NAME, SECRET_PHONE, SECRET_MAIL, SECRET_CARD):
        assert secret in pending, secret


def _bookings(sem, outsider, n):
    """n more bookings in the same week, each by another user with a directory Person and an account."""
    from datetime import timedelta

    org = outsider.organization
    day = workday()
    for k in range(n):
        start = at(day + timedelta(days=k % 3), 13 + 2 * (k // 3))
        user = grant(UserFactory(organization=org), "member", organization=org)
        PersonFactory(user=user, email=f"p{k}@example.org", phone=f"1380000{k:04d}")
        b = book(user, sem, start, start + timedelta(hours=1), purpose=f"用途{k}")
        account = PayerAccount.objects.create(organization=org, code=f"K{k}", name=f"账户{k}")
        Booking.objects.filter(pk=b.pk).update(account=account)


def test_calendar_queries_do_not_grow_with_bookings(login_as, sem, booked, outsider, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = login_as("instrument_manager")
    url = f"/instruments/{sem.pk}/?date={booked.start.date().isoformat()}"

    def count():
        with CaptureQueriesContext(connection) as ctx:
            r = c.get(url, **HTMX)
        assert r.status_code == 200
        return len(ctx.captured_queries)

    few = count()
    _bookings(sem, outsider, 6)
    assert count() == few


def test_manager_page_queries_do_not_grow_with_bookings(login_as, sem, booked, outsider):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = login_as("instrument_manager")

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        return len(ctx.captured_queries)

    Booking.objects.filter(pk=booked.pk).update(status="pending")
    few = count(f"/instruments/{sem.pk}/manage/"), count("/instruments/manage/")
    _bookings(sem, outsider, 6)
    Booking.objects.filter(instrument=sem).update(status="pending")
    assert (count(f"/instruments/{sem.pk}/manage/"), count("/instruments/manage/")) == few


def test_the_instrument_page_names_its_managers_with_contact(client, login_as, sem, users):
    manager = users["instrument_manager"]
    manager.display_name = "司马管理员"
    manager.email = "manager@example.org"
    manager.save()
    PersonFactory(user=manager, name="司马管理员", phone="024-23970000", title="高级工程师")
    html = login_as("member").get(f"/instruments/{sem.pk}/").content.decode()
    section = html[html.index('data-testid="managers"') :]
    section = section[: section.index("</section>")]
    assert "司马管理员" in section and "manager@example.org" in section and "024-23970000" in section
    assert "高级工程师" in section
    public = client.get(f"/instruments/{sem.pk}/").content.decode()
    public = public[public.index('data-testid="managers"') :]
    public = public[: public.index("</section>")]
    assert "司马管理员" in public and "manager@example.org" not in public
    assert 'data-testid="login-for-contact"' in public


def test_the_managed_orders_list_shows_the_payer_without_a_query_per_order(login_as, sem, outsider):
    from decimal import Decimal

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from nesta.instruments.models import ServiceItem, TestOrder

    item = ServiceItem.objects.create(
        instrument=sem, name="形貌观察", internal_price=Decimal(100), external_price=Decimal(200)
    )

    def order(k):
        account = PayerAccount.objects.create(
            organization=outsider.organization, code=f"{SECRET_CARD}-{k}", name="面上项目"
        )
        return TestOrder.objects.create(
            service=item,
            instrument=sem,
            customer=outsider,
            organization=outsider.organization,
            is_external=True,
            quantity=Decimal(1),
            unit_price=Decimal(200),
            list_amount=Decimal(200),
            account=account,
        )

    order(0)
    c = login_as("instrument_manager")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            r = c.get("/instruments/manage/orders/")
        assert r.status_code == 200
        return len(ctx.captured_queries), r.content.decode()

    few, html = count()
    assert f"{SECRET_CARD}-0" in html and 'data-testid="order-account"' in html
    for k in range(1, 5):
        order(k)
    many, html = count()
    assert many == few and f"{SECRET_CARD}-4" in html
