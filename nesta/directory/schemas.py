"""API shapes of the directory."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from nesta.core.inputs import CleanText
from nesta.core.schemas import RegionRef, TaxonomyRef
from nesta.directory.models import OrganizationKind

ID_MAX = 2**31 - 1
Text = Field(default=None, max_length=5000)


class OrgRef(Schema):
    id: int
    name: str


class OrganizationOut(Schema):
    id: int
    name: str
    name_en: str
    short_name: str
    kind: OrganizationKind
    kind_display: str
    is_private_tech_enterprise: bool
    uscc: str | None
    province: RegionRef
    city: RegionRef | None
    address: str
    postal_code: str
    website: str
    contact_name: str
    contact_phone: str
    contact_email: str
    description: str
    fields: list[TaxonomyRef]
    zone: OrgRef | None
    established_year: int | None
    is_active: bool
    created_at: datetime
    updated_at: datetime


class OrganizationPatch(Schema):
    """Any subset of the fields; omitted fields stay as they are."""

    name: CleanText(120, min_length=1) | None = None
    name_en: CleanText(200) | None = None
    short_name: CleanText(40) | None = None
    kind: OrganizationKind | None = None
    is_private_tech_enterprise: bool | None = None
    uscc: CleanText(18) | None = Field(None, description="统一社会信用代码 (18位, 含校验位)")
    province: CleanText(6) | None = Field(None, description="省级行政区划代码, e.g. 210000")
    city: CleanText(6) | None = Field(None, description="地级行政区划代码, e.g. 210100")
    address: CleanText(200) | None = None
    postal_code: CleanText(6) | None = None
    website: CleanText(200) | None = None
    contact_name: CleanText(50) | None = None
    contact_phone: CleanText(30) | None = None
    contact_email: CleanText(254) | None = None
    description: CleanText(5000) | None = None
    fields: list[str] | None = Field(None, max_length=50, description="重点领域代码 (GET /taxonomy)")
    zone: int | None = Field(None, ge=1, le=ID_MAX, description="所在国家高新区的机构 id")
    established_year: int | None = Field(None, ge=1800, le=2100)
    is_active: bool | None = None


class OrganizationIn(OrganizationPatch):
    name: CleanText(120, min_length=1)  # type: ignore[assignment]
    kind: OrganizationKind  # type: ignore[assignment]
    province: CleanText(6)  # type: ignore[assignment]


class OrganizationPage(Schema):
    items: list[OrganizationOut]
    next_cursor: str | None = None
    total: int | None = None
    facets: dict[str, dict[str, int]] = {}


class ExpertIn(Schema):
    expertise: CleanText(5000) | None = None
    degree: CleanText(20) | None = None
    is_available: bool | None = None
    max_reviews_per_year: int | None = Field(None, ge=0, le=365)


class ExpertOut(Schema):
    expertise: str
    degree: str
    is_available: bool
    max_reviews_per_year: int


class AffiliationIn(Schema):
    organization: int = Field(..., ge=1, le=ID_MAX)
    role_title: CleanText(60) = Field("")
    start_year: int | None = Field(None, ge=1900, le=2100)
    end_year: int | None = Field(None, ge=1900, le=2100)


class AffiliationOut(Schema):
    organization: OrgRef
    role_title: str
    start_year: int | None
    end_year: int | None


class PersonOut(Schema):
    id: int
    name: str
    gender: str
    title: str
    position: str
    organization: OrgRef | None
    email: str | None = Field(description="仅对有权查看联系方式的用户返回")
    phone: str | None
    bio: str
    fields: list[TaxonomyRef]
    keywords: list[str]
    expert: ExpertOut | None
    affiliations: list[AffiliationOut]
    created_at: datetime
    updated_at: datetime


class PersonPatch(Schema):
    name: CleanText(50, min_length=1) | None = None
    gender: str | None = Field(None, pattern="^(M|F|)$")
    title: CleanText(40) | None = None
    position: CleanText(60) | None = None
    organization: int | None = Field(None, ge=1, le=ID_MAX)
    email: CleanText(254) | None = None
    phone: CleanText(30) | None = None
    bio: CleanText(5000) | None = None
    fields: list[str] | None = Field(None, max_length=50)
    keywords: CleanText(300) | None = None
    expert: ExpertIn | None = Field(None, description="专家信息；显式传 null 可撤销专家身份")
    affiliations: list[AffiliationIn] | None = Field(None, max_length=50)


class PersonIn(PersonPatch):
    name: CleanText(50, min_length=1)  # type: ignore[assignment]


class PersonPage(Schema):
    items: list[PersonOut]
    next_cursor: str | None = None


def organization_out(org: Any) -> dict[str, Any]:
    def region(r):
        return {"code": r.code, "name": r.name, "name_en": r.name_en} if r else None

    return {
        "id": org.pk,
        "name": org.name,
        "name_en": org.name_en,
        "short_name": org.short_name,
        "kind": org.kind,
        "kind_display": str(org.get_kind_display()),
        "is_private_tech_enterprise": org.is_private_tech_enterprise,
        "uscc": org.uscc,
        "province": region(org.province),
        "city": region(org.city),
        "address": org.address,
        "postal_code": org.postal_code,
        "website": org.website,
        "contact_name": org.contact_name,
        "contact_phone": org.contact_phone,
        "contact_email": org.contact_email,
        "description": org.description,
        "fields": [{"code": f.code, "name": f.name, "name_en": f.name_en} for f in org.fields.all()],
        "zone": {"id": org.zone.pk, "name": org.zone.name} if org.zone_id else None,
        "established_year": org.established_year,
        "is_active": org.is_active,
        "created_at": org.created_at,
        "updated_at": org.updated_at,
    }


def person_out(person: Any, *, show_contact: bool) -> dict[str, Any]:
    expert = getattr(person, "expert_profile", None) if hasattr(person, "expert_profile") else None
    org = person.organization
    return {
        "id": person.pk,
        "name": person.name,
        "gender": person.gender,
        "title": person.title,
        "position": person.position,
        "organization": {"id": org.pk, "name": org.name} if org else None,
        "email": person.email if show_contact else None,
        "phone": person.phone if show_contact else None,
        "bio": person.bio,
        "fields": [{"code": f.code, "name": f.name, "name_en": f.name_en} for f in person.fields.all()],
        "keywords": person.keyword_list,
        "expert": {
            "expertise": expert.expertise,
            "degree": expert.degree,
            "is_available": expert.is_available,
            "max_reviews_per_year": expert.max_reviews_per_year,
        }
        if expert
        else None,
        "affiliations": [
            {
                "organization": {"id": a.organization_id, "name": a.organization.name},
                "role_title": a.role_title,
                "start_year": a.start_year,
                "end_year": a.end_year,
            }
            for a in person.affiliations.all()
        ],
        "created_at": person.created_at,
        "updated_at": person.updated_at,
    }
