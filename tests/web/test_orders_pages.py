"""Testing orders (分析测试) on the web: the catalogue on an instrument's page, submitting an order,
"我的检测委托", an order's page with exactly the steps the user may take, every step through the web
client (the same services as the API), the report download, "检测委托管理", and the permission
matrix of the page and of each step."""

from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nesta.core.models import AuditLog, Notification
from nesta.instruments import services
from nesta.instruments.models import Charge
from nesta.instruments.models import TestOrder as Order
from tests.factories import InstrumentFactory, UserFactory, grant
from tests.web.conftest import text

pytestmark = pytest.mark.django_db

S = Order.Status
PDF = b"%PDF-1.4 SEM report body"
ROLES = ("customer", "colleague", "manager", "other_manager", "customer_admin", "office", "anonymous")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def manager(users):
    return users["instrument_manager"]


@pytest.fixture
def sem(org_ln, manager):
    """org_ln's microscope (open to other organisations), managed by the instrument manager."""
    instrument = InstrumentFactory(owner=org_ln, name="场发射扫描电镜")
    instrument.managers.add(manager)
    return instrument


def make_item(instrument, actor, name="SEM 形貌观察（每样）", internal="150", external="300.00", unit="sample"):
    return services.service_item_create(
        actor=actor,
        instrument_id=instrument.pk,
        data={"name": name, "unit": unit, "internal_price": internal, "external_price": external},
    )


@pytest.fixture
def item(sem, manager):
    return make_item(sem, manager)


@pytest.fixture
def people(users, manager, org_jl):
    """Everyone the matrix asks about; the customer is a member of org_jl (an outside user of org_ln)."""
    return {
        "customer": grant(UserFactory(username="w_customer", organization=org_jl), "member", organization=org_jl),
        "colleague": grant(UserFactory(username="w_colleague", organization=org_jl), "member", organization=org_jl),
        "manager": manager,
        "other_manager": grant(
            UserFactory(username="w_jl_manager", organization=org_jl), "instrument_manager", organization=org_jl
        ),
        "customer_admin": grant(
            UserFactory(username="w_jl_admin", organization=org_jl), "org_admin", organization=org_jl
        ),
        "office": users["office"],
    }


def client_of(people, role) -> Client:
    c = Client()
    if role != "anonymous":
        c.force_login(people[role])
    return c


def report_file(name="SEM检测报告.pdf", body=PDF):
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def order_in(state, item, people) -> Order:
    """An order brought to `state` through the services."""
    customer, manager = people["customer"], people["manager"]
    order = services.testorder_submit(actor=customer, service_id=item.pk, quantity="2", sample_description="断口3个")
    steps = [
        (S.QUOTED, lambda: services.testorder_quote(actor=manager, order_id=order.pk, amount="550.00", note="含制样")),
        (S.CONFIRMED, lambda: services.testorder_confirm(actor=customer, order_id=order.pk)),
        (S.RECEIVED, lambda: services.testorder_receive(actor=manager, order_id=order.pk)),
        (S.TESTING, lambda: services.testorder_start(actor=manager, order_id=order.pk)),
        (S.REPORTED, lambda: services.testorder_report(actor=manager, order_id=order.pk, file=report_file())),
        (S.SETTLED, lambda: services.testorder_settle(actor=manager, order_id=order.pk)),
    ]
    if state == S.CANCELLED:
        services.testorder_cancel(actor=customer, order_id=order.pk)
    else:
        for reached, step in steps:
            if order.status == state:
                break
            step()
            order.refresh_from_db()
            assert order.status == reached
    order.refresh_from_db()
    assert order.status == state
    return order


def detail_url(order) -> str:
    return f"/instruments/orders/{order.pk}/"


def step_url(order, step) -> str:
    return f"/instruments/orders/{order.pk}/{step}/"


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def order_audits(order):
    return list(AuditLog.objects.filter(object_type="instruments.testorder", object_id=str(order.pk)).order_by("id"))


def shown_actions(html: str) -> set[str]:
    steps = ("quote", "confirm", "receive", "start", "report", "settle", "cancel")
    return {s for s in steps if f'data-testid="action-{s}"' in html}


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


# --- the actions shown are exactly the allowed ones ------------------------------------------------

SHOWN = {
    # state: {role: actions shown}
    S.SUBMITTED: {"customer": {"cancel"}, "manager": {"quote"}, "office": {"quote"}, "customer_admin": set()},
    S.QUOTED: {"customer": {"confirm", "cancel"}, "manager": {"quote"}, "office": {"quote"}, "customer_admin": set()},
    S.CONFIRMED: {"customer": {"cancel"}, "manager": {"receive"}, "office": {"receive"}, "customer_admin": set()},
    S.RECEIVED: {"customer": set(), "manager": {"start"}, "office": {"start"}, "customer_admin": set()},
    S.TESTING: {"customer": set(), "manager": {"report"}, "office": {"report"}, "customer_admin": set()},
    S.REPORTED: {"customer": set(), "manager": {"settle"}, "office": {"settle"}, "customer_admin": set()},
    S.SETTLED: {"customer": set(), "manager": set(), "office": set(), "customer_admin": set()},
    S.CANCELLED: {"customer": set(), "manager": set(), "office": set(), "customer_admin": set()},
}


