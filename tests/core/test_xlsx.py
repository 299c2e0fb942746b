"""core.xlsx: text is written as text and never breaks an export (C.5); reading is bounded
before anything is parsed, so workbook bombs are refused fast with a reason (C.2)."""

import io
import time
import zipfile
import zlib
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook, load_workbook

from nesta.core.errors import ValidationFailed
from nesta.core.xlsx import XlsxLimits, XlsxSheet, new_workbook, read_xlsx_rows, table_xlsx, workbook_bytes, xlsx_text

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _cells(content: bytes, sheet: int = 0):
    ws = load_workbook(io.BytesIO(content)).worksheets[sheet]
    return [[(c.value, c.data_type) for c in row] for row in ws.iter_rows()]


def test_formula_like_text_is_written_as_text():
    content = table_xlsx(
        "表", ["名称", "备注"], [['=HYPERLINK("http://evil.example","点我")', "#N/A"], ["=1+1", "@SUM(A1)"]]
    )
    rows = _cells(content)
    assert rows[1] == [('=HYPERLINK("http://evil.example","点我")', "s"), ("#N/A", "s")]
    assert rows[2] == [("=1+1", "s"), ("@SUM(A1)", "s")]
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        assert b"<f>" not in z.read("xl/worksheets/sheet1.xml")  # no formula element anywhere


def test_control_characters_never_break_an_export():
    text = "电镜\x04\x00\x1f\x0b型\t号\n二"
    rows = _cells(table_xlsx("表\x04", ["名称\x07"], [[text]]))
    assert rows == [[("名称", "s")], [("电镜型\t号\n二", "s")]]
    assert xlsx_text("a" * 40_000) == "a" * 32_767


def test_values_keep_their_types_and_times_are_local():
    wb = new_workbook()
    sheet = XlsxSheet(wb, "值", ["数", "钱", "日", "时", "是"], title="标题")
    aware = datetime(2026, 3, 4, 2, 0, tzinfo=ZoneInfo("UTC"))  # 10:00 in Shanghai
    sheet.append([3, Decimal("12.50"), date(2026, 3, 4), aware, True], {2: "#,##0.00"})
    sheet.auto_filter()
    ws = load_workbook(io.BytesIO(workbook_bytes(wb))).active
    assert ws["A1"].value == "标题" and [c.value for c in ws[2]] == ["数", "钱", "日", "时", "是"]
    values = [c.value for c in ws[3]]
    assert values == [3, 12.5, datetime(2026, 3, 4), datetime(2026, 3, 4, 10, 0), True]
    assert ws["B3"].number_format == "#,##0.00"
    assert ws.auto_filter.ref == "A2:E3"


# --- reading ---------------------------------------------------------------------------------


def _workbook(rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _replace_sheet(content: bytes, sheet_xml: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as a, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as b:
        for m in a.infolist():
            data = sheet_xml if m.filename == "xl/worksheets/sheet1.xml" else a.read(m.filename)
            b.writestr(m.filename, data)
    return out.getvalue()


def _sheet_xml(rows: str, dimension: str | None) -> bytes:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dim}<sheetData>{rows}</sheetData></worksheet>"
    ).encode()


class _Repeating:
    """A deflater for a stream of identical chunks: after a full flush every block compresses
    to the same bytes, so a genuine 300 MB member is built in well under a second."""

    def __init__(self):
        self.inner = zlib.compressobj(9, zlib.DEFLATED, -15)
        self.cache: dict[bytes, bytes] = {}

    def compress(self, data: bytes) -> bytes:
        if data not in self.cache:
            self.cache[data] = self.inner.compress(data) + self.inner.flush(zlib.Z_FULL_FLUSH)
        return self.cache[data]

    def flush(self) -> bytes:
        return self.inner.flush()


@pytest.fixture
def zip_bomb(monkeypatch) -> bytes:
    """A valid workbook plus one member: about 310 KB on disk, 300 MB inflated."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_workbook([["名称"], ["x"]]))) as a, zipfile.ZipFile(out, "w") as b:
        for m in a.infolist():
            b.writestr(m, a.read(m.filename))
        monkeypatch.setattr(zipfile, "_get_compressor", lambda *args, **kw: _Repeating())
        member = zipfile.ZipInfo("xl/sharedStrings2.xml")
        member.compress_type = zipfile.ZIP_DEFLATED
        with b.open(member, "w", force_zip64=True) as f:
            chunk = b" " * (1 << 20)
            for _ in range(300):
                f.write(chunk)
    content = out.getvalue()
    assert len(content) < 400_000
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        assert z.getinfo("xl/sharedStrings2.xml").file_size == 300 * (1 << 20)
    return content


def _refused(content: bytes, code: str, limits: XlsxLimits | None = None) -> ValidationFailed:
    started = time.perf_counter()
    with pytest.raises(ValidationFailed) as exc:
        read_xlsx_rows(content, limits)
    assert time.perf_counter() - started < 2.0  # refused, not parsed (a bomb took 30 s before)
    assert exc.value.status == 422 and exc.value.code == code
    assert exc.value.details["file"]  # the reason, for the person who uploaded it
    return exc.value


def test_reads_rows_with_blank_rows_kept_and_trailing_ones_dropped():
    content = _workbook([["名称", "数量"], [None, None], ["电镜", 3], [None]])
    assert read_xlsx_rows(content) == [("名称", "数量"), (), ("电镜", 3)]


def test_a_zip_bomb_is_refused_before_it_is_inflated(zip_bomb):
    exc = _refused(zip_bomb, "file_too_large")
    assert "300 MB" in str(exc.message)


def test_a_cell_at_xfd1048576_is_refused_by_its_declared_dimension():
    wb = Workbook()
    wb.active["A1"] = "名称"
    wb.active["XFD1048576"] = "x"
    out = io.BytesIO()
    wb.save(out)
    exc = _refused(out.getvalue(), "too_many_rows")
    assert "1048576" in str(exc.message)
    wb = Workbook()
    wb.active["A1"] = "名称"
    wb.active["XFD1"] = "x"
    out = io.BytesIO()
    wb.save(out)
    assert "16384" in str(_refused(out.getvalue(), "too_many_columns").message)


@pytest.mark.parametrize("dimension", ["A1:A300001", None, "A1:A1"])  # declared, absent, a lie
def test_300000_blank_rows_are_refused(dimension):
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>名称</t></is></c></row>'
    rows += "".join(f'<row r="{n}"><c r="A{n}"/></row>' for n in range(2, 300_002))
    content = _replace_sheet(_workbook([["名称"]]), _sheet_xml(rows, dimension))
    assert len(content) < 2_000_000
    _refused(content, "too_many_rows")


def test_a_far_away_cell_without_a_dimension_is_refused_while_streaming():
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>名称</t></is></c></row>'
    rows += '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    _refused(_replace_sheet(_workbook([["名称"]]), _sheet_xml(rows, None)), "too_many_rows")


def test_size_limits_and_files_that_are_not_workbooks():
    _refused(_workbook([["x"]]), "file_too_large", XlsxLimits(max_bytes=100))
    _refused(b"not a workbook", "invalid_file")
    _refused(b"PK\x03\x04 not really", "invalid_file")
    _refused(_workbook([["a"] * 3]), "too_many_columns", XlsxLimits(max_columns=2))
