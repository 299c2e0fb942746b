"""Web pages to register (登记) an instrument and to edit it. Thin: the form shapes the input, the
registry services check permissions and rules, save (with the photo), index and audit; their
ValidationFailed details are shown beside the fields, a refusal is the 403 page."""

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from nesta.core.generic.form import FormPage
from nesta.instruments import services
from nesta.instruments.forms.registry import InstrumentForm
from nesta.instruments.models import Instrument
from nesta.instruments.selectors import registry as registry_selectors

TEMPLATE = "instruments/instrument_form.html"


class _InstrumentForm(FormPage):
    template_name = TEMPLATE
    context_object_name = "instrument"
    not_found = gettext_lazy("未找到该仪器。")

    def get_form(self, request: HttpRequest, instrument: Any, data: Any = None) -> InstrumentForm:
        kwargs: dict[str, Any] = {"user": request.user}
        if instrument is not None:
            kwargs["instance"] = instrument
        if data is None:
            return InstrumentForm(**kwargs)
        return InstrumentForm(data, request.FILES, **kwargs)


class InstrumentCreate(_InstrumentForm):
    creating = True
    permission = "instrument.create"
    permission_message = gettext_lazy("您没有登记仪器的权限。")

    def save(self, request: HttpRequest, form: Any, obj: Any) -> Instrument:
        photo = form.cleaned_data.get("photo")
        return services.instrument_create(actor=request.user, data=form.to_data(), photo=photo)

    def success_message(self, saved: Instrument) -> str:
        return _("已登记仪器“%(name)s”。") % {"name": saved.name}


class InstrumentEdit(_InstrumentForm):
    permission = "instrument.change"
    permission_message = gettext_lazy("您没有修改该仪器的权限。")

    def get_object(self, request: HttpRequest, pk: int) -> Any:
        return registry_selectors.instrument_get(pk=pk)

    def save(self, request: HttpRequest, form: Any, instrument: Instrument) -> Instrument:
        if not form.has_changed():
            self.unchanged = True
            return instrument
        photo = form.cleaned_data.get("photo")
        return services.instrument_update(actor=request.user, instrument=instrument, data=form.to_data(), photo=photo)

    def success_message(self, saved: Instrument) -> str:
        if getattr(self, "unchanged", False):
            return ""
        return _("已保存对“%(name)s”的修改。") % {"name": saved.name}

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        response = super().post(request, **kwargs)
        if getattr(self, "unchanged", False):
            messages.info(request, _("未作修改。"))
        return response


instrument_create = InstrumentCreate.as_view()
instrument_edit = InstrumentEdit.as_view()


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
