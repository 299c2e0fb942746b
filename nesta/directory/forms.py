"""Web forms of the directory. They only shape input into the plain data dicts the services take
(province/city as GB/T 2260 codes, fields as taxonomy codes, organisations as ids); every rule is
checked by the services, whose ValidationFailed details are put back on the fields here."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nesta.core.generic.base import put_error_details
from nesta.core.models import Region
from nesta.core.selectors import provinces_with_cities, taxonomy_flat
from nesta.core.templatetags.nesta import loc
from nesta.core.validators import row_id
from nesta.directory.models import ExpertProfile, Organization, OrganizationKind, Person
from nesta.directory.selectors import OrganizationFilters, PersonFilters, high_tech_zones


def _style(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


def province_choices(blank: Any) -> list[tuple[str, Any]]:
    return [("", blank)] + [(p.code, loc(p)) for p in Region.objects.filter(level="province").order_by("code")]


def city_choices(blank: Any, province: str = "") -> list[tuple[Any, Any]]:
    """Cities of one province; with no province, all cities grouped by province."""
    choices: list[tuple[Any, Any]] = [("", blank)]
    for p in provinces_with_cities():
        cities = [(c.code, loc(c)) for c in p.children_list if c.level == "city"]
        if province and p.code != province:
            continue
        if province:
            choices.extend(cities)
        else:
            choices.append((loc(p), cities))
    return choices


def field_choices(blank: Any = None, *, grouped: bool = True) -> list[tuple[Any, Any]]:
    """Taxonomy codes: grouped by the priority area of 三.2 (for multi-selects) or indented (filters)."""
    nodes = taxonomy_flat()
    by_id = {n.pk: n for n in nodes}
    choices: list[tuple[Any, Any]] = [("", blank)] if blank is not None else []
    if not grouped:
        return choices + [(n.code, "\u3000" * n.depth + loc(n)) for n in nodes]
    groups: dict[int, list[tuple[str, str]]] = {}
    roots = []
    for n in nodes:
        root = n
        while root.parent_id:
            root = by_id[root.parent_id]
        if root is n:
            roots.append(n)
        groups.setdefault(root.pk, []).append((n.code, "\u3000" * n.depth + loc(n)))
    return choices + [(loc(r), groups[r.pk]) for r in roots]


def zone_choices(blank: Any) -> list[tuple[Any, Any]]:
    return [("", blank)] + [(z.pk, loc(z)) for z in high_tech_zones()]


def apply_service_errors(form: forms.BaseForm, details: dict[str, Any], aliases: dict[str, str] | None = None) -> None:
    """Put a ValidationFailed's {field: [messages]} on the form's fields (unknown keys: on the form)."""
    put_error_details(form, details, aliases=aliases)


# --- filters ---------------------------------------------------------------------------------


class OrganizationFilterForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("机构类型"), required=False)
    province = forms.ChoiceField(label=_("省份"), required=False)
    city = forms.ChoiceField(label=_("城市"), required=False)
    field = forms.ChoiceField(label=_("重点领域"), required=False)
    private_tech = forms.BooleanField(label=_("仅民营科技企业"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        provinces = province_choices(_("全部省份"))
        province = self.data.get("province", "") if self.is_bound else ""
        province = province if province in {code for code, _label in provinces if code} else ""
        self.fields["kind"].choices = [("", _("全部类型")), *OrganizationKind.choices]
        self.fields["province"].choices = provinces
        self.fields["city"].choices = city_choices(_("全部城市"), province)
        self.fields["field"].choices = field_choices(_("全部领域"), grouped=False)
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("输入机构名称、领域、地区等，如：稀土永磁"), "type": "search"}
        )
        _style(self)

    def filters(self) -> OrganizationFilters:
        if not self.is_bound:
            return OrganizationFilters()
        self.is_valid()
        data = self.cleaned_data
        return OrganizationFilters(
            q=(data.get("q") or "").strip(),
            kind=data.get("kind") or "",
            province=data.get("province") or "",
            city=data.get("city") or "",
            field=data.get("field") or "",
            private_tech=True if data.get("private_tech") else None,
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # A city left over from another province (the province select changed): drop it.
        if data.get("city") and data.get("province") and not data["city"].startswith(data["province"][:2]):
            data["city"] = ""
        return data


class PersonFilterForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=100)
    province = forms.ChoiceField(label=_("省份"), required=False)
    field = forms.ChoiceField(label=_("研究领域"), required=False)
    experts = forms.BooleanField(label=_("仅专家"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = province_choices(_("全部省份"))
        self.fields["field"].choices = field_choices(_("全部领域"), grouped=False)
        self.fields["q"].widget.attrs.update({"placeholder": _("输入姓名、专业特长、关键词等"), "type": "search"})
        _style(self)

    def filters(self) -> PersonFilters:
        if not self.is_bound:
            return PersonFilters()
        self.is_valid()
        data = self.cleaned_data
        return PersonFilters(
            q=(data.get("q") or "").strip(),
            province=data.get("province") or "",
            field=data.get("field") or "",
            experts_only=bool(data.get("experts")),
        )


# --- organisation --------------------------------------------------------------------------


class OrganizationForm(forms.Form):
    name = forms.CharField(label=_("机构名称"), max_length=120)
    short_name = forms.CharField(label=_("简称"), max_length=40, required=False)
    name_en = forms.CharField(label=_("英文名称"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("机构类型"))
    is_private_tech_enterprise = forms.BooleanField(label=_("民营科技企业"), required=False)
    uscc = forms.CharField(
        label=_("统一社会信用代码"), max_length=18, required=False, help_text=_("18位，按GB 32100-2015校验。")
    )
    province = forms.ChoiceField(label=_("省份"))
    city = forms.ChoiceField(label=_("城市"), required=False)
    zone = forms.TypedChoiceField(label=_("所在高新区"), required=False, coerce=int, empty_value=None)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("邮政编码"), max_length=6, required=False)
    website = forms.CharField(label=_("网站"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    contact_email = forms.CharField(label=_("联系邮箱"), max_length=254, required=False)
    established_year = forms.IntegerField(label=_("成立/批准年份"), required=False, min_value=1800, max_value=2100)
    fields = forms.MultipleChoiceField(
        label=_("重点领域"), required=False, help_text=_("可多选（按住 Ctrl 或 ⌘ 键）。")
    )
    description = forms.CharField(label=_("简介"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    is_active = forms.BooleanField(label=_("有效"), required=False, initial=True)

    def __init__(self, *args: Any, instance: Organization | None = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(instance)
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.fields["kind"].choices = [("", _("请选择")), *OrganizationKind.choices]
        provinces = province_choices(_("请选择"))
        self.fields["province"].choices = provinces
        province = (self.data.get("province") if self.is_bound else self.initial.get("province")) or ""
        province = province if province in {code for code, _label in provinces if code} else ""
        self.fields["city"].choices = city_choices(_("请选择"), province)
        # Only cities of the chosen province are offered, but the service decides what is valid.
        self.fields["city"].valid_value = lambda value: True  # type: ignore[method-assign]
        self.fields["zone"].choices = zone_choices(_("不在高新区"))
        self.fields["fields"].choices = field_choices()
        self.fields["fields"].widget.attrs["size"] = 10
        _style(self)

    @staticmethod
    def initial_from(org: Organization) -> dict[str, Any]:
        return {
            "name": org.name,
            "short_name": org.short_name,
            "name_en": org.name_en,
            "kind": org.kind,
            "is_private_tech_enterprise": org.is_private_tech_enterprise,
            "uscc": org.uscc or "",
            "province": org.province.code,
            "city": org.city.code if org.city_id else "",
            "zone": org.zone_id,
            "address": org.address,
            "postal_code": org.postal_code,
            "website": org.website,
            "contact_name": org.contact_name,
            "contact_phone": org.contact_phone,
            "contact_email": org.contact_email,
            "established_year": org.established_year,
            "fields": [f.code for f in org.fields.all()],
            "description": org.description,
            "is_active": org.is_active,
        }

    def to_data(self) -> dict[str, Any]:
        """The services' data dict (plain values only)."""
        d = self.cleaned_data
        text = (
            "name",
            "short_name",
            "name_en",
            "address",
            "postal_code",
            "website",
            "contact_name",
            "contact_phone",
            "contact_email",
            "description",
        )
        data: dict[str, Any] = {k: (d.get(k) or "").strip() for k in text}
        data.update(
            kind=d["kind"],
            is_private_tech_enterprise=bool(d.get("is_private_tech_enterprise")),
            uscc=(d.get("uscc") or "").strip(),
            province=d["province"],
            city=d.get("city") or None,
            zone=d.get("zone"),
            established_year=d.get("established_year"),
            fields=list(d.get("fields") or []),
            is_active=bool(d.get("is_active")),
        )
        return data


