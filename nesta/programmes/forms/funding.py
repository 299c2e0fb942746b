"""The budget line form (the office's): year, programme, province, priority area, amounts."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nesta.core.models import Region, TaxonomyNode
from nesta.programmes.models import Programme

SELECT = {"class": "form-select"}
TEXT = {"class": "form-control"}


class BudgetLineForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, widget=forms.NumberInput(attrs=TEXT))
    programme = forms.ChoiceField(label=_("科技计划"), required=False, widget=forms.Select(attrs=SELECT))
    province = forms.ChoiceField(label=_("省份"), required=False, widget=forms.Select(attrs=SELECT))
    field = forms.ChoiceField(label=_("重点领域"), required=False, widget=forms.Select(attrs=SELECT))
    baseline_amount = forms.DecimalField(
        label=_("保持支持力度（元）"),
        min_value=0,
        max_digits=16,
        decimal_places=2,
        widget=forms.NumberInput(attrs=TEXT),
    )
    additional_amount = forms.DecimalField(
        label=_("新增投入（元）"),
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=2,
        widget=forms.NumberInput(attrs=TEXT),
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False, widget=forms.TextInput(attrs=TEXT))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [("", _("未分配到计划"))] + [  # type: ignore[attr-defined]
            (p.code, p.name) for p in Programme.objects.order_by("sort_order")
        ]
        self.fields["province"].choices = [("", _("未分省"))] + [  # type: ignore[attr-defined]
            (r.code, r.name)
            for r in Region.objects.filter(level=Region.Level.PROVINCE, code__in=("210000", "220000", "230000"))
        ]
        self.fields["field"].choices = [("", _("不分领域"))] + [  # type: ignore[attr-defined]
            (n.code, n.name) for n in TaxonomyNode.objects.filter(parent=None).order_by("sort_order")
        ]
