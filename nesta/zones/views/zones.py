"""The zones' pages under /zones/: the seven zones with their latest year, a zone (headline, its
indicators over the years as charts with their tables, targets with progress, private shares),
the seven side by side for a year, a year's figures form and the office's targets page.

Views hold no ORM: figures come from nesta.zones.selectors, writes go through
nesta.zones.services; charts are core.charts (numbers in a table beside each, PNG and XLSX)."""

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from nesta.core import errors
from nesta.core.charts import Chart, Series, plain_number, xlsx_export
from nesta.core.generic.base import domain_errors
from nesta.core.generic.form import FormPage
from nesta.core.permissions import can
from nesta.core.templatetags.nesta import yuan
from nesta.zones.forms.zones import YEAR_MIN, ComparisonFilter, ZoneTargetForm, ZoneYearForm
from nesta.zones.indicators import BY_KEY, INDICATORS
from nesta.zones.models.zones import zone_target
from nesta.zones.selectors import zones as reads
from nesta.zones.selectors.areas import zone_area_panel
from nesta.zones.selectors.private import MONEY_SHARES, SHARES, PrivateShare, Share, private_shares
from nesta.zones.services import zones as services

SHARE_LABELS = {
    "firms": gettext_lazy("区内企业"),
    "tenants": gettext_lazy("在孵企业"),
    "contracts": gettext_lazy("技术合同（项）"),
    "contract_amount": gettext_lazy("技术合同成交额"),
    "funding": gettext_lazy("立项资助金额"),
    "reported": gettext_lazy("填报：民营科技企业/入区企业"),
}
HEADLINE = ("enterprises", "high_tech_enterprises", "revenue", "industrial_output", "taxes", "employees")
# the zone page's charts: (id, title, indicators plotted, indicators in the table only) — every
# indicator is in one of them
ZONE_CHARTS = (
    ("output", gettext_lazy("营业收入与工业总产值"), ("revenue", "industrial_output"), ()),
    ("profit", gettext_lazy("净利润、上缴税额与研发经费支出"), ("net_profit", "taxes", "rd_spend"), ()),
    ("firms", gettext_lazy("入区企业"), ("enterprises", "high_tech_enterprises", "private_tech_enterprises"), ()),
    ("staff", gettext_lazy("从业人员与研发人员"), ("employees", "rd_staff"), ()),
    ("exports", gettext_lazy("出口创汇"), ("exports_usd",), ()),
    ("area", gettext_lazy("规划面积与建成面积"), ("planned_area", "built_area"), ()),
    (
        "patents",
        gettext_lazy("发明专利授权"),
        ("invention_patents",),
        ("incubators", "incubator_tenants", "incubator_graduates"),
    ),
)
USD_WAN, USD_YI = Decimal(10_000), Decimal(100_000_000)


def figure_text(ind: Any, value: Any, *, unit: bool = False) -> str:
    """A figure as the tables show it: money in 万元/亿元, dollars in 万美元, counts grouped."""
    if value is None:
        return "—"
    d = Decimal(value)
    if ind.money:
        return yuan(d)
    if ind.key == "exports_usd":
        if abs(d) >= USD_YI:
            return f"{plain_number(d / USD_YI, 2)}{_('亿美元')}"
        if abs(d) >= USD_WAN:
            return f"{plain_number(d / USD_WAN, 2)}{_('万美元')}"
        return f"{plain_number(d, 2)}{_('美元')}"
    text = plain_number(d, ind.decimals)
    return f"{text} {ind.unit}" if unit else text


def share_html(share: Any, money: bool) -> SafeString:
    """One private share as the tables show it: percent, and part / whole (money in 万元/亿元).
    Built here, not by an include per cell: the comparison has 66 of them."""
    if not share.whole:
        return mark_safe('<span class="text-muted">—</span>')  # a constant
    if money:
        part, whole = yuan(share.part), yuan(share.whole)
    else:
        part, whole = plain_number(Decimal(share.part), 0), plain_number(Decimal(share.whole), 0)
    return format_html(
        '<span class="fw-semibold">{}%</span> <span class="text-muted small text-nowrap">({} / {})</span>',
        share.percent,
        part,
        whole,
    )


