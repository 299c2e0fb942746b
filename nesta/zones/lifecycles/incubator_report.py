"""An incubator's annual report (core.lifecycle):

    draft ─submit→ submitted ─check→ checked ─accept→ accepted
      ↑                │                 │
      └─ submit ─ returned ←─ return ────┘ (province: from submitted; office: send_back from checked)

The incubator's own people fill in and submit; the incubator's province checks (or returns with
reasons); the office accepts (or sends back with reasons). A returned report is edited and
submitted again; the reasons stay on the record (status_note) and in the audit trail.
"""

from typing import Any

from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from nesta.core.lifecycle import Lifecycle, Transition
from nesta.core.notifications import notify
from nesta.zones.models import IncubatorReport, ReportStatus

S = ReportStatus


def _tell_filler(kind: str, title: str) -> Any:
    def tell(report: IncubatorReport, actor: Any) -> None:
        if report.created_by_id is None:
            return
        notify(
            user=report.created_by,
            kind=kind,
            title=gettext_now(title) % {"b": report.incubator.organization.name[:60], "y": report.year},
            body=report.status_note,
        )

    return tell


INCUBATOR_REPORT = Lifecycle(
    IncubatorReport,
    [
        Transition(
            "submit",
            sources=(S.DRAFT, S.RETURNED),
            target=S.SUBMITTED,
            timestamp="submitted_at",
            event="incubator_report.submitted",
            label=_("提交年度报告"),
            verb=_("提交"),
            style="primary",
            confirm=_("提交后由所在省科技厅审核，审核期间不能修改，确定提交吗？"),
            done=_("年度报告已提交，等待省级审核。"),
            summary="提交年度报告（草稿/退回修改 → 已提交）",
            permission="incubator_report.fill",
        ),
        Transition(
            "check",
            sources=(S.SUBMITTED,),
            target=S.CHECKED,
            timestamp="checked_at",
            event="incubator_report.checked",
            label=_("省级审核通过"),
            verb=_("审核通过"),
            style="primary",
            done=_("已审核通过，报送领导小组办公室。"),
            summary="省级审核通过（已提交 → 省级已审核）",
            permission="incubator_report.check",
        ),
        Transition(
            "return",
            sources=(S.SUBMITTED,),
            target=S.RETURNED,
            timestamp="returned_at",
            event="incubator_report.returned",
            label=_("省级退回修改"),
            verb=_("退回修改"),
            needs_input=True,
            notify=_tell_filler("incubator_report_returned", "%(b)s %(y)s 年度报告被退回修改"),
            style="outline-danger",
            done=_("已退回，并已通知填报单位。"),
            summary="省级退回修改（须说明原因）",
            permission="incubator_report.check",
        ),
        Transition(
            "accept",
            sources=(S.CHECKED,),
            target=S.ACCEPTED,
            timestamp="accepted_at",
            event="incubator_report.accepted",
            label=_("采纳年度报告"),
            verb=_("采纳"),
            notify=_tell_filler("incubator_report_accepted", "%(b)s %(y)s 年度报告已采纳"),
            style="primary",
            done=_("年度报告已采纳，将计入评估。"),
            summary="采纳（省级已审核 → 已采纳）",
            permission="incubator_report.accept",
        ),
        Transition(
            "send_back",
            sources=(S.CHECKED,),
            target=S.RETURNED,
            timestamp="returned_at",
            event="incubator_report.sent_back",
            label=_("办公室退回修改"),
            verb=_("退回修改"),
            needs_input=True,
            notify=_tell_filler("incubator_report_returned", "%(b)s %(y)s 年度报告被退回修改"),
            style="outline-danger",
            done=_("已退回，并已通知填报单位。"),
            summary="办公室退回修改（须说明原因）",
            permission="incubator_report.accept",
        ),
    ],
    related=("incubator__organization__province", "created_by"),
    events={"incubator_report.created": _("新建孵化器年度报告"), "incubator_report.updated": _("修改孵化器年度报告")},
)
