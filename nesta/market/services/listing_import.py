"""Listings from an XLSX sheet, all or nothing, with a report of every bad row.

The sheet is the layout of nesta.market.exports (the template or an export): one listing per
row, the kind in 类别, the details in their labelled columns. Cells take what people type:
choices by their Chinese word or their code, lists joined with 、 or commas, money as numbers,
1,200,000, 120万 or 1.2亿, dates as Excel dates, 2027-06-30, 2027/6/30 or 2027年6月30日, yes/no
as 是/否, regions and fields by name or code, the owner by 统一社会信用代码 or exact name (none:
the importer's organisation).

Bounded: the upload (2 MB), the sheet (core.xlsx limits) and at most MAX_IMPORT_ROWS rows.
Every row goes through listing_prepare (permission and every rule of listing_create) without
the write lock; with any error nothing is saved and ValidationFailed (code import_failed)
carries details["rows"] = [{row, field, message}]. Otherwise one short transaction saves every
row as a draft, indexes them and audits each with the named event listing.imported.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from nesta.core.audit import diff
from nesta.core.errors import DomainError, PermissionDenied, ValidationFailed
from nesta.core.models import AuditLog, Region, TaxonomyNode
from nesta.core.permissions import require
from nesta.core.tasks import job_enqueue
from nesta.core.transactions import write_transaction
from nesta.core.xlsx import XlsxLimits, read_xlsx_rows
from nesta.directory.models import Organization
from nesta.market.exports import ALL_COLUMNS, CHOICE_ENUMS, Column, choice_labels, import_errors_xlsx
from nesta.market.models import IPType, Listing
from nesta.market.services.indexing import index_listings
from nesta.market.services.listings import audit_snapshot, listing_prepare

MAX_IMPORT_ROWS = 1000
MAX_IMPORT_BYTES = 2 * 1024 * 1024
LIMITS = XlsxLimits(max_bytes=MAX_IMPORT_BYTES, max_rows=MAX_IMPORT_ROWS + 200, max_columns=100)
BY_HEADER: dict[str, Column] = {}  # by the header as read (NFKC: full-width brackets become ASCII)
HEADER_OF = {c.name: c.header for c in ALL_COLUMNS}
REQUIRED_HEADERS = ("类别", "标题", "简介", "所属领域")
YES = {"是", "y", "yes", "true", "1", "√", "✓", "有"}
NO = {"否", "n", "no", "false", "0", "×", "✗", "无"}
_LIST_SPLIT = re.compile(r"[、,，;；/\n]+")
_DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


def _key(value: Any) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", _text(value)))


class CellError(ValueError):
    pass


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
    created: list[Listing] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value).strip()


BY_HEADER.update({_key(c.header): c for c in ALL_COLUMNS if c.name not in ("id", "status")})


def parse_money(value: Any) -> str:
    if isinstance(value, bool):
        raise CellError(_("金额格式有误。"))
    if isinstance(value, (int, float, Decimal)):
        text = repr(value) if isinstance(value, float) else str(value)
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
    for junk in ("人民币", "RMB", "rmb", "¥", "￥", "元", ",", "，", " "):
        text = text.replace(junk, "")
    factor = Decimal(1)
    if text.endswith("万"):
        factor, text = Decimal(10_000), text[:-1]
    elif text.endswith("亿"):
        factor, text = Decimal(100_000_000), text[:-1]
    if len(text) > 30:
        raise CellError(_("金额格式有误：%(v)s") % {"v": text[:30]})
    try:
        amount = Decimal(text) * factor
    except InvalidOperation:
        raise CellError(_("金额格式有误：%(v)s") % {"v": text[:30]}) from None
    if not amount.is_finite():
        raise CellError(_("金额格式有误：%(v)s") % {"v": text[:30]})
    return str(amount.normalize()) if amount == amount.to_integral() else str(amount)


def parse_date(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            result = from_excel(value)
            return (result.date() if isinstance(result, datetime) else result).isoformat()
        raise CellError(_("日期格式有误。"))
    text = unicodedata.normalize("NFKC", str(value)).strip()
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
            except ValueError:
                break
    raise CellError(_("日期格式有误：%(v)s（应为 2027-06-30 或 2027年6月30日）") % {"v": text[:40]})


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellError(_("应填“是”或“否”。"))


def _choice_map(column: Column) -> dict[str, str]:
    labels = choice_labels(CHOICE_ENUMS[column.name])
    out = {v.lower(): v for v in labels}
    out.update({_key(label).lower(): v for v, label in labels.items()})
    return out


def parse_choice(column: Column, value: Any) -> str:
    found = _choice_map(column).get(_key(value).lower())
    if found is None:
        raise CellError(_("无效的选项：%(v)s") % {"v": _text(value)[:40]})
    return found


def parse_list(column: Column, value: Any) -> list[str]:
    words = [w for w in _LIST_SPLIT.split(_text(value)) if w.strip()]
    return [parse_choice(column, w) for w in words]


def parse_ip_items(value: Any) -> list[dict[str, str]]:
    labels = {_key(label): v for v, label in choice_labels(IPType).items()} | {v: v for v in IPType.values}
    items = []
    for part in re.split(r"[;；\n]+", _text(value)):
        part = part.strip()
        if not part:
            continue
        head, _sep, number = part.replace("\u3000", " ").partition(" ")
        kind = labels.get(_key(head))
        if kind is None:
            raise CellError(_("未知的知识产权类型：%(v)s") % {"v": head[:30]})
        items.append({"type": kind, "number": number.strip()})
    return items


class _References:
    """Organisations, regions and fields the sheet names, read in a few queries."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        usccs = {_text(r.get("统一社会信用代码")).upper() for r in rows if _text(r.get("统一社会信用代码"))}
        names = {_text(r.get("发布单位")) for r in rows if _text(r.get("发布单位"))}
        self.orgs: dict[str, list[Organization]] = {}
        if usccs or names:
            qs = Organization.objects.select_related("province", "city").filter(Q(uscc__in=usccs) | Q(name__in=names))
            for org in qs:
                if org.uscc:
                    self.orgs.setdefault(org.uscc, []).append(org)
                self.orgs.setdefault(org.name, []).append(org)
        # objects, not codes: the rules then read no region, field or owner row by row
        self.regions: dict[tuple[str, str], Region] = {}
        for region in Region.objects.filter(level__in=["province", "city"]):
            self.regions[(region.level, region.code)] = region
            self.regions[(region.level, region.name)] = region
            short = re.sub(r"(省|市|地区|朝鲜族自治州|自治州|盟)$", "", region.name)
            self.regions.setdefault((region.level, short), region)
        self.any_region = {name: region.code for (_level, name), region in self.regions.items()}
        self.fields: dict[str, TaxonomyNode] = {}
        for node in TaxonomyNode.objects.all():
            self.fields[node.code] = node
            self.fields.setdefault(node.name, node)

    def organization(self, uscc: str, name: str) -> Organization | None:
        key = uscc or name
        if not key:
            return None
        found = self.orgs.get(key, [])
        if not found:
            raise CellError(_("未找到单位：%(n)s") % {"n": key[:60]})
        if len(found) > 1:
            raise CellError(_("有多个名为“%(n)s”的单位，请填写统一社会信用代码。") % {"n": key[:60]})
        return found[0]

    def region(self, level: str, value: Any) -> Region:
        text = _text(value)
        region = self.regions.get((level, text))
        if region is None:
            what = _("省份") if level == "province" else _("城市")
            raise CellError(_("未知的%(l)s：%(v)s") % {"l": what, "v": text[:30]})
        return region


