"""The two workflows of the instrument network as transition tables (core.lifecycle).

The services run them (services/booking.py, services/orders.py); the selectors "what may this
user do now", the API's transition endpoints and the web's buttons and POST views are derived
from the same tables.

    booking:  pending ─approve→ confirmed ─check_in→ in_use ─check_out→ completed
                 │ └─reject→ rejected      │ └(tick)→ no_show
                 └──── cancel ─────────────┴→ cancelled | late_cancelled (the booker, after the deadline)

    order:    submitted ─quote→ quoted ─confirm→ confirmed ─receive→ received ─start→ testing ─report→ reported ─settle→ settled
                 │                │ ↺ quote (re-quote)   │
                 └──── cancel ────┴────── cancel ────────┴→ cancelled   (the customer, before the samples are received)
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from nesta.core.errors import DomainError, ValidationFailed
from nesta.core.lifecycle import Lifecycle, Transition
from nesta.core.notifications import notify
from nesta.instruments.models import Booking, BookingPolicy, Instrument, TestOrder
from nesta.instruments.policy import LOCAL

B = Booking.Status
S = TestOrder.Status
CHECK_IN_EARLY = timedelta(minutes=30)  # a booking may be checked into from 30 minutes before its start


# --- bookings ----------------------------------------------------------------------------------


def booking_policy(booking: Booking) -> BookingPolicy:
    policy = getattr(booking.instrument, "policy", None)
    return policy if policy is not None else BookingPolicy(instrument=booking.instrument)


def cancel_deadline(booking: Booking) -> datetime:
    """Until when the booker may cancel without it counting as a late cancellation."""
    return booking.start - timedelta(hours=booking_policy(booking).cancel_deadline_hours)


def _when(booking: Booking) -> str:
    return f"{timezone.localtime(booking.start, LOCAL):%Y-%m-%d %H:%M}"


def _tell_booker(booking: Booking, kind: str, title: Any) -> None:
    notify(
        user=booking.user,
        kind=kind,
        title=str(title) % {"i": booking.instrument.name},
        body=_when(booking),
        url=f"/instruments/{booking.instrument_id}/",
    )


def _late(booking: Booking, actor: Any, now: datetime) -> str | None:
    """The booker cancelling after the deadline: a late cancellation (an offence)."""
    return "late_cancel" if now > cancel_deadline(booking) and actor.pk == booking.user_id else None


def _cancelled(booking: Booking, actor: Any) -> None:
    if actor.pk != booking.user_id:
        _tell_booker(booking, "booking_cancelled", gettext_now("您的预约已被取消：%(i)s"))


def _check_in_window(booking: Booking, actor: Any, now: datetime) -> DomainError | None:
    if booking.start - CHECK_IN_EARLY <= now <= booking.end:
        return None
    return ValidationFailed(_("只能在预约开始前30分钟至结束之间签到。"), code="check_in_window")


def _instrument(obj: Any) -> Instrument:
    return obj.instrument


_CANCEL = {
    "sources": (B.PENDING, B.CONFIRMED),
    "permission": "booking.cancel",
    "timestamp": "cancelled_at",
    "verb": _("取消"),
    "notify": _cancelled,
    "style": "outline-danger",
}

BOOKING = Lifecycle(
    Booking,
    [
        Transition(
            "cancel",
            target=B.CANCELLED,
            event="booking.cancelled",
            label=_("取消预约"),
            divert=_late,
            confirm=_("确定取消该预约吗？"),
            done=_("预约已取消。"),
            summary="取消预约",
            **_CANCEL,
        ),
        Transition(
            "late_cancel",
            target=B.LATE_CANCELLED,
            event="booking.late_cancelled",
            label=_("逾期取消预约"),
            offered=False,
            **_CANCEL,
        ),  # fmt: skip
        Transition(
            "approve",
            sources=(B.PENDING,),
            target=B.CONFIRMED,
            permission="instrument.manage",
            permission_on=_instrument,
            event="booking.approved",
            label=_("批准预约"),
            verb=_("审批"),
            notify=lambda b, actor: _tell_booker(b, "booking_approved", gettext_now("预约已批准：%(i)s")),
            style="primary",
            done=_("已批准该预约，并已通知预约人。"),
            summary="批准外单位预约",
        ),
        Transition(
            "reject",
            sources=(B.PENDING,),
            target=B.REJECTED,
            permission="instrument.manage",
            permission_on=_instrument,
            event="booking.rejected",
            label=_("驳回预约"),
            verb=_("审批"),
            notify=lambda b, actor: _tell_booker(b, "booking_rejected", gettext_now("预约未获批准：%(i)s")),
            style="outline-danger",
            confirm=_("确定驳回该预约吗？"),
            done=_("已驳回该预约，并已通知预约人。"),
            summary="驳回外单位预约",
        ),
        Transition(
            "check_in",
            sources=(B.CONFIRMED,),
            target=B.IN_USE,
            permission="instrument.manage",
            permission_on=_instrument,
            or_self="user_id",
            guard=_check_in_window,
            event="booking.checked_in",
            label=_("签到上机"),
            verb=_("签到"),
            style="primary",
            done=_("已签到，开始计时。"),
            summary="上机签到",
        ),
        Transition(
            "check_out",
            sources=(B.IN_USE,),
            target=B.COMPLETED,
            permission="instrument.manage",
            permission_on=_instrument,
            or_self="user_id",
            event="booking.checked_out",
            label=_("签退下机"),
            verb=_("签退"),
            needs_input=True,
            style="primary",
            done=_("已签退，使用记录已保存。"),
            summary="下机签退",
        ),
        Transition(
            "no_show",
            sources=(B.CONFIRMED,),
            target=B.NO_SHOW,
            permission="instrument.manage",
            permission_on=_instrument,
            event="booking.no_show",
            label=_("记为爽约"),
            offered=False,  # the periodic job marks them (bookings_mark_no_shows)
        ),
    ],
    related=("instrument__province", "instrument__policy", "user"),
    invalid_message=_("预约当前状态为“%(s)s”，不能%(a)s。"),
    events={"booking.created": _("预约仪器"), "booking.reminded": _("发送预约提醒")},
)


def _open_now(t: Transition, booking: Booking, actor: Any, now: datetime) -> bool:
    if t.guard is not None and t.guard(booking, actor, now) is not None:
        return False
    return not (t.name == "cancel" and booking.end <= now)  # an ended booking is no longer cancelled


def booking_transitions(actor: Any, booking: Booking, now: datetime | None = None) -> list[Transition]:
    """What `actor` may do with `booking` now: the table's transitions from its state that they
    are allowed, whose guard passes at `now` (no query: the guards read the booking only); a
    booking that has ended is no longer offered for cancellation."""
    now = now or timezone.now()
    return [t for t in BOOKING.available(actor, booking) if _open_now(t, booking, actor, now)]


# The steps a booking's own row offers (its booker's, or a manager's on the instrument's page);
# approvals are listed apart.
ROW_STEPS = ("cancel", "check_in", "check_out")


def booking_row_steps(booking: Booking, now: datetime) -> set[str]:
    """ROW_STEPS open on `booking` now by the table (its state and guards); who may take them is
    the page's rule (one's own bookings, the managed instrument's)."""
    state = BOOKING.state_of(booking)
    return {
        name
        for name in ROW_STEPS
        if state in (t := BOOKING.transition(name)).sources and _open_now(t, booking, None, now)
    }


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
