"""Online bidding's web forms: opening a round (the operator) and a bid."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nesta.core.validators import MONEY_MAX

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _when(label: Any, help_text: Any = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        help_text=help_text,
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"}, format=DATETIME_LOCAL),
    )


def _money(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        help_text=help_text,
        min_value=0,
        max_value=MONEY_MAX - 1,
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal", "class": "form-control"}),
    )


class RoundForm(forms.Form):
    """The fields of services.bidding.RoundInput; times are 北京时间 (the field reads them so)."""

    registration_deadline = _when(_("报名截止时间"), _("北京时间；须早于竞价开始"))
    starts_at = _when(_("竞价开始时间"))
    ends_at = _when(_("竞价截止时间"), _("竞价时长 10 分钟至 7 天"))
    start_price = _money(_("起始价（元）"), help_text=_("不得低于挂牌底价"))
    min_increment = _money(_("加价幅度（元）"), help_text=_("大于 0，且不超过起始价"))
    extend_minutes = forms.IntegerField(
        label=_("延时周期（分钟）"),
        min_value=1,
        max_value=30,
        initial=5,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
        help_text=_("截止前此时段内有人出价，截止时间顺延该时长"),
    )
    deposit = _money(_("保证金（元）"), required=False)


class BidForm(forms.Form):
    amount = _money(_("出价（元）"))
