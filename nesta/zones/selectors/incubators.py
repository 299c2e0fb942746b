"""Reads of the incubators: the public directory (filters, cursor pages), one incubator with its
tenants, the figures its tenant records give for a year (what a report derives), graduates and
entries per year, and the reports a user may see."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from nesta.core.errors import NotFound
from nesta.core.pagination import Page, keyset_page
from nesta.core.permissions import can, restrict
from nesta.zones.lifecycles import INCUBATOR_REPORT
from nesta.zones.models import Incubator, IncubatorReport, Tenant

REPORT_PROVINCE = "incubator__organization__province__code"
REPORT_ORGANIZATION = "incubator__organization_id"
ZERO = Decimal("0.00")


def incubator_queryset() -> QuerySet[Incubator]:
    return Incubator.objects.select_related("organization__province", "organization__city", "zone", "host")


def incubator_page(
    *,
    zone_id: int | None = None,
    kind: str | None = None,
    level: str | None = None,
    province: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[Incubator]:
    """The public directory: any filter combination, ascending ids, with the total (3 queries)."""
    qs = incubator_queryset()
    if zone_id:
        qs = qs.filter(zone_id=zone_id)
    if kind:
        qs = qs.filter(kind=kind)
    if level:
        qs = qs.filter(level=level)
    if province:
        qs = qs.filter(organization__province__code=province)
    return keyset_page(qs, cursor=cursor, limit=limit, with_total=True)


def incubator_get(*, incubator_id: int) -> Incubator:
    incubator = incubator_queryset().filter(pk=incubator_id).first()
    if incubator is None:
        raise NotFound(_("未找到该孵化器。"))
    return incubator


TENANT_STATES = ("present", "graduated", "left")


def _tenant_state(qs: QuerySet[Tenant], state: str) -> QuerySet[Tenant]:
    if state == "present":
        return qs.filter(graduated_on__isnull=True, left_on__isnull=True)
    if state == "graduated":
        return qs.filter(graduated_on__isnull=False)
    if state == "left":  # left without graduating
        return qs.filter(graduated_on__isnull=True, left_on__isnull=False)
    return qs


def tenant_page(
    *, incubator_id: int, state: str = "", q: str = "", cursor: str | None = None, limit: int | None = None
) -> Page[Tenant]:
    """One page of an incubator's tenants (newest registered first, keyset-paged, with the total):
    `state` present / graduated / left (blank: all), `q` part of the firm's name."""
    qs = _tenant_state(Tenant.objects.filter(incubator_id=incubator_id), state)
    if q.strip():
        qs = qs.filter(name__icontains=q.strip())
    return keyset_page(
        qs.select_related("field", "organization"), cursor=cursor, limit=limit, newest_first=True, with_total=True
    )


def tenant_counts(*, incubator_id: int) -> dict[str, int]:
    """How many tenants are present, graduated, left and in all (one query)."""
    row = Tenant.objects.filter(incubator_id=incubator_id).aggregate(
        all=Count("pk"),
        present=Count("pk", filter=Q(graduated_on__isnull=True, left_on__isnull=True)),
        graduated=Count("pk", filter=Q(graduated_on__isnull=False)),
        left=Count("pk", filter=Q(graduated_on__isnull=True, left_on__isnull=False)),
    )
    return {k: int(v or 0) for k, v in row.items()}


def tenant_get(*, tenant_id: int) -> Tenant:
    tenant = (
        Tenant.objects.select_related("incubator__organization__province", "field", "organization")
        .filter(pk=tenant_id)
        .first()
    )
    if tenant is None:
        raise NotFound(_("未找到该在孵企业。"))
    return tenant


def may_see_tenant_figures(viewer: Any, incubator: Incubator) -> bool:
    """A tenant's revenue is the incubator's, its province's and the office's to read (the public
    sees names, fields, dates and head counts)."""
    return can(viewer, "incubator_report.view", incubator.permission_target())


