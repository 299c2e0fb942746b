"""Conflicts of interest, reviewer assignments (each an invitation the expert answers) and reviews."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nesta.core.permissions import Target
from nesta.directory.models import Person
from nesta.programmes.models.applications import Application
from nesta.programmes.models.calls import ReviewRound


class ConflictDeclaration(models.Model):
    """An expert's own declaration: 'I should not review this application' (with why)."""

    expert = models.ForeignKey(Person, verbose_name=_("专家"), on_delete=models.CASCADE, related_name="+")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="conflict_declarations")
    reason = models.CharField(_("利益冲突说明"), max_length=300)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "id"]
        verbose_name = _("利益冲突声明")
        verbose_name_plural = _("利益冲突声明")
        constraints = [models.UniqueConstraint(fields=["expert", "application"], name="uniq_conflict_declaration")]

    def __str__(self) -> str:
        return f"{self.expert} ↮ {self.application_id}"


class AssignmentStatus(models.TextChoices):
    INVITED = "invited", _("已邀请")
    ACCEPTED = "accepted", _("已接受")
    DECLINED = "declined", _("已谢绝")
    SUBMITTED = "submitted", _("已提交评审")
    REMOVED = "removed", _("已撤换")


class Assignment(models.Model):
    """One expert on one application in one round: an invitation, then the review seat."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="assignments")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments")
    expert = models.ForeignKey(Person, verbose_name=_("评审专家"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("状态"), max_length=12, choices=AssignmentStatus.choices, default=AssignmentStatus.INVITED
    )
    affinity = models.FloatField(_("匹配度"), default=0)
    # solver (the min-cost flow), manual (the office's swap), replacement (re-solved after a decline)
    source = models.CharField(_("来源"), max_length=12, default="solver")
    invited_at = models.DateTimeField(_("邀请时间"), null=True, blank=True)
    responded_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    decline_reason = models.CharField(_("谢绝理由"), max_length=300, blank=True)
    due_at = models.DateTimeField(_("评审截止"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["round", "application", "id"]
        verbose_name = _("评审分配")
        verbose_name_plural = _("评审分配")
        indexes = [models.Index(fields=["expert", "status"], name="assign_expert_status")]
        constraints = [
            models.UniqueConstraint(fields=["round", "application", "expert"], name="uniq_assignment"),
            models.CheckConstraint(name="assignment_status_valid", condition=Q(status__in=AssignmentStatus.values)),
        ]

    def __str__(self) -> str:
        return f"{self.expert} → {self.application}"

    def permission_target(self) -> Target:
        # the expert acts on their own seats (Scope.SELF); the office and province by the application
        app = self.application
        return Target(province_code=app.province.code, organization_id=None, user_id=self.expert.user_id)


class Grade(models.TextChoices):
    A = "A", _("A 优")
    B = "B", _("B 良")
    C = "C", _("C 中")
    D = "D", _("D 差")


class Opinion(models.TextChoices):
    PRIORITY = "priority", _("优先资助")
    FUNDABLE = "fundable", _("可资助")
    REJECT = "reject", _("不予资助")


class Familiarity(models.TextChoices):
    EXPERT = "expert", _("熟悉")
    SOMEWHAT = "somewhat", _("较熟悉")
    LITTLE = "little", _("不太熟悉")


class Review(models.Model):
    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="review")
    # {criterion code: score on the criterion's scale}; total = Σ weight × score / max, on 0–100
    scores = models.JSONField(_("分项评分"), default=dict)
    total = models.DecimalField(_("综合得分"), max_digits=6, decimal_places=2)
    grade = models.CharField(_("综合评价"), max_length=1, choices=Grade.choices)
    opinion = models.CharField(_("资助意见"), max_length=10, choices=Opinion.choices)
    familiarity = models.CharField(_("熟悉程度"), max_length=10, choices=Familiarity.choices)
    comments = models.TextField(_("评审意见"), max_length=8000)
    submitted_at = models.DateTimeField(_("提交时间"))

    class Meta:
        ordering = ["assignment", "id"]
        verbose_name = _("评审意见")
        verbose_name_plural = _("评审意见")
        constraints = [
            models.CheckConstraint(name="review_total_range", condition=Q(total__gte=0) & Q(total__lte=100)),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.total}"
