"""Reference data and the audit trail over the API."""

from datetime import date

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema
from pydantic import Field

from nesta.core import selectors
from nesta.core.api_auth import api_user, login_required
from nesta.core.errors import ValidationFailed
from nesta.core.forms import EARLIEST, LATEST
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
    actor: str = Field("", max_length=150, description="操作人用户名（精确匹配）")
    date_from: date | None = Field(None, ge=EARLIEST, le=LATEST, description="起始日期（北京时间，含）")
    date_to: date | None = Field(None, ge=EARLIEST, le=LATEST, description="截止日期（北京时间，含）")
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(50, ge=1, le=100)


@router.get(
    "/audit",
    response={200: AuditPage, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    auth=login_required,
    tags=["audit"],
    summary="审计日志（仅领导小组办公室）",
)
def list_audit(request: HttpRequest, filters: Query[AuditQuery]):
    user = api_user(request)
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise ValidationFailed(details={"date_to": [_("截止日期不能早于起始日期。")]})
    page = selectors.audit_list(
        user=user,
        filters=selectors.AuditFilters(
            object_type=filters.object_type,
            object_id=filters.object_id,
            actor=filters.actor.strip(),
            date_from=filters.date_from,
            date_to=filters.date_to,
        ),
        cursor=filters.cursor,
        limit=filters.limit,
    )
    items = [
        AuditOut(
            id=a.pk,
            created_at=a.created_at,
            actor=a.actor_repr,
            action=a.action,
            action_label=a.event_label,
            object_type=a.object_type,
            object_id=a.object_id,
            object_repr=a.object_repr,
            changes=a.changes,
        )
        for a in page.items
    ]
    return {"items": items, "next_cursor": page.next_cursor}
