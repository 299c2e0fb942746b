"""Testing orders (分析测试) on the web: the catalogue on an instrument's page, the whole flow and
cancel through the web client (the same services as the API), "我的检测委托", "检测委托管理",
query counts of the lists, the money filter."""

from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nesta.core.models import AuditLog, Notification
from nesta.instruments import services
from nesta.instruments.models import Charge
from nesta.instruments.models import TestOrder as Order
from tests.factories import InstrumentFactory
from tests.web.conftest import text
from tests.web.orders.conftest import (
    PDF,
    S,
    client_of,
    detail_url,
    is_login_redirect,
    make_item,
    order_audits,
    order_in,
    report_file,
    shown_actions,
    step_url,
)

pytestmark = pytest.mark.django_db


# --- the catalogue on the instrument's page --------------------------------------------------------


def test_instrument_page_lists_active_services_with_prices(client, sem, item, manager, people):
    make_item(sem, manager, name="EDS 能谱分析（每小时）", internal="1234.5", external="20000", unit="hour")
    stopped = make_item(sem, manager, name="已停用项目")
    services.service_item_update(actor=manager, item_id=stopped.pk, data={"active": False})

    html = text(client.get(f"/instruments/{sem.pk}/"))
    assert 'data-testid="services"' in html and "检测服务" in html
    assert "SEM 形貌观察（每样）" in html and "EDS 能谱分析（每小时）" in html
    assert "已停用项目" not in html
    assert "150.00元" in html and "300.00元" in html
    assert "1,234.50元" in html and "20,000.00元" in html  # exact amounts, never 2万元
    assert "每样" in html and "每小时" in html
    assert html.count('data-testid="service-item"') == 2
    assert 'data-testid="order-link"' not in html and "登录后委托" in html  # anonymous: log in first

    html = text(client_of(people, "customer").get(f"/instruments/{sem.pk}/"))
    assert html.count('data-testid="order-link"') == 2
    assert f'href="/instruments/services/{item.pk}/order/"' in html
    assert 'href="/instruments/orders/"' in html  # 我的检测委托


def test_instrument_without_services_has_no_section(client, sem):
    html = text(client.get(f"/instruments/{sem.pk}/"))
    assert r'data-testid="services"' not in html and "检测服务" not in html


# --- the whole flow through the web ----------------------------------------------------------------


