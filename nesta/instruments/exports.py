"""XLSX exports of the instrument network: the monthly fee statement and the openness ranking."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from nesta.instruments.selectors.fees import Statement
from nesta.instruments.selectors.openness import OrganizationOpenness

MONEY_FORMAT = "#,##0.00"
HOURS_FORMAT = "#,##0.00"
RATIO_FORMAT = "0.00%"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)

STATEMENT_HEADERS = [
    "序号",
    "日期",
    "仪器名称",
    "仪器所属单位",
    "收费项目",
    "使用人",
    "服务类型",
    "数量",
    "单位",
    "单价(元)",
    "金额(元)",
]
STATEMENT_WIDTHS = [6, 12, 28, 28, 26, 12, 10, 10, 6, 12, 14]


def _title(ws, text: str, columns: int) -> None:
    ws.append([text])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
    cell = ws.cell(row=1, column=1)
    cell.font = Font(bold=True, size=14)
    cell.alignment = Alignment(horizontal="center")


def _headers(ws, headers: list[str], widths: list[int]) -> None:
    ws.append(headers)
    row = ws.max_row
    for col, width in enumerate(widths, start=1):
        ws.cell(row=row, column=col).font = BOLD
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = f"A{row + 1}"  # a coordinate: touching the cell would create the row


def _save(wb: Workbook) -> bytes:
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def statement_xlsx(statement: Statement) -> bytes:
    """One sheet: a title row, the headers, one row per charge, then the internal, external and
    grand totals (money as numbers formatted #,##0.00)."""
    wb = Workbook()
    ws = wb.active
    ws.title = f"{statement.year}-{statement.month:02d}"
    _title(ws, statement.title, len(STATEMENT_HEADERS))
    _headers(ws, STATEMENT_HEADERS, STATEMENT_WIDTHS)
    for n, row in enumerate(statement.rows, start=1):
        ws.append(
            [
                n,
                row.date,
                row.instrument_name,
                row.owner_name,
                row.item,
                row.user_name,
                "对外" if row.is_external else "单位内",
                row.quantity,
                row.unit,
                row.rate,
                row.amount,
            ]
        )
        r = ws.max_row
        ws.cell(row=r, column=2).number_format = "yyyy-mm-dd"
        ws.cell(row=r, column=8).number_format = "#,##0.##"
        ws.cell(row=r, column=10).number_format = MONEY_FORMAT
        ws.cell(row=r, column=11).number_format = MONEY_FORMAT
    for label, value in (
        ("单位内合计", statement.total_internal),
        ("对外合计", statement.total_external),
        ("合计", statement.total),
    ):
        ws.append([label, *[None] * 9, value])
        r = ws.max_row
        ws.cell(row=r, column=1).font = BOLD
        ws.cell(row=r, column=11).font = BOLD
        ws.cell(row=r, column=11).number_format = MONEY_FORMAT
    return _save(wb)


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
]
DETAIL_WIDTHS = [10, 28, 28, 14, 8, 10, 12, 14, 10, 10, 18, 18, 12, 14, 12, 16, 8, 8, 8, 10, 12]


def ranking_xlsx(ranking: list[OrganizationOpenness], *, year: int, province_name: str = "") -> bytes:
    """Sheet 排名: one row per organisation with its figures and scores; sheet 仪器明细: the
    figures of every evaluated instrument, so each score can be traced."""
    wb = Workbook()
    ws = wb.active
    ws.title = "排名"
    scope = f"（{province_name}）" if province_name else ""
    _title(ws, f"{year}年度 大型科研仪器开放共享评价排名{scope}", len(RANKING_HEADERS))
    _headers(ws, RANKING_HEADERS, RANKING_WIDTHS)
    for org in ranking:
        ws.append(
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
            ]
        )
        r = ws.max_row
        for col in (5, 6):
            ws.cell(row=r, column=col).number_format = HOURS_FORMAT
        for col in (7, 8):
            ws.cell(row=r, column=col).number_format = RATIO_FORMAT
        for col in (9, 10, 11, 12, 13, 14):
            ws.cell(row=r, column=col).number_format = MONEY_FORMAT
    detail = wb.create_sheet("仪器明细")
    _headers(detail, DETAIL_HEADERS, DETAIL_WIDTHS)
    yes = {True: "是", False: "否"}
    for org in ranking:
        for i in org.instruments:
            detail.append(
                [
                    i.id,
                    i.name,
                    i.owner_name,
                    i.original_value,
                    yes[i.is_specialised],
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
                    *(yes[i.criteria[c]] for c in ("open", "booking_policy", "fee_schedule", "manager")),
                    yes[i.criteria["no_unrecorded_use"]],
                ]
            )
            r = detail.max_row
            for col in (4, 11, 12):
                detail.cell(row=r, column=col).number_format = MONEY_FORMAT
            for col in (7, 8):
                detail.cell(row=r, column=col).number_format = HOURS_FORMAT
            for col in (9, 10):
                detail.cell(row=r, column=col).number_format = RATIO_FORMAT
    return _save(wb)