def _cell_value(column: Column, raw: Any, refs: _References) -> Any:
    if column.kind == "money":
        return parse_money(raw)
    if column.kind == "date":
        return parse_date(raw)
    if column.kind == "bool":
        return parse_bool(raw)
    if column.kind == "choice":
        return parse_choice(column, raw)
    if column.kind == "list":
        return parse_list(column, raw)
    if column.kind == "ip_items":
        return parse_ip_items(raw)
    if column.kind == "regions":
        codes = []
        for word in _LIST_SPLIT.split(_text(raw)):
            word = word.strip()
            if word:
                code = refs.any_region.get(word)
                if code is None:
                    raise CellError(_("未知的地区：%(v)s") % {"v": word[:30]})
                codes.append(code)
        return codes
    if column.kind == "number":
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            return int(raw) if float(raw).is_integer() else str(raw)
        text = _text(raw).replace(",", "").replace("%", "")
        if not re.fullmatch(r"\d{1,12}(\.\d{1,6})?", text):
            raise CellError(_("应为数字。"))
        return int(text) if "." not in text else text
    if column.name == "field":
        node = refs.fields.get(_text(raw))
        if node is None:
            raise CellError(_("未知的重点领域：%(v)s") % {"v": _text(raw)[:40]})
        return node
    if column.name in ("province", "city"):
        return refs.region(column.name, raw)
    if column.kind == "code":
        return _text(raw) if not isinstance(raw, (int, float)) else str(int(raw))
    return raw if isinstance(raw, str) else _text(raw)


