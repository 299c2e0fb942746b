"""The operator's pages of the domain thesaurus: list, create, edit, delete (`thesaurus.manage`)."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from nesta.core import errors
from nesta.core.generic.base import domain_errors, render_page_or_partial
from nesta.core.generic.form import FormPage
from nesta.core.permissions import can
from nesta.core.selectors import audit_list
from nesta.market.forms.thesaurus import ConceptFilterForm, ConceptForm
from nesta.market.models import ThesaurusConcept
from nesta.market.selectors import thesaurus as selectors
from nesta.market.services import thesaurus as services


def _require_login(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise errors.NotAuthenticated()


@require_http_methods(["GET", "HEAD"])
@domain_errors
def concept_list(request: HttpRequest) -> HttpResponse:
    _require_login(request)
    form = ConceptFilterForm(request.GET or None)
    q = field = ""
    if form.is_valid():
        q, field = form.cleaned_data.get("q") or "", form.cleaned_data.get("field") or ""
    page = selectors.concepts_page(viewer=request.user, q=q, field=field, cursor=request.GET.get("cursor"))
    context = {
        "form": form,
        "page": page,
        "paged": bool(request.GET.get("cursor")),
        "list_url": reverse("market:thesaurus_list"),
        "rows": [(c, selectors.terms_by_role(c)) for c in page.items],
    }
    return render_page_or_partial(
        request, "market/matching/thesaurus_list.html", "market/matching/_thesaurus_rows.html", context
    )


class _ConceptForm(FormPage):
    form_class = ConceptForm
    template_name = "market/matching/thesaurus_form.html"
    context_object_name = "concept"
    permission = "thesaurus.manage"
    permission_message = gettext_lazy("只有运营方可以维护领域词表。")
    not_found = gettext_lazy("未找到该词表概念。")
    error_aliases = {"terms": "problem_terms"}

    def get_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        return ConceptForm(data, concept=obj) if data is not None else ConceptForm(concept=obj)

    def success_url(self, saved: Any) -> str:
        return reverse("market:thesaurus_list")


class ConceptCreate(_ConceptForm):
    creating = True

    def save(self, request: HttpRequest, form: Any, obj: Any) -> ThesaurusConcept:
        return services.concept_create(actor=request.user, data=form.to_data())

    def success_message(self, saved: ThesaurusConcept) -> str:
        return _("已新增概念“%(n)s”。") % {"n": saved.name}


class ConceptEdit(_ConceptForm):
    permission = None  # the thesaurus has no target: get_object requires thesaurus.manage itself

    def get_object(self, request: HttpRequest, pk: int) -> Any:
        if not can(request.user, "thesaurus.manage"):
            raise errors.PermissionDenied(self.permission_message)
        return selectors.concept_get(viewer=request.user, concept_id=pk)

    def save(self, request: HttpRequest, form: Any, obj: ThesaurusConcept) -> ThesaurusConcept:
        return services.concept_update(actor=request.user, concept_id=obj.pk, data=form.to_data())

    def success_message(self, saved: ThesaurusConcept) -> str:
        return _("已保存概念“%(n)s”。") % {"n": saved.name}

    def get_extra_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        entries = None
        if obj is not None and can(request.user, "audit.view"):
            entries = audit_list(
                user=request.user, object_type="market.thesaurusconcept", object_id=str(obj.pk), limit=20
            ).items
        return {"audit_entries": entries}


concept_create = ConceptCreate.as_view()
concept_edit = ConceptEdit.as_view()


@require_POST
@domain_errors
def concept_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_login(request)
    concept = selectors.concept_get(viewer=request.user, concept_id=pk)
    services.concept_delete(actor=request.user, concept_id=concept.pk)
    messages.success(request, _("已删除概念“%(n)s”。") % {"n": concept.name})
    return redirect("market:thesaurus_list")
