"""The one chart helper of the web UI: a typed `Chart` built by a page's view, drawn by ECharts
(served from npm, no CDN) with its numbers in a table beside it, exportable as PNG and XLSX.

An app registers nothing. Its view builds a `Chart` from its selector's figures, calls
`xlsx_export(request, *charts)` (which answers ``?export=xlsx&chart=<id>`` with that chart's table,
so an export is the page's own view re-run with the page's own permission checks and filters —
never a generic endpoint taking data), and the template includes ``core/_chart.html`` with
``chart=...`` and ``core/_chart_scripts.html`` once in ``{% block scripts %}``.

The chart and its table show the same numbers: `spec()` (the JSON the script draws) and
`table()` (the rows the template and the XLSX write) both come from `_scaled`, which converts
money once per chart to 元, 万元 or 亿元 (the largest amount decides) and rounds once.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Literal
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nesta.core.errors import BadRequest
from nesta.core.generic.download import file_download
from nesta.core.xlsx import XLSX_CONTENT_TYPE, XlsxSheet, new_workbook, workbook_bytes

Kind = Literal["bar", "line", "stacked_bar", "pie"]
KINDS: tuple[str, ...] = ("bar", "line", "stacked_bar", "pie")
MONEY = "money"  # amounts in 元, shown in 元, 万元 or 亿元 as the chart's largest amount needs
FORCED_MONEY = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}
WAN, YI = Decimal(10_000), Decimal(100_000_000)
MONEY_LABELS = {"元": gettext_lazy("元"), "万元": gettext_lazy("万元"), "亿元": gettext_lazy("亿元")}
# the platform's colours first (nesta.css), then distinguishable ones
PALETTE = ("#1f4e8c", "#c8102e", "#2e8b57", "#d98c00", "#6a4c93", "#00838f", "#8d6e63", "#546e7a", "#b8cbe6")
Number = Decimal | int | float


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        d = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None
    return d if d.is_finite() else None


def plain_number(value: Decimal, places: int) -> str:
    """1234.5 → '1,234.5' (at most `places` decimals, trailing zeros dropped), as the yuan filter."""
    q = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{q:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


@dataclass(frozen=True)
class Series:
    """One line of numbers over the chart's categories.

    `unit`: ``"money"`` (values in 元; the chart picks 元/万元/亿元), a forced ``"元"``/``"万元"``/
    ``"亿元"`` (values still in 元), or any other label of a plain quantity (``"项"``, ``"h"``,
    ``"分"``, ``"%"``) shown as is. `plotted=False`: a column of the table only (the number a
    reader wants beside the chart but that would need a second axis)."""

    name: str
    values: Sequence[Number | None]
    unit: str = MONEY
    decimals: int = 2
    plotted: bool = True
    colour: str | None = None

    @property
    def is_money(self) -> bool:
        return self.unit == MONEY or self.unit in FORCED_MONEY


@dataclass(frozen=True)
class Cell:
    value: Decimal | None  # in the column's unit, rounded as shown
    text: str


@dataclass(frozen=True)
class Table:
    caption: str
    headers: list[str]
    rows: list[tuple[str, list[Cell]]]  # (category, cells in the order of `headers[1:]`)


@dataclass
class Chart:
    """What a page wants drawn. `id` is unique on the page (a slug: it names the export)."""

    id: str
    kind: Kind
    title: str
    categories: Sequence[str]
    series: Sequence[Series]
    category_heading: str = ""
    horizontal: bool = False  # bars along the x axis: long names (rankings) at 390 px
    filename: str = ""  # of the XLSX, without extension (default: the title)
    export_url: str = field(default="", compare=False)  # set by xlsx_export()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown chart kind {self.kind!r}")
        if not self.id or not all(c.isalnum() or c in "-_" for c in self.id):
            raise ValueError(f"chart id must be a slug: {self.id!r}")
        for s in self.series:
            if len(s.values) != len(self.categories):
                raise ValueError(f"series {s.name!r}: {len(s.values)} values for {len(self.categories)} categories")
        plotted = [s for s in self.series if s.plotted]
        if not plotted:
            raise ValueError("a chart needs at least one plotted series")
        if len({self._unit_label(s) for s in plotted}) > 1:
            raise ValueError("the plotted series of one chart share one unit (one axis)")
        if self.kind == "pie" and len(plotted) != 1:
            raise ValueError("a pie has exactly one plotted series")

    # --- the one conversion both the drawing and the table use -----------------------------

    def money_unit(self) -> str:
        """元, 万元 or 亿元 for the chart's automatic money series: what its largest amount needs."""
        largest = max(
            (abs(d) for s in self.series if s.unit == MONEY for v in s.values if (d := _decimal(v)) is not None),
            default=Decimal(0),
        )
        return "亿元" if largest >= YI else "万元" if largest >= WAN else "元"

    def _unit_label(self, s: Series) -> str:
        return self.money_unit() if s.unit == MONEY else s.unit

    def _scaled(self, s: Series) -> list[Decimal | None]:
        unit = self._unit_label(s)
        divisor = FORCED_MONEY.get(unit, Decimal(1)) if s.is_money else Decimal(1)
        quantum = Decimal(1).scaleb(-s.decimals)
        out: list[Decimal | None] = []
        for v in s.values:
            d = _decimal(v)
            out.append(None if d is None else (d / divisor).quantize(quantum, rounding=ROUND_HALF_UP))
        return out

    def unit_label(self, s: Series) -> str:
        """The unit as a reader sees it: money translated here, other units as the view gave them."""
        unit = self._unit_label(s)
        return str(MONEY_LABELS[unit]) if unit in MONEY_LABELS else unit

    def axis_unit(self) -> str:
        return self.unit_label(next(s for s in self.series if s.plotted))

    # --- outputs -----------------------------------------------------------------------------

    def table(self) -> Table:
        """The chart's numbers as rows: a category column, then one column per series (plotted or
        not) with its unit in the header; a pie adds each slice's share of the whole."""
        headers = [self.category_heading or _("项目")]
        columns: list[list[Cell]] = []
        for s in self.series:
            unit = self.unit_label(s)
            headers.append(f"{s.name}（{unit}）" if unit else s.name)
            columns.append([Cell(d, "—" if d is None else plain_number(d, s.decimals)) for d in self._scaled(s)])
        if self.kind == "pie":
            pie = self._scaled(next(s for s in self.series if s.plotted))
            whole = sum((d for d in pie if d is not None and d > 0), Decimal(0))
            headers.append(_("占比（%）"))
            shares = []
            for d in pie:
                share = (d * 100 / whole).quantize(Decimal("0.1"), ROUND_HALF_UP) if whole and d is not None else None
                shares.append(Cell(None, "—") if share is None else Cell(share, plain_number(share, 1)))
            columns.append(shares)
        rows = [(str(cat), [col[i] for col in columns]) for i, cat in enumerate(self.categories)]
        return Table(caption=self.title, headers=headers, rows=rows)

    def spec(self) -> dict[str, Any]:
        """What charts.js draws (through json_script): the same rounded numbers as `table()`."""
        series = []
        for i, s in enumerate(self.series):
            if not s.plotted:
                continue
            series.append(
                {
                    "name": s.name,
                    "data": [None if d is None else float(d) for d in self._scaled(s)],
                    "decimals": s.decimals,
                    "colour": s.colour or PALETTE[i % len(PALETTE)],
                }
            )
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "categories": [str(c) for c in self.categories],
            "series": series,
            "unit": self.axis_unit(),
            "horizontal": self.horizontal,
            "palette": list(PALETTE),
            "filename": f"{self.filename or self.title}.png",
        }

    @property
    def element_id(self) -> str:
        return f"chart-{self.id}"

    @property
    def spec_element_id(self) -> str:
        return f"chart-{self.id}-spec"

    @property
    def height_rem(self) -> int:
        """Tall enough for every bar of a horizontal chart to keep its label."""
        if self.horizontal:
            return max(12, 4 + 2 * len(self.categories))
        return 18


