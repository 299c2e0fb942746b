"""Forms of the report pages (开放共享评价, 费用对账单, 仪器批量导入导出). They only read and check the
query parameters and the upload; permissions and figures are the selectors' and services'."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nesta.core.errors import ValidationFailed
from nesta.core.templatetags.nesta import loc
from nesta.directory.forms import _style
from nesta.directory.models import Organization
from nesta.instruments.selectors.fees import parse_month
from nesta.instruments.selectors.openness import YEAR_MAX, YEAR_MIN
from nesta.instruments.services.xlsx import MAX_IMPORT_BYTES

YEARS_SHOWN = 6  # the year selector offers this year and the five before it (any 2000–2100 is accepted)


def error_text(form: forms.BaseForm) -> str:
    """All of a form's errors as one sentence for the 400 page."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.append(f"{label}：{'；'.join(str(e) for e in errors)}" if label else "；".join(str(e) for e in errors))
    return "；".join(parts)


class YearForm(forms.Form):
    year = forms.IntegerField(
        label=_("评价年度"),
        required=False,
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        error_messages={"invalid": _("年度应为 2000–2100 之间的整数。")},
    )

    def __init__(self, *args: Any, this_year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.this_year = this_year
        years = list(range(this_year, this_year - YEARS_SHOWN, -1))
        chosen = self.data.get("year") if self.is_bound else None
        if chosen and str(chosen).isdecimal() and YEAR_MIN <= int(chosen) <= YEAR_MAX and int(chosen) not in years:
            years = sorted({*years, int(chosen)}, reverse=True)
        self.fields["year"].widget = forms.Select(choices=[(y, _("%(y)d年") % {"y": y}) for y in years])
        _style(self)

    def chosen_year(self) -> int:
        return self.cleaned_data.get("year") or self.this_year


class RankingForm(YearForm):
    province = forms.ChoiceField(label=_("省份"), required=False)

    def __init__(self, *args: Any, provinces: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["province"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("东北三省（全部）")), *[(p.code, loc(p)) for p in provinces]]
        field.error_messages["invalid_choice"] = _("未知的省份代码：%(value)s。")
        _style(self)


class StatementForm(forms.Form):
    """Which organisation and which month. The organisation is any id here: whether the user may
    see its statement is the selector's check (403), not the form's."""

    organization = forms.IntegerField(
        label=_("结算单位"), min_value=1, max_value=2**31 - 1, error_messages={"invalid": _("请选择单位。")}
    )
    month = forms.CharField(
        label=_("月份"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-11", "pattern": r"\d{4}-\d{2}"}),
    )

    def __init__(self, *args: Any, organizations: list[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].widget = forms.Select(
            choices=[("", _("请选择单位")), *[(o.pk, f"{loc(o)}（{loc(o.province)}）") for o in organizations]]
        )
        _style(self)

    def clean_month(self) -> tuple[int, int]:
        value = self.cleaned_data["month"]
        try:
            return parse_month(value)
        except ValidationFailed:
            raise forms.ValidationError(_("月份格式应为 YYYY-MM，例如 2026-11。")) from None


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("XLSX 文件"),
        help_text=_("与导出的表格格式相同：第一行为表头，每行一台仪器；全部无误才会保存。"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("文件过大（上限 %(m)d MB）。") % {"m": MAX_IMPORT_BYTES // 1024 // 1024})
        return upload
