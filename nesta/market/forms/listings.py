"""Web forms of listings. They shape input into the data dicts the listing services take; every
rule is the services' (their ValidationFailed details land back on the fields).

The form of a kind is built from that kind's `details` schema (nesta.market.kinds): a choice
list becomes a select, a list of choices a group of checkboxes, a date a date picker, a long
text a textarea, the IP items a textarea of "类型 号码" lines. Prices are typed in 万元 (the
agricultural kinds' unit prices in 元/吨) and handed to the services in 元.
"""

import types
import typing
from datetime import date
from decimal import Decimal
from typing import Any

from annotated_types import MaxLen
from django import forms
from django.utils.translation import gettext_lazy as _

from nesta.directory.forms import OrganizationPicker, city_choices, field_choices, organization_option, province_choices
from nesta.market.kinds import DETAIL_CHOICES, DETAIL_LABELS, KIND_DETAILS, KIND_FACETS
from nesta.market.models import IPType, Listing, ListingKind, ListingStatus, Maturity
from nesta.market.services.listing_rules import FACET_FIELDS
from nesta.market.services.listings import ON_MARKET, ON_MARKET_FIELDS

WAN = Decimal(10000)
# Unit prices per tonne are typed in 元, everything else in 万元.
YUAN_KINDS = {ListingKind.AGRI_SUPPLY, ListingKind.AGRI_DEMAND}
DETAIL_PREFIX = "d_"
# The amounts inside details, typed in 万元 like the prices (the schema holds 元).
MONEY_DETAILS = {
    "appraised_value": _("评估值（万元）"),
    "revenue_last_year": _("上年营业收入（万元）"),
    "fund_size": _("基金规模（万元）"),
}
LONG_TEXT = 200  # longer texts get a textarea


def plain(amount: Decimal) -> str:
    """500.000000 → "500", 12.5000 → "12.5" (never 5E+2 in a number input)."""
    return format(amount.normalize(), "f")


def _style(form: forms.BaseForm) -> None:
    for f in form.fields.values():
        widget = f.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


def _base(annotation: Any) -> tuple[Any, bool]:
    """The type under `X | None`, and whether None is allowed."""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        return rest[0], True
    return annotation, False


def _max_length(info: Any) -> int | None:
    for m in info.metadata:
        if isinstance(m, MaxLen):
            return m.max_length
        inner = getattr(m, "max_length", None)
        if isinstance(inner, int):
            return inner
    return None


def _region_choices() -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for _value, label in city_choices(None):
        if isinstance(label, list):
            out.extend(label)
    provinces = [(c, lbl) for c, lbl in province_choices(None) if c]
    return provinces + out


def detail_field(kind: str, name: str, info: Any) -> forms.Field:
    """The form field of one `details` field of a kind's schema."""
    label = DETAIL_LABELS.get(name, name)
    required = info.is_required()
    annotation, _nullable = _base(info.annotation)
    origin = typing.get_origin(annotation)
    if name == "ip_items":
        return forms.CharField(
            label=label,
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_("每行一项：类型 号码，如“发明专利 ZL201910000001.1”；技术秘密可不填号码。"),
        )
    if name == "regions":
        return forms.MultipleChoiceField(
            label=label, required=False, choices=_region_choices(), widget=forms.SelectMultiple(attrs={"size": 6})
        )
    if name in DETAIL_CHOICES:
        choices = list(DETAIL_CHOICES[name].choices)
        if origin is list:
            return forms.MultipleChoiceField(
                label=label, required=required, choices=choices, widget=forms.CheckboxSelectMultiple
            )
        blank = [] if required and info.default is None else [("", _("请选择"))]
        return forms.ChoiceField(label=label, required=required, choices=blank + choices)
    if annotation is bool:
        return forms.BooleanField(label=label, required=False)
    if annotation is date:
        return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))
    if name in MONEY_DETAILS:
        return forms.DecimalField(
            label=MONEY_DETAILS[name], required=required, min_value=0, max_digits=16, decimal_places=6
        )
    if annotation is Decimal:
        return forms.DecimalField(label=label, required=required, min_value=0, max_digits=16, decimal_places=3)
    if annotation is int:
        return forms.IntegerField(label=label, required=required)
    length = _max_length(info)
    widget = forms.Textarea(attrs={"rows": 3}) if (length or 0) > LONG_TEXT else None
    return forms.CharField(label=label, required=required, max_length=length, widget=widget, strip=True)


