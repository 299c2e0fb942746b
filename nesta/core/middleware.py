"""Guards that run before any view."""

from django.http import HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _


def _refuse(request, status: int, code: str, message: str):
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": code, "message": message, "details": {}}, status=status, json_dumps_params={"ensure_ascii": False}
        )
    return HttpResponseBadRequest(message, status=status, content_type="text/plain; charset=utf-8")


class RequestBodyGuardMiddleware:
    """Bodies the platform cannot read are refused here, once for the API and the web: a
    multipart body without a usable boundary is 400 (ninja would otherwise answer 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        content_type = request.META.get("CONTENT_TYPE", "")
        if request.method == "POST" and content_type.lower().startswith("multipart/"):
            try:
                request.POST  # noqa: B018 — parses the body now (Django caches it for the view)
            except MultiPartParserError:
                return _refuse(
                    request, 400, "malformed_request", _("multipart 请求体无法解析（缺少或无效的 boundary）。")
                )
        return self.get_response(request)


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
