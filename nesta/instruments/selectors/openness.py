"""开放共享评价: the openness evaluation of large instruments (原值 ≥ 500,000 元), per calendar year.

The formula is documented in docs/openness.md; in short, per instrument and year (Asia/Shanghai):

    有效机时     effective hours    Σ hours of finished usage sessions, clipped to the year
    对外服务机时 external hours     the same over sessions of users from outside the owner
    共享率       sharing rate       external ÷ effective (0 when effective is 0)
    利用率       utilisation        effective ÷ benchmark (1,400 h; 800 h for specialised instruments;
                                    less the year's share of fault shutdowns, 故障停机)
    服务收入     income             Σ charges of the year, internal and external

and per owner organisation, in the national three-part structure:

    运行使用 40     40 × mean over its instruments of min(1, utilisation)
    共享服务成效 20 20 × min(1, organisation's 共享率 ÷ 0.30), 共享率 = Σ external ÷ Σ effective hours
    组织管理 40     8 points for each of five criteria × the share of its instruments meeting it

Every figure is computed from the figures shown (hours to 0.01 h, ratios to 4 decimals), so each
score can be recomputed by hand from the result, and each instrument carries the counts of the
sessions and charges it came from (and, for one instrument, their ids).

It is computed with four aggregate queries (instruments with their criteria, sessions grouped by
instrument with the clipping done in SQL, charges grouped by instrument, shutdowns' hours grouped
by instrument), whatever the number of instruments: the whole region for a year is one pass over
the year's sessions.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    BooleanField,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    Field,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Sum,
)
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from nesta.core.errors import NotFound, ValidationFailed
from nesta.directory.models import Organization
from nesta.instruments.models import Blackout, BookingPolicy, Charge, Instrument, ServiceItem, UsageSession

LOCAL = ZoneInfo("Asia/Shanghai")
THRESHOLD = Decimal(500_000)
BENCHMARK_GENERAL = Decimal(1400)
BENCHMARK_SPECIALISED = Decimal(800)
SHARING_TARGET = Decimal("0.30")
OPERATION_POINTS = Decimal(40)
SHARING_POINTS = Decimal(20)
MANAGEMENT_POINTS = Decimal(40)
# 组织管理: five criteria, 8 points each.
CRITERIA = ("open", "booking_policy", "fee_schedule", "manager", "no_unrecorded_use")
CRITERION_POINTS = MANAGEMENT_POINTS / len(CRITERIA)
# A session still open this long after it started is use nobody recorded the end of.
UNRECORDED_AFTER = timedelta(hours=24)
YEAR_MIN, YEAR_MAX = 2000, 2100

HOURS = Decimal("0.01")
RATIO = Decimal("0.0001")
POINTS = Decimal("0.01")
MONEY = Decimal("0.01")
ZERO = Decimal("0.00")  # hours, money, points
ZERO_RATIO = Decimal("0.0000")


def _q(value: Decimal, step: Decimal) -> Decimal:
    return value.quantize(step, rounding=ROUND_HALF_UP)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """[1 January 00:00, next 1 January 00:00) in Asia/Shanghai."""
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise ValidationFailed(details={"year": [f"{YEAR_MIN}–{YEAR_MAX}"]})
    return datetime(year, 1, 1, tzinfo=LOCAL), datetime(year + 1, 1, 1, tzinfo=LOCAL)


def _julian_day(moment: datetime) -> float:
    """The Julian day number SQLite's julianday() gives for the same instant (UTC)."""
    return moment.timestamp() / 86400.0 + 2440587.5


