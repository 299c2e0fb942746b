"""A call's workflow (core.lifecycle).

    draft ─publish→ open ─close→ closed ─review→ reviewing ─decide→ decided ─archive→ archived

`close` is taken by the periodic job once `closes_at` has passed (or by hand); `decide` when
the office confirms the funding selection (services/selection).
"""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nesta.core.errors import DomainError, ValidationFailed
from nesta.core.lifecycle import Lifecycle, Transition
from nesta.programmes.models import Call, CallStatus

S = CallStatus
_MANAGE: dict[str, Any] = {"permission": "call.manage"}


def _publishable(call: Call, actor: Any, now: Any) -> DomainError | None:
    if call.closes_at <= (now or timezone.now()):
        return ValidationFailed({"closes_at": [str(_("受理截止时间已过，不能发布。"))]}, code="call_closed")
    if not call.criteria.exists():
        return ValidationFailed({"criteria": [str(_("请先设置评审指标。"))]}, code="call_without_criteria")
    return None


CALL = Lifecycle(
    Call,
    [
        Transition(
            "publish",
            sources=(S.DRAFT,),
            target=S.OPEN,
            timestamp="published_at",
            event="call.published",
            label=_("发布申报指南"),
            verb=_("发布"),
            guard=_publishable,
            style="primary",
            confirm=_("发布后申报单位即可填报，确定发布吗？"),
            done=_("申报指南已发布。"),
            summary="发布（草稿 → 受理中）",
            **_MANAGE,
        ),
        Transition(
            "close",
            sources=(S.OPEN,),
            target=S.CLOSED,
            timestamp="closed_at",
            event="call.closed",
            label=_("截止受理"),
            verb=_("截止"),
            confirm=_("截止后不再接受新的申请，确定吗？"),
            done=_("已截止受理。"),
            summary="截止受理（受理中 → 已截止）",
            **_MANAGE,
        ),
        Transition(
            "review",
            sources=(S.CLOSED,),
            target=S.REVIEWING,
            event="call.reviewing",
            label=_("进入评审"),
            verb=_("进入评审"),
            style="primary",
            done=_("已进入评审阶段。"),
            summary="进入评审（已截止 → 评审中）",
            **_MANAGE,
        ),
        Transition(
            "decide",
            sources=(S.REVIEWING,),
            target=S.DECIDED,
            timestamp="decided_at",
            event="call.decided",
            label=_("立项决定"),
            offered=False,
            **_MANAGE,
        ),
        Transition(
            "archive",
            sources=(S.DECIDED,),
            target=S.ARCHIVED,
            event="call.archived",
            label=_("归档"),
            verb=_("归档"),
            done=_("已归档。"),
            summary="归档（已决定 → 已归档）",
            **_MANAGE,
        ),
    ],
    related=("owner_province", "programme"),
    invalid_message=_("该指南当前状态为“%(s)s”，不能%(a)s。"),
)
