"""The zones' policy register (高新区政策: documents, searchable) and the policy-research topics
(高新区政策研究) with their outputs."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nesta.core.models import Region
from nesta.core.permissions import Target
from nesta.directory.models import Organization
from nesta.zones.models.zones import ZONE_CHOICES


class PolicyScope(models.TextChoices):
    NATIONAL = "national", _("国家")
    PROVINCE = "province", _("省级")
    ZONE = "zone", _("高新区")


class PolicyDocument(models.Model):
    title = models.CharField(_("文件标题"), max_length=200)
    doc_number = models.CharField(_("文号"), max_length=60, blank=True)  # 国发〔2003〕36号
    issuer = models.CharField(_("发文机关"), max_length=120)
    issued_on = models.DateField(_("发布日期"))
    effective_until = models.DateField(_("有效期至"), null=True, blank=True)
    scope = models.CharField(_("适用范围"), max_length=10, choices=PolicyScope.choices)
    # scope province: the province; scope zone: the zones it applies to (a zone's own documents)
    province = models.ForeignKey(
        Region,
        verbose_name=_("省份"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "province"},
    )
    zones = models.ManyToManyField(
        Organization,
        verbose_name=_("适用高新区"),
        blank=True,
        related_name="zone_policies",
        limit_choices_to=ZONE_CHOICES,
    )
    summary = models.CharField(_("要点"), max_length=2000, blank=True)
    text = models.TextField(_("正文"), max_length=100_000, blank=True)
    file = models.FileField(_("附件"), upload_to="zones/policy/", max_length=200, blank=True)
    file_name = models.CharField(_("附件名称"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("政策文件")
        verbose_name_plural = _("政策文件")
        indexes = [models.Index(fields=["scope", "issued_on"])]
        constraints = [
            models.CheckConstraint(
                name="policy_issued_in_range", condition=Q(issued_on__gte="1950-01-01") & Q(issued_on__lte="2100-12-31")
            ),
            models.CheckConstraint(
                name="policy_province_scope",
                condition=~Q(scope=PolicyScope.PROVINCE) | Q(province__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("zones:policy_detail", args=[self.pk])

    def permission_target(self) -> Target:
        # The office writes national documents; a province its own and its zones'.
        return Target(province_code=self.province.code if self.province_id else None)


class TopicStatus(models.TextChoices):
    PLANNED = "planned", _("立项")
    UNDERWAY = "underway", _("研究中")
    COMPLETED = "completed", _("已结题")


class PolicyTopic(models.Model):
    title = models.CharField(_("课题名称"), max_length=200)
    lead = models.ForeignKey(
        Organization, verbose_name=_("承担单位"), on_delete=models.PROTECT, related_name="policy_topics"
    )
    zones = models.ManyToManyField(
        Organization,
        verbose_name=_("涉及高新区"),
        blank=True,
        related_name="zone_topics",
        limit_choices_to=ZONE_CHOICES,
    )
    status = models.CharField(_("状态"), max_length=10, choices=TopicStatus.choices, default=TopicStatus.PLANNED)
    started_on = models.DateField(_("立项日期"))
    due_on = models.DateField(_("计划结题日期"))
    completed_on = models.DateField(_("结题日期"), null=True, blank=True)
    summary = models.TextField(_("研究内容"), max_length=8000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("政策研究课题")
        verbose_name_plural = _("政策研究课题")
        constraints = [
            models.CheckConstraint(
                name="policy_topic_dates_ordered",
                condition=Q(started_on__gte="1990-01-01")
                & Q(due_on__gte=models.F("started_on"))
                & Q(due_on__lte="2100-12-31"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("zones:topic_detail", args=[self.pk])

    def permission_target(self) -> Target:
        return Target(province_code=None)  # the office's research programme


class PolicyOutput(models.Model):
    class Kind(models.TextChoices):
        REPORT = "report", _("研究报告")
        PROPOSAL = "proposal", _("政策建议")
        ADOPTED = "adopted", _("被采纳政策")
        OTHER = "other", _("其他")

    topic = models.ForeignKey(PolicyTopic, on_delete=models.CASCADE, related_name="outputs")
    kind = models.CharField(_("成果类型"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("成果名称"), max_length=200)
    delivered_on = models.DateField(_("提交日期"))
    summary = models.CharField(_("摘要"), max_length=4000, blank=True)
    # an output adopted as policy points at the document it became
    document = models.ForeignKey(
        PolicyDocument,
        verbose_name=_("形成的政策文件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["topic", "delivered_on", "id"]
        verbose_name = _("研究成果")
        verbose_name_plural = _("研究成果")

    def __str__(self) -> str:
        return self.title
