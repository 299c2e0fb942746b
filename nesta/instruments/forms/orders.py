"""Web forms of testing orders (分析测试). They only shape input into the plain values the order
services take (instruments.services.orders), which check every rule again; their field errors are
the friendly first line, the services' errors are shown beside the same fields."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nesta.directory.forms import _style
from nesta.instruments.forms.payers import account_field
from nesta.instruments.services.orders import MAX_AMOUNT, MAX_QUANTITY


def _number_errors(required: Any) -> dict[str, Any]:
    return {
        "required": required,
        "invalid": _("请输入有效的数字。"),
        "max_decimal_places": _("最多两位小数。"),
        "max_digits": _("数值过大。"),
        "max_whole_digits": _("数值过大。"),
        "max_value": _("数值过大。"),
    }


class OrderForm(forms.Form):
    """提交检测委托: how many units (samples or hours) of the service, and what the samples are."""

    quantity = forms.DecimalField(
        label=_("数量"),
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=MAX_QUANTITY,
        help_text=_("样品数（按样计价）或机时数（按小时计价），最多两位小数。"),
        error_messages={**_number_errors(_("请填写数量。")), "min_value": _("数量应大于0。")},
    )
    sample_description = forms.CharField(
        label=_("样品说明"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("如：金属断口样品3个，尺寸约5mm，已干燥")}),
        error_messages={"max_length": _("最多5000个字符。")},
    )
    notes = forms.CharField(
        label=_("备注"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("检测要求、联系方式、期望完成时间等")}),
        error_messages={"max_length": _("最多5000个字符。")},
    )
    account_id = account_field()  # its choices: forms.payers.offer_accounts (the view)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class QuoteForm(forms.Form):
    """报价 by the instrument's staff: the amount may differ from the list price."""

    amount = forms.DecimalField(
        label=_("报价金额（元）"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=MAX_AMOUNT,
        error_messages={**_number_errors(_("请填写报价金额。")), "min_value": _("报价金额不能为负数。")},
    )
    note = forms.CharField(
        label=_("报价说明"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("如：含制样费")}),
        error_messages={"max_length": _("最多300个字符。")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class ReportForm(forms.Form):
    """上传报告: the file is checked (type, size) by the service."""

    file = forms.FileField(
        label=_("检测报告文件"),
        help_text=_("支持 PDF、Word、Excel、图片、ZIP 等格式，不超过50MB。"),
        error_messages={"required": _("请选择检测报告文件。"), "empty": _("文件为空。")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
