"""The budget view as an XLSX workbook (through nesta/core/xlsx.py): the rows (year × programme ×
province) and the breakdowns, amounts in 万元 as numbers."""

from decimal import Decimal

from django.utils.translation import gettext as _

from nesta.core.xlsx import BOLD, MONEY_FORMAT, XLSX_CONTENT_TYPE, XlsxSheet, new_workbook, workbook_bytes
from nesta.programmes.selectors.budget import BudgetView, Figures

__all__ = ["XLSX_CONTENT_TYPE", "budget_filename", "budget_xlsx"]

WAN = Decimal(10000)
FORMATS = {3: MONEY_FORMAT, 4: MONEY_FORMAT, 5: MONEY_FORMAT, 6: MONEY_FORMAT}


def _headers(first: str, second: str) -> list[str]:
    return [first, second, _("计划(万元)"), _("已承诺(万元)"), _("已拨付(万元)"), _("剩余(万元)")]


def _money(f: Figures) -> list[Decimal]:
    return [f.plan / WAN, f.committed / WAN, f.paid / WAN, f.remaining / WAN]


def budget_xlsx(view: BudgetView) -> bytes:
    wb = new_workbook()
    title = _("经费执行情况") + (f"（{view.year}）" if view.year else "")
    rows = XlsxSheet(
        wb, _("明细"), [_("年度"), _("计划 · 省份"), *_headers("", "")[2:]], [8, 44, 16, 16, 16, 16], title=title
    )
    for r in view.rows:
        rows.append([r.year, r.label, *_money(r)], FORMATS)
    rows.append(["", _("合计"), *_money(view.total)], FORMATS, font=BOLD)
    rows.auto_filter()
    for name, lines in ((_("按计划"), view.by_programme), (_("按省份"), view.by_province), (_("按年度"), view.by_year)):
        sheet = XlsxSheet(wb, name, _headers(_("代码"), _("名称")), [16, 36, 16, 16, 16, 16], title=title)
        for g in lines:
            sheet.append([g.programme or g.province or (str(g.year) if g.year else ""), g.label, *_money(g)], FORMATS)
        sheet.append(["", _("合计"), *_money(view.total)], FORMATS, font=BOLD)
    return workbook_bytes(wb)


def budget_filename(view: BudgetView) -> str:
    parts = [_("经费执行情况")]
    for value in (view.year, view.province, view.programme):
        if value:
            parts.append(str(value))
    return "-".join(parts) + ".xlsx"
