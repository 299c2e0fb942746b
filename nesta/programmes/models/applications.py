"""Applications to a call: the applicant organisation, the team, the budget table, attachments
and the experts the applicant asks to avoid. The workflow is lifecycles/application.py."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nesta.core.models import Region, TaxonomyNode, TimeStampedModel
from nesta.core.permissions import Target
from nesta.directory.models import Organization, Person
from nesta.programmes.models.calls import MONEY, Call


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    RECOMMENDED = "recommended", _("省级推荐")
    NOT_RECOMMENDED = "not_recommended", _("未推荐")
    RETURNED = "returned", _("退回修改")
    IN_REVIEW = "in_review", _("专家评审")
    FUNDED = "funded", _("立项资助")
    NOT_FUNDED = "not_funded", _("不予资助")
    IN_PROGRESS = "in_progress", _("执行中")
    ACCEPTANCE = "acceptance", _("结题验收")
    CLOSED = "closed", _("已结题")
    FAILED = "failed", _("验收不通过")
    WITHDRAWN = "withdrawn", _("已撤回")


class Application(TimeStampedModel):
    call = models.ForeignKey(Call, verbose_name=_("申报指南"), on_delete=models.PROTECT, related_name="applications")
    number = models.CharField(_("申报编号"), max_length=24, unique=True, null=True, blank=True)
    organization = models.ForeignKey(
        Organization, verbose_name=_("申报单位"), on_delete=models.PROTECT, related_name="applications"
    )
    # copied from the organisation when created: the province recommends, restricts and counts by it
    province = models.ForeignKey(Region, verbose_name=_("省份"), on_delete=models.PROTECT, related_name="+")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applications",
    )
    title = models.CharField(_("项目名称"), max_length=160)
    summary = models.TextField(_("项目摘要"), max_length=8000)
    keywords = models.CharField(_("关键词"), max_length=300, blank=True)
    field = models.ForeignKey(TaxonomyNode, verbose_name=_("所属领域"), on_delete=models.PROTECT, related_name="+")
    requested_amount = models.DecimalField(_("申请资助(元)"), **MONEY)
    self_funding = models.DecimalField(_("自筹经费(元)"), default=0, **MONEY)
    start_date = models.DateField(_("计划开始"), null=True, blank=True)
    end_date = models.DateField(_("计划结束"), null=True, blank=True)
    form_data = models.JSONField(_("申报书内容"), default=dict, blank=True)
    is_private_tech = models.BooleanField(_("民营科技企业"), default=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    # the step's reason (未推荐, 退回修改, 不资助, 验收意见…), kept with the audit row too
    status_note = models.CharField(_("处理意见"), max_length=1000, blank=True)
    formal_check = models.JSONField(_("形式审查"), default=dict, blank=True)
    # the decision: the amount awarded (≤ requested), set by the office's funding decision
    awarded_amount = models.DecimalField(_("资助金额(元)"), null=True, blank=True, **MONEY)
    decision_note = models.CharField(_("立项意见"), max_length=1000, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    recommended_at = models.DateTimeField(_("推荐时间"), null=True, blank=True)
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    checked_at = models.DateTimeField(_("形式审查时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("立项决定时间"), null=True, blank=True)
    started_at = models.DateTimeField(_("任务书签订时间"), null=True, blank=True)
    acceptance_at = models.DateTimeField(_("申请验收时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结题时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    reference_key = models.CharField(max_length=40, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("项目申请")
        verbose_name_plural = _("项目申请")
        indexes = [
            models.Index(fields=["call", "status"], name="app_call_status"),
            models.Index(fields=["organization", "status"], name="app_org_status"),
            models.Index(fields=["province", "status"], name="app_prov_status"),
        ]
        constraints = [
            models.CheckConstraint(
                name="app_money_nonnegative",
                condition=Q(requested_amount__gt=0)
                & Q(self_funding__gte=0)
                & (Q(awarded_amount__isnull=True) | Q(awarded_amount__gte=0)),
            ),
            models.CheckConstraint(
                name="app_award_within_request",
                condition=Q(awarded_amount__isnull=True) | Q(awarded_amount__lte=models.F("requested_amount")),
            ),
            models.CheckConstraint(name="app_status_valid", condition=Q(status__in=ApplicationStatus.values)),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programmes:application_detail", args=[self.pk])

    def permission_target(self) -> Target:
        return Target(province_code=self.province.code, organization_id=self.organization_id)


class TeamMember(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="team")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(_("姓名"), max_length=50)
    organization = models.ForeignKey(
        Organization, verbose_name=_("所在单位"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organization_name = models.CharField(_("单位名称"), max_length=120, blank=True)
    title = models.CharField(_("职称"), max_length=40, blank=True)
    role = models.CharField(_("分工"), max_length=100, blank=True)
    is_lead = models.BooleanField(_("项目负责人"), default=False)
    months = models.PositiveSmallIntegerField(_("投入月数"), default=0)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["application", "-is_lead", "sort_order", "id"]
        verbose_name = _("项目组成员")
        verbose_name_plural = _("项目组成员")

    def __str__(self) -> str:
        return self.name


class BudgetCategory(models.TextChoices):
    """Central S&T fund categories since the 2021 reform (国办发〔2021〕32号)."""

    EQUIPMENT = "equipment", _("设备费")
    # 设备费 split: purchase is excluded from the indirect-cost base; trial-making/upgrade/rent is not
    EQUIPMENT_PURCHASE = "equipment_purchase", _("其中：设备购置费")
    BUSINESS = "business", _("业务费")
    LABOUR = "labour", _("劳务费")
    INDIRECT = "indirect", _("间接费用")


class BudgetItem(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget_items")
    category = models.CharField(_("预算科目"), max_length=20, choices=BudgetCategory.choices)
    # where the money comes from: the programme's grant or the applicant's own
    from_grant = models.BooleanField(_("专项资金"), default=True)
    amount = models.DecimalField(_("金额(元)"), **MONEY)
    note = models.CharField(_("测算依据"), max_length=500, blank=True)

    class Meta:
        ordering = ["application", "id"]
        verbose_name = _("预算明细")
        verbose_name_plural = _("预算明细")
        constraints = [
            models.UniqueConstraint(fields=["application", "category", "from_grant"], name="uniq_budget_line"),
            models.CheckConstraint(name="budget_amount_nonnegative", condition=Q(amount__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.amount}"


class ApplicationAttachment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("附件类型"), max_length=40, blank=True)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    data = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "id"]
        verbose_name = _("申报附件")
        verbose_name_plural = _("申报附件")

    def __str__(self) -> str:
        return self.name


class AvoidRequest(models.Model):
    """An expert the applicant asks not to be reviewed by (at most Call.max_avoid, default 3)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="avoid_requests")
    expert = models.ForeignKey(Person, verbose_name=_("回避专家"), on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("回避理由"), max_length=300, blank=True)

    class Meta:
        ordering = ["application", "id"]
        verbose_name = _("申请回避专家")
        verbose_name_plural = _("申请回避专家")
        constraints = [models.UniqueConstraint(fields=["application", "expert"], name="uniq_avoid_request")]

    def __str__(self) -> str:
        return f"{self.application_id} ↮ {self.expert}"
