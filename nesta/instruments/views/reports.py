"""Web pages of the instrument network's reports: 开放共享评价 (the public ranking, an organisation's
evaluation, an instrument's figures with the records they come from), the monthly fee statement
(费用对账单) and the registry's XLSX export and import (仪器批量导入导出).

Thin by design: the figures are selectors.openness / selectors.fees, the import is
services.xlsx, the XLSX files are instruments.exports; permissions are decided by those layers
(`require`) and core.permissions. The views read query parameters through forms.reports (a bad
one is a 400 page), call one selector or service, and render."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from nesta.core.charts import xlsx_export
from nesta.core.errors import BadRequest
from nesta.core.generic import domain_errors, login_required_or_redirect
from nesta.core.generic.download import file_download
from nesta.core.pagination import cursor_offset, offset_page
from nesta.core.permissions import can, require
from nesta.instruments import exports
from nesta.instruments import tasks as import_tasks
from nesta.instruments.forms.reports import ImportForm, RankingForm, StatementForm, YearForm, error_text
from nesta.instruments.selectors import fees as fee_selectors
from nesta.instruments.selectors import openness as openness_selectors
from nesta.instruments.selectors import reports as report_selectors
from nesta.instruments.services import xlsx
from nesta.instruments.views.openness_charts import province_chart, top_instruments_chart

MAX_EXPORT_ROWS = 10_000  # as the API's export
CRITERIA = [
    ("open", gettext_lazy("对外开放"), gettext_lazy("对外开放且未停用")),
    ("booking_policy", gettext_lazy("预约规则"), gettext_lazy("已制定预约规则")),
    ("fee_schedule", gettext_lazy("收费标准"), gettext_lazy("公布了机时或测样收费标准，或有在用的测试服务项目")),
    ("manager", gettext_lazy("仪器管理员"), gettext_lazy("至少指定一名仪器管理员")),
    ("no_unrecorded_use", gettext_lazy("无未登记使用"), gettext_lazy("本年度没有签到后超过24小时未签退的使用记录")),
]


def _this_year() -> int:
    return timezone.now().astimezone(openness_selectors.LOCAL).year


def _valid(form: Any) -> Any:
    """The form, checked: a bad query parameter is a 400 page saying which one and why."""
    if not form.is_valid():
        raise BadRequest(error_text(form))
    return form


def _xlsx_response(body: bytes, filename: str, fallback: str, *, private: bool = False) -> HttpResponse:
    return file_download(
        body, filename=filename, fallback=fallback, content_type=exports.XLSX_CONTENT_TYPE, private=private
    )


# --- 开放共享评价 (public, like the API) --------------------------------------------------------


def _ranking_query(request: HttpRequest) -> tuple[int, str, str, RankingForm]:
    provinces = report_selectors.provinces()
    form = _valid(RankingForm(request.GET, this_year=_this_year(), provinces=provinces))
    province = form.cleaned_data.get("province") or ""
    province_name = next((p.name for p in provinces if p.code == province), "")
    return form.chosen_year(), province, province_name, form


RANKING_COLUMNS = {
    "score": gettext_lazy("总分"),
    "hours": gettext_lazy("有效机时(h)"),
    "external": gettext_lazy("对外服务机时(h)"),
    "income": gettext_lazy("对外服务收入"),
    "name": gettext_lazy("单位名称"),
}


def _sort_columns(sort: str, descending: bool) -> dict[str, dict[str, Any]]:
    """Each sortable column's header link: the other columns in their own default direction,
    the current one flipped."""
    columns = {}
    for key, label in RANKING_COLUMNS.items():
        default_desc = openness_selectors.RANKING_SORTS[key][1]
        next_desc = not descending if key == sort else default_desc
        columns[key] = {
            "label": label,
            "active": key == sort,
            "descending": descending if key == sort else default_desc,
            "dir": "desc" if next_desc else "asc",
        }
    return columns


@require_GET
@domain_errors
def openness_ranking(request: HttpRequest) -> HttpResponse:
    """The ranking of owner organisations by their openness score (one computation per request,
    cached per year and province by the selector)."""
    year, province, province_name, form = _ranking_query(request)
    ranking, computed_at = report_selectors.openness_ranking_cached(year=year, province=province)
    offset, limit = cursor_offset(request.GET.get("cursor") or None), openness_selectors.RANKING_PAGE_SIZE
    rows, more, sort, descending = openness_selectors.ranking_page(
        ranking, sort=request.GET.get("sort"), direction=request.GET.get("dir"), offset=offset, limit=limit
    )
    page = offset_page(rows, offset=offset, limit=limit, more=more, total=len(ranking))
    charts = [province_chart(ranking, year), top_instruments_chart(ranking, year)]  # of every row, not the page's
    if export := xlsx_export(request, *charts):
        return export
    context = {
        "charts": charts if ranking else [],
        "form": form,
        "year": year,
        "province": province,
        "province_name": province_name,
        "ranking": ranking,
        "page": page,
        "paged": offset > 0,
        "first_position": offset + 1,
        "last_position": offset + len(rows),
        "sort": sort,
        "descending": descending,
        "sort_columns": _sort_columns(sort, descending),
        "computed_at": computed_at,
        "cache_minutes": report_selectors.RANKING_CACHE_SECONDS // 60,
        "threshold": openness_selectors.THRESHOLD,
        "query": request.GET.urlencode(),
    }
    return render(request, "instruments/reports/openness_ranking.html", context)


@require_GET
@domain_errors
def openness_ranking_xlsx(request: HttpRequest) -> HttpResponse:
    year, province, province_name, _form = _ranking_query(request)
    ranking, _at = report_selectors.openness_ranking_cached(year=year, province=province)
    body = exports.ranking_xlsx(ranking, year=year, province_name=province_name)
    filename = f"{year}年度开放共享评价排名{province_name}.xlsx"
    return _xlsx_response(body, filename, f"openness-ranking-{year}{'-' + province if province else ''}.xlsx")


@require_GET
@domain_errors
def openness_organization(request: HttpRequest, org_id: int) -> HttpResponse:
    """One owner's three scores with the numbers that go into each, and its evaluated instruments."""
    form = _valid(YearForm(request.GET, this_year=_this_year()))
    year = form.chosen_year()
    org = openness_selectors.organization_openness(organization_id=org_id, year=year)
    n = org.instrument_count
    context = {
        "form": form,
        "year": year,
        "org": org,
        "utilisation_sum": sum((i.capped_utilisation for i in org.instruments), openness_selectors.ZERO_RATIO),
        "criteria": [
            {**row, "label": label, "rule": rule}
            for row, (_key, label, rule) in zip(report_selectors.management_breakdown(org), CRITERIA, strict=True)
        ],
        "criteria_keys": [key for key, _label, _rule in CRITERIA],
        "n": n,
        "threshold": openness_selectors.THRESHOLD,
        "sharing_target_percent": int(openness_selectors.SHARING_TARGET * 100),
    }
    return render(request, "instruments/reports/openness_organization.html", context)


