"""The annual report's workflow (core.lifecycle), one table for every app that declares one:

    draft ─submit→ submitted ─check→ checked ─accept→ accepted
      ↑                │                 │
      └─ submit ─ returned ←─ return ────┘ (province: from submitted; office: send_back from checked)

The owner's people (`<prefix>.fill`) fill in and submit; the owner's province (`<prefix>.check`)
checks or returns with reasons; the office (`<prefix>.accept`) accepts or sends back with reasons.
A returned report is edited and submitted again; the reasons stay on the record (status_note) and
in the audit trail. Returns and acceptance tell the report's creator.
"""

from collections.abc import Callable
from typing import Any

from django.db import models
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from nesta.core.annual_report.models import AnnualReportStatus as S
from nesta.core.lifecycle import Lifecycle, Transition
from nesta.core.notifications import notify

# the notifications' titles: %(b)s the report's subject (its owner's name), %(y)s its year
RETURNED_TITLE = gettext_noop("%(b)s %(y)s 年度报告被退回修改")
ACCEPTED_TITLE = gettext_noop("%(b)s %(y)s 年度报告已采纳")


def tell_creator(kind: str, title: str, subject: Callable[[Any], str]) -> Callable[[Any, Any], None]:
    """notify(): the report's creator hears of the step, with the reviewer's note as the body."""

    def tell(report: Any, actor: Any) -> None:
        if report.created_by_id is None:
            return
        notify(
            user=report.created_by,
            kind=kind,
            title=gettext_now(title) % {"b": subject(report)[:60], "y": report.year},
            body=report.status_note,
        )

    return tell


def annual_report_lifecycle(
    model: type[models.Model],
    *,
    prefix: str,
    subject: Callable[[Any], str],
    related: tuple[str, ...],
    events: dict[str, Any],
    register: bool = True,
) -> Lifecycle:
    """The table for `model` (an AnnualReport): permissions `<prefix>.fill/check/accept`, audit
    events `<prefix>.submitted/checked/returned/accepted/sent_back`, notifications of kind
    `<prefix>_returned/_accepted`. `subject(report)` names it in the notifications' titles;
    `related` is the locked reload's select_related (what the checks and `subject` read);
    `events` the model's other named events (created, updated) with their labels; `register=False`
    leaves the app registry alone (the tests' scratch tables)."""
    returned = tell_creator(f"{prefix}_returned", RETURNED_TITLE, subject)
    accepted = tell_creator(f"{prefix}_accepted", ACCEPTED_TITLE, subject)
    return Lifecycle(
        model,
        [
            Transition(
                "submit",
                sources=(S.DRAFT, S.RETURNED),
                target=S.SUBMITTED,
                timestamp="submitted_at",
                event=f"{prefix}.submitted",
                label=_("提交年度报告"),
                verb=_("提交"),
                style="primary",
                confirm=_("提交后由所在省科技厅审核，审核期间不能修改，确定提交吗？"),
                done=_("年度报告已提交，等待省级审核。"),
                summary="提交年度报告（草稿/退回修改 → 已提交）",
                permission=f"{prefix}.fill",
            ),
            Transition(
                "check",
                sources=(S.SUBMITTED,),
                target=S.CHECKED,
                timestamp="checked_at",
                event=f"{prefix}.checked",
                label=_("省级审核通过"),
                verb=_("审核通过"),
                style="primary",
                done=_("已审核通过，报送领导小组办公室。"),
                summary="省级审核通过（已提交 → 省级已审核）",
                permission=f"{prefix}.check",
            ),
            Transition(
                "return",
                sources=(S.SUBMITTED,),
                target=S.RETURNED,
                timestamp="returned_at",
                event=f"{prefix}.returned",
                label=_("省级退回修改"),
                verb=_("退回修改"),
                needs_input=True,
                notify=returned,
                style="outline-danger",
                done=_("已退回，并已通知填报单位。"),
                summary="省级退回修改（须说明原因）",
                permission=f"{prefix}.check",
            ),
            Transition(
                "accept",
                sources=(S.CHECKED,),
                target=S.ACCEPTED,
                timestamp="accepted_at",
                event=f"{prefix}.accepted",
                label=_("采纳年度报告"),
                verb=_("采纳"),
                notify=accepted,
                style="primary",
                done=_("年度报告已采纳，将计入评估。"),
                summary="采纳（省级已审核 → 已采纳）",
                permission=f"{prefix}.accept",
            ),
            Transition(
                "send_back",
                sources=(S.CHECKED,),
                target=S.RETURNED,
                timestamp="returned_at",
                event=f"{prefix}.sent_back",
                label=_("办公室退回修改"),
                verb=_("退回修改"),
                needs_input=True,
                notify=returned,
                style="outline-danger",
                done=_("已退回，并已通知填报单位。"),
                summary="办公室退回修改（须说明原因）",
                permission=f"{prefix}.accept",
            ),
        ],
        related=related,
        events=events,
        register_events=register,
    )
