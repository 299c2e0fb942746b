"""The instrument managers' pages: the instruments they manage with the bookings awaiting
approval, one instrument's bookings, blackouts, qualifications, usage records and booking rules.
Every change goes through instruments.services."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from nesta.core.errors import ServiceUnavailable, ValidationFailed
from nesta.core.pagination import Page, decode_cursor, encode_cursor
from nesta.core.permissions import can, restrict
from nesta.core.generic import domain_errors, login_required_or_redirect
from nesta.instruments.forms.booking import (
    BlackoutForm,
    PolicyForm,
    QualificationForm,
    UsageForm,
)
from nesta.instruments.models import Blackout, Booking, Instrument, Qualification, UsageSession
from nesta.instruments.services.usage import usage_record as usage_record_service
from nesta.instruments.views.find import (
    PAGE_SIZE,
    _decorate,
    _get_instrument,
    _instrument_queryset,
    policy_of,
    rules_summary,
)


def _require_manage(user: Any, instrument: Instrument | None = None) -> None:
    if not can(user, "instrument.manage", instrument):
        raise DjangoPermissionDenied(_("您不是该仪器的管理人员。"))


@require_GET
@login_required_or_redirect
@domain_errors
def manage_index(request: HttpRequest) -> HttpResponse:
    """The instruments the user manages, with the bookings waiting for their approval."""
    _require_manage(request.user)
    managed = restrict(request.user, "instrument.manage", _instrument_queryset(), organization_field="owner_id")
    after = decode_cursor(request.GET.get("cursor")).get("after")
    qs = managed.annotate(pending=Count("bookings", filter=Q(bookings__status="pending"))).order_by("pk")
    if after is not None:
        qs = qs.filter(pk__gt=after)
    rows = list(qs[: PAGE_SIZE + 1])
    page = Page(
        items=rows[:PAGE_SIZE],
        next_cursor=encode_cursor({"after": rows[PAGE_SIZE - 1].pk}) if len(rows) > PAGE_SIZE else None,
    )
    pending = list(
        Booking.objects.filter(status="pending", instrument__in=managed.values("pk"))
        .select_related("instrument", "user", "organization")
        .order_by("start")[:50]
    )
    context = {"page": page, "pending": pending, "paged": after is not None}
    return render(request, "instruments/manage_index.html", context)


def _manage_context(request: HttpRequest, instrument: Instrument, **forms: Any) -> dict[str, Any]:
    now = timezone.now()
    bookings = Booking.objects.filter(instrument=instrument).select_related(
        "user", "organization", "instrument__policy"
    )
    pending = list(bookings.filter(status="pending").order_by("start")[:100])
    recent = bookings.filter(status__in=("confirmed", "in_use"), end__gt=now - timedelta(hours=12))
    usage = UsageSession.objects.filter(instrument=instrument).select_related("user", "organization")
    qualifications = Qualification.objects.filter(instrument=instrument).select_related("user", "granted_by")
    policy = policy_of(instrument)
    return {
        "instrument": instrument,
        "policy": policy,
        "rules": rules_summary(policy, instrument),
        "pending": pending,
        "upcoming": _decorate(list(recent.order_by("start")[:50]), now),
        "usage": list(usage.order_by("-started_at")[:30]),
        "blackouts": list(Blackout.objects.filter(instrument=instrument, end__gt=now).order_by("start")[:50]),
        "qualifications": list(qualifications.order_by("-granted_at")[:100]),
        "now": now,
        "blackout_form": forms.get("blackout_form") or BlackoutForm(),
        "qualification_form": forms.get("qualification_form") or QualificationForm(),
        "usage_form": forms.get("usage_form") or UsageForm(initial={"samples": 0}),
        "may_change": can(request.user, "instrument.change", instrument),
    }


def _managed_instrument(request: HttpRequest, pk: int) -> Instrument:
    instrument = _get_instrument(pk)
    _require_manage(request.user, instrument)
    return instrument


@require_GET
@login_required_or_redirect
@domain_errors
def manage_instrument(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = _managed_instrument(request, pk)
    return render(request, "instruments/manage_instrument.html", _manage_context(request, instrument))


def _manage_failed(request: HttpRequest, instrument: Instrument, name: str, form: Any) -> HttpResponse:
    """The manager page again, with the form that failed and its errors (422)."""
    context = _manage_context(request, instrument, **{name: form})
    context["open_form"] = name
    return render(request, "instruments/manage_instrument.html", context, status=422)


def _put_errors(form: Any, exc: ValidationFailed, aliases: dict[str, str] | None = None) -> None:
    details = exc.details if isinstance(exc.details, dict) else {}
    placed = False
    for key, msgs in details.items():
        name = (aliases or {}).get(key, key.removeprefix("policy."))
        if name in form.fields and isinstance(msgs, list):  # {field: [messages]}, not facts like a clash's times
            for msg in msgs:
                form.add_error(name, str(msg))
            placed = True
    if not placed:
        form.add_error(None, str(exc.message))


def _find_user(username: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username=username.strip()).first()


def _manage_form_step(
    request: HttpRequest,
    instrument: Instrument,
    name: str,
    form: Any,
    call: Callable[[], Any],
    success: str,
    aliases: dict[str, str] | None = None,
    busy_on_form: bool = False,
) -> HttpResponse:
    """Run a manager's form through its service: on success a message and back to the manage
    page, else the page again with the service's errors beside the form's fields (and, with
    busy_on_form, a lock timeout as a form error instead of the 503 page)."""
    try:
        call()
    except ValidationFailed as exc:
        _put_errors(form, exc, aliases=aliases)
    except ServiceUnavailable:
        if not busy_on_form:
            raise
        form.add_error(None, _("系统繁忙，请稍后重试"))
    else:
        messages.success(request, success)
        return redirect("instruments:manage", pk=instrument.pk)
    return _manage_failed(request, instrument, name, form)


@require_POST
@login_required_or_redirect
@domain_errors
def blackout_add(request: HttpRequest, pk: int) -> HttpResponse:
    from nesta.instruments.services import registry

    instrument = _managed_instrument(request, pk)
    form = BlackoutForm(request.POST)
    if not form.is_valid():
        return _manage_failed(request, instrument, "blackout_form", form)
    d = form.cleaned_data
    return _manage_form_step(
        request,
        instrument,
        "blackout_form",
        form,
        lambda: registry.blackout_add(
            actor=request.user,
            instrument=instrument,
            start=d["start"],
            end=d["end"],
            kind=d["kind"],
            reason=d["reason"],
        ),
        _("已添加停机时段。"),
    )


@require_POST
@login_required_or_redirect
@domain_errors
def blackout_remove(request: HttpRequest, pk: int, blackout_id: int) -> HttpResponse:
    from nesta.instruments.services import registry

    instrument = _managed_instrument(request, pk)
    blackout = Blackout.objects.filter(pk=blackout_id, instrument=instrument).first()
    if blackout is None:
        raise Http404(_("未找到该停机时段。"))
    registry.blackout_remove(actor=request.user, blackout=blackout)
    messages.success(request, _("已删除停机时段。"))
    return redirect("instruments:manage", pk=instrument.pk)


@require_POST
@login_required_or_redirect
@domain_errors
def qualification_grant(request: HttpRequest, pk: int) -> HttpResponse:
    from nesta.instruments.services import registry

    instrument = _managed_instrument(request, pk)
    form = QualificationForm(request.POST)
    user = _find_user(form.cleaned_data["username"]) if form.is_valid() else None
    if form.is_valid() and user is None:
        form.add_error("username", _("未找到该用户。"))
    if user is None:
        return _manage_failed(request, instrument, "qualification_form", form)
    return _manage_form_step(
        request,
        instrument,
        "qualification_form",
        form,
        lambda: registry.qualification_grant(
            actor=request.user, instrument=instrument, user=user, expires_at=form.cleaned_data["expires_at"]
        ),
        _("已授予 %(user)s 上机资格。") % {"user": user},
    )


@require_POST
@login_required_or_redirect
@domain_errors
def qualification_revoke(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    from django.contrib.auth import get_user_model

    from nesta.instruments.services import registry

    instrument = _managed_instrument(request, pk)
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None or not registry.qualification_revoke(actor=request.user, instrument=instrument, user=user):
        raise Http404(_("未找到该上机资格。"))
    messages.success(request, _("已撤销 %(user)s 的上机资格。") % {"user": user})
    return redirect("instruments:manage", pk=instrument.pk)


@require_POST
@login_required_or_redirect
@domain_errors
def usage_record(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = _managed_instrument(request, pk)
    form = UsageForm(request.POST)
    user = _find_user(form.cleaned_data["username"]) if form.is_valid() else None
    if form.is_valid() and user is None:
        form.add_error("username", _("未找到该用户。"))
    if user is None:
        return _manage_failed(request, instrument, "usage_form", form)
    d = form.cleaned_data
    return _manage_form_step(
        request,
        instrument,
        "usage_form",
        form,
        lambda: usage_record_service(
            actor=request.user,
            instrument=instrument,
            user=user,
            started_at=d["started_at"],
            ended_at=d["ended_at"],
            samples=d.get("samples") or 0,
            operator=(d.get("operator") or "").strip(),
            notes=(d.get("notes") or "").strip(),
        ),
        _("已登记 %(user)s 的使用记录。") % {"user": user},
        aliases={"user": "username"},
        busy_on_form=True,
    )


@require_http_methods(["GET", "POST"])
@login_required_or_redirect
@domain_errors
def policy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The instrument's booking rules, saved through the registry service (which audits)."""
    from nesta.instruments.services import registry

    instrument = _managed_instrument(request, pk)
    if not can(request.user, "instrument.change", instrument):
        raise DjangoPermissionDenied(_("您没有修改该仪器的权限。"))
    policy = policy_of(instrument)
    status = 200
    if request.method == "POST":
        form = PolicyForm(request.POST)
        if form.is_valid():
            try:
                registry.instrument_update(actor=request.user, instrument=instrument, data=form.to_data())
            except ValidationFailed as exc:
                _put_errors(form, exc)
            else:
                messages.success(request, _("已保存预约规则。"))
                return redirect("instruments:manage", pk=instrument.pk)
        status = 422
    else:
        form = PolicyForm(policy=policy)
    return render(request, "instruments/policy_form.html", {"instrument": instrument, "form": form}, status=status)
