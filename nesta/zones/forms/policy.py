"""The web forms of the policy register and the research topics. Choices (zones, issuers,
documents) are read by the views through the selectors and handed in; the services check
every value again."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nesta.core.errors import ValidationFailed
from nesta.directory.forms import OrganizationPicker, organization_option
from nesta.zones.models import PolicyOutput, PolicyScope, TopicStatus
from nesta.zones.selectors.policy import PolicyFilters, TopicFilters
from nesta.zones.services.policy_files import ALLOWED, MAX_BYTES, policy_file_check, read_upload

PROVINCES = (("210000", _("辽宁省")), ("220000", _("吉林省")), ("230000", _("黑龙江省")))


def _blank(choices: Any, label: Any) -> list[tuple[Any, Any]]:
    return [("", label), *choices]


def _style(form: forms.Form, *, small: bool = False) -> None:
    size = " form-select-sm" if small else ""
    for f in form.fields.values():
        if isinstance(f.widget, forms.CheckboxInput):
            f.widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(f.widget, forms.Select | forms.SelectMultiple):
            f.widget.attrs.setdefault("class", "form-select" + size)
        else:
            f.widget.attrs.setdefault("class", "form-control" + (" form-control-sm" if small else ""))


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def zone_options(zones: list[Any]) -> list[tuple[int, str]]:
    return [(z.pk, z.short_name or z.name) for z in zones]


class PolicyFilterForm(forms.Form):
    q = forms.CharField(
        label=_("关键词"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("搜索标题、文号、发文机关、正文，如：二次创业 孵化器")}),
    )
    scope = forms.ChoiceField(label=_("适用范围"), required=False, choices=_blank(PolicyScope.choices, _("全部范围")))
    province = forms.ChoiceField(label=_("省份"), required=False, choices=_blank(PROVINCES, _("全部省份")))
    zone = forms.TypedChoiceField(label=_("高新区"), required=False, coerce=int, empty_value=None)
    issuer = forms.ChoiceField(label=_("发文机关"), required=False)
    year_from = forms.IntegerField(label=_("起始年份"), required=False, min_value=1950, max_value=2100)
    year_to = forms.IntegerField(label=_("截止年份"), required=False, min_value=1950, max_value=2100)

    def __init__(self, *args: Any, zones: list[Any] = (), issuers: list[str] = (), **kwargs: Any):  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["zone"].choices = _blank(zone_options(list(zones)), _("全部高新区"))
        self.fields["issuer"].choices = _blank([(i, i) for i in issuers], _("全部发文机关"))
        _style(self, small=True)
        for name in ("year_from", "year_to"):
            self.fields[name].widget.attrs["placeholder"] = self.fields[name].label

    def filters(self) -> PolicyFilters:
        d = self.cleaned_data if self.is_valid() else {}
        return PolicyFilters(
            q=(d.get("q") or "").strip(),
            scope=d.get("scope") or "",
            province=d.get("province") or "",
            zone=d.get("zone"),
            issuer=d.get("issuer") or "",
            year_from=d.get("year_from"),
            year_to=d.get("year_to"),
        )


class PolicyForm(forms.Form):
    title = forms.CharField(label=_("文件标题"), max_length=200)
    doc_number = forms.CharField(
        label=_("文号"), max_length=60, required=False, help_text=_("如：国发〔2003〕36号、辽政发〔2004〕12号")
    )
    issuer = forms.CharField(label=_("发文机关"), max_length=120)
    issued_on = forms.DateField(label=_("发布日期"), widget=_date_input())
    effective_until = forms.DateField(label=_("有效期至"), required=False, widget=_date_input())
    scope = forms.ChoiceField(label=_("适用范围"), choices=PolicyScope.choices)
    province = forms.ChoiceField(
        label=_("省份"),
        required=False,
        choices=_blank(PROVINCES, _("（国家文件不选）")),
        help_text=_("省级文件必选；高新区文件取所选高新区所在的省份。"),
    )
    zones = forms.TypedMultipleChoiceField(
        label=_("适用高新区"), required=False, coerce=int, help_text=_("高新区文件必选（同一省份）。")
    )
    summary = forms.CharField(
        label=_("要点"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    text = forms.CharField(
        label=_("正文"), max_length=100_000, required=False, widget=forms.Textarea(attrs={"rows": 10})
    )
    file = forms.FileField(
        label=_("附件"),
        required=False,
        help_text=_("%(a)s，不超过 %(m)d MB。") % {"a": ALLOWED, "m": MAX_BYTES // 1024 // 1024},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.doc,.docx,.ofd,.txt"}),
    )
    remove_file = forms.BooleanField(label=_("删除现有附件"), required=False)

    def __init__(self, *args: Any, zones: list[Any] = (), has_file: bool = False, **kwargs: Any):  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["zones"].choices = zone_options(list(zones))
        self.fields["zones"].widget.attrs["size"] = 7
        if not has_file:
            del self.fields["remove_file"]
        _style(self)
        self.fields["file"].widget = forms.FileInput(
            attrs={"accept": ".pdf,.doc,.docx,.ofd,.txt", "class": "form-control"}
        )

    def clean_file(self) -> Any:
        # checked here too, so a refused file is said beside the field before anything is saved
        file = self.cleaned_data.get("file")
        if file:
            try:
                policy_file_check(file.name, read_upload(file))
            except ValidationFailed as exc:
                raise forms.ValidationError([str(m) for m in exc.details.get("file", [exc.message])]) from None
            file.seek(0)
        return file

    @staticmethod
    def initial_from(document: Any) -> dict[str, Any]:
        return {
            "title": document.title,
            "doc_number": document.doc_number,
            "issuer": document.issuer,
            "issued_on": document.issued_on,
            "effective_until": document.effective_until,
            "scope": document.scope,
            "province": document.province.code if document.province_id else "",
            "zones": [z.pk for z in document.zones.all()],
            "summary": document.summary,
            "text": document.text,
        }

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        keys = ("title", "doc_number", "issuer", "issued_on", "effective_until", "scope", "province", "zones")
        data = {k: d.get(k) for k in keys}
        data["zones"] = list(d.get("zones") or [])
        data["summary"], data["text"] = d.get("summary") or "", d.get("text") or ""
        return data


class TopicFilterForm(forms.Form):
    q = forms.CharField(
        label=_("关键词"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("搜索课题名称、承担单位、研究内容和成果，如：孵化器 政策")}),
    )
    status = forms.ChoiceField(label=_("状态"), required=False, choices=_blank(TopicStatus.choices, _("全部状态")))
    zone = forms.TypedChoiceField(label=_("高新区"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, zones: list[Any] = (), **kwargs: Any):  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["zone"].choices = _blank(zone_options(list(zones)), _("全部高新区"))
        _style(self, small=True)

    def filters(self) -> TopicFilters:
        d = self.cleaned_data if self.is_valid() else {}
        return TopicFilters(q=(d.get("q") or "").strip(), status=d.get("status") or "", zone=d.get("zone"))


class TopicForm(forms.Form):
    title = forms.CharField(label=_("课题名称"), max_length=200)
    lead = forms.TypedChoiceField(label=_("承担单位"), coerce=int, widget=OrganizationPicker)
    zones = forms.TypedMultipleChoiceField(label=_("涉及高新区"), required=False, coerce=int)
    status = forms.ChoiceField(label=_("状态"), choices=TopicStatus.choices, initial=TopicStatus.PLANNED)
    started_on = forms.DateField(label=_("立项日期"), widget=_date_input())
    due_on = forms.DateField(label=_("计划结题日期"), widget=_date_input())
    completed_on = forms.DateField(
        label=_("结题日期"), required=False, widget=_date_input(), help_text=_("已结题时填写（不填则为今天）。")
    )
    summary = forms.CharField(
        label=_("研究内容"), max_length=8000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args: Any, zones: list[Any] = (), **kwargs: Any):  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        current = self.data.get("lead") if self.is_bound else self.initial.get("lead")
        lead = self.fields["lead"]
        lead.choices = [("", _("请搜索并选择机构")), *organization_option(current)]
        lead.valid_value = lambda value: True  # the service checks that the organisation exists
        self.fields["zones"].choices = zone_options(list(zones))
        self.fields["zones"].widget.attrs["size"] = 7
        _style(self)

    @staticmethod
    def initial_from(topic: Any) -> dict[str, Any]:
        return {
            "title": topic.title,
            "lead": topic.lead_id,
            "zones": [z.pk for z in topic.zones.all()],
            "status": topic.status,
            "started_on": topic.started_on,
            "due_on": topic.due_on,
            "completed_on": topic.completed_on,
            "summary": topic.summary,
        }

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        data = {k: d.get(k) for k in ("title", "lead", "status", "started_on", "due_on", "completed_on", "summary")}
        data["zones"] = list(d.get("zones") or [])
        data["summary"] = data["summary"] or ""
        return data


class OutputForm(forms.Form):
    kind = forms.ChoiceField(label=_("成果类型"), choices=PolicyOutput.Kind.choices)
    title = forms.CharField(label=_("成果名称"), max_length=200)
    delivered_on = forms.DateField(label=_("提交日期"), widget=_date_input())
    document = forms.TypedChoiceField(
        label=_("形成的政策文件"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("成果类型为“被采纳政策”时必选。"),
    )
    summary = forms.CharField(
        label=_("摘要"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, documents: list[Any] = (), **kwargs: Any):  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["document"].choices = _blank(
            [(d.pk, f"{d.title}（{d.doc_number}）" if d.doc_number else d.title) for d in documents], _("无")
        )
        _style(self)

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "kind": d["kind"],
            "title": d["title"],
            "delivered_on": d["delivered_on"],
            "summary": d.get("summary") or "",
            "document": d.get("document"),
        }