@pytest.mark.parametrize("state", list(SHOWN))
def test_detail_shows_exactly_the_allowed_actions(state, item, people):
    order = order_in(state, item, people)
    for role, expected in SHOWN[state].items():
        r = client_of(people, role).get(detail_url(order))
        assert r.status_code == 200
        assert shown_actions(text(r)) == expected, (state, role)
        assert r.context["actions"] == sorted(
            expected, key=["quote", "receive", "start", "report", "settle", "confirm", "cancel"].index
        )
        assert ('data-testid="download-report"' in text(r)) == (state in (S.REPORTED, S.SETTLED))


# --- the permission matrix ---------------------------------------------------------------------------

VIEW = {
    "customer": 200,
    "colleague": 403,
    "manager": 200,
    "other_manager": 403,
    "customer_admin": 200,
    "office": 200,
    "anonymous": "login",
}


@pytest.mark.parametrize("role", ROLES)
def test_detail_page_matrix(role, item, people):
    order = order_in(S.SUBMITTED, item, people)
    r = client_of(people, role).get(detail_url(order))
    expected = VIEW[role]
    if expected == "login":
        assert is_login_redirect(r) and f"next={detail_url(order)}" in unquote(r["Location"])
    else:
        assert r.status_code == expected
        if expected == 200:
            assert f"检测委托 #{order.pk}" in text(r)
        else:
            assert 'data-testid="error-403"' in text(r) and "SEM 形貌观察" not in text(r)


@pytest.mark.parametrize("role", ROLES)
def test_report_download_matrix(role, item, people):
    order = order_in(S.REPORTED, item, people)
    r = client_of(people, role).get(f"/instruments/orders/{order.pk}/report/")
    expected = VIEW[role]
    if expected == "login":
        assert is_login_redirect(r)
    else:
        assert r.status_code == expected
        if expected == 200:
            assert b"".join(r.streaming_content) == PDF


STAFF = {"manager", "office"}
CUSTOMER = {"customer"}
ACTIONS = [
    # (url step, state before, state after, who may)
    ("quote", S.SUBMITTED, S.QUOTED, STAFF),
    ("confirm", S.QUOTED, S.CONFIRMED, CUSTOMER),
    ("receive", S.CONFIRMED, S.RECEIVED, STAFF),
    ("start", S.RECEIVED, S.TESTING, STAFF),
    ("upload-report", S.TESTING, S.REPORTED, STAFF),
    ("settle", S.REPORTED, S.SETTLED, STAFF),
    ("cancel", S.SUBMITTED, S.CANCELLED, CUSTOMER),
]


def post_step(client, order, step):
    data = {"quote": {"amount": "480.00", "note": ""}, "upload-report": {"file": report_file()}}.get(step, {})
    return client.post(step_url(order, step), data)


@pytest.mark.parametrize("step,before,after,allowed", ACTIONS, ids=[a[0] for a in ACTIONS])
@pytest.mark.parametrize("role", ROLES)
def test_action_matrix(role, step, before, after, allowed, item, people):
    order = order_in(before, item, people)
    audits = len(order_audits(order))
    r = post_step(client_of(people, role), order, step)
    order.refresh_from_db()
    if role == "anonymous":
        assert is_login_redirect(r)
        assert order.status == before
    elif role in allowed:
        assert (r.status_code, r["Location"]) == (302, detail_url(order))
        assert order.status == after
        assert len(order_audits(order)) == audits + 1
    else:
        assert r.status_code == 403
        assert order.status == before and len(order_audits(order)) == audits


def test_steps_are_post_only(item, people):
    order = order_in(S.SUBMITTED, item, people)
    assert client_of(people, "manager").get(step_url(order, "quote")).status_code == 405
    assert client_of(people, "customer").get(step_url(order, "cancel")).status_code == 405


def test_unknown_order_is_404(people, item):
    assert client_of(people, "office").get("/instruments/orders/999999/").status_code == 404
    assert client_of(people, "office").post("/instruments/orders/999999/receive/").status_code == 404
    assert client_of(people, "customer").get("/instruments/services/999999/order/").status_code == 404


# --- invalid input and wrong states ------------------------------------------------------------------


@pytest.mark.parametrize(
    "amount,message",
    [
        ("abc", "请输入有效的数字。"),
        ("-5", "报价金额不能为负数。"),
        ("1.234", "最多两位小数。"),
        ("", "请填写报价金额。"),
        ("10000000000000", "数值过大。"),
    ],
)
def test_bad_quote_amount_shows_the_error_and_changes_nothing(amount, message, item, people):
    order = order_in(S.SUBMITTED, item, people)
    audits = len(order_audits(order))
    r = client_of(people, "manager").post(step_url(order, "quote"), {"amount": amount, "note": "x"})
    assert r.status_code == 422
    html = text(r)
    assert message in html and "is-invalid" in html and "提交的信息有误，请按提示修改。" in html
    order.refresh_from_db()
    assert (order.status, order.quoted_amount) == (S.SUBMITTED, None)
    assert len(order_audits(order)) == audits


