"""After the award: the task contract (任务书), milestone reports, the mid-term check and the
acceptance (结题验收). Payments are services/payments.py.

- The task contract of a funded application: signing it runs the application's `sign` step
  (funded → in progress) and creates the Project with its milestones in the same transaction.
  The grant is the awarded amount; the milestones' payments (the payment schedule) never add up
  to more than the grant (422 `schedule_over_grant`).
- Milestone reports: the applicant organisation's people (`project.report`) report on a
  milestone while the project runs, with an optional attachment whose bytes are checked; the
  office or the province (`project.manage`) accept or return them (a return needs a reason).
- Acceptance: the applicant asks (`request_acceptance`); the office or the province decide —
  passed (closed), failed, or extended to a new end date (back in progress) — with a note and
  optionally the panel's score; each decision is an Acceptance row.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nesta.core.audit import audit_record, diff, snapshot
from nesta.core.errors import Conflict, NotFound, ValidationFailed
from nesta.core.inputs import Actor
from nesta.core.permissions import require
from nesta.core.transactions import write_transaction
from nesta.core.validators import clean_text, local_date, money_yuan
from nesta.programmes.lifecycles.application import APPLICATION
from nesta.programmes.models import (
    Acceptance,
    AcceptanceResult,
    Application,
    ApplicationStatus,
    Milestone,
    MilestoneReport,
    Project,
    ReportStatus,
)

S = ApplicationStatus
MAX_MILESTONES = 24
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
_CONTRACT = re.compile(r"^[A-Za-z0-9\u4e00-\u9fff\-_/()（）〔〕\[\]]{1,30}$")
_ZIP = b"PK\x03\x04"
# extension → (content type, first bytes)
ATTACHMENT_TYPES: dict[str, tuple[str, bytes]] = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
}
ACCEPTANCE_TRANSITIONS = {
    AcceptanceResult.PASSED: "pass_acceptance",
    AcceptanceResult.FAILED: "fail_acceptance",
    AcceptanceResult.EXTENDED: "extend",
}
RUNNING = (S.IN_PROGRESS,)


def user_of(actor: Any) -> Any:
    """The acting user to store on a record (None for the platform itself)."""
    return actor if getattr(actor, "is_authenticated", False) else None


def _fail(field: str, message: Any, code: str = "validation_error") -> ValidationFailed:
    return ValidationFailed(details={field: [message]}, code=code)


def _application(application_id: Any) -> Application:
    app = (
        Application.objects.select_related("province", "organization", "call", "call__programme")
        .filter(pk=application_id)
        .first()
        if isinstance(application_id, int) and 0 < application_id < 2**31
        else None
    )
    if app is None:
        raise NotFound(_("未找到该申请。"))
    return app


def project_for(project_id: Any, *, lock: bool = False) -> Project:
    qs = Project.objects.select_related(
        "application", "application__province", "application__organization", "application__call"
    )
    if lock:
        qs = qs.select_for_update(of=("self",))
    project = qs.filter(pk=project_id).first() if isinstance(project_id, int) and 0 < project_id < 2**31 else None
    if project is None:
        raise NotFound(_("未找到该项目。"))
    return project


# --- the task contract --------------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneIn:
    title: str
    due_date: date
    deliverables: str
    payment_amount: Decimal
    is_mid_term: bool


def _milestones(raw: Any, *, grant: Decimal, start: date, end: date) -> list[MilestoneIn]:
    if raw is None:
        raw = []
    if not isinstance(raw, list | tuple) or len(raw) > MAX_MILESTONES:
        raise _fail("milestones", _("节点最多 %(n)d 个。") % {"n": MAX_MILESTONES})
    out: list[MilestoneIn] = []
    for i, m in enumerate(raw):
        if not isinstance(m, dict):
            raise _fail(f"milestones.{i}", _("节点格式有误。"))
        due = local_date(m.get("due_date"), field=f"milestones.{i}.due_date")
        if not start <= due <= end:
            raise _fail(f"milestones.{i}.due_date", _("节点日期应在执行期内。"))
        out.append(
            MilestoneIn(
                title=clean_text(
                    m.get("title"), field=f"milestones.{i}.title", max_length=120, required=True, multiline=False
                ),
                due_date=due,
                deliverables=clean_text(m.get("deliverables"), field=f"milestones.{i}.deliverables", max_length=1000),
                payment_amount=money_yuan(m.get("payment_amount") or 0, field=f"milestones.{i}.payment_amount")
                or Decimal("0.00"),
                is_mid_term=bool(m.get("is_mid_term") is True),
            )
        )
    scheduled = sum((m.payment_amount for m in out), Decimal("0.00"))
    if scheduled > grant:
        raise ValidationFailed(
            _("拨付计划合计 %(s)s 元超过资助总额 %(g)s 元。") % {"s": scheduled, "g": grant},
            code="schedule_over_grant",
            details={
                "milestones": [_("拨付计划合计不能超过资助总额。")],
                "scheduled": str(scheduled),
                "grant": str(grant),
            },
        )
    return out


def project_create(*, actor: Actor, application_id: int, data: dict[str, Any]) -> Project:
    """Sign the task contract of a funded application (funded → in progress)."""
    app = _application(application_id)
    require(actor, "project.manage", app)
    if app.status != S.FUNDED:
        raise APPLICATION.invalid_state(app, APPLICATION.transition("sign"))
    grant = app.awarded_amount or Decimal("0.00")
    if grant <= 0:
        raise _fail("grant_amount", _("该申请没有资助金额，不能签订任务书。"), code="no_award")
    number = clean_text(
        data.get("contract_number"), field="contract_number", max_length=30, required=True, multiline=False
    )
    if not _CONTRACT.match(number):
        raise _fail("contract_number", _("任务书编号只能包含字母、数字、汉字和 - _ / ( )。"))
    goals = clean_text(data.get("goals"), field="goals", max_length=8000)
    deliverables = clean_text(data.get("deliverables"), field="deliverables", max_length=8000)
    start = local_date(data.get("start_date") or app.start_date, field="start_date")
    end = local_date(data.get("end_date") or app.end_date, field="end_date")
    if end < start:
        raise _fail("end_date", _("执行结束日期不能早于开始日期。"))
    milestones = _milestones(data.get("milestones"), grant=grant, start=start, end=end)
    holder: dict[str, Project] = {}

    def create(obj: Application, t: Any) -> None:
        if Project.objects.filter(contract_number=number).exists():
            raise Conflict(
                _("任务书编号“%(n)s”已被使用。") % {"n": number},
                code="duplicate_contract_number",
                details={"field": "contract_number"},
            )
        if Project.objects.filter(application=obj).exists():
            raise Conflict(_("该申请已签订任务书。"), code="contract_exists")
        project = Project.objects.create(
            application=obj,
            contract_number=number,
            goals=goals,
            deliverables=deliverables,
            grant_amount=grant,
            start_date=start,
            end_date=end,
            signed_at=timezone.now(),
            created_by=user_of(actor),
        )
        Milestone.objects.bulk_create(
            [
                Milestone(
                    project=project,
                    title=m.title,
                    due_date=m.due_date,
                    deliverables=m.deliverables,
                    payment_amount=m.payment_amount,
                    is_mid_term=m.is_mid_term,
                    sort_order=i,
                )
                for i, m in enumerate(milestones)
            ]
        )
        changes = diff({}, snapshot(project))
        changes["milestones"] = [None, len(milestones)]
        audit_record(actor=actor, action="project.contract_signed", instance=project, changes=changes)
        holder["project"] = project

    APPLICATION.run("sign", actor=actor, obj_id=app.pk, effect=create)
    return holder["project"]


def project_mid_term(*, actor: Actor, project_id: int, note: Any) -> Project:
    """The 中期检查: the office's or the province's note on a running project."""
    project = project_for(project_id)
    require(actor, "project.manage", project)
    text = clean_text(note, field="note", max_length=1000, required=True)
    with write_transaction():
        project = project_for(project_id, lock=True)
        if project.application.status not in (S.IN_PROGRESS, S.ACCEPTANCE):
            raise Conflict(_("只有执行中的项目可以进行中期检查。"), code="invalid_state")
        before = snapshot(project, ["mid_term_note", "mid_term_at"])
        project.mid_term_note = text
        project.mid_term_at = timezone.now()
        project.save(update_fields=["mid_term_note", "mid_term_at"])
        audit_record(
            actor=actor,
            action="project.mid_term",
            instance=project,
            changes=diff(before, snapshot(project, ["mid_term_note", "mid_term_at"])),
        )
    return project


# --- milestone reports -------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    content: bytes


def attachment_check(name: Any, content: Any) -> CheckedFile:
    """A report's attachment: PDF, DOCX, XLSX, PNG or JPEG of at most 10 MB whose first bytes say
    so (the extension and the browser's content type decide nothing)."""
    if not isinstance(name, str) or not isinstance(content, bytes | bytearray):
        raise _fail("attachment", _("附件格式有误。"), code="invalid_attachment")
    base = clean_text(name.replace("\\", "/").rsplit("/", 1)[-1], field="attachment", max_length=200, multiline=False)
    if not base or any(c in base for c in '<>:"|?*'):
        raise _fail("attachment", _("文件名不合法。"), code="invalid_attachment")
    ext = ("." + base.rsplit(".", 1)[-1].lower()) if "." in base else ""
    if ext not in ATTACHMENT_TYPES:
        raise _fail(
            "attachment", _("附件只能是 PDF、Word（DOCX）、Excel（XLSX）或 PNG/JPG 图片。"), code="invalid_attachment"
        )
    if not content:
        raise _fail("attachment", _("文件为空。"), code="invalid_attachment")
    if len(content) > ATTACHMENT_MAX_BYTES:
        raise _fail(
            "attachment",
            _("附件不能超过 %(m)d MB。") % {"m": ATTACHMENT_MAX_BYTES // 1024 // 1024},
            code="file_too_large",
        )
    content_type, magic = ATTACHMENT_TYPES[ext]
    if not bytes(content[: len(magic)]) == magic:
        raise _fail("attachment", _("文件内容与扩展名不符。"), code="invalid_attachment")
    return CheckedFile(name=base, content_type=content_type, content=bytes(content))


def milestone_report_submit(
    *, actor: Actor, project_id: int, milestone_id: int, text: Any, attachment: CheckedFile | None = None
) -> MilestoneReport:
    project = project_for(project_id)
    require(actor, "project.report", project)
    body = clean_text(text, field="text", max_length=8000, required=True)
    with write_transaction():
        project = project_for(project_id, lock=True)
        if project.application.status not in RUNNING:
            raise Conflict(_("只有执行中的项目可以提交节点报告。"), code="invalid_state")
        milestone = Milestone.objects.filter(pk=milestone_id, project=project).first()
        if milestone is None:
            raise NotFound(_("未找到该节点。"))
        if milestone.reports.filter(status__in=(ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)).exists():
            raise Conflict(_("该节点已有待审核或已通过的报告。"), code="report_exists")
        report = MilestoneReport.objects.create(
            milestone=milestone,
            text=body,
            attachment_name=attachment.name if attachment else "",
            attachment_type=attachment.content_type if attachment else "",
            attachment=attachment.content if attachment else None,
            submitted_by=user_of(actor),
            submitted_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="milestone.reported",
            instance=report,
            changes={"milestone": [None, milestone.pk], "attachment": [None, report.attachment_name or None]},
        )
    return report


def milestone_report_review(
    *, actor: Actor, report_id: int, accept: bool, note: Any = "", project_id: int | None = None
) -> MilestoneReport:
    report = (
        MilestoneReport.objects.select_related("milestone").defer("attachment").filter(pk=report_id).first()
        if isinstance(report_id, int) and 0 < report_id < 2**31
        else None
    )
    if report is None or (project_id is not None and report.milestone.project_id != project_id):
        raise NotFound(_("未找到该节点报告。"))
    project = project_for(report.milestone.project_id)
    require(actor, "project.manage", project)
    reason = clean_text(note, field="note", max_length=1000, required=not accept)
    with write_transaction():
        report = MilestoneReport.objects.select_for_update().defer("attachment").get(pk=report_id)
        if report.status != ReportStatus.SUBMITTED:
            raise Conflict(
                _("该报告已审核（%(s)s）。") % {"s": report.get_status_display()},
                code="invalid_state",
                details={"status": report.status},
            )
        report.status = ReportStatus.ACCEPTED if accept else ReportStatus.RETURNED
        report.review_note = reason
        report.reviewed_by = user_of(actor)
        report.reviewed_at = timezone.now()
        report.save()
        audit_record(
            actor=actor,
            action="milestone.report_reviewed",
            instance=report,
            changes={"status": [ReportStatus.SUBMITTED, report.status], "review_note": ["", reason]},
        )
    return report


# --- acceptance ----------------------------------------------------------------------------------


def acceptance_request(*, actor: Actor, project_id: int) -> Project:
    project = project_for(project_id)
    require(actor, "project.report", project)
    APPLICATION.run("request_acceptance", actor=actor, obj_id=project.application_id)
    return project_for(project_id)


def acceptance_decide(
    *,
    actor: Actor,
    project_id: int,
    result: Any,
    note: Any,
    extended_until: Any = None,
    panel_score: Any = None,
) -> Acceptance:
    """The acceptance decision: passed → closed, failed → failed, extended → in progress to a new
    end date. One Acceptance row per decision (an extended project is decided again later)."""
    project = project_for(project_id)
    require(actor, "project.manage", project)
    if result not in AcceptanceResult.values:
        raise _fail("result", _("验收结论应为 通过 / 不通过 / 延期。"))
    text = clean_text(note, field="note", max_length=2000, required=True)
    until = None
    if result == AcceptanceResult.EXTENDED:
        if extended_until in (None, ""):
            raise _fail("extended_until", _("延期须给出新的结束日期。"))
        until = local_date(extended_until, field="extended_until")
        if until <= project.end_date:
            raise _fail("extended_until", _("延期后的结束日期应晚于原结束日期（%(d)s）。") % {"d": project.end_date})
    score = None
    if panel_score not in (None, ""):
        score = money_yuan(panel_score, field="panel_score", maximum=Decimal("100.01"), required=False)
    holder: dict[str, Acceptance] = {}

    def record(app: Application, t: Any) -> None:
        locked = Project.objects.select_for_update().get(pk=project.pk)
        now = timezone.now()
        acceptance = Acceptance.objects.create(
            project=locked,
            result=result,
            note=text,
            extended_until=until,
            panel_score=score,
            decided_by=user_of(actor),
            decided_at=now,
        )
        changes: dict[str, Any] = {"result": [None, result], "note": [None, text]}
        if until is not None:
            changes["end_date"] = [str(locked.end_date), str(until)]
            locked.end_date = until
            locked.save(update_fields=["end_date"])
        if score is not None:
            changes["panel_score"] = [None, str(score)]
        audit_record(actor=actor, action="acceptance.decided", instance=locked, changes=changes)
        holder["acceptance"] = acceptance

    APPLICATION.run(
        ACCEPTANCE_TRANSITIONS[AcceptanceResult(result)],
        actor=actor,
        obj_id=project.application_id,
        effect=record,
        status_note=text[:1000],
    )
    return holder["acceptance"]
