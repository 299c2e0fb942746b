"""Web pages of calls: the public list at /projects/ (重点项目), a call's page, create and edit
(the office, or a province for its own calls), the lifecycle's buttons."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nesta.core.generic.detail import DetailPage
from nesta.core.generic.form import FormPage
from nesta.core.generic.list import ListPage
from nesta.core.generic.transition import Outcome, back_to, transition_buttons, transition_view
from nesta.core.lifecycle import Transition
from nesta.core.permissions import can
from nesta.programmes.forms.calls import CallFilter, CallForm
from nesta.programmes.lifecycles.call import CALL
from nesta.programmes.models import Call
from nesta.programmes.rules.form_fields import TYPE_LABELS
from nesta.programmes.selectors import calls as reads
from nesta.programmes.services import calls as services


def role_links(user: Any) -> list[dict[str, str]]:
    """The dashboards the user has: 我的申请, 待推荐, 形式审查, 评审邀请, and — for the people who run
    or hold them — the projects, the budget and the zones' interest subsidies (财政贴息)."""
    links = []
    if can(user, "application.create"):
        links.append({"url": reverse("programmes:my_applications"), "text": _("我的申请"), "testid": "my-applications"})
    if can(user, "application.recommend"):
        links.append({"url": reverse("programmes:recommend_queue"), "text": _("待推荐"), "testid": "recommend-queue"})
    if can(user, "application.check"):
        links.append({"url": reverse("programmes:check_queue"), "text": _("形式审查"), "testid": "check-queue"})
    if can(user, "review.submit"):
        links.append(
            {"url": reverse("programmes:my_invitations"), "text": _("我的评审邀请"), "testid": "my-invitations"}
        )
    if can(user, "project.manage") or can(user, "project.report"):
        links.append({"url": reverse("programmes:project_list"), "text": _("立项项目"), "testid": "projects"})
    if can(user, "budget.view"):
        links.append({"url": reverse("programmes:budget"), "text": _("经费预算"), "testid": "budget"})
    if can(user, "subsidy.manage") or can(user, "subsidy.submit") or can(user, "subsidy.pay"):
        links.append({"url": reverse("programmes:subsidy_funds"), "text": _("高新区财政贴息"), "testid": "subsidies"})
    return links


class CallList(ListPage):
    template_name = "programmes/calls/list.html"
    partial_template = "programmes/calls/_results.html"
    filter_form = CallFilter

    def get_page(self, request: HttpRequest, filters: Any, cursor: str | None, limit: int) -> Any:
        return reads.calls_page(viewer=request.user, cursor=cursor, limit=limit, **(filters or {}))

    def get_extra_context(self, request: HttpRequest, filters: Any, page: Any) -> dict[str, Any]:
        now = timezone.now()
        return {
            "list_url": reverse("programmes:call_list"),
            "may_create": can(request.user, "call.manage"),
            "role_links": role_links(request.user),
            "accepting": {c.pk: reads.accepting(c, now) for c in page.items},
        }


class CallDetail(DetailPage):
    template_name = "programmes/calls/detail.html"
    context_object_name = "call"
    not_found = gettext_lazy("未找到该指南。")

    def get_object(self, request: HttpRequest, **kwargs: Any) -> Call:
        return reads.call_get(viewer=request.user, call_id=kwargs["pk"])

    def get_extra_context(self, request: HttpRequest, obj: Call) -> dict[str, Any]:
        accepting = reads.accepting(obj)
        return {
            "buttons": transition_buttons(
                reads.transitions_for(request.user, obj), obj.pk, url_name="programmes:call_{}"
            ),
            "may_edit": obj.status in ("draft", "open", "closed") and reads.may_manage(request.user, obj),
            "may_list": can(request.user, "application.recommend") or can(request.user, "application.check"),
            "accepting": accepting,
            "may_apply": accepting and (can(request.user, "application.create") or not request.user.is_authenticated),
            "type_labels": TYPE_LABELS,
            "role_links": role_links(request.user),
        }


class _CallFormPage(FormPage):
    template_name = "programmes/calls/form.html"
    context_object_name = "call"
    permission = "call.manage"
    permission_message = gettext_lazy("只有领导小组办公室和省科技厅可以发布申报指南。")
    error_aliases = {"fields": "areas", "duplicate_code": "title", "criteria_weights": "criteria"}

    def get_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        return CallForm(data, call=obj) if data is not None else CallForm(call=obj)

    def put_errors(self, form: Any, exc: Any) -> None:
        details = exc.details if isinstance(exc.details, dict) else {}
        # rounds.0.max_load → max_load, criteria.1.weight → criteria
        renamed = {}
        for key, value in details.items():
            head, _sep, tail = key.partition(".")
            if head == "rounds":
                key = tail.split(".", 1)[-1]
            elif head in ("criteria", "form_fields"):
                key = head
            renamed[key] = value
        exc.details = renamed
        super().put_errors(form, exc)


class CallCreate(_CallFormPage):
    creating = True

    def save(self, request: HttpRequest, form: Any, obj: Any) -> Call:
        return services.call_create(actor=request.user, data=form.to_data())

    def success_message(self, saved: Call) -> str:
        return _("申报指南已保存为草稿，确认无误后请发布。")


class CallEdit(_CallFormPage):
    not_found = gettext_lazy("未找到该指南。")

    def get_object(self, request: HttpRequest, **kwargs: Any) -> Call:
        return reads.call_get(viewer=request.user, call_id=kwargs["pk"])

    def save(self, request: HttpRequest, form: Any, obj: Call) -> Call:
        data = form.to_data()
        if obj.status == "closed":
            data = {"rounds": data.get("rounds")} if "rounds" in data else {}
        return services.call_update(actor=request.user, call_id_=obj.pk, data=data)

    def success_message(self, saved: Call) -> str:
        return _("修改已保存。")


def _run_step(request: HttpRequest, t: Transition, pk: int) -> Outcome | None:
    services.call_run(t.name, actor=request.user, call_id_=pk)
    return None


call_transition = transition_view(CALL, id_kwarg="pk", run=_run_step, back=back_to("programmes:call_detail"))
