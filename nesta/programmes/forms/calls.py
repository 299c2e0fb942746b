"""Web forms of calls: they shape input into the data the call services take (amounts typed in
万元, criteria as lines, the application form's fields as JSON); every rule is the services'."""

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nesta.core.validators import datetime_in_range
from nesta.directory.forms import field_choices, province_choices
from nesta.programmes.models import Call, CallStatus, CriterionScale, Programme, RoundKind

WAN = Decimal(10000)
SCALES = (
    {str(label): value for value, label in CriterionScale.choices}
    | {str(label).split("（")[0]: value for value, label in CriterionScale.choices}
    | {v: v for v in CriterionScale.values}
)


def style(form: forms.BaseForm) -> None:
    for f in form.fields.values():
        w = f.widget
        if isinstance(w, forms.CheckboxSelectMultiple | forms.RadioSelect):
            continue
        css = (
            "form-check-input"
            if isinstance(w, forms.CheckboxInput)
            else "form-select"
            if isinstance(w, forms.Select | forms.SelectMultiple)
            else "form-control"
        )
        w.attrs["class"] = (w.attrs.get("class", "") + " " + css).strip()


def wan_to_yuan(value: Decimal | None) -> str | None:
    return None if value is None else str((value * WAN).quantize(Decimal("0.01")))


def plain(amount: Decimal | None) -> str:
    return "" if amount is None else format((amount / WAN).normalize(), "f")


def _local(dt: Any) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M") if dt else ""


class WanField(forms.DecimalField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 6)
        kwargs.setdefault("min_value", Decimal(0))
        kwargs.setdefault("max_value", Decimal(10) ** 8)
        super().__init__(**kwargs)