def _name(zone: Any) -> str:
    """The zone's name for a chart's axis or a column head: short (沈阳高新区); English in English."""
    if (get_language() or "").startswith("en") and zone.name_en:
        return (
            str(zone.name_en)
            .replace("National Hi-tech Industrial Development Zone", "Hi-tech Zone")
            .replace("National Hi-tech Industrial Zone", "Hi-tech Zone")
        )
    return zone.short_name or zone.name.replace("高新技术产业开发区", "高新区").replace("高新技术产业园区", "高新区")


def _series(key: str, values: list[Any], *, plotted: bool = True) -> Series:
    ind = BY_KEY[key]
    if ind.money:
        return Series(str(ind.label), values, plotted=plotted)
    if key == "exports_usd":  # dollars: shown in 万美元 (never through the 元 conversion)
        return Series(
            str(ind.label), [None if v is None else Decimal(v) / USD_WAN for v in values], unit=_("万美元"),
            plotted=plotted,
        )  # fmt: skip
    return Series(str(ind.label), values, unit=str(ind.unit), decimals=ind.decimals, plotted=plotted)


def zone_charts(zone: Any, years: list[Any]) -> list[Chart]:
    categories = [str(r.year) for r in years]
    charts = []
    for chart_id, title, plotted, extra in ZONE_CHARTS:
        series = [_series(k, [getattr(r, k) for r in years]) for k in plotted]
        series += [_series(k, [getattr(r, k) for r in years], plotted=False) for k in extra]
        charts.append(
            Chart(
                id=chart_id,
                kind="line",
                title=f"{_name(zone)} · {title}",
                categories=categories,
                series=series,
                category_heading=_("年度"),
            )
        )
    # 向科技型民营企业倾斜 over the years: the zone's own figures (no query: the years are read)
    shares = [Share(r.private_tech_enterprises, r.enterprises).percent for r in years]
    charts.append(
        Chart(
            id="private",
            kind="line",
            title=f"{_name(zone)} · {_('民营科技企业占入区企业比例')}",
            categories=categories,
            series=[
                Series(_("民营科技企业占比"), shares, unit="%", decimals=1),
                _series("private_tech_enterprises", [r.private_tech_enterprises for r in years], plotted=False),
                _series("enterprises", [r.enterprises for r in years], plotted=False),
            ],
            category_heading=_("年度"),
        )
    )
    return charts


def target_rows(zone_id: int) -> list[dict[str, Any]]:
    """The zone's targets with their progress and the figures as text (baseline, target, latest)."""
    rows = []
    for p in reads.zone_targets(zone_id=zone_id):
        ind = p.indicator
        rows.append(
            {
                "p": p,
                "baseline": figure_text(ind, p.target.baseline_value, unit=True) if ind else p.target.baseline_value,
                "target": figure_text(ind, p.target.target_value, unit=True) if ind else p.target.target_value,
                "latest": figure_text(ind, p.latest_value, unit=True) if ind else "—",
            }
        )
    return rows


def _share_rows(share: PrivateShare) -> list[dict[str, Any]]:
    return [
        {"key": k, "label": SHARE_LABELS[k], "html": share_html(getattr(share, k), k in MONEY_SHARES)} for k in SHARES
    ]


@require_GET
@domain_errors
def zone_list(request: HttpRequest) -> HttpResponse:
    headline = [BY_KEY[k] for k in HEADLINE]
    items = [
        {
            "zone": item.zone,
            "name": _name(item.zone),
            "latest": item.latest,
            "cells": [figure_text(i, getattr(item.latest, i.key)) if item.latest else "—" for i in headline],
        }
        for item in reads.zones_with_latest()
    ]
    return render(request, "zones/list.html", {"items": items, "headline": headline, "active": "list"})


def _year_param(request: HttpRequest, name: str = "year") -> int | None:
    raw = request.GET.get(name, "")
    if not raw:
        return None
    if not (raw.isascii() and raw.isdecimal() and len(raw) == 4 and YEAR_MIN <= int(raw) <= 2100):
        raise errors.BadRequest(_("年度应为 1988–2100 之间的整数。"))
    return int(raw)


