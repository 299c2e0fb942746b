"""The budget view: plan, committed, paid and remaining money, always derived from the records.

- plan: the budget lines (FundingPlanLine), baseline + additional, by (year, programme, province);
  lines are disjoint allocations (a line with no programme or no province is money not yet
  allocated to one, shown as its own row).
- committed: the awards of applications that were funded and not given up — funded, in progress,
  in acceptance, closed: the full awarded amount; a project that failed its acceptance keeps only
  what was paid to it (the rest of its award is released). Plus interest-subsidy instalments that
  were approved or paid (a decided subsidy is money the zone's fund owes).
- paid: every Payment, and every subsidy instalment with a payment date.
- remaining = plan − committed (negative when more was committed than planned).

Year, programme and province of an award are its call's year and programme and the applicant's
province; a Payment and an instalment carry copies of them (recorded with the payment). The view
reads only small tables the database keeps itself, by triggers in the same transaction as every
insert, update and delete of the records (so bulk and raw writes stay right too), never edited:
programmes_paymentcell (Σ payments per year, programme, province — migration 0003),
programmes_awardcell (committed per call and province: full awards, and what was paid to failed
projects) and programmes_subsidycell (instalments committed and paid) — migration 0004. Seven
queries (plan, calls, the three cell tables, programme and province names) whatever the number of
records; budget_cells_drift() compares every cell with the plain aggregate (tests, benchmark) and
services.budget_cells.budget_cells_rebuild() recomputes them after a load that bypassed triggers.

Who sees what: `budget.view` — the office and finance everywhere, a province's staff their own
province (asking for another is 403; without a filter they see theirs).
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from nesta.core.errors import NotAuthenticated, PermissionDenied, ValidationFailed
from nesta.core.models import Region
from nesta.core.permissions import POLICY, Scope, Target, grants_of, require
from nesta.programmes.models import (
    Application,
    ApplicationStatus,
    Call,
    FundingPlanLine,
    Payment,
    Programme,
    Project,
    StatementStatus,
    SubsidyInstalment,
)

S = ApplicationStatus
# an award counts in full while the project is on or done; a failed one keeps what was paid
FULL_AWARD = (S.FUNDED, S.IN_PROGRESS, S.ACCEPTANCE, S.CLOSED)
PAID_ONLY = (S.FAILED,)
SUBSIDY_COMMITTED = (StatementStatus.APPROVED, StatementStatus.PAID)
ZERO = Decimal("0.00")
YEAR_MIN, YEAR_MAX = 2000, 2100

Key = tuple[int, int | None, int | None]  # (year, programme id, province id)


@dataclass
class Figures:
    """One row or one total of the view."""

    key: str
    label: str
    plan: Decimal = ZERO
    committed: Decimal = ZERO
    paid: Decimal = ZERO
    year: int | None = None
    programme: str | None = None  # code
    province: str | None = None  # code

    @property
    def remaining(self) -> Decimal:
        return self.plan - self.committed

    @property
    def committed_share(self) -> Decimal | None:
        """Committed in percent of the plan (None without a plan)."""
        return (self.committed * 100 / self.plan).quantize(Decimal("0.1")) if self.plan else None

    @property
    def paid_share(self) -> Decimal | None:
        return (self.paid * 100 / self.plan).quantize(Decimal("0.1")) if self.plan else None

    def add(self, other: "Figures") -> None:
        self.plan += other.plan
        self.committed += other.committed
        self.paid += other.paid

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "programme": self.programme,
            "province": self.province,
            "label": self.label,
            "plan": self.plan,
            "committed": self.committed,
            "paid": self.paid,
            "remaining": self.remaining,
        }


@dataclass
class BudgetView:
    year: int | None
    province: str | None
    programme: str | None
    total: Figures
    rows: list[Figures]
    by_programme: list[Figures] = field(default_factory=list)
    by_province: list[Figures] = field(default_factory=list)
    by_year: list[Figures] = field(default_factory=list)
    provinces: list[tuple[str, str]] = field(default_factory=list)  # the viewer's choices
    programmes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def plan(self) -> Decimal:
        return self.total.plan

    @property
    def committed(self) -> Decimal:
        return self.total.committed

    @property
    def paid(self) -> Decimal:
        return self.total.paid

    @property
    def remaining(self) -> Decimal:
        return self.total.remaining


def visible_provinces(viewer: Any) -> set[str] | None:
    """The province codes whose budget the viewer may see: None = every province (office,
    finance); 401/403 for someone with no budget.view at all."""
    allowed = POLICY["budget.view"]
    codes: set[str] = set()
    for grant in grants_of(viewer):
        scope = allowed.get(grant.role)
        if scope == Scope.ALL:
            return None
        if scope == Scope.PROVINCE and grant.province_code:
            codes.add(grant.province_code)
    if not codes:
        if not getattr(viewer, "is_authenticated", False):
            raise NotAuthenticated()
        raise PermissionDenied(details={"action": "budget.view"})
    return codes


def _dec(value: Any) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01")) if value is not None else ZERO


def budget_view(
    *, viewer: Any, year: int | None = None, province: str | None = None, programme: str | None = None
) -> BudgetView:
    """The view for the filters (each optional): year, province code, programme code."""
    if year is not None and not (YEAR_MIN <= year <= YEAR_MAX):
        raise ValidationFailed(details={"year": [_("年度应在 2000 到 2100 之间。")]})
    visible = visible_provinces(viewer)
    if province:
        require(viewer, "budget.view", Target(province_code=province))
    programmes = {p.pk: p for p in Programme.objects.only("pk", "code", "name", "sort_order")}
    regions = {r.pk: r for r in Region.objects.filter(level=Region.Level.PROVINCE).only("pk", "code", "name")}
    by_code = {r.code: r for r in regions.values()}
    programme_ids = {p.code: p.pk for p in programmes.values()}
    if province and province not in by_code:
        raise ValidationFailed(details={"province": [_("未知的省份代码：%(c)s") % {"c": province[:20]}]})
    if programme and programme not in programme_ids:
        raise ValidationFailed(details={"programme": [_("未知的科技计划：%(c)s") % {"c": programme[:40]}]})

    # the same filter on every source, on its own columns
    province_ids: list[int] | None = None
    if province:
        province_ids = [by_code[province].pk]
    elif visible is not None:
        province_ids = [by_code[c].pk for c in sorted(visible) if c in by_code]
    programme_id = programme_ids[programme] if programme else None

    def where(year_col: str, programme_col: str, province_col: str) -> Q:
        q = Q()
        if year is not None:
            q &= Q(**{year_col: year})
        if programme_id is not None:
            q &= Q(**{programme_col: programme_id})
        if province_ids is not None:
            q &= Q(**{f"{province_col}__in": province_ids})
        return q

    cells: dict[Key, Figures] = {}

    def cell(key: Key) -> Figures:
        if key not in cells:
            cells[key] = Figures(key="", label="", year=key[0])
        return cells[key]

    plan = (
        FundingPlanLine.objects.filter(where("year", "programme_id", "province_id"))
        .values_list("year", "programme_id", "province_id")
        .annotate(planned=Sum(F("baseline_amount") + F("additional_amount")))
        .order_by()
    )
    for y, prog, prov, total in plan:
        cell((y, prog, prov)).plan += _dec(total)

    # committed awards per (call, province) from the cells the triggers keep (migration 0004),
    # failed projects' payments included; the calls, a few dozen, give year and programme
    call_where = Q(year=year) if year is not None else Q()
    if programme_id is not None:
        call_where &= Q(programme_id=programme_id)
    calls = {pk: (y, prog) for pk, y, prog in Call.objects.filter(call_where).values_list("pk", "year", "programme_id")}
    for call_id, prov, fen in _award_cells(list(calls) if call_where else None, province_ids):
        if call_id in calls:
            y, prog = calls[call_id]
            cell((y, prog, prov)).committed += Decimal(fen) / 100

    for y, prog, prov, fen in _payment_cells(year, programme_id, province_ids):
        cell((y, prog, prov)).paid += Decimal(fen) / 100

    for y, prog, prov, committed_fen, paid_fen in _subsidy_cells(year, programme_id, province_ids):
        c = cell((y, prog, prov))
        c.committed += Decimal(committed_fen) / 100
        c.paid += Decimal(paid_fen) / 100

    return _assemble(cells, programmes, regions, year, province, programme, visible, by_code)


def _read(sql: str, clauses: list[str], params: list[Any]) -> list[tuple[int, ...]]:
    with connection.cursor() as cur:
        cur.execute(sql + " WHERE " + " AND ".join(f"({c})" for c in clauses), params)
        return [tuple(int(v) for v in row) for row in cur.fetchall()]


def _in(column: str, ids: list[int], clauses: list[str], params: list[Any]) -> None:
    clauses.append(f"{column} IN ({', '.join(['%s'] * len(ids))})")
    params.extend(ids)


def _cell_filter(
    year: int | None, programme_id: int | None, province_ids: list[int] | None, nonzero: str
) -> tuple[list[str], list[Any]] | None:
    """WHERE clauses on a (year, programme, province) cell table; None when nothing can match."""
    clauses, params = [nonzero], list[Any]()
    if year is not None:
        clauses.append("year = %s")
        params.append(year)
    if programme_id is not None:
        clauses.append("programme_id = %s")
        params.append(programme_id)
    if province_ids is not None:
        if not province_ids:
            return None
        _in("province_id", province_ids, clauses, params)
    return clauses, params


def _payment_cells(year: int | None, programme_id: int | None, province_ids: list[int] | None) -> list[tuple[int, ...]]:
    """Σ payments per (year, programme, province) in 分, from the cells the database's triggers
    keep on programmes_payment (migration 0003): tens of rows instead of a million payments."""
    where = _cell_filter(year, programme_id, province_ids, "payments <> 0 OR amount_fen <> 0")
    if where is None:
        return []
    sql = "SELECT year, programme_id, province_id, amount_fen FROM programmes_paymentcell"
    return _read(sql, *where)


def _award_cells(call_ids: list[int] | None, province_ids: list[int] | None) -> list[tuple[int, ...]]:
    """Committed money per (call, province) in 分 (migration 0004): every award funded and on, and
    what was paid to failed projects — tens of rows instead of 100,000 applications."""
    clauses, params = ["committed_fen <> 0"], list[Any]()
    for column, ids in (("call_id", call_ids), ("province_id", province_ids)):
        if ids is not None:
            if not ids:
                return []
            _in(column, ids, clauses, params)
    return _read("SELECT call_id, province_id, committed_fen FROM programmes_awardcell", clauses, params)


def _subsidy_cells(year: int | None, programme_id: int | None, province_ids: list[int] | None) -> list[tuple[int, ...]]:
    """Interest subsidies committed and paid per (year, programme, province) in 分 (migration 0004)."""
    where = _cell_filter(year, programme_id, province_ids, "committed_fen <> 0 OR paid_fen <> 0")
    if where is None:
        return []
    sql = "SELECT year, programme_id, province_id, committed_fen, paid_fen FROM programmes_subsidycell"
    return _read(sql, *where)


def payment_cells_drift() -> list[dict[str, Any]]:
    """The cells whose stored sum differs from the plain aggregate of the payments (none, unless the
    triggers were bypassed): the tests' and the benchmark's check."""
    plain = {
        (y, p, r): (n, int((total * 100).to_integral_value()))
        for y, p, r, n, total in Payment.objects.values_list("year", "programme_id", "province_id")
        .annotate(n=Count("pk"), total=Sum("amount"))
        .order_by()
    }
    with connection.cursor() as cur:
        cur.execute("SELECT year, programme_id, province_id, payments, amount_fen FROM programmes_paymentcell")
        stored = {(int(y), int(p), int(r)): (int(n), int(f)) for y, p, r, n, f in cur.fetchall()}
    keys = set(plain) | {k for k, v in stored.items() if v != (0, 0)}
    return [
        {"cell": k, "payments": plain.get(k), "stored": stored.get(k)}
        for k in sorted(keys)
        if plain.get(k, (0, 0)) != stored.get(k, (0, 0))
    ]


def _fen(amount: Decimal | None) -> int:
    return int((amount * 100).to_integral_value()) if amount is not None else 0


def _stored(sql: str) -> dict[tuple[int, ...], tuple[int, ...]]:
    """A cell table's rows: key columns → amounts; all-zero rows are as good as absent."""
    with connection.cursor() as cur:
        cur.execute(sql)
        return {k: v for k, v in ((tuple(map(int, r[:-1])), (int(r[-1]),)) for r in cur.fetchall())}


