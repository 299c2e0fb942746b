"""Instrument lists as XLSX, the way offices send them: export, and an all-or-nothing import with
a row-level error report.

The layout (one header row, then one instrument per row) is the same both ways, so an export
imports again unchanged. Import accepts what people type: owners by 统一社会信用代码 or exact name,
category by code or name, provinces and cities by name or code, dates as Excel dates, 2019-05-01,
2019/5/1 or 2019年5月1日, money as numbers, 1,200,000, 120万 or 12.5万元, yes/no as 是/否. Every
row goes through `instrument_create`'s rules; any bad row and nothing is saved.
"""

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from nesta.core.errors import DomainError, PermissionDenied, ValidationFailed
from nesta.core.models import Region
from nesta.core.permissions import require
from nesta.core.transactions import write_transaction
from nesta.core.xlsx import (
    DATE_FORMAT,
    HEADER_FILL,
    MONEY_FORMAT,
    TEXT_FORMAT,
    XlsxLimits,
    XlsxSheet,
    new_workbook,
    read_xlsx_rows,
    workbook_bytes,
)
from nesta.core.xlsx import (
    XLSX_CONTENT_TYPE as XLSX_CONTENT_TYPE,  # re-exported for the views and the API
)
from nesta.directory.models import Organization
from nesta.instruments.models import Instrument, InstrumentCategory
from nesta.instruments.services.import_save import instruments_save_prepared
from nesta.instruments.services.indexing import instrument_search_document
from nesta.instruments.services.registry import Lookups, instrument_prepare

MAX_IMPORT_ROWS = 2000  # about 10 s on SQLite, inside a request's time limit
MAX_IMPORT_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    header: str
    field: str  # the service's field name ("" for columns that only identify the owner)
    width: int
    kind: str = "text"  # text, code (text that looks like a number), money, date, bool


COLUMNS = [
    Column("仪器名称", "name", 32),
    Column("所属单位", "owner", 30),
    Column("统一社会信用代码", "owner_uscc", 22, "code"),
    Column("分类代码", "category", 10, "code"),
    Column("规格型号", "model_number", 18),
    Column("生产厂商", "manufacturer", 24),
    Column("产地国别", "country_of_origin", 10),
    Column("原值(元)", "original_value", 16, "money"),
    Column("购置日期", "purchase_date", 12, "date"),
    Column("主要功能与技术指标", "techniques", 48),
    Column("样品要求", "sample_requirements", 30),
    Column("省份", "province", 10),
    Column("城市", "city", 12),
    Column("安放地址", "address", 30),
    Column("状态", "status", 8),
    Column("对外开放", "is_open", 9, "bool"),
    Column("专用仪器", "is_specialised", 9, "bool"),
    Column("校内机时费", "internal_hourly_rate", 12, "money"),
    Column("对外机时费", "external_hourly_rate", 12, "money"),
    Column("单位内测样费", "internal_sample_rate", 13, "money"),
    Column("对外测样费", "external_sample_rate", 12, "money"),
]
HEADERS = [c.header for c in COLUMNS]
BY_HEADER = {c.header: c for c in COLUMNS}
HEADER_OF = {c.field: c.header for c in COLUMNS} | {"owner": "所属单位"}
REQUIRED_HEADERS = ("仪器名称", "分类代码", "原值(元)")
YES = {"是", "y", "yes", "true", "1", "√", "✓", "开放", "对外开放"}
NO = {"否", "n", "no", "false", "0", "×", "✗", "不开放", "不对外开放"}
STATUS_WORDS = {
    "在用": "in_use",
    "正常": "in_use",
    "维修": "repair",
    "维修中": "repair",
    "停用": "retired",
    "报废": "retired",
    **{s: s for s in Instrument.Status.values},
}
_DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
_MONTH_PATTERN = re.compile(r"^(\d{4})(?:年(\d{1,2})月|[-/.](\d{1,2}))$")


# --- export ----------------------------------------------------------------------------------


def _status_labels() -> dict[str, str]:
    with translation.override("zh-hans"):
        return {value: str(label) for value, label in Instrument.Status.choices}


def _row(instrument: Instrument, status_labels: dict[str, str]) -> list[Any]:
    owner = instrument.owner
    return [
        instrument.name,
        owner.name,
        owner.uscc or "",
        instrument.category.code,
        instrument.model_number,
        instrument.manufacturer,
        instrument.country_of_origin,
        instrument.original_value,
        instrument.purchase_date,
        instrument.techniques,
        instrument.sample_requirements,
        instrument.province.name,
        instrument.city.name if instrument.city else "",
        instrument.address,
        status_labels.get(instrument.status, instrument.status),
        "是" if instrument.is_open else "否",
        "是" if instrument.is_specialised else "否",
        instrument.internal_hourly_rate,
        instrument.external_hourly_rate,
        instrument.internal_sample_rate,
        instrument.external_sample_rate,
    ]


