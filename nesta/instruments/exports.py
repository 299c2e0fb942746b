"""XLSX exports of the instrument network: the monthly fee statement and the openness ranking.

Written with core.xlsx (openpyxl's write-only mode, rows streamed; text always written as text),
so a region-wide ranking with tens of thousands of instrument rows is written in seconds and no
stored name can break it or turn into a formula."""

from nesta.core.xlsx import (
    BOLD,
    DATE_FORMAT,
    HOURS_FORMAT,
    MONEY_FORMAT,
    QUANTITY_FORMAT,
    RATIO_FORMAT,
    XLSX_CONTENT_TYPE,
    XlsxSheet,
    new_workbook,
    workbook_bytes,
)
from nesta.instruments.selectors.fees import Statement
from nesta.instruments.selectors.openness import OrganizationOpenness

__all__ = ["XLSX_CONTENT_TYPE", "ranking_xlsx", "statement_xlsx"]


STATEMENT_HEADERS = [
    "序号",
    "日期",
    "仪器名称",
    "仪器所属单位",
    "收费项目",
    "使用人",
    "经费账户",
    "服务类型",
    "数量",
    "单位",
    "单价(元)",
    "金额(元)",
]
STATEMENT_WIDTHS = [6, 12, 28, 28, 26, 12, 26, 10, 10, 6, 12, 14]
STATEMENT_FORMATS = {2: DATE_FORMAT, 9: QUANTITY_FORMAT, 11: MONEY_FORMAT, 12: MONEY_FORMAT}
ACCOUNT_HEADERS = ["经费卡号/项目编号", "账户名称", "笔数", "金额(元)"]
ACCOUNT_WIDTHS = [22, 30, 8, 14]


def statement_xlsx(statement: Statement) -> bytes:
    """The month's sheet: a title row, the headers, one row per charge (with the payer account it
    went to), then the internal, external and grand totals (money as numbers formatted
    #,##0.00); and 按经费账户, the month per account (lines charged to no account as 未指定账户)."""
    wb = new_workbook()
    sheet = XlsxSheet(
        wb, f"{statement.year}-{statement.month:02d}", STATEMENT_HEADERS, STATEMENT_WIDTHS, title=statement.title
    )
    for n, row in enumerate(statement.rows, start=1):
        sheet.append(
            [
                n,
                row.date,
                row.instrument_name,
                row.owner_name,
                row.item,
                row.user_name,
                f"{row.account_code} {row.account_name}".strip() or "未指定账户",
                "对外" if row.is_external else "单位内",
                row.quantity,
                row.unit,
                row.rate,
                row.amount,
            ],
            STATEMENT_FORMATS,
        )
    for label, value in (
        ("单位内合计", statement.total_internal),
        ("对外合计", statement.total_external),
        ("合计", statement.total),
    ):
        sheet.append([label, *[None] * 10, value], {12: MONEY_FORMAT}, font=BOLD)
    per_account = XlsxSheet(wb, "按经费账户", ACCOUNT_HEADERS, ACCOUNT_WIDTHS, title=statement.title)
    for part in statement.by_account:
        code, name = (part.code, part.name) if part.account_id is not None else ("", "未指定账户")
        per_account.append([code, name, part.count, part.amount], {4: MONEY_FORMAT})
    return workbook_bytes(wb)


RANKING_HEADERS = [
    "排名",
    "单位名称",
    "省份",
    "评价仪器(台)",
    "有效机时(h)",
    "对外服务机时(h)",
    "共享率",
    "平均利用率",
    "单位内服务收入(元)",
    "对外服务收入(元)",
    "运行使用(40)",
    "共享服务成效(20)",
    "组织管理(40)",
    "总分",
]
RANKING_WIDTHS = [6, 32, 10, 12, 12, 14, 10, 12, 18, 18, 12, 16, 12, 10]
RANKING_FORMATS = {5: HOURS_FORMAT, 6: HOURS_FORMAT, 7: RATIO_FORMAT, 8: RATIO_FORMAT}
RANKING_FORMATS |= dict.fromkeys((9, 10, 11, 12, 13, 14), MONEY_FORMAT)
DETAIL_HEADERS = [
    "仪器编号",
    "仪器名称",
    "所属单位",
    "原值(元)",
    "专用仪器",
    "基准机时(h)",
    "有效机时(h)",
    "对外服务机时(h)",
    "共享率",
    "利用率",
    "单位内服务收入(元)",
    "对外服务收入(元)",
    "使用记录(条)",
    "对外使用记录(条)",
    "费用记录(条)",
    "未闭合使用记录(条)",
    "对外开放",
    "预约规则",
    "收费标准",
    "仪器管理员",
    "无未登记使用",
    # the benchmark is pro-rated for fault downtime (docs/openness.md): both figures beside it
    "名义基准机时(h)",
    "故障停机(h)",
]
DETAIL_WIDTHS = [10, 28, 28, 14, 8, 10, 12, 14, 10, 10, 18, 18, 12, 14, 12, 16, 8, 8, 8, 10, 12, 14, 12]
DETAIL_FORMATS = {4: MONEY_FORMAT, 7: HOURS_FORMAT, 8: HOURS_FORMAT, 9: RATIO_FORMAT, 10: RATIO_FORMAT}
DETAIL_FORMATS |= {11: MONEY_FORMAT, 12: MONEY_FORMAT, 22: HOURS_FORMAT, 23: HOURS_FORMAT}
YES = {True: "是", False: "否"}


def ranking_xlsx(ranking: list[OrganizationOpenness], *, year: int, province_name: str = "") -> bytes:
    """Sheet 排名: one row per organisation with its figures and scores; sheet 仪器明细: the
    figures of every evaluated instrument, so each score can be traced."""
    wb = new_workbook()
    scope = f"（{province_name}）" if province_name else ""
    sheet = XlsxSheet(
        wb, "排名", RANKING_HEADERS, RANKING_WIDTHS, title=f"{year}年度 大型科研仪器开放共享评价排名{scope}"
    )
    for org in ranking:
        sheet.append(
            [
                org.rank,
                org.organization_name,
                org.province_name,
                org.instrument_count,
                org.effective_hours,
                org.external_hours,
                org.sharing_rate,
                org.mean_utilisation,
                org.income_internal,
                org.income_external,
                org.scores.operation,
                org.scores.sharing,
                org.scores.management,
                org.scores.total,
            ],
            RANKING_FORMATS,
        )
    detail = XlsxSheet(wb, "仪器明细", DETAIL_HEADERS, DETAIL_WIDTHS)
    for org in ranking:
        for i in org.instruments:
            c = i.criteria
            detail.append(
                [
                    i.id,
                    i.name,
                    i.owner_name,
                    i.original_value,
                    YES[i.is_specialised],
                    i.benchmark_hours,
                    i.effective_hours,
                    i.external_hours,
                    i.sharing_rate,
                    i.utilisation,
                    i.income_internal,
                    i.income_external,
                    i.session_count,
                    i.external_session_count,
                    i.charge_count,
                    i.unrecorded_session_count,
                    YES[c["open"]],
                    YES[c["booking_policy"]],
                    YES[c["fee_schedule"]],
                    YES[c["manager"]],
                    YES[c["no_unrecorded_use"]],
                    i.nominal_benchmark_hours,
                    i.downtime_hours,
                ],
                DETAIL_FORMATS,
            )
    return workbook_bytes(wb)
