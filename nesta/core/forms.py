"""Core's own forms: the audit page's filters."""

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nesta.core.registry import registry
from nesta.core.selectors import AuditFilters

# Dates outside this range are typing errors, not audit periods (and keep datetime arithmetic safe).
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


class AuditFilterForm(forms.Form):
    object_type = forms.ChoiceField(label=_("对象类型"), required=False)
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    date_from = forms.DateField(label=_("起始日期"), required=False)
    date_to = forms.DateField(label=_("截止日期"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # every app's audited types, from the registry
        self.fields["object_type"].choices = [("", _("全部"))] + [
            (t.object_type, t.label) for t in registry.audit_object_types()
        ]
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs.setdefault("class", css)
        self.fields["date_from"].widget.input_type = "date"
        self.fields["date_to"].widget.input_type = "date"

    def _clean_day(self, name: str) -> date | None:
        day = self.cleaned_data.get(name)
        if day is not None and not EARLIEST <= day <= LATEST:
            raise forms.ValidationError(_("日期须在 2000-01-01 至 2100-12-31 之间。"), code="out_of_range")
        return day

    def clean_date_from(self) -> date | None:
        return self._clean_day("date_from")

    def clean_date_to(self) -> date | None:
        return self._clean_day("date_to")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("截止日期不能早于起始日期。"))
        return data

    def filters(self) -> AuditFilters:
        """The validated filters (call after is_valid())."""
        data = self.cleaned_data
        return AuditFilters(
            object_type=data.get("object_type") or "",
            actor=(data.get("actor") or "").strip(),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
