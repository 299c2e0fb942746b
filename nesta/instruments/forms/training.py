"""Web forms of training requests: they shape input only (services.training checks the rules)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nesta.directory.forms import _style
from nesta.instruments.forms.booking import DateTimeLocalInput, LocalDateTimeField


class _Styled(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class TrainingRequestForm(_Styled):
    message = forms.CharField(
        label=_("申请说明"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("例如：课题需要、样品类型、以往使用经验、方便参加培训的时间"),
    )


class ScheduleForm(_Styled):
    start = LocalDateTimeField(label=_("培训开始"), widget=DateTimeLocalInput())
    end = LocalDateTimeField(label=_("培训结束"), widget=DateTimeLocalInput())
    location = forms.CharField(label=_("培训地点"), max_length=200, required=False)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


class GrantForm(_Styled):
    expires_at = LocalDateTimeField(
        label=_("资格有效期至"), widget=DateTimeLocalInput(), required=False, help_text=_("留空表示长期有效")
    )


class DeclineForm(_Styled):
    reason = forms.CharField(label=_("原因"), max_length=300)
