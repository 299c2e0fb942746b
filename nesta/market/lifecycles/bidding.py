"""Online bidding's workflows (core.lifecycle): the round and a bidder's registration.

A round:

    registering ─start→ open ─close→ closed (竞价成交: the highest bid wins)
        │   │                 └─close→ failed (无人出价，流拍)       ← divert: no bid
        │   ├─start→ closed (协议转让: exactly one qualified buyer) ← divert
        │   └─start→ failed (无合格竞买人，流拍: none)               ← divert
        └── cancel (registering or open) → cancelled

State-owned assets may be auctioned online only when two or more qualified buyers registered; the
platform applies that rule to every round. With exactly one qualified buyer at the start there is
no auction: the round closes as 协议转让 to that buyer at the start price (never below the
listing's floor price), the listing goes 洽谈中 for the contract. An auction's winner makes the
listing 已成交 at once (the result is binding, as an exchange's 成交确认书 is). A round that fails
leaves the listing published, so the operator can open another.

`start` and the closing steps are taken by the platform (the periodic job, or lazily by the first
bid after the start) or by the operator (结束竞价 once the end has passed); the services set the
outcome, the winner and the publication of the result in `prepare`.

A registration: pending ─qualify→ qualified; pending/qualified ─reject→ rejected (with a reason);
pending/qualified ─withdraw→ withdrawn (the bidder's own organisation). All only while the round is
still taking registrations and has not started; the guard locks the round, so a registration's
decision and the round's start are serialised.
"""

from datetime import datetime
from typing import Any

from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from nesta.core.errors import Conflict, DomainError
from nesta.core.lifecycle import Lifecycle, Transition
from nesta.core.notifications import notify
from nesta.core.permissions import Target
from nesta.market.models import BidderRegistration, BiddingRound

R = BiddingRound.Status
G = BidderRegistration.Status


def round_url(rnd: BiddingRound) -> str:
    from django.urls import reverse

    return reverse("market:bidding_round", args=[rnd.pk])


def tell_parties(rnd: BiddingRound, kind: str, title: str, body: str = "") -> None:
    """The seller's person, the operator who opened the round and every qualified bidder's person
    (in-app now, e-mail after commit — core.notifications)."""
    users: dict[int, Any] = {}
    if rnd.listing.created_by_id:
        users[rnd.listing.created_by_id] = rnd.listing.created_by
    if rnd.created_by_id:
        users[rnd.created_by_id] = rnd.created_by
    for reg in rnd.registrations.filter(status=G.QUALIFIED).select_related("user"):
        users.setdefault(reg.user_id, reg.user)
    text = title % {"t": rnd.listing.title[:60]}
    for user in users.values():
        notify(user=user, kind=kind, title=text, body=body, url=round_url(rnd))


def _started(rnd: BiddingRound, actor: Any) -> None:
    tell_parties(rnd, "bidding_started", gettext_now("网络竞价已开始：%(t)s"))


def _ended(rnd: BiddingRound, actor: Any) -> None:
    body = str(BiddingRound.Outcome(rnd.outcome).label) if rnd.outcome else ""
    if rnd.outcome_note:
        body = f"{body}：{rnd.outcome_note}"
    tell_parties(rnd, "bidding_ended", gettext_now("竞价结果：%(t)s"), body)


def _no_bids(rnd: BiddingRound, actor: Any, now: datetime) -> str | None:
    return "fail" if rnd.bid_count == 0 else None


def _qualified_count(rnd: BiddingRound) -> int:
    return rnd.registrations.filter(status=G.QUALIFIED).count()


def _too_few(rnd: BiddingRound, actor: Any, now: datetime) -> str | None:
    n = _qualified_count(rnd)
    return "void" if n == 0 else "negotiate" if n == 1 else None


def _not_before_start(rnd: BiddingRound, actor: Any, now: datetime) -> DomainError | None:
    if now < rnd.starts_at:
        return Conflict(_("竞价尚未到开始时间。"), code="round_not_started", details={"starts_at": rnd.starts_at})
    return None


def _ended_only(rnd: BiddingRound, actor: Any, now: datetime) -> DomainError | None:
    if now < rnd.ends_at:
        return Conflict(
            _("竞价尚未到截止时间，不能结束。"), code="round_not_ended", details={"ends_at": rnd.ends_at.isoformat()}
        )
    return None


_MANAGE: dict[str, Any] = {"permission": "bidding.manage"}

