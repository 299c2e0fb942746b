"""The POST that runs one lifecycle transition, its URLs and its buttons — all derived from the
lifecycle's table (core.lifecycle), so the web offers exactly what the services accept.

    # urls.py: one URL per offered transition, each naming the transition for the view
    *transition_urls(BOOKING, "bookings/<int:booking_id>/{}/", booking_action, name="booking_{}"),

    # views: run the step through its service, then back with a message
    booking_action = transition_view(BOOKING, id_kwarg="booking_id", run=run_step, back=back_to)

    # the page: a button (a small POST form) for each step the user may take now
    context["buttons"] = transition_buttons(transitions, obj.pk, url_name="instruments:booking_{}")

The view: anonymous → login page; an unknown or unoffered transition → 404; refused → 403 page
(domain_errors); a wrong state or a refused input → back with the reason as an error message; a
lock wait → back with "busy"; done → back with the transition's `done` message. `run` may answer a
response itself (a form to show again with its errors) or an Outcome (another message/level).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nesta.core.errors import Conflict, ServiceUnavailable, ValidationFailed
from nesta.core.generic.base import domain_errors
from nesta.core.lifecycle import Lifecycle, Transition


@dataclass(frozen=True)
class Outcome:
    """What `run` may answer instead of the transition's own success message."""

    message: Any
    level: int = messages.SUCCESS


def error_text(exc: ValidationFailed | Conflict) -> str:
    """A refused step as one readable line: a validation error's field messages when it has them
    (a 409's details are facts — the current and allowed states — not messages)."""
    details = exc.details if isinstance(exc, ValidationFailed) and isinstance(exc.details, dict) else {}
    # messages may be lazy translations (the shared validators'), which are not str until rendered
    lines = [
        str(m) for msgs in details.values() if isinstance(msgs, list) for m in msgs if isinstance(m, (str, Promise))
    ]
    return "；".join(lines) if lines else str(exc.message)


def safe_next(request: HttpRequest, default: str) -> str:
    """The form's `next` when it points back into this site, else `default`."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def transition_view(
    lifecycle: Lifecycle,
    *,
    id_kwarg: str,
    run: Callable[[HttpRequest, Transition, int], HttpResponseBase | Outcome | None],
    back: Callable[[HttpRequest, int], str],
    login_next: Callable[[HttpRequest, int], str] | None = None,
) -> Callable[..., HttpResponseBase]:
    """A POST view `view(request, <id_kwarg>, transition=name)` for the table's offered transitions."""

    @require_POST
    @domain_errors
    def view(request: HttpRequest, transition: str, **kwargs: Any) -> HttpResponseBase:
        obj_id = int(kwargs[id_kwarg])
        if not request.user.is_authenticated:
            return redirect_to_login(login_next(request, obj_id) if login_next else request.get_full_path())
        t = lifecycle.by_name.get(transition)
        if t is None or not t.offered:
            raise Http404
        try:
            answer = run(request, t, obj_id)
        except (Conflict, ValidationFailed) as exc:
            messages.error(request, error_text(exc))
        except ServiceUnavailable:
            messages.error(request, _("系统繁忙，请稍后重试"))
        else:
            if isinstance(answer, HttpResponseBase):
                return answer
            if isinstance(answer, Outcome):
                messages.add_message(request, answer.level, str(answer.message))
            else:
                messages.success(request, str(t.done or _("已完成：%(a)s") % {"a": t.label}))
        return redirect(back(request, obj_id))

    view.__name__ = view.__qualname__ = f"{lifecycle.model._meta.model_name}_transition"
    return view


def transition_urls(
    lifecycle: Lifecycle,
    route: str,
    view: Callable[..., Any],
    *,
    name: str,
    segments: dict[str, str] | None = None,
    names: dict[str, str] | None = None,
) -> list[URLPattern]:
    """One URL per offered transition: `route` and `name` with "{}" for the transition's segment
    (`check_in` → `check-in`; `segments`/`names` override single ones)."""
    patterns = []
    for t in lifecycle.offered():
        segment = (segments or {}).get(t.name, t.name.replace("_", "-"))
        url_name = (names or {}).get(t.name, name.format(t.name))
        patterns.append(path(route.format(segment), view, {"transition": t.name}, name=url_name))
    return patterns


@dataclass(frozen=True)
class Button:
    name: str
    url: str
    text: str
    style: str
    confirm: str
    needs_input: bool


def transition_buttons(
    transitions: list[Transition], obj_id: int, *, url_name: str, names: dict[str, str] | None = None
) -> list[Button]:
    """The page's buttons for the steps a user may take now (`transitions`, from the selector)."""
    return [
        Button(
            name=t.name,
            url=reverse((names or {}).get(t.name, url_name.format(t.name)), args=[obj_id]),
            text=str(t.label),
            style=t.style,
            confirm=str(t.confirm or ""),
            needs_input=t.needs_input,
        )
        for t in transitions
    ]


def back_to(url_name: str) -> Callable[[HttpRequest, int], str]:
    """`back` for a view that returns to the object's page (`url_name` takes the id)."""
    return lambda request, obj_id: reverse(url_name, args=[obj_id])
