"""Typed API input and output of listings. The input types are deliberately those of JSON (the
listing services check every rule and answer a code per broken rule); bounds that need no
context (money, dates, ids, lengths) are the shared inputs' own."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field

from nesta.core.inputs import BoundedInt, CleanText, LocalDate, Money
from nesta.market.models import ListingKind, ListingStatus

ID_MAX = 2_147_483_647
KINDS = "、".join(f"{k.value}（{k.label}）" for k in ListingKind)


class ListingIn(Schema):
    model_config = ConfigDict(extra="forbid")  # an unknown or misspelt field is refused, not ignored

    kind: str = Field(..., max_length=20, description=f"类别：{KINDS}")
    organization: BoundedInt(1, ID_MAX) | None = Field(None, description="发布单位 id；不填为本人所在单位")
    title: str = Field(..., max_length=1000, description="标题，2–120 字，单行")
    summary: str = Field(..., max_length=20000, description="简介，最多 4000 字")
    keywords: str | list[str] = Field("", description="关键词，逗号/顿号/空格分隔或列表，最多 20 个")
    field: str = Field(..., max_length=60, description="所属领域（重点领域代码，见 GET /api/v1/taxonomy）")
    province: str | None = Field(None, max_length=6, description="省份代码；不填为发布单位所在省")
    city: str | None = Field(None, max_length=6, description="城市代码（须属于该省）")
    contact_name: str = Field("", max_length=200)
    contact_phone: str = Field("", max_length=200, description="手机或座机，如 13812345678、024-12345678")
    contact_email: str = Field("", max_length=300)
    valid_until: LocalDate | None = Field(None, description="有效期至（今天至三年内；不填为一年）")
    maturity: str = Field("", max_length=20, description="成熟度 lab/pilot_small/pilot/industrial（按类别必填或不填）")
    ip_type: str = Field("", max_length=20, description="知识产权类型（按类别必填或不填）")
    price_low: Money | None = Field(None, description="价格/金额下限（元）")
    price_high: Money | None = Field(None, description="价格/金额上限（元）")
    price_negotiable: bool = Field(False, description="面议（不填价格）")
    details: dict[str, Any] = Field(default_factory=dict, description="类别专有信息，见各类别的字段")


class ListingPatch(Schema):
    """Only the fields given change (PATCH); details are merged key by key (null removes one)."""

    model_config = ConfigDict(extra="forbid")  # kind and organization never change: refused

    title: str | None = Field(None, max_length=1000)
    summary: str | None = Field(None, max_length=20000)
    keywords: str | list[str] | None = None
    field: str | None = Field(None, max_length=60)
    province: str | None = Field(None, max_length=6)
    city: str | None = Field(None, max_length=6)
    contact_name: str | None = Field(None, max_length=200)
    contact_phone: str | None = Field(None, max_length=200)
    contact_email: str | None = Field(None, max_length=300)
    valid_until: LocalDate | None = None
    maturity: str | None = Field(None, max_length=20)
    ip_type: str | None = Field(None, max_length=20)
    price_low: Money | None = None
    price_high: Money | None = None
    price_negotiable: bool | None = None
    details: dict[str, Any] | None = None


class ReasonIn(Schema):
    reason: CleanText(500, min_length=1) = Field(..., description="退回原因（必填）")


class NoteIn(Schema):
    note: CleanText(500) = Field("", description="审核意见（可选）")


class Ref(Schema):
    code: str
    name: str


class OrgRef(Schema):
    id: int
    name: str


class ContactsOut(Schema):
    name: str
    phone: str
    email: str


class ListingOut(Schema):
    id: int
    kind: str
    kind_display: str
    status: str
    status_display: str
    organization: OrgRef
    title: str
    summary: str
    keywords: list[str]
    field: Ref
    province: Ref
    city: Ref | None
    valid_until: date | None
    maturity: str
    ip_type: str
    price_low: Decimal | None
    price_high: Decimal | None
    price_negotiable: bool
    price_text: str = Field(description="价格（万元）或“面议”")
    details: dict[str, Any]
    contacts: ContactsOut | None = Field(description="联系方式：发布方、运营方或意向被接受的一方可见，否则为 null")
    contacts_hidden_reason: str = ""
    review_note: str
    created_at: datetime
    submitted_at: datetime | None
    published_at: datetime | None
    url: str
    transitions: list[str] = Field(description="当前用户现在可执行的操作")


class ListingItem(Schema):
    id: int
    kind: str
    kind_display: str
    status: str
    status_display: str
    title: str
    organization: OrgRef
    province: Ref
    price_text: str
    valid_until: date | None
    created_at: datetime
    url: str


class ListingPage(Schema):
    items: list[ListingItem]
    next_cursor: str | None


class MineQuery(Schema):
    status: ListingStatus | None = Field(None, description="按状态筛选")
    kind: ListingKind | None = Field(None, description="按类别筛选")
    cursor: CleanText(200, multiline=False) | None = None
    limit: int = Field(20, ge=1, le=100)


class TemplateQuery(Schema):
    kind: ListingKind | None = Field(None, description="只含该类别的专有列；不填为全部类别")


class ImportRowError(Schema):
    row: int
    field: str
    message: str


class ImportOut(Schema):
    rows: int
    created: int
    ids: list[int]
    dry_run: bool
