"""A province's collected annual reports from one XLSX sheet, all or nothing.

The province (or the office) collects its bases' reports offline and imports them: one row per
base and year — 基地ID, 年度, then the typed figures by their column titles (indicators.TYPED; the
template from `reports_template_xlsx` has them all). Every row is checked first (the base exists and
the importer may check its reports; the year is not in the future; each figure is bounded; staff
are consistent; no base-year twice; the year's report, if any, is not already checked or accepted);
a single bad row writes nothing and every bad row is reported with its row number and column.
Rows that pass become reports in status 省级已审核 (the province checked the collected copies), their
derived figures frozen from the platform's records, each audited as base_report.imported.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from nesta.bases.indicators import TYPED
from nesta.bases.models import COUNT_MAX, Base, BaseReport, ReportStatus
from nesta.bases.selectors.derived import derived_figures
from nesta.core.audit import audit_record
from nesta.core.errors import DomainError, ValidationFailed
from nesta.core.permissions import can
from nesta.core.transactions import write_transaction
from nesta.core.validators import bounded_int, money_yuan, row_id
from nesta.core.xlsx import XlsxLimits, read_xlsx_rows, table_xlsx

LIMITS = XlsxLimits(max_bytes=5 * 1024 * 1024, max_rows=5_001, max_columns=40)
MONEY_MAX = Decimal(10) ** 14
ID_HEADER, YEAR_HEADER, NAME_HEADER = "基地ID", "年度", "基地名称"
REPLACEABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED, ReportStatus.SUBMITTED)


def _title(ind: Any) -> str:
    return f"{ind.label}（{ind.unit}）"


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportResult:
    rows: int
    saved: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def reports_template_xlsx(*, actor: Any, year: int) -> bytes:
    """The import sheet for the bases whose reports the actor may check, one row per base."""
    bases = [
        b
        for b in Base.objects.select_related("organization", "host__province").order_by("host__province__code", "pk")
        if can(actor, "base_report.check", b.permission_target())
    ]
    headers = [ID_HEADER, NAME_HEADER, YEAR_HEADER, *(_title(i) for i in TYPED)]
    rows = [[b.pk, b.organization.name, year, *([None] * len(TYPED))] for b in bases]
    return table_xlsx("年度报告", headers, rows)


def _message(exc: DomainError) -> str:
    details = exc.details if isinstance(exc.details, dict) else {}
    for messages in details.values():
        if isinstance(messages, list) and messages:
            return str(messages[0])
    return str(exc.message)


def reports_import(*, actor: Any, content: bytes, dry_run: bool = False) -> ImportResult:
    rows = read_xlsx_rows(content, LIMITS)
    if not rows:
        raise ValidationFailed(_("文件中没有数据。"), code="invalid_file", details={"file": [_("文件中没有数据。")]})
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    columns: dict[str, int] = {}
    titles = {
        ID_HEADER: "base",
        YEAR_HEADER: "year",
        **{_title(i): i.key for i in TYPED},
        **{i.key: i.key for i in TYPED},
    }
    for position, title in enumerate(header):
        if title in titles:
            columns[titles[title]] = position
    missing = [t for t, key in ((ID_HEADER, "base"), (YEAR_HEADER, "year")) if key not in columns]
    if missing:
        message = _("缺少列：%(c)s") % {"c": "、".join(missing)}
        raise ValidationFailed(message, code="invalid_file", details={"file": [message]})
    result = ImportResult(rows=0)
    latest_year = timezone.localdate().year
    seen: set[tuple[int, int]] = set()
    planned: list[tuple[Base, int, dict[str, Any]]] = []
    bases = {b.pk: b for b in Base.objects.select_related("host__province", "organization")}
    existing = {(r.base_id, r.year): r for r in BaseReport.objects.only("id", "base_id", "year", "status")}

    for number, values in enumerate(rows[1:], start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        result.rows += 1

        def cell(key: str, values: tuple[Any, ...] = values) -> Any:
            i = columns.get(key)
            return values[i] if i is not None and i < len(values) else None

        base = bases.get(row_id(cell("base")) or 0)
        if base is None:
            result.errors.append(RowError(number, ID_HEADER, _("未找到该创新基地。")))
            continue
        if not can(actor, "base_report.check", base.permission_target()):
            result.errors.append(RowError(number, ID_HEADER, _("无权导入该基地的年度报告（不在本省）。")))
            continue
        errors_before = len(result.errors)
        try:
            year = bounded_int(cell("year"), field="year", minimum=2000, maximum=latest_year)
        except ValidationFailed as exc:
            result.errors.append(RowError(number, YEAR_HEADER, _message(exc)))
            continue
        figures: dict[str, Any] = {}
        for ind in TYPED:
            raw = cell(ind.key)
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                figures[ind.key] = Decimal(0) if ind.money else 0
                continue
            try:
                if ind.money:
                    figures[ind.key] = money_yuan(
                        raw if not isinstance(raw, float) else Decimal(str(raw)), field=ind.key, maximum=MONEY_MAX
                    )
                else:
                    figures[ind.key] = bounded_int(raw, field=ind.key, maximum=COUNT_MAX)
            except ValidationFailed as exc:
                result.errors.append(RowError(number, _title(ind), _message(exc)))
        if figures.get("senior_staff", 0) > figures.get("fixed_staff", 0) or figures.get(
            "doctorate_staff", 0
        ) > figures.get("fixed_staff", 0):
            result.errors.append(RowError(number, _title(TYPED[1]), _("高级职称或博士学位人员不能多于固定人员。")))
        if (base.pk, year) in seen:
            result.errors.append(RowError(number, YEAR_HEADER, _("同一基地同一年度在文件中出现多次。")))
        seen.add((base.pk, year))
        current = existing.get((base.pk, year))
        if current is not None and current.status not in REPLACEABLE:
            result.errors.append(
                RowError(
                    number, YEAR_HEADER, _("该年度报告已%(s)s，不能再导入。") % {"s": current.get_status_display()}
                )
            )
        if len(result.errors) == errors_before:
            planned.append((base, year, figures))

    if result.errors or dry_run:
        return result
    now = timezone.now()
    with write_transaction():
        for base, year, figures in planned:
            report, created = BaseReport.objects.select_for_update().get_or_create(
                base=base,
                year=year,
                defaults={"created_by": actor if getattr(actor, "is_authenticated", False) else None},
            )
            if not created and report.status not in REPLACEABLE:  # changed since the check above
                raise ValidationFailed(
                    _("该年度报告已被他人处理，请重新导入。"), code="import_conflict", details={"file": [str(base.pk)]}
                )
            for key, value in figures.items():
                setattr(report, key, value)
            for key, value in derived_figures(organization_id=base.organization_id, year=year).as_fields().items():
                setattr(report, key, value)
            report.derived_at = now
            report.status = ReportStatus.CHECKED
            report.submitted_at = report.submitted_at or now
            report.checked_at = now
            report.status_note = ""
            report.save()
            audit_record(
                actor=actor,
                action="base_report.imported",
                instance=report,
                changes={k: [None, str(v)] for k, v in figures.items()},
            )
            result.saved.append(report.pk)
    return result
