"""Writes of the instrument registry: instruments with their booking policy (and photo). Each
function checks permission, validates, saves, re-indexes and audits in one transaction, so a
failed write leaves nothing behind. Beside it: `photos` (what an upload must be, re-encoding),
`indexing` (search documents), `import_save` (the XLSX import's bulk save) and `access`
(blackouts and training qualifications).

`data` holds plain values, as the API and the XLSX import send them: the owner's id, the
category's code, GB/T 2260 codes for province and city (defaulting to the owner's), money in 元 as
decimal strings or numbers, manager user ids, and the booking policy as a nested dict. A photo
is an uploaded file passed beside it (`photo=`): checked, stored, and removed again if the write
fails.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from nesta.core.audit import audit_record, diff, snapshot
from nesta.core.errors import NotFound, ValidationFailed, validation_details
from nesta.core.models import Region
from nesta.core.permissions import Target, require, require_move
from nesta.core.transactions import write_transaction
from nesta.core.validators import row_id
from nesta.directory.models import Organization
from nesta.instruments.models import BookingPolicy, Instrument, InstrumentCategory
from nesta.instruments.services.indexing import reindex_instrument
from nesta.instruments.services.photos import files_removed_on_failure, photo_check, photo_storage, put_photo

INSTRUMENT_FIELDS = {
    "name",
    "name_en",
    "owner",
    "category",
    "model_number",
    "manufacturer",
    "country_of_origin",
    "original_value",
    "purchase_date",
    "techniques",
    "sample_requirements",
    "province",
    "city",
    "address",
    "managers",
    "status",
    "is_open",
    "is_specialised",
    "internal_hourly_rate",
    "external_hourly_rate",
    "internal_sample_rate",
    "external_sample_rate",
    "policy",
}
MONEY_FIELDS = (
    "original_value",
    "internal_hourly_rate",
    "external_hourly_rate",
    "internal_sample_rate",
    "external_sample_rate",
)
# Fields whose change moves the instrument to another owner or province: only those who may
# create an instrument there may do it.
STRUCTURAL_FIELDS = ("owner", "province")
REQUIRED_ON_CREATE = ("name", "owner", "category", "original_value")
POLICY_FIELDS = {f.name for f in BookingPolicy._meta.concrete_fields if f.name not in {"id", "instrument"}}
_WEEKDAYS = re.compile(r"^[1-7]{1,7}$")


@dataclass
class Lookups:
    """Reference rows read once per call (an XLSX import shares one across its rows)."""

    regions: dict[str, Region | None] = field(default_factory=dict)
    categories: dict[str, InstrumentCategory | None] = field(default_factory=dict)
    owners: dict[int, Organization | None] = field(default_factory=dict)

    def region(self, code: Any, level: str, name: str) -> Region | None:
        if code in (None, ""):
            return None
        code = str(code)
        if code not in self.regions:
            self.regions[code] = Region.objects.filter(code=code).first()
        region = self.regions[code]
        if region is None or region.level != level:
            raise ValidationFailed(details={name: [_("未知的行政区划代码：%(code)s") % {"code": code}]})
        return region

    def category(self, code: Any) -> InstrumentCategory:
        code = "" if code is None else str(code).strip()
        if code not in self.categories:
            self.categories[code] = (
                InstrumentCategory.objects.select_related("parent").filter(code=code).first() if code else None
            )
        found = self.categories[code]
        if found is None:
            raise ValidationFailed(details={"category": [_("未知的仪器分类代码：%(code)s") % {"code": code}]})
        return found

    def owner(self, value: Any) -> Organization:
        pk = row_id(value)
        if pk is not None and pk not in self.owners:
            self.owners[pk] = Organization.objects.select_related("province", "city").filter(pk=pk).first()
        found = self.owners.get(pk) if pk is not None else None
        if found is None:
            raise ValidationFailed(details={"owner": [_("所属单位不存在。")]})
        return found


def full_clean(instance: Any, *, exclude: list[str], prefix: str = "", validate_constraints: bool = True) -> None:
    try:
        instance.full_clean(exclude=exclude, validate_constraints=validate_constraints)
    except ValidationError as exc:
        details = validation_details(exc)
        raise ValidationFailed(details={f"{prefix}{k}": v for k, v in details.items()}) from exc


def _unknown_fields(data: dict[str, Any], allowed: set[str], prefix: str = "") -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValidationFailed(details={f"{prefix}{k}": [_("不支持的字段。")] for k in unknown})


def _money(value: Any, name: str) -> Decimal:
    if isinstance(value, bool) or value is None or value == "":
        raise ValidationFailed(details={name: [_("请输入金额（元）。")]})
    try:
        amount = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise ValidationFailed(details={name: [_("金额格式有误：%(v)s") % {"v": str(value)[:40]}]}) from None
    if not amount.is_finite():
        raise ValidationFailed(details={name: [_("金额格式有误：%(v)s") % {"v": str(value)[:40]}]})
    if amount < 0:
        raise ValidationFailed(details={name: [_("金额不能为负。")]})
    if amount >= Decimal(10) ** 12:
        raise ValidationFailed(details={name: [_("金额过大。")]})
    return amount.quantize(Decimal("0.01"))


def _date(value: Any, name: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValidationFailed(details={name: [_("日期格式应为 YYYY-MM-DD。")]}) from None
    if value > timezone.localdate():
        raise ValidationFailed(details={name: [_("购置日期不能晚于今天。")]})
    return value


def _managers(value: Any) -> list[Any]:
    if not isinstance(value, (list, tuple)):
        raise ValidationFailed(details={"managers": [_("应为用户 id 的列表。")]})
    ids = set()
    for v in value:
        if isinstance(v, bool) or not isinstance(v, int) or not 0 < v < 2**31:
            raise ValidationFailed(details={"managers": [_("应为用户 id 的列表。")]})
        ids.add(v)
    users = list(get_user_model().objects.filter(pk__in=ids))
    missing = sorted(ids - {u.pk for u in users})
    if missing:
        raise ValidationFailed(details={"managers": [_("用户不存在：%(ids)s") % {"ids": ", ".join(map(str, missing))}]})
    return users


def _apply(instrument: Instrument, data: dict[str, Any], lookups: Lookups, *, creating: bool) -> list[Any] | None:
    """Set the instrument's fields from `data`; returns the managers to set (None: unchanged)."""
    errors: dict[str, list[str]] = {}
    managers = None
    for key, value in data.items():
        try:
            if key == "owner":
                instrument.owner = lookups.owner(value)
            elif key == "category":
                instrument.category = lookups.category(value)
            elif key == "province":
                instrument.province = lookups.region(value, "province", "province")  # type: ignore[assignment]
            elif key == "city":
                instrument.city = lookups.region(value, "city", "city")
            elif key in MONEY_FIELDS:
                setattr(instrument, key, _money(value, key))
            elif key == "purchase_date":
                instrument.purchase_date = _date(value, key)
            elif key == "managers":
                managers = _managers(value)
            elif key == "policy":
                continue
            elif key in {"is_open", "is_specialised"}:
                if not isinstance(value, bool):
                    raise ValidationFailed(details={key: [_("应为是或否。")]})
                setattr(instrument, key, value)
            else:
                setattr(instrument, key, "" if value is None else value)
        except ValidationFailed as exc:
            for k, msgs in exc.details.items():
                errors.setdefault(k, []).extend(msgs)
    if creating:
        for key in REQUIRED_ON_CREATE:
            if key not in data or data[key] in (None, ""):
                errors.setdefault(key, [_("此字段为必填项。")])
        owner = instrument.owner if instrument.owner_id else None
        if owner is not None and "province" not in data:
            instrument.province = owner.province
            if "city" not in data:
                instrument.city = owner.city
    if instrument.province_id is None and "province" not in errors and "owner" not in errors:
        errors["province"] = [_("请选择省份。")]
    elif instrument.city is not None and instrument.province_id and instrument.city.parent_id != instrument.province_id:
        errors.setdefault("city", []).append(_("城市不属于所选省份。"))
    if managers and instrument.owner_id:
        outsiders = [str(u.pk) for u in managers if u.organization_id != instrument.owner_id]
        if outsiders:
            errors.setdefault("managers", []).append(
                _("仪器管理员须为所属单位的用户：%(ids)s") % {"ids": ", ".join(outsiders)}
            )
    exclude = ["owner", "category", "province", "city", "managers", "photo", *errors]
    try:
        # The one check constraint (original value ≥ 0) is _money's rule; validating it again
        # would cost a query per instrument (a fifth of an XLSX import's time).
        instrument.full_clean(exclude=exclude, validate_constraints=False)
    except ValidationError as exc:
        for k, msgs in validation_details(exc).items():
            errors.setdefault(k, []).extend(msgs)
    if errors:
        raise ValidationFailed(details=errors)
    return managers