def _sheet(wb: Any, title: str, columns: list[tuple[str, int]]) -> XlsxSheet:
    return XlsxSheet(
        wb, title, [h for h, _w in columns], [w for _h, w in columns], header_fill=HEADER_FILL, centred_headers=True
    )


_FORMATS = {"money": MONEY_FORMAT, "date": DATE_FORMAT, "code": TEXT_FORMAT}
EXPORT_FORMATS = {i: _FORMATS[c.kind] for i, c in enumerate(COLUMNS, start=1) if c.kind in _FORMATS}


def instruments_export_xlsx(instruments: Iterable[Instrument]) -> bytes:
    """The instruments as an XLSX workbook in the import layout (owner, category, province and
    city loaded). Numbers are numbers, dates are dates, text is text (never a formula); the
    header row is frozen and filtered."""
    wb = new_workbook()
    sheet = _sheet(wb, "仪器", [(c.header, c.width) for c in COLUMNS])
    labels = _status_labels()
    for instrument in instruments:
        sheet.append(_row(instrument, labels), EXPORT_FORMATS)
    sheet.auto_filter()
    return workbook_bytes(wb)


# --- import: reading cells -------------------------------------------------------------------


class CellError(ValueError):
    pass


def _clean_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip() if not isinstance(value, str) else value.strip()


def parse_money(value: Any) -> Decimal:
    """120万 → 1200000; 1,200,000 → 1200000; 12.5万元 → 125000; numbers as they are."""
    if isinstance(value, bool):
        raise CellError(_("金额格式有误。"))
    if isinstance(value, (int, float, Decimal)):
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            raise CellError(_("金额格式有误。")) from None
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        for junk in ("人民币", "RMB", "rmb", "¥", "￥", "元", ",", "，", " "):
            text = text.replace(junk, "")
        factor = Decimal(1)
        if text.endswith("万"):
            factor, text = Decimal(10_000), text[:-1]
        elif text.endswith("亿"):
            factor, text = Decimal(100_000_000), text[:-1]
        try:
            amount = Decimal(text) * factor
        except InvalidOperation:
            raise CellError(_("金额格式有误：%(v)s") % {"v": str(value)[:40]}) from None
    if not amount.is_finite():
        raise CellError(_("金额格式有误：%(v)s") % {"v": str(value)[:40]})
    return amount.quantize(Decimal("0.01"))


def parse_date(value: Any) -> date:
    """Excel dates (or their serial numbers), 2019-05-01, 2019/5/1, 2019年5月1日, 20190501, 2019年5月."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            result = from_excel(value)
            return result.date() if isinstance(result, datetime) else result
        raise CellError(_("日期格式有误。"))
    text = unicodedata.normalize("NFKC", str(value)).strip()
    try:
        for pattern in _DATE_PATTERNS:
            m = pattern.match(text)
            if m:
                return date(int(m[1]), int(m[2]), int(m[3]))
        m = _MONTH_PATTERN.match(text)
        if m:
            return date(int(m[1]), int(m[2] or m[3]), 1)
    except ValueError:
        pass
    raise CellError(_("日期格式有误：%(v)s（应为 2019-05-01 或 2019年5月1日）") % {"v": text[:40]})


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _clean_text(value).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellError(_("应填“是”或“否”。"))


def _code(value: Any) -> str:
    """A code cell: Excel turns 0104 into the number 104; put the zero back."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text = str(int(value))
        return text.zfill(len(text) + len(text) % 2)
    return _clean_text(value).upper()


def _header_key(value: Any) -> str:
    text = unicodedata.normalize("NFKC", _clean_text(value))
    return re.sub(r"\s+", "", text)


# --- import: rows to service data ------------------------------------------------------------


@dataclass
class RowError:
    row: int
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "message": self.message}


@dataclass
class ImportReport:
    rows: int = 0
    created: list[Instrument] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