def test_the_whole_flow_through_the_web(item, people, sem):
    customer_c, manager_c = client_of(people, "customer"), client_of(people, "manager")

    # 提交
    r = customer_c.get(f"/instruments/services/{item.pk}/order/")
    assert r.status_code == 200
    html = text(r)
    assert "提交检测委托" in html and "SEM 形貌观察（每样）" in html and "300.00元" in html
    r = customer_c.post(
        f"/instruments/services/{item.pk}/order/",
        {"quantity": "2", "sample_description": "金属断口样品3个", "notes": "请尽快"},
    )
    order = Order.objects.get()
    assert r.status_code == 302 and r["Location"] == detail_url(order)
    assert (order.status, order.customer, order.quantity, order.list_amount, order.is_external) == (
        S.SUBMITTED,
        people["customer"],
        Decimal("2.00"),
        Decimal("600.00"),
        True,
    )
    assert (order.sample_description, order.notes) == ("金属断口样品3个", "请尽快")
    html = text(customer_c.get(r["Location"]))
    assert f"检测委托已提交（订单 #{order.pk}），请等待仪器管理员报价。" in html
    assert "600.00元" in html and "待报价" in html and "已提交" in html
    assert shown_actions(html) == {"cancel"}
    [created] = order_audits(order)
    assert (created.action, created.actor, created.changes["status"]) == (
        "testorder.submitted",
        people["customer"],
        [None, "submitted"],
    )
    # the staff are told, with a link to the web page (not the API)
    note = Notification.objects.get(user=people["manager"], kind="testorder_submitted")
    assert note.url == reverse("instruments:order_detail", args=[order.pk]) == detail_url(order)

    # 报价
    html = text(manager_c.get(detail_url(order)))
    assert shown_actions(html) == {"quote"} and 'value="600.00"' in html  # the list amount is suggested
    r = manager_c.post(step_url(order, "quote"), {"amount": "550.00", "note": "含制样"})
    assert r.status_code == 302 and r["Location"] == detail_url(order)
    order.refresh_from_db()
    assert (order.status, order.quoted_amount, order.quote_note) == (S.QUOTED, Decimal("550.00"), "含制样")
    assert order_audits(order)[-1].changes["quoted_amount"] == [None, "550.00"]
    assert "已报价，并已通知委托人确认。" in text(manager_c.get(detail_url(order)))
    note = Notification.objects.get(user=people["customer"], kind="testorder_quoted")
    assert note.url == detail_url(order)

    # 用户确认
    html = text(customer_c.get(detail_url(order)))
    assert shown_actions(html) == {"confirm", "cancel"} and "确认报价（550.00元）" in html
    r = customer_c.post(step_url(order, "confirm"))
    assert r.status_code == 302
    order.refresh_from_db()
    assert order.status == S.CONFIRMED and order.confirmed_at is not None
    assert "已确认报价，请按约定送样。" in text(customer_c.get(detail_url(order)))

    # 收样, 检测中
    assert shown_actions(text(manager_c.get(detail_url(order)))) == {"receive"}
    assert manager_c.post(step_url(order, "receive")).status_code == 302
    order.refresh_from_db()
    assert order.status == S.RECEIVED
    assert shown_actions(text(manager_c.get(detail_url(order)))) == {"start"}
    assert manager_c.post(step_url(order, "start")).status_code == 302
    order.refresh_from_db()
    assert order.status == S.TESTING

    # 上传报告
    html = text(manager_c.get(detail_url(order)))
    assert shown_actions(html) == {"report"} and 'enctype="multipart/form-data"' in html
    r = manager_c.post(step_url(order, "upload-report"), {"file": report_file()})
    assert r.status_code == 302 and r["Location"] == detail_url(order)
    order.refresh_from_db()
    assert (order.status, order.report_name) == (S.REPORTED, "SEM检测报告.pdf")

    # 下载报告: the customer, their organisation's admin, the staff, the office
    html = text(customer_c.get(detail_url(order)))
    assert 'data-testid="download-report"' in html and shown_actions(html) == set()
    for role in ("customer", "customer_admin", "manager", "office"):
        r = client_of(people, role).get(f"/instruments/orders/{order.pk}/report/")
        assert r.status_code == 200, role
        assert b"".join(r.streaming_content) == PDF
        assert "attachment" in r["Content-Disposition"] and "SEM检测报告.pdf" in unquote(r["Content-Disposition"])
        assert r["Cache-Control"] == "private, no-store"

    # 结算
    assert shown_actions(text(manager_c.get(detail_url(order)))) == {"settle"}
    r = manager_c.post(step_url(order, "settle"))
    assert r.status_code == 302
    order.refresh_from_db()
    assert order.status == S.SETTLED
    charge = Charge.objects.get(order=order)
    assert (charge.amount, charge.kind, charge.is_external) == (Decimal("550.00"), "order", True)
    html = text(manager_c.get(detail_url(order)))
    assert "已结算，费用已记入收费记录。" in html and shown_actions(html) == set()

    # the audit trail: one create and one update per step, in order
    audits = order_audits(order)
    assert [a.action for a in audits] == [
        "testorder.submitted",
        "testorder.quoted",
        "testorder.confirmed",
        "testorder.received",
        "testorder.started",
        "testorder.reported",
        "testorder.settled",
    ]
    assert [a.changes["status"] for a in audits] == [
        [None, "submitted"],
        ["submitted", "quoted"],
        ["quoted", "confirmed"],
        ["confirmed", "received"],
        ["received", "testing"],
        ["testing", "reported"],
        ["reported", "settled"],
    ]
    assert [a.actor for a in audits] == [people["customer"], people["manager"], people["customer"]] + [
        people["manager"]
    ] * 4
    assert AuditLog.objects.filter(object_type="instruments.charge", object_id=str(charge.pk)).count() == 1

    # the timeline shows every step with its time; the office also sees the audit records
    html = text(customer_c.get(detail_url(order)))
    assert html.count('class="done"') == 7 and "未进行" not in html
    assert 'data-testid="audit"' not in html
    html = text(client_of(people, "office").get(detail_url(order)))
    assert 'data-testid="audit"' in html and "w_customer" in html


