"""Typed API input and output of applications. The team, budget table, avoid requests and the
call's own form are JSON here and checked by services.applications (a code per broken rule)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field

from nesta.core.inputs import BoundedInt, LocalDate, Money

ID_MAX = 2_147_483_647


class _AppFields(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(None, max_length=1000, description="项目名称，最多 160 字")
    summary: str | None = Field(None, max_length=20000, description="项目摘要，最多 8000 字")
    keywords: str | None = Field(None, max_length=1000)
    field: str | None = Field(None, max_length=60, description="所属领域代码（须在指南支持的领域内）")
    requested_amount: Money | None = Field(None, description="申请资助（元），须等于预算表专项资金合计")
    start_date: LocalDate | None = None
    end_date: LocalDate | None = None
    form_data: dict[str, Any] | None = Field(None, description="指南规定的申报书字段 {name: 值}")
    team: list[dict[str, Any]] | None = Field(
        None,
        max_length=50,
        description="项目组：name, person(id), organization(id), organization_name, title, role, is_lead, months",
    )
    budget: list[dict[str, Any]] | None = Field(
        None,
        max_length=10,
        description="预算表：category(equipment/equipment_purchase/business/labour/indirect), from_grant(默认 true), amount(元), note",
    )
    avoid_requests: list[dict[str, Any]] | None = Field(
        None, max_length=10, description="申请回避专家：expert(人员 id), reason"
    )


class ApplicationIn(_AppFields):
    call: BoundedInt(1, ID_MAX) = Field(..., description="申报指南 id")
    organization: BoundedInt(1, ID_MAX) | None = Field(None, description="申报单位 id；不填为本人所在单位")


class ApplicationPatch(_AppFields):
    """Only the parts given change; a list given replaces the stored one."""


class ApplicationReasonIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field("", max_length=4000)


class CheckIn(Schema):
    """形式审查: {item: {ok, reason}} for eligibility, scope, budget, attachments, commitment, no_duplicate."""

    model_config = ConfigDict(extra="forbid")
    checklist: dict[str, dict[str, Any]] | None = None
    reason: str = Field("", max_length=4000)


class ApplicationRef(Schema):
    code: str
    name: str


class IdName(Schema):
    id: int
    name: str


class ApplicationItem(Schema):
    id: int
    number: str | None = None
    title: str
    status: str
    status_display: str
    call: IdName
    organization: IdName
    province: ApplicationRef
    field: ApplicationRef
    requested_amount: Decimal
    submitted_at: datetime | None = None
    url: str


class TeamOut(Schema):
    name: str
    person: int | None = None
    organization: int | None = None
    organization_name: str
    title: str
    role: str
    is_lead: bool
    months: int


class ApplicationBudgetLineOut(Schema):
    category: str
    from_grant: bool
    amount: Decimal
    note: str


class ApplicationBudgetOut(Schema):
    lines: list[ApplicationBudgetLineOut]
    direct: Decimal
    base: Decimal
    indirect: Decimal
    cap: Decimal
    grant_total: Decimal
    own_total: Decimal
    within_cap: bool


class ApplicationAttachmentOut(Schema):
    id: int
    kind: str
    name: str
    size: int
    content_type: str


class AvoidOut(Schema):
    expert: int
    name: str
    reason: str


class ApplicationOut(ApplicationItem):
    summary: str
    keywords: str
    self_funding: Decimal
    start_date: date | None = None
    end_date: date | None = None
    form_data: dict[str, Any]
    is_private_tech: bool
    status_note: str
    formal_check: dict[str, Any]
    team: list[TeamOut]
    budget: ApplicationBudgetOut
    attachments: list[ApplicationAttachmentOut]
    avoid_requests: list[AvoidOut]
    awarded_amount: Decimal | None = None
    transitions: list[str]


class ApplicationPage(Schema):
    items: list[ApplicationItem]
    next_cursor: str | None = None


class ApplicationQuery(Schema):
    call: int | None = Field(None, ge=1, le=ID_MAX)
    status: str = Field("", max_length=20, pattern=r"^[a-z_]*$")
    province: str = Field("", pattern=r"^(\d{6})?$")
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(20, ge=1, le=100)
