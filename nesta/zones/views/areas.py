"""The area-adjustment requests' pages under /zones/: the list (each role sees what it may), a
request with its steps' buttons, opinions and history, and the zone's form to file or edit one."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nesta.core import errors
from nesta.core.generic.detail import DetailPage
from nesta.core.generic.form import FormPage
from nesta.core.generic.list import ListPage
from nesta.core.generic.transition import back_to, transition_buttons, transition_view
from nesta.core.pagination import Page
from nesta.core.permissions import can
from nesta.zones.forms.areas import AreaRequestFilterForm, AreaRequestForm
from nesta.zones.lifecycles.areas import AREA_REQUEST
from nesta.zones.models import AreaRequestStatus
from nesta.zones.selectors import areas as reads
from nesta.zones.services import areas as services

# who takes each step: the zone files, its province gives the opinion, the office decides
SIDES = {
    "area_request.created": _("高新区管委会"),
    "area_request.updated": _("高新区管委会"),
    "area_request.submitted": _("高新区管委会"),
    "area_request.withdrawn": _("高新区管委会"),
    "area_request.endorsed": _("省科技厅"),
    "area_request.returned": _("省科技厅"),
    "area_request.sent_back": _("领导小组办公室"),
    "area_request.approved": _("领导小组办公室"),
    "area_request.rejected": _("领导小组办公室"),
}


def history_rows(entries: list[Any]) -> list[dict[str, Any]]:
    """The request's steps for its page: the audit row, who (their name, else the account) and
    on whose side."""
    return [
        {"entry": e, "who": str(e.actor) if e.actor_id else (e.actor_repr or "—"), "side": SIDES.get(e.action, "")}
        for e in entries
    ]


class AreaRequestList(ListPage):
    template_name = "zones/areas/list.html"
    partial_template = "zones/areas/_results.html"
    login_required = True

    def get_filters(self, request: HttpRequest) -> tuple[Any, Any]:
        form = AreaRequestFilterForm(request.GET or None, zones=reads.zone_choices(request.user))
        return form, form.filters()

    def get_page(self, request: HttpRequest, filters: Any, cursor: str | None, limit: int) -> Page[Any]:
        return reads.area_request_page(
            viewer=request.user, zone_id=filters.zone, status=filters.status or None, cursor=cursor, limit=limit
        )

    def get_extra_context(self, request: HttpRequest, filters: Any, page: Page[Any]) -> dict[str, Any]:
        return {
            "list_url": reverse("zones:area_request_list"),
            "file_zones": reads.zones_to_file_for(request.user),
            "counts": reads.area_request_counts(viewer=request.user, zone_id=filters.zone),
        }


class AreaRequestPage(DetailPage):
    template_name = "zones/areas/detail.html"
    context_object_name = "req"
    not_found = _("未找到该调整扩区申请。")

    def get_object(self, request: HttpRequest, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            raise errors.NotAuthenticated()
        return reads.area_request_get(viewer=request.user, request_id=kwargs["pk"])

    def get_extra_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        actions = reads.area_request_actions(request.user, obj)
        editable = obj.status in services.EDITABLE and can(request.user, "area_request.file", obj.permission_target())
        buttons = transition_buttons(actions, obj.pk, url_name="zones:area_request_{}")
        return {
            "zone": obj.zone,
            "buttons": [b for b in buttons if not b.needs_input],
            "steps": {b.name: b for b in buttons if b.needs_input},
            "editable": editable,
            "history": history_rows(reads.area_request_history(obj)),
            "S": AreaRequestStatus,
        }


class AreaRequestCreate(FormPage):
    template_name = "zones/areas/form.html"
    context_object_name = "req"
    creating = True

    def load(self, request: HttpRequest, **kwargs: Any) -> Any:
        zone = reads.zone_get(kwargs["zone_id"])
        if not request.user.is_authenticated:
            raise errors.NotAuthenticated()
        if not reads.may_file(request.user, zone):
            raise errors.PermissionDenied(_("只有该高新区管委会的管理员可以提出调整扩区申请。"))
        self.zone = zone
        return None

    def get_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        return AreaRequestForm(data, initial={"current_area": reads.zone_planned_area(self.zone.pk)})

    def get_extra_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        return {"zone": self.zone}

    def save(self, request: HttpRequest, form: Any, obj: Any) -> Any:
        return services.area_request_create(actor=request.user, zone_id=self.zone.pk, data=form.to_data())

    def success_message(self, saved: Any) -> str:
        return str(_("申请已保存为草稿，核对后请提交。"))


class _NotEditable(Exception):
    def __init__(self, req: Any):
        self.req = req


class AreaRequestEdit(FormPage):
    template_name = "zones/areas/form.html"
    context_object_name = "req"
    not_found = _("未找到该调整扩区申请。")

    def get_object(self, request: HttpRequest, **kwargs: Any) -> Any:
        req = reads.area_request_get(viewer=request.user, request_id=kwargs["pk"])
        if not can(request.user, "area_request.file", req.permission_target()):
            raise errors.PermissionDenied(_("只有该高新区管委会的管理员可以修改调整扩区申请。"))
        return req

    def load(self, request: HttpRequest, **kwargs: Any) -> Any:
        req = super().load(request, **kwargs)
        if req.status not in services.EDITABLE:
            # not a form to fill in: back to the request, saying why
            raise _NotEditable(req)
        return req

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().dispatch(request, *args, **kwargs)
        except _NotEditable as exc:
            messages.error(request, _("当前状态为“%(s)s”，不能修改。") % {"s": exc.req.get_status_display()})
            return redirect(exc.req.get_absolute_url())

    def get_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        names = ("title", "current_area", "requested_area", *services.USES, "location", "justification")
        return AreaRequestForm(data, initial={n: getattr(obj, n) for n in names})

    def get_extra_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        return {"zone": obj.zone}

    def save(self, request: HttpRequest, form: Any, obj: Any) -> Any:
        return services.area_request_update(actor=request.user, request_id=obj.pk, data=form.to_data())

    def success_message(self, saved: Any) -> str:
        return str(_("申请已保存。"))


STEP_FIELDS = ("reason", "province_supports", "province_opinion", "approved_area", "decision_note")


def _run(request: HttpRequest, t: Any, request_id: int) -> None:
    data = {k: request.POST[k] for k in STEP_FIELDS if k in request.POST}
    services.area_request_run(t.name, actor=request.user, request_id=request_id, data=data)


area_request_transition = transition_view(AREA_REQUEST, id_kwarg="pk", run=_run, back=back_to("zones:area_request"))
