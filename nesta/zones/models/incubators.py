"""Incubators (创业中心, 大学科技园, 海外学子创业园 and others), their tenant firms, their annual
reports (filled in by the incubator, checked by its province, accepted by the office — the same
workflow as a base's) and their evaluation on core.evaluation's engine.

The incubator itself is a directory organisation (kind incubator or university_science_park); the
record adds its kind, zone, space and services. Tenant firms are records of their own (most are too
small to be in the directory); one that is links to its organisation."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nesta.core.models import TaxonomyNode
from nesta.core.permissions import Target
from nesta.directory.models import Organization
from nesta.zones.models.zones import MONEY, ZONE_CHOICES


class IncubatorKind(models.TextChoices):
    BUSINESS_CENTER = "business_center", _("创业中心")
    SCIENCE_PARK = "science_park", _("大学科技园")
    RETURNEE_PARK = "returnee_park", _("海外学子创业园")
    OTHER = "other", _("其他孵化器")


class IncubatorLevel(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    CHECKED = "checked", _("省级已审核")
    ACCEPTED = "accepted", _("已采纳")
    RETURNED = "returned", _("退回修改")


class Normalisation(models.TextChoices):  # core.evaluation.NORMALISATIONS
    MINMAX = "minmax", _("极差标准化（同类内）")
    ZSCORE = "zscore", _("Z分数")
    MEDIAN_RATIO = "median_ratio", _("与中位数之比")


class Recommendation(models.TextChoices):
    SUPPORT = "support", _("重点支持")
    PROMOTE = "promote", _("推荐认定国家级")
    RECTIFY = "rectify", _("整改")
    NONE = "none", _("保持")


class Incubator(models.Model):
    organization = models.OneToOneField(
        Organization, verbose_name=_("孵化器"), on_delete=models.PROTECT, related_name="incubator"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=IncubatorKind.choices)
    level = models.CharField(
        _("级别"), max_length=10, choices=IncubatorLevel.choices, default=IncubatorLevel.PROVINCIAL
    )
    zone = models.ForeignKey(
        Organization,
        verbose_name=_("所在高新区"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="zone_incubators",
        limit_choices_to=ZONE_CHOICES,
    )
    # a 大学科技园's university, a returnee park's sponsor (optional for the others)
    host = models.ForeignKey(
        Organization,
        verbose_name=_("依托单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_incubators",
    )
    established_on = models.DateField(_("认定日期"))
    space_m2 = models.PositiveIntegerField(_("孵化场地面积(平方米)"))
    services = models.JSONField(_("服务内容"), default=list)  # keys of services.SERVICES
    is_active = models.BooleanField(_("运营中"), default=True)
    # a 海外学子创业园's or a science park's director, the incubator's contact for the office
    manager_name = models.CharField(_("负责人"), max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("孵化器")
        verbose_name_plural = _("孵化器")
        indexes = [models.Index(fields=["kind", "zone"])]
        constraints = [
            models.CheckConstraint(
                name="incubator_established_in_range",
                condition=Q(established_on__gte="1980-01-01") & Q(established_on__lte="2100-12-31"),
            ),
            models.CheckConstraint(name="incubator_space_bounded", condition=Q(space_m2__lte=10_000_000)),
        ]

    def __str__(self) -> str:
        return self.organization.name

    def get_absolute_url(self) -> str:
        return reverse("zones:incubator", args=[self.pk])

    def permission_target(self) -> Target:
        # The incubator's own people fill in its tenants and reports; its province checks them.
        return Target(province_code=self.organization.province.code, organization_id=self.organization_id)


class Tenant(models.Model):
    incubator = models.ForeignKey(Incubator, on_delete=models.PROTECT, related_name="tenants")
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("目录机构"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tenancies",
    )
    name = models.CharField(_("企业名称"), max_length=120)
    founded_on = models.DateField(_("成立日期"))
    field = models.ForeignKey(
        TaxonomyNode, verbose_name=_("技术领域"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_private_tech = models.BooleanField(_("民营科技企业"), default=False)
    employees = models.PositiveIntegerField(_("从业人员"), default=0)
    revenue = models.DecimalField(_("上年营业收入(元)"), default=0, **MONEY)
    space_m2 = models.PositiveIntegerField(_("使用面积(平方米)"), default=0)
    entered_on = models.DateField(_("入孵日期"))
    graduated_on = models.DateField(_("毕业日期"), null=True, blank=True)
    left_on = models.DateField(_("退出日期"), null=True, blank=True)  # left without graduating
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["incubator_id", "-entered_on", "id"]
        verbose_name = _("在孵企业")
        verbose_name_plural = _("在孵企业")
        indexes = [models.Index(fields=["incubator", "graduated_on"]), models.Index(fields=["incubator", "entered_on"])]
        constraints = [
            models.CheckConstraint(
                name="tenant_dates_ordered",
                condition=Q(founded_on__gte="1950-01-01")
                & Q(entered_on__lte="2100-12-31")
                & (Q(graduated_on__isnull=True) | Q(graduated_on__gte=models.F("entered_on")))
                & (Q(left_on__isnull=True) | Q(left_on__gte=models.F("entered_on"))),
            ),
            models.CheckConstraint(
                name="tenant_graduated_or_left", condition=Q(graduated_on__isnull=True) | Q(left_on__isnull=True)
            ),
            models.CheckConstraint(name="tenant_revenue_not_negative", condition=Q(revenue__gte=0)),
        ]

    def __str__(self) -> str:
        return self.name

    def permission_target(self) -> Target:
        return self.incubator.permission_target()


class IncubatorReport(models.Model):
    """One year's report of an incubator: typed figures, and those the tenant records give (derived,
    frozen when it is submitted)."""

    incubator = models.ForeignKey(Incubator, on_delete=models.PROTECT, related_name="reports")
    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(_("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    status_note = models.CharField(_("审核意见"), max_length=1000, blank=True)
    summary = models.TextField(_("年度工作总结"), max_length=8000, blank=True)

    # typed
    space_occupied_m2 = models.PositiveIntegerField(_("在孵企业使用面积(平方米)"), default=0)
    staff = models.PositiveIntegerField(_("管理服务人员"), default=0)
    mentors = models.PositiveIntegerField(_("创业导师"), default=0)
    service_events = models.PositiveIntegerField(_("服务活动(场次)"), default=0)
    investment_raised = models.DecimalField(_("在孵企业获得投融资(元)"), default=0, **MONEY)
    seed_fund = models.DecimalField(_("孵化基金(元)"), default=0, **MONEY)
    tenant_patents = models.PositiveIntegerField(_("在孵企业知识产权授权"), default=0)
    income = models.DecimalField(_("孵化器总收入(元)"), default=0, **MONEY)

    # derived from the tenant records (frozen on submission; None while a draft)
    tenants = models.PositiveIntegerField(_("在孵企业"), null=True, blank=True)
    new_tenants = models.PositiveIntegerField(_("当年新入孵企业"), null=True, blank=True)
    graduates = models.PositiveIntegerField(_("当年毕业企业"), null=True, blank=True)
    tenant_employees = models.PositiveIntegerField(_("在孵企业从业人员"), null=True, blank=True)
    tenant_revenue = models.DecimalField(_("在孵企业营业收入(元)"), null=True, blank=True, **MONEY)
    private_tenants = models.PositiveIntegerField(_("民营科技在孵企业"), null=True, blank=True)
    derived_at = models.DateTimeField(_("派生指标计算时间"), null=True, blank=True)

    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    checked_at = models.DateTimeField(_("省级审核时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("采纳时间"), null=True, blank=True)
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "incubator_id"]
        verbose_name = _("孵化器年度报告")
        verbose_name_plural = _("孵化器年度报告")
        indexes = [models.Index(fields=["year", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["incubator", "year"], name="incubator_report_one_per_year"),
            models.CheckConstraint(
                name="incubator_report_year_in_range", condition=Q(year__gte=2000) & Q(year__lte=2100)
            ),
            models.CheckConstraint(
                name="incubator_report_money_not_negative",
                condition=Q(investment_raised__gte=0) & Q(seed_fund__gte=0) & Q(income__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incubator} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("zones:incubator_report", args=[self.pk])

    def permission_target(self) -> Target:
        return self.incubator.permission_target()


class IncubatorScheme(models.Model):
    """The office's evaluation scheme for incubators of a year (one cohort: every kind together, or
    one kind), on the same engine and with the same recommendation rules as the bases'."""

    year = models.PositiveSmallIntegerField(_("评估年度"))
    kind = models.CharField(_("孵化器类型"), max_length=16, choices=IncubatorKind.choices, blank=True)  # blank: all
    name = models.CharField(_("方案名称"), max_length=120)
    top_share = models.DecimalField(_("优秀比例"), max_digits=4, decimal_places=3, default=0.2)
    bottom_share = models.DecimalField(_("整改比例"), max_digits=4, decimal_places=3, default=0.1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "kind"]
        verbose_name = _("孵化器评估方案")
        verbose_name_plural = _("孵化器评估方案")
        constraints = [
            models.UniqueConstraint(fields=["year", "kind", "name"], name="incubator_scheme_unique_name"),
            models.CheckConstraint(
                name="incubator_scheme_year_in_range", condition=Q(year__gte=2000) & Q(year__lte=2100)
            ),
            models.CheckConstraint(
                name="incubator_scheme_shares_in_range",
                condition=Q(top_share__gte=0) & Q(bottom_share__gte=0) & Q(top_share__lte=1) & Q(bottom_share__lte=1),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class IncubatorCriterion(models.Model):
    scheme = models.ForeignKey(IncubatorScheme, on_delete=models.CASCADE, related_name="criteria")
    indicator = models.CharField(_("指标"), max_length=40)  # a key of zones.incubator_indicators.BY_KEY
    weight = models.DecimalField(_("权重"), max_digits=6, decimal_places=3)
    normalisation = models.CharField(
        _("标准化方法"), max_length=14, choices=Normalisation.choices, default=Normalisation.MINMAX
    )
    higher_is_better = models.BooleanField(_("越大越好"), default=True)
    minimum = models.DecimalField(_("最低要求"), null=True, blank=True, max_digits=18, decimal_places=2)
    # a provincial incubator reaching every threshold set is recommended for national recognition
    national_threshold = models.DecimalField(_("国家级门槛"), null=True, blank=True, max_digits=18, decimal_places=2)
    cap = models.DecimalField(_("比值上限"), null=True, blank=True, max_digits=6, decimal_places=2)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["scheme", "sort_order", "id"]
        verbose_name = _("孵化器评估指标")
        verbose_name_plural = _("孵化器评估指标")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "indicator"], name="incubator_criterion_once"),
            models.CheckConstraint(name="incubator_criterion_weight_positive", condition=Q(weight__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} × {self.weight}"


class IncubatorRun(models.Model):
    scheme = models.ForeignKey(IncubatorScheme, on_delete=models.CASCADE, related_name="runs")
    ran_at = models.DateTimeField(_("运行时间"), auto_now_add=True)
    ran_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    criteria_snapshot = models.JSONField(default=list)
    incubator_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-ran_at", "-id"]
        verbose_name = _("孵化器评估运行")
        verbose_name_plural = _("孵化器评估运行")

    def __str__(self) -> str:
        return f"{self.scheme} @ {self.ran_at:%Y-%m-%d %H:%M}"


class IncubatorResult(models.Model):
    run = models.ForeignKey(IncubatorRun, on_delete=models.CASCADE, related_name="results")
    incubator = models.ForeignKey(Incubator, on_delete=models.PROTECT, related_name="evaluation_results")
    score = models.FloatField(_("得分"))
    rank = models.PositiveIntegerField(_("排名"))
    cohort_size = models.PositiveIntegerField()
    recommendation = models.CharField(_("建议"), max_length=10, choices=Recommendation.choices)
    reasons = models.JSONField(default=list)
    sensitivity = models.JSONField(default=list)
    grounds = models.JSONField(default=list)

    class Meta:
        ordering = ["run", "rank", "incubator_id"]
        verbose_name = _("孵化器评估结果")
        verbose_name_plural = _("孵化器评估结果")
        constraints = [models.UniqueConstraint(fields=["run", "incubator"], name="incubator_result_once_per_run")]

    def __str__(self) -> str:
        return f"{self.incubator_id}: {self.score:.4f} #{self.rank}"