def test_cancel_through_the_web(item, people):
    order = order_in(S.QUOTED, item, people)
    c = client_of(people, "customer")
    r = c.post(step_url(order, "cancel"))
    assert r.status_code == 302 and r["Location"] == detail_url(order)
    order.refresh_from_db()
    assert order.status == S.CANCELLED and order.cancelled_at is not None
    html = text(c.get(detail_url(order)))
    assert "检测委托已取消。" in html and shown_actions(html) == set()
    assert "取消委托" in html and "已取消" in html  # the timeline ends with the cancellation
    assert order_audits(order)[-1].changes["status"] == ["quoted", "cancelled"]


# --- 我的检测委托 -----------------------------------------------------------------------------------


def test_my_orders_lists_own_orders_newest_first(item, people, sem, manager):
    other_item = make_item(
        InstrumentFactory(owner=sem.owner, name="X射线衍射仪"), people["office"], name="XRD 物相分析"
    )
    first = order_in(S.SUBMITTED, item, people)
    second = services.testorder_submit(actor=people["customer"], service_id=other_item.pk, quantity="1")
    services.testorder_quote(actor=manager, order_id=first.pk, amount="1234.5")
    colleagues = services.testorder_submit(actor=people["colleague"], service_id=item.pk, quantity="1")

    r = client_of(people, "customer").get("/instruments/orders/")
    assert r.status_code == 200
    assert [o.pk for o in r.context["page"].items] == [second.pk, first.pk]
    html = text(r)
    assert "我的检测委托" in html and "XRD 物相分析" in html and "X射线衍射仪" in html
    assert "1,234.50元" in html and "300.00元" in html and "标准价，待报价" in html
    assert "已报价" in html and f'href="{detail_url(first)}"' in html
    assert f'data-order="{colleagues.pk}"' not in html

    # the organisation's admin sees every order of the organisation, with who placed it
    r = client_of(people, "customer_admin").get("/instruments/orders/")
    assert [o.pk for o in r.context["page"].items] == [colleagues.pk, second.pk, first.pk]
    assert "委托人" in text(r)
    # a colleague only their own; a manager of the instrument none (they use 检测委托管理)
    assert [o.pk for o in client_of(people, "colleague").get("/instruments/orders/").context["page"].items] == [
        colleagues.pk
    ]
    assert client_of(people, "manager").get("/instruments/orders/").context["page"].items == []
    assert is_login_redirect(Client().get("/instruments/orders/"))


def test_my_orders_status_filter_and_paging(item, people):
    orders = [services.testorder_submit(actor=people["customer"], service_id=item.pk, quantity="1") for _ in range(23)]
    services.testorder_cancel(actor=people["customer"], order_id=orders[0].pk)
    c = client_of(people, "customer")
    r = c.get("/instruments/orders/")
    page = r.context["page"]
    assert [o.pk for o in page.items] == [o.pk for o in reversed(orders)][:20] and page.next_cursor
    tabs = {t["value"]: t["count"] for t in r.context["tabs"]}
    assert (tabs[""], tabs["submitted"], tabs["cancelled"], tabs["quoted"]) == (23, 22, 1, 0)
    r = c.get("/instruments/orders/", {"cursor": page.next_cursor})
    assert [o.pk for o in r.context["page"].items] == [orders[2].pk, orders[1].pk, orders[0].pk]
    assert r.context["page"].next_cursor is None and "第一页" in text(r)
    r = c.get("/instruments/orders/", {"status": "cancelled"})
    assert [o.pk for o in r.context["page"].items] == [orders[0].pk]
    r = c.get("/instruments/orders/", {"status": "nonsense"})
    assert len(r.context["page"].items) == 20  # an unknown status is ignored
    assert c.get("/instruments/orders/", {"cursor": "!!bad"}).status_code == 400


