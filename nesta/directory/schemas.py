"""API shapes of the directory."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import Field

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

    name: str | None = Field(None, min_length=1, max_length=120)
    name_en: str | None = Field(None, max_length=200)
    short_name: str | None = Field(None, max_length=40)
    kind: OrganizationKind | None = None
    is_private_tech_enterprise: bool | None = None
    uscc: str | None = Field(None, max_length=18, description="统一社会信用代码 (18位, 含校验位)")
    province: str | None = Field(None, max_length=6, description="省级行政区划代码, e.g. 210000")
    city: str | None = Field(None, max_length=6, description="地级行政区划代码, e.g. 210100")
    address: str | None = Field(None, max_length=200)
    postal_code: str | None = Field(None, max_length=6)
    website: str | None = Field(None, max_length=200)
    contact_name: str | None = Field(None, max_length=50)
    contact_phone: str | None = Field(None, max_length=30)
    contact_email: str | None = Field(None, max_length=254)
    description: str | None = Field(None, max_length=5000)
    fields: list[str] | None = Field(None, max_length=50, description="重点领域代码 (GET /taxonomy)")
    zone: int | None = Field(None, ge=1, le=ID_MAX, description="所在国家高新区的机构 id")
    established_year: int | None = Field(None, ge=1800, le=2100)
    is_active: bool | None = None


class OrganizationIn(OrganizationPatch):
    name: str = Field(..., min_length=1, max_length=120)  # type: ignore[assignment]
    kind: OrganizationKind  # type: ignore[assignment]
    province: str = Field(..., max_length=6)  # type: ignore[assignment]


class OrganizationPage(Schema):
    items: list[OrganizationOut]
    next_cursor: str | None = None
    total: int | None = None
    facets: dict[str, dict[str, int]] = {}


class ExpertIn(Schema):
    expertise: str | None = Field(None, max_length=5000)
    degree: str | None = Field(None, max_length=20)
    is_available: bool | None = None
    max_reviews_per_year: int | None = Field(None, ge=0, le=365)


class ExpertOut(Schema):
    expertise: str
    degree: str
    is_available: bool
    max_reviews_per_year: int


class AffiliationIn(Schema):
    organization: int = Field(..., ge=1, le=ID_MAX)
    role_title: str = Field("", max_length=60)
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
    name: str | None = Field(None, min_length=1, max_length=50)
    gender: str | None = Field(None, pattern="^(M|F|)$")
    title: str | None = Field(None, max_length=40)
    position: str | None = Field(None, max_length=60)
    organization: int | None = Field(None, ge=1, le=ID_MAX)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=30)
    bio: str | None = Field(None, max_length=5000)
    fields: list[str] | None = Field(None, max_length=50)
    keywords: str | None = Field(None, max_length=300)
    expert: ExpertIn | None = Field(None, description="专家信息；显式传 null 可撤销专家身份")
    affiliations: list[AffiliationIn] | None = Field(None, max_length=50)


class PersonIn(PersonPatch):
    name: str = Field(..., min_length=1, max_length=50)  # type: ignore[assignment]


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