@require_GET
@domain_errors
def openness_instrument(request: HttpRequest, pk: int) -> HttpResponse:
    """One instrument's figures of the year and every session and charge they were computed from.
    As in the public API, the sessions and charges are listed without who used or paid."""
    form = _valid(YearForm(request.GET, this_year=_this_year()))
    year = form.chosen_year()
    item = openness_selectors.instrument_openness(instrument_id=pk, year=year)
    sessions = openness_selectors.usage_in_year(instrument_id=pk, year=year)
    charges = report_selectors.charges_in_year(instrument_id=pk, year=year)
    context = {
        "form": form,
        "year": year,
        "item": item,
        "sessions": sessions,
        "charges": charges,
        "hours_total": sum((s["hours_in_year"] for s in sessions), openness_selectors.ZERO),
        "external_hours_total": sum(
            (s["hours_in_year"] for s in sessions if s["is_external"]), openness_selectors.ZERO
        ),
        "criteria": [
            {"key": key, "label": label, "rule": rule, "met": item.criteria.get(key)} for key, label, rule in CRITERIA
        ],
        "threshold": openness_selectors.THRESHOLD,
    }
    return render(request, "instruments/reports/openness_instrument.html", context)


# --- 费用对账单 (fees.view: org admin for their organisation, province, office) ---------------


