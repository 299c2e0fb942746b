"""Guards that run before any view."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _


def _refuse(request, status: int, code: str, message: str, details: dict | None = None):
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": code, "message": message, "details": details or {}},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    return HttpResponseBadRequest(message, status=status, content_type="text/plain; charset=utf-8")


class RequestBodyGuardMiddleware:
    """Bodies the platform cannot read are refused here, once for the API and the web: a
    multipart body without a usable boundary is 400 (ninja would otherwise answer 500); a body
    over the limit is 413 (Django's own RequestDataTooBig would be a 400). The limits: multipart
    bodies NESTA_MAX_UPLOAD_BYTES, every other body DATA_UPLOAD_MAX_MEMORY_SIZE (README)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # gunicorn refuses longer request lines itself (HTML); below its limit, answer here.
        if len(request.path_info) + len(request.META.get("QUERY_STRING", "")) > settings.NESTA_MAX_URL_LENGTH:
            message = _("请求地址过长（上限 %(n)d 个字符）。") % {"n": settings.NESTA_MAX_URL_LENGTH}
            return _refuse(request, 414, "uri_too_long", message, {"limit": settings.NESTA_MAX_URL_LENGTH})
        content_type = request.META.get("CONTENT_TYPE", "")
        multipart = content_type.lower().startswith("multipart/")
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _refuse(request, 400, "malformed_request", _("Content-Length 无效。"))
        limit = settings.NESTA_MAX_UPLOAD_BYTES if multipart else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            return self._too_large(request, limit)
        if request.method == "POST" and multipart:
            try:
                request.POST  # noqa: B018 — parses the body now (Django caches it for the view)
            except MultiPartParserError:
                return _refuse(
                    request, 400, "malformed_request", _("multipart 请求体无法解析（缺少或无效的 boundary）。")
                )
            except RequestDataTooBig:
                return self._too_large(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
            except (TooManyFieldsSent, TooManyFilesSent):
                return _refuse(request, 400, "malformed_request", _("请求中的字段或文件过多。"))
        return self.get_response(request)

    @staticmethod
    def _too_large(request, limit: int):
        message = _("请求体过大（上限 %(mb)s MB）。") % {"mb": round(limit / 1024 / 1024, 1)}
        return _refuse(request, 413, "payload_too_large", message, {"limit_bytes": limit})


class RejectNulMiddleware:
    """NUL characters cannot be stored in PostgreSQL text; refuse them up front with a clear 400
    instead of letting the database fail later."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            message = _("请求中含有不允许的控制字符（NUL）。")
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "invalid_characters", "message": message, "details": {}}, status=400)
            return HttpResponseBadRequest(message)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return True
        content_type = request.META.get("CONTENT_TYPE", "")
        if request.method in {"POST", "PUT", "PATCH"} and not content_type.startswith("multipart/"):
            body = request.body  # read once; Django caches it for the view
            return b"\x00" in body or b"\\u0000" in body
        return False


_STATUS_CODES = {
    400: ("bad_request", "请求格式有误。"),
    403: ("permission_denied", "您没有执行此操作的权限。"),
    404: ("not_found", "接口不存在。"),
    405: ("method_not_allowed", "该接口不支持此请求方法。"),
    413: ("payload_too_large", "请求体过大。"),
    415: ("unsupported_media_type", "不支持的请求体类型。"),
}


class ApiErrorFormatMiddleware:
    """Responses under /api/ that Django or ninja produced without a body (405, 413, ...) get the
    API's {code, message, details} JSON body, so clients parse one error format only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            code, message = _STATUS_CODES.get(response.status_code, ("http_error", "请求无法处理。"))
            replacement = JsonResponse(
                {"code": code, "message": _(message), "details": {}},
                status=response.status_code,
                json_dumps_params={"ensure_ascii": False},
            )
            if response.has_header("Allow"):
                replacement["Allow"] = response["Allow"]
            return replacement
        return response


class ContentSecurityPolicyMiddleware:
    """Every response gets settings.NESTA_CSP unless it set its own; the Swagger UI of the API
    docs (which starts with an inline script) gets NESTA_CSP_API_DOCS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            docs = request.path.rstrip("/").endswith("/api/v1/docs")
            response["Content-Security-Policy"] = settings.NESTA_CSP_API_DOCS if docs else settings.NESTA_CSP
        return response