@require_GET
@domain_errors
def zone_detail(request: HttpRequest, pk: int) -> HttpResponse:
    zone = reads.zone_get(zone_id=pk)
    years = reads.zone_years(zone_id=zone.pk)
    charts = zone_charts(zone, years) if years else []
    if export := xlsx_export(request, *charts):
        return export
    latest = years[-1] if years else None
    share_year = _year_param(request) or (latest.year if latest else timezone.localdate().year - 1)
    share = private_shares(year=share_year, zone_ids=[zone.pk])[zone.pk]
    target = zone_target(zone)
    this_year = timezone.localdate().year
    ranks, ranked = reads.zone_ranks(zone_id=zone.pk, year=latest.year) if latest else ({}, 0)
    table = [
        {"indicator": i, "cells": [figure_text(i, getattr(r, i.key)) for r in years], "rank": ranks.get(i.key)}
        for i in INDICATORS
    ]
    return render(
        request,
        "zones/detail.html",
        {
            "zone": zone,
            "years": years,
            "latest": latest,
            "headline": [
                {"indicator": BY_KEY[k], "text": figure_text(BY_KEY[k], getattr(latest, k), unit=True)}
                for k in HEADLINE
            ]
            if latest
            else [],  # fmt: skip
            "charts": charts,
            "table": table,
            "ranked": ranked,
            "targets": target_rows(zone.pk),
            "share_year": share_year,
            "shares": _share_rows(share),
            "may_fill": can(request.user, "zone_year.fill", target),
            "may_target": can(request.user, "zone_target.manage", target),
            "fill_year": this_year - 1,  # the last full year: what a committee reports
            "fill_exists": any(r.year == this_year - 1 for r in years),
            "active": "list",
            **zone_area_panel(zone, request.user),
        },
    )


def comparison_charts(c: reads.Comparison, key: str) -> list[Chart]:
    ind = BY_KEY[key]
    rows = c.rows
    names = [_name(r.zone) for r in rows]
    values = [getattr(r.row, key) if r.row is not None else None for r in rows]
    chart = Chart(
        id="indicator",
        kind="bar",
        title=_("%(y)d年各高新区%(i)s") % {"y": c.year, "i": ind.label},
        categories=names,
        series=[
            _series(key, values),
            Series(_("排名"), [r.ranks.get(key) for r in rows], unit="", decimals=0, plotted=False),
        ],
        category_heading=_("高新区"),
        horizontal=True,
    )
    shares = Chart(
        id="private",
        kind="bar",
        title=_("%(y)d年民营科技企业占比") % {"y": c.year},
        categories=names,
        series=[
            Series(str(SHARE_LABELS[k]), [getattr(r.private, k).percent for r in rows], unit="%", decimals=1)
            for k in ("firms", "tenants", "contract_amount", "funding")
        ],
        category_heading=_("高新区"),
        horizontal=True,
    )
    return [chart, shares]


def _comparison_table(c: reads.Comparison) -> list[dict[str, Any]]:
    """One row per indicator: each zone's figure and rank, each province's sum, the region's."""
    return [
        {
            "indicator": i,
            "zones": [
                {"text": figure_text(i, getattr(r.row, i.key)) if r.row else "—", "rank": r.ranks.get(i.key)}
                for r in c.rows
            ],
            "provinces": [figure_text(i, p.totals[i.key]) if p.reported else "—" for p in c.provinces],
            "total": figure_text(i, c.totals[i.key]) if c.reported else "—",
        }
        for i in INDICATORS
    ]


@require_GET
@domain_errors
def zone_comparison(request: HttpRequest) -> HttpResponse:
    years = reads.years_available()
    wanted = _year_param(request)
    offered = sorted({*years, *([wanted] if wanted else [])}, reverse=True)
    form = ComparisonFilter(request.GET, years=offered)
    if not form.is_valid():
        raise errors.BadRequest(form.error_text())
    key = form.cleaned_data.get("indicator") or "revenue"
    c = reads.comparison(year=form.cleaned_data.get("year"), years=years)
    charts = comparison_charts(c, key) if c.rows and c.year else []
    if export := xlsx_export(request, *charts):
        return export
    return render(
        request,
        "zones/comparison.html",
        {
            "c": c,
            "form": form,
            "indicator": BY_KEY[key],
            "table": _comparison_table(c),
            "columns": [{"zone": r.zone, "name": _name(r.zone)} for r in c.rows],
            "charts": charts,
            "share_rows": [
                {
                    "key": k,
                    "label": SHARE_LABELS[k],
                    "money": k in MONEY_SHARES,
                    "zones": [share_html(getattr(r.private, k), k in MONEY_SHARES) for r in c.rows],
                    "provinces": [share_html(getattr(p.private, k), k in MONEY_SHARES) for p in c.provinces],
                    "total": share_html(getattr(c.private, k), k in MONEY_SHARES),
                }
                for k in SHARES
            ],
            "active": "comparison",
        },
    )