class ClippedHours(Func):
    """Hours of [started_at, ended_at] (or other columns) within [lo, hi), computed by the database."""

    output_field = FloatField()

    def __init__(self, lo: datetime, hi: datetime, start: str = "started_at", end: str = "ended_at"):
        self.lo, self.hi = lo, hi
        super().__init__(F(start), F(end))

    def as_sql(  # PostgreSQL (and any backend with LEAST/GREATEST)
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, tuple[Any, ...]]:
        (s, sp), (e, ep) = (compiler.compile(x) for x in self.get_source_expressions())
        sql = f"(EXTRACT(EPOCH FROM (LEAST({e}, %s) - GREATEST({s}, %s))) / 3600.0)::double precision"
        return sql, (*ep, self.hi, *sp, self.lo)

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, tuple[Any, ...]]:
        # julianday() parses the stored text natively (no Python function per row); the bounds are
        # passed as Julian day numbers, so each row costs two parses.
        (s, sp), (e, ep) = (compiler.compile(x) for x in self.get_source_expressions())
        sql = f"((MIN(julianday({e}), %s) - MAX(julianday({s}), %s)) * 24.0)"
        return sql, (*ep, _julian_day(self.hi), *sp, _julian_day(self.lo))


class Unindexed(Func):
    """A column SQLite's planner will not choose an index for (unary +; plain elsewhere). Over a
    year of the whole region, a scan of the sessions beats the skip-scan SQLite otherwise picks
    over (instrument, started_at) — with a table lookup per row — by about four times."""

    template = "%(expressions)s"

    def __init__(self, column: str, output_field: Field):
        super().__init__(F(column), output_field=output_field)

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, Any]:
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"+{sql}", params


# --- results ---------------------------------------------------------------------------------


@dataclass
class InstrumentOpenness:
    id: int
    name: str
    owner_id: int
    owner_name: str
    province_code: str
    province_name: str
    original_value: Decimal
    is_specialised: bool
    qualifies: bool
    benchmark_hours: Decimal  # the hours the instrument was available: the nominal benchmark less downtime
    effective_hours: Decimal = ZERO
    external_hours: Decimal = ZERO
    sharing_rate: Decimal = ZERO_RATIO
    utilisation: Decimal = ZERO_RATIO
    income_internal: Decimal = ZERO
    income_external: Decimal = ZERO
    session_count: int = 0
    external_session_count: int = 0
    charge_count: int = 0
    unrecorded_session_count: int = 0
    criteria: dict[str, bool] = field(default_factory=dict)
    usage_session_ids: list[int] | None = None
    charge_ids: list[int] | None = None
    nominal_benchmark_hours: Decimal = ZERO  # 1,400 or 800
    downtime_hours: Decimal = ZERO  # 故障停机 within the year
    shutdown_count: int = 0

    @property
    def capped_utilisation(self) -> Decimal:
        return min(Decimal(1), self.utilisation)


@dataclass
class Scores:
    operation: Decimal = ZERO  # 运行使用 (40)
    sharing: Decimal = ZERO  # 共享服务成效 (20)
    management: Decimal = ZERO  # 组织管理 (40)

    @property
    def total(self) -> Decimal:
        return self.operation + self.sharing + self.management


@dataclass
class OrganizationOpenness:
    organization_id: int
    organization_name: str
    province_code: str
    province_name: str
    year: int
    instruments: list[InstrumentOpenness]
    effective_hours: Decimal = ZERO
    external_hours: Decimal = ZERO
    sharing_rate: Decimal = ZERO_RATIO
    mean_utilisation: Decimal = ZERO_RATIO
    income_internal: Decimal = ZERO
    income_external: Decimal = ZERO
    criteria_met: dict[str, int] = field(default_factory=dict)
    scores: Scores = field(default_factory=Scores)
    rank: int | None = None

    @property
    def instrument_count(self) -> int:
        return len(self.instruments)


# --- computing -------------------------------------------------------------------------------


def _benchmark(is_specialised: bool) -> Decimal:
    return BENCHMARK_SPECIALISED if is_specialised else BENCHMARK_GENERAL


INSTRUMENT_COLUMNS = (
    "id",
    "name",
    "owner_id",
    "owner__name",
    "province__code",
    "province__name",
    "original_value",
    "is_specialised",
    "is_open",
    "status",
    "has_rates",
    "has_policy",
    "has_manager",
    "has_service",
)


