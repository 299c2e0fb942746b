"""Writes of the instrument registry: instruments with their booking policy, blackouts and
training qualifications. Each function checks permission, validates, saves, re-indexes and audits
in one transaction, so a failed write leaves nothing behind.

`data` holds plain values, as the API and the XLSX import send them: the owner's id, the
category's code, GB/T 2260 codes for province and city (defaulting to the owner's), money in 元 as
decimal strings or numbers, manager user ids, and the booking policy as a nested dict. A photo
is an uploaded file passed beside it (`photo=`): checked, stored, and removed again if the write
fails.
"""

import io
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from nesta.core import search
from nesta.core.audit import audit_record, diff, snapshot
from nesta.core.errors import NotFound, ValidationFailed, validation_details
from nesta.core.models import AuditLog, Region, SearchDocument
from nesta.core.permissions import Target, require, require_move
from nesta.core.search.segment import normalize
from nesta.core.transactions import write_transaction
from nesta.directory.models import Organization
from nesta.instruments.models import Blackout, BookingPolicy, Instrument, InstrumentCategory, Qualification

DOC_TYPE = "instrument"
OPEN_FIELD = "open"

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

# Words people use for the same instrument. A document holding one of them also carries the
# others, so 扫描电镜 finds a record written as 扫描电子显微镜 (and SEM), and the other way round.
SYNONYMS: list[tuple[str, ...]] = [
    ("扫描电镜", "扫描电子显微镜", "SEM"),
    ("透射电镜", "透射电子显微镜", "TEM"),
    ("电镜", "电子显微镜"),
    ("核磁共振", "核磁共振波谱仪", "核磁", "NMR"),
    ("液质联用", "液相色谱-质谱联用", "液相色谱质谱联用", "LC-MS"),
    ("气质联用", "气相色谱-质谱联用", "气相色谱质谱联用", "GC-MS"),
    ("X射线衍射仪", "X射线衍射", "XRD"),
    ("X射线荧光光谱仪", "XRF"),
    ("电感耦合等离子体质谱", "ICP-MS"),
    ("原子力显微镜", "AFM"),
    ("激光共聚焦显微镜", "共聚焦显微镜"),
    ("质谱仪", "质谱"),
    ("数控机床", "数控加工中心", "CNC"),
    ("万能材料试验机", "万能试验机", "材料试验机"),
]


def _alias_pattern(term: str) -> re.Pattern[str]:
    term = normalize(term)
    if term.isascii():  # Latin abbreviations match whole words only (sem ≠ system)
        return re.compile(r"(?<![0-9a-z])" + re.escape(term) + r"(?![0-9a-z])")
    return re.compile(re.escape(term))


_SYNONYM_PATTERNS = [(group, [_alias_pattern(t) for t in group]) for group in SYNONYMS]


def synonyms_of(text: str) -> list[str]:
    """The synonyms of every instrument word in `text`, to be indexed beside it."""
    folded = normalize(text)
    extra: list[str] = []
    for group, patterns in _SYNONYM_PATTERNS:
        if any(p.search(folded) for p in patterns):
            extra += group
    return extra


def facet_fields(instrument: Instrument) -> list[str]:
    """The filter tokens of an instrument's document: its category and the category's parent,
    then the flags the list filters on (open to outsiders, status, owner and owner's kind), so a
    filtered query stays one index lookup."""
    category = instrument.category
    parent = category.parent if category.parent_id else None
    codes = [category.code, parent.code] if parent is not None else [category.code]
    if instrument.is_open:
        codes.append(OPEN_FIELD)
    return [
        *codes,
        f"status-{instrument.status}",
        f"ownerkind-{instrument.owner.kind}",
        f"owner-{instrument.owner_id}",
    ]


def instrument_search_document(instrument: Instrument) -> SearchDocument:
    """The instrument's search document (owner, category with parent, city and province loaded)."""
    category = instrument.category
    parent = category.parent
    text = " ".join(
        filter(
            None,
            [
                instrument.name,
                instrument.name_en,
                instrument.model_number,
                instrument.manufacturer,
                instrument.country_of_origin,
                instrument.techniques,
                instrument.sample_requirements,
                category.name,
                parent.name if parent else "",
                instrument.owner.name,
                instrument.owner.short_name,
                instrument.city.name if instrument.city else "",
                instrument.province.name,
            ],
        )
    )
    text = " ".join([text, *synonyms_of(text)])
    return search.engine.build_document(
        DOC_TYPE,
        instrument.pk,
        text=text,
        province_code=instrument.province.code,
        city_code=instrument.city.code if instrument.city else "",
        kind=parent.code if parent else category.code,
        fields=facet_fields(instrument),
    )


