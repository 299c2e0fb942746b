"""The managers' downtime forms: 故障停机 (flag or cancel the bookings in it), ending one early,
and recurring maintenance (a series, or the whole series removed). Every change is a service
(services.shutdowns / maintenance); a failed form answers 422 with the managers' page."""

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nesta.core.errors import Conflict, ServiceUnavailable, ValidationFailed
from nesta.core.generic import FAILED_POST_STATUS, domain_errors, login_required_or_redirect
from nesta.core.generic.base import put_service_errors
from nesta.core.generic.transition import error_text
from nesta.instruments.forms.problems import MaintenanceForm, ShutdownForm
from nesta.instruments.models import Instrument
from nesta.instruments.selectors import problems as selectors
from nesta.instruments.services import maintenance, shutdowns
from nesta.instruments.views.manage import _manage_context, _managed_instrument


def _failed(request: HttpRequest, instrument: Instrument, name: str, form: Any) -> HttpResponse:
    context = _manage_context(request, instrument)
    context[name] = form
    context["open_form"] = name
    return render(request, "instruments/manage_instrument.html", context, status=FAILED_POST_STATUS)


def _back(instrument: Instrument) -> HttpResponse:
    return redirect("instruments:manage", pk=instrument.pk)


@require_POST
@login_required_or_redirect
@domain_errors
def shutdown_add(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = _managed_instrument(request, pk)
    form = ShutdownForm(request.POST, problems=selectors.open_problems(instrument=instrument))
    if not form.is_valid():
        return _failed(request, instrument, "shutdown_form", form)
    d = form.cleaned_data
    try:
        result = shutdowns.shutdown_start(
            actor=request.user,
            instrument_id=instrument.pk,
            start=d["start"],
            end=d["end"],
            reason=d["reason"],
            mode=d["mode"],
            problem_id=d.get("problem"),
        )
    except (ValidationFailed, Conflict) as exc:
        put_service_errors(form, exc)
        return _failed(request, instrument, "shutdown_form", form)
    except ServiceUnavailable:
        form.add_error(None, _("系统繁忙，请稍后重试"))
        return _failed(request, instrument, "shutdown_form", form)
    messages.success(
        request,
        _("已登记故障停机。受影响的预约：取消 %(c)d 个，通知 %(f)d 个。")
        % {"c": len(result.cancelled), "f": len(result.flagged)},
    )
    return _back(instrument)


@require_POST
@login_required_or_redirect
@domain_errors
def shutdown_end(request: HttpRequest, pk: int, shutdown_id: int) -> HttpResponse:
    instrument = _managed_instrument(request, pk)
    try:
        ended = shutdowns.shutdown_end(actor=request.user, instrument_id=instrument.pk, shutdown_id=shutdown_id)
    except Conflict as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("停机已结束，仪器恢复预约。") if ended else _("已取消该停机安排。"))
    return _back(instrument)


@require_POST
@login_required_or_redirect
@domain_errors
def maintenance_add(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = _managed_instrument(request, pk)
    form = MaintenanceForm(request.POST)
    if not form.is_valid():
        return _failed(request, instrument, "maintenance_form", form)
    d = form.cleaned_data
    try:
        result = maintenance.maintenance_schedule(
            actor=request.user,
            instrument_id=instrument.pk,
            first_date=d["first_date"],
            start_time=d["start_time"],
            end_time=d["end_time"],
            pattern=d["pattern"],
            every=d["every"],
            count=d["count"],
            reason=d.get("reason") or "",
        )
    except (ValidationFailed, Conflict) as exc:
        put_service_errors(form, exc)
        return _failed(request, instrument, "maintenance_form", form)
    messages.success(request, _("已安排 %(n)d 次定期维护。") % {"n": len(result.created)})
    if result.skipped:
        days = "、".join(s["start"][:10] for s in result.skipped[:10])
        messages.warning(
            request,
            _("%(n)d 次未安排（与已有预约冲突或时间已过）：%(d)s") % {"n": len(result.skipped), "d": days},
        )
    return _back(instrument)


@require_POST
@login_required_or_redirect
@domain_errors
def maintenance_remove(request: HttpRequest, pk: int, series: uuid.UUID) -> HttpResponse:
    instrument = _managed_instrument(request, pk)
    removed = maintenance.maintenance_remove_series(actor=request.user, instrument_id=instrument.pk, series=series)
    messages.success(request, _("已取消该定期维护（%(n)d 次）。") % {"n": removed})
    return _back(instrument)
