"""Writes of the zones' figures and targets: a year's figures (create or update, by the zone's
management committee, its province or the office — `zone_year.fill`) and the office's
second-venture targets (`zone_target.manage`).

Every figure is checked against its indicator (nesta/zones/indicators.py): counts are whole and
bounded, amounts have at most two decimals, only 净利润 may be negative, and the cross-field
rules the database also holds (built ≤ planned area, high-tech and private firms ≤ firms, R&D
staff ≤ employees) are refused with a stable code before the database sees them.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nesta.core.audit import audit_record, diff, snapshot
from nesta.core.errors import Conflict, NotFound, ValidationFailed
from nesta.core.permissions import require
from nesta.core.transactions import write_transaction
from nesta.core.validators import bounded_int, clean_text, row_id
from nesta.directory.models import Organization, OrganizationKind
from nesta.zones.indicators import BY_KEY, INDICATORS, ZoneIndicator
from nesta.zones.models import ZoneTarget, ZoneYear
from nesta.zones.models.zones import COUNT_MAX, zone_target
from nesta.zones.selectors.private import counters_from_records

YEAR_MIN, YEAR_MAX = 1988, 2100
# exclusive; DecimalField(18, 2) holds 10^16, but SQLite keeps decimals as REAL (15 significant
# digits): a figure near 10^16 reads back rounded past 18 digits. 10^15 元 is 1,000 万亿元.
MONEY_MAX = Decimal(10) ** 15
AREA_MAX = Decimal(10) ** 7  # DecimalField(9, 2), exclusive
NOTE_MAX = 1000
YEAR_FIELDS = [*(i.key for i in INDICATORS), "note"]
TARGET_FIELDS = ["indicator", "baseline_year", "baseline_value", "target_year", "target_value", "note"]
# (smaller, larger, code, message): what the ZoneYear check constraints hold, said first here
CONSISTENCY = (
    ("built_area", "planned_area", "area_inconsistent", gettext_lazy("建成面积不能大于规划面积。")),
    ("high_tech_enterprises", "enterprises", "firms_inconsistent", gettext_lazy("高新技术企业不能多于入区企业。")),
    ("private_tech_enterprises", "enterprises", "firms_inconsistent", gettext_lazy("民营科技企业不能多于入区企业。")),
    ("rd_staff", "employees", "staff_inconsistent", gettext_lazy("研发人员不能多于年末从业人员。")),
)


def _fail(field: str, message: str, code: str = "invalid_zone_year") -> ValidationFailed:
    return ValidationFailed(message, code=code, details={field: [message]})


def _zone(zone_id: Any) -> Organization:
    pk = row_id(zone_id)
    zone = (
        Organization.objects.select_related("province").filter(pk=pk, kind=OrganizationKind.HIGH_TECH_ZONE).first()
        if pk
        else None
    )
    if zone is None:
        raise NotFound(_("未找到该高新区。"))
    return zone


def indicator_value(ind: ZoneIndicator, value: Any, *, field: str | None = None) -> Decimal | int:
    """One figure of `ind`, checked: a whole count, or a decimal amount (negative only for 净利润)."""
    name = field or ind.key
    if not ind.decimals:
        if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
            value = int(value)  # a target typed as 300.00 (forms and the API give decimals)
        return bounded_int(value, field=name, maximum=COUNT_MAX)
    if isinstance(value, bool) or value is None or value == "":
        raise _fail(name, _("应为数值。"))
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise _fail(name, _("数值格式有误：%(v)s") % {"v": str(value)[:40]}) from None
    if not number.is_finite():
        raise _fail(name, _("数值格式有误：%(v)s") % {"v": str(value)[:40]})
    if number < 0 and not ind.signed:
        raise _fail(name, _("不能为负数。"))
    bound = MONEY_MAX if ind.money or ind.key == "exports_usd" else AREA_MAX
    if abs(number) >= bound:
        raise _fail(name, _("数值过大。"))
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -ind.decimals:
        raise _fail(name, _("最多保留 %(n)d 位小数。") % {"n": ind.decimals})
    return number.quantize(Decimal(1).scaleb(-ind.decimals))


def _year_values(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key == "note":
            out["note"] = clean_text(value, field="note", max_length=NOTE_MAX)
        elif key in BY_KEY:
            if value is None:
                continue  # not given: kept as it is (0 for a new year)
            out[key] = indicator_value(BY_KEY[key], value)
        else:
            raise _fail(key, _("未知的指标：%(k)s") % {"k": str(key)[:40]}, "unknown_indicator")
    return out


def _consistent(row: ZoneYear) -> None:
    for smaller, larger, code, message in CONSISTENCY:
        if getattr(row, smaller) > getattr(row, larger):
            raise _fail(smaller, str(message), code)


def zone_year_save(*, actor: Any, zone_id: Any, year: Any, data: dict[str, Any]) -> tuple[ZoneYear, bool]:
    """Create or update the zone's figures of `year` (a year up to this one): the figures given
    replace the stored ones, those not given are kept. Returns (row, created)."""
    zone = _zone(zone_id)
    require(actor, "zone_year.fill", zone_target(zone))
    year = bounded_int(year, field="year", minimum=YEAR_MIN, maximum=min(YEAR_MAX, timezone.localdate().year))
    values = _year_values(data)
    user = actor if getattr(actor, "is_authenticated", False) else None
    with write_transaction():
        row = ZoneYear.objects.select_for_update().filter(zone=zone, year=year).first()
        created = row is None
        if row is None:
            row = ZoneYear(zone=zone, year=year)
        before = {} if created else snapshot(row, YEAR_FIELDS)
        for name, value in values.items():
            setattr(row, name, value)
        _consistent(row)
        row.updated_by = user
        try:
            row.save()
        except IntegrityError:  # a concurrent first save of the same year
            raise Conflict(
                _("该高新区 %(y)d 年度指标正由他人同时填报，请重试。") % {"y": year},
                code="zone_year_exists",
                details={"year": year},
            ) from None
        changes = diff(before, snapshot(row, YEAR_FIELDS))
        if created or changes:
            audit_record(
                actor=actor,
                action="zone_year.created" if created else "zone_year.updated",
                instance=row,
                changes=changes,
            )
    return row, created


def target_set(*, actor: Any, zone_id: Any, data: dict[str, Any]) -> tuple[ZoneTarget, bool]:
    """Set (create, or replace) the office's target for one indicator of a zone by a year. The
    baseline figure is copied from the zone's figures of the baseline year unless given."""
    zone = _zone(zone_id)
    require(actor, "zone_target.manage", zone_target(zone))
    key = data.get("indicator")
    ind = BY_KEY.get(key) if isinstance(key, str) else None
    if ind is None:
        raise _fail("indicator", _("未知的指标：%(k)s") % {"k": str(key)[:40]}, "unknown_indicator")
    baseline_year = bounded_int(data.get("baseline_year"), field="baseline_year", minimum=YEAR_MIN, maximum=YEAR_MAX)
    target_year = bounded_int(data.get("target_year"), field="target_year", minimum=YEAR_MIN, maximum=YEAR_MAX)
    if target_year <= baseline_year:
        raise _fail("target_year", _("目标年度应晚于基期年度。"), "invalid_target")
    target_value = indicator_value(ind, data.get("target_value"), field="target_value")
    note = clean_text(data.get("note"), field="note", max_length=NOTE_MAX)
    given = data.get("baseline_value")
    if given is not None and given != "":
        baseline_value: Decimal | int = indicator_value(ind, given, field="baseline_value")
    else:
        row = ZoneYear.objects.filter(zone=zone, year=baseline_year).first()
        if row is None:
            raise _fail(
                "baseline_value",
                _("该高新区没有 %(y)d 年度指标，请填写基期值。") % {"y": baseline_year},
                "no_baseline",
            )
        baseline_value = getattr(row, ind.key)
    if Decimal(target_value) == Decimal(baseline_value):
        raise _fail("target_value", _("目标值应不同于基期值。"), "invalid_target")
    user = actor if getattr(actor, "is_authenticated", False) else None
    with write_transaction():
        target = (
            ZoneTarget.objects.select_for_update().filter(zone=zone, indicator=ind.key, target_year=target_year).first()
        )
        created = target is None
        if target is None:
            target = ZoneTarget(zone=zone, indicator=ind.key, target_year=target_year)
        before = {} if created else snapshot(target, TARGET_FIELDS)
        target.baseline_year = baseline_year
        target.baseline_value = Decimal(baseline_value)
        target.target_value = Decimal(target_value)
        target.note = note
        target.set_by = user
        try:
            target.save()
        except IntegrityError:
            raise Conflict(
                _("该指标的目标正由他人同时设定，请重试。"), code="zone_target_exists", details={"field": "indicator"}
            ) from None
        target.refresh_from_db(fields=["baseline_value", "target_value"])
        changes = diff(before, snapshot(target, TARGET_FIELDS))
        if created or changes:
            audit_record(actor=actor, action="zone_target.set", instance=target, changes=changes)
    return target, created


