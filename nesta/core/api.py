"""Reference data and the audit trail over the API."""

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from nesta.core import selectors
from nesta.core.api_auth import api_user, login_required
from nesta.core.schemas import AuditOut, AuditPage, ErrorOut, PlatformOut, RegionOut, TaxonomyOut

router = Router(tags=["reference"])


def _region(r) -> dict:
    return {
        "code": r.code,
        "name": r.name,
        "name_en": r.name_en,
        "level": r.level,
        "children": [_region(c) for c in r.children_list],
    }


def _taxon(n) -> dict:
    return {
        "code": n.code,
        "name": n.name,
        "name_en": n.name_en,
        "seed_section": n.seed_section,
        "children": [_taxon(c) for c in n.children_list],
    }


@router.get("/regions", response=list[RegionOut], summary="三省及其地级市（GB/T 2260）")
def list_regions(request: HttpRequest):
    return [_region(p) for p in selectors.provinces_with_cities()]


@router.get("/taxonomy", response=list[TaxonomyOut], summary="重点领域分类树（方案三.2）")
def list_taxonomy(request: HttpRequest):
    return [_taxon(n) for n in selectors.taxonomy_tree()]


@router.get("/platforms", response=list[PlatformOut], summary="四大平台（方案三.1）")
def list_platforms(request: HttpRequest):
    return selectors.platforms()


class AuditQuery(Schema):
    object_type: str = Field("", max_length=60)
    object_id: str = Field("", max_length=40)
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(50, ge=1, le=100)


@router.get(
    "/audit",
    response={200: AuditPage, 401: ErrorOut, 403: ErrorOut},
    auth=login_required,
    tags=["audit"],
    summary="审计日志（仅领导小组办公室）",
)
def list_audit(request: HttpRequest, filters: Query[AuditQuery]):
    page = selectors.audit_list(
        user=api_user(request),
        object_type=filters.object_type,
        object_id=filters.object_id,
        cursor=filters.cursor,
        limit=filters.limit,
    )
    items = [
        AuditOut(
            id=a.pk,
            created_at=a.created_at,
            actor=a.actor_repr,
            action=a.action,
            object_type=a.object_type,
            object_id=a.object_id,
            object_repr=a.object_repr,
            changes=a.changes,
        )
        for a in page.items
    ]
    return {"items": items, "next_cursor": page.next_cursor}
