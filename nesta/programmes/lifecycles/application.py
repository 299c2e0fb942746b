"""An application's workflow (core.lifecycle), from the draft to the closed project.

    draft ─submit→ submitted ─recommend→ recommended ─pass_check→ in_review ─fund→ funded ─sign→ in_progress
      ↑  returned ←─ return ─┘(形式审查退回)      └ not_recommend → not_recommended      └ reject → not_funded
      └──────── submit ─┘
    in_progress ─request_acceptance→ acceptance ─pass_acceptance→ closed
                                          ├─ fail_acceptance → failed
                                          └─ extend (延期) → in_progress
    withdraw: draft / submitted / returned / recommended → withdrawn

Submitting, withdrawing and asking for acceptance are the applicant organisation's; recommending
the province's (or the office's); the formal check and the funding decision the office's; the task
contract and the acceptance the office's or the call's province. Every step that refuses or
returns needs a reason (status_note), kept on the record and in the audit row.
"""

from typing import Any

from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from nesta.core.errors import DomainError
from nesta.core.lifecycle import Lifecycle, Transition
from nesta.core.notifications import notify
from nesta.programmes.models import Application, ApplicationStatus

S = ApplicationStatus


def _submittable(app: Application, actor: Any, now: Any) -> DomainError | None:
    from nesta.programmes.rules.submission import submission_error

    return submission_error(app, now)


def _tell_applicant(kind: str, title: str) -> Any:
    def tell(app: Application, actor: Any) -> None:
        if app.applicant_id is None:
            return
        notify(
            user=app.applicant,
            kind=kind,
            title=gettext_now(title) % {"t": app.title[:60]},
            body=app.status_note,
            url=app.get_absolute_url(),
        )

    return tell


_APPLICANT: dict[str, Any] = {"permission": "application.change"}

APPLICATION = Lifecycle(
    Application,
    [
        Transition(
            "submit",
            sources=(S.DRAFT, S.RETURNED),
            target=S.SUBMITTED,
            timestamp="submitted_at",
            event="application.submitted",
            label=_("提交申请"),
            verb=_("提交"),
            guard=_submittable,
            style="primary",
            confirm=_("提交后将由所在省科技厅推荐，提交后不能修改，确定提交吗？"),
            done=_("申请已提交，等待省级推荐。"),
            summary="提交申请（草稿/退回修改 → 已提交）",
            **_APPLICANT,
        ),
        Transition(
            "recommend",
            sources=(S.SUBMITTED,),
            target=S.RECOMMENDED,
            timestamp="recommended_at",
            event="application.recommended",
            label=_("省级推荐"),
            verb=_("推荐"),
            notify=_tell_applicant("application_recommended", gettext_noop("申请已获省级推荐：%(t)s")),
            style="primary",
            done=_("已推荐。"),
            summary="省级推荐（已提交 → 省级推荐）",
            permission="application.recommend",
        ),
        Transition(
            "not_recommend",
            sources=(S.SUBMITTED,),
            target=S.NOT_RECOMMENDED,
            timestamp="recommended_at",
            event="application.not_recommended",
            label=_("不予推荐"),
            verb=_("不予推荐"),
            needs_input=True,
            notify=_tell_applicant("application_not_recommended", gettext_noop("申请未获省级推荐：%(t)s")),
            style="outline-danger",
            done=_("已标记为未推荐，并已通知申请人。"),
            summary="不予推荐（须说明原因）",
            permission="application.recommend",
        ),
        Transition(
            "return",
            sources=(S.RECOMMENDED,),
            target=S.RETURNED,
            timestamp="returned_at",
            event="application.returned",
            label=_("形式审查退回修改"),
            verb=_("退回修改"),
            needs_input=True,
            notify=_tell_applicant("application_returned", gettext_noop("申请被退回修改：%(t)s")),
            style="outline-danger",
            done=_("已退回，并已通知申请人。"),
            summary="形式审查退回修改（须列明原因）",
            permission="application.check",
        ),
        Transition(
            "pass_check",
            sources=(S.RECOMMENDED,),
            target=S.IN_REVIEW,
            timestamp="checked_at",
            event="application.checked",
            label=_("形式审查通过"),
            verb=_("形式审查通过"),
            style="primary",
            done=_("形式审查通过，进入专家评审。"),
            summary="形式审查通过（省级推荐 → 专家评审）",
            permission="application.check",
        ),
        Transition(
            "fund",
            sources=(S.IN_REVIEW,),
            target=S.FUNDED,
            timestamp="decided_at",
            event="application.funded",
            label=_("立项资助"),
            notify=_tell_applicant("application_funded", gettext_noop("申请已获立项资助：%(t)s")),
            offered=False,  # through the funding decision (services/selection), with the amount
            permission="application.decide",
        ),
        Transition(
            "reject",
            sources=(S.IN_REVIEW,),
            target=S.NOT_FUNDED,
            timestamp="decided_at",
            event="application.not_funded",
            label=_("不予资助"),
            notify=_tell_applicant("application_not_funded", gettext_noop("申请未获资助：%(t)s")),
            offered=False,  # through the funding decision
            permission="application.decide",
        ),
        Transition(
            "sign",
            sources=(S.FUNDED,),
            target=S.IN_PROGRESS,
            timestamp="started_at",
            event="application.contract_signed",
            label=_("签订任务书"),
            offered=False,  # through services/projects (the task contract's content)
            permission="project.manage",
        ),
        Transition(
            "request_acceptance",
            sources=(S.IN_PROGRESS,),
            target=S.ACCEPTANCE,
            timestamp="acceptance_at",
            event="application.acceptance_requested",
            label=_("申请结题验收"),
            verb=_("申请验收"),
            style="primary",
            confirm=_("确定申请结题验收吗？"),
            done=_("已申请结题验收。"),
            summary="申请结题验收（执行中 → 结题验收）",
            permission="project.report",
        ),
        Transition(
            "pass_acceptance",
            sources=(S.ACCEPTANCE,),
            target=S.CLOSED,
            timestamp="closed_at",
            event="application.closed",
            label=_("验收通过"),
            notify=_tell_applicant("project_closed", gettext_noop("项目已通过结题验收：%(t)s")),
            offered=False,  # through services/projects (the acceptance record)
            permission="project.manage",
        ),
        Transition(
            "fail_acceptance",
            sources=(S.ACCEPTANCE,),
            target=S.FAILED,
            timestamp="closed_at",
            event="application.acceptance_failed",
            label=_("验收不通过"),
            notify=_tell_applicant("project_failed", gettext_noop("项目结题验收未通过：%(t)s")),
            offered=False,
            permission="project.manage",
        ),
        Transition(
            "extend",
            sources=(S.ACCEPTANCE,),
            target=S.IN_PROGRESS,
            event="application.extended",
            label=_("延期验收"),
            notify=_tell_applicant("project_extended", gettext_noop("项目验收延期：%(t)s")),
            offered=False,
            permission="project.manage",
        ),
        Transition(
            "withdraw",
            sources=(S.DRAFT, S.SUBMITTED, S.RETURNED, S.RECOMMENDED),
            target=S.WITHDRAWN,
            timestamp="withdrawn_at",
            event="application.withdrawn",
            label=_("撤回申请"),
            verb=_("撤回"),
            style="outline-danger",
            confirm=_("确定撤回该申请吗？撤回后不能恢复。"),
            done=_("申请已撤回。"),
            summary="撤回申请",
            **_APPLICANT,
        ),
    ],
    related=("province", "organization", "applicant", "call"),
    invalid_message=_("该申请当前状态为“%(s)s”，不能%(a)s。"),
)
