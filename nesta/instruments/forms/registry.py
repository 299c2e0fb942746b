"""The form to register (登记) or edit an instrument. It only shapes input into the plain data dict
the registry services take (owner id, category code, GB/T 2260 codes, money in 元 as decimal
strings, manager user ids); the services check every rule again, save, index and audit."""

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from nesta.core.errors import ValidationFailed
from nesta.core.models import Region
from nesta.core.permissions import Role, Target, can, grants_of, restrict
from nesta.core.templatetags.nesta import loc
from nesta.directory.forms import OrganizationPicker, _style, city_choices, organization_option, province_choices
from nesta.directory.models import Organization
from nesta.instruments.models import Instrument, InstrumentCategory
from nesta.instruments.services.photos import PHOTO_MAX_BYTES, photo_check

# Up to this many organisations in the user's scope are offered in one select; beyond it (the
# office sees every organisation) the owner is picked by searching.
OWNER_SELECT_LIMIT = 300
MAX_MANAGERS = 50
_USERNAME_SPLIT = re.compile(r"[\s,，、;；]+")
MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal(0)}
MONEY_ERRORS = {
    "min_value": _("金额不能为负。"),
    "invalid": _("请输入金额（元），如 1200000 或 1200000.50。"),
    "max_digits": _("金额过大。"),
    "max_whole_digits": _("金额过大。"),
    "max_decimal_places": _("金额最多保留两位小数（分）。"),
}
FEE_FIELDS = ("internal_hourly_rate", "external_hourly_rate", "internal_sample_rate", "external_sample_rate")
TEXT_FIELDS = (
    "name",
    "name_en",
    "model_number",
    "manufacturer",
    "country_of_origin",
    "address",
    "techniques",
    "sample_requirements",
)


def category_choices() -> list[tuple[Any, Any]]:
    """The national classification grouped by class, each option read as 大类 › 小类 (a class is
    selectable as itself only where it has no sub-classes, or for records that already use it)."""
    nodes = list(InstrumentCategory.objects.only("id", "code", "name", "name_en", "parent_id").order_by("code"))
    children: dict[int, list[InstrumentCategory]] = {}
    for node in nodes:
        if node.parent_id:
            children.setdefault(node.parent_id, []).append(node)
    choices: list[tuple[Any, Any]] = [("", _("请选择"))]
    for node in nodes:
        if node.parent_id:
            continue
        subs = children.get(node.pk, [])
        if not subs:
            choices.append((node.code, loc(node)))
            continue
        options = [(node.code, _("%(name)s（未细分）") % {"name": loc(node)})]
        options += [(c.code, f"{loc(node)} › {loc(c)}") for c in subs]
        choices.append((loc(node), options))
    return choices


def _money(label: Any, *, required: bool) -> forms.DecimalField:
    return forms.DecimalField(label=label, required=required, error_messages=MONEY_ERRORS, **MONEY)  # type: ignore[arg-type]


