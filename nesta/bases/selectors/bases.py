"""Reads of the bases: the public register (filters, cursor pages), one base with its status
history, and the reports a user may see."""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from nesta.bases.lifecycles import BASE, REPORT
from nesta.bases.models import Base, BaseReport, BaseStatusChange
from nesta.core.errors import NotFound
from nesta.core.pagination import Page, keyset_page
from nesta.core.permissions import can, restrict

REPORT_PROVINCE = "base__host__province__code"
REPORT_ORGANIZATION = "base__host_id"


def base_queryset() -> QuerySet[Base]:
    return Base.objects.select_related("organization", "host__province", "field", "director")


def base_page(
    *,
    base_type: str | None = None,
    level: str | None = None,
    status: str | None = None,
    province: str | None = None,
    field: str | None = None,
    host_id: int | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[Base]:
    """The public register: any filter combination, ascending ids, with the total."""
    qs = base_queryset()
    if base_type:
        qs = qs.filter(base_type=base_type)
    if level:
        qs = qs.filter(level=level)
    if status:
        qs = qs.filter(status=status)
    if province:
        qs = qs.filter(host__province__code=province)
    if field:
        # a first-level area includes its sub-fields
        qs = qs.filter(Q(field__code=field) | Q(field__parent__code=field))
    if host_id:
        qs = qs.filter(host_id=host_id)
    return keyset_page(qs, cursor=cursor, limit=limit, with_total=True)


def base_get(*, base_id: int) -> Base:
    base = base_queryset().filter(pk=base_id).first()
    if base is None:
        raise NotFound(_("未找到该创新基地。"))
    return base


def status_history(base: Base) -> list[BaseStatusChange]:
    return list(base.status_changes.select_related("actor").order_by("changed_on", "id"))


def base_actions(viewer: Any, base: Base) -> list[Any]:
    return BASE.available(viewer, base)


def reports_visible(viewer: Any) -> QuerySet[BaseReport]:
    qs = BaseReport.objects.select_related("base__organization", "base__host__province", "base__field")
    return restrict(
        viewer, "base_report.view", qs, province_field=REPORT_PROVINCE, organization_field=REPORT_ORGANIZATION
    )


def base_reports(*, viewer: Any, base: Base) -> list[BaseReport]:
    """The base's reports the viewer may read, newest year first (anonymous: none)."""
    if not can(viewer, "base_report.view", base.permission_target()):
        return []
    return list(reports_visible(viewer).filter(base=base).order_by("-year"))


def report_get(*, viewer: Any, report_id: int) -> BaseReport:
    report = reports_visible(viewer).filter(pk=report_id).first()
    if report is None:
        raise NotFound(_("未找到该年度报告。"))
    return report


def report_actions(viewer: Any, report: BaseReport) -> list[Any]:
    return REPORT.available(viewer, report)


DERIVED_SHOWN = 20  # the first records listed under a derived figure (the count says how many in all)


def derived_rows(report: BaseReport) -> list[dict[str, Any]]:
    """Each derived figure of the report — frozen on submission, or live while a draft — with the
    records it comes from (the first DERIVED_SHOWN and how many there are)."""
    from nesta.bases.indicators import DERIVED
    from nesta.bases.selectors.derived import derived_figures, derived_records

    live = None
    if report.derived_at is None:
        live = derived_figures(organization_id=report.base.organization_id, year=report.year).as_fields()
    rows = []
    seen: dict[str, tuple[list[Any], int]] = {}
    for ind in DERIVED:
        group = {
            "instrument_hours": "sessions",
            "external_service_hours": "external",
            "contract_amount": "contracts",
        }.get(ind.key, ind.key)
        if group not in seen:
            qs = derived_records(organization_id=report.base.organization_id, year=report.year, indicator=ind.key)
            seen[group] = (list(qs[:DERIVED_SHOWN]), qs.count())
        records, count = seen[group]
        rows.append(
            {
                "indicator": ind,
                "value": live[ind.key] if live is not None else getattr(report, ind.key),
                "live": live is not None,
                "records": records,
                "count": count,
            }
        )
    return rows
