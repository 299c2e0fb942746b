"""The instrument managers' pages: the instruments they manage with the bookings awaiting
approval, one instrument's bookings, blackouts, qualifications, usage records and booking rules.
Every read is a selector (selectors.bookings), every change goes through instruments.services; a
failed form answers FAILED_POST_STATUS (422) with the page and the form's errors."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from nesta.core.errors import ServiceUnavailable, ValidationFailed
from nesta.core.generic import FAILED_POST_STATUS, domain_errors, login_required_or_redirect
from nesta.core.generic.base import put_service_errors
from nesta.core.generic.form import FormPage
from nesta.core.permissions import can
from nesta.instruments.forms.booking import BlackoutForm, PolicyForm, QualificationForm, UsageForm
from nesta.instruments.models import Instrument
from nesta.instruments.selectors import bookings as booking_selectors
from nesta.instruments.selectors.availability import policy_of
from nesta.instruments.selectors.rules import rules_summary
from nesta.instruments.services import access, registry
from nesta.instruments.services.usage import usage_record as usage_record_service
from nesta.instruments.views.find import PAGE_SIZE, get_instrument


def _require_manage(user: Any, instrument: Instrument | None = None) -> None:
    if not can(user, "instrument.manage", instrument):
        raise DjangoPermissionDenied(_("您不是该仪器的管理人员。"))


@require_GET
@login_required_or_redirect
@domain_errors
def manage_index(request: HttpRequest) -> HttpResponse:
    """The instruments the user manages, with the bookings waiting for their approval."""
    _require_manage(request.user)
    cursor = request.GET.get("cursor") or None
    context = {
        "page": booking_selectors.managed_page(user=request.user, cursor=cursor, limit=PAGE_SIZE),
        "pending": booking_selectors.pending_for_manager(user=request.user),
        "paged": cursor is not None,
    }
    return render(request, "instruments/manage_index.html", context)


def _manage_context(request: HttpRequest, instrument: Instrument, **forms: Any) -> dict[str, Any]:
    now = timezone.now()
    policy = policy_of(instrument)
    return {
        "instrument": instrument,
        "policy": policy,
        "rules": rules_summary(policy, instrument),
        **booking_selectors.manage_overview(instrument=instrument, now=now),
        "now": now,
        "blackout_form": forms.get("blackout_form") or BlackoutForm(),
        "qualification_form": forms.get("qualification_form") or QualificationForm(),
        "usage_form": forms.get("usage_form") or UsageForm(initial={"samples": 0}),
        "may_change": can(request.user, "instrument.change", instrument),
    }


def _managed_instrument(request: HttpRequest, pk: int) -> Instrument:
    instrument = get_instrument(pk)
    _require_manage(request.user, instrument)
    return instrument


@require_GET
@login_required_or_redirect
@domain_errors
def manage_instrument(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = _managed_instrument(request, pk)
    return render(request, "instruments/manage_instrument.html", _manage_context(request, instrument))


def _manage_failed(request: HttpRequest, instrument: Instrument, name: str, form: Any) -> HttpResponse:
    """The manager page again, with the form that failed and its errors."""
    context = _manage_context(request, instrument, **{name: form})
    context["open_form"] = name
    return render(request, "instruments/manage_instrument.html", context, status=FAILED_POST_STATUS)


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
        put_service_errors(form, exc, aliases=aliases, strip_prefix="policy.")
    except ServiceUnavailable:
        if not busy_on_form:
            raise
        form.add_error(None, _("系统繁忙，请稍后重试"))
    else:
        messages.success(request, success)
        return redirect("instruments:manage", pk=instrument.pk)
    return _manage_failed(request, instrument, name, form)


def _user_form_step(
    request: HttpRequest,
    pk: int,
    name: str,
    form_class: Any,
    call: Callable[[Instrument, Any, dict[str, Any]], Any],
    success: str,
    **options: Any,
) -> HttpResponse:
    """A manager's form that names a user (qualification, usage): the user found by username,
    then the service through _manage_form_step; `success` is formatted with %(user)s."""
    instrument = _managed_instrument(request, pk)
    form = form_class(request.POST)
    user = booking_selectors.user_by_username(form.cleaned_data["username"]) if form.is_valid() else None
    if form.is_valid() and user is None:
        form.add_error("username", _("未找到该用户。"))
    if user is None:
        return _manage_failed(request, instrument, name, form)
    data = form.cleaned_data
    return _manage_form_step(
        request, instrument, name, form, lambda: call(instrument, user, data), success % {"user": user}, **options
    )


@require_POST
@login_required_or_redirect
@domain_errors
def blackout_add(request: HttpRequest, pk: int) -> HttpResponse:
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
        lambda: access.blackout_add(
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
    instrument = _managed_instrument(request, pk)
    blackout = booking_selectors.blackout_of(instrument=instrument, blackout_id=blackout_id)
    if blackout is None:
        raise Http404(_("未找到该停机时段。"))
    access.blackout_remove(actor=request.user, blackout=blackout)
    messages.success(request, _("已删除停机时段。"))
    return redirect("instruments:manage", pk=instrument.pk)


@require_POST
@login_required_or_redirect
@domain_errors
def qualification_grant(request: HttpRequest, pk: int) -> HttpResponse:
    return _user_form_step(
        request,
        pk,
        "qualification_form",
        QualificationForm,
        lambda instrument, user, d: access.qualification_grant(
            actor=request.user, instrument=instrument, user=user, expires_at=d["expires_at"]
        ),
        _("已授予 %(user)s 上机资格。"),
    )


@require_POST
@login_required_or_redirect
@domain_errors
def qualification_revoke(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    instrument = _managed_instrument(request, pk)
    user = booking_selectors.user_by_id(user_id)
    if user is None or not access.qualification_revoke(actor=request.user, instrument=instrument, user=user):
        raise Http404(_("未找到该上机资格。"))
    messages.success(request, _("已撤销 %(user)s 的上机资格。") % {"user": user})
    return redirect("instruments:manage", pk=instrument.pk)


@require_POST
@login_required_or_redirect
@domain_errors
def usage_record(request: HttpRequest, pk: int) -> HttpResponse:
    return _user_form_step(
        request,
        pk,
        "usage_form",
        UsageForm,
        lambda instrument, user, d: usage_record_service(
            actor=request.user,
            instrument=instrument,
            user=user,
            started_at=d["started_at"],
            ended_at=d["ended_at"],
            samples=d.get("samples") or 0,
            operator=(d.get("operator") or "").strip(),
            notes=(d.get("notes") or "").strip(),
        ),
        _("已登记 %(user)s 的使用记录。"),
        aliases={"user": "username"},
        busy_on_form=True,
    )


class PolicyEdit(FormPage):
    """The instrument's booking rules, saved through the registry service (which audits)."""

    form_class = PolicyForm
    template_name = "instruments/policy_form.html"
    context_object_name = "instrument"
    strip_prefix = "policy."
    permission = "instrument.change"
    permission_message = gettext_lazy("您没有修改该仪器的权限。")

    def get_object(self, request: HttpRequest, pk: int) -> Any:
        return _managed_instrument(request, pk)  # a manager first, then one who may change it

    def get_form(self, request: HttpRequest, instrument: Any, data: Any = None) -> Any:
        return PolicyForm(data) if data is not None else PolicyForm(policy=policy_of(instrument))

    def save(self, request: HttpRequest, form: Any, instrument: Any) -> Any:
        registry.instrument_update(actor=request.user, instrument=instrument, data=form.to_data())
        return instrument

    def success_url(self, saved: Any) -> str:
        return reverse("instruments:manage", args=[saved.pk])

    def success_message(self, saved: Any) -> str:
        return _("已保存预约规则。")


policy_edit = PolicyEdit.as_view()