def _instruments(scope: Q, *, qualifying_only: bool) -> list[dict[str, Any]]:
    qs = Instrument.objects.filter(scope)
    if qualifying_only:
        qs = qs.filter(original_value__gte=THRESHOLD)
    managers = Instrument.managers.through.objects.filter(instrument_id=OuterRef("pk"))
    rates = (
        Q(internal_hourly_rate__gt=0)
        | Q(external_hourly_rate__gt=0)
        | Q(internal_sample_rate__gt=0)
        | Q(external_sample_rate__gt=0)
    )
    rows = (
        qs.annotate(
            has_rates=ExpressionWrapper(rates, output_field=BooleanField()),
            has_policy=Exists(BookingPolicy.objects.filter(instrument_id=OuterRef("pk"))),
            has_manager=Exists(managers),
            has_service=Exists(ServiceItem.objects.filter(instrument_id=OuterRef("pk"), active=True)),
        )
        .values_list(*INSTRUMENT_COLUMNS)
        .order_by("id")
    )
    return [dict(zip(INSTRUMENT_COLUMNS, row, strict=True)) for row in rows]


def _usage(scope: Q, start: datetime, end: datetime, cutoff: datetime) -> dict[int, dict[str, Any]]:
    """Per instrument: clipped effective and external hours, session counts, unrecorded sessions.

    Grouped by (instrument, is_external) so the clipped duration is computed once per row."""
    closed = Q(ended_at__isnull=False)
    rows = (
        UsageSession.objects.alias(started=Unindexed("started_at", DateTimeField()))
        .filter(scope, started__lt=end)
        .filter(Q(ended_at__gt=start) | Q(ended_at__isnull=True, started__gte=start))
        # Grouping by an expression, not the column, keeps SQLite from walking the (instrument,
        # started_at) index with one table lookup per row: a plain scan is faster for a whole year.
        .values(iid=ExpressionWrapper(F("instrument_id") + 0, output_field=IntegerField()), ext=F("is_external"))
        .order_by()
        .annotate(
            clipped_hours=Sum(ClippedHours(start, end), filter=closed),
            sessions=Count("id", filter=closed),
            unrecorded=Count("id", filter=Q(ended_at__isnull=True, started_at__lt=cutoff)),
        )
        .values_list("iid", "ext", "clipped_hours", "sessions", "unrecorded")
    )
    result: dict[int, dict[str, Any]] = {}
    for instrument_id, external, hours, sessions, unrecorded in rows:
        entry = result.setdefault(
            instrument_id,
            {"effective": 0.0, "external": 0.0, "sessions": 0, "external_sessions": 0, "unrecorded": 0},
        )
        entry["effective"] += hours or 0.0
        entry["sessions"] += sessions
        entry["unrecorded"] += unrecorded
        if external:
            entry["external"] += hours or 0.0
            entry["external_sessions"] += sessions
    return result


def _income(scope: Q, start: datetime, end: datetime) -> dict[int, dict[str, Any]]:
    rows = (
        Charge.objects.alias(occurred=Unindexed("occurred_at", DateTimeField()))
        .filter(scope, occurred__gte=start, occurred__lt=end)
        # as for sessions: grouping by an expression lets SQLite read only the covering index
        .values(iid=ExpressionWrapper(F("instrument_id") + 0, output_field=IntegerField()), is_ext=F("is_external"))
        .order_by()
        .annotate(total=Sum("amount"), n=Count("id"))
    )
    result: dict[int, dict[str, Any]] = defaultdict(lambda: {"internal": ZERO, "external": ZERO, "n": 0})
    for r in rows:
        entry = result[r["iid"]]
        entry["external" if r["is_ext"] else "internal"] += Decimal(r["total"] or 0)
        entry["n"] += r["n"]
    return result


