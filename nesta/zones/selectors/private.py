"""The private tech enterprises' share in a zone (方案 三.3 "向科技型民营企业倾斜" as a number the
office can watch), for one year and every zone at once — five grouped queries whatever the
number of zones, firms, tenants, contracts or applications:

- firms: the directory's enterprises located in the zone (is_private_tech_enterprise);
- tenants: the zone's incubators' tenants in incubation at the end of the year (is_private_tech);
- contracts: technology contracts registered in the (local) year whose seller is in the zone —
  their number and their 合同成交额 from private sellers;
- funding: money awarded by the programmes to applications of organisations in the zone, decided
  in the year (the application's own is_private_tech flag, the one the selection tilts by);
- reported: the zone's own figures of the year (民营科技企业 / 入区企业).
"""

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, Sum

from nesta.directory.models import Organization, OrganizationKind
from nesta.market.models import TechContract
from nesta.programmes.models import Application, ApplicationStatus
from nesta.zones.models import Tenant, ZoneYear

LOCAL = ZoneInfo("Asia/Shanghai")
ZERO = Decimal("0.00")
# Applications that were awarded money (the decision stands whatever happened to the project) —
# the same statuses as the bases' derived figures (nesta/bases/selectors/derived.py).
AWARDED = (
    ApplicationStatus.FUNDED,
    ApplicationStatus.IN_PROGRESS,
    ApplicationStatus.ACCEPTANCE,
    ApplicationStatus.CLOSED,
    ApplicationStatus.FAILED,
)


@dataclass(frozen=True)
class Share:
    part: Decimal | int
    whole: Decimal | int

    @property
    def ratio(self) -> Decimal | None:
        """part / whole (None when there is no whole: no share, not 0 %)."""
        return Decimal(self.part) / Decimal(self.whole) if self.whole else None

    @property
    def percent(self) -> Decimal | None:
        r = self.ratio
        return None if r is None else (r * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)

    def __add__(self, other: "Share") -> "Share":
        return Share(self.part + other.part, self.whole + other.whole)


NO_COUNT = Share(0, 0)
NO_AMOUNT = Share(ZERO, ZERO)


@dataclass(frozen=True)
class PrivateShare:
    firms: Share = NO_COUNT
    tenants: Share = NO_COUNT
    contracts: Share = NO_COUNT
    contract_amount: Share = NO_AMOUNT
    funding: Share = NO_AMOUNT
    reported: Share = NO_COUNT

    def __add__(self, other: "PrivateShare") -> "PrivateShare":
        return PrivateShare(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})


# the rows of a share table: (attribute, label key) — labels are the views' and the API's
SHARES = ("firms", "tenants", "contracts", "contract_amount", "funding", "reported")
MONEY_SHARES = {"contract_amount", "funding"}


def _year(year: int) -> tuple[datetime, datetime, date]:
    return datetime(year, 1, 1, tzinfo=LOCAL), datetime(year + 1, 1, 1, tzinfo=LOCAL), date(year, 12, 31)


def private_shares(
    *, year: int, zone_ids: Iterable[int], figures: dict[int, Any] | None = None
) -> dict[int, PrivateShare]:
    """Each zone's shares in `year`. `figures` (zone id → ZoneYear or None) saves the query of the
    zones' reported figures when the caller has them."""
    ids = list(zone_ids)
    start, end, last_day = _year(year)
    parts: dict[Any, dict[str, Share]] = {pk: {} for pk in ids}  # the filters keep None keys out

    firms = (
        Organization.objects.filter(zone_id__in=ids, kind=OrganizationKind.ENTERPRISE, is_active=True)
        .values("zone_id")
        .annotate(n=Count("id"), p=Count("id", filter=Q(is_private_tech_enterprise=True)))
        .order_by()
    )
    for r in firms:
        parts[r["zone_id"]]["firms"] = Share(r["p"], r["n"])

    in_incubation = (
        Q(entered_on__lte=last_day)
        & (Q(graduated_on__isnull=True) | Q(graduated_on__gt=last_day))
        & (Q(left_on__isnull=True) | Q(left_on__gt=last_day))
    )
    tenants = (
        Tenant.objects.filter(in_incubation, incubator__zone_id__in=ids)
        .values("incubator__zone_id")
        .annotate(n=Count("id"), p=Count("id", filter=Q(is_private_tech=True)))
        .order_by()
    )
    for t in tenants:
        parts[t["incubator__zone_id"]]["tenants"] = Share(t["p"], t["n"])

    private_seller = Q(seller_organization__is_private_tech_enterprise=True)
    contracts = (
        TechContract.objects.filter(
            status=TechContract.Status.REGISTERED,
            registered_at__gte=start,
            registered_at__lt=end,
            # the zones' firms first: the planner then reads each firm's contracts of the year from
            # the covering (seller, status, registered_at, amount) index instead of every contract
            # of the year (0.37 s → 0.07 s at 300,000 contracts, 21,000 zone firms)
            seller_organization_id__in=Organization.objects.filter(zone_id__in=ids).values("id"),
            seller_organization__zone_id__in=ids,
        )
        .values("seller_organization__zone_id")
        .annotate(
            n=Count("id"),
            p=Count("id", filter=private_seller),
            amount=Sum("contract_amount"),
            p_amount=Sum("contract_amount", filter=private_seller),
        )
        .order_by()
    )
    for c in contracts:
        pk = c["seller_organization__zone_id"]
        parts[pk]["contracts"] = Share(c["p"], c["n"])
        parts[pk]["contract_amount"] = Share(_money(c["p_amount"]), _money(c["amount"]))

    funding = (
        Application.objects.filter(
            status__in=AWARDED, decided_at__gte=start, decided_at__lt=end, organization__zone_id__in=ids
        )
        .values("organization__zone_id")
        .annotate(amount=Sum("awarded_amount"), p_amount=Sum("awarded_amount", filter=Q(is_private_tech=True)))
        .order_by()
    )
    for a in funding:
        parts[a["organization__zone_id"]]["funding"] = Share(_money(a["p_amount"]), _money(a["amount"]))

    if figures is None:
        figures = {z.zone_id: z for z in ZoneYear.objects.filter(zone_id__in=ids, year=year)}
    for pk in ids:
        row = figures.get(pk)
        if row is not None:
            parts[pk]["reported"] = Share(row.private_tech_enterprises, row.enterprises)
    return {pk: PrivateShare(**p) for pk, p in parts.items()}


def region_share(shares: Iterable[PrivateShare]) -> PrivateShare:
    """The shares of several zones together (sums of parts over sums of wholes, not a mean)."""
    total = PrivateShare()
    for s in shares:
        total = total + s
    return total


def _money(value: Any) -> Decimal:
    return (value or ZERO).quantize(ZERO)
