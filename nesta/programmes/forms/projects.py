"""Forms of the projects pages: the task contract (with its milestone rows), a milestone report,
its review, a payment, the mid-term note and the acceptance decision. They shape input only; the
services check it."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nesta.programmes.models import AcceptanceResult
from nesta.programmes.services.payments import PAYABLE_CATEGORIES
from nesta.programmes.services.projects import MAX_MILESTONES

MILESTONE_ROWS = 6
DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"})
TEXT = {"class": "form-control"}


class ContractForm(forms.Form):
    contract_number = forms.CharField(label=_("任务书编号"), max_length=30, widget=forms.TextInput(attrs=TEXT))
    start_date = forms.DateField(label=_("执行开始"), widget=DATE)
    end_date = forms.DateField(label=_("执行结束"), widget=DATE)
    goals = forms.CharField(
        label=_("考核目标"), max_length=8000, required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 3})
    )
    deliverables = forms.CharField(
        label=_("交付成果"), max_length=8000, required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 3})
    )

    def milestones(self, data: Any) -> list[dict[str, Any]]:
        """The milestone rows the page posted (m-<i>-title, …); empty rows are skipped."""
        rows = []
        for i in range(min(MILESTONE_ROWS, MAX_MILESTONES)):
            title = (data.get(f"m-{i}-title") or "").strip()
            if not title:
                continue
            rows.append(
                {
                    "title": title,
                    "due_date": data.get(f"m-{i}-due_date") or None,
                    "deliverables": data.get(f"m-{i}-deliverables") or "",
                    "payment_amount": data.get(f"m-{i}-payment_amount") or "0",
                    "is_mid_term": data.get(f"m-{i}-is_mid_term") == "on",
                }
            )
        return rows


class ReportForm(forms.Form):
    text = forms.CharField(label=_("进展报告"), max_length=8000, widget=forms.Textarea(attrs={**TEXT, "rows": 4}))
    file = forms.FileField(label=_("附件（PDF/DOCX/XLSX/PNG/JPG，不超过 10 MB）"), required=False)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("通过")), ("return", _("退回修改"))])
    note = forms.CharField(label=_("审核意见"), max_length=1000, required=False)


class PaymentForm(forms.Form):
    category = forms.ChoiceField(label=_("预算科目"), widget=forms.Select(attrs={"class": "form-select"}))
    amount = forms.DecimalField(
        label=_("金额（元）"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        widget=forms.NumberInput(attrs={**TEXT, "step": "0.01"}),
    )
    paid_on = forms.DateField(label=_("拨付日期"), widget=DATE)
    milestone = forms.TypedChoiceField(
        label=_("对应节点"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    reference = forms.CharField(label=_("凭证号"), max_length=40, required=False, widget=forms.TextInput(attrs=TEXT))
    note = forms.CharField(label=_("说明"), max_length=300, required=False, widget=forms.TextInput(attrs=TEXT))

    def __init__(self, *args: Any, milestones: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        from nesta.programmes.models import BudgetCategory

        self.fields["category"].choices = [(c, BudgetCategory(c).label) for c in PAYABLE_CATEGORIES]  # type: ignore[attr-defined]
        self.fields["milestone"].choices = [("", _("不对应节点（如首笔拨款）"))] + [(m.pk, m.title) for m in milestones]  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    note = forms.CharField(label=_("意见"), max_length=1000, widget=forms.Textarea(attrs={**TEXT, "rows": 2}))


class AcceptanceForm(forms.Form):
    result = forms.ChoiceField(
        label=_("验收结论"), choices=AcceptanceResult.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    note = forms.CharField(label=_("验收意见"), max_length=2000, widget=forms.Textarea(attrs={**TEXT, "rows": 2}))
    extended_until = forms.DateField(label=_("延期至（延期时填写）"), required=False, widget=DATE)
    panel_score = forms.DecimalField(
        label=_("专家组评分（可选）"),
        required=False,
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={**TEXT, "step": "0.1"}),
    )


def form_errors(form: forms.Form) -> str:
    return "；".join(
        f"{form.fields[n].label if n in form.fields else ''}：{'；'.join(str(e) for e in es)}"
        for n, es in form.errors.items()
    )
