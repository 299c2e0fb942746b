"""The one way to write and read XLSX: every export and import goes through here.

Writing (openpyxl write-only mode, rows streamed): text is always written as text, so a name
like ``=HYPERLINK(...)`` stays a string and never becomes a live formula; control characters
that XLSX cannot hold are removed, so no stored text can make an export fail; numbers, money and
dates keep their types; aware datetimes are written in local time.

Reading is bounded before anything is parsed: the upload's size, the zip members' declared
uncompressed size (zipfile never inflates past it), the sheet's declared dimension, then rows
and columns while streaming in read-only mode. A workbook bomb is refused in milliseconds with
a reason (ValidationFailed → 422), never a worker hung until it is killed.
"""

import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import IO, Any
from xml.etree.ElementTree import ParseError, iterparse

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from nesta.core.errors import ValidationFailed

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "#,##0.00"
HOURS_FORMAT = "#,##0.00"
RATIO_FORMAT = "0.00%"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
QUANTITY_FORMAT = "#,##0.##"
TEXT_FORMAT = "@"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
MAX_CELL_TEXT = 32_767  # Excel's limit for one cell

# What XLSX (XML 1.0) cannot hold: C0 controls except tab, newline and carriage return.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xlsx_text(value: Any) -> str:
    """Text that any XLSX cell can hold: illegal control characters removed, cut to Excel's limit."""
    return _ILLEGAL.sub("", str(value))[:MAX_CELL_TEXT]


