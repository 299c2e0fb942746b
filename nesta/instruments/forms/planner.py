"""The planner's filters ("排期总览": category, province, city, day, day/week) and the month
view's month. They only shape input; unreadable values fall back to the defaults (never an error
page)."""

from datetime import date, datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nesta.core.errors import ValidationFailed
from nesta.core.validators import local_date
from nesta.directory.forms import _style, city_choices, province_choices
from nesta.instruments.forms.booking import category_choices


class PlannerForm(forms.Form):
    category = forms.ChoiceField(label=_("仪器分类"), required=False)
    province = forms.ChoiceField(label=_("省份"), required=False)
    city = forms.ChoiceField(label=_("城市"), required=False)
    date = forms.DateField(label=_("日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    view = forms.ChoiceField(label=_("视图"), required=False, choices=[("day", _("日视图")), ("week", _("周视图"))])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        provinces = province_choices(_("全部省份"))
        province = self.data.get("province", "") if self.is_bound else ""
        province = province if province in {code for code, _label in provinces if code} else ""
        self.fields["province"].choices = provinces
        self.fields["city"].choices = city_choices(_("全部城市"), province)
        self.fields["category"].choices = category_choices(_("全部分类"))
        _style(self)

    def values(self, today: date) -> dict[str, Any]:
        """The filters (invalid ones dropped) and the day, default today."""
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()  # cleaned_data keeps the valid fields only
            data = self.cleaned_data
        return {
            "category": data.get("category") or "",
            "province": data.get("province") or "",
            "city": data.get("city") or "",
            "day": _day(data.get("date"), today),
            "view": "week" if data.get("view") == "week" else "day",
        }


def _day(value: date | None, today: date) -> date:
    if value is None:
        return today
    try:
        return local_date(value.isoformat(), field="date")
    except ValidationFailed:
        return today


def month_of(value: str | None, today: date) -> date:
    """?month=2026-12 → 2026-12-01; unreadable or out of range → this month."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return local_date(date(year, month, 1).isoformat(), field="month")
    except (ValueError, TypeError, ValidationFailed):
        return today.replace(day=1)


def slot_initial(params: Any) -> dict[str, str]:
    """?start=2026-12-01T09:00&end=2026-12-01T11:00 (a planner's or "最早可约"'s link) as the
    booking form's initial start and end; anything unreadable is left out."""
    out = {}
    for name in ("start", "end"):
        value = str(params.get(name, ""))[:16]
        try:
            moment = datetime.strptime(value, "%Y-%m-%dT%H:%M")
            local_date(moment.date().isoformat(), field=name)
        except (ValueError, ValidationFailed):
            continue
        out[name] = value
    return out if "start" in out else {}