# --- forms ------------------------------------------------------------------------------------


class ZoneYearEdit(FormPage):
    """A year's figures of a zone: create or update (the management committee, its province, the office)."""

    template_name = "zones/year_form.html"
    context_object_name = "zone"

    def load(self, request: HttpRequest, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            raise errors.NotAuthenticated()
        zone = reads.zone_get(zone_id=kwargs["pk"])
        year = kwargs["year"]
        if not YEAR_MIN <= year <= timezone.localdate().year:
            raise Http404(_("只能填报 1988 年至今年的指标。"))
        if not can(request.user, "zone_year.fill", zone_target(zone)):
            raise errors.PermissionDenied(_("只有该高新区管委会、所在省科技厅和办公室可以填报。"))
        self.year = year
        rows = {r.year: r for r in reads.zone_years(zone_id=zone.pk, start=year - 1, end=year)}
        self.row, self.previous = rows.get(year), rows.get(year - 1)
        return zone

    def get_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        row = self.row
        initial: dict[str, Any] = {i.key: getattr(row, i.key) if row else 0 for i in INDICATORS}
        if row is None and self.previous is not None:  # areas rarely change: start from last year's
            initial["planned_area"] = self.previous.planned_area
            initial["built_area"] = self.previous.built_area
        initial["note"] = row.note if row else ""
        return ZoneYearForm(data, initial=initial)

    def get_extra_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        return {"year": self.year, "row": self.row, "previous": self.previous}

    def save(self, request: HttpRequest, form: Any, obj: Any) -> Any:
        row, _created = services.zone_year_save(actor=request.user, zone_id=obj.pk, year=self.year, data=form.to_data())
        return row

    def success_url(self, saved: Any) -> str:
        return reverse("zones:detail", args=[saved.zone_id])

    def success_message(self, saved: Any) -> str:
        return _("%(y)d 年度指标已保存。") % {"y": saved.year}


class ZoneTargets(FormPage):
    """The zone's second-venture targets with their progress; the office sets and removes them."""

    template_name = "zones/targets.html"
    context_object_name = "zone"

    def load(self, request: HttpRequest, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            raise errors.NotAuthenticated()
        zone = reads.zone_get(zone_id=kwargs["pk"])
        self.may_manage = can(request.user, "zone_target.manage", zone_target(zone))
        if request.method == "POST" and not self.may_manage:
            raise errors.PermissionDenied(_("二次创业目标由办公室设定。"))
        return zone

    def get_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        last = timezone.localdate().year - 1
        return ZoneTargetForm(data, initial={"baseline_year": last, "target_year": last + 2})

    def get_extra_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        return {"targets": target_rows(obj.pk), "may_manage": self.may_manage, "active": "list"}

    def save(self, request: HttpRequest, form: Any, obj: Any) -> Any:
        target, _created = services.target_set(actor=request.user, zone_id=obj.pk, data=form.to_data())
        return target

    def success_url(self, saved: Any) -> str:
        return reverse("zones:targets", args=[saved.zone_id])

    def success_message(self, saved: Any) -> str:
        return _("二次创业目标已保存。")


@require_POST
@domain_errors
def target_delete(request: HttpRequest, pk: int) -> HttpResponse:
    target = reads.target_get(target_id=pk)
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("zones:targets", args=[target.zone_id]))
    services.target_remove(actor=request.user, target_id=pk)
    messages.success(request, _("目标已删除。"))
    return redirect("zones:targets", pk=target.zone_id)
