"""The steps every web view shares: domain errors become pages, anonymous users go to the login
page, htmx requests get the fragment.

One status for a failed form POST, across the whole site: **422** (Unprocessable Content) with the
form and its errors rendered in the body. A browser shows the page like any other; tests and
scripts can tell a refused submission from a saved one without reading HTML; the API answers the
same 422 for the same ValidationFailed. htmx 2 does not swap 4xx answers by default, so base.html
configures `responseHandling` to swap 422 (and the booking calendar's handler also swaps its
409/403/503 answers); a form posted with hx-post therefore shows its errors in place. A refused
action is 403 (the 403 page), an anonymous user is sent to the login page, a lock wait is 503
(nesta.core.lockwait)."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.functional import Promise

from nesta.core import errors

FAILED_POST_STATUS = 422


def domain_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous → login page; refused → 403 page; missing → 404 page; bad cursor → 400 page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except errors.NotAuthenticated:
            return redirect_to_login(request.get_full_path())
        except errors.PermissionDenied as exc:
            raise DjangoPermissionDenied(str(exc.message)) from exc
        except errors.NotFound as exc:
            raise Http404(str(exc.message)) from exc
        except errors.BadRequest as exc:
            return render(request, "400.html", {"message": exc.message}, status=400)

    return wrapper


def login_required_or_redirect(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def is_partial(request: HttpRequest) -> bool:
    """An htmx request that wants only the fragment (not a history restore, which needs the page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request and not htmx.boosted


def render_page_or_partial(
    request: HttpRequest, page_template: str, partial_template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    response = render(request, partial_template if is_partial(request) else page_template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _messages(value: Any) -> list[str] | None:
    """A details value as messages ({field: [messages]}, the contract of ValidationFailed), or None
    when it holds facts (a clash's times as strings, violations as dicts)."""
    if isinstance(value, list | tuple) and all(isinstance(v, str | Promise) for v in value):
        return [str(v) for v in value]
    return None


def put_error_details(
    form: Any, details: Any, *, aliases: dict[str, str] | None = None, strip_prefix: str = ""
) -> bool:
    """Put ValidationFailed details {field: [messages]} on a form: beside the field (keys renamed by
    `aliases`, or with `strip_prefix` removed), else as a non-field error ("key: message" unless the
    key is __all__). Says whether anything was put."""
    placed = False
    for key, value in (details if isinstance(details, dict) else {}).items():
        msgs = _messages(value)
        if msgs is None:
            continue
        name = (aliases or {}).get(key, key.removeprefix(strip_prefix) if strip_prefix else key)
        for msg in msgs:
            if name in form.fields:
                form.add_error(name, msg)
            else:
                form.add_error(None, msg if key == "__all__" else f"{key}: {msg}")
            placed = True
    return placed


def put_service_errors(
    form: Any, exc: errors.DomainError, *, aliases: dict[str, str] | None = None, strip_prefix: str = ""
) -> None:
    """Put a domain error on a form, so nothing the service said is lost: ValidationFailed details
    beside the fields (put_error_details); a Conflict on the field `aliases` names for its code (or
    its details' "field"), else on the form; anything else, or details with no messages, as the
    error's message above the form."""
    if isinstance(exc, errors.ValidationFailed) and put_error_details(
        form, exc.details, aliases=aliases, strip_prefix=strip_prefix
    ):
        return
    details = exc.details if isinstance(exc.details, dict) else {}
    name = (aliases or {}).get(exc.code) or details.get("field")
    form.add_error(name if isinstance(name, str) and name in form.fields else None, str(exc.message))
