from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str
    details: Any = None


class RegionRef(Schema):
    code: str
    name: str
    name_en: str


class RegionOut(RegionRef):
    level: str
    children: list[RegionOut] = []


class TaxonomyOut(Schema):
    code: str
    name: str
    name_en: str
    seed_section: str
    children: list[TaxonomyOut] = []


class TaxonomyRef(Schema):
    code: str
    name: str
    name_en: str


class PlatformOut(Schema):
    code: str
    name: str
    name_en: str
    summary: str


class AuditOut(Schema):
    id: int
    created_at: datetime
    actor: str
    action: str  # the named event, e.g. "organization.updated"
    action_label: str = ""  # its label in the request's language
    object_type: str
    object_id: str
    object_repr: str
    changes: dict[str, Any]


class AuditPage(Schema):
    items: list[AuditOut]
    next_cursor: str | None = None
