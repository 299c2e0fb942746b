"""The incubators' evaluation pages: the schemes (office and provinces; the office runs one) and a
run's ranks, each recommendation with its reasons, zone rank and ±10 % weight sensitivity."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from nesta.core import errors
from nesta.core.evaluation.views import Words
from nesta.core.generic.base import domain_errors
from nesta.core.generic.detail import DetailPage
from nesta.core.generic.list import ListPage
from nesta.core.pagination import Page
from nesta.core.permissions import can
from nesta.zones.incubator_indicators import BY_KEY
from nesta.zones.selectors import incubator_evaluation as reads
from nesta.zones.services import incubator_evaluation as services

WORDS = Words(BY_KEY, _("省级孵化器，各项指标达到国家级门槛"))


class SchemeList(ListPage):
    template_name = "zones/incubators/schemes.html"
    partial_template = "zones/incubators/schemes.html"
    login_required = True

    def get_page(self, request: HttpRequest, filters: Any, cursor: str | None, limit: int) -> Page[Any]:
        schemes = reads.scheme_list(viewer=request.user)
        return Page(items=[{"scheme": s, "run": reads.latest_run(s)} for s in schemes])

    def get_extra_context(self, request: HttpRequest, filters: Any, page: Page[Any]) -> dict[str, Any]:
        return {"may_run": can(request.user, "incubator_evaluation.manage", None)}


@require_POST
@domain_errors
def scheme_run(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("zones:incubator_evaluations"))
    run = services.incubator_evaluation_run(actor=request.user, scheme_id=pk)
    messages.success(request, _("评估已运行，%(n)d 个孵化器参评。") % {"n": run.incubator_count})
    return redirect("zones:incubator_run", pk=run.pk)


class RunPage(DetailPage):
    template_name = "zones/incubators/run.html"
    context_object_name = "run"
    not_found = _("未找到该评估运行。")

    def get_object(self, request: HttpRequest, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            raise errors.NotAuthenticated()
        run, results = reads.run_results(viewer=request.user, run_id=kwargs["pk"])
        self.results = results
        return run

    def get_extra_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        return {"results": WORDS.rows(self.results)}