def test_a_customer_cannot_quote_even_with_bad_input(item, people):
    order = order_in(S.SUBMITTED, item, people)
    assert client_of(people, "customer").post(step_url(order, "quote"), {"amount": "abc"}).status_code == 403


@pytest.mark.parametrize(
    "state,step,role,message",
    [
        (S.SUBMITTED, "settle", "manager", "订单当前状态为“已提交”，不能结算。"),
        (S.SUBMITTED, "receive", "manager", "订单当前状态为“已提交”，不能收样。"),
        (S.SUBMITTED, "confirm", "customer", "订单当前状态为“已提交”，不能确认。"),
        (S.RECEIVED, "cancel", "customer", "订单当前状态为“已收样”，不能取消。"),
        (S.CONFIRMED, "quote", "manager", "订单当前状态为“用户已确认”，不能报价。"),
        (S.SETTLED, "settle", "manager", "订单当前状态为“已结算”，不能结算。"),
    ],
)
def test_wrong_state_gives_a_message_and_no_change(state, step, role, message, item, people):
    order = order_in(state, item, people)
    audits, charges = len(order_audits(order)), Charge.objects.count()
    c = client_of(people, role)
    r = post_step(c, order, step)
    assert (r.status_code, r["Location"]) == (302, detail_url(order))
    html = text(c.get(r["Location"]))
    assert message in html and "alert-danger" in html
    order.refresh_from_db()
    assert order.status == state
    assert len(order_audits(order)) == audits and Charge.objects.count() == charges


def test_bad_report_file_is_refused(item, people):
    order = order_in(S.TESTING, item, people)
    c = client_of(people, "manager")
    r = c.post(step_url(order, "upload-report"), {"file": SimpleUploadedFile("report.exe", b"MZ...")})
    assert r.status_code == 422
    assert "不支持的文件类型" in text(r)
    r = c.post(step_url(order, "upload-report"), {})
    assert r.status_code == 422 and "请选择检测报告文件。" in text(r)
    order.refresh_from_db()
    assert (order.status, order.report_name, bool(order.report)) == (S.TESTING, "", False)
    r = c.get(f"/instruments/orders/{order.pk}/report/")
    assert r.status_code == 404


@pytest.mark.parametrize(
    "data,field_error",
    [
        ({"quantity": ""}, "请填写数量。"),
        ({"quantity": "0"}, "数量应大于0。"),
        ({"quantity": "-1"}, "数量应大于0。"),
        ({"quantity": "abc"}, "请输入有效的数字。"),
        ({"quantity": "1.555"}, "最多两位小数。"),
        ({"quantity": "1", "notes": "长" * 5001}, "最多5000个字符。"),
    ],
)
def test_submit_form_errors_are_shown_beside_the_fields(data, field_error, item, people):
    r = client_of(people, "customer").post(f"/instruments/services/{item.pk}/order/", data)
    assert r.status_code == 422
    html = text(r)
    assert field_error in html and 'class="invalid-feedback d-block"' in html
    assert Order.objects.count() == 0


def test_submit_domain_errors_are_messages_not_500(item, people, sem, manager, org_jl):
    c = client_of(people, "customer")
    services.service_item_update(actor=manager, item_id=item.pk, data={"active": False})
    html = text(c.get(f"/instruments/services/{item.pk}/order/"))
    assert (
        "该服务项目已停用，暂不接受委托。" in html and '<form method="post" action="/instruments/services/' not in html
    )
    r = c.post(f"/instruments/services/{item.pk}/order/", {"quantity": "1"})
    assert r.status_code == 422 and "该服务项目已停用。" in text(r)

    services.service_item_update(actor=manager, item_id=item.pk, data={"active": True})
    sem.is_open = False
    sem.save()
    r = c.post(f"/instruments/services/{item.pk}/order/", {"quantity": "1"})
    assert r.status_code == 422 and "该仪器不对外开放。" in text(r)

    nobody = UserFactory(username="w_no_role", organization=org_jl)  # signed in, but no role at all
    c = Client()
    c.force_login(nobody)
    r = c.post(f"/instruments/services/{item.pk}/order/", {"quantity": "1"})
    assert r.status_code == 403 and "您没有提交检测委托的权限" in text(r)
    assert Order.objects.count() == 0


def test_submit_needs_login(client, item):
    r = client.get(f"/instruments/services/{item.pk}/order/")
    assert is_login_redirect(r)
    r = client.post(f"/instruments/services/{item.pk}/order/", {"quantity": "1"})
    assert is_login_redirect(r) and Order.objects.count() == 0


def test_internal_customer_pays_the_internal_price(item, users):
    c = Client()
    c.force_login(users["member"])  # a member of org_ln, the instrument's owner
    r = c.post(f"/instruments/services/{item.pk}/order/", {"quantity": "3"})
    order = Order.objects.get()
    assert r.status_code == 302
    assert (order.is_external, order.unit_price, order.list_amount) == (False, Decimal("150.00"), Decimal("450.00"))
    assert "450.00元" in text(c.get(detail_url(order)))


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
