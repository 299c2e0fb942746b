"""Web pages to register (登记) an instrument and to edit it. Thin: the form shapes the input, the
registry services check permissions and rules, save (with the photo), index and audit; their
ValidationFailed details are shown beside the fields, a refusal is the 403 page."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from nesta.core.errors import ValidationFailed
from nesta.core.permissions import can
from nesta.core.generic import domain_errors, login_required_or_redirect
from nesta.directory.forms import apply_service_errors
from nesta.instruments import services
from nesta.instruments.forms.registry import InstrumentForm
from nesta.instruments.models import Instrument
from nesta.instruments.selectors import registry as registry_selectors

TEMPLATE = "instruments/instrument_form.html"


def _render(request: HttpRequest, form: InstrumentForm, instrument: Instrument | None, status: int) -> HttpResponse:
    return render(request, TEMPLATE, {"form": form, "instrument": instrument}, status=status)


def _save(request: HttpRequest, form: InstrumentForm, instrument: Instrument | None) -> Instrument | None:
    """Run the service; None (with the errors on the form) when it refuses the input."""
    photo = form.cleaned_data.get("photo")
    try:
        if instrument is None:
            return services.instrument_create(actor=request.user, data=form.to_data(), photo=photo)
        return services.instrument_update(actor=request.user, instrument=instrument, data=form.to_data(), photo=photo)
    except ValidationFailed as exc:
        details: dict[str, Any] = exc.details if isinstance(exc.details, dict) else {}
        if details:
            apply_service_errors(form, details)
        else:
            form.add_error(None, str(exc.message))
        return None


@require_http_methods(["GET", "POST"])
@login_required_or_redirect
@domain_errors
def instrument_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "instrument.create"):
        raise DjangoPermissionDenied(_("您没有登记仪器的权限。"))
    if request.method != "POST":
        return _render(request, InstrumentForm(user=request.user), None, 200)
    form = InstrumentForm(request.POST, request.FILES, user=request.user)
    if form.is_valid():
        instrument = _save(request, form, None)
        if instrument is not None:
            messages.success(request, _("已登记仪器“%(name)s”。") % {"name": instrument.name})
            return redirect("instruments:detail", pk=instrument.pk)
    return _render(request, form, None, 422)


@require_http_methods(["GET", "POST"])
@login_required_or_redirect
@domain_errors
def instrument_edit(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = registry_selectors.instrument_get(pk=pk)
    if instrument is None:
        raise Http404(_("未找到该仪器。"))
    if not can(request.user, "instrument.change", instrument):
        raise DjangoPermissionDenied(_("您没有修改该仪器的权限。"))
    if request.method != "POST":
        return _render(request, InstrumentForm(user=request.user, instance=instrument), instrument, 200)
    form = InstrumentForm(request.POST, request.FILES, user=request.user, instance=instrument)
    if form.is_valid():
        if not form.has_changed():
            messages.info(request, _("未作修改。"))
            return redirect("instruments:detail", pk=instrument.pk)
        saved = _save(request, form, instrument)
        if saved is not None:
            messages.success(request, _("已保存对“%(name)s”的修改。") % {"name": saved.name})
            return redirect("instruments:detail", pk=saved.pk)
    return _render(request, form, instrument, 422)


@require_GET
def instrument_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """The instrument's photo, public like the instrument. Uploads are served one by one through
    views, never as a /media/ tree: that tree also holds testing reports."""
    instrument = registry_selectors.instrument_get(pk=pk)
    if instrument is None or not instrument.photo:
        raise Http404(_("该仪器没有照片。"))
    try:
        handle = instrument.photo.open("rb")
    except FileNotFoundError:
        raise Http404(_("该仪器没有照片。")) from None
    content_type = "image/png" if instrument.photo.name.lower().endswith(".png") else "image/jpeg"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