def _reindex(instrument: Instrument) -> None:
    search.engine.index_many([instrument_search_document(instrument)])


def reindex_owner_instruments(organization_id: int) -> None:
    """Re-index an owner's instruments after the owner's name, kind or place changed."""
    instruments = Instrument.objects.filter(owner_id=organization_id).select_related(
        "owner", "category__parent", "province", "city"
    )
    search.engine.index_many([instrument_search_document(i) for i in instruments])


# --- lookups ---------------------------------------------------------------------------------


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
        pk = value if isinstance(value, int) and not isinstance(value, bool) else None
        if pk is None and isinstance(value, str) and value.isdigit() and len(value) < 11:
            pk = int(value)
        if pk is not None and pk not in self.owners:
            self.owners[pk] = (
                Organization.objects.select_related("province", "city").filter(pk=pk).first()
                if 0 < pk < 2**31
                else None
            )
        found = self.owners.get(pk) if pk is not None else None
        if found is None:
            raise ValidationFailed(details={"owner": [_("所属单位不存在。")]})
        return found


def _full_clean(instance: Any, *, exclude: list[str], prefix: str = "", validate_constraints: bool = True) -> None:
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
    _full_clean(policy, exclude=["instrument"], prefix="policy.", validate_constraints=False)
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


def _snapshot(instrument: Instrument, policy: BookingPolicy | None) -> dict[str, Any]:
    data = snapshot(instrument)
    data.pop("reference_key", None)
    if policy is not None and policy.pk:
        data.update({f"policy.{k}": v for k, v in snapshot(policy, list(POLICY_FIELDS)).items()})
    return data


def _load(pk: int, *, for_update: bool = False) -> Instrument:
    qs = Instrument.objects.select_related("owner__province", "owner__city", "category__parent", "province", "city")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    instrument = qs.filter(pk=pk).first()
    if instrument is None:
        raise NotFound()
    return instrument


def _target(instrument: Instrument) -> Target:
    return Target(province_code=instrument.province.code, organization_id=instrument.owner_id)


# --- photos ----------------------------------------------------------------------------------

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000  # 40 MP: a large camera's photo; a bomb declares billions
# Extension → (content type, the file's first bytes). The bytes decide, not the name or the
# content type the browser sent: a renamed .exe is no photo.
_JPEG = ({"image/jpeg", "image/pjpeg", "image/jpg"}, b"\xff\xd8\xff")
_PNG = ({"image/png", "image/x-png"}, b"\x89PNG\r\n\x1a\n")
PHOTO_FORMATS = {".jpg": _JPEG, ".jpeg": _JPEG, ".png": _PNG}


