"""A funding selection run: the optimised award list for a call, kept beside rank-until-budget."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from nesta.programmes.models.calls import MONEY, Call


class SelectionRun(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="selection_runs")
    budget = models.DecimalField(_("预算(元)"), **MONEY)
    # {"min_shares": [{"by": "province"|"field"|"tilt", "value": "210000", "share": 0.2}], "score": "calibrated"|"raw",
    #  "lottery": bool, "seed": int}
    params = models.JSONField(_("条件"), default=dict)
    # {"selected": [ids], "total_score", "total_cost", "rank_list": {"selected", "total_score", "total_cost"},
    #  "tied": [ids], "drawn": [ids], "status": "optimal"|"feasible"}
    result = models.JSONField(_("结果"), default=dict)
    confirmed = models.BooleanField(_("已确认"), default=False)
    confirm_note = models.CharField(_("调整说明"), max_length=1000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["call", "-created_at", "-id"]
        verbose_name = _("立项遴选")
        verbose_name_plural = _("立项遴选")

    def __str__(self) -> str:
        return f"{self.call} · {self.created_at:%Y-%m-%d}"