# --- what the tenant records give for a year ----------------------------------------------------


@dataclass(frozen=True)
class TenantFigures:
    tenants: int
    new_tenants: int
    graduates: int
    tenant_employees: int
    tenant_revenue: Decimal
    private_tenants: int

    def as_fields(self) -> dict[str, Any]:
        return {
            "tenants": self.tenants,
            "new_tenants": self.new_tenants,
            "graduates": self.graduates,
            "tenant_employees": self.tenant_employees,
            "tenant_revenue": self.tenant_revenue,
            "private_tenants": self.private_tenants,
        }


def present_on(day: date) -> Q:
    """Tenants in the incubator on `day`: entered by then, neither graduated nor left by then."""
    return (
        Q(entered_on__lte=day)
        & (Q(graduated_on__isnull=True) | Q(graduated_on__gt=day))
        & (Q(left_on__isnull=True) | Q(left_on__gt=day))
    )


def tenant_figures(*, incubator_id: int, year: int) -> TenantFigures:
    """The year's derived figures in one aggregate query: tenants present on 31 December (their
    head count, revenue and how many are private tech firms), entries and graduations in the year."""
    end = date(year, 12, 31)
    here = present_on(end)
    row = Tenant.objects.filter(incubator_id=incubator_id).aggregate(
        tenants=Count("id", filter=here),
        new=Count("id", filter=Q(entered_on__year=year)),
        graduates=Count("id", filter=Q(graduated_on__year=year)),
        employees=Sum("employees", filter=here),
        revenue=Sum("revenue", filter=here),
        private=Count("id", filter=here & Q(is_private_tech=True)),
    )
    return TenantFigures(
        tenants=row["tenants"] or 0,
        new_tenants=row["new"] or 0,
        graduates=row["graduates"] or 0,
        tenant_employees=row["employees"] or 0,
        tenant_revenue=(row["revenue"] or ZERO).quantize(ZERO),
        private_tenants=row["private"] or 0,
    )


@dataclass(frozen=True)
class YearFlow:
    year: int
    entered: int
    graduated: int
    left: int


def tenant_flows(*, incubator_id: int, last_year: int | None = None) -> list[YearFlow]:
    """Entries, graduations and departures per year, from the first entry to `last_year` (default:
    the latest year with any of them) — three grouped queries whatever the number of tenants."""
    qs = Tenant.objects.filter(incubator_id=incubator_id)
    counts: dict[str, dict[int, int]] = {}
    for name, column in (("entered", "entered_on"), ("graduated", "graduated_on"), ("left", "left_on")):
        rows = (
            qs.filter(**{f"{column}__isnull": False})
            .annotate(y=ExtractYear(column))
            .values("y")
            .annotate(n=Count("id"))
            .order_by("y")
        )
        counts[name] = {r["y"]: r["n"] for r in rows}
    years = {y for c in counts.values() for y in c}
    if not years:
        return []
    top = last_year if last_year is not None else max(years)
    return [
        YearFlow(
            year=y,
            entered=counts["entered"].get(y, 0),
            graduated=counts["graduated"].get(y, 0),
            left=counts["left"].get(y, 0),
        )  # fmt: skip
        for y in range(min(years), top + 1)
    ]


# --- reports ------------------------------------------------------------------------------------


def reports_visible(viewer: Any) -> QuerySet[IncubatorReport]:
    qs = IncubatorReport.objects.select_related("incubator__organization__province", "incubator__zone")
    return restrict(
        viewer,
        "incubator_report.view",
        qs,
        province_field=REPORT_PROVINCE,
        organization_field=REPORT_ORGANIZATION,
    )


def incubator_reports(*, viewer: Any, incubator: Incubator) -> list[IncubatorReport]:
    """The incubator's reports the viewer may read, newest year first (anonymous: none)."""
    if not can(viewer, "incubator_report.view", incubator.permission_target()):
        return []
    return list(reports_visible(viewer).filter(incubator=incubator).order_by("-year"))


