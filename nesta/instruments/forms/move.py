"""Web forms for changing bookings: the new slot of a move, and booking on a user's behalf.
They only shape input; the services check every rule."""

from datetime import timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nesta.core.errors import ValidationFailed
from nesta.core.validators import aware_datetime
from nesta.instruments.forms.booking import DateTimeLocalInput, LocalDateTimeField


class MoveForm(forms.Form):
    """A free slot chosen in the day's calendar (`slot`: its start; the booking keeps its length),
    or a new start and end typed in (an omitted end keeps the length)."""

    slot = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    start = LocalDateTimeField(label=_("新的开始"), required=False, widget=DateTimeLocalInput())
    end = LocalDateTimeField(label=_("新的结束"), required=False, widget=DateTimeLocalInput())

    def __init__(self, *args: Any, length: timedelta, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.length = length
        for name in ("start", "end"):
            self.fields[name].widget.attrs.update({"class": "form-control", "step": 60})

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start = data.get("start")
        if data.get("slot"):
            try:
                start = aware_datetime(data["slot"], field="slot")
            except ValidationFailed:
                raise forms.ValidationError(_("所选时段无效。")) from None
            data["end"] = start + self.length
        if start is None:
            if not self.errors:
                self.add_error("start", _("请选择或填写新的开始时间。"))
            return data
        data["start"] = start
        data["end"] = data.get("end") or start + self.length
        return data


class OnBehalfForm(forms.Form):
    """A manager books for a user, named by username or e-mail."""

    user = forms.CharField(label=_("用户（用户名或电子邮箱）"), max_length=254)
    start = LocalDateTimeField(label=_("开始"), widget=DateTimeLocalInput())
    end = LocalDateTimeField(label=_("结束"), widget=DateTimeLocalInput())
    purpose = forms.CharField(label=_("用途"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.update({"class": "form-control form-control-sm"})
            if name in ("start", "end"):
                field.widget.attrs["step"] = 60
