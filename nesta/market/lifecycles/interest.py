"""An interest's workflow (core.lifecycle).

    open ─accept→ accepted ─close→ closed          (the owner's side ends the negotiation)
      │              └──── withdraw ──→ withdrawn   (the interested side)
      ├── decline → declined                        (the owner's side, with an answer)
      └── withdraw → withdrawn

Expressing interest is services.negotiation.interest_express (event interest.created). The owner's
side answers (listing.change on the listing, the interest's permission target); the interested
side withdraws (interest.create on its own organisation). Accepting moves the listing 已发布 →
洽谈中 in the same transaction (the service's effect) and reveals the listing's contacts to the
interested organisation; each answer is told to the other side (in-app now, e-mail after commit).
"""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from nesta.core.lifecycle import Lifecycle, Transition
from nesta.core.notifications import notify
from nesta.core.permissions import Target, can
from nesta.market.models import Interest, ListingStatus

I = Interest.Status  # noqa: E741 — the table reads as I.OPEN, I.ACCEPTED
LIVE = (I.OPEN, I.ACCEPTED)
OPEN_LISTING = (ListingStatus.PUBLISHED, ListingStatus.NEGOTIATING)  # listings that take interest

# The sides of an interest. The parties are decided on organisation-only targets, so a province's
# staff are operators of their own province's listings (thread.oversee), never a party by the
# interested organisation's region; the office, with every grant, is the operator too.
PARTY, OWNER, OPERATOR = "party", "owner", "operator"
SIDE_OF_STEP = {"accept": OWNER, "decline": OWNER, "close": OWNER, "withdraw": PARTY}


def acting_organization(user: Any) -> int | None:
    return getattr(user, "organization_id", None) if getattr(user, "is_authenticated", False) else None


def acts_for_party(user: Any, organization_id: int | None) -> bool:
    """Is `user` one of the people of `organization_id` on the interested side?"""
    org = acting_organization(user)
    return bool(org and org == organization_id and can(user, "interest.create", Target(organization_id=org)))


def acts_for_owner(user: Any, organization_id: int | None) -> bool:
    """Is `user` one of the people of the listing's owner organisation?"""
    org = acting_organization(user)
    return bool(org and org == organization_id and can(user, "listing.change", Target(organization_id=org)))


def side_of(user: Any, interest: Interest) -> str | None:
    """party / owner / operator, or None: the user may not know the interest exists."""
    if acts_for_party(user, interest.organization_id):
        return PARTY
    if acts_for_owner(user, interest.listing.organization_id):
        return OWNER
    if getattr(user, "is_authenticated", False) and can(user, "thread.oversee", interest.listing):
        return OPERATOR
    return None


def interest_url(interest: Interest) -> str:
    return reverse("market:interest_detail", args=[interest.pk])


def _interested_side(interest: Interest) -> Target:
    # only the interested organisation's people (and the office): not a province by its region
    return Target(organization_id=interest.organization_id)


def _tell_party(interest: Interest, kind: str, title: str) -> None:
    notify(
        user=interest.user,
        kind=kind,
        title=title % {"t": interest.listing.title[:60]},
        body=interest.answer,
        url=interest_url(interest),
    )


def _tell_owner(interest: Interest, kind: str, title: str, body: str = "") -> None:
    owner = interest.listing.created_by
    if owner is None:
        return
    notify(
        user=owner,
        kind=kind,
        title=title % {"t": interest.listing.title[:60], "o": interest.organization.name[:40]},
        body=body,
        url=interest_url(interest),
    )


def _accepted(interest: Interest, actor: Any) -> None:
    _tell_party(interest, "interest_accepted", gettext_now("对方已接受您的合作意向：%(t)s"))


def _declined(interest: Interest, actor: Any) -> None:
    _tell_party(interest, "interest_declined", gettext_now("对方婉拒了您的合作意向：%(t)s"))


def _withdrawn(interest: Interest, actor: Any) -> None:
    _tell_owner(interest, "interest_withdrawn", gettext_now("%(o)s 撤回了合作意向：%(t)s"))


def _closed(interest: Interest, actor: Any) -> None:
    _tell_party(interest, "interest_closed", gettext_now("对方已结束洽谈：%(t)s"))


def _lapsed(interest: Interest, actor: Any) -> None:
    _tell_party(interest, "interest_lapsed", gettext_now("信息已撤回或过期，洽谈随之结束：%(t)s"))


_OWNER: dict[str, Any] = {"permission": "listing.change"}

INTEREST = Lifecycle(
    Interest,
    [
        Transition(
            "accept",
            sources=(I.OPEN,),
            target=I.ACCEPTED,
            timestamp="accepted_at",
            event="interest.accepted",
            label=_("接受意向"),
            verb=_("接受"),
            notify=_accepted,
            needs_input=True,
            style="primary",
            done=_("已接受意向：对方现在可以看到联系方式，信息进入洽谈中。"),
            summary="接受意向（信息 已发布 → 洽谈中；对方可见联系方式；可附答复）",
            **_OWNER,
        ),
        Transition(
            "decline",
            sources=(I.OPEN,),
            target=I.DECLINED,
            timestamp="declined_at",
            event="interest.declined",
            label=_("婉拒意向"),
            verb=_("婉拒"),
            notify=_declined,
            needs_input=True,
            style="outline-danger",
            done=_("已婉拒，并已通知对方。"),
            summary="婉拒意向（须附答复）",
            **_OWNER,
        ),
        Transition(
            "withdraw",
            sources=LIVE,
            target=I.WITHDRAWN,
            permission="interest.create",
            permission_on=_interested_side,
            timestamp="withdrawn_at",
            event="interest.withdrawn",
            label=_("撤回意向"),
            verb=_("撤回"),
            notify=_withdrawn,
            style="outline-danger",
            confirm=_("确定撤回该合作意向吗？"),
            done=_("意向已撤回。"),
            summary="撤回意向（意向方）",
        ),
        Transition(
            "close",
            sources=(I.ACCEPTED,),
            target=I.CLOSED,
            timestamp="closed_at",
            event="interest.closed",
            label=_("结束洽谈"),
            verb=_("结束洽谈"),
            notify=_closed,
            style="outline-secondary",
            confirm=_("确定结束与该单位的洽谈吗？"),
            done=_("洽谈已结束。"),
            summary="结束洽谈（信息方）",
            **_OWNER,
        ),
        # the listing left the market (withdrawn, expired): its open and accepted interests end with it
        Transition(
            "lapse",
            sources=(I.OPEN, I.ACCEPTED),
            target=I.CLOSED,
            timestamp="closed_at",
            event="interest.lapsed",
            label=_("信息撤回或过期，洽谈结束"),
            notify=_lapsed,
            offered=False,
            **_OWNER,
        ),
    ],
    related=("listing__province", "listing__organization", "listing__created_by", "organization", "user"),
    invalid_message=_("该合作意向当前状态为“%(s)s”，不能%(a)s。"),
    events={
        "interest.created": _("表达合作意向"),
        "thread.message_posted": _("发送洽谈消息"),
    },
)