def _ip_lines(text: str) -> list[dict[str, str]] | str:
    """'发明专利 ZL2019…' lines as ip items (the label or the code of the type first)."""
    by_label = {str(lbl): value for value, lbl in IPType.choices} | {v: v for v in IPType.values}
    items = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        head, _sep, number = line.replace("\u3000", " ").partition(" ")
        items.append({"type": by_label.get(head.strip(), head.strip()), "number": number.strip()})
    return items


def _ip_text(items: list[dict[str, Any]]) -> str:
    labels = dict(IPType.choices)
    return "\n".join(f"{labels.get(i.get('type'), i.get('type'))} {i.get('number', '')}".strip() for i in items or [])


class KindChoiceForm(forms.Form):
    kind = forms.ChoiceField(label=_("信息类别"), choices=ListingKind.choices, widget=forms.RadioSelect)


class ListingForm(forms.Form):
    """Create or edit a listing of one kind."""

    organization = forms.ChoiceField(label=_("发布单位"), required=False, widget=OrganizationPicker)
    title = forms.CharField(label=_("标题"), max_length=120)
    summary = forms.CharField(label=_("简介"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    keywords = forms.CharField(
        label=_("关键词"), max_length=300, required=False, help_text=_("以逗号、顿号或空格分隔，最多 20 个")
    )
    field = forms.ChoiceField(label=_("所属领域"))
    province = forms.ChoiceField(label=_("省份"))
    city = forms.ChoiceField(label=_("城市"), required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    contact_email = forms.CharField(label=_("联系邮箱"), max_length=254, required=False)
    valid_until = forms.DateField(
        label=_("有效期至"), required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text=_("最长三年")
    )

    def __init__(
        self,
        data: Any = None,
        *,
        kind: str,
        listing: Listing | None = None,
        choose_org: bool = False,
        initial: dict[str, Any] | None = None,
    ):
        self.kind = kind
        self.listing = listing
        super().__init__(data, initial=self._initial(listing) if listing else initial)
        facets = KIND_FACETS[kind]
        unit = _("元") if kind in YUAN_KINDS else _("万元")
        self.fields["field"].choices = field_choices(_("请选择"), grouped=True)
        self.fields["province"].choices = province_choices(_("请选择"))
        # A new form lists the cities of its province; a posted one accepts any city, so that a
        # city outside the province gets the service's message (不属于…) with the others.
        province = self.initial.get("province", "") if data is None else ""
        self.fields["city"].choices = city_choices(_("请选择"), province)
        if choose_org:
            value = (data or {}).get("organization") if data is not None else None
            self.fields["organization"].choices = [("", _("本单位"))] + organization_option(value)
            self.fields["organization"].help_text = _("代其他单位发布时选择；不选为本人所在单位")
        else:
            del self.fields["organization"]
        if listing is not None:
            self.fields.pop("organization", None)
        for name, choices in (("maturity", Maturity), ("ip_type", IPType)):
            rule = facets.get(name)
            if rule:
                label = _("成熟度") if name == "maturity" else _("知识产权类型")
                self.fields[name] = forms.ChoiceField(
                    label=label, required=rule == "required", choices=[("", _("请选择")), *choices.choices]
                )
        price_label = facets["price"]
        self.fields["price_low"] = forms.DecimalField(
            label=f"{price_label}（{_('下限')}，{unit}）"
            if kind != ListingKind.PROPERTY_RIGHT
            else f"{price_label}（{unit}）",
            required=False,
            min_value=0,
            max_digits=16,
            decimal_places=6 if kind not in YUAN_KINDS else 2,
        )
        if kind != ListingKind.PROPERTY_RIGHT:
            self.fields["price_high"] = forms.DecimalField(
                label=f"{price_label}（{_('上限')}，{unit}）",
                required=False,
                min_value=0,
                max_digits=16,
                decimal_places=6 if kind not in YUAN_KINDS else 2,
                help_text=_("只有一个价格时上下限填同一数"),
            )
        if not facets.get("price_required"):
            self.fields["price_negotiable"] = forms.BooleanField(
                label=_("面议"), required=False, help_text=_("不填价格时按面议显示")
            )
        self.facet_title = _("成熟度与价格") if facets.get("maturity") else _("价格")
        self.detail_names: list[str] = []
        for name, info in KIND_DETAILS[kind].model_fields.items():
            self.fields[DETAIL_PREFIX + name] = detail_field(kind, name, info)
            self.detail_names.append(name)
        if listing is not None:
            self._set_initial_details(listing)
            if listing.status in ON_MARKET:
                for name, f in self.fields.items():
                    if name not in ON_MARKET_FIELDS:
                        f.disabled = True
        _style(self)

    @property
    def common_fields(self) -> list[Any]:
        return [self[n] for n in self.fields if not n.startswith(DETAIL_PREFIX) and n not in FACET_FIELDS]

    @property
    def facet_fields(self) -> list[Any]:
        return [self[n] for n in self.fields if n in FACET_FIELDS]

    @property
    def detail_fields(self) -> list[Any]:
        return [self[DETAIL_PREFIX + n] for n in self.detail_names]

    def _price_in(self, value: Any) -> Any:
        if value is None:
            return None
        return value if self.kind in YUAN_KINDS else (value * WAN).quantize(Decimal("0.01"))

    def _price_out(self, value: Decimal | None) -> Any:
        if value is None:
            return None
        return value if self.kind in YUAN_KINDS else plain(value / WAN)

    def _initial(self, listing: Listing) -> dict[str, Any]:
        return {
            "title": listing.title,
            "summary": listing.summary,
            "keywords": listing.keywords,
            "field": listing.field.code,
            "province": listing.province.code,
            "city": listing.city.code if listing.city_id else "",
            "contact_name": listing.contact_name,
            "contact_phone": listing.contact_phone,
            "contact_email": listing.contact_email,
            "valid_until": listing.valid_until,
            "maturity": listing.maturity,
            "ip_type": listing.ip_type,
            "price_low": self._price_out(listing.price_low),
            "price_high": self._price_out(listing.price_high),
            "price_negotiable": listing.price_negotiable,
        }

    def _set_initial_details(self, listing: Listing) -> None:
        for name in self.detail_names:
            value = (listing.details or {}).get(name)
            if name == "ip_items":
                value = _ip_text(value or [])
            elif name in MONEY_DETAILS and value not in (None, ""):
                value = plain(Decimal(str(value)) / WAN)
            self.initial[DETAIL_PREFIX + name] = value

    def _details(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in self.detail_names:
            value = self.cleaned_data.get(DETAIL_PREFIX + name)
            if name == "ip_items":
                value = _ip_lines(value or "")
            elif name in MONEY_DETAILS and isinstance(value, Decimal):
                value = (value * WAN).quantize(Decimal("0.01"))
            if isinstance(value, Decimal):
                value = str(value)
            elif isinstance(value, date):
                value = value.isoformat()
            if value in (None, "", []):
                out[name] = None
            else:
                out[name] = value
        return out

    def to_data(self) -> dict[str, Any]:
        """The service's input: everything for a new listing; only what changed for an edit."""
        cd = self.cleaned_data
        data: dict[str, Any] = {
            name: cd.get(name)
            for name in self.fields
            if not name.startswith(DETAIL_PREFIX) and name not in ("price_low", "price_high", "organization")
        }
        if "organization" in self.fields and cd.get("organization"):
            data["organization"] = cd["organization"]
        for name in ("price_low", "price_high"):
            if name in self.fields:
                data[name] = self._price_in(cd.get(name))
        if data.get("valid_until") is None:
            data.pop("valid_until", None)
        details = self._details()
        if self.listing is None:
            data["details"] = {k: val for k, val in details.items() if val is not None}
            return data
        changed = set(self.changed_data)
        patch = {k: val for k, val in data.items() if k in changed}
        if any(n.startswith(DETAIL_PREFIX) for n in changed):
            patch["details"] = details
        return patch

    def put_errors(self, details: Any) -> None:
        """Service details onto the fields (details.x → d_x); others above the form."""
        for key, messages in (details if isinstance(details, dict) else {}).items():
            if not isinstance(messages, list):
                continue
            name = key
            if key.startswith("details."):
                name = DETAIL_PREFIX + key.removeprefix("details.").split(".")[0]
            for message in messages:
                if name in self.fields and not self.fields[name].disabled:
                    self.add_error(name, str(message))
                else:
                    self.add_error(None, f"{self.label_of(key)}：{message}" if key != "__all__" else str(message))

    def label_of(self, key: str) -> str:
        name = key.removeprefix("details.").split(".")[0]
        return str(DETAIL_LABELS.get(name) or (self.fields[key].label if key in self.fields else key))


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("XLSX 文件"), help_text=_("按模板填写，一次最多 1000 行；有任何错误时不导入任何行"))
    dry_run = forms.BooleanField(label=_("只校验，不导入"), required=False)


class MyListingsFilter(forms.Form):
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态")), *ListingStatus.choices])
    kind = forms.ChoiceField(label=_("类别"), required=False, choices=[("", _("全部类别")), *ListingKind.choices])

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _style(self)

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {"status": "", "kind": ""}
        return {"status": self.cleaned_data["status"], "kind": self.cleaned_data["kind"]}