def _downtime(scope: Q, start: datetime, end: datetime) -> dict[int, tuple[float, int]]:
    """Per instrument: hours of fault shutdowns (故障停机) within the year, clipped in SQL, and
    their number — one GROUP BY for the whole scope. Shutdowns of one instrument never overlap
    (services.shutdowns refuses it), so the sum counts each hour once."""
    rows = (
        Blackout.objects.filter(scope, kind=Blackout.Kind.SHUTDOWN, start__lt=end, end__gt=start)
        .values("instrument_id")
        .order_by()
        .annotate(hours=Sum(ClippedHours(start, end, "start", "end")), n=Count("id"))
        .values_list("instrument_id", "hours", "n")
    )
    return {iid: (hours or 0.0, n) for iid, hours, n in rows}


def available_benchmark(nominal: Decimal, downtime: Decimal, year_hours: Decimal) -> Decimal:
    """The benchmark less the share of the year the instrument was shut down:
    nominal × (year's hours − downtime) ÷ year's hours, to 0.01 h."""
    if not downtime:
        return nominal
    return max(ZERO, _q(nominal * (year_hours - downtime) / year_hours, HOURS))


def _hours(value: Any) -> Decimal:
    return _q(Decimal(repr(float(value or 0.0))), HOURS) if value else ZERO


def _evaluate(
    row: dict[str, Any],
    usage: dict[str, Any] | None,
    income: dict[str, Any] | None,
    downtime: tuple[float, int] | None = None,
    year_hours: Decimal = Decimal(8760),
) -> InstrumentOpenness:
    nominal = _benchmark(row["is_specialised"])
    down = min(_hours(downtime[0]), year_hours) if downtime else ZERO
    benchmark = available_benchmark(nominal, down, year_hours)
    item = InstrumentOpenness(
        id=row["id"],
        name=row["name"],
        owner_id=row["owner_id"],
        owner_name=row["owner__name"],
        province_code=row["province__code"],
        province_name=row["province__name"],
        original_value=row["original_value"],
        is_specialised=row["is_specialised"],
        qualifies=row["original_value"] >= THRESHOLD,
        benchmark_hours=benchmark,
        nominal_benchmark_hours=nominal,
        downtime_hours=down,
        shutdown_count=downtime[1] if downtime else 0,
    )
    if usage:
        item.effective_hours = _hours(usage["effective"])
        item.external_hours = min(_hours(usage["external"]), item.effective_hours)
        item.session_count = usage["sessions"]
        item.external_session_count = usage["external_sessions"]
        item.unrecorded_session_count = usage["unrecorded"]
    if income:
        item.income_internal = _q(income["internal"], MONEY)
        item.income_external = _q(income["external"], MONEY)
        item.charge_count = income["n"]
    if item.effective_hours:
        item.sharing_rate = _q(item.external_hours / item.effective_hours, RATIO)
    # shut down the whole year: no hours were available, so utilisation is 0 (not a division by 0)
    item.utilisation = _q(item.effective_hours / benchmark, RATIO) if benchmark else ZERO_RATIO
    item.criteria = {
        "open": bool(row["is_open"]) and row["status"] != Instrument.Status.RETIRED,
        "booking_policy": bool(row["has_policy"]),
        "fee_schedule": bool(row["has_rates"]) or bool(row["has_service"]),
        "manager": bool(row["has_manager"]),
        "no_unrecorded_use": item.unrecorded_session_count == 0,
    }
    return item


