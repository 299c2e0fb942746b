"""After the award: the task contract (任务书) of a funded application, its milestones and their
reports, the payments against budget lines, and the acceptance (结题验收)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nesta.core.models import Region
from nesta.core.permissions import Target
from nesta.programmes.models.applications import Application, BudgetCategory
from nesta.programmes.models.calls import MONEY
from nesta.programmes.models.funding import Programme


class Project(models.Model):
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="project")
    contract_number = models.CharField(_("任务书编号"), max_length=30, unique=True)
    goals = models.TextField(_("考核目标"), max_length=8000, blank=True)
    deliverables = models.TextField(_("交付成果"), max_length=8000, blank=True)
    grant_amount = models.DecimalField(_("资助总额(元)"), **MONEY)
    start_date = models.DateField(_("执行开始"))
    end_date = models.DateField(_("执行结束"))
    signed_at = models.DateTimeField(_("签订时间"), null=True, blank=True)
    mid_term_note = models.CharField(_("中期检查意见"), max_length=1000, blank=True)
    mid_term_at = models.DateTimeField(_("中期检查时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("项目任务书")
        verbose_name_plural = _("项目任务书")
        constraints = [
            models.CheckConstraint(name="project_dates_ordered", condition=Q(end_date__gte=models.F("start_date"))),
            models.CheckConstraint(name="project_grant_positive", condition=Q(grant_amount__gt=0)),
        ]

    def __str__(self) -> str:
        return self.contract_number

    def permission_target(self) -> Target:
        return self.application.permission_target()


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("节点"), max_length=120)
    due_date = models.DateField(_("计划完成"))
    deliverables = models.CharField(_("节点成果"), max_length=1000, blank=True)
    # the payment due once the milestone's report is accepted (the payment schedule)
    payment_amount = models.DecimalField(_("拨付金额(元)"), default=0, **MONEY)
    is_mid_term = models.BooleanField(_("中期检查"), default=False)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["project", "sort_order", "due_date", "id"]
        verbose_name = _("项目节点")
        verbose_name_plural = _("项目节点")
        constraints = [models.CheckConstraint(name="milestone_payment_nonnegative", condition=Q(payment_amount__gte=0))]

    def __str__(self) -> str:
        return self.title


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    ACCEPTED = "accepted", _("已通过")
    RETURNED = "returned", _("退回修改")


class MilestoneReport(models.Model):
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="reports")
    text = models.TextField(_("进展报告"), max_length=8000)
    attachment_name = models.CharField(_("附件"), max_length=200, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment = models.BinaryField(null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED)
    review_note = models.CharField(_("审核意见"), max_length=1000, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"))
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        ordering = ["milestone", "-submitted_at", "-id"]
        verbose_name = _("节点报告")
        verbose_name_plural = _("节点报告")

    def __str__(self) -> str:
        return f"{self.milestone} · {self.get_status_display()}"


class Payment(models.Model):
    """Money paid to a project against one budget line. Programme, province and year are copied
    from the project when recorded, so the budget view sums one indexed table."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="payments")
    milestone = models.ForeignKey(Milestone, null=True, blank=True, on_delete=models.PROTECT, related_name="payments")
    category = models.CharField(_("预算科目"), max_length=20, choices=BudgetCategory.choices)
    amount = models.DecimalField(_("金额(元)"), **MONEY)
    paid_on = models.DateField(_("拨付日期"))
    reference = models.CharField(_("凭证号"), max_length=40, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "paid_on", "id"]
        verbose_name = _("拨款记录")
        verbose_name_plural = _("拨款记录")
        indexes = [models.Index(fields=["year", "programme", "province"], name="payment_budget_cell")]
        constraints = [models.CheckConstraint(name="payment_amount_positive", condition=Q(amount__gt=0))]

    def __str__(self) -> str:
        return f"{self.project} · {self.amount}"


class AcceptanceResult(models.TextChoices):
    PASSED = "passed", _("通过")
    FAILED = "failed", _("不通过")
    EXTENDED = "extended", _("延期")


class Acceptance(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="acceptances")
    result = models.CharField(_("验收结论"), max_length=10, choices=AcceptanceResult.choices)
    note = models.CharField(_("验收意见"), max_length=2000)
    extended_until = models.DateField(_("延期至"), null=True, blank=True)
    panel_score = models.DecimalField(_("专家组评分"), max_digits=6, decimal_places=2, null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("验收时间"))

    class Meta:
        ordering = ["project", "-decided_at", "-id"]
        verbose_name = _("结题验收")
        verbose_name_plural = _("结题验收")
        constraints = [
            models.CheckConstraint(
                name="acceptance_extension_dated",
                condition=~Q(result="extended") | Q(extended_until__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_result_display()}"
