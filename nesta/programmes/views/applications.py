"""Web pages of applications: apply to a call and edit, the application's page (content, team,
budget table with its cap, attachments, status timeline and history, the steps the viewer may
take), 我的申请, the province's 待推荐 queue, the office's 形式审查 queue and a call's
applications."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from nesta.core import errors
from nesta.core.generic.base import domain_errors
from nesta.core.generic.detail import DetailPage
from nesta.core.generic.download import file_download
from nesta.core.generic.form import FormPage
from nesta.core.generic.list import ListPage
from nesta.core.generic.transition import Outcome, error_text, safe_next, transition_buttons, transition_view
from nesta.core.lifecycle import Transition
from nesta.core.permissions import can
from nesta.programmes.forms.applications import (
    FORM_PREFIX,
    ApplicationFilter,
    ApplicationForm,
    AttachmentForm,
    CheckForm,
    MyFilter,
    ReasonForm,
)
from nesta.programmes.lifecycles.application import APPLICATION
from nesta.programmes.models import Application, Call
from nesta.programmes.selectors import applications as reads
from nesta.programmes.selectors import calls as call_reads
from nesta.programmes.services import applications as services
from nesta.programmes.services import attachments as attachment_services
from nesta.programmes.views.calls import role_links

NEEDS_FORM = {"not_recommend", "return", "pass_check"}


def _buttons(request: HttpRequest, app: Application) -> tuple[list[Any], set[str]]:
    available = reads.transitions_for(request.user, app)
    plain = [t for t in available if t.name not in NEEDS_FORM]
    return transition_buttons(plain, app.pk, url_name="programmes:application_{}"), {
        t.name for t in available
    } & NEEDS_FORM


class ApplicationDetail(DetailPage):
    template_name = "programmes/applications/detail.html"
    context_object_name = "app"
    not_found = gettext_lazy("未找到该申请。")

    def get_object(self, request: HttpRequest, **kwargs: Any) -> Application:
        if not request.user.is_authenticated:
            raise errors.NotAuthenticated()
        return reads.application_get(viewer=request.user, application_id=kwargs["pk"])

    def get_extra_context(self, request: HttpRequest, obj: Application) -> dict[str, Any]:
        buttons, forms_offered = _buttons(request, obj)
        editable = reads.may_edit(request.user, obj)
        return {
            "buttons": buttons,
            "reason_form": ReasonForm() if "not_recommend" in forms_offered else None,
            "check_form": CheckForm() if forms_offered & {"return", "pass_check"} else None,
            "may_edit": editable,
            "attachment_form": AttachmentForm() if editable else None,
            "budget": reads.budget_of(obj),
            "form_rows": reads.form_rows(obj),
            "checklist": reads.checklist_rows(obj),
            "timeline": reads.timeline(obj),
            "history": reads.history(obj),
            "blind_note": obj.call.blind,
        }


class _ApplicationFormPage(FormPage):
    template_name = "programmes/applications/form.html"
    context_object_name = "app"
    error_aliases = {
        "requested_amount": "indirect",
        "indirect_cost_exceeds_cap": "indirect",
        "equipment_purchase_exceeds_equipment": "equipment_purchase",
    }

    def the_call(self, request: HttpRequest, obj: Application | None) -> Call:
        return obj.call if obj is not None else call_reads.call_get(viewer=request.user, call_id=self.kwargs_pk)

    def get_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        call = self.the_call(request, obj)
        kwargs = {
            "call": call,
            "application": obj,
            "experts": reads.expert_pool(),
            "field_choices": call_reads.field_options(call),
        }
        return ApplicationForm(data, **kwargs) if data is not None else ApplicationForm(**kwargs)

    def put_errors(self, form: Any, exc: errors.DomainError) -> None:
        details = exc.details if isinstance(exc.details, dict) else {}
        renamed: dict[str, Any] = {}
        for key, value in details.items():
            if key.startswith("form_data."):
                key = FORM_PREFIX + key.removeprefix("form_data.")
            elif key.startswith("team"):
                key = "team"
            elif key.startswith("budget"):
                key = "indirect" if exc.code == "indirect_cost_exceeds_cap" else "__all__"
            elif key.startswith("avoid_requests"):
                key = "avoid_0"
            if isinstance(value, list):
                renamed.setdefault(key, []).extend(value)
        exc.details = renamed
        super().put_errors(form, exc)

    def get_extra_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        return {"the_call": self.the_call(request, obj)}


class ApplicationCreate(_ApplicationFormPage):
    creating = True
    permission = "application.create"
    permission_message = gettext_lazy("只有申报单位的人员可以填报项目申请。")

    def load(self, request: HttpRequest, **kwargs: Any) -> Any:
        self.kwargs_pk = kwargs["pk"]
        obj = super().load(request, **kwargs)
        call = call_reads.call_get(viewer=request.user, call_id=self.kwargs_pk)
        if not call_reads.accepting(call):
            raise errors.PermissionDenied(_("该指南当前不在受理期内。"))
        return obj

    def save(self, request: HttpRequest, form: Any, obj: Any) -> Application:
        return services.application_create(actor=request.user, data={"call": self.kwargs_pk, **form.to_data()})

    def success_message(self, saved: Application) -> str:
        return _("申请已保存为草稿。上传附件、确认无误后请提交。")


class ApplicationEdit(_ApplicationFormPage):
    permission = "application.change"
    not_found = gettext_lazy("未找到该申请。")

    def get_object(self, request: HttpRequest, **kwargs: Any) -> Application:
        app = reads.application_get(viewer=request.user, application_id=kwargs["pk"])
        self.kwargs_pk = app.call_id
        return app

    def save(self, request: HttpRequest, form: Any, obj: Application) -> Application:
        return services.application_update(actor=request.user, application_id_=obj.pk, data=form.to_data())

    def success_message(self, saved: Application) -> str:
        return _("修改已保存。")


class MyApplications(ListPage):
    template_name = "programmes/applications/mine.html"
    partial_template = "programmes/applications/_mine_results.html"
    filter_form = MyFilter
    login_required = True

    def get_page(self, request: HttpRequest, filters: Any, cursor: str | None, limit: int) -> Any:
        return reads.my_applications_page(viewer=request.user, cursor=cursor, limit=limit, **(filters or {}))

    def get_extra_context(self, request: HttpRequest, filters: Any, page: Any) -> dict[str, Any]:
        return {
            "list_url": reverse("programmes:my_applications"),
            "timelines": {a.pk: reads.timeline(a) for a in page.items},
            "open_calls": call_reads.open_calls(),
            "role_links": role_links(request.user),
        }


class _Queue(ListPage):
    template_name = "programmes/applications/queue.html"
    partial_template = "programmes/applications/_queue_results.html"
    login_required = True
    action = ""
    title: Any = ""
    lead: Any = ""
    url_name = ""

    def get_extra_context(self, request: HttpRequest, filters: Any, page: Any) -> dict[str, Any]:
        return {
            "list_url": reverse(self.url_name),
            "title": self.title,
            "lead": self.lead,
            "role_links": role_links(request.user),
        }

    def guard(self, request: HttpRequest) -> None:
        if not can(request.user, self.action):
            raise errors.PermissionDenied()


class RecommendQueue(_Queue):
    action = "application.recommend"
    title = gettext_lazy("待推荐")
    lead = gettext_lazy("本省申报单位已提交、等待省级推荐的申请（最早提交的在前）。")
    url_name = "programmes:recommend_queue"

    def get_page(self, request: HttpRequest, filters: Any, cursor: str | None, limit: int) -> Any:
        self.guard(request)
        return reads.recommend_queue_page(viewer=request.user, cursor=cursor, limit=limit)


class CheckQueue(_Queue):
    action = "application.check"
    title = gettext_lazy("形式审查")
    lead = gettext_lazy("已获省级推荐、等待形式审查的申请（最早推荐的在前）。")
    url_name = "programmes:check_queue"

    def get_page(self, request: HttpRequest, filters: Any, cursor: str | None, limit: int) -> Any:
        self.guard(request)
        return reads.check_queue_page(viewer=request.user, cursor=cursor, limit=limit)


class CallApplications(ListPage):
    template_name = "programmes/applications/call_list.html"
    partial_template = "programmes/applications/_queue_results.html"
    filter_form = ApplicationFilter
    login_required = True

    def get_page(self, request: HttpRequest, filters: Any, cursor: str | None, limit: int) -> Any:
        self.call = call_reads.call_get(viewer=request.user, call_id=self.kwargs["pk"])
        if not (can(request.user, "application.recommend") or can(request.user, "application.check")):
            raise errors.PermissionDenied()
        return reads.applications_page(
            viewer=request.user, call=self.call.pk, cursor=cursor, limit=limit, **(filters or {})
        )

    def get_extra_context(self, request: HttpRequest, filters: Any, page: Any) -> dict[str, Any]:
        return {"call": self.call, "list_url": reverse("programmes:call_applications", args=[self.call.pk])}


# --- the steps ---------------------------------------------------------------------------------


def _run_step(request: HttpRequest, t: Transition, pk: int) -> Outcome | None:
    checklist = None
    if t.name in ("return", "pass_check"):
        form = CheckForm(request.POST)
        form.is_valid()
        checklist = form.checklist()
    services.application_run(
        t.name, actor=request.user, application_id_=pk, reason=request.POST.get("reason", ""), checklist=checklist
    )
    return None


def _back(request: HttpRequest, pk: int) -> str:
    return safe_next(request, reverse("programmes:application_detail", args=[pk]))


application_transition = transition_view(APPLICATION, id_kwarg="pk", run=_run_step, back=_back)


@require_POST
@domain_errors
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        raise errors.NotAuthenticated()
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择附件类型和文件。"))
    else:
        upload = form.cleaned_data["file"]
        try:
            data = attachment_services.read_upload(upload)
            attachment_services.attachment_add(
                actor=request.user, application_id_=pk, name=upload.name, data=data, kind=form.cleaned_data["kind"]
            )
        except (errors.ValidationFailed, errors.Conflict) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("附件已上传。"))
    return redirect(reverse("programmes:application_detail", args=[pk]) + "#attachments")


@require_POST
@domain_errors
def attachment_delete(request: HttpRequest, pk: int, aid: int) -> HttpResponse:
    if not request.user.is_authenticated:
        raise errors.NotAuthenticated()
    try:
        attachment_services.attachment_remove(actor=request.user, application_id_=pk, attachment_id=aid)
    except errors.Conflict as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("附件已删除。"))
    return redirect(reverse("programmes:application_detail", args=[pk]) + "#attachments")


@require_GET
@domain_errors
def attachment_download(request: HttpRequest, pk: int, aid: int) -> HttpResponse:
    if not request.user.is_authenticated:
        raise errors.NotAuthenticated()
    att = reads.attachment_for_download(viewer=request.user, application_id=pk, attachment_id=aid)
    return file_download(bytes(att.data), filename=att.name, content_type=att.content_type, private=True)
