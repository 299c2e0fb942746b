"""What every annual report stores besides its figures: the year, the workflow's state with the
last reviewer's note and the stamps of its steps, the summary, when the derived figures were
frozen, and who created it. A concrete report adds its owner (a ForeignKey), its figures and its
Meta (ordering, constraints and indexes carry the app's own names)."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AnnualReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    CHECKED = "checked", _("省级已审核")
    ACCEPTED = "accepted", _("已采纳")
    RETURNED = "returned", _("退回修改")


# The states in which the owner's people may still change the figures.
EDITABLE = (AnnualReportStatus.DRAFT, AnnualReportStatus.RETURNED)


class AnnualReport(models.Model):
    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(
        _("状态"), max_length=10, choices=AnnualReportStatus.choices, default=AnnualReportStatus.DRAFT
    )
    status_note = models.CharField(_("审核意见"), max_length=1000, blank=True)
    summary = models.TextField(_("年度工作总结"), max_length=8000, blank=True)

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
        abstract = True

    def permission_target(self) -> Any:
        """Whose report it is, for the policy (the concrete report names its owner's target)."""
        raise NotImplementedError
