"""Forms of the subsidies pages: the borrower's bank statement, the decision and the payment.
The rules are the service's; the forms only carry the values (and say when a field is empty)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

DATE = forms.DateInput(attrs={"type": "date"})
MONEY = forms.TextInput(attrs={"inputmode": "decimal"})


class StatementForm(forms.Form):
    period_start = forms.CharField(label=_("计息起日"), widget=DATE)
    period_end = forms.CharField(label=_("计息止日"), widget=DATE)
    principal_outstanding = forms.CharField(label=_("计息本金（元）"), max_length=30, widget=MONEY)
    interest_paid = forms.CharField(label=_("已付正常利息（元）"), max_length=30, widget=MONEY)
    overdue_interest = forms.CharField(
        label=_("逾期利息（元）"), max_length=30, required=False, widget=MONEY, help_text=_("不予贴息，单独填列")
    )
    penalty_interest = forms.CharField(
        label=_("罚息（元）"), max_length=30, required=False, widget=MONEY, help_text=_("不予贴息，单独填列")
    )
    paid_on = forms.CharField(label=_("付息日"), widget=DATE, help_text=_("银行扣息日，不晚于今天"))
    bank_reference = forms.CharField(label=_("银行回单号"), max_length=60)

    def to_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审核结论"), choices=[("approve", _("核定贴息")), ("reject", _("不予贴息"))], widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("审核意见"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PayForm(forms.Form):
    paid_on = forms.CharField(label=_("拨付日期"), widget=DATE)