def target_remove(*, actor: Any, target_id: Any) -> None:
    pk = row_id(target_id)
    with write_transaction():
        target = (
            ZoneTarget.objects.select_for_update(of=("self",)).select_related("zone__province").filter(pk=pk).first()
            if pk
            else None
        )
        if target is None:
            raise NotFound(_("未找到该目标。"))
        require(actor, "zone_target.manage", target.permission_target())
        audit_record(
            actor=actor,
            action="zone_target.removed",
            instance=target,
            changes=diff(snapshot(target, TARGET_FIELDS), {}),
        )
        target.delete()


def zone_counters_rebuild() -> int:
    """Recompute the zones' counters (zones_zonecounter, kept by triggers — migration 0002) from the
    records, after a load that bypassed the triggers (PostgreSQL's session_replication_role =
    replica) or as a repair; returns the number of rows written. Read and write are one
    transaction holding the table against the triggers' upserts (PostgreSQL: EXCLUSIVE lock;
    SQLite: the write gate), so a registration committed meanwhile is counted exactly once."""
    with write_transaction(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("LOCK TABLE zones_zonecounter IN EXCLUSIVE MODE")
        rows = counters_from_records()
        cur.execute("DELETE FROM zones_zonecounter")
        cols = "year, zone_id, private, contracts, contract_fen, awards, award_fen"
        items = [(*key, *values) for key, values in sorted(rows.items())]
        for start in range(0, len(items), 2000):  # 7 parameters a row, under SQLite's 32,766
            chunk = items[start : start + 2000]
            marks = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            cur.execute(f"INSERT INTO zones_zonecounter ({cols}) VALUES {marks}", [v for row in chunk for v in row])
    return len(items)
