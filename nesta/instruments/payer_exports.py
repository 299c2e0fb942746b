"""XLSX of a payer account's statement (core.xlsx: text cells stay text, so a 经费卡号 such as
0012345678 keeps its leading zeros and no stored name turns into a formula)."""

from nesta.core.xlsx import BOLD, DATE_FORMAT, MONEY_FORMAT, QUANTITY_FORMAT, XlsxSheet, new_workbook, workbook_bytes
from nesta.instruments.selectors.payers import AccountStatement

HEADERS = ["序号", "日期", "仪器名称", "收费项目", "使用人", "数量", "单位", "单价(元)", "金额(元)"]
WIDTHS = [6, 12, 30, 26, 12, 10, 6, 12, 14]
FORMATS = {2: DATE_FORMAT, 6: QUANTITY_FORMAT, 8: MONEY_FORMAT, 9: MONEY_FORMAT}


def account_statement_xlsx(statement: AccountStatement) -> bytes:
    """Three sheets: 概况 (the account, limit, spent, committed, remaining), 明细 (every line) and
    汇总 (by month and by instrument)."""
    a = statement.account
    wb = new_workbook()
    summary = XlsxSheet(wb, "概况", ["项目", "内容"], [20, 40], title=statement.title)
    for label, value in (
        ("经费卡号/项目编号", a.code),
        ("账户名称", a.name),
        ("所属单位", a.organization.name),
        ("类型", str(a.get_kind_display())),
        ("负责人", str(a.holder) if a.holder_id else ""),
        ("有效期起", a.valid_from.isoformat() if a.valid_from else ""),
        ("有效期止", a.valid_until.isoformat() if a.valid_until else ""),
        ("状态", "启用" if a.is_active else "停用"),
    ):
        summary.append([label, value])
    for label, amount in (
        ("支出上限(元)", statement.limit),
        ("已支出(元)", statement.spent),
        ("已预约未结算(元)", statement.committed),
        ("剩余额度(元)", statement.remaining),
    ):
        summary.append([label, amount if amount is not None else "不设上限"], {2: MONEY_FORMAT})
    lines = XlsxSheet(wb, "明细", HEADERS, WIDTHS)
    for n, row in enumerate(statement.rows, start=1):
        lines.append(
            [n, row.date, row.instrument_name, row.item, row.user_name, row.quantity, row.unit, row.rate, row.amount],
            FORMATS,
        )
    lines.append(["合计", *[None] * 7, statement.spent], {9: MONEY_FORMAT}, font=BOLD)
    lines.auto_filter()
    totals = XlsxSheet(wb, "汇总", ["月份 / 仪器", "笔数", "金额(元)"], [36, 8, 14])
    for m in statement.months:
        totals.append([m.month, m.count, m.amount], {3: MONEY_FORMAT})
    for i in statement.instruments:
        totals.append([i.instrument_name, i.count, i.amount], {3: MONEY_FORMAT})
    return workbook_bytes(wb)
