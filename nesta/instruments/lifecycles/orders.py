"""A testing order's workflow as a transition table (core.lifecycle); see the package docstring."""

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from nesta.core.lifecycle import Lifecycle, Transition
from nesta.core.notifications import notify
from nesta.instruments.models import Instrument, TestOrder

S = TestOrder.Status


# --- testing orders ----------------------------------------------------------------------------


def staff_of(instrument: Instrument) -> list[Any]:
    """Who hears about an instrument's orders: its managers, else its owner's administrators."""
    managers = list(instrument.managers.all())
    if managers:
        return managers
    from nesta.accounts.models import User

    return list(
        User.objects.filter(role_assignments__role="org_admin", role_assignments__organization=instrument.owner_id)
    )


def order_url(order: TestOrder) -> str:
    """The order's page on the web, where each side sees it and takes its next step."""
    return reverse("instruments:order_detail", args=[order.pk])


def notify_order(users: Iterable[Any], order: TestOrder, kind: str, title: str) -> None:
    body = gettext_now("订单 #%(id)s · %(service)s · %(status)s") % {
        "id": order.pk,
        "service": order.service.name,
        "status": order.get_status_display(),
    }
    for user in users:
        notify(user=user, kind=kind, title=title, body=body, url=order_url(order))


def _to_customer(kind: str, title: Any, amount: str = "") -> Any:
    def send(order: TestOrder, actor: Any) -> None:
        values = {"id": order.pk}
        if amount:
            values["a"] = f"{getattr(order, amount):,.2f}"
        notify_order([order.customer], order, kind, str(title) % values)

    return send


def _to_staff(kind: str, title: Any) -> Any:
    def send(order: TestOrder, actor: Any) -> None:
        notify_order(staff_of(order.instrument), order, kind, str(title) % {"id": order.pk})

    return send


def _settled(order: TestOrder, actor: Any) -> None:
    charge = getattr(order, "charge", None)
    amount = charge.amount if charge is not None else order.quoted_amount
    title = gettext_now("测试订单已结算：%(a)s 元") % {"a": f"{amount:,.2f}"}
    notify_order([order.customer], order, "testorder_settled", title)


def _instrument(obj: Any) -> Instrument:
    return obj.instrument


_STAFF = {"permission": "instrument.manage", "permission_on": _instrument}
_CUSTOMER = {"permission": "testorder.own"}

TESTORDER = Lifecycle(
    TestOrder,
    [
        Transition(
            "quote",
            sources=(S.SUBMITTED, S.QUOTED),
            target=S.QUOTED,
            timestamp="quoted_at",
            event="testorder.quoted",
            label=_("报价"),
            needs_input=True,
            notify=_to_customer("testorder_quoted", _("测试订单已报价：%(a)s 元，请确认"), amount="quoted_amount"),
            done=_("已报价，并已通知委托人确认。"),
            summary="报价（仪器管理员）",
            **_STAFF,
        ),
        Transition(
            "receive",
            sources=(S.CONFIRMED,),
            target=S.RECEIVED,
            timestamp="received_at",
            event="testorder.received",
            label=_("收样"),
            style="primary",
            notify=_to_customer("testorder_received", _("样品已收到：订单 #%(id)s")),
            done=_("已登记收样，并已通知委托人。"),
            summary="收样（仪器管理员）",
            **_STAFF,
        ),
        Transition(
            "start",
            sources=(S.RECEIVED,),
            target=S.TESTING,
            timestamp="testing_at",
            event="testorder.started",
            label=_("开始检测"),
            style="primary",
            notify=_to_customer("testorder_testing", _("样品检测中：订单 #%(id)s")),
            done=_("已开始检测，并已通知委托人。"),
            summary="开始检测（仪器管理员）",
            **_STAFF,
        ),
        Transition(
            "report",
            sources=(S.TESTING,),
            target=S.REPORTED,
            timestamp="reported_at",
            event="testorder.reported",
            label=_("出具报告"),
            needs_input=True,
            notify=_to_customer("testorder_reported", _("检测报告已出，请在平台下载：订单 #%(id)s")),
            done=_("检测报告已上传，委托人可在平台下载。"),
            summary="上传检测报告（仪器管理员；multipart 字段 file）",
            **_STAFF,
        ),
        Transition(
            "settle",
            sources=(S.REPORTED,),
            target=S.SETTLED,
            timestamp="settled_at",
            event="testorder.settled",
            label=_("结算"),
            style="primary",
            notify=_settled,
            done=_("已结算，费用已记入收费记录。"),
            summary="结算（仪器管理员；生成费用）",
            **_STAFF,
        ),
        Transition(
            "confirm",
            sources=(S.QUOTED,),
            target=S.CONFIRMED,
            timestamp="confirmed_at",
            event="testorder.confirmed",
            label=_("用户确认报价"),
            verb=_("确认"),
            style="primary",
            notify=_to_staff("testorder_confirmed", _("用户已确认报价，请安排收样：订单 #%(id)s")),
            done=_("已确认报价，请按约定送样。"),
            summary="确认报价（下单用户）",
            **_CUSTOMER,
        ),
        Transition(
            "cancel",
            sources=(S.SUBMITTED, S.QUOTED, S.CONFIRMED),
            target=S.CANCELLED,
            timestamp="cancelled_at",
            event="testorder.cancelled",
            label=_("取消委托"),
            verb=_("取消"),
            style="outline-danger",
            confirm=_("确定取消该检测委托吗？"),
            notify=_to_staff("testorder_cancelled", _("用户已取消测试订单 #%(id)s")),
            done=_("检测委托已取消。"),
            summary="取消订单（下单用户，收样前）",
            **_CUSTOMER,
        ),
    ],
    related=("instrument__province", "service", "customer"),
    invalid_message=_("订单当前状态为“%(s)s”，不能%(a)s。"),
    events={"testorder.submitted": _("提交测试委托")},
)