def photo_check(file: Any) -> str:
    """The stored name of an uploaded photo (a JPEG or PNG of at most 5 MB); ValidationFailed
    with `{"photo": [...]}` otherwise. The web form calls it too, so both say the same."""
    raw_stem, ext = os.path.splitext(os.path.basename(str(getattr(file, "name", "") or "").replace("\\", "/")))
    ext = ext.lower()
    try:
        stem = get_valid_filename(raw_stem)
    except SuspiciousFileOperation:
        stem = ""
    size = getattr(file, "size", None) or 0
    if ext not in PHOTO_FORMATS:
        raise ValidationFailed(details={"photo": [_("照片只能是 JPG 或 PNG 图片。")]})
    content_types, magic = PHOTO_FORMATS[ext]
    sent_type = (getattr(file, "content_type", "") or "").split(";")[0].strip().lower()
    if sent_type and sent_type not in content_types:
        raise ValidationFailed(details={"photo": [_("照片只能是 JPG 或 PNG 图片。")]})
    if size <= 0:
        raise ValidationFailed(details={"photo": [_("文件为空。")]})
    if size > PHOTO_MAX_BYTES:
        raise ValidationFailed(
            details={"photo": [_("照片不能超过 %(m)d MB。") % {"m": PHOTO_MAX_BYTES // 1024 // 1024}]}
        )
    file.seek(0)
    head = file.read(len(magic))
    file.seek(0)
    if head != magic:
        raise ValidationFailed(details={"photo": [_("文件内容不是 JPG 或 PNG 图片。")]})
    photo_reencoded(file, "PNG" if ext == ".png" else "JPEG")  # decodes: refuses what is no image
    return f"{stem[:60] or 'photo'}{'.jpg' if ext == '.jpeg' else ext}"


def photo_reencoded(file: Any, image_format: str) -> bytes:
    """The photo decoded and encoded again, so what is stored is what was decoded: bytes after
    the image (a PNG header followed by an executable), EXIF (GPS, camera serials) and other
    metadata are gone. The pixel count is bounded before decoding (decompression bombs)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    refused = ValidationFailed(details={"photo": [_("文件内容不是 JPG 或 PNG 图片。")]})
    too_large = ValidationFailed(
        details={"photo": [_("照片像素过多（上限 %(m)d 万像素）。") % {"m": PHOTO_MAX_PIXELS // 10_000}]}
    )
    file.seek(0)
    try:
        with Image.open(file, formats=[image_format]) as img:
            width, height = img.size
            if width * height > PHOTO_MAX_PIXELS:
                raise too_large
            img.load()
            clean = ImageOps.exif_transpose(img)  # keep the orientation EXIF described, drop EXIF
            if image_format == "JPEG":
                clean = clean.convert("RGB") if clean.mode not in {"RGB", "L"} else clean
            elif clean.mode not in {"RGB", "RGBA", "L", "LA", "P"}:
                clean = clean.convert("RGBA")
            out = io.BytesIO()
            clean.save(out, format=image_format, **({"quality": 90} if image_format == "JPEG" else {}))
    except ValidationFailed:
        raise
    except Image.DecompressionBombError:  # Pillow's own bound, met while reading the header
        raise too_large from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise refused from None
    finally:
        file.seek(0)
    return out.getvalue()


@contextmanager
def _files_removed_on_failure(storage: Storage) -> Iterator[list[str]]:
    """Files stored inside the block are deleted again if the block fails, so that a rolled-back
    write leaves no file behind. Wrap it around the transaction, so a failed commit counts too."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        for name in stored:
            storage.delete(name)
        raise


def _put_photo(instrument: Instrument, file: Any, name: str, stored: list[str]) -> None:
    """Store the photo and point the instrument at it; the old file goes once the change commits."""
    old = instrument.photo.name or ""
    content = ContentFile(photo_reencoded(file, "PNG" if name.endswith(".png") else "JPEG"))
    instrument.photo.save(f"{instrument.pk}-{name}", content, save=False)
    stored.append(instrument.photo.name or "")
    Instrument.objects.filter(pk=instrument.pk).update(photo=instrument.photo.name, updated_at=timezone.now())
    if old and old != instrument.photo.name:
        storage = instrument.photo.storage
        transaction.on_commit(lambda: storage.delete(old))


def _storage() -> Storage:
    photo_field: Any = Instrument._meta.get_field("photo")
    return photo_field.storage


def instrument_create(
    *, actor: Any, data: dict[str, Any], lookups: Lookups | None = None, photo: Any = None
) -> Instrument:
    """Register an instrument (and its booking policy; with `photo`, its photo). Refused unless
    the actor may create instruments for the owner in the instrument's province; setting booking
    rules needs `instrument.manage` there too."""
    with _files_removed_on_failure(_storage()) as stored, write_transaction():
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
            _put_photo(instrument, photo, photo_name, stored)
        _reindex(instrument)
        audit_record(
            actor=actor,
            action="instrument.created",
            instance=instrument,
            changes=diff({}, _snapshot(instrument, policy)),
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
    require(actor, "instrument.create", _target(instrument))
    policy = BookingPolicy()
    if "policy" in data:
        require(actor, "instrument.manage", _target(instrument))
    _apply_policy(policy, data.get("policy", {}))
    return instrument, policy, managers


def instruments_save_prepared(
    *,
    actor: Any,
    prepared: list[tuple[Instrument, BookingPolicy, list[Any] | None]],
    documents: list[SearchDocument] | None = None,
) -> list[Instrument]:
    """Save prepared instruments in bulk (a few statements, whatever the count), their policies,
    managers, search documents and audit rows. Call it inside write_transaction(); pass the
    search `documents` built beforehand (one per instrument, in order) to keep the lock short."""
    instruments = Instrument.objects.bulk_create([i for i, _p, _m in prepared], batch_size=500)
    for instrument, policy, _m in prepared:
        policy.instrument = instrument
    BookingPolicy.objects.bulk_create([p for _i, p, _m in prepared], batch_size=500)
    through = Instrument.managers.through
    links = [through(instrument_id=i.pk, user_id=u.pk) for i, _p, managers in prepared for u in managers or []]
    if links:
        through.objects.bulk_create(links, batch_size=500)
    if documents is None:
        documents = [instrument_search_document(i) for i in instruments]
    for doc, instrument in zip(documents, instruments, strict=True):
        doc.object_id = instrument.pk
    search.engine.index_many(documents)
    # One bulk insert of the audit rows audit_record() would write one by one.
    user = actor if getattr(actor, "is_authenticated", False) else None
    AuditLog.objects.bulk_create(
        [
            AuditLog(
                actor=user,
                actor_repr=getattr(user, "username", "") if user else "",
                action="instrument.created",
                object_type="instruments.instrument",
                object_id=str(instrument.pk),
                object_repr=str(instrument)[:200],
                changes=diff({}, _created_snapshot(instrument, policy, managers)),
            )
            for instrument, policy, managers in prepared
        ],
        batch_size=500,
    )
    return instruments


def _created_snapshot(instrument: Instrument, policy: BookingPolicy, managers: list[Any] | None) -> dict[str, Any]:
    """_snapshot of a just-created instrument without a query per row (its managers are known)."""
    data = snapshot(instrument, [f.name for f in Instrument._meta.concrete_fields])
    data.pop("reference_key", None)
    data["managers"] = sorted(u.pk for u in managers or [])
    data.update({f"policy.{k}": v for k, v in snapshot(policy, list(POLICY_FIELDS)).items()})
    return data


def instrument_update(*, actor: Any, instrument: Instrument, data: dict[str, Any], photo: Any = None) -> Instrument:
    """Change any subset of the fields (with `photo`, replace the photo); moving the instrument to
    another owner or province needs the right to create one there, changing its booking rules
    needs `instrument.manage`."""
    with _files_removed_on_failure(_storage()) as stored, write_transaction():
        _unknown_fields(data, INSTRUMENT_FIELDS)
        inst = _load(instrument.pk, for_update=True)
        require(actor, "instrument.change", _target(inst))
        photo_name = photo_check(photo) if photo is not None else ""
        policy = BookingPolicy.objects.filter(instrument=inst).first()
        before = _snapshot(inst, policy)
        before_target = _target(inst)
        managers = _apply(inst, data, Lookups(), creating=False)
        require_move(actor, "instrument.create", before_target, _target(inst))
        if "policy" in data:
            require(actor, "instrument.manage", before_target)
            policy = policy or BookingPolicy(instrument=inst)
            _apply_policy(policy, data["policy"])
            policy.save()
        inst.save()
        if managers is not None:
            inst.managers.set(managers)
        if photo is not None:
            _put_photo(inst, photo, photo_name, stored)
        changes = diff(before, _snapshot(inst, policy))
        if changes:
            audit_record(actor=actor, action="instrument.updated", instance=inst, changes=changes)
        _reindex(inst)
    return inst


def instrument_photo_set(*, actor: Any, instrument: Instrument, file: Any) -> Instrument:
    """Replace the instrument's photo (a JPEG or PNG of at most 5 MB): the owner's staff who may
    change the instrument. Audited; the old file is deleted once the change commits, the new one
    if it does not."""
    return instrument_update(actor=actor, instrument=instrument, data={}, photo=file)


# --- blackouts and qualifications ----------------------------------------------------------


def _aware(value: Any, name: str) -> datetime:
    if not isinstance(value, datetime) or timezone.is_naive(value):
        raise ValidationFailed(details={name: [_("时间须带时区，例如 2026-12-01T09:00:00+08:00。")]})
    return value


@write_transaction()
def blackout_add(
    *,
    actor: Any,
    instrument: Instrument,
    start: datetime,
    end: datetime,
    kind: str = Blackout.Kind.MAINTENANCE,
    reason: str = "",
) -> Blackout:
    """Close the instrument for a period (maintenance or not open). Bookings already in it stay;
    the manager sees them in the calendar and decides."""
    require(actor, "instrument.manage", _target(instrument))
    start, end = _aware(start, "start"), _aware(end, "end")
    if end <= start:
        raise ValidationFailed(details={"end": [_("结束时间必须晚于开始时间。")]})
    blackout = Blackout(instrument=instrument, start=start, end=end, kind=kind, reason=reason or "")
    _full_clean(blackout, exclude=["instrument"])
    blackout.save()
    audit_record(
        actor=actor,
        action="blackout.added",
        instance=blackout,
        changes=diff({}, snapshot(blackout)),
    )
    return blackout


@write_transaction()
def blackout_remove(*, actor: Any, blackout: Blackout) -> None:
    instrument = _load(blackout.instrument_id)
    require(actor, "instrument.manage", _target(instrument))
    before = snapshot(blackout)
    pk, text = blackout.pk, str(blackout)
    deleted, _rows = Blackout.objects.filter(pk=pk).delete()
    if not deleted:
        raise NotFound()
    audit_record(
        actor=actor,
        action="blackout.removed",
        object_type="instruments.blackout",
        object_id=pk,
        object_repr=text[:200],
        changes=diff(before, {}),
    )


@write_transaction()
def qualification_grant(
    *, actor: Any, instrument: Instrument, user: Any, expires_at: datetime | None = None
) -> Qualification:
    """Record that `user` passed the instrument's training (valid until `expires_at`, if given);
    granting again renews it."""
    require(actor, "instrument.manage", _target(instrument))
    if expires_at is not None:
        expires_at = _aware(expires_at, "expires_at")
        if expires_at <= timezone.now():
            raise ValidationFailed(details={"expires_at": [_("有效期须晚于当前时间。")]})
    fields = ["instrument", "user", "expires_at", "granted_by"]
    qualification = Qualification.objects.select_for_update().filter(instrument=instrument, user=user).first()
    before = snapshot(qualification, fields) if qualification else {}
    if qualification is None:
        qualification = Qualification(instrument=instrument, user=user)
    qualification.expires_at = expires_at
    qualification.granted_by = actor
    qualification.save()
    after = snapshot(qualification, fields)
    audit_record(
        actor=actor,
        action="qualification.renewed" if before else "qualification.granted",
        instance=qualification,
        changes=diff(before, after) if before else diff({}, after),
    )
    return qualification


@write_transaction()
def qualification_revoke(*, actor: Any, instrument: Instrument, user: Any) -> bool:
    """Withdraw the user's qualification; False when there was none."""
    require(actor, "instrument.manage", _target(instrument))
    qualification = Qualification.objects.filter(instrument=instrument, user=user).first()
    if qualification is None:
        return False
    before = snapshot(qualification, ["instrument", "user", "expires_at", "granted_by"])
    pk, text = qualification.pk, str(qualification)
    qualification.delete()
    audit_record(
        actor=actor,
        action="qualification.revoked",
        object_type="instruments.qualification",
        object_id=pk,
        object_repr=text[:200],
        changes=diff(before, {}),
    )
    return True


# --- bulk ------------------------------------------------------------------------------------


def instruments_reindex(*, batch_size: int = 2000, progress: Callable[[int], Any] | None = None) -> int:
    """Rebuild the search documents of every instrument (after bulk loads and demo data)."""
    done = 0
    last = 0
    qs = Instrument.objects.select_related("owner", "category__parent", "province", "city").order_by("pk")
    while True:
        batch = list(qs.filter(pk__gt=last)[:batch_size])
        if not batch:
            break
        search.engine.index_many([instrument_search_document(i) for i in batch])
        last = batch[-1].pk
        done += len(batch)
        if progress:
            progress(done)
    return done