def _apply_policy(policy: BookingPolicy, value: Any) -> None:
    if not isinstance(value, dict):
        raise ValidationFailed(details={"policy": [_("预约规则格式有误。")]})
    _unknown_fields(value, POLICY_FIELDS, "policy.")
    for key, v in value.items():
        setattr(policy, key, v)
    # The field validators carry POLICY_BOUNDS; the CHECK constraints say the same (no queries).
    full_clean(policy, exclude=["instrument"], prefix="policy.", validate_constraints=False)
    errors: dict[str, list[str]] = {}
    if not _WEEKDAYS.match(policy.weekdays or "") or len(set(policy.weekdays)) != len(policy.weekdays):
        errors["policy.weekdays"] = [_("开放日应为 1–7 的数字（1=周一），不重复，如 12345。")]
    if policy.open_from > policy.open_until:
        errors["policy.open_until"] = [_("每日开放止不能早于开放起（相同表示全天开放）。")]
    if policy.min_minutes < 1:
        errors["policy.min_minutes"] = [_("单次最短不能少于 1 分钟。")]
    if policy.max_minutes < policy.min_minutes:
        errors["policy.max_minutes"] = [_("单次最长不能短于单次最短。")]
    if errors:
        raise ValidationFailed(details=errors)
    policy.weekdays = "".join(sorted(policy.weekdays))