def make_orders(n, people, org_owner):
    """n orders, each on its own instrument and service (the worst case for N+1)."""
    for i in range(n):
        instrument = InstrumentFactory(owner=org_owner, name=f"查询计数仪器{i}")
        service = make_item(instrument, people["office"], name=f"查询计数项目{i}")
        services.testorder_submit(actor=people["customer"], service_id=service.pk, quantity="1")


def count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(path)
    assert r.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "path,role", [("/instruments/orders/", "customer"), ("/instruments/manage/orders/", "manager")]
)
def test_order_lists_have_no_n_plus_one(path, role, people, org_ln, django_assert_max_num_queries):
    c = client_of(people, role)
    make_orders(2, people, org_ln)
    few = count_queries(c, path)
    make_orders(30, people, org_ln)
    with django_assert_max_num_queries(10):
        r = c.get(path)
    assert len(r.context["page"].items) == 20
    assert len({o.instrument_id for o in r.context["page"].items}) == 20
    assert count_queries(c, path) == few


# --- 检测委托管理 -----------------------------------------------------------------------------------


def test_manage_orders_lists_the_managed_instruments_orders(item, people, org_jl, users):
    mine = order_in(S.QUOTED, item, people)
    submitted = order_in(S.SUBMITTED, item, people)
    jl_item = make_item(InstrumentFactory(owner=org_jl, name="吉林的电镜"), people["other_manager"], name="吉林项目")
    elsewhere = services.testorder_submit(actor=users["member"], service_id=jl_item.pk, quantity="1")

    c = client_of(people, "manager")
    r = c.get("/instruments/manage/orders/")
    assert r.status_code == 200
    assert [o.pk for o in r.context["page"].items] == [submitted.pk, mine.pk]
    html = text(r)
    assert "检测委托管理" in html and str(people["customer"]) in html and "外单位" in html
    r = c.get("/instruments/manage/orders/", {"status": "quoted"})
    assert [o.pk for o in r.context["page"].items] == [mine.pk]
    assert {t["value"]: t["count"] for t in r.context["tabs"]}["quoted"] == 1

    r = client_of(people, "other_manager").get("/instruments/manage/orders/")
    assert [o.pk for o in r.context["page"].items] == [elsewhere.pk]
    r = client_of(people, "office").get("/instruments/manage/orders/")
    assert {o.pk for o in r.context["page"].items} == {mine.pk, submitted.pk, elsewhere.pk}

    assert client_of(people, "customer").get("/instruments/manage/orders/").status_code == 403
    assert client_of(people, "customer_admin").get("/instruments/manage/orders/").status_code == 200
    assert is_login_redirect(Client().get("/instruments/manage/orders/"))


def test_manage_index_links_to_the_orders(people, sem):
    html = text(client_of(people, "manager").get("/instruments/manage/"))
    assert 'data-testid="manage-orders-link"' in html and 'href="/instruments/manage/orders/"' in html


# --- the money filter --------------------------------------------------------------------------------


def test_yuan2_shows_exact_amounts():
    from django.utils import translation

    from nesta.core.templatetags.nesta import yuan2

    with translation.override("zh-hans"):
        assert [yuan2(v) for v in (Decimal("550"), "1234.5", 0, Decimal("99999999.999"), None, "x")] == [
            "550.00元",
            "1,234.50元",
            "0.00元",
            "100,000,000.00元",
            "—",
            "—",
        ]
    with translation.override("en"):
        assert yuan2(Decimal("1234.5")) == "CNY 1,234.50"
