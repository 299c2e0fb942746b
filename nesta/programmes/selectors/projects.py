"""Reads of projects: the list (restricted, keyset-paged), one project with its milestones, reports,
payments and acceptances, the payment progress by budget category, and finance's list with paid
and remaining amounts. A project is visible to whoever may view its application (the office,
the province, the applicant organisation's people, finance)."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from nesta.core.errors import NotFound
from nesta.core.pagination import Page, keyset_page
from nesta.core.permissions import can, require, restrict
from nesta.programmes.lifecycles.application import APPLICATION
from nesta.programmes.models import (
    Acceptance,
    Application,
    ApplicationStatus,
    BudgetCategory,
    BudgetItem,
    Milestone,
    MilestoneReport,
    Payment,
    Project,
    ReportStatus,
)

ZERO = Decimal("0.00")
S = ApplicationStatus
PROJECT_STATES = (S.IN_PROGRESS, S.ACCEPTANCE, S.CLOSED, S.FAILED)


def _visible(viewer: Any) -> QuerySet[Project]:
    return restrict(
        viewer,
        "application.view",
        Project.objects.all(),
        province_field="application__province__code",
        organization_field="application__organization_id",
    )


@dataclass(frozen=True)
class ProjectFilters:
    status: str = ""
    province: str = ""
    q: str = ""


def project_list(
    *, viewer: Any, filters: ProjectFilters | None = None, cursor: str | None, limit: int
) -> Page[Project]:
    """The projects the viewer may see, newest first, with paid so far (one query + the page)."""
    f = filters or ProjectFilters()
    qs = _visible(viewer).select_related(
        "application", "application__province", "application__organization", "application__call__programme"
    )
    if f.status:
        qs = qs.filter(application__status=f.status)
    if f.province:
        qs = qs.filter(application__province__code=f.province)
    if f.q:
        qs = qs.filter(Q(contract_number__icontains=f.q) | Q(application__title__icontains=f.q))
    qs = qs.annotate(paid_total=Coalesce(Sum("payments__amount"), ZERO)).annotate(
        unpaid_total=F("grant_amount") - F("paid_total")
    )
    return keyset_page(qs, cursor=cursor, limit=limit, newest_first=True)


@dataclass
class CategoryProgress:
    category: str
    label: str
    approved: Decimal
    paid: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.approved - self.paid

    @property
    def percent(self) -> float:
        return float(min(self.paid * 100 / self.approved, Decimal(100))) if self.approved else 0.0


@dataclass
class ProjectDetail:
    project: Project
    milestones: list[Milestone]
    payments: list[Payment]
    acceptances: list[Acceptance]
    categories: list[CategoryProgress]
    paid: Decimal
    scheduled: Decimal
    transitions: list[Any]
    may_manage: bool
    may_report: bool
    may_pay: bool

    @property
    def remaining(self) -> Decimal:
        return self.project.grant_amount - self.paid

    @property
    def percent(self) -> float:
        grant = self.project.grant_amount
        return float(min(self.paid * 100 / grant, Decimal(100))) if grant else 0.0


def project_get(*, viewer: Any, project_id: int) -> ProjectDetail:
    """One project with everything its page shows (a fixed number of queries)."""
    project = (
        _visible(viewer)
        .select_related(
            "application",
            "application__province",
            "application__organization",
            "application__applicant",
            "application__call",
            "application__call__programme",
        )
        .prefetch_related(
            Prefetch(
                "milestones",
                queryset=Milestone.objects.prefetch_related(
                    Prefetch(
                        "reports",
                        queryset=MilestoneReport.objects.defer("attachment").select_related(
                            "submitted_by", "reviewed_by"
                        ),
                    )
                ),
            ),
            Prefetch("payments", queryset=Payment.objects.select_related("milestone", "recorded_by")),
            Prefetch("acceptances", queryset=Acceptance.objects.select_related("decided_by")),
            Prefetch(
                "application__budget_items", queryset=BudgetItem.objects.filter(from_grant=True), to_attr="grant_lines"
            ),
        )
        .filter(pk=project_id)
        .first()
        if 0 < project_id < 2**31
        else None
    )
    if project is None:
        raise NotFound(_("未找到该项目。"))
    milestones = list(project.milestones.all())
    payments = list(project.payments.all())
    paid_by: dict[str, Decimal] = {}
    paid_by_milestone: dict[int, Decimal] = {}
    for p in payments:
        paid_by[p.category] = paid_by.get(p.category, ZERO) + p.amount
        if p.milestone_id:
            paid_by_milestone[p.milestone_id] = paid_by_milestone.get(p.milestone_id, ZERO) + p.amount
    for m in milestones:
        m.paid_total = paid_by_milestone.get(m.pk, ZERO)  # type: ignore[attr-defined]
        m.report_list = list(m.reports.all())  # type: ignore[attr-defined]
        m.accepted = any(r.status == ReportStatus.ACCEPTED for r in m.report_list)  # type: ignore[attr-defined]
        m.open_report = any(  # type: ignore[attr-defined]
            r.status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)
            for r in m.report_list  # type: ignore[attr-defined]
        )
    lines = {b.category: b.amount for b in project.application.grant_lines}  # type: ignore[attr-defined]
    categories = [
        CategoryProgress(
            category=c.value, label=str(c.label), approved=lines.get(c.value, ZERO), paid=paid_by.get(c.value, ZERO)
        )
        for c in BudgetCategory
        if c != BudgetCategory.EQUIPMENT_PURCHASE and (c.value in lines or c.value in paid_by)
    ]
    app = project.application
    return ProjectDetail(
        project=project,
        milestones=milestones,
        payments=payments,
        acceptances=list(project.acceptances.all()),
        categories=categories,
        paid=sum(paid_by.values(), ZERO),
        scheduled=sum((m.payment_amount for m in milestones), ZERO),
        transitions=APPLICATION.available(viewer, app),
        may_manage=can(viewer, "project.manage", project),
        may_report=can(viewer, "project.report", project),
        may_pay=can(viewer, "payment.record", project),
    )


def report_attachment(*, viewer: Any, report_id: int) -> MilestoneReport:
    """A report with its attachment's bytes, for someone who may see its project."""
    report = (
        MilestoneReport.objects.select_related("milestone")
        .filter(pk=report_id, milestone__project__in=_visible(viewer))
        .first()
        if 0 < report_id < 2**31
        else None
    )
    if report is None or not report.attachment_name:
        raise NotFound(_("未找到该附件。"))
    return report


