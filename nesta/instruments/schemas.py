"""API shapes of the instrument registry (bookings keep theirs in api/bookings.py)."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.urls import reverse
from ninja import Schema
from pydantic import Field

from nesta.core.inputs import AwareDateTime, BoundedInt, CleanText, Money
from nesta.core.schemas import RegionRef
from nesta.directory.models import OrganizationKind
from nesta.instruments.policy import POLICY_BOUNDS

ID_MAX = 2**31 - 1
SMALL_MAX = 32767


class CategoryRef(Schema):
    code: str
    name: str
    name_en: str


class CategoryOut(CategoryRef):
    parent: CategoryRef | None


class OwnerRef(Schema):
    id: int
    name: str
    kind: str


class UserRef(Schema):
    id: int
    name: str


def _Rule(name: str) -> Any:
    """An integer rule within its sane range (instruments.policy.POLICY_BOUNDS)."""
    return BoundedInt(*POLICY_BOUNDS[name])


class PolicyPatch(Schema):
    """The booking rules; omitted fields stay as they are."""

    open_from: time | None = Field(None, description="每日开放起，如 08:00")
    open_until: time | None = Field(None, description="每日开放止；与开放起相同表示全天开放")
    weekdays: str | None = Field(None, pattern=r"^[1-7]{1,7}$", description="开放日，1=周一…7=周日，如 12345")
    advance_days: _Rule("advance_days") | None = None
    min_notice_minutes: _Rule("min_notice_minutes") | None = None
    min_minutes: _Rule("min_minutes") | None = None
    max_minutes: _Rule("max_minutes") | None = None
    gap_minutes: _Rule("gap_minutes") | None = None
    daily_quota_minutes_user: _Rule("daily_quota_minutes_user") | None = None
    weekly_quota_minutes_user: _Rule("weekly_quota_minutes_user") | None = None
    weekly_quota_minutes_org: _Rule("weekly_quota_minutes_org") | None = None
    requires_training: bool | None = None
    external_requires_approval: bool | None = None
    cancel_deadline_hours: _Rule("cancel_deadline_hours") | None = None
    no_show_grace_minutes: _Rule("no_show_grace_minutes") | None = None
    no_show_limit: _Rule("no_show_limit") | None = None
    no_show_window_days: _Rule("no_show_window_days") | None = None
    suspension_days: _Rule("suspension_days") | None = None


class PolicyOut(Schema):
    open_from: str
    open_until: str
    weekdays: str
    advance_days: int
    min_notice_minutes: int
    min_minutes: int
    max_minutes: int
    gap_minutes: int
    daily_quota_minutes_user: int | None
    weekly_quota_minutes_user: int | None
    weekly_quota_minutes_org: int | None
    requires_training: bool
    external_requires_approval: bool
    cancel_deadline_hours: int
    no_show_grace_minutes: int
    no_show_limit: int
    no_show_window_days: int
    suspension_days: int


class InstrumentPatch(Schema):
    """Any subset of the fields; omitted fields stay as they are."""

    name: CleanText(120, min_length=1) | None = None
    name_en: CleanText(200) | None = None
    owner: int | None = Field(None, ge=1, le=ID_MAX, description="所属单位（机构 id）")
    category: CleanText(10) | None = Field(None, description="仪器分类代码，如 0104")
    model_number: CleanText(80) | None = None
    manufacturer: CleanText(120) | None = None
    country_of_origin: CleanText(40) | None = None
    original_value: Money | None = Field(None, description="原值（元）")
    purchase_date: date | None = None
    techniques: CleanText(5000) | None = None
    sample_requirements: CleanText(5000) | None = None
    province: CleanText(6) | None = Field(None, description="省级行政区划代码；新建时默认取所属单位的")
    city: CleanText(6) | None = Field(None, description="地级行政区划代码；新建时默认取所属单位的")
    address: CleanText(200) | None = None
    managers: list[int] | None = Field(None, max_length=50, description="仪器管理员的用户 id（须为所属单位的用户）")
    status: str | None = Field(
        None, pattern="^(in_use|repair|retired)$", description="in_use 在用 / repair 维修 / retired 停用"
    )
    is_open: bool | None = None
    is_specialised: bool | None = None
    internal_hourly_rate: Money | None = None
    external_hourly_rate: Money | None = None
    internal_sample_rate: Money | None = None
    external_sample_rate: Money | None = None
    policy: PolicyPatch | None = Field(None, description="预约规则（需仪器管理权限）")


class InstrumentIn(InstrumentPatch):
    name: CleanText(120, min_length=1)  # type: ignore[assignment]
    owner: int = Field(..., ge=1, le=ID_MAX)  # type: ignore[assignment]
    category: CleanText(10)  # type: ignore[assignment]
    original_value: Money  # type: ignore[assignment]


class InstrumentListItem(Schema):
    id: int
    name: str
    name_en: str
    owner: OwnerRef
    category: CategoryOut
    model_number: str
    manufacturer: str
    country_of_origin: str
    original_value: Decimal
    purchase_date: date | None
    province: RegionRef
    city: RegionRef | None
    address: str
    status: str
    status_display: str
    is_open: bool
    is_specialised: bool
    internal_hourly_rate: Decimal
    external_hourly_rate: Decimal
    internal_sample_rate: Decimal
    external_sample_rate: Decimal
    photo: str | None
    created_at: datetime
    updated_at: datetime


class InstrumentOut(InstrumentListItem):
    techniques: str
    sample_requirements: str
    managers: list[UserRef]
    policy: PolicyOut


class FreeSlotOut(Schema):
    start: datetime
    end: datetime


class InstrumentSearchItem(InstrumentListItem):
    free_slot: FreeSlotOut | None = Field(
        None, description="有空闲时段筛选时：调用者在该时段内最早可预约的时段（本地时间）"
    )
    needs_approval: bool | None = Field(None, description="有空闲时段筛选时：调用者预约需审批（匿名：外单位需审批）")


class InstrumentPage(Schema):
    items: list[InstrumentSearchItem]
    next_cursor: str | None = None
    total: int | None = None


class IntervalOut(Schema):
    start: datetime
    end: datetime


class BusyOut(IntervalOut):
    kind: str = Field(
        description="booked 已预约 / pending 待审批 / held 候补保留（为候补第一位保留的时段）/ maintenance 维护保养 / blackout 不开放"
    )
    label: str


class DayOut(Schema):
    date: date
    open: list[IntervalOut]
    free: list[IntervalOut]


class AvailabilityOut(Schema):
    instrument_id: int
    start: datetime
    end: datetime
    bookable: bool
    gap_minutes: int
    min_minutes: int
    max_minutes: int
    days: list[DayOut]
    busy: list[BusyOut]


class ImportRowError(Schema):
    row: int
    field: str
    message: str


class ImportOut(Schema):
    rows: int
    created: int
    ids: list[int]
    dry_run: bool
    errors: list[ImportRowError]


class BlackoutIn(Schema):
    start: AwareDateTime = Field(..., description="ISO 8601 with time zone")
    end: AwareDateTime
    kind: str = Field(
        "maintenance", pattern="^(maintenance|blackout)$", description="maintenance 维护保养 / blackout 不开放"
    )
    reason: CleanText(200) = Field("")


class BlackoutOut(Schema):
    id: int
    instrument_id: int
    kind: str
    start: datetime
    end: datetime
    reason: str


class QualificationIn(Schema):
    expires_at: AwareDateTime | None = Field(None, description="有效期至（ISO 8601，带时区）；不填为长期有效")


class QualificationOut(Schema):
    instrument_id: int
    user: UserRef
    granted_at: datetime
    expires_at: datetime | None


class FeedTokenOut(Schema):
    token: str
    url: str


class AvailabilityQuery(Schema):
    start: AwareDateTime = Field(..., alias="from", description="起（ISO 8601，带时区），如 2026-12-01T00:00:00+08:00")
    end: AwareDateTime = Field(..., alias="to", description="止（不含）；跨度不超过 31 天")


class InstrumentQuery(Schema):
    q: CleanText(200) = Field("", description="中文全文检索，如 扫描电镜、核磁共振、液质联用")
    province: CleanText(6) = Field("")
    city: CleanText(6) = Field("")
    category: CleanText(10) = Field("", description="仪器分类代码（一级代码含其子类）")
    owner_kind: OrganizationKind | None = None
    owner: int | None = Field(None, ge=1, le=ID_MAX, description="所属单位 id")
    status: str | None = Field(None, pattern="^(in_use|repair|retired)$")
    open_only: bool = Field(False, description="仅对外开放的仪器")
    available_from: AwareDateTime | None = Field(None, description="空闲时段起（ISO 8601，带时区）")
    available_to: AwareDateTime | None = Field(
        None,
        description="空闲时段止（跨度不超过 31 天）：只列出调用者在该时段内可预约（开放时间、停机、提前量、时长、"
        "间隔、培训、对外开放、暂停预约）至少一个单次最短时长（或 available_minutes）的仪器；匿名调用不计个人条件",
    )
    available_minutes: int | None = Field(None, ge=1, le=7 * 24 * 60, description="空闲时段内需要的连续时长（分钟）")
    total: bool = Field(False, description="返回总数")
    cursor: CleanText(200) | None = None
    limit: int = Field(20, ge=1, le=100)


def _region(r: Any) -> dict[str, Any] | None:
    return {"code": r.code, "name": r.name, "name_en": r.name_en} if r else None


def _category(c: Any) -> dict[str, Any]:
    parent = c.parent
    return {
        "code": c.code,
        "name": c.name,
        "name_en": c.name_en,
        "parent": {"code": parent.code, "name": parent.name, "name_en": parent.name_en} if parent else None,
    }


def instrument_list_item(i: Any) -> dict[str, Any]:
    return {
        "id": i.pk,
        "name": i.name,
        "name_en": i.name_en,
        "owner": {"id": i.owner_id, "name": i.owner.name, "kind": i.owner.kind},
        "category": _category(i.category),
        "model_number": i.model_number,
        "manufacturer": i.manufacturer,
        "country_of_origin": i.country_of_origin,
        "original_value": i.original_value,
        "purchase_date": i.purchase_date,
        "province": _region(i.province),
        "city": _region(i.city),
        "address": i.address,
        "status": i.status,
        "status_display": str(i.get_status_display()),
        "is_open": i.is_open,
        "is_specialised": i.is_specialised,
        "internal_hourly_rate": i.internal_hourly_rate,
        "external_hourly_rate": i.external_hourly_rate,
        "internal_sample_rate": i.internal_sample_rate,
        "external_sample_rate": i.external_sample_rate,
        "photo": reverse("instruments:instrument_photo", args=[i.pk]) if i.photo else None,
        "created_at": i.created_at,
        "updated_at": i.updated_at,
        **_free_fields(i),
    }


def _free_fields(i: Any) -> dict[str, Any]:
    """What the free-range search found (selectors.freesearch sets these on each instrument)."""
    slot = getattr(i, "free_slot", None)
    if slot is None:
        return {}
    return {"free_slot": {"start": slot.start, "end": slot.end}, "needs_approval": getattr(i, "needs_approval", None)}


def policy_out(p: Any) -> dict[str, Any]:
    def hhmm(t: Any) -> str:
        return t.strftime("%H:%M") if hasattr(t, "strftime") else str(t)[:5]

    return {
        "open_from": hhmm(p.open_from),
        "open_until": hhmm(p.open_until),
        "weekdays": p.weekdays,
        "advance_days": p.advance_days,
        "min_notice_minutes": p.min_notice_minutes,
        "min_minutes": p.min_minutes,
        "max_minutes": p.max_minutes,
        "gap_minutes": p.gap_minutes,
        "daily_quota_minutes_user": p.daily_quota_minutes_user,
        "weekly_quota_minutes_user": p.weekly_quota_minutes_user,
        "weekly_quota_minutes_org": p.weekly_quota_minutes_org,
        "requires_training": p.requires_training,
        "external_requires_approval": p.external_requires_approval,
        "cancel_deadline_hours": p.cancel_deadline_hours,
        "no_show_grace_minutes": p.no_show_grace_minutes,
        "no_show_limit": p.no_show_limit,
        "no_show_window_days": p.no_show_window_days,
        "suspension_days": p.suspension_days,
    }


def instrument_out(i: Any, policy: Any) -> dict[str, Any]:
    return {
        **instrument_list_item(i),
        "techniques": i.techniques,
        "sample_requirements": i.sample_requirements,
        "managers": [{"id": u.pk, "name": str(u)} for u in i.managers.all()],
        "policy": policy_out(policy),
    }


def availability_out(a: Any) -> dict[str, Any]:
    return {
        "instrument_id": a.instrument_id,
        "start": a.start,
        "end": a.end,
        "bookable": a.bookable,
        "gap_minutes": a.gap_minutes,
        "min_minutes": a.min_minutes,
        "max_minutes": a.max_minutes,
        "days": [
            {
                "date": d.date,
                "open": [{"start": w.start, "end": w.end} for w in d.open],
                "free": [{"start": w.start, "end": w.end} for w in d.free],
            }
            for d in a.days
        ],
        "busy": [{"start": b.start, "end": b.end, "kind": b.kind, "label": b.label} for b in a.busy],
    }
