"""The evaluation schemes, a run's results with their reasons, and the office's run button."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from nesta.bases.indicators import BY_KEY
from nesta.bases.selectors import evaluation as eval_reads
from nesta.bases.services import evaluation as eval_services
from nesta.core.evaluation.views import Words
from nesta.core.generic.base import domain_errors
from nesta.core.generic.detail import DetailPage
from nesta.core.generic.list import ListPage
from nesta.core.pagination import Page
from nesta.core.permissions import can

WORDS = Words(BY_KEY, _("省级基地，各项指标达到国家级门槛"))
reasons_rows = WORDS.reasons


class RunPage(DetailPage):
    """An evaluation run: every base's score, rank and recommendation; each row opens its reasons."""

    template_name = "bases/run.html"
    context_object_name = "run"
    not_found = _("未找到该评估运行。")

    def get_object(self, request: HttpRequest, **kwargs: Any) -> Any:
        run, results = eval_reads.run_results(viewer=request.user, run_id=kwargs["pk"])
        self.results = results
        return run

    def get_extra_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        return {"results": WORDS.rows(self.results)}


class SchemeList(ListPage):
    """The evaluation schemes (office and provinces), each with its latest run; the office runs one."""

    template_name = "bases/schemes.html"
    partial_template = "bases/schemes.html"
    login_required = True

    def get_page(self, request: HttpRequest, filters: Any, cursor: str | None, limit: int) -> Page[Any]:
        schemes = eval_reads.scheme_list(viewer=request.user)
        return Page(items=[{"scheme": s, "run": eval_reads.latest_run(scheme=s)} for s in schemes])

    def get_extra_context(self, request: HttpRequest, filters: Any, page: Page[Any]) -> dict[str, Any]:
        return {"may_run": can(request.user, "evaluation.manage", None)}


@require_POST
@domain_errors
def scheme_run(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("bases:schemes"))
    run = eval_services.evaluation_run(actor=request.user, scheme_id=pk)
    messages.success(request, _("评估已运行，%(n)d 个基地参评。") % {"n": run.base_count})
    return redirect("bases:run", pk=run.pk)
