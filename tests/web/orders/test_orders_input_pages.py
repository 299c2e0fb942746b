"""Testing orders on the web: invalid input and wrong states give messages beside the fields or
422s and change nothing; never a 500."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from nesta.instruments import services
from nesta.instruments.models import Charge
from nesta.instruments.models import TestOrder as Order
from tests.factories import UserFactory
from tests.web.conftest import text
from tests.web.orders.conftest import (
    S,
    client_of,
    detail_url,
    is_login_redirect,
    order_audits,
    order_in,
    post_step,
    step_url,
)

pytestmark = pytest.mark.django_db


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