def fundable_applications(*, viewer: Any, limit: int = 100) -> list[Any]:
    """Funded applications without a task contract that the viewer may sign (the office's or the
    province's to-do)."""
    qs = restrict(
        viewer,
        "project.manage",
        Application.objects.filter(status=S.FUNDED, project__isnull=True),
        province_field="province__code",
    ).select_related("province", "organization", "call")
    return list(qs.order_by("-decided_at", "-pk")[:limit])


def application_project_id(*, application_id: int) -> int | None:
    """The project of an application, if signed (for a link from the application's page)."""
    return Project.objects.filter(application_id=application_id).values_list("pk", flat=True).first()


def signable_application(*, viewer: Any, application_id: int) -> Application:
    """A funded application without a contract that the viewer may sign (404 otherwise, 403 for
    someone who may see it but not sign)."""
    app = (
        restrict(
            viewer,
            "application.view",
            Application.objects.all(),
            province_field="province__code",
            organization_field="organization_id",
        )
        .select_related("province", "organization", "call", "call__programme")
        .filter(pk=application_id, status=S.FUNDED, project__isnull=True)
        .first()
        if 0 < application_id < 2**31
        else None
    )
    if app is None:
        raise NotFound(_("未找到待签订任务书的立项申请。"))
    require(viewer, "project.manage", app)
    return app