def instruments_openness(
    *,
    year: int,
    instrument_id: int | None = None,
    organization_id: int | None = None,
    province: str | None = None,
    qualifying_only: bool = True,
    now: datetime | None = None,
) -> list[InstrumentOpenness]:
    """The year's figures of every qualifying instrument in scope (one instrument, one owner, the
    owners of one province, or the whole region), in four aggregate queries."""
    start, end = year_bounds(year)
    now = now or timezone.now()
    cutoff = min(end, now - UNRECORDED_AFTER)
    scope = Q()
    related = Q()  # the same scope, seen from sessions and charges
    if instrument_id is not None:
        scope &= Q(pk=instrument_id)
        related &= Q(instrument_id=instrument_id)
    if organization_id is not None:
        scope &= Q(owner_id=organization_id)
        related &= Q(instrument__owner_id=organization_id)
    if province:  # the owner's province
        scope &= Q(owner__province__code=province)
        related &= Q(instrument__owner__province__code=province)
    rows = _instruments(scope, qualifying_only=qualifying_only)
    if not rows:
        return []
    usage = _usage(related, start, end, cutoff)
    income = _income(related, start, end)
    downtime = _downtime(related, start, end)
    year_hours = Decimal(int((end - start).total_seconds()) // 3600)
    return [_evaluate(r, usage.get(r["id"]), income.get(r["id"]), downtime.get(r["id"]), year_hours) for r in rows]


def instrument_openness(*, instrument_id: int, year: int, now: datetime | None = None) -> InstrumentOpenness:
    """One instrument's figures (also for one below the threshold: `qualifies` says whether it is
    evaluated), with the ids of the sessions and charges they came from."""
    items = instruments_openness(year=year, instrument_id=instrument_id, qualifying_only=False, now=now)
    if not items:
        raise NotFound()
    item = items[0]
    start, end = year_bounds(year)
    item.usage_session_ids = list(
        UsageSession.objects.filter(
            instrument_id=instrument_id, ended_at__isnull=False, started_at__lt=end, ended_at__gt=start
        )
        .order_by("started_at", "id")
        .values_list("id", flat=True)
    )
    item.charge_ids = list(
        Charge.objects.filter(instrument_id=instrument_id, occurred_at__gte=start, occurred_at__lt=end)
        .order_by("occurred_at", "id")
        .values_list("id", flat=True)
    )
    return item


def usage_in_year(*, instrument_id: int, year: int) -> list[dict[str, Any]]:
    """Drill-down: each session counted in an instrument's effective hours, with its hours within the year."""
    start, end = year_bounds(year)
    rows = (
        UsageSession.objects.filter(
            instrument_id=instrument_id, ended_at__isnull=False, started_at__lt=end, ended_at__gt=start
        )
        .annotate(hours_in_year=ClippedHours(start, end))
        .order_by("started_at", "id")
        .values("id", "user_id", "organization_id", "started_at", "ended_at", "is_external", "hours_in_year")
    )
    return [{**r, "hours_in_year": _hours(r["hours_in_year"])} for r in rows]


def _score(org: OrganizationOpenness) -> None:
    items = org.instruments
    n = len(items)
    org.effective_hours = sum((i.effective_hours for i in items), ZERO)
    org.external_hours = sum((i.external_hours for i in items), ZERO)
    org.income_internal = sum((i.income_internal for i in items), ZERO)
    org.income_external = sum((i.income_external for i in items), ZERO)
    org.criteria_met = {c: sum(1 for i in items if i.criteria.get(c)) for c in CRITERIA}
    if not n:
        return
    org.mean_utilisation = _q(sum((i.capped_utilisation for i in items), ZERO) / n, RATIO)
    if org.effective_hours:
        org.sharing_rate = _q(org.external_hours / org.effective_hours, RATIO)
    org.scores = Scores(
        operation=_q(OPERATION_POINTS * org.mean_utilisation, POINTS),
        sharing=_q(SHARING_POINTS * min(Decimal(1), org.sharing_rate / SHARING_TARGET), POINTS),
        management=_q(sum((CRITERION_POINTS * org.criteria_met[c] / n for c in CRITERIA), ZERO), POINTS),
    )


def _group(items: Iterable[InstrumentOpenness], year: int) -> list[OrganizationOpenness]:
    by_owner: dict[int, OrganizationOpenness] = {}
    for item in items:
        org = by_owner.get(item.owner_id)
        if org is None:
            org = by_owner[item.owner_id] = OrganizationOpenness(
                organization_id=item.owner_id,
                organization_name=item.owner_name,
                province_code="",
                province_name="",
                year=year,
                instruments=[],
            )
        org.instruments.append(item)
    return list(by_owner.values())


def _with_org_regions(orgs: list[OrganizationOpenness]) -> None:
    regions = dict(
        (pk, (code, name))
        for pk, code, name in Organization.objects.filter(pk__in=[o.organization_id for o in orgs]).values_list(
            "pk", "province__code", "province__name"
        )
    )
    for org in orgs:
        org.province_code, org.province_name = regions.get(org.organization_id, ("", ""))


def organization_openness(*, organization_id: int, year: int, now: datetime | None = None) -> OrganizationOpenness:
    """One owner organisation's evaluation (an organisation with no qualifying instrument has none:
    its instrument list is empty and its scores are 0)."""
    org = Organization.objects.select_related("province").filter(pk=organization_id).first()
    if org is None:
        raise NotFound()
    items = instruments_openness(year=year, organization_id=organization_id, now=now)
    result = OrganizationOpenness(
        organization_id=org.pk,
        organization_name=org.name,
        province_code=org.province.code,
        province_name=org.province.name,
        year=year,
        instruments=items,
    )
    _score(result)
    return result


def openness_ranking(
    *, year: int, province: str | None = None, now: datetime | None = None
) -> list[OrganizationOpenness]:
    """Every owner organisation with at least one qualifying instrument (in `province`: the
    organisations of that province), by total score; equal totals share a rank (1, 2, 2, 4)."""
    items = instruments_openness(year=year, province=province or None, now=now)
    orgs = _group(items, year)
    for org in orgs:
        _score(org)
    _with_org_regions(orgs)
    orgs.sort(key=lambda o: (-o.scores.total, o.organization_id))
    previous: Decimal | None = None
    for position, org in enumerate(orgs, start=1):
        org.rank = position if org.scores.total != previous else orgs[position - 2].rank
        previous = org.scores.total
    return orgs


# --- the ranking page: sorted and paged (the web page only; the XLSX keeps every row) -------------

RANKING_PAGE_SIZE = 50
# The columns people sort by: key → (sort key of an organisation, descending by default).
# Anything else in ?sort= falls back to the score.
RANKING_SORTS: dict[str, tuple[Any, bool]] = {
    "score": (lambda o: o.scores.total, True),
    "hours": (lambda o: o.effective_hours, True),
    "external": (lambda o: o.external_hours, True),
    "income": (lambda o: o.income_external, True),  # 对外服务收入: what sharing earns
    "name": (lambda o: o.organization_name, False),
}
RANKING_DEFAULT_SORT = "score"


def ranking_sort(sort: str | None, direction: str | None) -> tuple[str, bool]:
    """The whitelisted sort key and whether it runs descending (?dir=asc|desc, else its default)."""
    key = sort if sort in RANKING_SORTS else RANKING_DEFAULT_SORT
    descending = RANKING_SORTS[key][1]
    if direction in ("asc", "desc"):
        descending = direction == "desc"
    return key, descending


def ranking_page(
    ranking: list[OrganizationOpenness],
    *,
    sort: str | None = None,
    direction: str | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[OrganizationOpenness], bool, str, bool]:
    """One page of an already computed ranking in the chosen order (ties by rank, then id, so
    paging is stable): (rows, whether more follow, sort key, descending). The rank stays the
    score's rank whatever the order."""
    limit = limit or RANKING_PAGE_SIZE
    key, descending = ranking_sort(sort, direction)
    value = RANKING_SORTS[key][0]
    ordered = sorted(ranking, key=lambda o: (o.rank or 0, o.organization_id))
    ordered.sort(key=value, reverse=descending)  # stable: equal values keep the rank order
    rows = ordered[offset : offset + limit]
    return rows, offset + limit < len(ordered), key, descending
