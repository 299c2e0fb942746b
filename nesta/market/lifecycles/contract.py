"""A technology contract's registration workflow (技术合同认定登记, core.lifecycle).

    submitted (待认定) ─register→ registered (已登记, with its 14-digit number)
             │       └─refuse──→ refused (不予登记, with coded reasons and a note)
             └──────── withdraw → withdrawn (已撤回)

Submitting is services.contracts.contract_submit (the seller's side or the operator). Registering
and refusing are the registration point's staff's (`contract.decide` on the contract, whose target
is its point); registering takes the point's serial under lock, closes a named listing as 已成交
and feeds the statistics — all in the transition's transaction (services.contracts). Withdrawing
is the seller's side's (`contract.submit` on the seller) or the submitter's own. The submitter
hears about each decision.
"""

from typing import Any

from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from nesta.core.lifecycle import Lifecycle, Transition
from nesta.core.notifications import notify
from nesta.core.permissions import Target
from nesta.market.models import RefusalReason, TechContract

S = TechContract.Status


def seller_target(contract: TechContract) -> Target:
    """The seller's side of a contract: its organisation in the point's province."""
    return Target(
        province_code=contract.point.province.code,
        organization_id=contract.seller_organization_id,
        user_id=contract.submitted_by_id,
    )


def _tell_submitter(contract: TechContract, actor: Any, kind: str, title: str, body: str = "") -> None:
    if contract.submitted_by_id is None or (actor is not None and actor.pk == contract.submitted_by_id):
        return
    notify(user=contract.submitted_by, kind=kind, title=title, body=body, url=contract.get_absolute_url())


def _registered(contract: TechContract, actor: Any) -> None:
    _tell_submitter(
        contract,
        actor,
        "contract_registered",
        gettext_now("技术合同已登记：%(n)s") % {"n": contract.name[:60]},
        gettext_now("登记编号：%(n)s") % {"n": contract.number},
    )


def _refused(contract: TechContract, actor: Any) -> None:
    labels = dict(RefusalReason.choices)
    reasons = "；".join(str(labels.get(r, r)) for r in contract.refusal_reasons)
    _tell_submitter(
        contract,
        actor,
        "contract_refused",
        gettext_now("技术合同不予登记：%(n)s") % {"n": contract.name[:60]},
        f"{reasons}\n{contract.refusal_note}".strip(),
    )


_DECIDE: dict[str, Any] = {"permission": "contract.decide"}

CONTRACT = Lifecycle(
    TechContract,
    [
        Transition(
            "register",
            sources=(S.SUBMITTED,),
            target=S.REGISTERED,
            timestamp="registered_at",
            event="contract.registered",
            label=_("准予登记"),
            verb=_("登记"),
            notify=_registered,
            style="primary",
            confirm=_("确定准予登记该技术合同吗？登记后将生成登记编号。"),
            done=_("已登记，并已通知申请人。"),
            summary="准予登记（待认定 → 已登记，生成14位登记编号）",
            **_DECIDE,
        ),
        Transition(
            "refuse",
            sources=(S.SUBMITTED,),
            target=S.REFUSED,
            timestamp="refused_at",
            event="contract.refused",
            label=_("不予登记"),
            verb=_("不予登记"),
            notify=_refused,
            needs_input=True,
            style="outline-danger",
            done=_("已作出不予登记决定，并已通知申请人。"),
            summary="不予登记（须选择理由并说明）",
            **_DECIDE,
        ),
        Transition(
            "withdraw",
            sources=(S.SUBMITTED,),
            target=S.WITHDRAWN,
            timestamp="withdrawn_at",
            event="contract.withdrawn",
            label=_("撤回登记申请"),
            verb=_("撤回"),
            permission="contract.submit",
            permission_on=seller_target,
            or_self="submitted_by_id",
            style="outline-danger",
            confirm=_("确定撤回该技术合同的登记申请吗？"),
            done=_("登记申请已撤回。"),
            summary="撤回登记申请（卖方或申请人）",
        ),
    ],
    related=("point__province", "point__city", "point__organization", "submitted_by"),
    invalid_message=_("该合同当前状态为“%(s)s”，不能%(a)s。"),
    events={
        "contract.submitted": _("提交技术合同登记申请"),
        "contract.overdue": _("技术合同认定超期"),
    },
)