def latest_accepted(*, incubator: Incubator) -> IncubatorReport | None:
    """The newest accepted report (the occupancy the public page shows is the accepted one)."""
    return incubator.reports.filter(status="accepted").order_by("-year").first()


def report_page(
    *,
    viewer: Any,
    status: str | None = None,
    year: int | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[IncubatorReport]:
    """The reports the viewer may read (a province's queue to check, the office's to accept),
    newest first, with the total (3 queries)."""
    qs = reports_visible(viewer)
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(year=year)
    return keyset_page(qs, cursor=cursor, limit=limit, newest_first=True, with_total=True)


def report_get(*, viewer: Any, report_id: int) -> IncubatorReport:
    report = reports_visible(viewer).filter(pk=report_id).first()
    if report is None:
        raise NotFound(_("未找到该年度报告。"))
    return report


def report_actions(viewer: Any, report: IncubatorReport) -> list[Any]:
    return INCUBATOR_REPORT.available(viewer, report)


def report_derived(report: IncubatorReport) -> dict[str, Any]:
    """The derived figures shown on a report: frozen once submitted, live from the tenant records
    while a draft (or returned: it will be derived again on the next submission)."""
    if report.derived_at is not None and report.status not in ("draft", "returned"):
        return {k: getattr(report, k) for k in TenantFigures.__dataclass_fields__}
    return tenant_figures(incubator_id=report.incubator_id, year=report.year).as_fields()


def year_tenants(*, incubator_id: int, year: int) -> dict[str, list[Tenant]]:
    """The tenant records behind a year's derived figures (for the report page to list)."""
    qs = Tenant.objects.filter(incubator_id=incubator_id).select_related("field")
    rows = list(qs.filter(present_on(date(year, 12, 31)) | Q(entered_on__year=year) | Q(graduated_on__year=year)))
    end = date(year, 12, 31)
    return {
        "present": [t for t in rows if _present(t, end)],
        "entered": [t for t in rows if t.entered_on.year == year],
        "graduated": [t for t in rows if t.graduated_on is not None and t.graduated_on.year == year],
    }


def _present(t: Tenant, day: date) -> bool:
    return (
        t.entered_on <= day
        and (t.graduated_on is None or t.graduated_on > day)
        and (t.left_on is None or t.left_on > day)
    )


# --- what the pages' forms offer ------------------------------------------------------------------


def zone_choices() -> list[tuple[int, str]]:
    """The national high-tech zones (the directory's, reference data), for filters and forms."""
    from nesta.directory.models import Organization, OrganizationKind

    return list(
        Organization.objects.filter(kind=OrganizationKind.HIGH_TECH_ZONE).order_by("id").values_list("id", "name")
    )


def field_choices() -> list[tuple[str, str]]:
    """The priority-area taxonomy (三.2) as (code, name), areas before their sub-fields."""
    from nesta.core.models import TaxonomyNode

    return list(TaxonomyNode.objects.filter(depth__gte=1).order_by("sort_order", "id").values_list("code", "name"))


@dataclass(frozen=True)
class Occupancy:
    present: int  # tenants in the incubator now
    space_used_m2: int  # the space their records say they use
    share: Decimal | None  # of the incubator's space, in %


def occupancy_now(incubator: Incubator) -> Occupancy:
    """Occupancy from the tenant records present now (one aggregate query)."""
    row = _tenant_state(Tenant.objects.filter(incubator_id=incubator.pk), "present").aggregate(
        n=Count("pk"), used=Sum("space_m2")
    )
    used = int(row["used"] or 0)
    share = (Decimal(used) * 100 / incubator.space_m2).quantize(Decimal("0.1")) if incubator.space_m2 else None
    return Occupancy(present=int(row["n"] or 0), space_used_m2=used, share=share)
