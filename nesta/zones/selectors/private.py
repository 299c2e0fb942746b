"""The private tech enterprises' share in a zone (方案 三.3 "向科技型民营企业倾斜" as a number the
office can watch), for one year and every zone at once — four queries whatever the number of
zones, firms, tenants, contracts or applications:

- firms: the directory's enterprises located in the zone (is_private_tech_enterprise);
- tenants: the zone's incubators' tenants in incubation at the end of the year (is_private_tech);
- contracts: technology contracts registered in the (local) year whose seller is in the zone —
  their number and their 合同成交额 from private sellers;
- funding: money awarded by the programmes to applications of organisations in the zone, decided
  in the year (the application's own is_private_tech flag, the one the selection tilts by);
  these two read the zones' counters (zones_zonecounter, ≤ 2 rows a zone, kept by the database's
  triggers on the contracts, applications and firms — migration 0002): the records aggregated
  took 0.2–0.3 s of the comparison page on PostgreSQL at 300,000 contracts. The counters hold the
  records as they are now (a firm moving zone or changing its flag moves its contracts too), so
  `counters_from_records()` — the plain aggregates — is their truth and `zone_counters_drift()`
  the check;
- reported: the zone's own figures of the year (民营科技企业 / 入区企业).
"""

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear

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


def private_shares(
    *, year: int, zone_ids: Iterable[int], figures: dict[int, Any] | None = None
) -> dict[int, PrivateShare]:
    """Each zone's shares in `year`. `figures` (zone id → ZoneYear or None) saves the query of the
    zones' reported figures when the caller has them."""
    ids = list(zone_ids)
    last_day = date(year, 12, 31)
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

    # contracts and funding: the zones' counters (one row per zone and flag, kept by triggers —
    # migration 0002), not every contract and award of the year
    for zone_id, private, contracts, contract_fen, _awards, award_fen in _counter_rows(year, ids):
        p = parts[zone_id]
        n, fen = (contracts, contract_fen) if private else (0, 0)
        p["contracts"] = p.get("contracts", NO_COUNT) + Share(n, contracts)
        p["contract_amount"] = p.get("contract_amount", NO_AMOUNT) + Share(_fen(fen), _fen(contract_fen))
        p["funding"] = p.get("funding", NO_AMOUNT) + Share(_fen(award_fen if private else 0), _fen(award_fen))

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


def _fen(fen: int) -> Decimal:
    return (Decimal(int(fen)) / 100).quantize(ZERO)


def _counter_rows(year: int, ids: list[int]) -> list[tuple[int, bool, int, int, int, int]]:
    if not ids:
        return []
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cur:
        cur.execute(
            "SELECT zone_id, private, contracts, contract_fen, awards, award_fen FROM zones_zonecounter "
            f"WHERE year = %s AND zone_id IN ({marks})",
            [year, *ids],
        )
        return [(int(z), bool(p), int(c), int(cf), int(a), int(af)) for z, p, c, cf, a, af in cur.fetchall()]


# --- the counters against the records (the tests', the benchmark's and the rebuild's truth) ------

Key = tuple[int, int, bool]  # (local year, zone id, private)


def counters_from_records() -> dict[Key, tuple[int, int, int, int]]:
    """(contracts, contract fen, awards, award fen) per key, aggregated from the records as they are
    now: registered contracts by their seller's zone and flag, awards by their organisation's zone
    and the application's flag. Two grouped queries over every year (a repair's cost, not a page's)."""
    out: dict[Key, list[int]] = {}
    contracts = (
        TechContract.objects.filter(
            status=TechContract.Status.REGISTERED,
            registered_at__isnull=False,
            seller_organization__zone_id__isnull=False,
        )
        .annotate(y=ExtractYear("registered_at", tzinfo=LOCAL))
        .values_list("y", "seller_organization__zone_id", "seller_organization__is_private_tech_enterprise")
        .annotate(n=Count("id"), total=Sum("contract_amount"))
        .order_by()
    )
    for y, zone, private, n, total in contracts:
        row = out.setdefault((int(y), int(zone), bool(private)), [0, 0, 0, 0])
        row[0] += n
        row[1] += _to_fen(total)
    awards = (
        Application.objects.filter(status__in=AWARDED, decided_at__isnull=False, organization__zone_id__isnull=False)
        .annotate(y=ExtractYear("decided_at", tzinfo=LOCAL))
        .values_list("y", "organization__zone_id", "is_private_tech")
        .annotate(n=Count("id"), total=Sum("awarded_amount"))
        .order_by()
    )
    for y, zone, private, n, total in awards:
        row = out.setdefault((int(y), int(zone), bool(private)), [0, 0, 0, 0])
        row[2] += n
        row[3] += _to_fen(total)
    return {k: (a, b, c, d) for k, (a, b, c, d) in out.items()}


def stored_counters() -> dict[Key, tuple[int, int, int, int]]:
    """The counters table, all-zero rows left out (as good as absent)."""
    with connection.cursor() as cur:
        cur.execute("SELECT year, zone_id, private, contracts, contract_fen, awards, award_fen FROM zones_zonecounter")
        rows = cur.fetchall()
    return {
        (int(y), int(z), bool(p)): (int(c), int(cf), int(a), int(af))
        for y, z, p, c, cf, a, af in rows
        if (c, cf, a, af) != (0, 0, 0, 0)
    }


def zone_counters_drift() -> list[dict[str, Any]]:
    """The keys whose stored counters differ from the records (none, unless the triggers were
    bypassed by a bulk load): the tests' and the benchmark's check."""
    plain, stored = counters_from_records(), stored_counters()
    none = (0, 0, 0, 0)
    return [
        {"key": k, "records": plain.get(k, none), "stored": stored.get(k, none)}
        for k in sorted(set(plain) | set(stored))
        if plain.get(k, none) != stored.get(k, none)
    ]


def _to_fen(amount: Any) -> int:
    return int((Decimal(str(amount or 0)) * 100).to_integral_value(ROUND_HALF_UP))
