"""The office's forms of the funding selection: the run's parameters and the confirmation's
adjustments (one line per application: +id reason / -id reason)."""

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nesta.programmes.services.selection import SEED_MAX, Adjustment, SelectionInput

SCORE_CHOICES = [("quality", _("模型校准分（质量 + 专家偏差）")), ("z", _("标准分校准")), ("raw", _("原始均分"))]
RULE_CHOICES = [("stop", _("排到经费不足即止")), ("skip", _("跳过放不下的，继续往下排"))]
BY_CHOICES = [("province", _("省份")), ("field", _("领域")), ("tilt", _("倾斜对象"))]
SELECT = {"class": "form-select form-select-sm"}
LINE = re.compile(r"^\s*([+\-−])\s*(\d{1,10})\s*[:：\s]\s*(.+?)\s*$")


class SelectionForm(forms.Form):
    budget = forms.DecimalField(label=_("遴选预算（元）"), min_value=0, max_digits=14, decimal_places=2, required=False)
    score = forms.ChoiceField(
        label=_("评分口径"), choices=SCORE_CHOICES, initial="quality", widget=forms.Select(attrs=SELECT)
    )
    rank_rule = forms.ChoiceField(
        label=_("对照名单规则"), choices=RULE_CHOICES, initial="stop", widget=forms.Select(attrs=SELECT)
    )
    use_tilt = forms.BooleanField(label=_("按指南预留倾斜比例"), required=False, initial=True)
    lottery = forms.BooleanField(label=_("分数线附近并列者抽签"), required=False)
    seed = forms.IntegerField(label=_("抽签种子（留空随机）"), min_value=0, max_value=SEED_MAX, required=False)
    tolerance = forms.DecimalField(label=_("并列容差（分）"), min_value=0, max_value=10, decimal_places=2, initial=0.5)
    share_by = forms.ChoiceField(
        label=_("最低比例：分组"), choices=[("", "—"), *BY_CHOICES], required=False, widget=forms.Select(attrs=SELECT)
    )
    share_value = forms.CharField(label=_("分组代码（如 210000、tilt 填 1）"), max_length=60, required=False)
    share = forms.DecimalField(label=_("占预算比例（0–1）"), min_value=0, max_value=1, decimal_places=3, required=False)

    def to_data(self) -> SelectionInput:
        d = self.cleaned_data
        shares: list[dict[str, Any]] = []
        if d.get("share_by") and d.get("share_value") and d.get("share") is not None:
            shares.append({"by": d["share_by"], "value": d["share_value"], "share": float(d["share"])})
        return SelectionInput(
            budget=d.get("budget"),
            min_shares=shares,
            score=d["score"],
            rank_rule=d["rank_rule"],
            lottery=bool(d.get("lottery")),
            seed=d.get("seed"),
            tolerance=float(d.get("tolerance") or 0),
            use_tilt=bool(d.get("use_tilt")),
        )


class ConfirmForm(forms.Form):
    adjustments = forms.CharField(
        label=_("调整（每行一项：+申请ID 理由 增补；-申请ID 理由 删除）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=20000,
    )
    note = forms.CharField(label=_("立项意见（写入不予资助的处理意见）"), required=False, max_length=500)

    def clean_adjustments(self) -> tuple[list[Adjustment], list[Adjustment]]:
        add: list[Adjustment] = []
        remove: list[Adjustment] = []
        for line in (self.cleaned_data.get("adjustments") or "").splitlines():
            if not line.strip():
                continue
            m = LINE.match(line)
            if not m:
                raise forms.ValidationError(_("无法识别：%(l)s（应为 +12 理由 或 -12 理由）") % {"l": line[:60]})
            (add if m.group(1) == "+" else remove).append(Adjustment(int(m.group(2)), m.group(3)))
        return add, remove
