"""Reads of the zones' figures: the seven zones with their latest year, one zone's years, the
seven side by side for a year (ranks, per-province sums, region totals), and the office's targets
with the progress made against them. All public (`zone.view`: the zones publish these figures);
each read is a fixed, small number of queries whatever the number of years or targets.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nesta.core.errors import NotFound
from nesta.directory.models import Organization, OrganizationKind
from nesta.zones.indicators import BY_KEY, INDICATORS, ZoneIndicator
from nesta.zones.models import ZoneTarget, ZoneYear
from nesta.zones.selectors.private import PrivateShare, private_shares, region_share

RANGE_MAX = 50  # years in one indicators read
# what sums across zones (areas, counts, amounts — all of them: the zones' figures are additive)
ADDITIVE = tuple(i.key for i in INDICATORS)


def zone_queryset() -> QuerySet[Organization]:
    return Organization.objects.filter(kind=OrganizationKind.HIGH_TECH_ZONE).select_related("province", "city")


def zones_all() -> list[Organization]:
    """The zones in province order, then in the order of the reference data."""
    return list(zone_queryset().filter(is_active=True).order_by("province__code", "id"))


def zone_get(*, zone_id: int) -> Organization:
    zone = zone_queryset().filter(pk=zone_id).first()
    if zone is None:
        raise NotFound(_("未找到该高新区。"))
    return zone


def figures(row: ZoneYear | None) -> dict[str, Any]:
    return {i.key: getattr(row, i.key) for i in INDICATORS} if row is not None else {}


@dataclass(frozen=True)
class ZoneLatest:
    zone: Organization
    latest: ZoneYear | None


def zones_with_latest() -> list[ZoneLatest]:
    """Each zone with its latest year's figures (two queries)."""
    zones = zones_all()
    newest = ZoneYear.objects.filter(zone=OuterRef("zone")).order_by("-year").values("year")[:1]
    rows = {r.zone_id: r for r in ZoneYear.objects.filter(zone__in=zones, year=Subquery(newest))}
    return [ZoneLatest(z, rows.get(z.pk)) for z in zones]


def zone_years(*, zone_id: int, start: int | None = None, end: int | None = None) -> list[ZoneYear]:
    qs = ZoneYear.objects.filter(zone_id=zone_id)
    if start is not None:
        qs = qs.filter(year__gte=start)
    if end is not None:
        qs = qs.filter(year__lte=end)
    return list(qs.order_by("year"))


def years_available() -> list[int]:
    """Years with any zone's figures, newest first."""
    return list(ZoneYear.objects.order_by("-year").values_list("year", flat=True).distinct())


# --- the seven side by side --------------------------------------------------------------------


@dataclass
class ComparisonRow:
    zone: Organization
    row: ZoneYear | None
    ranks: dict[str, int | None]
    private: PrivateShare

    @property
    def figures(self) -> dict[str, Any]:
        return figures(self.row)


@dataclass
class ProvinceSum:
    province: Any
    zones: int
    reported: int  # zones with figures of the year
    totals: dict[str, Any]
    private: PrivateShare


@dataclass
class Comparison:
    year: int
    rows: list[ComparisonRow]
    provinces: list[ProvinceSum]
    totals: dict[str, Any]
    reported: int
    private: PrivateShare
    years: list[int] = field(default_factory=list)


def _ranks(rows: list[tuple[Organization, ZoneYear | None]]) -> dict[int, dict[str, int | None]]:
    """1 = the largest figure; equal figures share a rank (competition ranking); no figures, no rank."""
    out: dict[int, dict[str, int | None]] = {z.pk: {} for z, _r in rows}
    for ind in INDICATORS:
        values = sorted((getattr(r, ind.key) for _z, r in rows if r is not None), reverse=True)
        for z, r in rows:
            out[z.pk][ind.key] = None if r is None else values.index(getattr(r, ind.key)) + 1
    return out


def _sum(rows: Iterable[ZoneYear | None]) -> dict[str, Any]:
    present = [r for r in rows if r is not None]
    return {key: sum((getattr(r, key) for r in present), Decimal(0) if BY_KEY[key].decimals else 0) for key in ADDITIVE}


