"""A lock wait is "busy, try again", never a 500: the web side of write_transaction()'s promise.

Services turn a lock wait into ServiceUnavailable; a write that runs outside a service (a
session save, an autocommit update) can still meet SQLite's "database is locked" or PostgreSQL's
lock timeout as a bare OperationalError. This middleware answers both with 503 + Retry-After:
JSON in the API's error format under /api/ (ninja's own handler normally answers there first),
a small static page elsewhere (no database read: the database is what is busy).
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from nesta.core.errors import ServiceUnavailable
from nesta.core.transactions import RETRY_AFTER_SECONDS, is_lock_error


def busy_response(request: HttpRequest, retry_after: int = RETRY_AFTER_SECONDS) -> HttpResponse:
    busy = ServiceUnavailable()
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"code": busy.code, "message": str(busy.message), "details": {"retry_after": retry_after}},
            status=503,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        response = HttpResponse(render_to_string("503.html", {"message": busy.message}), status=503)
    response["Retry-After"] = str(retry_after)
    return response


class LockWaitMiddleware:
    """Last in MIDDLEWARE, so it sees what the view raised before Django's 500 path does."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if isinstance(exc, ServiceUnavailable):
            retry = exc.details.get("retry_after", RETRY_AFTER_SECONDS) if isinstance(exc.details, dict) else None
            return busy_response(request, int(retry or RETRY_AFTER_SECONDS))
        if is_lock_error(exc):
            return busy_response(request)
        return None
