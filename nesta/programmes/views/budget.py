"""The budget page (/projects/budget/): plan, committed, paid and remaining with a bar chart per
programme and per province and the numbers beside it, and its XLSX export. Thin: the figures are
selectors.budget.budget_view; the page only adds the bars' lengths."""

from decimal import Decimal
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from nesta.core.errors import BadRequest
from nesta.core.generic import domain_errors, login_required_or_redirect
from nesta.core.generic.download import file_download
from nesta.programmes import exports
from nesta.programmes.selectors.budget import BudgetView, Figures, budget_view

HUNDRED = Decimal(100)


class BudgetFilter(forms.Form):
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    province = forms.RegexField(label=_("省份"), regex=r"^\d{6}$", required=False)
    programme = forms.RegexField(label=_("科技计划"), regex=r"^[a-z0-9-]{1,40}$", required=False)

    def error_text(self) -> str:
        return "；".join(f"{self.fields[n].label}：{'；'.join(str(e) for e in es)}" for n, es in self.errors.items())


def _view(request: HttpRequest) -> BudgetView:
    form = BudgetFilter(request.GET)
    if not form.is_valid():
        raise BadRequest(form.error_text())
    d = form.cleaned_data
    return budget_view(
        viewer=request.user,
        year=d.get("year"),
        province=d.get("province") or None,
        programme=d.get("programme") or None,
    )


def _bars(lines: list[Figures]) -> list[dict[str, Any]]:
    """Each line with its bars in percent of the largest plan (or commitment) on the chart."""
    largest = max([max(f.plan, f.committed, f.paid) for f in lines] + [Decimal(0)])

    def pct(v: Decimal) -> float:
        return float((max(v, Decimal(0)) * HUNDRED / largest).quantize(Decimal("0.1"))) if largest else 0.0

    return [{"f": f, "plan": pct(f.plan), "committed": pct(f.committed), "paid": pct(f.paid)} for f in lines]


@require_GET
@login_required_or_redirect
@domain_errors
def budget_page(request: HttpRequest) -> HttpResponse:
    view = _view(request)
    years = sorted({r.year for r in view.rows if r.year} | ({view.year} if view.year else set()), reverse=True)
    context = {
        "view": view,
        "years": years,
        "by_programme": _bars(view.by_programme),
        "by_province": _bars(view.by_province),
        "query": request.GET.urlencode(),
    }
    return render(request, "programmes/budget/summary.html", context)


@require_GET
@login_required_or_redirect
@domain_errors
def budget_export(request: HttpRequest) -> HttpResponse:
    view = _view(request)
    return file_download(
        exports.budget_xlsx(view),
        filename=exports.budget_filename(view),
        fallback="budget.xlsx",
        content_type=exports.XLSX_CONTENT_TYPE,
        private=True,
    )