def _statement_form(request: HttpRequest) -> tuple[StatementForm, list[Any]]:
    if not can(request.user, "fees.view"):
        raise DjangoPermissionDenied(_("只有单位管理员、省科技厅和办公室可以查看费用对账单。"))
    organizations = list(report_selectors.statement_organizations(request.user))
    data: Any = request.GET
    if "organization" not in data and "month" not in data and len(organizations) == 1:
        # an organisation's admin: their own organisation, this month
        now = timezone.now().astimezone(fee_selectors.LOCAL)
        data = {"organization": str(organizations[0].pk), "month": f"{now.year}-{now.month:02d}"}
    return StatementForm(data or None, organizations=organizations), organizations


@require_GET
@login_required_or_redirect
@domain_errors
def fee_statement(request: HttpRequest) -> HttpResponse:
    form, organizations = _statement_form(request)
    statement = None
    if form.is_bound:
        _valid(form)
        year, month = form.cleaned_data["month"]
        statement = fee_selectors.fee_statement(
            actor=request.user, organization_id=form.cleaned_data["organization"], year=year, month=month
        )
    context = {
        "form": form,
        "statement": statement,
        "organizations": organizations,
        "month_value": f"{statement.year}-{statement.month:02d}" if statement else "",
    }
    response = render(request, "instruments/reports/fee_statement.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required_or_redirect
@domain_errors
def fee_statement_xlsx(request: HttpRequest) -> HttpResponse:
    form, _organizations = _statement_form(request)
    if not form.is_bound:
        raise BadRequest(_("请选择单位和月份。"))
    _valid(form)
    year, month = form.cleaned_data["month"]
    s = fee_selectors.fee_statement(
        actor=request.user, organization_id=form.cleaned_data["organization"], year=year, month=month
    )
    filename = f"对账单_{s.year}-{s.month:02d}_{s.organization_name}.xlsx"
    fallback = f"statement-{s.year}-{s.month:02d}-{s.organization_id}.xlsx"
    return _xlsx_response(exports.statement_xlsx(s), filename, fallback, private=True)


# --- 仪器批量导入导出 (instrument.create: office, province, org admin) -------------------------


def _require_registry(request: HttpRequest) -> None:
    require(request.user, "instrument.create")  # 403 for users who may not register instruments


@require_http_methods(["GET", "POST"])
@login_required_or_redirect
@domain_errors
def registry_xlsx(request: HttpRequest) -> HttpResponse:
    """The export link and the import form. An import is queued as a background job and the
    user follows it on the job page (/jobs/<id>/): its progress, then how many instruments were
    created or every row's errors (行号、列、错误说明) with their workbook; any bad row saves
    nothing. Only the upload itself (a file, its size) is checked here."""
    _require_registry(request)
    form = ImportForm()
    status = 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            job = import_tasks.instruments_import_enqueue(actor=request.user, content=form.cleaned_data["file"].read())
            return redirect("inbox:job_detail", job.pk)
        status = 422
    context = {
        "form": form,
        "export_count": report_selectors.registry_export_count(actor=request.user),
        "max_export_rows": MAX_EXPORT_ROWS,
        "max_import_rows": xlsx.MAX_IMPORT_ROWS,
    }
    return render(request, "instruments/reports/registry_xlsx.html", context, status=status)


@require_GET
@login_required_or_redirect
@domain_errors
def registry_export(request: HttpRequest) -> HttpResponse:
    """The instruments the user may register and maintain, in the import layout."""
    _require_registry(request)
    rows = report_selectors.instruments_for_registry_export(actor=request.user, max_rows=MAX_EXPORT_ROWS)
    stamp = timezone.localtime().strftime("%Y%m%d")
    body = xlsx.instruments_export_xlsx(rows)
    return _xlsx_response(body, f"仪器清单-{stamp}.xlsx", f"instruments-{stamp}.xlsx", private=True)