def comparison(*, year: int | None = None, years: list[int] | None = None) -> Comparison:
    """The zones' figures of `year` (default: the newest year with any), each figure's rank, the
    sums per province and for the region, and the private shares. Seven queries (six when the
    caller passes `years`, the years_available() it has already read)."""
    if years is None:
        years = years_available()
    if year is None:
        year = years[0] if years else None
    zones = zones_all()
    if year is None:
        return Comparison(year=0, rows=[], provinces=[], totals=_sum([]), reported=0, private=PrivateShare(), years=[])
    by_zone = {r.zone_id: r for r in ZoneYear.objects.filter(zone__in=zones, year=year)}
    pairs = [(z, by_zone.get(z.pk)) for z in zones]
    ranks = _ranks(pairs)
    shares = private_shares(year=year, zone_ids=[z.pk for z in zones], figures=by_zone)
    rows = [ComparisonRow(z, r, ranks[z.pk], shares[z.pk]) for z, r in pairs]
    provinces: list[ProvinceSum] = []
    for z, r in pairs:
        if not provinces or provinces[-1].province.pk != z.province_id:
            provinces.append(ProvinceSum(z.province, 0, 0, {}, PrivateShare()))
        p = provinces[-1]
        p.zones += 1
        p.reported += r is not None
        p.private = p.private + shares[z.pk]
    for p in provinces:
        p.totals = _sum(r for z, r in pairs if z.province_id == p.province.pk)
    return Comparison(
        year=year,
        rows=rows,
        provinces=provinces,
        totals=_sum(r for _z, r in pairs),
        reported=len(by_zone),
        private=region_share(shares.values()),
        years=years,
    )


def zone_ranks(*, zone_id: int, year: int) -> tuple[dict[str, int | None], int]:
    """The zone's rank among the zones with figures of `year`, per indicator, and how many there
    are (one query)."""
    rows = list(
        ZoneYear.objects.filter(
            year=year, zone__kind=OrganizationKind.HIGH_TECH_ZONE, zone__is_active=True
        ).select_related("zone")
    )
    ranks = _ranks([(r.zone, r) for r in rows])
    return ranks.get(zone_id, {}), len(rows)


# --- targets and progress ----------------------------------------------------------------------

ACHIEVED, ON_TRACK, BEHIND, NO_DATA = "achieved", "on_track", "behind", "no_data"
PROGRESS_LABELS = {
    ACHIEVED: gettext_lazy("已达成"),
    ON_TRACK: gettext_lazy("进度正常"),
    BEHIND: gettext_lazy("进度滞后"),
    NO_DATA: gettext_lazy("暂无数据"),
}


@dataclass(frozen=True)
class TargetProgress:
    target: ZoneTarget
    indicator: ZoneIndicator | None
    latest_year: int | None  # the newest figure after the baseline, up to the target year
    latest_value: Decimal | None
    progress: Decimal | None  # (latest − baseline) / (target − baseline), unclamped
    expected: Decimal | None  # where the straight line from baseline to target is in latest_year
    status: str

    @property
    def percent(self) -> Decimal | None:
        """The raw progress in percent (may be below 0 or above 100)."""
        return None if self.progress is None else (self.progress * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def bar(self) -> int:
        """The progress bar's width: clamped to 0–100."""
        return 0 if self.progress is None else int(max(0, min(100, round(self.progress * 100))))

    @property
    def expected_percent(self) -> Decimal | None:
        return None if self.expected is None else (self.expected * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def status_label(self) -> Any:
        return PROGRESS_LABELS[self.status]


def target_progress(target: ZoneTarget, years: dict[int, ZoneYear]) -> TargetProgress:
    """Progress of one target from the zone's figures (year → row). On track: at least where the
    linear path from the baseline to the target is in the latest year with figures."""
    ind = BY_KEY.get(target.indicator)
    candidates = [y for y in years if target.baseline_year < y <= target.target_year] if ind else []
    if not candidates or ind is None:
        return TargetProgress(target, ind, None, None, None, None, NO_DATA)
    latest = max(candidates)
    value = Decimal(getattr(years[latest], ind.key))
    span = target.target_value - target.baseline_value
    progress = (value - target.baseline_value) / span
    expected = Decimal(latest - target.baseline_year) / Decimal(target.target_year - target.baseline_year)
    status = ACHIEVED if progress >= 1 else ON_TRACK if progress >= expected else BEHIND
    return TargetProgress(target, ind, latest, value, progress, expected, status)


def zone_targets(*, zone_id: int) -> list[TargetProgress]:
    """The zone's targets, by target year then indicator order, with their progress (two queries)."""
    years = {r.year: r for r in ZoneYear.objects.filter(zone_id=zone_id)}
    order = {i.key: n for n, i in enumerate(INDICATORS)}
    targets = sorted(
        ZoneTarget.objects.filter(zone_id=zone_id).select_related("zone__province"),
        key=lambda t: (t.target_year, order.get(t.indicator, 99), t.pk),
    )
    return [target_progress(t, years) for t in targets]


def target_get(*, target_id: int) -> ZoneTarget:
    target = ZoneTarget.objects.select_related("zone__province").filter(pk=target_id).first()
    if target is None:
        raise NotFound(_("未找到该目标。"))
    return target
