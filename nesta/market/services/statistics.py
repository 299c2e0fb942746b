"""Keeping the contract statistics cells (`ContractStat`) in step with registrations.

`record_registration` runs inside the registration's own transaction (the caller's
`write_transaction()`), so a registration and its statistics commit or roll back together. It is
one `INSERT … ON CONFLICT … DO UPDATE SET contracts = contracts + 1, …` of seven rows (one per
dimension): the database adds under its own row lock, so concurrent registrations never lose an
increment on SQLite or PostgreSQL, and nothing reads a cell before writing it.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import BigIntegerField, F, Q, Value
from django.utils import timezone

from nesta.core.transactions import write_transaction
from nesta.market.models import ContractStat, TechContract
from nesta.market.models.contracts import party_area

D = ContractStat.Dimension

_KEY_FIELDS = ("year", "month", "point_province", "dimension", "key", "key2")
Cell = tuple[int, int, str, str, str, str]
area_of = party_area


def to_fen(amount: Decimal | int | float | None) -> int:
    return int((Decimal(str(amount or 0)) * 100).to_integral_value())


def _month_of(registered_at: datetime | None) -> tuple[int, int]:
    # statistics count by registration date in China's time zone (登记年度)
    moment = timezone.localtime(registered_at) if registered_at else timezone.localtime()
    return moment.year, moment.month


def cells_of(
    *,
    year: int,
    month: int,
    point_province: str,
    contract_type: str,
    tech_field: str,
    ip_type: str,
    seller_nature: str,
    buyer_nature: str,
    plan_source: str,
    seller_area: str,
    buyer_area: str,
) -> list[Cell]:
    """The seven cells one registered contract adds to."""
    head = (year, month, point_province)
    return [
        (*head, D.TYPE.value, contract_type, ""),
        (*head, D.FIELD.value, tech_field, ""),
        (*head, D.IP.value, ip_type, ""),
        (*head, D.SELLER_NATURE.value, seller_nature, ""),
        (*head, D.BUYER_NATURE.value, buyer_nature, ""),
        (*head, D.PLAN.value, plan_source, ""),
        (*head, D.FLOW.value, seller_area, buyer_area),
    ]


def _point_province(contract: TechContract) -> str:
    # the point's province is cached on the contract when the caller loaded it with the point
    point = contract.point
    return point.province.code


def contract_cells(contract: TechContract) -> list[Cell]:
    year, month = _month_of(contract.registered_at)
    return cells_of(
        year=year,
        month=month,
        point_province=_point_province(contract),
        contract_type=contract.contract_type,
        tech_field=contract.tech_field,
        ip_type=contract.ip_type,
        seller_nature=contract.seller_nature,
        buyer_nature=contract.buyer_nature,
        plan_source=contract.plan_source,
        seller_area=area_of(contract.seller_region, contract.seller_country),
        buyer_area=area_of(contract.buyer_region, contract.buyer_country),
    )


def upsert_cells(rows: Iterable[tuple[Cell, int, int, int]]) -> None:
    """Add (contracts, contract fen, technology fen) to each cell in one statement per batch of
    rows. Rows of one batch must be distinct cells (ON CONFLICT may touch a row once)."""
    rows = list(rows)
    if not rows:
        return
    qn = connection.ops.quote_name
    table = qn(ContractStat._meta.db_table)
    keys = ", ".join(qn(f) for f in _KEY_FIELDS)
    values_cols = f"{keys}, {qn('contracts')}, {qn('contract_fen')}, {qn('technology_fen')}"
    adds = ", ".join(
        f"{qn(c)} = {table}.{qn(c)} + excluded.{qn(c)}" for c in ("contracts", "contract_fen", "technology_fen")
    )
    # 9 parameters a row; SQLite allows 32,766 parameters a statement
    batch = 3000
    with connection.cursor() as cur:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            params: list = []
            for cell, n, contract_fen, technology_fen in chunk:
                params += [*cell, n, contract_fen, technology_fen]
            cur.execute(
                f"INSERT INTO {table} ({values_cols}) VALUES {placeholders} ON CONFLICT ({keys}) DO UPDATE SET {adds}",
                params,
            )


def record_registration(contract: TechContract) -> None:
    """Add one registered contract to its cells, inside the caller's transaction."""
    contract_fen = to_fen(contract.contract_amount)
    technology_fen = to_fen(contract.technology_amount)
    with write_transaction():
        upsert_cells((cell, 1, contract_fen, technology_fen) for cell in contract_cells(contract))


