"""The incubators' web forms: the directory's filters, a tenant firm, an annual report's typed
figures. Choices that come from the database (zones, fields) are given by the view (selectors)."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nesta.directory.forms import OrganizationPicker, organization_option
from nesta.zones.incubator_indicators import SERVICES, TYPED
from nesta.zones.models import IncubatorKind, IncubatorLevel, ReportStatus

PROVINCES = (("", _("全部省份")), ("210000", _("辽宁省")), ("220000", _("吉林省")), ("230000", _("黑龙江省")))


@dataclass(frozen=True)
class IncubatorFilters:
    zone: int | None = None
    kind: str = ""
    level: str = ""
    province: str = ""


class IncubatorFilterForm(forms.Form):
    zone = forms.TypedChoiceField(label=_("高新区"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[("", _("全部类型")), *IncubatorKind.choices])
    level = forms.ChoiceField(label=_("级别"), required=False, choices=[("", _("全部级别")), *IncubatorLevel.choices])
    province = forms.ChoiceField(label=_("省份"), required=False, choices=PROVINCES)

    def __init__(self, *args: Any, zones: list[tuple[int, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["zone"].choices = [("", _("全部高新区")), *(zones or [])]  # type: ignore[attr-defined]
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-select form-select-sm"

    def filters(self) -> IncubatorFilters:
        d = self.cleaned_data if self.is_valid() else {}
        return IncubatorFilters(
            zone=d.get("zone") or None, kind=d.get("kind") or "", level=d.get("level") or "",
            province=d.get("province") or "",
        )  # fmt: skip


@dataclass(frozen=True)
class TenantFilters:
    state: str = "present"
    q: str = ""


class TenantFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("present", _("在孵")), ("graduated", _("已毕业")), ("left", _("已退出")), ("all", _("全部"))],
    )
    q = forms.CharField(
        label=_("企业名称"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": _("按企业名称查找")}),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["state"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["q"].widget.attrs["class"] = "form-control form-control-sm"

    def filters(self) -> TenantFilters:
        d = self.cleaned_data if self.is_valid() else {}
        state = d.get("state") or "present"
        return TenantFilters(state="" if state == "all" else state, q=(d.get("q") or "").strip())


@dataclass(frozen=True)
class ReportFilters:
    status: str = ""
    year: int | None = None


class ReportFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态")), *ReportStatus.choices])
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["status"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["year"].widget.attrs.update({"class": "form-control form-control-sm", "placeholder": _("年度")})

    def filters(self) -> ReportFilters:
        d = self.cleaned_data if self.is_valid() else {}
        return ReportFilters(status=d.get("status") or "", year=d.get("year") or None)


def _date(label: Any, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))


class TenantForm(forms.Form):
    name = forms.CharField(label=_("企业名称"), max_length=120)
    founded_on = _date(_("成立日期"))
    field = forms.ChoiceField(label=_("技术领域"), required=False)
    is_private_tech = forms.BooleanField(label=_("民营科技企业"), required=False)
    employees = forms.IntegerField(label=_("从业人员（人）"), min_value=0, max_value=1_000_000, initial=0)
    revenue = forms.DecimalField(label=_("上年营业收入（元）"), min_value=0, max_digits=16, decimal_places=2, initial=0)
    space_m2 = forms.IntegerField(label=_("使用面积（平方米）"), min_value=0, max_value=10_000_000, initial=0)
    entered_on = _date(_("入孵日期"))
    graduated_on = _date(_("毕业日期"), required=False)
    left_on = _date(_("退出日期（未毕业离开）"), required=False)

    def __init__(self, *args: Any, fields: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", _("未指定")), *(fields or [])]  # type: ignore[attr-defined]
        for name, f in self.fields.items():
            if name == "is_private_tech":
                f.widget.attrs["class"] = "form-check-input"
            elif isinstance(f, forms.ChoiceField):
                f.widget.attrs["class"] = "form-select"
            else:
                f.widget.attrs["class"] = "form-control"

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        out = {k: d.get(k) for k in self.fields}
        for k in ("founded_on", "entered_on", "graduated_on", "left_on"):
            out[k] = d[k].isoformat() if d.get(k) else None
        out["field"] = d.get("field") or None
        return out


class IncubatorReportForm(forms.Form):
    """The typed figures of an annual report (incubator_indicators.TYPED); the year only when creating."""

    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    summary = forms.CharField(
        label=_("年度工作总结"), required=False, max_length=8000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, creating: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not creating:
            del self.fields["year"]
        for ind in TYPED:
            label = f"{ind.label}（{ind.unit}）"
            if ind.money:
                field: forms.Field = forms.DecimalField(
                    label=label, min_value=0, max_digits=16, decimal_places=2, initial=0
                )
            else:
                field = forms.IntegerField(label=label, min_value=0, max_value=10_000_000, initial=0)
            self.fields[ind.key] = field
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-control form-control-sm"

    def to_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "year"}


class IncubatorForm(forms.Form):
    """Register an incubator (its directory organisation is chosen once) or change its particulars."""

    organization = forms.TypedChoiceField(label=_("孵化器机构（机构名录）"), coerce=int, widget=OrganizationPicker)
    kind = forms.ChoiceField(label=_("类型"), choices=IncubatorKind.choices)
    level = forms.ChoiceField(label=_("级别"), choices=IncubatorLevel.choices, initial=IncubatorLevel.PROVINCIAL)
    zone = forms.TypedChoiceField(label=_("所在高新区"), required=False, coerce=int, empty_value=None)
    host = forms.TypedChoiceField(
        label=_("依托单位"), required=False, coerce=int, empty_value=None, widget=OrganizationPicker
    )
    established_on = _date(_("认定日期"))
    space_m2 = forms.IntegerField(label=_("孵化场地面积（平方米）"), min_value=1, max_value=10_000_000)
    services = forms.MultipleChoiceField(
        label=_("服务内容"), required=False, choices=list(SERVICES.items()), widget=forms.CheckboxSelectMultiple
    )
    manager_name = forms.CharField(label=_("负责人"), max_length=50, required=False)
    is_active = forms.BooleanField(label=_("运营中"), required=False, initial=True)

    def __init__(self, *args: Any, creating: bool = True, zones: list[tuple[int, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not creating:
            del self.fields["organization"]
        self.fields["zone"].choices = [("", _("区外")), *(zones or [])]  # type: ignore[attr-defined]
        for name in ("organization", "host"):
            if name in self.fields:
                current = self.data.get(name) if self.is_bound else self.initial.get(name)
                field = self.fields[name]
                field.choices = [("", _("请搜索并选择机构")), *organization_option(current)]  # type: ignore[attr-defined]
                field.valid_value = lambda value: True  # type: ignore[attr-defined]  # the service checks it
        for name, f in self.fields.items():
            if name == "is_active":
                f.widget.attrs["class"] = "form-check-input"
            elif name == "services":
                continue
            elif isinstance(f, forms.ChoiceField):
                f.widget.attrs["class"] = "form-select"
            else:
                f.widget.attrs["class"] = "form-control"

    def to_data(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        d["established_on"] = d["established_on"].isoformat()
        return d
