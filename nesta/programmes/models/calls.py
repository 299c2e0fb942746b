"""Calls for applications (申报指南): what may be asked for, in scope, until when, and how it is reviewed."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nesta.core.models import Region, TaxonomyNode, TimeStampedModel
from nesta.core.permissions import Target
from nesta.programmes.models.funding import Programme

MONEY = {"max_digits": 14, "decimal_places": 2}


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("受理中")
    CLOSED = "closed", _("已截止")
    REVIEWING = "reviewing", _("评审中")
    DECIDED = "decided", _("已决定")
    ARCHIVED = "archived", _("已归档")


class Call(TimeStampedModel):
    programme = models.ForeignKey(Programme, verbose_name=_("科技计划"), on_delete=models.PROTECT, related_name="calls")
    code = models.SlugField(_("指南编号"), max_length=40, unique=True)
    title = models.CharField(_("指南名称"), max_length=160)
    summary = models.TextField(_("指南说明"), max_length=8000, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    # The province that runs the call (a zone fund's call); null = the office's (national) call.
    owner_province = models.ForeignKey(
        Region, verbose_name=_("组织省份"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    fields = models.ManyToManyField(TaxonomyNode, verbose_name=_("支持领域"), blank=True, related_name="+")
    provinces = models.ManyToManyField(Region, verbose_name=_("申报范围（省份）"), blank=True, related_name="+")
    status = models.CharField(_("状态"), max_length=12, choices=CallStatus.choices, default=CallStatus.DRAFT)
    opens_at = models.DateTimeField(_("受理开始"))
    closes_at = models.DateTimeField(_("受理截止"))
    budget = models.DecimalField(_("指南预算(元)"), **MONEY)
    max_request = models.DecimalField(_("单项申请上限(元)"), **MONEY)
    # The application form's own fields: [{"name", "label", "type": text|textarea|int|money|date|choice,
    # "required", "max_length", "choices", "min", "max"}], validated by services/forms.py.
    form_fields = models.JSONField(_("申报书字段"), default=list, blank=True)
    blind = models.BooleanField(_("匿名评审"), default=False, help_text=_("评审专家看不到申请单位和团队"))
    max_avoid = models.PositiveSmallIntegerField(_("可申请回避专家数"), default=3)
    # The tilt of 三.3 (向科技型民营企业倾斜): a share of the budget reserved for a group.
    tilt_group = models.CharField(_("倾斜对象"), max_length=30, blank=True)
    tilt_share = models.DecimalField(_("倾斜比例"), max_digits=4, decimal_places=3, null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("截止时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reference_key = models.CharField(max_length=40, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-year", "-opens_at", "id"]
        verbose_name = _("申报指南")
        verbose_name_plural = _("申报指南")
        constraints = [
            models.CheckConstraint(name="call_window_ordered", condition=Q(closes_at__gt=F("opens_at"))),
            models.CheckConstraint(name="call_money_positive", condition=Q(budget__gt=0) & Q(max_request__gt=0)),
            models.CheckConstraint(name="call_request_within_budget", condition=Q(max_request__lte=F("budget"))),
            models.CheckConstraint(
                name="call_tilt_share_range",
                condition=Q(tilt_share__isnull=True) | (Q(tilt_share__gte=0) & Q(tilt_share__lte=1)),
            ),
            models.CheckConstraint(name="call_status_valid", condition=Q(status__in=CallStatus.values)),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programmes:call_detail", args=[self.pk])

    def permission_target(self) -> Target:
        return Target(province_code=self.owner_province.code if self.owner_province_id else None)


class CriterionScale(models.TextChoices):
    SCORE = "score", _("百分制")
    GRADE = "grade", _("综合评价（A优/B良/C中/D差）")
    OPINION = "opinion", _("资助意见（优先资助/可资助/不予资助）")
    FAMILIARITY = "familiarity", _("熟悉程度")


class Criterion(models.Model):
    """One criterion reviewers score (创新性, 可行性, 团队基础…), with its weight in the total."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(max_length=30)
    name = models.CharField(_("评审指标"), max_length=60)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    weight = models.DecimalField(_("权重"), max_digits=5, decimal_places=3)
    scale = models.CharField(_("评分方式"), max_length=12, choices=CriterionScale.choices, default=CriterionScale.SCORE)
    max_score = models.PositiveSmallIntegerField(_("满分"), default=100)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["call", "sort_order", "id"]
        verbose_name = _("评审指标")
        verbose_name_plural = _("评审指标")
        constraints = [
            models.UniqueConstraint(fields=["call", "code"], name="uniq_call_criterion"),
            models.CheckConstraint(name="criterion_weight_range", condition=Q(weight__gte=0) & Q(weight__lte=1)),
        ]

    def __str__(self) -> str:
        return self.name


class RoundKind(models.TextChoices):
    CORRESPONDENCE = "correspondence", _("通讯评审")
    PANEL = "panel", _("会议评审")
    ACCEPTANCE = "acceptance", _("结题验收评审")


class ReviewRound(models.Model):
    """A review round of a call: 通讯评审 with k reviewers each, then optionally a 会议评审 panel for
    those above a cut-off (rank or score), and the acceptance panels of funded projects."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="rounds")
    kind = models.CharField(_("评审方式"), max_length=16, choices=RoundKind.choices)
    order = models.PositiveSmallIntegerField(_("轮次"), default=1)
    reviewers_per_application = models.PositiveSmallIntegerField(_("每项评审专家数"), default=5)
    min_load = models.PositiveSmallIntegerField(_("每位专家最少评审数"), default=0)
    max_load = models.PositiveSmallIntegerField(_("每位专家最多评审数"), default=10)
    # panel rounds: who goes on — the best `cutoff_count` or those scoring at least `cutoff_score`
    cutoff_count = models.PositiveIntegerField(_("进入会评项数"), null=True, blank=True)
    cutoff_score = models.DecimalField(_("进入会评分数线"), max_digits=6, decimal_places=2, null=True, blank=True)
    opens_at = models.DateTimeField(_("评审开始"), null=True, blank=True)
    closes_at = models.DateTimeField(_("评审截止"), null=True, blank=True)

    class Meta:
        ordering = ["call", "order"]
        verbose_name = _("评审轮次")
        verbose_name_plural = _("评审轮次")
        constraints = [
            models.UniqueConstraint(fields=["call", "order"], name="uniq_call_round_order"),
            models.CheckConstraint(
                name="round_k_range",
                condition=Q(reviewers_per_application__gte=1) & Q(reviewers_per_application__lte=15),
            ),
            models.CheckConstraint(name="round_loads_ordered", condition=Q(max_load__gte=F("min_load"))),
        ]

    def __str__(self) -> str:
        return f"{self.call} · {self.get_kind_display()}"
