"""Typed API input and output of the policy register and the research topics (names prefixed
Zone…: one OpenAPI component per class name)."""

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

from nesta.core.inputs import BoundedInt, CleanText
from nesta.zones.models import PolicyDocument, PolicyOutput, PolicyScope, PolicyTopic, TopicStatus

ID_MAX = 2_147_483_647
Day = Field(..., description="YYYY-MM-DD")
ZoneIds = list[BoundedInt(1, ID_MAX)]


class ZoneOrgRef(Schema):
    id: int
    name: str


class ZonePolicyOut(Schema):
    id: int
    title: str
    doc_number: str
    issuer: str
    issued_on: date
    effective_until: date | None
    scope: str
    scope_label: str
    province: str | None = Field(None, description="省份代码（国家文件为空）")
    zones: list[ZoneOrgRef]
    summary: str
    has_file: bool
    file_name: str
    file_url: str | None
    updated_at: datetime


class ZonePolicyDetailOut(ZonePolicyOut):
    text: str
    origins: list[dict[str, Any]] = Field(default_factory=list, description="形成该文件的研究成果")


class ZonePolicyPageOut(Schema):
    items: list[ZonePolicyOut]
    next_cursor: str | None
    total: int | None


class ZonePolicyIn(Schema):
    title: CleanText(200, min_length=1, multiline=False)
    doc_number: CleanText(60, multiline=False) = Field("", description="文号，如 国发〔2003〕36号")
    issuer: CleanText(120, min_length=1, multiline=False) = Field(..., description="发文机关")
    issued_on: date = Field(..., description="发布日期，1950-01-01 至今天")
    effective_until: date | None = None
    scope: PolicyScope
    province: str | None = Field(None, pattern=r"^\d{6}$", description="省级文件的省份代码；高新区文件取其高新区所在省")
    zones: ZoneIds = Field(default_factory=list, max_length=50, description="高新区文件适用的高新区 id")
    summary: CleanText(2000) = ""
    text: CleanText(100_000) = Field("", description="正文")


class ZonePolicyPatch(Schema):
    title: CleanText(200, min_length=1, multiline=False) | None = None
    doc_number: CleanText(60, multiline=False) | None = None
    issuer: CleanText(120, min_length=1, multiline=False) | None = None
    issued_on: date | None = None
    effective_until: date | None = None
    scope: PolicyScope | None = None
    province: str | None = Field(None, pattern=r"^\d{6}$")
    zones: ZoneIds | None = Field(None, max_length=50)
    summary: CleanText(2000) | None = None
    text: CleanText(100_000) | None = None


class ZonePolicyQuery(Schema):
    q: CleanText(100, multiline=False) = Field("", description="全文检索：标题、文号、发文机关、要点、正文")
    scope: PolicyScope | None = None
    province: str | None = Field(None, pattern=r"^\d{6}$")
    zone: int | None = Field(None, ge=1, le=ID_MAX)
    issuer: CleanText(120, multiline=False) = Field("", description="发文机关（包含）")
    year_from: int | None = Field(None, ge=1950, le=2100)
    year_to: int | None = Field(None, ge=1950, le=2100)
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(20, ge=1, le=100)


class ZonePolicyOutputOut(Schema):
    id: int
    topic: int
    kind: str
    kind_label: str
    title: str
    delivered_on: date
    summary: str
    document: ZoneOrgRef | None = Field(None, description="形成的政策文件（id、标题）")


class ZonePolicyTopicOut(Schema):
    id: int
    title: str
    lead: ZoneOrgRef
    zones: list[ZoneOrgRef]
    status: str
    status_label: str
    started_on: date
    due_on: date
    completed_on: date | None
    summary: str
    outputs: list[ZonePolicyOutputOut] | None = None


class ZonePolicyTopicPageOut(Schema):
    items: list[ZonePolicyTopicOut]
    next_cursor: str | None
    total: int | None


class ZonePolicyTopicIn(Schema):
    title: CleanText(200, min_length=1, multiline=False)
    lead: int = Field(..., ge=1, le=ID_MAX, description="承担单位（机构 id）")
    zones: ZoneIds = Field(default_factory=list, max_length=50)
    status: TopicStatus = TopicStatus.PLANNED
    started_on: date
    due_on: date
    completed_on: date | None = None
    summary: CleanText(8000) = ""


class ZonePolicyTopicPatch(Schema):
    title: CleanText(200, min_length=1, multiline=False) | None = None
    lead: int | None = Field(None, ge=1, le=ID_MAX)
    zones: ZoneIds | None = Field(None, max_length=50)
    status: TopicStatus | None = None
    started_on: date | None = None
    due_on: date | None = None
    completed_on: date | None = None
    summary: CleanText(8000) | None = None


class ZonePolicyTopicQuery(Schema):
    q: CleanText(100, multiline=False) = Field("", description="全文检索：课题名称、承担单位、研究内容、成果")
    status: TopicStatus | None = None
    zone: int | None = Field(None, ge=1, le=ID_MAX)
    lead: int | None = Field(None, ge=1, le=ID_MAX)
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(20, ge=1, le=100)


class ZonePolicyOutputIn(Schema):
    kind: PolicyOutput.Kind
    title: CleanText(200, min_length=1, multiline=False)
    delivered_on: date
    summary: CleanText(4000) = ""
    document: int | None = Field(None, ge=1, le=ID_MAX, description="被采纳政策：形成的政策文件 id")


def _ref(org: Any) -> dict[str, Any]:
    return {"id": org.pk, "name": org.name}


def policy_out(document: PolicyDocument, *, detail: bool = False, origins: Any = ()) -> dict[str, Any]:
    out = {
        "id": document.pk,
        "title": document.title,
        "doc_number": document.doc_number,
        "issuer": document.issuer,
        "issued_on": document.issued_on,
        "effective_until": document.effective_until,
        "scope": document.scope,
        "scope_label": str(document.get_scope_display()),
        "province": document.province.code if document.province_id else None,
        "zones": [_ref(z) for z in document.zones.all()],
        "summary": document.summary,
        "has_file": bool(document.file),
        "file_name": document.file_name,
        "file_url": f"/api/v1/zone-policies/{document.pk}/file" if document.file else None,
        "updated_at": document.updated_at,
    }
    if detail:
        out["text"] = document.text
        out["origins"] = [
            {"topic": o.topic_id, "topic_title": o.topic.title, "output": o.pk, "title": o.title} for o in origins
        ]
    return out


def output_out(output: PolicyOutput) -> dict[str, Any]:
    return {
        "id": output.pk,
        "topic": output.topic_id,
        "kind": output.kind,
        "kind_label": str(output.get_kind_display()),
        "title": output.title,
        "delivered_on": output.delivered_on,
        "summary": output.summary,
        "document": {"id": output.document.pk, "name": output.document.title} if output.document_id else None,
    }


def topic_out(topic: PolicyTopic, *, with_outputs: bool = False) -> dict[str, Any]:
    out = {
        "id": topic.pk,
        "title": topic.title,
        "lead": _ref(topic.lead),
        "zones": [_ref(z) for z in topic.zones.all()],
        "status": topic.status,
        "status_label": str(topic.get_status_display()),
        "started_on": topic.started_on,
        "due_on": topic.due_on,
        "completed_on": topic.completed_on,
        "summary": topic.summary,
    }
    if with_outputs:
        out["outputs"] = [output_out(o) for o in topic.outputs.all()]
    return out
