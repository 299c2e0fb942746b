"""Interest and negotiation over the API: thin over services.negotiation and selectors.negotiation.

POST /listings/{id}/interests (201; 404, 409 listing_not_open / interest_exists, 422 own_listing);
GET /interests (mine: box=all|sent|received, the operator's box=oversee; status, listing_id,
cursor); GET /interests/{id}; POST /interests/{id}/accept | decline | withdraw | close (the
INTEREST table's endpoints); GET/POST /interests/{id}/messages (a message posts as multipart
form data — body, attachment — or as JSON {"body": …}); GET …/messages/{mid}/attachment;
POST /interests/{id}/read. A thread one may not read is 404, whether it exists or not."""

import inspect
import json
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema
from ninja.responses import Status
from pydantic import Field, ValidationError

from nesta.core.api_auth import api_user_required, caller, login_required
from nesta.core.api_lifecycle import transition_endpoints
from nesta.core.api_parser import is_json_media_type
from nesta.core.errors import BadRequest, DomainError, NotFound, ValidationFailed
from nesta.core.generic.download import file_download
from nesta.core.inputs import CleanText
from nesta.core.lifecycle import Transition
from nesta.core.schemas import ErrorOut
from nesta.market.lifecycles import INTEREST
from nesta.market.models import Interest, ThreadMessage
from nesta.market.selectors import negotiation as selectors
from nesta.market.services import negotiation as services

_JSON_BODIED = ("/interests", "/accept", "/decline")


class _UnsupportedMediaType(DomainError):
    code = "unsupported_media_type"
    status = 415


def _caller(request: HttpRequest) -> Any:
    """The platform's caller (401 first), then: a multipart body sent to one of this router's
    JSON endpoints is refused with 415 (the body guard has parsed it as a form already, so ninja
    could no longer read it as JSON and would fail). POST …/messages takes multipart; the
    endpoints without a body (withdraw, close, read) ignore it."""
    user = caller(request)
    content_type = request.META.get("CONTENT_TYPE", "").lower()
    if (
        request.method == "POST"
        and content_type.startswith("multipart/")
        and request.path.rstrip("/").endswith(_JSON_BODIED)
    ):
        raise _UnsupportedMediaType(
            _("请求体须为 JSON（Content-Type: application/json）。"), details={"content_type": content_type[:100]}
        )
    return user


router = Router(tags=["technology market"], auth=_caller)
ID_MAX = 2_147_483_647
ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    415: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
    503: ErrorOut,
}
READ_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
Id = Path(..., ge=1, le=ID_MAX)


class InterestIn(Schema):
    message: CleanText(services.MESSAGE_MAX, min_length=1) = Field(..., description="意向说明（告知信息方）")


class AcceptIn(Schema):
    answer: CleanText(services.ANSWER_MAX) = Field("", description="答复（可选）")


class DeclineIn(Schema):
    answer: CleanText(services.ANSWER_MAX, min_length=1) = Field(..., description="答复（婉拒原因）")


class MessageIn(Schema):
    body: CleanText(services.BODY_MAX, min_length=1) = Field(..., description="消息内容")


class Box(StrEnum):
    all = "all"
    sent = "sent"
    received = "received"
    oversee = "oversee"


class ListQuery(Schema):
    box: Box = Field(Box.all, description="all 全部 / sent 我方发出 / received 我方收到 / oversee 监管（运营方）")
    status: Interest.Status | None = Field(None, description="按状态筛选")
    listing_id: int | None = Field(None, ge=1, le=ID_MAX)
    cursor: CleanText(200, multiline=False) | None = None
    limit: int = Field(20, ge=1, le=100)


class ThreadQuery(Schema):
    cursor: CleanText(200, multiline=False) | None = None
    limit: int = Field(50, ge=1, le=100)


class ContactsOut(Schema):
    name: str
    phone: str
    email: str


class InterestOut(Schema):
    id: int
    listing_id: int
    listing_title: str
    listing_status: str
    listing_organization: str
    organization_id: int
    organization_name: str
    user_name: str
    message: str
    status: str
    status_display: str
    answer: str
    side: str = Field(..., description="查看者的身份：party 意向方 / owner 信息方 / operator 运营方")
    actions: list[str] = Field(..., description="查看者现在可执行的操作")
    message_count: int
    unread: int
    contacts: ContactsOut | None = Field(None, description="信息方联系方式（意向被接受后对意向方可见）")
    created_at: datetime
    accepted_at: datetime | None
    declined_at: datetime | None
    withdrawn_at: datetime | None
    closed_at: datetime | None
    last_message_at: datetime | None


