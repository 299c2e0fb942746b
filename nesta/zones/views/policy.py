"""The policy register's pages under /zones/policies/ (search first, filters, a document with its
text and file) and the research topics under /zones/topics/ (a topic with its outputs and the
office's form to add one). Declared on core's generic views; no ORM here."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nesta.core.generic.base import domain_errors
from nesta.core.generic.detail import DetailPage
from nesta.core.generic.download import file_download
from nesta.core.generic.form import FormPage
from nesta.core.generic.list import ListPage
from nesta.core.pagination import Page
from nesta.core.permissions import can
from nesta.zones.forms.policy import PROVINCES, OutputForm, PolicyFilterForm, PolicyForm, TopicFilterForm, TopicForm
from nesta.zones.models import PolicyScope, TopicStatus
from nesta.zones.selectors import policy as reads
from nesta.zones.services import policy as services
from nesta.zones.services import policy_topics as topics

PROVINCE_NAMES = dict(PROVINCES)
ERROR_ALIASES = {"policy_exists": "doc_number", "invalid_status": "status", "topic_not_started": "delivered_on"}


class PolicyList(ListPage):
    template_name = "zones/policy/list.html"
    partial_template = "zones/policy/_results.html"
    filter_form = PolicyFilterForm

    def get_filters(self, request: HttpRequest) -> tuple[Any, Any]:
        self.zones = reads.zone_choices()
        form = PolicyFilterForm(request.GET or None, zones=self.zones, issuers=reads.policy_issuers())
        return form, form.filters()

    def get_page(self, request: HttpRequest, filters: Any, cursor: str | None, limit: int) -> Page[Any]:
        return reads.policy_page(filters=filters, cursor=cursor, limit=limit, with_facets=True)

    def get_extra_context(self, request: HttpRequest, filters: Any, page: Page[Any]) -> dict[str, Any]:
        scopes = dict(PolicyScope.choices)
        facets = {
            "scope": [
                {"value": k, "label": scopes.get(k, k), "count": n} for k, n in page.facets.get("scope", {}).items()
            ],
            "province": [
                {"value": k, "label": PROVINCE_NAMES.get(k, k), "count": n}
                for k, n in sorted(page.facets.get("province", {}).items())
            ],
        }
        return {
            "list_url": reverse("zones:policy_list"),
            "may_create": can(request.user, "policy.manage"),
            "facets": facets if any(facets.values()) else None,
        }


class PolicyDetail(DetailPage):
    template_name = "zones/policy/detail.html"
    context_object_name = "document"
    not_found = _("未找到该政策文件。")

    def get_object(self, request: HttpRequest, **kwargs: Any) -> Any:
        return reads.policy_get(document_id=kwargs["pk"])

    def get_extra_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        return {
            "origins": reads.policy_origins(document=obj),
            "may_edit": can(request.user, "policy.manage", obj.permission_target()),
        }


@domain_errors
def policy_file(request: HttpRequest, pk: int) -> HttpResponse:
    handle, name, content_type = reads.policy_file_open(document=reads.policy_get(document_id=pk))
    response = file_download(handle, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response  # type: ignore[return-value]


class _PolicyFormPage(FormPage):
    template_name = "zones/policy/form.html"
    context_object_name = "document"
    permission = "policy.manage"
    permission_message = _("只有领导小组办公室和省科技厅可以登记政策文件。")
    not_found = _("未找到该政策文件。")
    error_aliases = ERROR_ALIASES

    def get_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        zones = reads.zone_choices()
        has_file = bool(obj is not None and obj.file)
        if data is None:
            initial = PolicyForm.initial_from(obj) if obj is not None else {}
            return PolicyForm(initial=initial, zones=zones, has_file=has_file)
        return PolicyForm(data, request.FILES, zones=zones, has_file=has_file)

    def success_message(self, saved: Any) -> str:
        return str(_("政策文件已保存。"))


class PolicyCreate(_PolicyFormPage):
    creating = True

    def save(self, request: HttpRequest, form: Any, obj: Any) -> Any:
        return services.policy_create(actor=request.user, data=form.to_data(), file=form.cleaned_data.get("file"))


class PolicyEdit(_PolicyFormPage):
    def get_object(self, request: HttpRequest, **kwargs: Any) -> Any:
        return reads.policy_get(document_id=kwargs["pk"])

    def save(self, request: HttpRequest, form: Any, obj: Any) -> Any:
        document = services.policy_update(actor=request.user, document_id=obj.pk, data=form.to_data())
        if form.cleaned_data.get("file"):
            document = services.policy_file_put(actor=request.user, document_id=obj.pk, file=form.cleaned_data["file"])
        elif form.cleaned_data.get("remove_file"):
            document = services.policy_file_remove(actor=request.user, document_id=obj.pk)
        return document


# --- research topics -------------------------------------------------------------------------


class TopicList(ListPage):
    template_name = "zones/policy/topic_list.html"
    partial_template = "zones/policy/_topic_results.html"
    filter_form = TopicFilterForm

    def get_filters(self, request: HttpRequest) -> tuple[Any, Any]:
        form = TopicFilterForm(request.GET or None, zones=reads.zone_choices())
        return form, form.filters()

    def get_page(self, request: HttpRequest, filters: Any, cursor: str | None, limit: int) -> Page[Any]:
        return reads.topic_page(filters=filters, cursor=cursor, limit=limit)

    def get_extra_context(self, request: HttpRequest, filters: Any, page: Page[Any]) -> dict[str, Any]:
        return {"list_url": reverse("zones:topic_list"), "may_create": can(request.user, "policy_topic.manage")}


def _topic_context(request: HttpRequest, topic: Any) -> dict[str, Any]:
    may_manage = can(request.user, "policy_topic.manage", topic.permission_target())
    return {"outputs": list(topic.outputs.all()), "may_manage": may_manage}


class TopicDetail(DetailPage):
    template_name = "zones/policy/topic_detail.html"
    context_object_name = "topic"
    not_found = _("未找到该政策研究课题。")

    def get_object(self, request: HttpRequest, **kwargs: Any) -> Any:
        return reads.topic_get(topic_id=kwargs["pk"])

    def get_extra_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        context = _topic_context(request, obj)
        if context["may_manage"] and obj.status != TopicStatus.PLANNED:
            context["output_form"] = OutputForm(documents=reads.document_choices())
        return context


class _TopicFormPage(FormPage):
    template_name = "zones/policy/topic_form.html"
    context_object_name = "topic"
    permission = "policy_topic.manage"
    permission_message = _("只有领导小组办公室可以管理政策研究课题。")
    not_found = _("未找到该政策研究课题。")
    error_aliases = ERROR_ALIASES

    def get_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        zones = reads.zone_choices()
        if data is None:
            return TopicForm(initial=TopicForm.initial_from(obj) if obj is not None else {}, zones=zones)
        return TopicForm(data, zones=zones)

    def success_message(self, saved: Any) -> str:
        return str(_("课题已保存。"))


class TopicCreate(_TopicFormPage):
    creating = True

    def save(self, request: HttpRequest, form: Any, obj: Any) -> Any:
        return topics.topic_create(actor=request.user, data=form.to_data())


class TopicEdit(_TopicFormPage):
    def get_object(self, request: HttpRequest, **kwargs: Any) -> Any:
        return reads.topic_get(topic_id=kwargs["pk"])

    def save(self, request: HttpRequest, form: Any, obj: Any) -> Any:
        return topics.topic_update(actor=request.user, topic_id=obj.pk, data=form.to_data())


class OutputCreate(FormPage):
    """The topic's page with the output form posted: saved → back to the topic; refused → the
    topic's page again with the errors beside the fields (422)."""

    template_name = "zones/policy/topic_detail.html"
    context_object_name = "topic"
    permission = "policy_topic.manage"
    permission_message = _("只有领导小组办公室可以登记研究成果。")
    not_found = _("未找到该政策研究课题。")
    error_aliases = ERROR_ALIASES

    def get_object(self, request: HttpRequest, **kwargs: Any) -> Any:
        return reads.topic_get(topic_id=kwargs["pk"])

    def get_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        return OutputForm(data, documents=reads.document_choices())

    def context_forms(self, form: Any) -> dict[str, Any]:
        return {"output_form": form}

    def get_extra_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        return _topic_context(request, obj)

    def save(self, request: HttpRequest, form: Any, obj: Any) -> Any:
        return topics.output_create(actor=request.user, topic_id=obj.pk, data=form.to_data())

    def success_url(self, saved: Any) -> str:
        return reverse("zones:topic_detail", args=[saved.topic_id]) + "#outputs"

    def success_message(self, saved: Any) -> str:
        return str(_("研究成果已登记。"))