class InstrumentForm(forms.Form):
    owner = forms.TypedChoiceField(
        label=_("所属单位"), coerce=int, empty_value=None, error_messages={"required": _("请选择所属单位。")}
    )
    name = forms.CharField(label=_("仪器名称"), max_length=120)
    name_en = forms.CharField(label=_("英文名称"), max_length=200, required=False)
    category = forms.ChoiceField(label=_("仪器分类"), help_text=_("按国家大型科学仪器分类选择：大类 › 小类。"))
    model_number = forms.CharField(label=_("规格型号"), max_length=80, required=False)
    manufacturer = forms.CharField(label=_("生产厂商"), max_length=120, required=False)
    country_of_origin = forms.CharField(label=_("产地国别"), max_length=40, required=False)
    original_value = _money(_("原值（元）"), required=True)
    purchase_date = forms.DateField(
        label=_("购置日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("日期格式应为 YYYY-MM-DD。")},
    )
    province = forms.ChoiceField(label=_("省份"), required=False)
    city = forms.ChoiceField(label=_("城市"), required=False)
    address = forms.CharField(label=_("安放地址"), max_length=200, required=False)
    techniques = forms.CharField(
        label=_("技术指标与功能"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("主要技术指标、功能和可开展的测试项目；用于平台检索。"),
    )
    sample_requirements = forms.CharField(
        label=_("样品要求"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    photo = forms.FileField(
        label=_("仪器照片"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png"}),
        help_text=_("JPG 或 PNG 图片，不超过 %(m)d MB；上传新照片将替换原照片。")
        % {"m": PHOTO_MAX_BYTES // 1024 // 1024},
    )
    managers = forms.CharField(
        label=_("仪器管理员"),
        required=False,
        max_length=2000,
        help_text=_("所属单位用户的登录名，多个以逗号或空格分隔；留空表示不指定。"),
    )
    status = forms.ChoiceField(label=_("运行状态"), choices=Instrument.Status.choices, initial=Instrument.Status.IN_USE)
    is_open = forms.BooleanField(label=_("对外开放"), required=False, initial=True)
    is_specialised = forms.BooleanField(
        label=_("专用仪器"), required=False, help_text=_("专用仪器年有效机时基准为800小时，通用仪器为1400小时。")
    )
    internal_hourly_rate = _money(_("单位内机时费（元/小时）"), required=False)
    external_hourly_rate = _money(_("对外机时费（元/小时）"), required=False)
    internal_sample_rate = _money(_("单位内测样费（元/样）"), required=False)
    external_sample_rate = _money(_("对外测样费（元/样）"), required=False)

    def __init__(self, *args: Any, user: Any, instance: Instrument | None = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(instance)
        super().__init__(*args, **kwargs)
        self.user = user
        self.instance = instance
        self.fixed_owner: Organization | None = instance.owner if instance is not None else None
        self._setup_owner()
        if self.fixed_owner is not None and instance is None:
            self.initial.setdefault("province", self.fixed_owner.province.code)
            self.initial.setdefault("city", self.fixed_owner.city.code if self.fixed_owner.city_id else "")
        self.fields["category"].choices = category_choices()
        self.fields["category"].error_messages["invalid_choice"] = _("未知的仪器分类：%(value)s。")
        provinces = province_choices(_("请选择"))
        self.fields["province"].choices = provinces
        province = (self.data.get("province") if self.is_bound else self.initial.get("province")) or ""
        province = province if province in {code for code, _label in provinces if code} else ""
        self.fields["city"].choices = city_choices(_("请选择"), province)
        # Only cities of the chosen province are offered; clean() says when a posted one is not.
        city: Any = self.fields["city"]
        city.valid_value = lambda value: True
        if instance is not None:
            self.fields["province"].required = True
        else:
            self.fields["province"].help_text = _("留空则取所属单位所在地。")
        _style(self)

    # --- owner ---------------------------------------------------------------------------------

    def _broad(self) -> bool:
        """Does the user register for organisations in general (office, province), rather than
        for their own organisation?"""
        return any(g.role in (Role.OFFICE, Role.PROVINCE) for g in grants_of(self.user))

    def _scope(self) -> QuerySet[Organization]:
        orgs = Organization.objects.select_related("province", "city").order_by("province__code", "name", "pk")
        return restrict(self.user, "instrument.create", orgs, province_field="province__code", organization_field="pk")

    def _setup_owner(self) -> None:
        field: Any = self.fields["owner"]
        if not self._broad():
            if self.instance is None:
                mine = list(self._scope()[:OWNER_SELECT_LIMIT])
                if len(mine) == 1:
                    self.fixed_owner = mine[0]
                elif mine:  # admin of several organisations: choose among them
                    field.choices = [("", _("请选择")), *[(o.pk, loc(o)) for o in mine]]
                    field.valid_value = lambda value: True  # clean_owner decides
                    return
            del self.fields["owner"]
            return
        field.valid_value = lambda value: True  # clean_owner decides
        scope = self._scope()
        orgs = list(scope[: OWNER_SELECT_LIMIT + 1])
        if len(orgs) <= OWNER_SELECT_LIMIT:
            field.choices = [("", _("请选择")), *[(o.pk, f"{loc(o)}（{loc(o.province)}）") for o in orgs]]
            if self.instance is not None and self.instance.owner_id not in {o.pk for o in orgs}:
                field.choices.append((self.instance.owner_id, loc(self.instance.owner)))
        else:
            field.widget = OrganizationPicker()
            current = self.data.get("owner") if self.is_bound else self.initial.get("owner")
            field.choices = [("", _("请选择")), *organization_option(current)]
            field.help_text = _("输入机构名称搜索后选择。")

    def clean_owner(self) -> Organization | None:
        pk = self.cleaned_data.get("owner")
        if pk is None:
            return None
        org = Organization.objects.select_related("province", "city").filter(pk=pk).first() if pk < 2**31 else None
        if org is None:
            raise forms.ValidationError(_("所属单位不存在。"))
        unchanged = self.instance is not None and org.pk == self.instance.owner_id
        if not unchanged and not can(
            self.user, "instrument.create", Target(province_code=org.province.code, organization_id=org.pk)
        ):
            raise forms.ValidationError(_("您不能为该单位登记仪器。"))
        return org

    # --- the rest ------------------------------------------------------------------------------

    def clean_managers(self) -> list[Any]:
        names = [n for n in _USERNAME_SPLIT.split(self.cleaned_data.get("managers") or "") if n]
        names = list(dict.fromkeys(names))
        if len(names) > MAX_MANAGERS:
            raise forms.ValidationError(_("仪器管理员最多 %(n)d 人。") % {"n": MAX_MANAGERS})
        users = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
        missing = [n for n in names if n not in users]
        if missing:
            raise forms.ValidationError(_("未找到用户：%(names)s") % {"names": "、".join(missing)})
        return [users[n] for n in names]

    def clean_photo(self) -> Any:
        photo = self.cleaned_data.get("photo")
        if photo is None:
            return None
        try:
            photo_check(photo)
        except ValidationFailed as exc:
            raise forms.ValidationError([str(m) for m in exc.details.get("photo", [exc.message])]) from None
        return photo

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        owner = data.get("owner") if "owner" in self.fields else self.fixed_owner
        province_code = data.get("province") or ""
        city_code = data.get("city") or ""
        province = Region.objects.filter(code=province_code, level="province").first() if province_code else None
        if city_code:
            city = Region.objects.filter(code=city_code, level="city").select_related("parent").first()
            if city is None:
                self.add_error("city", _("未知的城市。"))
            elif not province_code:
                self.add_error("province", _("请选择城市所在的省份。"))
            elif city.parent_id != getattr(province, "pk", None):
                self.add_error("city", _("城市不属于所选省份。"))
        if owner is not None and not self.errors:
            self._check_place(owner, province_code)
        if owner is not None and data.get("managers"):
            outsiders = [u.username for u in data["managers"] if u.organization_id != owner.pk]
            if outsiders:
                self.add_error(
                    "managers", _("仪器管理员须为所属单位的用户：%(names)s") % {"names": "、".join(outsiders)}
                )
        return data

    def _check_place(self, owner: Organization, province_code: str) -> None:
        """The instrument's new owner and province must be where the user may register; moving an
        instrument also needs that right where it was (the service refuses otherwise)."""
        new = Target(province_code=province_code or owner.province.code, organization_id=owner.pk)
        if self.instance is not None:
            old = Target(province_code=self.instance.province.code, organization_id=self.instance.owner_id)
            if new == old:
                return
            if not (can(self.user, "instrument.create", new) and can(self.user, "instrument.create", old)):
                field = "owner" if "owner" in self.changed_data else "province"
                self.add_error(
                    field if field in self.fields else None,
                    _("您没有将仪器移至其他单位或省份的权限（需在两地都有登记仪器的权限）。"),
                )
        elif not can(self.user, "instrument.create", new):
            self.add_error("province", _("您不能在该省份登记仪器。"))

    @staticmethod
    def initial_from(instrument: Instrument) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(instrument, name) for name in TEXT_FIELDS}
        initial.update(
            owner=instrument.owner_id,
            category=instrument.category.code,
            original_value=instrument.original_value,
            purchase_date=instrument.purchase_date,
            province=instrument.province.code,
            city=instrument.city.code if instrument.city_id else "",
            managers=", ".join(u.username for u in sorted(instrument.managers.all(), key=lambda u: u.pk)),
            status=instrument.status,
            is_open=instrument.is_open,
            is_specialised=instrument.is_specialised,
            **{name: getattr(instrument, name) for name in FEE_FIELDS},
        )
        return initial

    def to_data(self) -> dict[str, Any]:
        """The services' data dict. Registering: every field given (blank place → the owner's, blank
        fees → 0). Editing: only the fields that changed, so the rest stay as they are."""
        d = self.cleaned_data
        data: dict[str, Any] = {name: (d.get(name) or "").strip() for name in TEXT_FIELDS}
        data.update(
            category=d["category"],
            original_value=str(d["original_value"]),
            purchase_date=d["purchase_date"].isoformat() if d.get("purchase_date") else None,
            province=d.get("province") or "",
            city=d.get("city") or None,
            managers=[u.pk for u in d.get("managers") or []],
            status=d["status"],
            is_open=bool(d.get("is_open")),
            is_specialised=bool(d.get("is_specialised")),
        )
        for name in FEE_FIELDS:
            data[name] = str(d[name] if d.get(name) is not None else Decimal(0))
        owner = d.get("owner") if "owner" in self.fields else self.fixed_owner
        if self.instance is None:
            data["owner"] = owner.pk if owner is not None else None
            if not data["province"]:  # the service takes the owner's province and city
                del data["province"]
                del data["city"]
            return data
        if owner is not None:
            data["owner"] = owner.pk
        changed = set(self.changed_data)
        if changed & {"province", "city"}:
            changed |= {"province", "city"}
        return {k: v for k, v in data.items() if k in changed}
