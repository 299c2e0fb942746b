"""Forms of technology contract registration: submission (with its non-technical cost lines),
the list filters, the refusal and registration points. They only shape input: every rule is the
service's (services.contract_rules), whose errors land beside these fields."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nesta.core.models import Region
from nesta.market.models import (
    CONTRACT_FAMILY,
    CONTRACT_FAMILY_LABELS,
    ContractType,
    IPType,
    PartyNature,
    PlanSource,
    RefusalReason,
    SocioEconomicObjective,
    TechContract,
    TechField,
)
from nesta.market.selectors.contracts import ContractFilters
from nesta.market.services.contract_rules import NON_TECHNICAL_ITEMS


def grouped_types() -> list[Any]:
    """The contract types as a grouped select: 技术开发 / 技术转让 / 技术许可 / 技术咨询 / 技术服务."""
    groups: dict[str, list[tuple[str, Any]]] = {}
    for value, label in ContractType.choices:
        groups.setdefault(CONTRACT_FAMILY[value], []).append((value, label))
    return [("", _("请选择合同类型"))] + [(CONTRACT_FAMILY_LABELS[f], opts) for f, opts in groups.items()]


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
            continue
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


def _blank(choices: Any, text: Any = None) -> list[Any]:
    return [("", text or _("请选择"))] + list(choices)


class ContractForm(forms.Form):
    point = forms.TypedChoiceField(label=_("登记点"), coerce=int, help_text=_("向卖方所在地的登记点申请"))
    seller_organization = forms.TypedChoiceField(label=_("卖方单位"), coerce=int, required=False, empty_value=None)
    name = forms.CharField(label=_("合同名称"), max_length=200)
    contract_type = forms.ChoiceField(label=_("合同类型"))
    listing_id = forms.IntegerField(
        label=_("对应的技术市场信息编号"), required=False, min_value=1, max_value=2_147_483_647,
        help_text=_("可选：登记后该信息标记为已成交"),
    )  # fmt: skip
    seller_name = forms.CharField(
        label=_("卖方名称"), max_length=120, required=False, help_text=_("不填则为卖方单位名称")
    )
    seller_nature = forms.ChoiceField(label=_("卖方性质"), choices=_blank(PartyNature.choices))
    seller_region = forms.CharField(
        label=_("卖方所在地区代码"),
        max_length=6,
        required=False,
        help_text=_("GB/T 2260 六位代码，不填则为卖方单位所在市"),
    )
    buyer_name = forms.CharField(label=_("买方名称"), max_length=120)
    buyer_nature = forms.ChoiceField(label=_("买方性质"), choices=_blank(PartyNature.choices))
    buyer_country = forms.CharField(
        label=_("买方国家或地区代码"), max_length=3, initial="156", help_text=_("ISO 3166 数字代码，中国为 156")
    )
    buyer_region = forms.CharField(
        label=_("买方所在地区代码"), max_length=6, required=False, help_text=_("境内买方必填，GB/T 2260 六位代码")
    )
    signed_on = forms.DateField(label=_("签订日期"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_from = forms.DateField(label=_("有效期起"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=_("有效期止"), widget=forms.DateInput(attrs={"type": "date"}))
    tech_field = forms.ChoiceField(label=_("技术领域"), choices=_blank(TechField.choices))
    ip_type = forms.ChoiceField(label=_("知识产权类型"), choices=_blank(IPType.choices))
    objective = forms.ChoiceField(label=_("社会经济目标"), choices=_blank(SocioEconomicObjective.choices))
    plan_source = forms.ChoiceField(label=_("计划来源"), choices=_blank(PlanSource.choices))
    contract_amount = forms.DecimalField(label=_("合同成交额（元）"), min_value=0, decimal_places=2, max_digits=14)
    technology_amount = forms.DecimalField(
        label=_("技术交易额（元）"), min_value=0, decimal_places=2, max_digits=14,
        help_text=_("= 合同成交额 − 非技术性费用合计"),
    )  # fmt: skip
    expected_investment = forms.DecimalField(
        label=_("预计新增投资（元）"), required=False, min_value=0, decimal_places=2, max_digits=14,
        help_text=_("仅技术转让合同填写，且必填"),
    )  # fmt: skip
    expected_output = forms.DecimalField(
        label=_("预计新增产值（元）"), required=False, min_value=0, decimal_places=2, max_digits=14,
        help_text=_("仅技术转让合同填写，且必填"),
    )  # fmt: skip

    def __init__(self, *args: Any, points: list[Any], organizations: list[Any], may_unlink: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        by_province: dict[str, list[tuple[int, str]]] = {}
        for p in points:
            by_province.setdefault(p.province.name, []).append((p.pk, f"{p.name}（{p.city.name}）"))
        self.fields["point"].choices = [("", _("请选择登记点"))] + list(by_province.items())
        orgs = [(o.pk, o.name) for o in organizations]
        if may_unlink or not orgs:
            orgs = [("", _("（不关联平台机构，直接填写卖方名称）"))] + orgs
        self.fields["seller_organization"].choices = orgs
        self.fields["contract_type"].choices = grouped_types()
        _style(self)

    def to_data(self, costs: list[dict[str, Any]]) -> dict[str, Any]:
        d = self.cleaned_data
        data = {k: v for k, v in d.items() if k not in ("point", "seller_organization")}
        data["point_id"] = d.get("point")
        data["seller_organization_id"] = d.get("seller_organization")
        data["seller_country"] = "156"
        data["non_technical_costs"] = costs
        return data


class CostLineForm(forms.Form):
    item = forms.ChoiceField(label=_("费用项目"), choices=_blank(NON_TECHNICAL_ITEMS.items()), required=False)
    amount = forms.DecimalField(label=_("金额（元）"), required=False, min_value=0, decimal_places=2, max_digits=14)
    note = forms.CharField(label=_("说明"), max_length=60, required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _style(self)


CostLines = forms.formset_factory(CostLineForm, extra=4, max_num=20, validate_max=True)


def cost_data(formset: Any) -> list[dict[str, Any]]:
    """The filled cost lines (an empty row is no line)."""
    lines = []
    for form in formset.forms:
        d = getattr(form, "cleaned_data", {}) or {}
        if d.get("item") or d.get("amount") is not None:
            lines.append({"item": d.get("item") or "", "amount": d.get("amount"), "note": d.get("note") or ""})
    return lines


class ContractFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), required=False, choices=_blank(TechContract.Status.choices, _("全部")))
    year = forms.IntegerField(label=_("登记年度"), required=False, min_value=2000, max_value=2100)
    overdue = forms.BooleanField(label=_("只看超期"), required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _style(self)

    def filters(self, **extra: Any) -> ContractFilters:
        d = self.cleaned_data if self.is_valid() else {}
        return ContractFilters(
            status=d.get("status") or "", year=d.get("year"), overdue=bool(d.get("overdue")), **extra
        )


class RefuseForm(forms.Form):
    reasons = forms.MultipleChoiceField(
        label=_("不予登记理由"), choices=RefusalReason.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    note = forms.CharField(label=_("说明"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _style(self)


class RegistrationPointForm(forms.Form):
    organization = forms.TypedChoiceField(label=_("登记机构（技术市场）"), coerce=int)
    name = forms.CharField(label=_("登记点名称"), max_length=120)
    city = forms.ChoiceField(label=_("所在城市"))
    point_code = forms.CharField(label=_("登记点代码"), max_length=2, help_text=_("两位数字，城市内唯一"))
    decision_days = forms.IntegerField(label=_("认定期限（日）"), min_value=1, max_value=180, initial=30)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args: Any, organizations: list[Any], instance: Any = None, **kwargs: Any):
        if instance is not None and not kwargs.get("initial"):
            kwargs["initial"] = {
                "organization": instance.organization_id,
                "name": instance.name,
                "city": instance.city.code,
                "point_code": instance.point_code,
                "decision_days": instance.decision_days,
                "is_active": instance.is_active,
            }
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = _blank((o.pk, o.name) for o in organizations)
        cities = Region.objects.filter(level="city").select_related("parent").order_by("code")
        self.fields["city"].choices = _blank((c.code, f"{c.parent.name} · {c.name}") for c in cities)
        _style(self)

    def to_data(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        d["organization_id"] = d.pop("organization")
        return d
