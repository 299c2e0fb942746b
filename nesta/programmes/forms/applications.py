"""Web forms of applications: the application (its texts, the budget table in 万元, the team as
lines, the call's own fields, the experts to avoid), the formal check's checklist, the reasons
of the province's and the office's steps, attachments. Every rule is the services'."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nesta.programmes.forms.calls import WanField, plain, style, wan_to_yuan
from nesta.programmes.models import Application, ApplicationStatus, BudgetCategory, Call
from nesta.programmes.rules.form_fields import TEXT_MAX
from nesta.programmes.rules.formal_check import CHECKLIST
from nesta.programmes.services.attachments import KINDS

FORM_PREFIX = "f_"
GRANT_LINES = (
    ("equipment", BudgetCategory.EQUIPMENT, _("设备费")),
    ("equipment_purchase", BudgetCategory.EQUIPMENT_PURCHASE, _("其中：设备购置费")),
    ("business", BudgetCategory.BUSINESS, _("业务费")),
    ("labour", BudgetCategory.LABOUR, _("劳务费")),
    ("indirect", BudgetCategory.INDIRECT, _("间接费用")),
)
OWN_LINES = (
    ("own_equipment", BudgetCategory.EQUIPMENT, _("设备费（自筹）")),
    ("own_business", BudgetCategory.BUSINESS, _("业务费（自筹）")),
    ("own_labour", BudgetCategory.LABOUR, _("劳务费（自筹）")),
)


def _form_field(spec: dict[str, Any]) -> forms.Field:
    kind, label, required = spec["type"], spec["label"], False  # required is checked on submission
    help_text = spec.get("help", "")
    if kind in TEXT_MAX:
        widget = forms.Textarea(attrs={"rows": 4}) if kind == "textarea" else forms.TextInput()
        return forms.CharField(
            label=label, required=required, max_length=spec.get("max_length"), widget=widget, help_text=help_text
        )
    if kind == "int":
        return forms.IntegerField(
            label=label, required=required, min_value=spec.get("min"), max_value=spec.get("max"), help_text=help_text
        )
    if kind == "money":
        return forms.DecimalField(
            label=f"{label}（元）", required=required, max_digits=14, decimal_places=2, help_text=help_text
        )
    if kind == "date":
        return forms.DateField(
            label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}), help_text=help_text
        )
    return forms.ChoiceField(
        label=label, required=required, choices=[("", "—")] + [(c, c) for c in spec["choices"]], help_text=help_text
    )


class ApplicationForm(forms.Form):
    title = forms.CharField(label=_("项目名称"), max_length=160)
    summary = forms.CharField(label=_("项目摘要"), max_length=8000, widget=forms.Textarea(attrs={"rows": 5}))
    keywords = forms.CharField(label=_("关键词"), max_length=300, required=False, help_text=_("用逗号分隔"))
    field = forms.ChoiceField(label=_("所属领域"))
    start_date = forms.DateField(label=_("计划开始"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("计划结束"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    team = forms.CharField(
        label=_("项目组成员"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一人：姓名|单位|职称|分工|投入月数；第一行为项目负责人"),
    )

    def __init__(
        self,
        *args: Any,
        call: Call,
        application: Application | None = None,
        experts: list[Any] = (),
        field_choices: Any = (),
        **kwargs: Any,
    ) -> None:  # type: ignore[assignment]
        if application is not None:
            kwargs.setdefault("initial", self.initial_for(application))
        super().__init__(*args, **kwargs)
        self.call = call
        self.fields["field"].choices = [("", "—"), *field_choices]
        for name, _cat, label in (*GRANT_LINES, *OWN_LINES):
            self.fields[name] = WanField(label=f"{label}（万元）", required=False)
        for spec in call.form_fields or []:
            self.fields[FORM_PREFIX + spec["name"]] = _form_field(spec)
        options = [("", _("（不申请回避）"))] + [
            (str(p.pk), f"{p.name}（{p.organization.name if p.organization_id else '—'}）") for p in experts
        ]
        for i in range(call.max_avoid):
            self.fields[f"avoid_{i}"] = forms.ChoiceField(
                label=_("回避专家 %(n)d") % {"n": i + 1}, required=False, choices=options
            )
            self.fields[f"avoid_reason_{i}"] = forms.CharField(label=_("回避理由"), required=False, max_length=300)
        style(self)

    @property
    def form_field_names(self) -> list[str]:
        return [FORM_PREFIX + s["name"] for s in self.call.form_fields or []]

    @property
    def call_fields(self) -> list[Any]:
        return [self[name] for name in self.form_field_names]

    @property
    def avoid_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"avoid_{i}"], self[f"avoid_reason_{i}"]) for i in range(self.call.max_avoid)]

    @staticmethod
    def initial_for(app: Application) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "title": app.title,
            "summary": app.summary,
            "keywords": app.keywords,
            "field": app.field.code,
            "start_date": app.start_date,
            "end_date": app.end_date,
            "team": "\n".join(f"{m.name}|{m.organization_name}|{m.title}|{m.role}|{m.months}" for m in app.team.all()),
        }
        items = {(b.category, b.from_grant): b.amount for b in app.budget_items.all()}
        for name, cat, _label in GRANT_LINES:
            initial[name] = plain(items.get((cat, True)))
        for name, cat, _label in OWN_LINES:
            initial[name] = plain(items.get((cat, False)))
        for key, value in (app.form_data or {}).items():
            initial[FORM_PREFIX + key] = value
        for i, r in enumerate(app.avoid_requests.all()):
            initial[f"avoid_{i}"], initial[f"avoid_reason_{i}"] = str(r.expert_id), r.reason
        return initial

    def clean_team(self) -> list[dict[str, Any]]:
        rows = []
        for n, line in enumerate(x for x in self.cleaned_data["team"].splitlines() if x.strip()):
            parts = [p.strip() for p in line.replace("｜", "|").split("|")] + ["", "", "", "", ""]
            months = parts[4] or "0"
            if not months.isdigit() or len(months) > 3:
                raise forms.ValidationError(_("第 %(n)d 行的投入月数应为整数") % {"n": n + 1})
            rows.append({"name": parts[0], "organization_name": parts[1], "title": parts[2], "role": parts[3],
                         "months": int(months), "is_lead": n == 0})  # fmt: skip
        return rows

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        budget = []
        grant = Decimal(0)
        for name, cat, _label in GRANT_LINES:
            if d.get(name) is not None:
                budget.append({"category": cat, "from_grant": True, "amount": wan_to_yuan(d[name])})
                if cat != BudgetCategory.EQUIPMENT_PURCHASE:
                    grant += Decimal(wan_to_yuan(d[name]) or 0)
        for name, cat, _label in OWN_LINES:
            if d.get(name) is not None:
                budget.append({"category": cat, "from_grant": False, "amount": wan_to_yuan(d[name])})
        form_data: dict[str, Any] = {}
        for spec in self.call.form_fields or []:
            value = d.get(FORM_PREFIX + spec["name"])
            if value not in (None, ""):
                form_data[spec["name"]] = str(value) if spec["type"] in ("money", "date") else value
        avoid = [
            {"expert": int(d[f"avoid_{i}"]), "reason": d.get(f"avoid_reason_{i}", "")}
            for i in range(self.call.max_avoid)
            if d.get(f"avoid_{i}")
        ]
        data: dict[str, Any] = {
            "title": d["title"],
            "summary": d["summary"],
            "keywords": d["keywords"],
            "field": d["field"],
            "start_date": d["start_date"],
            "end_date": d["end_date"],
            "team": d["team"],
            "budget": budget,
            "form_data": form_data,
            "avoid_requests": avoid,
        }
        if grant > 0:
            data["requested_amount"] = str(grant)  # the grant part of the table is what is asked for
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class CheckForm(forms.Form):
    """形式审查: each item passes or fails with its reason."""

    reason = forms.CharField(
        label=_("补充说明"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in CHECKLIST.items():
            self.fields[f"ok_{code}"] = forms.BooleanField(label=label, required=False, initial=True)
            self.fields[f"why_{code}"] = forms.CharField(label=_("不符合原因"), required=False, max_length=300)
        style(self)

    @property
    def rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"ok_{c}"], self[f"why_{c}"]) for c in CHECKLIST]

    def checklist(self) -> dict[str, dict[str, Any]]:
        d = self.cleaned_data
        return {c: {"ok": bool(d.get(f"ok_{c}")), "reason": d.get(f"why_{c}", "")} for c in CHECKLIST}


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("附件类型"), choices=list(KINDS.items()))
    file = forms.FileField(label=_("文件"), help_text=_("PDF、DOCX、XLSX、PNG 或 JPG，不超过 10 MB"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class ApplicationFilter(forms.Form):
    status = forms.ChoiceField(label=_("状态"), required=False)
    province = forms.ChoiceField(label=_("省份"), required=False)
    q = forms.CharField(label=_("关键词"), required=False, max_length=60)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from nesta.directory.forms import province_choices

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("全部状态")), *ApplicationStatus.choices]
        self.fields["province"].choices = province_choices(_("全部省份"))
        for name in ("status", "province"):
            self.fields[name].widget.attrs["data-autosubmit"] = ""
        style(self)

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        d = self.cleaned_data
        return {"status": d.get("status") or "", "province": d.get("province") or "", "q": d.get("q") or ""}


class MyFilter(forms.Form):
    status = forms.ChoiceField(label=_("状态"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("全部状态")), *ApplicationStatus.choices]
        self.fields["status"].widget.attrs["data-autosubmit"] = ""
        style(self)

    def filters(self) -> dict[str, Any]:
        return {"status": self.cleaned_data.get("status") or ""} if self.is_valid() else {}