def unrecord_registration(contract: TechContract) -> None:
    """Take a registered contract back out of its cells (a registration revoked or corrected);
    the inverse of `record_registration`, for the same contract as it was recorded."""
    contract_fen = to_fen(contract.contract_amount)
    technology_fen = to_fen(contract.technology_amount)
    cells_of_contract = contract_cells(contract)
    year, month, province = cells_of_contract[0][:3]
    # the shared (year, month, province) prefix first, so the unique index finds the seven rows
    match = Q(year=year, month=month, point_province=province) & reduce(
        or_, (Q(dimension=c[3], key=c[4], key2=c[5]) for c in cells_of_contract)
    )
    with write_transaction():
        cells = ContractStat.objects.filter(match, contracts__gte=1)
        # Values typed as bigint: with server-side binding Django sends a bare Python int as int4,
        # which PostgreSQL wraps modulo 2^32 (9,999,999,999 fen became 1,410,065,407)
        cells.update(
            contracts=F("contracts") - 1,
            contract_fen=F("contract_fen") - Value(contract_fen, output_field=BigIntegerField()),
            technology_fen=F("technology_fen") - Value(technology_fen, output_field=BigIntegerField()),
        )
        ContractStat.objects.filter(match, contracts=0).delete()


def rebuild_statistics(*, year: int | None = None) -> int:
    """Recompute the cells (all, or one year's) from the registered contracts; returns the number
    of cells written. For repair, demo data and bulk loads: one pass over the contracts, summed in
    Python (the same area and month rules as a single registration), then bulk upserts.

    Read and write are one transaction that holds the cells' write lock throughout (SQLite: the
    write gate; PostgreSQL: the table locked against upserts), so a registration committed while
    it runs is counted exactly once: either seen by the read, or added after the rebuild commits."""
    with write_transaction():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute(f"LOCK TABLE {connection.ops.quote_name(ContractStat._meta.db_table)} IN EXCLUSIVE MODE")
        totals = _sum_contracts(year)
        stale = ContractStat.objects.all()
        if year is not None:
            stale = stale.filter(year=year)
        stale.delete()
        upsert_cells((cell, t[0], t[1], t[2]) for cell, t in totals.items())
    return len(totals)


def _sum_contracts(year: int | None) -> dict[Cell, list[int]]:
    totals: dict[Cell, list[int]] = defaultdict(lambda: [0, 0, 0])
    contracts = TechContract.objects.filter(status=TechContract.Status.REGISTERED)
    if year is not None:
        contracts = contracts.filter(registered_at__year=year)
    rows = contracts.values_list(
        "registered_at",
        "point__province__code",
        "contract_type",
        "tech_field",
        "ip_type",
        "seller_nature",
        "buyer_nature",
        "plan_source",
        "seller_region",
        "seller_country",
        "buyer_region",
        "buyer_country",
        "contract_amount",
        "technology_amount",
    ).order_by()
    for (
        registered_at,
        province,
        contract_type,
        tech_field,
        ip_type,
        seller_nature,
        buyer_nature,
        plan_source,
        seller_region,
        seller_country,
        buyer_region,
        buyer_country,
        contract_amount,
        technology_amount,
    ) in rows.iterator(chunk_size=20000):
        y, m = _month_of(registered_at)
        if year is not None and y != year:
            continue
        contract_fen, technology_fen = to_fen(contract_amount), to_fen(technology_amount)
        for cell in cells_of(
            year=y,
            month=m,
            point_province=province,
            contract_type=contract_type,
            tech_field=tech_field,
            ip_type=ip_type,
            seller_nature=seller_nature,
            buyer_nature=buyer_nature,
            plan_source=plan_source,
            seller_area=area_of(seller_region, seller_country),
            buyer_area=area_of(buyer_region, buyer_country),
        ):
            t = totals[cell]
            t[0] += 1
            t[1] += contract_fen
            t[2] += technology_fen
    return totals