def xlsx_cell(ws: Any, value: Any, number_format: str | None = None, font: Font | None = None) -> WriteOnlyCell:
    """One typed cell. Strings are string cells (data type "s", written inline), whatever they
    look like: a formula, an error literal (#N/A) or a number-like code."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.replace(tzinfo=None)
    elif isinstance(value, time) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    is_text = not (value is None or isinstance(value, (bool, int, float, Decimal, date, time)))
    if is_text:
        value = xlsx_text(value)
        if value == "":
            value = None
    cell = WriteOnlyCell(ws, value=value)
    if is_text and value is not None:
        cell.data_type = "s"  # never "f" (formula) or "e" (error)
    if number_format:
        cell.number_format = number_format
    if font is not None and value is not None:
        cell.font = font
    return cell


class XlsxSheet:
    """A write-only worksheet: an optional title row, a header row (bold, frozen), typed data rows."""

    def __init__(
        self,
        wb: Workbook,
        name: str,
        headers: Sequence[str],
        widths: Sequence[int] | None = None,
        *,
        title: str | None = None,
        header_fill: PatternFill | None = None,
        centred_headers: bool = False,
    ):
        self.ws = wb.create_sheet(xlsx_text(name)[:31] or "Sheet")
        self.columns = len(headers)
        self.rows = 0
        for col, width in enumerate(widths or [], start=1):
            self.ws.column_dimensions[get_column_letter(col)].width = width
        self.header_row = 2 if title else 1
        self.ws.freeze_panes = f"A{self.header_row + 1}"
        if title:
            cell = xlsx_cell(self.ws, title, font=TITLE)
            cell.alignment = Alignment(horizontal="center")
            self.ws.append([cell])
            self.ws.merged_cells.add(f"A1:{get_column_letter(max(len(headers), 1))}1")
        header = []
        for text in headers:
            cell = xlsx_cell(self.ws, text, font=BOLD)
            if header_fill is not None:
                cell.fill = header_fill
            if centred_headers:
                cell.alignment = Alignment(horizontal="center", vertical="center")
            header.append(cell)
        self.ws.append(header)

    def append(self, values: Iterable[Any], formats: dict[int, str] | None = None, font: Font | None = None) -> None:
        """One data row; `formats` maps 1-based column numbers to number formats."""
        formats = formats or {}
        self.ws.append([xlsx_cell(self.ws, v, formats.get(col), font) for col, v in enumerate(values, start=1)])
        self.rows += 1

    def auto_filter(self) -> None:
        """A filter on the header row over the rows written so far (call after the last row)."""
        last = self.header_row + self.rows
        self.ws.auto_filter.ref = f"A{self.header_row}:{get_column_letter(max(self.columns, 1))}{last}"


def new_workbook() -> Workbook:
    return Workbook(write_only=True)


def workbook_bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def table_xlsx(
    sheet_name: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    widths: Sequence[int] | None = None,
    formats: dict[int, str] | None = None,
    title: str | None = None,
) -> bytes:
    """A one-sheet workbook: headers then rows (the common case of an export)."""
    wb = new_workbook()
    sheet = XlsxSheet(wb, sheet_name, headers, widths, title=title)
    for row in rows:
        sheet.append(row, formats)
    sheet.auto_filter()
    return workbook_bytes(wb)


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class XlsxLimits:
    max_bytes: int = 10 * 1024 * 1024  # the upload itself
    max_uncompressed: int = 50 * 1024 * 1024  # all zip members, inflated
    max_rows: int = 5_000  # sheet rows, blank ones included
    max_columns: int = 64


def _refuse(message: str, code: str = "invalid_file") -> ValidationFailed:
    return ValidationFailed(message, code=code, details={"file": [message]})


def _unreadable(reason: str) -> ValidationFailed:
    message = _("无法读取文件：请上传 Excel 工作簿（.xlsx）。")
    return ValidationFailed(message, code="invalid_file", details={"file": [reason[:200]]})


def _check_archive(content: bytes, limits: XlsxLimits) -> None:
    if len(content) > limits.max_bytes:
        raise _refuse(_("文件过大（上限 %(m)d MB）。") % {"m": limits.max_bytes // 1024 // 1024}, "file_too_large")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise _unreadable(str(exc) or type(exc).__name__) from None
    with archive:
        members = archive.infolist()
        if len(members) > 10_000:
            raise _refuse(_("文件结构异常：压缩包内文件过多。"), "file_too_large")
        # zipfile never inflates a member past its declared size, so the sum is a true bound.
        inflated = sum(m.file_size for m in members)
        if inflated > limits.max_uncompressed:
            raise _refuse(
                _("文件解压后过大（%(n)d MB，上限 %(m)d MB）。")
                % {"n": inflated // 1024 // 1024, "m": limits.max_uncompressed // 1024 // 1024},
                "file_too_large",
            )
        # openpyxl sizes every sheet on load and, without a <dimension>, parses the whole sheet
        # to do so: look at each sheet first, stopping at its dimension or at the row limit.
        for member in members:
            if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
                try:
                    with archive.open(member) as src:
                        _check_sheet(src, limits)
                except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
                    raise _unreadable(str(exc) or type(exc).__name__) from None


_COORDINATE = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


def _bounds(ref: str) -> tuple[int, int]:
    """The last row and column of a range such as A1:XFD1048576 (0, 0 when unreadable)."""
    m = _COORDINATE.match(ref.split(":")[-1].strip().upper())
    if not m:
        return 0, 0
    column = 0
    for letter in m[1]:
        column = column * 26 + ord(letter) - 64
    return int(m[2]), column


def _check_sheet(src: IO[bytes], limits: XlsxLimits) -> None:
    rows = cells = 0
    try:
        for event, element in iterparse(src, events=("start", "end")):
            tag = element.tag.rsplit("}", 1)[-1]
            if event == "end":
                if tag == "row":
                    element.clear()
                continue
            if tag == "dimension":
                last_row, last_column = _bounds(element.get("ref", ""))
                _check_size(last_row, last_column, limits)
                return
            if tag == "row":
                rows += 1
                try:
                    number = int(element.get("r") or rows)
                except ValueError:
                    number = rows
                _check_size(max(rows, number), 0, limits)
            elif tag == "c":
                cells += 1
                _check_size(0, _bounds(element.get("r") or "A1")[1], limits)
                if cells > limits.max_rows * limits.max_columns:
                    raise _too_many_rows(limits.max_rows + 1, limits, at_least=True)
    except ParseError as exc:
        raise _unreadable(str(exc)) from None


def _check_size(rows: int, columns: int, limits: XlsxLimits) -> None:
    if rows > limits.max_rows:
        raise _too_many_rows(rows, limits)
    if columns > limits.max_columns:
        raise _too_many_columns(columns, limits)


def read_xlsx_rows(content: bytes, limits: XlsxLimits | None = None) -> list[tuple[Any, ...]]:
    """The rows of the first worksheet (values, blank rows kept so row numbers hold; trailing
    empty cells and rows dropped), each cut to `limits.max_columns`. Raises ValidationFailed with the reason for a file that is not a
    workbook or exceeds a limit."""
    limits = limits or XlsxLimits()
    _check_archive(content, limits)
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on malformed parts
        raise _unreadable(type(exc).__name__) from None
    try:
        ws = wb.worksheets[0] if wb.worksheets else None
        if ws is None:
            raise _refuse(_("工作簿中没有工作表。"))
        # The declared dimension was checked above; it may lie: stream and count the rows.
        ws.reset_dimensions()
        rows: list[tuple[Any, ...]] = []
        for values in ws.iter_rows(max_col=limits.max_columns, values_only=True):
            if len(rows) >= limits.max_rows:
                raise _too_many_rows(len(rows) + 1, limits, at_least=True)
            width = len(values)
            while width and values[width - 1] is None:
                width -= 1
            rows.append(tuple(values[:width]))
        while rows and all(v is None or (isinstance(v, str) and not v.strip()) for v in rows[-1]):
            rows.pop()
        return rows
    except ValidationFailed:
        raise
    except Exception as exc:  # a malformed sheet part, found while streaming
        raise _unreadable(type(exc).__name__) from None
    finally:
        wb.close()


def _too_many_rows(n: int, limits: XlsxLimits, *, at_least: bool = False) -> ValidationFailed:
    template = (
        _("工作表超过 %(n)d 行（含空行），上限 %(m)d 行。")
        if at_least
        else _("工作表共 %(n)d 行（含空行），上限 %(m)d 行。")
    )
    return _refuse(template % {"n": n - 1 if at_least else n, "m": limits.max_rows}, "too_many_rows")


def _too_many_columns(n: int, limits: XlsxLimits) -> ValidationFailed:
    return _refuse(_("工作表共 %(n)d 列，上限 %(m)d 列。") % {"n": n, "m": limits.max_columns}, "too_many_columns")
