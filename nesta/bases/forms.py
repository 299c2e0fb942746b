"""The bases' web filter form (the register's list page)."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nesta.bases.models import BaseLevel, BaseStatus, BaseType

PROVINCES = (("", _("全部省份")), ("210000", _("辽宁省")), ("220000", _("吉林省")), ("230000", _("黑龙江省")))


def _blank(choices: Any, label: Any) -> list[tuple[str, Any]]:
    return [("", label), *choices]


@dataclass(frozen=True)
class BaseFilters:
    base_type: str = ""
    level: str = ""
    status: str = ""
    province: str = ""


class BaseFilterForm(forms.Form):
    base_type = forms.ChoiceField(label=_("类型"), required=False, choices=_blank(BaseType.choices, _("全部类型")))
    level = forms.ChoiceField(label=_("级别"), required=False, choices=_blank(BaseLevel.choices, _("全部级别")))
    status = forms.ChoiceField(label=_("状态"), required=False, choices=_blank(BaseStatus.choices, _("全部状态")))
    province = forms.ChoiceField(label=_("省份"), required=False, choices=PROVINCES)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-select form-select-sm"

    def filters(self) -> BaseFilters:
        d = self.cleaned_data if self.is_valid() else {}
        return BaseFilters(**{k: d.get(k) or "" for k in ("base_type", "level", "status", "province")})


class ReportForm(forms.Form):
    """The typed figures of an annual report (indicators.TYPED); the year only when creating."""

    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    summary = forms.CharField(
        label=_("年度工作总结"), required=False, max_length=8000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, creating: bool = True, **kwargs: Any):
        from nesta.bases.indicators import TYPED

        super().__init__(*args, **kwargs)
        if not creating:
            del self.fields["year"]
        for ind in TYPED:
            if ind.money:
                field: forms.Field = forms.DecimalField(
                    label=f"{ind.label}（{ind.unit}）", min_value=0, max_digits=16, decimal_places=2, initial=0
                )
            else:
                field = forms.IntegerField(
                    label=f"{ind.label}（{ind.unit}）", min_value=0, max_value=10_000_000, initial=0
                )
            self.fields[ind.key] = field
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-control form-control-sm"

    def to_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "year"}
