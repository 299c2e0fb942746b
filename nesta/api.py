"""The typed JSON API under /api/v1 (django-ninja). Routers live in each domain's api.py.

Every error leaves here as {"code", "message", "details"} with a stable code; the message
follows the request's language (Chinese unless the client asks for English).
"""

import logging

from django.http import Http404, HttpRequest, JsonResponse
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from nesta.core.api_auth import caller
from nesta.core.api_openapi import add_platform_responses
from nesta.core.api_parser import NotAJsonObject, StrictJsonParser, UnsupportedMediaType
from nesta.core.errors import DomainError, ServiceUnavailable
from nesta.core.transactions import RETRY_AFTER_SECONDS, is_lock_error

log = logging.getLogger(__name__)


class ChineseJSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


class NestaAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        # the platform-wide answers (guards, auth, parser, busy database) on every operation
        return add_platform_responses(super().get_openapi_schema(*args, **kwargs))


api = NestaAPI(
    renderer=ChineseJSONRenderer(),
    title="东北振兴科技行动平台 API",
    version="1.0.0",
    description=(
        "Northeast Revitalization S&T Action platform. Auth: browser session, or "
        "`POST /api/v1/auth/token` then `Authorization: Bearer <token>`. Lists paginate by "
        "`cursor` (pass `next_cursor` back). Errors: `{code, message, details}`."
    ),
    urls_namespace="api",
    # Authentication runs before the body and query are validated (see ApiCaller).
    auth=caller,
    parser=StrictJsonParser(),  # JSON objects under a JSON media type only: 400 / 415 otherwise
)


def error_response(status: int, code: str, message: str, details=None) -> JsonResponse:
    response = JsonResponse(
        {"code": code, "message": str(message), "details": details or {}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )
    if status in (429, 503) and details and "retry_after" in details:
        response["Retry-After"] = str(details["retry_after"])
    return response


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError):
    return error_response(exc.status, exc.code, str(exc.message), exc.details)


def _field_name(loc: list) -> str:
    # ninja locations look like ["body", "payload", "name"] or ["query", "limit"]
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form"}:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in {"payload", "filters", "data"}:
        parts = parts[1:]
    return ".".join(parts) or "__all__"


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError):
    details: dict[str, list[str]] = {}
    for err in exc.errors:
        details.setdefault(_field_name(err.get("loc", [])), []).append(str(err.get("msg", "")))
    return error_response(422, "validation_error", _("提交的数据未通过校验。"), details)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError):
    return error_response(401, "not_authenticated", _("需要登录或有效的访问令牌。"))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError):
    # ninja wraps the body parser's exceptions into HttpError(400); the cause says which.
    if isinstance(exc.__cause__, UnsupportedMediaType):
        return error_response(
            415,
            "unsupported_media_type",
            _("请求体须为 JSON（Content-Type: application/json）。"),
            {"content_type": str(exc.__cause__)[:100]},
        )
    if isinstance(exc.__cause__, NotAJsonObject):
        return error_response(400, "malformed_request", _("请求体须为 JSON 对象。"), {"received": str(exc.__cause__)})
    codes = {
        400: "malformed_request",
        401: "not_authenticated",
        403: "permission_denied",
        404: "not_found",
        405: "method_not_allowed",
        429: "throttled",
    }
    messages = {400: _("请求格式有误（无法解析请求体）。"), 404: _("未找到请求的记录。")}
    return error_response(
        exc.status_code, codes.get(exc.status_code, "http_error"), messages.get(exc.status_code, str(exc))
    )


@api.exception_handler(RawPostDataException)
def on_consumed_body(request: HttpRequest, exc: RawPostDataException):
    # A multipart body (parsed up front by RequestBodyGuardMiddleware) sent to an operation that
    # reads a JSON body: the stream is gone, and the answer is the one for any non-JSON body.
    return error_response(
        415,
        "unsupported_media_type",
        _("请求体须为 JSON（Content-Type: application/json）。"),
        {"content_type": request.META.get("CONTENT_TYPE", "")[:100]},
    )


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404):
    return error_response(404, "not_found", _("未找到请求的记录。"))


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception):
    if is_lock_error(exc):  # a write outside write_transaction() met a held lock: busy, not broken
        busy = ServiceUnavailable(details={"retry_after": RETRY_AFTER_SECONDS})
        return error_response(busy.status, busy.code, str(busy.message), busy.details)
    log.exception("unhandled API error on %s %s", request.method, request.path)
    return error_response(500, "internal_error", _("服务器内部错误，已记录，请稍后再试。"))


def api_not_found(request: HttpRequest, rest: str = ""):
    """Unknown paths under /api/v1/ answer in the API's own error format."""
    return error_response(404, "not_found", _("接口不存在。"), {"path": request.path})


# Routers register themselves here; imported last so they can use the helpers above.
from nesta.accounts.api import router as accounts_router  # noqa: E402
from nesta.bases.api import router as bases_router  # noqa: E402
from nesta.core.api import router as core_router  # noqa: E402
from nesta.core.api_inbox import router as inbox_router  # noqa: E402
from nesta.directory.api import router as directory_router  # noqa: E402
from nesta.instruments.api import router as instruments_router  # noqa: E402
from nesta.market.api import router as market_router  # noqa: E402
from nesta.programmes.api import router as programmes_router  # noqa: E402
from nesta.zones.api import router as zones_router  # noqa: E402

api.add_router("/", core_router)
api.add_router("/", inbox_router)
api.add_router("/auth", accounts_router)
api.add_router("/", directory_router)
api.add_router("/", instruments_router)
api.add_router("/market", market_router)
api.add_router("/", programmes_router)
api.add_router("/", bases_router)
api.add_router("/", zones_router)