def _differences(kind: str, plain: dict, stored: dict, zero: tuple[int, ...]) -> list[dict[str, Any]]:
    keys = {k for k, v in plain.items() if v != zero} | {k for k, v in stored.items() if v != zero}
    return [
        {"table": kind, "cell": k, "plain": plain.get(k), "stored": stored.get(k)}
        for k in sorted(keys)
        if plain.get(k, zero) != stored.get(k, zero)
    ]


def budget_cells_drift() -> list[dict[str, Any]]:
    """Every cell (payments, awards, subsidies) whose stored sum differs from the plain aggregate of
    the records — none unless the triggers were bypassed: the tests' and the benchmark's check."""
    out = [{"table": "payments", **d} for d in payment_cells_drift()]
    awards: dict[tuple[int, ...], tuple[int, ...]] = {}
    full = (
        Application.objects.filter(status__in=FULL_AWARD)
        .values_list("call_id", "province_id")
        .annotate(total=Sum("awarded_amount"))
        .order_by()
    )
    kept = (
        Payment.objects.filter(project__application__status__in=PAID_ONLY)
        .values_list("project__application__call_id", "project__application__province_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for call_id, prov, total in [*full, *kept]:
        awards[(call_id, prov)] = (awards.get((call_id, prov), (0,))[0] + _fen(total),)
    stored = _stored("SELECT call_id, province_id, committed_fen FROM programmes_awardcell")
    out += _differences("awards", awards, stored, (0,))
    subsidies = {
        (y, p, r): (_fen(c), _fen(pd))
        for y, p, r, c, pd in SubsidyInstalment.objects.values_list("year", "programme_id", "province_id")
        .annotate(
            c=Sum("amount", filter=Q(statement__status__in=SUBSIDY_COMMITTED)),
            pd=Sum("amount", filter=Q(paid_on__isnull=False)),
        )
        .order_by()
    }
    with connection.cursor() as cur:
        cur.execute("SELECT year, programme_id, province_id, committed_fen, paid_fen FROM programmes_subsidycell")
        stored_subsidies = {(int(y), int(p), int(r)): (int(c), int(pd)) for y, p, r, c, pd in cur.fetchall()}
    return out + _differences("subsidies", subsidies, stored_subsidies, (0, 0))


def _programme_label(p: Programme | None) -> str:
    return p.name if p is not None else str(_("未分配到计划"))


def _province_label(r: Region | None) -> str:
    return r.name if r is not None else str(_("未分省"))


def _assemble(
    cells: dict[Key, Figures],
    programmes: dict[int, Programme],
    regions: dict[int, Region],
    year: int | None,
    province: str | None,
    programme: str | None,
    visible: set[str] | None,
    by_code: dict[str, Region],
) -> BudgetView:
    def prog_sort(pid: int | None) -> tuple[int, int]:
        p = programmes.get(pid) if pid is not None else None
        return (1, 0) if p is None else (0, p.sort_order)

    def prov_sort(rid: int | None) -> str:
        r = regions.get(rid) if rid is not None else None
        return r.code if r is not None else "999999"

    rows: list[Figures] = []
    total = Figures(key="total", label=str(_("合计")), year=year, programme=programme, province=province)
    groups: dict[str, dict[Any, Figures]] = {"programme": {}, "province": {}, "year": {}}
    for (y, pid, rid), f in sorted(cells.items(), key=lambda kv: (-kv[0][0], prog_sort(kv[0][1]), prov_sort(kv[0][2]))):
        p = programmes.get(pid) if pid is not None else None
        r = regions.get(rid) if rid is not None else None
        f.key = f"{y}/{p.code if p else '-'}/{r.code if r else '-'}"
        f.programme = p.code if p else None
        f.province = r.code if r else None
        f.label = f"{_programme_label(p)} · {_province_label(r)}"
        rows.append(f)
        total.add(f)
        for kind, gkey, label, code in (
            ("programme", pid, _programme_label(p), f.programme),
            ("province", rid, _province_label(r), f.province),
            ("year", y, str(y), None),
        ):
            g = groups[kind].get(gkey)
            if g is None:
                g = groups[kind][gkey] = Figures(key=str(code or gkey or "-"), label=label)
                if kind == "programme":
                    g.programme = code
                elif kind == "province":
                    g.province = code
                else:
                    g.year = y
            g.add(f)
    shown = sorted(by_code) if visible is None else sorted(c for c in visible if c in by_code)
    return BudgetView(
        year=year,
        province=province,
        programme=programme,
        total=total,
        rows=rows,
        by_programme=[groups["programme"][k] for k in sorted(groups["programme"], key=prog_sort)],
        by_province=[groups["province"][k] for k in sorted(groups["province"], key=prov_sort)],
        by_year=[groups["year"][k] for k in sorted(groups["year"], reverse=True)],
        provinces=[(c, by_code[c].name) for c in shown],
        programmes=[(p.code, p.name) for p in sorted(programmes.values(), key=lambda p: p.sort_order)],
    )


def naive_budget_totals() -> dict[str, Decimal]:
    """The whole Action's figures the slow way (every record read into Python): the benchmark's
    baseline and the tests' cross-check of budget_view."""
    plan = sum((x.baseline_amount + x.additional_amount for x in FundingPlanLine.objects.all()), ZERO)
    committed = ZERO
    for app in Application.objects.filter(status__in=FULL_AWARD).only("awarded_amount"):
        committed += app.awarded_amount or ZERO
    failed = set(Project.objects.filter(application__status__in=PAID_ONLY).values_list("pk", flat=True))
    paid = ZERO
    for project_id, amount in Payment.objects.values_list("project_id", "amount").iterator(chunk_size=20_000):
        paid += amount
        if project_id in failed:
            committed += amount
    for inst in SubsidyInstalment.objects.select_related("statement"):
        if inst.statement.status in SUBSIDY_COMMITTED:
            committed += inst.amount
        if inst.paid_on is not None:
            paid += inst.amount
    return {"plan": plan, "committed": committed, "paid": paid, "remaining": plan - committed}