def _row_data(
    number: int, cells: dict[str, Any], refs: _References, own: Organization | None
) -> tuple[dict[str, Any], list[RowError]]:
    data: dict[str, Any] = {"organization": own} if own is not None else {}
    details: dict[str, Any] = {}
    errors: list[RowError] = []
    try:
        org = refs.organization(_text(cells.get("统一社会信用代码")).upper(), _text(cells.get("发布单位")))
        if org is not None:
            data["organization"] = org
    except CellError as exc:
        errors.append(RowError(number, "发布单位", str(exc)))
    for header, raw in cells.items():
        column = BY_HEADER[header]
        if column.name in ("organization", "organization_uscc"):
            continue
        if _text(raw) == "":
            if header in REQUIRED_HEADERS:
                errors.append(RowError(number, column.header, _("此字段为必填项。")))
            continue
        try:
            value = _cell_value(column, raw, refs)
        except CellError as exc:
            errors.append(RowError(number, column.header, str(exc)))
            continue
        if column.name.startswith("details."):
            details[column.name.removeprefix("details.")] = value
        else:
            data[column.name] = value
    data["details"] = details
    return data, errors


def _read_sheet(content: bytes) -> list[tuple[int, dict[str, Any]]]:
    if len(content) > MAX_IMPORT_BYTES:
        raise ValidationFailed(
            _("文件过大（上限 %(m)d MB）。") % {"m": MAX_IMPORT_BYTES // 1024 // 1024},
            code="file_too_large",
            details={"file": [_("文件过大。")]},
        )
    sheet = read_xlsx_rows(content, LIMITS)
    rows = iter(sheet)
    headers = [_key(v) for v in next(rows, None) or ()]
    missing = [h for h in REQUIRED_HEADERS if h not in headers]
    if missing:
        raise ValidationFailed(
            _("表头缺少必需的列：%(h)s") % {"h": "、".join(missing)},
            code="invalid_file",
            details={"rows": [{"row": 1, "field": h, "message": _("缺少此列。")} for h in missing]},
        )
    data: list[tuple[int, dict[str, Any]]] = []
    for number, values in enumerate(rows, start=2):
        if all(_text(v) == "" for v in values):
            continue
        if len(data) >= MAX_IMPORT_ROWS:
            raise ValidationFailed(
                _("一次最多导入 %(n)d 行。") % {"n": MAX_IMPORT_ROWS},
                code="too_many_rows",
                details={"file": [_("一次最多导入 %(n)d 行。") % {"n": MAX_IMPORT_ROWS}]},
            )
        cells = {h: v for h, v in zip(headers, values, strict=False) if h in BY_HEADER}
        data.append((number, cells))
    return data


def _service_errors(number: int, exc: DomainError, reported: set[str]) -> list[RowError]:
    details = exc.details if isinstance(exc.details, dict) else {}
    out: list[RowError] = []
    for key, messages in details.items():
        if key == "codes" or not isinstance(messages, list):
            continue
        header = HEADER_OF.get(str(key), "" if key == "__all__" else str(key))
        if header in reported:
            continue
        out.extend(RowError(number, header, str(m)) for m in messages)
    return out or [RowError(number, "", str(exc.message))]


def import_failed(errors: list[RowError]) -> ValidationFailed:
    return ValidationFailed(
        _("导入失败：共 %(n)d 处错误，未保存任何记录。") % {"n": len(errors)},
        code="import_failed",
        details={"rows": [e.as_dict() for e in errors[:500]], "total": len(errors)},
    )


def listings_import_check(
    *, actor: Any, content: bytes, progress: Callable[[int, int], None] | None = None
) -> tuple[int, list[Listing], list[RowError]]:
    """Every row through listing_prepare, nothing written (no write lock held): the number of
    rows, the listings to save, and the row errors. `progress(done, total)` after each row."""
    require(actor, "listing.import")
    rows = _read_sheet(content)
    refs = _References([cells for _n, cells in rows])
    today = timezone.localdate()
    prepared: list[Listing] = []
    problems: list[RowError] = []
    own_id = getattr(actor, "organization_id", None)
    own = Organization.objects.select_related("province", "city").filter(pk=own_id).first() if own_id else None
    for done, (number, cells) in enumerate(rows, 1):
        data, errors = _row_data(number, cells, refs, own)
        reported = {e.field for e in errors}
        try:
            listing = listing_prepare(actor=actor, data=data, today=today)
        except PermissionDenied:
            errors.append(RowError(number, "发布单位", _("您无权为该单位发布信息。")))
        except ValidationFailed as exc:
            errors += _service_errors(number, exc, reported)
        else:
            if not errors:
                prepared.append(listing)
        problems += errors
        if progress is not None:
            progress(done, len(rows))
    if not rows:
        problems.append(RowError(2, "", _("表格中没有数据行。")))
    return len(rows), prepared, problems


def listings_import_xlsx(*, actor: Any, content: bytes, dry_run: bool = False) -> ImportReport:
    """Create one draft listing per row, all or nothing (see the module's docstring)."""
    rows, prepared, errors = listings_import_check(actor=actor, content=content)
    report = ImportReport(rows=rows, dry_run=dry_run, errors=errors)
    if errors:
        raise import_failed(errors)
    if not dry_run:
        report.created = _save(actor, prepared)
    return report


# --- as a background job ------------------------------------------------------------------------

JOB_KIND = "market.import"


def listings_import_enqueue(*, actor: Any, content: bytes, dry_run: bool = False) -> Any:
    """Queue the import as a job of `actor` (refused before any job exists if they may not
    import); the job page /jobs/<id>/ follows it and offers the row errors as a workbook."""
    require(actor, "listing.import")
    return job_enqueue(actor=actor, kind=JOB_KIND, params={"dry_run": bool(dry_run)}, input_bytes=content)


def run_import_job(job: Any) -> dict[str, Any]:
    """The job: rows checked with progress, then the one short write (or none, with errors)."""
    dry_run = bool(job.params.get("dry_run"))
    job.progress(0, message=_("正在读取并校验表格……"))
    try:
        rows, prepared, errors = listings_import_check(
            actor=job.owner, content=job.read_input(), progress=lambda done, total: job.progress(done, total)
        )
        if errors:
            raise import_failed(errors)
        created = [] if dry_run else _save(job.owner, prepared)
    except ValidationFailed as exc:
        found = (exc.details or {}).get("rows") or []
        if found:
            job.save_file("导入错误.xlsx", import_errors_xlsx(found))
        raise
    job.progress(rows, rows, message=_("导入完成。") if not dry_run else _("校验完成（未保存）。"))
    return {
        "summary": _("共 %(rows)d 行，新建 %(n)d 条信息（草稿）。") % {"rows": rows, "n": len(created)},
        "rows": rows,
        "created": [x.pk for x in created],
        "dry_run": dry_run,
    }


def _save(actor: Any, prepared: list[Listing]) -> list[Listing]:
    user = actor if getattr(actor, "is_authenticated", False) else None
    with write_transaction():
        listings = Listing.objects.bulk_create(prepared, batch_size=500)
        index_listings(listings)  # drafts: no documents, but any stale ones go
        AuditLog.objects.bulk_create(
            [
                AuditLog(
                    actor=user,
                    actor_repr=getattr(user, "username", "") if user else "",
                    action="listing.imported",
                    object_type="market.listing",
                    object_id=str(listing.pk),
                    object_repr=str(listing)[:200],
                    changes=diff({}, audit_snapshot(listing)),
                )
                for listing in listings
            ],
            batch_size=500,
        )
    return listings
