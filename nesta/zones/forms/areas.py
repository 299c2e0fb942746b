"""The web forms of the area-adjustment requests: the list's filters and the request itself (the
service checks everything again; these only shape the input). A step's inputs (reason, opinion,
decision) are plain fields on the request's page, read by the service."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nesta.zones.models import AreaRequestStatus

AREA_FIELD = {"max_digits": 7, "decimal_places": 2, "max_value": Decimal(10_000)}


@dataclass(frozen=True)
class AreaRequestFilters:
    zone: int | None = None
    status: str = ""


class AreaRequestFilterForm(forms.Form):
    zone = forms.TypedChoiceField(label=_("高新区"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *AreaRequestStatus.choices]
    )

    def __init__(self, *args: Any, zones: list[tuple[int, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["zone"].choices = [("", _("全部高新区")), *(zones or [])]
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-select form-select-sm"

    def filters(self) -> AreaRequestFilters:
        d = self.cleaned_data if self.is_valid() else {}
        return AreaRequestFilters(zone=d.get("zone") or None, status=d.get("status") or "")


class AreaRequestForm(forms.Form):
    title = forms.CharField(label=_("申请名称"), max_length=200)
    current_area = forms.DecimalField(
        label=_("现有面积（平方公里）"),
        required=False,
        min_value=Decimal(0),
        help_text=_("不填则取本区最近一年填报的规划面积。"),
        **AREA_FIELD,
    )
    requested_area = forms.DecimalField(label=_("申请调整后面积（平方公里）"), min_value=Decimal("0.01"), **AREA_FIELD)
    area_innovation = forms.DecimalField(
        label=_("其中：技术创新用地（平方公里）"), min_value=Decimal(0), initial=0, **AREA_FIELD
    )
    area_incubation = forms.DecimalField(
        label=_("其中：孵化用地（平方公里）"), min_value=Decimal(0), initial=0, **AREA_FIELD
    )
    area_industrialisation = forms.DecimalField(
        label=_("其中：产业化示范用地（平方公里）"), min_value=Decimal(0), initial=0, **AREA_FIELD
    )
    location = forms.CharField(
        label=_("四至范围/位置"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    justification = forms.CharField(label=_("申请理由"), max_length=8000, widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-control"
            if isinstance(f, forms.DecimalField):
                f.widget.attrs["inputmode"] = "decimal"

    def to_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if data.get("current_area") is None:
            data.pop("current_area", None)  # the service takes the zone's planned area
        return data