class InterestPage(Schema):
    items: list[InterestOut]
    next_cursor: str | None


class AttachmentOut(Schema):
    name: str
    size: int
    content_type: str
    url: str


class MessageOut(Schema):
    id: int
    interest_id: int
    author_name: str
    organization_name: str
    side: str
    body: str
    attachment: AttachmentOut | None
    created_at: datetime


class MessagePage(Schema):
    items: list[MessageOut]
    next_cursor: str | None


class ReadOut(Schema):
    unread: int


def interest_out(view: selectors.InterestView) -> dict[str, Any]:
    i = view.interest
    listing = i.listing
    return {
        "id": i.pk,
        "listing_id": listing.pk,
        "listing_title": listing.title,
        "listing_status": listing.status,
        "listing_organization": listing.organization.name,
        "organization_id": i.organization_id,
        "organization_name": i.organization.name,
        "user_name": str(i.user),
        "message": i.message,
        "status": i.status,
        "status_display": str(i.get_status_display()),
        "answer": i.answer,
        "side": view.side or "",
        "actions": [t.name for t in view.transitions],
        "message_count": getattr(i, "message_count", 0),
        "unread": view.unread,
        "contacts": selectors.listing_contacts(listing) if view.contacts_visible else None,
        "created_at": i.created_at,
        "accepted_at": i.accepted_at,
        "declined_at": i.declined_at,
        "withdrawn_at": i.withdrawn_at,
        "closed_at": i.closed_at,
        "last_message_at": i.last_message_at,
    }


def message_out(m: ThreadMessage, interest: Interest) -> dict[str, Any]:
    if m.author_organization_id == interest.organization_id:
        side = selectors.PARTY
    elif m.author_organization_id == interest.listing.organization_id:
        side = selectors.OWNER
    else:
        side = selectors.OPERATOR
    attachment = None
    if m.attachment:
        attachment = {
            "name": m.attachment_name,
            "size": m.attachment_size,
            "content_type": services.attachment_content_type(m.attachment_name),
            "url": reverse("api:market_interest_attachment", args=[interest.pk, m.pk]),
        }
    return {
        "id": m.pk,
        "interest_id": m.interest_id,
        "author_name": str(m.author),
        "organization_name": m.author_organization.name if m.author_organization else "",
        "side": side,
        "body": m.body,
        "attachment": attachment,
        "created_at": m.created_at,
    }


def _view(request: HttpRequest, interest_id: int) -> selectors.InterestView:
    return selectors.interest_get(user=api_user_required(request), interest_id=interest_id)


@router.post(
    "/listings/{listing_id}/interests",
    response={201: InterestOut, **ERRORS},
    summary="表达合作意向（409 listing_not_open / interest_exists；422 own_listing）",
)
def express_interest(request: HttpRequest, payload: InterestIn, listing_id: int = Id):
    user = api_user_required(request)
    interest = services.interest_express(actor=user, listing_id=listing_id, message=payload.message)
    return Status(201, interest_out(selectors.interest_get(user=user, interest_id=interest.pk)))


@router.get(
    "/interests",
    response={200: InterestPage, **READ_ERRORS},
    auth=login_required,
    summary="我的合作意向（发出的与收到的；最新在前，按游标分页）",
)
def list_interests(request: HttpRequest, filters: Query[ListQuery]):
    page = selectors.interests_page(
        user=api_user_required(request),
        box=filters.box.value,
        status=filters.status.value if filters.status else None,
        listing_id=filters.listing_id,
        cursor=filters.cursor,
        limit=filters.limit,
    )
    return {"items": [interest_out(v) for v in page.items], "next_cursor": page.next_cursor}


@router.get(
    "/interests/{interest_id}",
    response={200: InterestOut, **READ_ERRORS},
    auth=login_required,
    summary="合作意向详情（仅洽谈双方与运营方可见）",
)
def get_interest(request: HttpRequest, interest_id: int = Id):
    return interest_out(_view(request, interest_id))


def _run(t: Transition, user: Any, interest_id: int, payload: Any = None) -> dict[str, Any]:
    if t.name == "accept":
        services.interest_accept(actor=user, interest_id=interest_id, answer=payload.answer if payload else "")
    elif t.name == "decline":
        services.interest_decline(actor=user, interest_id=interest_id, answer=payload.answer)
    elif t.name == "withdraw":
        services.interest_withdraw(actor=user, interest_id=interest_id)
    else:
        services.interest_close(actor=user, interest_id=interest_id)
    return interest_out(selectors.interest_get(user=user, interest_id=interest_id))