def instrument_snapshot(instrument: Instrument, policy: BookingPolicy | None) -> dict[str, Any]:
    data = snapshot(instrument)
    data.pop("reference_key", None)
    if policy is not None and policy.pk:
        data.update({f"policy.{k}": v for k, v in snapshot(policy, list(POLICY_FIELDS)).items()})
    return data


def instrument_loaded(pk: int, *, for_update: bool = False) -> Instrument:
    qs = Instrument.objects.select_related("owner__province", "owner__city", "category__parent", "province", "city")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    instrument = qs.filter(pk=pk).first()
    if instrument is None:
        raise NotFound()
    return instrument


def instrument_target(instrument: Instrument) -> Target:
    return Target(province_code=instrument.province.code, organization_id=instrument.owner_id)


def instrument_create(
    *, actor: Any, data: dict[str, Any], lookups: Lookups | None = None, photo: Any = None
) -> Instrument:
    """Register an instrument (and its booking policy; with `photo`, its photo). Refused unless
    the actor may create instruments for the owner in the instrument's province; setting booking
    rules needs `instrument.manage` there too."""
    with files_removed_on_failure(photo_storage()) as stored, write_transaction():
        _unknown_fields(data, INSTRUMENT_FIELDS)
        require(actor, "instrument.create")  # anywhere at all: 401/403 before any validation
        photo_name = photo_check(photo) if photo is not None else ""
        instrument, policy, managers = instrument_prepare(actor=actor, data=data, lookups=lookups)
        instrument.save()
        policy.instrument = instrument
        policy.save()
        if managers:
            instrument.managers.set(managers)
        if photo is not None:
            put_photo(instrument, photo, photo_name, stored)
        reindex_instrument(instrument)
        audit_record(
            actor=actor,
            action="instrument.created",
            instance=instrument,
            changes=diff({}, instrument_snapshot(instrument, policy)),
        )
    return instrument


def instrument_prepare(
    *, actor: Any, data: dict[str, Any], lookups: Lookups | None = None
) -> tuple[Instrument, BookingPolicy, list[Any] | None]:
    """A new instrument, its policy and its managers, validated and permitted but not saved: no
    write, no lock (an XLSX import prepares every row first, then saves them in one short
    transaction with `instruments_save_prepared`)."""
    _unknown_fields(data, INSTRUMENT_FIELDS)
    require(actor, "instrument.create")
    lookups = lookups or Lookups()
    instrument = Instrument()
    managers = _apply(instrument, data, lookups, creating=True)
    require(actor, "instrument.create", instrument_target(instrument))
    policy = BookingPolicy()
    if "policy" in data:
        require(actor, "instrument.manage", instrument_target(instrument))
    _apply_policy(policy, data.get("policy", {}))
    return instrument, policy, managers


def instrument_update(*, actor: Any, instrument: Instrument, data: dict[str, Any], photo: Any = None) -> Instrument:
    """Change any subset of the fields (with `photo`, replace the photo); moving the instrument to
    another owner or province needs the right to create one there, changing its booking rules
    needs `instrument.manage`."""
    with files_removed_on_failure(photo_storage()) as stored, write_transaction():
        _unknown_fields(data, INSTRUMENT_FIELDS)
        inst = instrument_loaded(instrument.pk, for_update=True)
        require(actor, "instrument.change", instrument_target(inst))
        photo_name = photo_check(photo) if photo is not None else ""
        policy = BookingPolicy.objects.filter(instrument=inst).first()
        before = instrument_snapshot(inst, policy)
        before_target = instrument_target(inst)
        managers = _apply(inst, data, Lookups(), creating=False)
        require_move(actor, "instrument.create", before_target, instrument_target(inst))
        if "policy" in data:
            require(actor, "instrument.manage", before_target)
            policy = policy or BookingPolicy(instrument=inst)
            _apply_policy(policy, data["policy"])
            policy.save()
        inst.save()
        if managers is not None:
            inst.managers.set(managers)
        if photo is not None:
            put_photo(inst, photo, photo_name, stored)
        changes = diff(before, instrument_snapshot(inst, policy))
        if changes:
            audit_record(actor=actor, action="instrument.updated", instance=inst, changes=changes)
        reindex_instrument(inst)
    return inst


def instrument_photo_set(*, actor: Any, instrument: Instrument, file: Any) -> Instrument:
    """Replace the instrument's photo (a JPEG or PNG of at most 5 MB): the owner's staff who may
    change the instrument. Audited; the old file is deleted once the change commits, the new one
    if it does not."""
    return instrument_update(actor=actor, instrument=instrument, data={}, photo=file)
