"""The web form of joining the waiting list: it shapes input only (services.waitlist checks the
rules)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nesta.directory.forms import _style
from nesta.instruments.forms.booking import DateTimeLocalInput, LocalDateTimeField


class WaitlistJoinForm(forms.Form):
    start = LocalDateTimeField(label=_("开始时间"), widget=DateTimeLocalInput())
    end = LocalDateTimeField(label=_("结束时间"), widget=DateTimeLocalInput())
    purpose = forms.CharField(label=_("用途"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("结束时间必须晚于开始时间。"))
        return data
