"""Typed API input and output of calls. Lists and nested objects (criteria, rounds, form fields)
are JSON here and checked by services.calls, which answers a code per broken rule."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field

from nesta.core.inputs import BoundedInt, LocalDateTime, Money

ID_MAX = 2_147_483_647


class _CallFields(Schema):
    model_config = ConfigDict(extra="forbid")

    code: str | None = Field(None, max_length=40, description="指南编号（字母、数字、连字符）；不填自动生成")
    title: str | None = Field(None, max_length=1000, description="指南名称，最多 160 字")
    summary: str | None = Field(None, max_length=20000, description="指南说明，最多 8000 字")
    year: BoundedInt(2000, 2100) | None = None
    fields: list[str] | None = Field(None, max_length=50, description="支持领域代码（重点领域，含其下级）")
    provinces: list[str] | None = Field(None, max_length=40, description="申报范围省份代码；空为不限")
    opens_at: LocalDateTime | None = None
    closes_at: LocalDateTime | None = None
    budget: Money | None = Field(None, description="指南预算（元）")
    max_request: Money | None = Field(None, description="单项申请上限（元）")
    form_fields: list[dict[str, Any]] | None = Field(
        None,
        max_length=30,
        description="申报书字段：name, label, type(text/textarea/int/money/date/choice), required, max_length, min, max, choices, help",
    )
    criteria: list[dict[str, Any]] | None = Field(
        None,
        max_length=12,
        description="评审指标：code, name, description, weight(和为 1), scale(score/grade/opinion/familiarity), max_score",
    )
    rounds: list[dict[str, Any]] | None = Field(
        None,
        max_length=2,
        description="评审轮次：通讯评审 {kind: correspondence, reviewers_per_application, min_load, max_load}，可再加会议评审 {kind: panel, cutoff_count | cutoff_score}",
    )
    blind: bool | None = Field(None, description="匿名评审")
    max_avoid: BoundedInt(0, 10) | None = Field(None, description="可申请回避专家数（默认 3）")
    tilt_group: str | None = Field(None, max_length=30, description="倾斜对象：private_tech（民营科技企业）或空")
    tilt_share: Decimal | None = Field(None, ge=0, le=1, max_digits=4, decimal_places=3, description="倾斜比例 0–1")


class CallIn(_CallFields):
    programme: str | BoundedInt(1, ID_MAX) = Field(..., description="科技计划代码或 id")
    owner_province: str | None = Field(None, max_length=6, description="组织省份代码（省级自办指南）；不填为办公室指南")


class CallPatch(_CallFields):
    """Only the fields given change; what may change depends on the call's state."""


class CallRef(Schema):
    code: str
    name: str


class CallCriterionOut(Schema):
    code: str
    name: str
    description: str
    weight: Decimal
    scale: str
    max_score: int


class CallRoundOut(Schema):
    kind: str
    order: int
    reviewers_per_application: int
    min_load: int
    max_load: int
    cutoff_count: int | None = None
    cutoff_score: Decimal | None = None


class CallItem(Schema):
    id: int
    code: str
    title: str
    programme: CallRef
    year: int
    status: str
    status_display: str
    owner_province: CallRef | None = None
    opens_at: datetime
    closes_at: datetime
    budget: Decimal
    max_request: Decimal
    url: str


class CallOut(CallItem):
    summary: str
    fields: list[CallRef]
    provinces: list[CallRef]
    form_fields: list[dict[str, Any]]
    criteria: list[CallCriterionOut]
    rounds: list[CallRoundOut]
    blind: bool
    max_avoid: int
    tilt_group: str
    tilt_share: Decimal | None = None
    published_at: datetime | None = None
    closed_at: datetime | None = None
    transitions: list[str]


class CallPage(Schema):
    items: list[CallItem]
    next_cursor: str | None = None


class CallQuery(Schema):
    status: str = Field("", pattern=r"^(draft|open|closed|reviewing|decided|archived)?$")
    programme: str = Field("", max_length=40)
    year: int | None = Field(None, ge=2000, le=2100)
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(20, ge=1, le=100)
