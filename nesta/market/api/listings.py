"""The API of the market's listings part: create, read, edit, the lifecycle's steps, the
owner's list, XLSX import and export. Thin wrappers over services/listings and
selectors/listings (the list and search, GET /listings, is the search part's)."""

import inspect
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Path, Query, Router, UploadedFile
from ninja.responses import Status

from nesta.core.api_auth import api_user, api_user_required, login_required
from nesta.core.api_inbox import JobRefOut, job_ref
from nesta.core.api_lifecycle import transition_endpoints
from nesta.core.errors import ValidationFailed
from nesta.core.generic.download import content_disposition
from nesta.core.lifecycle import Transition
from nesta.core.schemas import ErrorOut
from nesta.market import exports
from nesta.market.api import search
from nesta.market.lifecycles.listing import LISTING
from nesta.market.models import Listing
from nesta.market.schemas_listings import (
    ID_MAX,
    ImportOut,
    ListingIn,
    ListingOut,
    ListingPage,
    ListingPatch,
    MineQuery,
    NoteIn,
    ReasonIn,
    TemplateQuery,
)
from nesta.market.selectors import listings as reads
from nesta.market.services import listing_import
from nesta.market.services import listings as services

router = Router(tags=["technology market"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 503: ErrorOut}
READ_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
XLSX_RESPONSE = {
    "responses": {
        200: {
            "description": "XLSX",
            "content": {exports.XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


def _ref(region_or_node: Any) -> dict[str, str] | None:
    if region_or_node is None:
        return None
    return {"code": region_or_node.code, "name": region_or_node.name}


def listing_item(x: Listing) -> dict[str, Any]:
    return {
        "id": x.pk,
        "kind": x.kind,
        "kind_display": str(x.get_kind_display()),
        "status": x.status,
        "status_display": str(x.get_status_display()),
        "title": x.title,
        "organization": {"id": x.organization_id, "name": x.organization.name},
        "province": _ref(x.province),
        "price_text": reads.price_text(x),
        "valid_until": x.valid_until,
        "created_at": x.created_at,
        "url": x.get_absolute_url(),
    }


def listing_out(x: Listing, viewer: Any) -> dict[str, Any]:
    visible = reads.may_view_contact(viewer, x)
    return {
        **listing_item(x),
        "summary": x.summary,
        "keywords": x.keyword_list,
        "field": _ref(x.field),
        "city": _ref(x.city),
        "maturity": x.maturity,
        "ip_type": x.ip_type,
        "price_low": x.price_low,
        "price_high": x.price_high,
        "price_negotiable": x.price_negotiable,
        "details": x.details or {},
        "contacts": {"name": x.contact_name, "phone": x.contact_phone, "email": x.contact_email} if visible else None,
        "contacts_hidden_reason": "" if visible else _("接受意向后可见"),
        "review_note": x.review_note if reads.is_insider(viewer, x) else "",
        "submitted_at": x.submitted_at,
        "published_at": x.published_at,
        "transitions": [t.name for t in reads.transitions_for(viewer, x)],
    }


def _detail(listing_id: int, viewer: Any) -> dict[str, Any]:
    return listing_out(reads.listing_get(viewer=viewer, listing_id=listing_id), viewer)


# POST /listings shares its path with the search part's GET /listings: Django resolves a path
# to the first router's pattern only (a POST there would be 405), so this operation is declared
# on the search router's path, beside its GET.
@search.router.post("/listings", response={201: ListingOut, **ERRORS}, summary="新建技术市场信息（草稿；按类别校验）")
def create_listing(request: HttpRequest, payload: ListingIn):
    user = api_user_required(request)
    listing = services.listing_create(actor=user, data=payload.model_dump(exclude_unset=True))
    return Status(201, _detail(listing.pk, user))


@router.get(
    "/listings/mine",
    response={200: ListingPage, **READ_ERRORS},
    auth=login_required,
    summary="我的信息（本单位发布或本人填报的），最新在前，按游标分页",
)
def my_listings(request: HttpRequest, query: Query[MineQuery]):
    user = api_user(request)
    page = reads.my_listings_page(
        viewer=user,
        status=query.status.value if query.status else "",
        kind=query.kind.value if query.kind else "",
        cursor=query.cursor,
        limit=query.limit,
    )
    return {"items": [listing_item(x) for x in page.items], "next_cursor": page.next_cursor}


@router.get(
    "/listings/export",
    response=READ_ERRORS,
    auth=login_required,
    openapi_extra=XLSX_RESPONSE,
    summary=f"导出 XLSX：本单位的信息（scope=mine）或审核范围内的全部信息（scope=review），最多 {reads.MAX_EXPORT_ROWS} 行",
)
def export_listings(request: HttpRequest, scope: str = Query("mine", pattern="^(mine|review)$")):
    user = api_user(request)
    rows = reads.listings_for_export(viewer=user, scope=scope)
    stamp = timezone.localdate().strftime("%Y%m%d")
    response = HttpResponse(exports.listings_export_xlsx(rows), content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(
        f"技术市场信息-{stamp}.xlsx", fallback=f"listings-{stamp}.xlsx"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@router.get(
    "/listings/import-template",
    response=READ_ERRORS,
    openapi_extra=XLSX_RESPONSE,
    summary="导入模板（XLSX；kind 指定类别时只含该类别的专有列）",
)
def import_template(request: HttpRequest, query: Query[TemplateQuery]):
    api_user(request)
    content = exports.import_template_xlsx(query.kind.value if query.kind else None)
    response = HttpResponse(content, content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(
        "技术市场信息导入模板.xlsx", fallback="listings-template.xlsx"
    )
    return response


@router.post(
    "/listings/import",
    response={200: ImportOut, 201: ImportOut, 202: JobRefOut, **ERRORS},
    summary="导入 XLSX（全部成功才保存为草稿；422 import_failed 时 details.rows 给出逐行错误）",
)
def import_listings(
    request: HttpRequest,
    file: File[UploadedFile],
    dry_run: bool = Query(False),
    background: bool = Query(False, description="作为后台任务导入：202，返回任务地址"),
):
    user = api_user_required(request)
    if file.size is not None and file.size > listing_import.MAX_IMPORT_BYTES:
        raise ValidationFailed(
            _("文件过大（上限 %(m)d MB）。") % {"m": listing_import.MAX_IMPORT_BYTES // 1024 // 1024},
            code="file_too_large",
            details={"file": [_("文件过大。")]},
        )
    if background:
        return Status(
            202, job_ref(listing_import.listings_import_enqueue(actor=user, content=file.read(), dry_run=dry_run))
        )
    report = listing_import.listings_import_xlsx(actor=user, content=file.read(), dry_run=dry_run)
    body = {
        "rows": report.rows,
        "created": len(report.created),
        "ids": [x.pk for x in report.created],
        "dry_run": report.dry_run,
    }
    return Status(200 if dry_run else 201, body)


@router.get(
    "/listings/{listing_id}",
    response={200: ListingOut, **READ_ERRORS},
    summary="信息详情（草稿等仅发布方与审核方可见；联系方式按规则可见）",
)
def get_listing(request: HttpRequest, listing_id: int = Path(..., ge=1, le=ID_MAX)):
    return _detail(listing_id, api_user(request))


@router.patch(
    "/listings/{listing_id}",
    response={200: ListingOut, **ERRORS},
    summary="修改信息（只改所给字段；草稿可改全部，已发布只能改文字、联系方式和有效期）",
)
def update_listing(request: HttpRequest, payload: ListingPatch, listing_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    listing = services.listing_update(actor=user, listing_id=listing_id, data=payload.model_dump(exclude_unset=True))
    return _detail(listing.pk, user)


# --- the lifecycle's steps: one endpoint per offered transition ------------------------------


def _run(t: Transition, user: Any, listing_id: int, payload: Any = None) -> dict[str, Any]:
    reason = ""
    if isinstance(payload, ReasonIn):
        reason = payload.reason
    elif isinstance(payload, NoteIn):
        reason = payload.note
    listing = services.listing_run(t.name, actor=user, listing_id=listing_id, reason=reason)
    return _detail(listing.pk, user)


def _payload(annotation: Any, default: Any) -> list[inspect.Parameter]:
    return [inspect.Parameter("payload", inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default)]


transition_endpoints(
    router,
    LISTING,
    prefix="/listings",
    id_name="listing_id",
    run=_run,
    response={200: ListingOut, **ERRORS},
    operation_id=lambda t: f"{t.name}_listing",
    module=__name__,
    inputs={"return": _payload(ReasonIn, inspect.Parameter.empty), "approve": _payload(NoteIn | None, None)},
)
