"""The public statistics page of the technology market (技术合同登记统计) and its XLSX export.

Thin: the figures are `selectors.statistics.year_statistics` (five queries over the cells), the
workbook is `statistics_export`; the page only adds the charts' geometry (bar lengths and donut
segments in percent of the largest or of the whole) and the month chart (core.charts, with its
own XLSX at ?export=xlsx&chart=by_month). A bad year or province is a 400 page.
"""

from decimal import Decimal
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from nesta.core.charts import Chart, Series, xlsx_export
from nesta.core.errors import BadRequest
from nesta.core.generic import domain_errors, login_required_or_redirect
from nesta.core.generic.download import file_download
from nesta.core.permissions import Target, can, require
from nesta.market import statistics_export
from nesta.market.selectors import statistics as selectors
from nesta.market.selectors.statistics import Figures, YearStatistics

HUNDRED = Decimal(100)
HEADINGS = {
    "by_field": _("技术领域"),
    "by_ip": _("知识产权类型"),
    "by_seller_nature": _("卖方性质"),
    "by_buyer_nature": _("买方性质"),
    "by_plan": _("计划来源"),
}
# donut segment colours, in the order of the lines (the five families, the four flow bands)
PALETTE = ("#1f4e8c", "#c8102e", "#2e8b57", "#d98c00", "#6a4c93", "#00838f", "#8d6e63", "#546e7a")


class StatisticsFilter(forms.Form):
    year = forms.IntegerField(
        label=_("登记年度"),
        required=False,
        min_value=selectors.MIN_YEAR,
        max_value=selectors.MAX_YEAR,
        error_messages={"invalid": _("年度应为 2000–2100 之间的整数。")},
    )
    province = forms.ChoiceField(label=_("登记机构所在省"), required=False)

    def __init__(self, *args: Any, years: list[int], provinces: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].widget = forms.Select(
            choices=[(y, _("%(y)d年") % {"y": y}) for y in years], attrs={"class": "form-select"}
        )
        province = self.fields["province"]
        assert isinstance(province, forms.ChoiceField)
        province.choices = [("", _("全部登记机构")), *provinces]
        province.error_messages["invalid_choice"] = _("未知的省份代码：%(value)s。")
        province.widget.attrs["class"] = "form-select"

    def error_text(self) -> str:
        return "；".join(
            f"{self.fields[name].label}：{'；'.join(str(e) for e in errors)}" for name, errors in self.errors.items()
        )


def _statistics(request: HttpRequest) -> tuple[YearStatistics, StatisticsFilter]:
    years, provinces = selectors.statistics_years(), selectors.provinces()
    this_year = timezone.localdate().year
    chosen = request.GET.get("year", "")
    offered = {*years, this_year}
    if chosen.isdecimal() and len(chosen) == 4 and selectors.MIN_YEAR <= int(chosen) <= selectors.MAX_YEAR:
        offered.add(int(chosen))
    form = StatisticsFilter(request.GET, years=sorted(offered, reverse=True), provinces=provinces)
    if not form.is_valid():
        raise BadRequest(form.error_text())
    year = form.cleaned_data.get("year") or (years[0] if years else this_year)
    province = form.cleaned_data.get("province") or None
    stats = selectors.year_statistics(year, province, known_years=years, known_provinces=provinces)
    return stats, form


def _bars(lines: list[Figures]) -> list[dict[str, Any]]:
    """Each line with its bar's length: 成交额 in percent of the largest line's."""
    largest = max((f.contract_amount for f in lines), default=Decimal(0))
    return [
        {"f": f, "bar": float((f.contract_amount * HUNDRED / largest).quantize(Decimal("0.1"))) if largest else 0.0}
        for f in lines
    ]


def _donut(lines: list[Figures]) -> list[dict[str, Any]]:
    """Donut segments (a circle of circumference 100: dasharray = share, offset = where it starts)."""
    total = sum((f.contract_amount for f in lines), Decimal(0))
    segments, start = [], Decimal(0)
    for i, f in enumerate(lines):
        share = (f.contract_amount * HUNDRED / total) if total else Decimal(0)
        segments.append(
            {
                "f": f,
                "share": share.quantize(Decimal("0.1")),
                "dash": f"{float(share):.3f} {float(HUNDRED - share):.3f}",
                "offset": f"{float(25 - start):.3f}",  # 25: the first segment starts at twelve o'clock
                "colour": PALETTE[i % len(PALETTE)],
            }
        )
        start += share
    return segments


def month_chart(stats: YearStatistics) -> Chart:
    """This year's 成交额 per month beside last year's, with the month's count and 技术交易额 in
    the table (core.charts: drawn by ECharts, the same numbers in the table and the XLSX)."""
    lines = stats.by_month
    return Chart(
        id="by_month",
        kind="bar",
        title=_("%(y)d年各月合同成交额（与上年同月对比）") % {"y": stats.year},
        categories=[str(f.label) for f in lines],
        category_heading=str(_("月份")),
        series=[
            Series(_("%(y)d年合同成交额") % {"y": stats.year}, [f.contract_amount for f in lines], colour="#1f4e8c"),
            Series(str(_("上年同月成交额")), [f.prev_contract_amount for f in lines], colour="#b8c0cc"),
            Series(str(_("合同数")), [f.contracts for f in lines], unit=str(_("项")), decimals=0, plotted=False),
            Series(str(_("技术交易额")), [f.technology_amount for f in lines], plotted=False),
        ],
        filename=str(_("%(y)d年各月技术合同成交额") % {"y": stats.year}),
    )


def _context(stats: YearStatistics, request: HttpRequest, form: StatisticsFilter, months: Chart) -> dict[str, Any]:
    target = Target(province_code=stats.province)
    return {
        "stats": stats,
        "form": form,
        "year": stats.year,
        "province": stats.province,
        "may_export": can(request.user, "statistics.export", target),
        "family_donut": _donut(stats.by_family),
        "family_bars": _bars(stats.by_family),
        "tables": [
            {"key": key, "title": title, "heading": HEADINGS[key], "rows": _bars(lines)}
            for key, title, lines in stats.tables()
            if key not in ("by_family", "by_month")
        ],
        "month_chart": months,
        "flows": [{"p": p, "output": _donut(p.output), "absorption": _donut(p.absorption)} for p in stats.flows],
    }


@require_GET
@domain_errors
def statistics_page(request: HttpRequest) -> HttpResponse:
    stats, form = _statistics(request)
    months = month_chart(stats)
    if export := xlsx_export(request, months):  # the month chart's table, from this page's figures
        return export
    return render(request, "market/statistics/summary.html", _context(stats, request, form, months))


@require_GET
@login_required_or_redirect
@domain_errors
def statistics_export_view(request: HttpRequest) -> HttpResponse:
    # all registration points together is the office's; a province's staff export their own
    require(request.user, "statistics.export", Target(province_code=request.GET.get("province", "")[:6]))
    stats, _form = _statistics(request)
    return file_download(
        statistics_export.statistics_xlsx(stats),
        filename=statistics_export.statistics_filename(stats),
        fallback=f"contract-statistics-{stats.year}{'-' + stats.province if stats.province else ''}.xlsx",
        content_type=statistics_export.XLSX_CONTENT_TYPE,
        private=True,
    )
