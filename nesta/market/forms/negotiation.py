"""Web forms of interest and negotiation: they shape input only (services.negotiation checks the
rules: the message's characters and length, the attachment's type, size and bytes)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nesta.directory.forms import _style
from nesta.market.models import Interest
from nesta.market.services.negotiation import ANSWER_MAX, BODY_MAX, MESSAGE_MAX


class _Styled(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class InterestForm(_Styled):
    message = forms.CharField(
        label=_("意向说明"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("例如：贵方技术能解决我方的什么问题、合作方式设想、预算与时间"),
    )


class AcceptForm(_Styled):
    answer = forms.CharField(label=_("答复"), max_length=ANSWER_MAX, required=False)


class DeclineForm(_Styled):
    answer = forms.CharField(label=_("婉拒原因"), max_length=ANSWER_MAX)


class MessageForm(_Styled):
    body = forms.CharField(
        label=_("消息"),
        max_length=BODY_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("输入消息……")}),
    )
    attachment = forms.FileField(
        label=_("附件"),
        required=False,
        help_text=_("PDF、Word（DOCX）、Excel（XLSX）或 PNG/JPG 图片，不超过 10 MB"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.png,.jpg,.jpeg"}),
    )


BOX_CHOICES = [
    ("all", _("全部")),
    ("sent", _("我方发出")),
    ("received", _("我方收到")),
    ("oversee", _("监管（运营方）")),
]


class NegotiationFilterForm(_Styled):
    box = forms.ChoiceField(label=_("范围"), choices=BOX_CHOICES, required=False)
    status = forms.ChoiceField(label=_("状态"), choices=[("", _("全部状态")), *Interest.Status.choices], required=False)

    def filters(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {"box": "all", "status": None}
        return {"box": self.cleaned_data.get("box") or "all", "status": self.cleaned_data.get("status") or None}