class CallForm(forms.Form):
    programme = forms.ChoiceField(label=_("科技计划"))
    title = forms.CharField(label=_("指南名称"), max_length=160)
    summary = forms.CharField(
        label=_("指南说明"), required=False, max_length=8000, widget=forms.Textarea(attrs={"rows": 5})
    )
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    owner_province = forms.ChoiceField(
        label=_("组织省份"), required=False, help_text=_("省级自办指南选择本省；办公室指南留空")
    )
    areas = forms.MultipleChoiceField(
        label=_("支持领域"), required=False, widget=forms.SelectMultiple(attrs={"size": 8})
    )
    provinces = forms.MultipleChoiceField(
        label=_("申报范围（省份）"), required=False, widget=forms.CheckboxSelectMultiple, help_text=_("不选为不限")
    )
    opens_at = forms.DateTimeField(
        label=_("受理开始"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        validators=[datetime_in_range],
    )
    closes_at = forms.DateTimeField(
        label=_("受理截止"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        validators=[datetime_in_range],
    )
    budget = WanField(label=_("指南预算（万元）"))
    max_request = WanField(label=_("单项申请上限（万元）"))
    criteria = forms.CharField(
        label=_("评审指标"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
        help_text=_("每行一项：代码|名称|权重|评分方式（百分制/综合评价/资助意见/熟悉程度），权重之和为 1"),
    )
    reviewers_per_application = forms.IntegerField(label=_("通讯评审每项专家数"), min_value=1, max_value=15, initial=5)
    min_load = forms.IntegerField(label=_("每位专家最少评审数"), min_value=0, max_value=500, initial=0)
    max_load = forms.IntegerField(label=_("每位专家最多评审数"), min_value=1, max_value=500, initial=10)
    panel = forms.BooleanField(label=_("通讯评审后进行会议评审"), required=False)
    panel_reviewers = forms.IntegerField(label=_("会议评审专家数"), min_value=1, max_value=15, required=False)
    cutoff_count = forms.IntegerField(label=_("进入会评项数"), min_value=1, max_value=100000, required=False)
    blind = forms.BooleanField(label=_("匿名评审（专家看不到申请单位和团队）"), required=False)
    max_avoid = forms.IntegerField(label=_("可申请回避专家数"), min_value=0, max_value=10, initial=3)
    tilt_private_tech = forms.BooleanField(label=_("向民营科技企业倾斜"), required=False)
    tilt_share = forms.DecimalField(
        label=_("倾斜比例（0–1）"), required=False, min_value=0, max_value=1, decimal_places=3
    )
    form_fields = forms.CharField(
        label=_("申报书字段（JSON）"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5, "class": "font-monospace"}),
        help_text=_(
            '例：[{"name": "market", "label": "市场前景", "type": "textarea", "required": true}]；类型 text/textarea/int/money/date/choice'
        ),
    )

    def __init__(self, *args: Any, call: Call | None = None, **kwargs: Any) -> None:
        if call is not None:  # also on POST: disabled fields keep their initial values
            kwargs.setdefault("initial", self.initial_for(call))
        super().__init__(*args, **kwargs)
        self.call = call
        self.fields["programme"].choices = [(p.code, p.name) for p in Programme.objects.order_by("sort_order")]
        self.fields["owner_province"].choices = province_choices(_("（办公室指南）"))
        self.fields["areas"].choices = field_choices(grouped=False)
        self.fields["provinces"].choices = province_choices(None)
        if call is not None:
            for name in ("programme", "owner_province"):
                self.fields[name].disabled = True
            if call.status != CallStatus.DRAFT:
                editable = {"title", "summary", "closes_at", "budget"} if call.status == CallStatus.OPEN else set()
                for name, f in self.fields.items():
                    if name not in editable:
                        f.disabled = True
        style(self)

    @staticmethod
    def initial_for(call: Call) -> dict[str, Any]:
        rounds = list(call.rounds.all())
        first = next((r for r in rounds if r.kind == RoundKind.CORRESPONDENCE), None)
        panel = next((r for r in rounds if r.kind == RoundKind.PANEL), None)
        scale_label = dict(CriterionScale.choices)
        return {
            "programme": call.programme.code,
            "title": call.title,
            "summary": call.summary,
            "year": call.year,
            "owner_province": call.owner_province.code if call.owner_province_id else "",
            "areas": [n.code for n in call.fields.all()],
            "provinces": [r.code for r in call.provinces.all()],
            "opens_at": _local(call.opens_at),
            "closes_at": _local(call.closes_at),
            "budget": plain(call.budget),
            "max_request": plain(call.max_request),
            "criteria": "\n".join(
                f"{c.code}|{c.name}|{c.weight.normalize()}|{scale_label[c.scale]}" for c in call.criteria.all()
            ),
            "reviewers_per_application": first.reviewers_per_application if first else 5,
            "min_load": first.min_load if first else 0,
            "max_load": first.max_load if first else 10,
            "panel": panel is not None,
            "panel_reviewers": panel.reviewers_per_application if panel else None,
            "cutoff_count": panel.cutoff_count if panel else None,
            "blind": call.blind,
            "max_avoid": call.max_avoid,
            "tilt_private_tech": call.tilt_group == "private_tech",
            "tilt_share": call.tilt_share,
            "form_fields": json.dumps(call.form_fields, ensure_ascii=False, indent=1) if call.form_fields else "",
        }

    def clean_criteria(self) -> list[dict[str, Any]]:
        out = []
        for n, line in enumerate(x for x in self.cleaned_data["criteria"].splitlines() if x.strip()):
            parts = [p.strip() for p in line.replace("｜", "|").split("|")]
            if len(parts) < 3:
                raise forms.ValidationError(_("第 %(n)d 行应为：代码|名称|权重|评分方式") % {"n": n + 1})
            try:
                weight = str(Decimal(parts[2]))
            except InvalidOperation:
                raise forms.ValidationError(_("第 %(n)d 行的权重应为数字") % {"n": n + 1}) from None
            scale = SCALES.get(parts[3], parts[3]) if len(parts) > 3 and parts[3] else CriterionScale.SCORE
            out.append({"code": parts[0], "name": parts[1], "weight": weight, "scale": scale})
        return out

    def clean_form_fields(self) -> Any:
        text = self.cleaned_data["form_fields"].strip()
        if not text:
            return []
        try:
            return json.loads(text)
        except ValueError:
            raise forms.ValidationError(_("应为 JSON 列表。")) from None

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        data: dict[str, Any] = {
            "title": d["title"],
            "summary": d["summary"],
            "closes_at": d["closes_at"],
            "budget": wan_to_yuan(d["budget"]),
        }
        if self.call is not None and self.call.status == CallStatus.OPEN:
            return data
        rounds: list[dict[str, Any]] = [
            {
                "kind": "correspondence",
                "reviewers_per_application": d["reviewers_per_application"],
                "min_load": d["min_load"],
                "max_load": d["max_load"],
            }
        ]
        if d.get("panel"):
            rounds.append(
                {
                    "kind": "panel",
                    "reviewers_per_application": d.get("panel_reviewers") or 7,
                    "cutoff_count": d.get("cutoff_count"),
                }
            )
        data.update(
            {
                "year": d["year"],
                "fields": d["areas"],
                "provinces": d["provinces"],
                "opens_at": d["opens_at"],
                "max_request": wan_to_yuan(d["max_request"]),
                "criteria": d["criteria"],
                "rounds": rounds,
                "blind": d["blind"],
                "max_avoid": d["max_avoid"],
                "tilt_group": "private_tech" if d["tilt_private_tech"] else "",
                "tilt_share": str(d["tilt_share"]) if d["tilt_private_tech"] and d["tilt_share"] is not None else None,
                "form_fields": d["form_fields"],
            }
        )
        if self.call is None:
            data["programme"] = d["programme"]
            if d["owner_province"]:
                data["owner_province"] = d["owner_province"]
        return data


class CallFilter(forms.Form):
    status = forms.ChoiceField(label=_("状态"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("全部状态"))] + [
            c for c in CallStatus.choices if c[0] != CallStatus.DRAFT
        ]
        self.fields["status"].widget.attrs["data-autosubmit"] = ""
        style(self)

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {"status": self.cleaned_data.get("status") or ""}
