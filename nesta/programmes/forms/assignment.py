"""Forms of reviewer assignment: the solver's parameters, the office's swap, an expert's reason."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nesta.programmes.services.assignment import K_MAX, LOAD_MAX


class AssignmentForm(forms.Form):
    k = forms.IntegerField(label=_("每项评审专家数"), min_value=1, max_value=K_MAX)
    min_load = forms.IntegerField(label=_("每位专家最少评审数"), min_value=0, max_value=LOAD_MAX)
    max_load = forms.IntegerField(label=_("每位专家最多评审数"), min_value=1, max_value=LOAD_MAX)
    out_of_province = forms.BooleanField(label=_("至少一位外省专家"), required=False)
    one_per_org = forms.BooleanField(label=_("同一单位至多一人"), required=False)
    fair = forms.BooleanField(label=_("兼顾公平（优先提高匹配度最低的申请）"), required=False)

    def to_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class SwapForm(forms.Form):
    expert_id = forms.IntegerField(label=_("替换为专家（编号）"), min_value=1, max_value=2_147_483_647)
    reason = forms.CharField(label=_("调换原因"), max_length=300, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=300)