# --- XLSX: the page's own view, re-run ----------------------------------------------------------


def chart_xlsx(chart: Chart) -> bytes:
    """The chart's table as a one-sheet workbook: categories as text (never formulas), numbers as
    numbers in the unit of their header."""
    table = chart.table()
    wb = new_workbook()
    widths = [max(12, min(40, max((len(r[0]) for r in table.rows), default=0) * 2))] + [18] * (len(table.headers) - 1)
    sheet = XlsxSheet(wb, _("数据"), table.headers, widths, title=table.caption)
    places = [s.decimals for s in chart.series] + ([1] if chart.kind == "pie" else [])
    formats = {col: "#,##0" if p == 0 else "#,##0." + "0" * p for col, p in enumerate(places, start=2)}
    for label, cells in table.rows:
        sheet.append([label, *(c.value for c in cells)], formats)
    sheet.auto_filter()
    return workbook_bytes(wb)


def xlsx_export(request: HttpRequest, *charts: Chart) -> HttpResponse | None:
    """Call in a view after building its charts. ``?export=xlsx&chart=<id>`` → that chart's XLSX
    (the view has already applied its own permission checks and filters to these figures); any
    other request → None, and each chart learns its export URL (this page with its query)."""
    query = request.GET.copy()
    wanted = query.pop("chart", [""])[-1]
    export = query.pop("export", [""])[-1]
    base = [(k, v) for k, values in query.lists() for v in values]
    for chart in charts:
        chart.export_url = f"{request.path}?{urlencode([*base, ('export', 'xlsx'), ('chart', chart.id)])}"
    if not export:
        return None
    if export != "xlsx":
        raise BadRequest(_("未知的导出格式：%(f)s。") % {"f": export[:20]})
    chosen = next((c for c in charts if c.id == wanted), None)
    if chosen is None:
        raise BadRequest(_("本页没有这个图表：%(id)s。") % {"id": wanted[:40]})
    name = chosen.filename or chosen.title
    response = file_download(
        chart_xlsx(chosen),
        filename=f"{name}.xlsx",
        fallback=f"chart-{chosen.id}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
        private=True,
    )
    assert isinstance(response, HttpResponse)  # bytes are never streamed
    return response