# --- person --------------------------------------------------------------------------------


def organization_option(org_id: Any) -> list[tuple[Any, str]]:
    """The one option an organisation picker starts with: the current value, if it exists."""
    pk = row_id(org_id)
    if pk is None:
        return []
    org = Organization.objects.filter(pk=pk).select_related("city").first()
    if org is None:
        return []
    return [(org.pk, f"{loc(org)}（{loc(org.city)}）" if org.city_id else loc(org))]


class OrganizationPicker(forms.Select):
    """A select of organisations filled by search (htmx), starting with the current value only;
    the directory can hold far too many organisations for one select. The field template adds
    the search box beside it (see includes/field.html)."""

    is_org_picker = True


class PersonForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    gender = forms.ChoiceField(label=_("性别"), required=False, choices=Person.Gender.choices)
    title = forms.CharField(label=_("职称"), max_length=40, required=False)
    position = forms.CharField(label=_("职务"), max_length=60, required=False)
    organization = forms.TypedChoiceField(
        label=_("所在机构"), required=False, coerce=int, empty_value=None, widget=OrganizationPicker
    )
    email = forms.CharField(label=_("电子邮箱"), max_length=254, required=False)
    phone = forms.CharField(label=_("电话"), max_length=30, required=False)
    fields = forms.MultipleChoiceField(
        label=_("研究领域"), required=False, help_text=_("可多选（按住 Ctrl 或 ⌘ 键）。")
    )
    keywords = forms.CharField(label=_("关键词"), max_length=300, required=False, help_text=_("以逗号或空格分隔"))
    bio = forms.CharField(label=_("简介"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    is_expert = forms.BooleanField(label=_("入选专家库"), required=False)
    expertise = forms.CharField(label=_("专业特长"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    degree = forms.CharField(label=_("学位"), max_length=20, required=False)
    is_available = forms.BooleanField(label=_("可接受评审邀请"), required=False, initial=True)
    max_reviews_per_year = forms.IntegerField(
        label=_("年度评审上限"), required=False, min_value=0, max_value=1000, initial=20
    )

    EXPERT_FIELDS = ("expertise", "degree", "is_available", "max_reviews_per_year")

    def __init__(self, *args: Any, instance: Person | None = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(instance)
        super().__init__(*args, **kwargs)
        self.instance = instance
        current = self.data.get("organization") if self.is_bound else self.initial.get("organization")
        org_field = self.fields["organization"]
        org_field.choices = [("", _("无（个人）")), *organization_option(current)]
        org_field.valid_value = lambda value: True  # the service checks that the organisation exists
        self.fields["fields"].choices = field_choices()
        self.fields["fields"].widget.attrs["size"] = 10
        _style(self)

    @staticmethod
    def initial_from(person: Person) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": person.name,
            "gender": person.gender,
            "title": person.title,
            "position": person.position,
            "organization": person.organization_id,
            "email": person.email,
            "phone": person.phone,
            "fields": [f.code for f in person.fields.all()],
            "keywords": person.keywords,
            "bio": person.bio,
        }
        profile = ExpertProfile.objects.filter(person=person).first() if person.pk else None
        initial["is_expert"] = profile is not None
        if profile is not None:
            initial.update({k: getattr(profile, k) for k in PersonForm.EXPERT_FIELDS})
        return initial

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        text = ("name", "gender", "title", "position", "email", "phone", "keywords", "bio")
        data: dict[str, Any] = {k: (d.get(k) or "").strip() for k in text}
        data["organization"] = d.get("organization")
        data["fields"] = list(d.get("fields") or [])
        if d.get("is_expert"):
            max_reviews = d.get("max_reviews_per_year")
            data["expert"] = {
                "expertise": (d.get("expertise") or "").strip(),
                "degree": (d.get("degree") or "").strip(),
                "is_available": bool(d.get("is_available")),
                "max_reviews_per_year": 20 if max_reviews is None else max_reviews,
            }
        else:
            data["expert"] = None
        return data


class AffiliationForm(forms.Form):
    organization = forms.TypedChoiceField(
        label=_("机构"), required=False, coerce=int, empty_value=None, widget=OrganizationPicker
    )
    role_title = forms.CharField(label=_("职务"), max_length=60, required=False)
    start_year = forms.IntegerField(label=_("起始年份"), required=False, min_value=1900, max_value=2100)
    end_year = forms.IntegerField(label=_("结束年份"), required=False, min_value=1900, max_value=2100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.data.get(self.add_prefix("organization")) if self.is_bound else self.initial.get("organization")
        org_field = self.fields["organization"]
        org_field.choices = [("", _("请选择")), *organization_option(current)]
        org_field.valid_value = lambda value: True
        _style(self)

    def is_blank(self) -> bool:
        d = getattr(self, "cleaned_data", {}) or {}
        return not any(d.get(k) for k in ("organization", "role_title", "start_year", "end_year"))

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "organization": d.get("organization"),
            "role_title": (d.get("role_title") or "").strip(),
            "start_year": d.get("start_year"),
            "end_year": d.get("end_year"),
        }


class BaseAffiliationFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: Any) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("删除此条")
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"


AffiliationFormSet = forms.formset_factory(
    AffiliationForm, formset=BaseAffiliationFormSet, extra=2, can_delete=True, max_num=30
)


def affiliation_initial(person: Person | None) -> list[dict[str, Any]]:
    if person is None or not person.pk:
        return []
    return [
        {
            "organization": a.organization_id,
            "role_title": a.role_title,
            "start_year": a.start_year,
            "end_year": a.end_year,
        }
        for a in person.affiliations.all()
    ]


def affiliations_data(formset: Any) -> tuple[list[dict[str, Any]], list[int]]:
    """The affiliation rows to save and, for each, the index of its form (to place errors)."""
    rows, index = [], []
    for i, form in enumerate(formset.forms):
        if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE") or form.is_blank():
            continue
        rows.append(form.to_data())
        index.append(i)
    return rows, index
