"""Guards that run before any view."""

from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _


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