class _References:
    """Owners, categories and regions the sheet names, read in a few queries."""

    def __init__(self, rows: list[dict[str, Any]]):
        usccs = {_code(r["统一社会信用代码"]) for r in rows if _clean_text(r.get("统一社会信用代码"))}
        names = {_clean_text(r["所属单位"]) for r in rows if _clean_text(r.get("所属单位"))}
        orgs = Organization.objects.select_related("province", "city")
        self.by_uscc = {o.uscc: o for o in orgs.filter(uscc__in=usccs)} if usccs else {}
        self.by_name: dict[str, list[Organization]] = {}
        if names:
            for o in orgs.filter(name__in=names):
                self.by_name.setdefault(o.name, []).append(o)
        self.categories: dict[str, str] = {}
        for code, name in InstrumentCategory.objects.values_list("code", "name"):
            self.categories[code] = code
            self.categories.setdefault(name, code)
        self.regions: dict[tuple[str, str], str] = {}
        for code, name, level in Region.objects.filter(level__in=["province", "city"]).values_list(
            "code", "name", "level"
        ):
            self.regions[(level, code)] = code
            self.regions[(level, name)] = code
            short = re.sub(r"(省|市|地区|朝鲜族自治州)$", "", name)
            self.regions.setdefault((level, short), code)

    def owner(self, uscc: str, name: str) -> Organization:
        if uscc:
            org = self.by_uscc.get(uscc)
            if org is None:
                raise CellError(_("未找到统一社会信用代码为 %(c)s 的单位。") % {"c": uscc})
            return org
        if not name:
            raise CellError(_("请填写所属单位或其统一社会信用代码。"))
        found = self.by_name.get(name, [])
        if not found:
            raise CellError(_("未找到名称为“%(n)s”的单位。") % {"n": name})
        if len(found) > 1:
            raise CellError(_("有多个名为“%(n)s”的单位，请填写统一社会信用代码。") % {"n": name})
        return found[0]

    def region(self, level: str, value: str) -> str:
        code = self.regions.get((level, value))
        if code is None:
            raise CellError(
                _("未知的%(l)s：%(v)s") % {"l": _("省份") if level == "province" else _("城市"), "v": value}
            )
        return code


def _row_data(number: int, cells: dict[str, Any], refs: _References) -> tuple[dict[str, Any], list[RowError]]:
    data: dict[str, Any] = {}
    errors: list[RowError] = []

    def fail(header: str, exc: Exception) -> None:
        errors.append(RowError(number, header, str(exc)))

    uscc = _code(cells.get("统一社会信用代码")) if _clean_text(cells.get("统一社会信用代码")) else ""
    try:
        owner = refs.owner(uscc, _clean_text(cells.get("所属单位")))
        data["owner"] = owner.pk
    except CellError as exc:
        fail("统一社会信用代码" if uscc else "所属单位", exc)
    for column in COLUMNS:
        if column.field in {"owner", "owner_uscc"} or column.header not in cells:
            continue
        raw = cells[column.header]
        if _clean_text(raw) == "":
            if column.header in REQUIRED_HEADERS:
                errors.append(RowError(number, column.header, _("此字段为必填项。")))
            continue
        try:
            if column.kind == "money":
                data[column.field] = str(parse_money(raw))
            elif column.kind == "date":
                data[column.field] = parse_date(raw).isoformat()
            elif column.kind == "bool":
                data[column.field] = parse_bool(raw)
            elif column.field == "category":
                text = _code(raw)
                code = refs.categories.get(text) or refs.categories.get(_clean_text(raw))
                if code is None:
                    raise CellError(_("未知的仪器分类：%(v)s") % {"v": _clean_text(raw)[:40]})
                data["category"] = code
            elif column.field in {"province", "city"}:
                data[column.field] = refs.region(column.field, _clean_text(raw))
            elif column.field == "status":
                status = STATUS_WORDS.get(_clean_text(raw))
                if status is None:
                    raise CellError(_("状态应为 在用、维修 或 停用。"))
                data["status"] = status
            else:
                data[column.field] = _clean_text(raw)
        except CellError as exc:
            fail(column.header, exc)
    return data, errors


def _read_sheet(content: bytes) -> tuple[list[tuple[int, dict[str, Any]]], list[str]]:
    """The data rows (Excel row number, {header: value}) and the sheet's headers. The workbook
    is read with bounded size, rows and columns (core.xlsx), so a bomb is refused, not parsed."""
    limits = XlsxLimits(max_bytes=MAX_IMPORT_BYTES, max_rows=MAX_IMPORT_ROWS + max(1000, MAX_IMPORT_ROWS))
    sheet = read_xlsx_rows(content, limits)
    rows = iter(sheet)
    header_row = next(rows, None) or ()
    headers = [_header_key(v) for v in header_row]
    known = [h for h in headers if h in BY_HEADER]
    missing = [h for h in REQUIRED_HEADERS if h not in known]
    if "所属单位" not in known and "统一社会信用代码" not in known:
        missing.append("所属单位")
    if missing:
        raise ValidationFailed(
            _("表头缺少必需的列：%(h)s") % {"h": "、".join(missing)},
            code="invalid_file",
            details={"rows": [{"row": 1, "field": h, "message": _("缺少此列。")} for h in missing]},
        )
    data: list[tuple[int, dict[str, Any]]] = []
    for number, values in enumerate(rows, start=2):
        if all(_clean_text(v) == "" for v in values):
            continue
        if len(data) >= MAX_IMPORT_ROWS:
            raise ValidationFailed(_("一次最多导入 %(n)d 行。") % {"n": MAX_IMPORT_ROWS}, code="too_many_rows")
        cells = {h: v for h, v in zip(headers, values, strict=False) if h in BY_HEADER}
        data.append((number, cells))
    return data, known


