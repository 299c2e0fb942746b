"""A listing's workflow (core.lifecycle).

    draft ─submit→ submitted ─approve→ approved ─publish→ published ─(interest accepted)→ negotiating
      ↑                │                                     │  ↑ reopen ─────────────────┘ │
      └──── return ────┘                                     ├── deal (已成交) ←────────────┤
    withdraw: from any live state → withdrawn                └── expire (periodic job) ─────┘→ expired

Submitting, editing and publishing are the owner organisation's (listing.change); reviewing is the
office's or the listing's province's (listing.review). `negotiate` is taken when the owner accepts
an interest (services/negotiation), `deal` when the owner closes it or a registered technology
contract names the listing (services/contracts, as the registration point), `expire` by the
periodic job once `valid_until` has passed.
"""

from typing import Any

from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from nesta.core.lifecycle import Lifecycle, Transition
from nesta.core.notifications import notify
from nesta.market.models import Listing, ListingStatus

S = ListingStatus
LIVE = (S.DRAFT, S.SUBMITTED, S.APPROVED, S.PUBLISHED, S.NEGOTIATING)
ON_MARKET = (S.PUBLISHED, S.NEGOTIATING)


def _tell_owner(listing: Listing, kind: str, title: str, body: str = "") -> None:
    if listing.created_by_id is None:
        return
    notify(
        user=listing.created_by,
        kind=kind,
        title=title % {"t": listing.title[:60]},
        body=body,
        url=listing.get_absolute_url(),
    )


def _returned(listing: Listing, actor: Any) -> None:
    _tell_owner(listing, "listing_returned", gettext_now("信息被退回修改：%(t)s"), listing.review_note)


def _approved(listing: Listing, actor: Any) -> None:
    _tell_owner(listing, "listing_approved", gettext_now("信息已通过审核：%(t)s"), listing.review_note)


def _expired(listing: Listing, actor: Any) -> None:
    _tell_owner(listing, "listing_expired", gettext_now("信息已过有效期：%(t)s"))


def _published(listing: Listing, actor: Any) -> None:
    # Strong new matches are told to both owners by a task queued after the commit (matching).
    from nesta.market.matching.tasks import queue_match_notifications

    queue_match_notifications(listing)


_OWNER: dict[str, Any] = {"permission": "listing.change"}
_REVIEW: dict[str, Any] = {"permission": "listing.review"}

LISTING = Lifecycle(
    Listing,
    [
        Transition(
            "submit",
            sources=(S.DRAFT,),
            target=S.SUBMITTED,
            timestamp="submitted_at",
            event="listing.submitted",
            label=_("提交审核"),
            verb=_("提交"),
            style="primary",
            done=_("已提交，等待审核。"),
            summary="提交审核（草稿 → 已提交）",
            **_OWNER,
        ),
        Transition(
            "return",
            sources=(S.SUBMITTED,),
            target=S.DRAFT,
            timestamp="returned_at",
            event="listing.returned",
            label=_("退回修改"),
            verb=_("退回"),
            notify=_returned,
            needs_input=True,
            style="outline-danger",
            done=_("已退回，并已通知填报人。"),
            summary="退回修改（须说明原因）",
            **_REVIEW,
        ),
        Transition(
            "approve",
            sources=(S.SUBMITTED,),
            target=S.APPROVED,
            timestamp="approved_at",
            event="listing.approved",
            label=_("审核通过"),
            verb=_("通过"),
            notify=_approved,
            style="primary",
            done=_("审核通过。"),
            summary="审核通过（已提交 → 已审核）",
            **_REVIEW,
        ),
        Transition(
            "publish",
            sources=(S.APPROVED,),
            target=S.PUBLISHED,
            timestamp="published_at",
            event="listing.published",
            label=_("发布"),
            verb=_("发布"),
            notify=_published,
            style="primary",
            done=_("已发布到技术市场。"),
            summary="发布（已审核 → 已发布）",
            **_OWNER,
        ),
        Transition(
            "negotiate",
            sources=(S.PUBLISHED,),
            target=S.NEGOTIATING,
            timestamp="negotiating_at",
            event="listing.negotiating",
            label=_("进入洽谈"),
            offered=False,
            **_OWNER,
        ),
        Transition(
            "reopen",
            sources=(S.NEGOTIATING,),
            target=S.PUBLISHED,
            event="listing.reopened",
            label=_("结束洽谈，重新开放"),
            verb=_("重新开放"),
            confirm=_("确定结束当前洽谈、重新开放该信息吗？"),
            done=_("已重新开放。"),
            summary="结束洽谈，重新开放（洽谈中 → 已发布）",
            **_OWNER,
        ),
        Transition(
            "deal",
            sources=ON_MARKET,
            target=S.DEALT,
            timestamp="dealt_at",
            event="listing.dealt",
            label=_("已成交"),
            verb=_("标记成交"),
            style="outline-success",
            confirm=_("确定将该信息标记为已成交吗？成交后不再接受新的意向。"),
            done=_("已标记为成交。"),
            summary="标记成交（已发布/洽谈中 → 已成交）",
            **_OWNER,
        ),
        Transition(
            "withdraw",
            sources=LIVE,
            target=S.WITHDRAWN,
            timestamp="withdrawn_at",
            event="listing.withdrawn",
            label=_("撤回"),
            verb=_("撤回"),
            style="outline-danger",
            confirm=_("确定撤回该信息吗？"),
            done=_("信息已撤回。"),
            summary="撤回",
            **_OWNER,
        ),
        Transition(
            "expire",
            sources=(S.DRAFT, S.SUBMITTED, S.APPROVED, S.PUBLISHED),
            target=S.EXPIRED,
            timestamp="expired_at",
            event="listing.expired",
            label=_("过期"),
            notify=_expired,
            offered=False,
            **_REVIEW,
        ),
    ],
    related=("province", "organization", "created_by"),
    invalid_message=_("该信息当前状态为“%(s)s”，不能%(a)s。"),
    events={
        "listing.created": _("新建技术市场信息"),
        "listing.updated": _("修改技术市场信息"),
        "listing.imported": _("导入技术市场信息"),
    },
)