def _body(schema: type, *, optional: bool = False) -> list[inspect.Parameter]:
    annotation = schema | None if optional else schema
    default = None if optional else inspect.Parameter.empty
    return [inspect.Parameter("payload", inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default)]


transition_endpoints(
    router,
    INTEREST,
    prefix="/interests",
    id_name="interest_id",
    run=_run,
    response={200: InterestOut, **ERRORS},
    operation_id=lambda t: f"{t.name}_market_interest",
    module=__name__,
    inputs={"accept": _body(AcceptIn, optional=True), "decline": _body(DeclineIn)},
)


@router.get(
    "/interests/{interest_id}/messages",
    response={200: MessagePage, **READ_ERRORS},
    auth=login_required,
    summary="洽谈消息（最早在前；用 next_cursor 继续读取新消息）",
)
def list_messages(request: HttpRequest, filters: Query[ThreadQuery], interest_id: int = Id):
    view = _view(request, interest_id)
    page = selectors.thread_page(view=view, cursor=filters.cursor, limit=filters.limit)
    return {"items": [message_out(m, view.interest) for m in page.items], "next_cursor": page.next_cursor}


def _message_input(request: HttpRequest) -> tuple[str, Any]:
    """(body, attachment) from multipart form data or a JSON object (415 for anything else)."""
    content_type = request.META.get("CONTENT_TYPE", "")
    if is_json_media_type(content_type):
        try:
            data = json.loads(request.body or b"{}")
            if not isinstance(data, dict):
                raise ValueError
            return MessageIn(**data).body, None
        except ValidationError as exc:
            raise ValidationFailed(details={"body": [e["msg"] for e in exc.errors()]}) from None
        except (ValueError, UnicodeDecodeError):
            raise BadRequest(_("请求体应为 JSON 对象。"), code="invalid_json") from None
    main = content_type.split(";", 1)[0].strip().lower()
    if main not in ("multipart/form-data", "application/x-www-form-urlencoded"):
        raise _UnsupportedMediaType(
            _("请求体须为 multipart/form-data 或 JSON。"), details={"content_type": content_type[:100]}
        )
    body = request.POST.get("body", "")
    files = request.FILES.getlist("attachment")
    if len(files) > 1:
        raise ValidationFailed(details={"attachment": [_("每条消息只能附一个文件。")]}, code="invalid_attachment")
    return body, files[0] if files else None


@router.post(
    "/interests/{interest_id}/messages",
    response={201: MessageOut, **ERRORS},
    summary="发送洽谈消息（multipart：body 文字、attachment 文件，PDF/DOCX/XLSX/PNG/JPG ≤ 10 MB；或 JSON）",
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "body": {"type": "string", "maxLength": services.BODY_MAX},
                            "attachment": {"type": "string", "format": "binary"},
                        },
                    }
                },
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {"body": {"type": "string", "minLength": 1, "maxLength": services.BODY_MAX}},
                        "required": ["body"],
                    }
                },
            }
        }
    },
)
def post_message(request: HttpRequest, interest_id: int = Id):
    user = api_user_required(request)
    body, attachment = _message_input(request)
    message = services.thread_post(actor=user, interest_id=interest_id, body=body, attachment=attachment)
    view = selectors.interest_get(user=user, interest_id=interest_id)
    return Status(201, message_out(message, view.interest))


@router.get(
    "/interests/{interest_id}/messages/{message_id}/attachment",
    response=READ_ERRORS,
    auth=login_required,
    url_name="market_interest_attachment",
    summary="下载洽谈附件",
    openapi_extra={
        "responses": {
            200: {
                "description": "附件（文件名见 Content-Disposition）",
                "content": {
                    content_type: {"schema": {"type": "string", "format": "binary"}}
                    for content_type in sorted({t[0] for t in services.ATTACHMENT_TYPES.values()})
                },
            }
        }
    },
)
def download_attachment(request: HttpRequest, interest_id: int = Id, message_id: int = Id):
    view = _view(request, interest_id)
    message = selectors.message_get(view=view, message_id=message_id)
    if not message.attachment:
        raise NotFound()
    return file_download(
        message.attachment.open("rb"),
        filename=message.attachment_name,
        content_type=services.attachment_content_type(message.attachment_name),
        private=True,
    )


@router.post(
    "/interests/{interest_id}/read",
    response={200: ReadOut, **ERRORS},
    summary="标记洽谈消息为已读（本方）",
)
def mark_read(request: HttpRequest, interest_id: int = Id):
    services.thread_mark_read(actor=api_user_required(request), interest_id=interest_id)
    return {"unread": 0}