ROUND = Lifecycle(
    BiddingRound,
    [
        Transition(
            "start",
            sources=(R.REGISTERING,),
            target=R.OPEN,
            timestamp="opened_at",
            event="bidding.started",
            label=_("开始竞价"),
            guard=_not_before_start,
            divert=_too_few,
            notify=_started,
            offered=False,
            **_MANAGE,
        ),
        Transition(
            "negotiate",
            sources=(R.REGISTERING,),
            target=R.CLOSED,
            timestamp="closed_at",
            event="bidding.negotiated",
            label=_("仅一家合格竞买人，协议转让"),
            notify=_ended,
            offered=False,
            **_MANAGE,
        ),
        Transition(
            "void",
            sources=(R.REGISTERING,),
            target=R.FAILED,
            timestamp="closed_at",
            event="bidding.void",
            label=_("无合格竞买人，流拍"),
            notify=_ended,
            offered=False,
            **_MANAGE,
        ),
        Transition(
            "close",
            sources=(R.OPEN,),
            target=R.CLOSED,
            timestamp="closed_at",
            event="bidding.closed",
            label=_("结束竞价"),
            verb=_("结束竞价"),
            guard=_ended_only,
            divert=_no_bids,
            notify=_ended,
            style="primary",
            confirm=_("确定结束本场竞价并公布结果吗？"),
            done=_("竞价已结束，结果已公布。"),
            summary="结束竞价（截止时间已过；最高出价者成交，无人出价则流拍）",
            **_MANAGE,
        ),
        Transition(
            "fail",
            sources=(R.OPEN,),
            target=R.FAILED,
            timestamp="closed_at",
            event="bidding.failed",
            label=_("无人出价，流拍"),
            notify=_ended,
            offered=False,
            **_MANAGE,
        ),
        Transition(
            "cancel",
            sources=(R.REGISTERING, R.OPEN),
            target=R.CANCELLED,
            timestamp="cancelled_at",
            event="bidding.cancelled",
            label=_("取消竞价"),
            verb=_("取消"),
            notify=_ended,
            needs_input=True,
            style="outline-danger",
            confirm=_("确定取消本场竞价吗？已有出价将作废。"),
            done=_("竞价已取消，并已通知各方。"),
            summary="取消竞价（须说明原因）",
            **_MANAGE,
        ),
    ],
    related=("listing__province", "listing__created_by", "created_by"),
    invalid_message=_("该场竞价当前状态为“%(s)s”，不能%(a)s。"),
    events={
        "bidding.round_created": _("发起网络竞价"),
        "bidding.registered": _("竞买报名"),
        "bidding.bid_placed": _("竞价出价"),
    },
)


def _round_taking_registrations(reg: BidderRegistration, actor: Any, now: datetime) -> DomainError | None:
    # lock the round: a decision on a registration and the round's start never interleave
    rnd = BiddingRound.objects.select_for_update().filter(pk=reg.round_id).first()
    if rnd is None or rnd.status != R.REGISTERING or now >= rnd.starts_at:
        return Conflict(_("竞价已开始或已结束，不能再变更报名。"), code="registration_closed")
    return None


def _tell_bidder(reg: BidderRegistration, kind: str, title: str, body: str = "") -> None:
    notify(
        user=reg.user, kind=kind, title=title % {"t": reg.round.listing.title[:60]}, body=body, url=round_url(reg.round)
    )


def _qualified(reg: BidderRegistration, actor: Any) -> None:
    _tell_bidder(
        reg,
        "bidding_qualified",
        gettext_now("竞买资格已确认：%(t)s"),
        gettext_now("您的竞买号：%(c)s") % {"c": reg.bidder_code},
    )


def _rejected(reg: BidderRegistration, actor: Any) -> None:
    _tell_bidder(reg, "bidding_rejected", gettext_now("竞买资格未通过：%(t)s"), reg.note)


def _own_organization(reg: BidderRegistration) -> Target:
    return Target(organization_id=reg.organization_id)


REGISTRATION = Lifecycle(
    BidderRegistration,
    [
        Transition(
            "qualify",
            sources=(G.PENDING,),
            target=G.QUALIFIED,
            timestamp="qualified_at",
            event="bidding.qualified",
            label=_("确认竞买资格"),
            verb=_("确认资格"),
            guard=_round_taking_registrations,
            notify=_qualified,
            style="primary",
            done=_("已确认竞买资格，并已通知报名单位。"),
            summary="确认竞买资格（待审核 → 资格合格）",
            **_MANAGE,
        ),
        Transition(
            "reject",
            sources=(G.PENDING, G.QUALIFIED),
            target=G.REJECTED,
            event="bidding.rejected",
            label=_("资格不符"),
            verb=_("驳回"),
            guard=_round_taking_registrations,
            notify=_rejected,
            needs_input=True,
            style="outline-danger",
            done=_("已驳回，并已通知报名单位。"),
            summary="竞买资格不符（须说明原因）",
            **_MANAGE,
        ),
        Transition(
            "withdraw",
            sources=(G.PENDING, G.QUALIFIED),
            target=G.WITHDRAWN,
            event="bidding.withdrawn",
            label=_("退出竞买"),
            verb=_("退出"),
            guard=_round_taking_registrations,
            permission="bidding.register",
            permission_on=_own_organization,
            style="outline-secondary",
            confirm=_("确定退出本场竞买吗？"),
            done=_("已退出竞买。"),
            summary="退出竞买（报名单位，竞价开始前）",
        ),
    ],
    related=("round__listing__province", "organization", "user"),
    invalid_message=_("该报名当前状态为“%(s)s”，不能%(a)s。"),
)
