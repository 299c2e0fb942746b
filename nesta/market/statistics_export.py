"""The year's statistics as an XLSX workbook: every table of the public page, one sheet each.

Through `nesta/core/xlsx.py`: codes ("01", "210000") and names are text cells, never numbers or
formulas; counts are integers; amounts are numbers in 万元 (the full value, shown with two
decimals); changes year on year are ratios (blank when the previous year had nothing).
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from nesta.core.xlsx import (
    BOLD,
    MONEY_FORMAT,
    RATIO_FORMAT,
    XLSX_CONTENT_TYPE,
    XlsxSheet,
    new_workbook,
    workbook_bytes,
)
from nesta.market.selectors.statistics import Figures, YearStatistics

__all__ = ["XLSX_CONTENT_TYPE", "statistics_filename", "statistics_xlsx"]

WAN = Decimal(10000)
HUNDRED = Decimal(100)
WIDTHS = [14, 30, 10, 16, 16, 10, 16, 16, 12, 12, 12]


def _headers(first: str, second: str) -> list[str]:
    return [
        first,
        second,
        _("合同数(项)"),
        _("合同成交额(万元)"),
        _("技术交易额(万元)"),
        _("上年合同数(项)"),
        _("上年合同成交额(万元)"),
        _("上年技术交易额(万元)"),
        _("合同数同比"),
        _("成交额同比"),
        _("技术交易额同比"),
    ]


_FORMATS = {
    4: MONEY_FORMAT,
    5: MONEY_FORMAT,
    7: MONEY_FORMAT,
    8: MONEY_FORMAT,
    9: RATIO_FORMAT,
    10: RATIO_FORMAT,
    11: RATIO_FORMAT,
}


def _ratio(percent: Decimal | None) -> Decimal | None:
    return None if percent is None else percent / HUNDRED


def _row(first: str, f: Figures) -> list:
    return [
        first,
        str(f.label),
        f.contracts,
        f.contract_amount / WAN,
        f.technology_amount / WAN,
        f.prev_contracts,
        f.prev_contract_amount / WAN,
        f.prev_technology_amount / WAN,
        _ratio(f.contracts_yoy),
        _ratio(f.contract_amount_yoy),
        _ratio(f.technology_amount_yoy),
    ]


def _title(stats: YearStatistics, what: str) -> str:
    where = stats.province_name or _("全部登记机构")
    return _("%(year)s年技术合同登记统计（%(where)s）· %(what)s") % {"year": stats.year, "where": where, "what": what}


def statistics_filename(stats: YearStatistics) -> str:
    return f"{stats.year}年技术合同统计{stats.province_name}.xlsx"


def statistics_xlsx(stats: YearStatistics) -> bytes:
    wb = new_workbook()

    summary = XlsxSheet(wb, _("总计"), _headers(_("项目"), _("名称")), WIDTHS, title=_title(stats, _("总计")))
    summary.append(_row(_("合计"), stats.total), _FORMATS, BOLD)

    types = XlsxSheet(
        wb, _("合同类型"), _headers(_("代码"), _("合同类型")), WIDTHS, title=_title(stats, _("按合同类型"))
    )
    for family in stats.by_family:
        types.append(_row(family.key, family), _FORMATS, BOLD)
        for child in family.children:
            types.append(_row(child.key, child), _FORMATS)
    types.append(_row("", stats.total), _FORMATS, BOLD)

    for key, title, sheet_name, header in (
        ("by_field", _("按技术领域"), _("技术领域"), _("技术领域")),
        ("by_ip", _("按知识产权类型"), _("知识产权类型"), _("知识产权类型")),
        ("by_seller_nature", _("按卖方性质"), _("卖方性质"), _("卖方性质")),
        ("by_buyer_nature", _("按买方性质"), _("买方性质"), _("买方性质")),
        ("by_plan", _("按计划来源"), _("计划来源"), _("计划来源")),
        ("by_month", _("按月份"), _("月份"), _("月份")),
    ):
        sheet = XlsxSheet(wb, sheet_name, _headers(_("代码"), header), WIDTHS, title=_title(stats, title))
        for line in getattr(stats, key):
            sheet.append(_row(line.key, line), _FORMATS)
        sheet.append(_row("", stats.total), _FORMATS, BOLD)

    flows = XlsxSheet(
        wb,
        _("技术流向"),
        [_("省份代码"), _("省份"), _("流向"), *_headers(_("代码"), _("对方所在地"))[1:]],
        [12, 14, *WIDTHS],
        title=_title(stats, _("技术流向（输出 / 吸纳）")),
    )
    flow_formats = {col + 2: fmt for col, fmt in _FORMATS.items()}
    for province in stats.flows:
        for direction, lines in ((_("输出"), province.output), (_("吸纳"), province.absorption)):
            for line in lines:
                flows.append([province.province, province.name, direction, *_row(line.key, line)[1:]], flow_formats)
    return workbook_bytes(wb)
