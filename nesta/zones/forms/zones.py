"""The zones' web forms: a year's figures, a second-venture target, the comparison's filter."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nesta.zones.indicators import INDICATORS, ZoneIndicator
from nesta.zones.models.zones import COUNT_MAX

YEAR_MIN, YEAR_MAX = 1988, 2100


def _figure_field(ind: ZoneIndicator, *, required: bool = True, label: Any = None) -> forms.Field:
    label = label or f"{ind.label}（{ind.unit}）"
    if not ind.decimals:
        return forms.IntegerField(label=label, min_value=0, max_value=COUNT_MAX, required=required)
    bound = Decimal(10) ** (15 if ind.money or ind.key == "exports_usd" else 7)
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=None if ind.signed else 0,
        max_value=bound - Decimal("0.01"),
        max_digits=18,
        decimal_places=ind.decimals,
    )


class ZoneYearForm(forms.Form):
    """Every indicator of one year (indicators.INDICATORS) and a note."""

    note = forms.CharField(label=_("说明"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        note = self.fields.pop("note")
        for ind in INDICATORS:
            self.fields[ind.key] = _figure_field(ind)
        self.fields["note"] = note
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-control form-control-sm"
            if isinstance(f, forms.DecimalField | forms.IntegerField):
                f.widget.attrs["inputmode"] = "decimal"

    def to_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ZoneTargetForm(forms.Form):
    indicator = forms.ChoiceField(label=_("指标"), choices=[(i.key, i.label) for i in INDICATORS])
    baseline_year = forms.IntegerField(label=_("基期年度"), min_value=YEAR_MIN, max_value=YEAR_MAX)
    baseline_value = forms.DecimalField(
        label=_("基期值"),
        required=False,
        max_digits=18,
        decimal_places=2,
        help_text=_("不填则取该高新区基期年度的指标值。"),
    )
    target_year = forms.IntegerField(label=_("目标年度"), min_value=YEAR_MIN, max_value=YEAR_MAX)
    target_value = forms.DecimalField(label=_("目标值"), max_digits=18, decimal_places=2)
    note = forms.CharField(label=_("说明"), required=False, max_length=1000)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name, f in self.fields.items():
            f.widget.attrs["class"] = (
                "form-select form-select-sm" if name == "indicator" else "form-control form-control-sm"
            )

    def to_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ComparisonFilter(forms.Form):
    year = forms.TypedChoiceField(label=_("年度"), required=False, coerce=int, empty_value=None)
    indicator = forms.ChoiceField(label=_("图表指标"), required=False, choices=[(i.key, i.label) for i in INDICATORS])

    def __init__(self, *args: Any, years: list[int], **kwargs: Any):
        super().__init__(*args, **kwargs)
        year = self.fields["year"]
        assert isinstance(year, forms.TypedChoiceField)
        year.choices = [(y, _("%(y)d年") % {"y": y}) for y in years]
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-select form-select-sm"

    def error_text(self) -> str:
        return "；".join(
            f"{self.fields[name].label}：{'；'.join(str(e) for e in errors)}" for name, errors in self.errors.items()
        )
