"""Listings as XLSX: the export, the import template, and the layout both share.

One sheet, one listing per row: the common columns, then a column per `details` field of the
kinds present (labelled in Chinese, the same label for the same field of two kinds). Choices
are written as their Chinese words, lists joined with 、, IP items as "类型 号码" joined with ；,
money in 元 as numbers, dates as dates — so an export imports again unchanged
(services/listing_import reads the same words). Written through core.xlsx: text is always text
(a title starting with "=" never becomes a formula).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from nesta.core.models import Region
from nesta.core.xlsx import (
    DATE_FORMAT,
    HEADER_FILL,
    MONEY_FORMAT,
    TEXT_FORMAT,
    XLSX_CONTENT_TYPE,
    XlsxSheet,
    new_workbook,
    workbook_bytes,
)
from nesta.market.kinds import DETAIL_CHOICES, DETAIL_LABELS, KIND_DETAILS, KIND_FACETS
from nesta.market.models import IPType, Listing, ListingKind, ListingStatus, Maturity

__all__ = ["XLSX_CONTENT_TYPE", "Column", "columns_for", "import_template_xlsx", "listings_export_xlsx"]


@dataclass(frozen=True)
class Column:
    header: str
    name: str  # the service's field name; "details.<name>" for a kind's field
    width: int
    kind: str = "text"  # text, code, money, date, bool, choice, list, ip_items, regions, number


def _zh(label: Any) -> str:
    with translation.override("zh-hans"):
        return str(label)


COMMON_COLUMNS = [
    Column("类别", "kind", 12, "choice"),
    Column("标题", "title", 32),
    Column("简介", "summary", 48),
    Column("关键词", "keywords", 20),
    Column("所属领域", "field", 16),
    Column("发布单位", "organization", 28),
    Column("统一社会信用代码", "organization_uscc", 22, "code"),
    Column("省份", "province", 10),
    Column("城市", "city", 10),
    Column("联系人", "contact_name", 10),
    Column("联系电话", "contact_phone", 16, "code"),
    Column("联系邮箱", "contact_email", 22),
    Column("有效期至", "valid_until", 12, "date"),
    Column("成熟度", "maturity", 10, "choice"),
    Column("知识产权类型", "ip_type", 14, "choice"),
    Column("价格下限(元)", "price_low", 16, "money"),
    Column("价格上限(元)", "price_high", 16, "money"),
    Column("面议", "price_negotiable", 8, "bool"),
]
EXPORT_ONLY = [Column("状态", "status", 10, "choice"), Column("编号", "id", 8, "number")]
MONEY_DETAILS = {"appraised_value", "revenue_last_year", "fund_size"}
NUMBER_DETAILS = {
    "share_offered",
    "equity_offered",
    "quantity_tonnes",
    "relisting",
    "max_part_size_mm",
    "lead_time_days",
}
BOOL_DETAILS = {"state_owned", "drawing_available"}
DATE_DETAILS = {"deadline", "disclosure_start", "disclosure_end"}


def _detail_kind(name: str) -> str:
    if name == "ip_items":
        return "ip_items"
    if name == "regions":
        return "regions"
    if name in MONEY_DETAILS:
        return "money"
    if name in NUMBER_DETAILS:
        return "number"
    if name in BOOL_DETAILS:
        return "bool"
    if name in DATE_DETAILS:
        return "date"
    if name in DETAIL_CHOICES:
        return "list" if name.endswith("s") and name not in ("grade",) else "choice"
    return "text"


def detail_columns(kinds: Iterable[str]) -> list[Column]:
    """The details columns of the given kinds, in the kinds' schema order, each field once."""
    seen: dict[str, Column] = {}
    for kind in kinds:
        for name in KIND_DETAILS[kind].model_fields:
            if name not in seen:
                seen[name] = Column(_zh(DETAIL_LABELS.get(name, name)), f"details.{name}", 16, _detail_kind(name))
    return list(seen.values())


def columns_for(kinds: Iterable[str], *, export: bool = False) -> list[Column]:
    return [*(EXPORT_ONLY if export else []), *COMMON_COLUMNS, *detail_columns(kinds)]


ALL_COLUMNS = columns_for(ListingKind.values, export=True)
CHOICE_ENUMS: dict[str, Any] = {
    "kind": ListingKind,
    "status": ListingStatus,
    "maturity": Maturity,
    "ip_type": IPType,
    **{f"details.{k}": v for k, v in DETAIL_CHOICES.items()},
}
_FORMATS = {"money": MONEY_FORMAT, "date": DATE_FORMAT, "code": TEXT_FORMAT}


def choice_labels(enum: Any) -> dict[str, str]:
    with translation.override("zh-hans"):
        return {value: str(label) for value, label in enum.choices}