def _service_errors(number: int, exc: DomainError) -> list[RowError]:
    details = exc.details if isinstance(exc.details, dict) else {}
    out = []
    for key, messages in details.items():
        header = HEADER_OF.get(str(key), "" if key == "__all__" else str(key))
        for message in messages if isinstance(messages, list) else [messages]:
            out.append(RowError(number, header, str(message)))
    return out or [RowError(number, "", str(exc.message))]


@dataclass
class ImportPlan:
    """A sheet checked row by row, nothing written: the instruments to create, or the errors."""

    rows: int = 0
    prepared: list[Any] = field(default_factory=list)
    documents: list[Any] = field(default_factory=list)  # search documents, built before the lock
    errors: list[RowError] = field(default_factory=list)


def instruments_import_validate(
    *, actor: Any, content: bytes, progress: Callable[[int, int], None] | None = None
) -> ImportPlan:
    """Read the sheet and run every row through `instrument_create`'s rules (validation and
    permissions), without writing and so without the write lock. `progress(done, total)` is
    called after each row (a background job reports it on its page)."""
    require(actor, "instrument.create")
    rows, _headers = _read_sheet(content)
    refs = _References([cells for _n, cells in rows])
    plan = ImportPlan(rows=len(rows))
    lookups = Lookups(owners={o.pk: o for o in refs.by_uscc.values()})
    for orgs in refs.by_name.values():
        lookups.owners.update({o.pk: o for o in orgs})
    for done, (number, cells) in enumerate(rows, 1):
        data, errors = _row_data(number, cells, refs)
        # The service's rules run on a row with unreadable cells too, so one pass reports
        # every problem of the row (each column once).
        reported = {e.field for e in errors}
        if reported & {"所属单位", "统一社会信用代码"}:
            reported |= {"所属单位", "统一社会信用代码"}
        try:
            prepared = instrument_prepare(actor=actor, data=data, lookups=lookups)
        except PermissionDenied:
            errors.append(RowError(number, "所属单位", _("您无权为该单位在该省份登记仪器。")))
        except ValidationFailed as exc:
            errors += [e for e in _service_errors(number, exc) if e.field not in reported]
        else:
            if not errors:
                plan.prepared.append(prepared)
        plan.errors += errors
        if progress is not None:
            progress(done, len(rows))
    if not rows:
        plan.errors.append(RowError(2, "", _("表格中没有数据行。")))
    if not plan.errors:  # word segmentation is the costly part of indexing: do it unlocked
        plan.documents = [instrument_search_document(i) for i, _p, _m in plan.prepared]
    return plan


def instruments_import_apply(*, actor: Any, plan: ImportPlan) -> list[Instrument]:
    """Save a plan without errors in one short write transaction: all rows or none."""
    if plan.errors:
        raise import_failed(plan.errors)
    try:
        with write_transaction():
            return instruments_save_prepared(actor=actor, prepared=plan.prepared, documents=plan.documents or None)
    except IntegrityError:  # a concurrent write took a unique value since validation
        raise import_failed([RowError(0, "", _("数据在校验后被他人修改，请重新导入。"))]) from None


def import_failed(errors: list[RowError]) -> ValidationFailed:
    return ValidationFailed(
        _("导入失败：共 %(n)d 处错误，未保存任何记录。") % {"n": len(errors)},
        code="import_failed",
        details={"rows": [e.as_dict() for e in errors]},
    )


def instruments_import_xlsx(*, actor: Any, content: bytes, dry_run: bool = False) -> ImportReport:
    """Create one instrument per row, all or nothing. With errors, nothing is saved and
    ValidationFailed (code import_failed) carries details["rows"] = [{row, field, message}];
    `dry_run` checks every row and returns the report without saving anything. Validation runs
    outside the write lock; the write is one short transaction (issue 7 C.1)."""
    plan = instruments_import_validate(actor=actor, content=content)
    report = ImportReport(rows=plan.rows, errors=list(plan.errors), dry_run=dry_run)
    if not dry_run:
        report.created = instruments_import_apply(actor=actor, plan=plan)
    return report


def import_errors_xlsx(errors: Iterable[RowError | dict[str, Any]]) -> bytes:
    """The row-level error report as a workbook (行号, 列, 错误说明)."""
    wb = new_workbook()
    sheet = _sheet(wb, "导入错误", [("行号", 8), ("列", 20), ("错误说明", 70)])
    for e in errors:
        item = e.as_dict() if isinstance(e, RowError) else e
        sheet.append([item["row"], item["field"], item["message"]])
    return workbook_bytes(wb)