def _cell(listing: Listing, column: Column, regions: dict[str, str]) -> Any:
    if column.name.startswith("details."):
        key = column.name.removeprefix("details.")
        value = (listing.details or {}).get(key)
    elif column.name == "organization":
        return listing.organization.name
    elif column.name == "organization_uscc":
        return listing.organization.uscc or ""
    elif column.name in ("province", "city"):
        region = getattr(listing, column.name)
        return region.name if region else ""
    elif column.name == "field":
        return listing.field.name
    elif column.name == "id":
        return listing.pk
    else:
        value = getattr(listing, column.name)
    if value is None or value == "" or value == []:
        return None
    if column.kind == "bool":
        return "是" if value else "否"
    if column.kind in ("choice", "list"):
        labels = choice_labels(CHOICE_ENUMS[column.name])
        items = value if isinstance(value, list) else [value]
        return "、".join(labels.get(v, v) for v in items)
    if column.kind == "ip_items":
        labels = choice_labels(IPType)
        return "；".join(f"{labels.get(i.get('type'), i.get('type'))} {i.get('number', '')}".strip() for i in value)
    if column.kind == "regions":
        return "、".join(regions.get(c, c) for c in value)
    if column.kind == "money" or column.kind == "number":
        return Decimal(str(value))
    if column.kind == "date" and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def _sheet(wb: Any, columns: list[Column]) -> XlsxSheet:
    return XlsxSheet(
        wb,
        _("技术市场信息"),
        [c.header for c in columns],
        [c.width for c in columns],
        header_fill=HEADER_FILL,
        centred_headers=True,
    )


def listings_export_xlsx(listings: list[Listing]) -> bytes:
    """The listings (organisation, field, province, city loaded) in the import layout, with their
    id and state in front; columns for the details of the kinds present."""
    kinds = [k for k in ListingKind.values if any(x.kind == k for x in listings)]
    columns = columns_for(kinds, export=True)
    codes = {c for x in listings if x.kind == ListingKind.INVESTOR for c in (x.details or {}).get("regions", [])}
    regions = dict(Region.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    formats = {i: _FORMATS[c.kind] for i, c in enumerate(columns, start=1) if c.kind in _FORMATS}
    wb = new_workbook()
    sheet = _sheet(wb, columns)
    for listing in listings:
        sheet.append([_cell(listing, c, regions) for c in columns], formats)
    sheet.auto_filter()
    return workbook_bytes(wb)


def import_template_xlsx(kind: str | None = None) -> bytes:
    """An empty sheet in the import layout: the common columns and the details of `kind` (all
    kinds when none is given), with a second sheet explaining the columns and their words."""
    kinds = [kind] if kind in ListingKind.values else list(ListingKind.values)
    columns = columns_for(kinds)
    wb = new_workbook()
    sheet = _sheet(wb, columns)
    sheet.append([_zh(ListingKind(kinds[0]).label) if len(kinds) == 1 else None])
    help_sheet = XlsxSheet(wb, _("填写说明"), [_("列"), _("说明")], [20, 90], header_fill=HEADER_FILL)
    for column in columns:
        help_sheet.append([column.header, _column_help(column, kinds)])
    return workbook_bytes(wb)


def _column_help(column: Column, kinds: list[str]) -> str:
    required = {"kind", "title", "summary", "field"}
    parts: list[str] = []
    if column.name in required:
        parts.append(_("必填。"))
    if column.name in CHOICE_ENUMS:
        parts.append(_("可填：") + "、".join(choice_labels(CHOICE_ENUMS[column.name]).values()))
    if column.kind == "list":
        parts.append(_("可填多项，以顿号分隔。"))
    if column.kind == "ip_items":
        parts.append(_("每项“类型 号码”，以分号分隔，如：发明专利 ZL201910000001.1"))
    if column.kind == "money":
        parts.append(_("金额（元），可写 120万、1,200,000。"))
    if column.kind == "date":
        parts.append(_("日期，如 2027-06-30。"))
    if column.kind == "bool":
        parts.append(_("填“是”或“否”。"))
    if column.name == "field":
        parts.append(_("重点领域的名称或代码。"))
    if column.name == "organization":
        parts.append(_("不填为本人所在单位；代其他单位发布时填其名称或统一社会信用代码。"))
    if column.name in ("price_low", "price_high"):
        facets = [f"{_zh(ListingKind(k).label)}：{_zh(KIND_FACETS[k]['price'])}" for k in kinds]
        parts.append("；".join(facets))
    return " ".join(parts)


def import_errors_xlsx(rows: Iterable[dict[str, Any]]) -> bytes:
    """An import's row errors as a workbook (行号, 列, 错误说明)."""
    wb = new_workbook()
    sheet = XlsxSheet(wb, _("导入错误"), [_("行号"), _("列"), _("错误说明")], [8, 20, 70], header_fill=HEADER_FILL)
    for e in rows:
        sheet.append([e.get("row"), e.get("field"), e.get("message")])
    return workbook_bytes(wb)
