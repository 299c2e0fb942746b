"""A year's technology-contract statistics, read from the cells (`ContractStat`).

Public figures (`statistics.view` is public): no restriction by user. Five queries whatever the
number of contracts — the breakdowns of the year and the previous year, the months, the flows,
the province names and the years that have data — over a few thousand cells.

Flows (技术流向) follow the national statistics: 输出 of a province is the contracts whose seller
is in it, by where the buyer is; 吸纳 is the contracts whose buyer is in it, by where the seller
is. Both count contracts registered anywhere on the platform, so they are not restricted to the
registration point's province. A Chinese party without a region counts as 国内其他省份.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from nesta.core.models import Region
from nesta.market.models import (
    CONTRACT_FAMILY,
    CONTRACT_FAMILY_LABELS,
    ContractStat,
    ContractType,
    IPType,
    PartyNature,
    PlanSource,
    TechField,
)
from nesta.market.models.contracts import NORTHEAST

D = ContractStat.Dimension
MIN_YEAR, MAX_YEAR = 2000, 2100
HUNDRED = Decimal(100)

FLOW_BANDS = (
    ("within", _("本省")),
    ("northeast", _("东北其他省份")),
    ("china", _("国内其他省份")),
    ("abroad", _("境外")),
)

DIMENSION_CHOICES = {
    D.FIELD: TechField.choices,
    D.IP: IPType.choices,
    D.SELLER_NATURE: PartyNature.choices,
    D.BUYER_NATURE: PartyNature.choices,
    D.PLAN: PlanSource.choices,
}


def _yoy(now: int | Decimal, before: int | Decimal) -> Decimal | None:
    """Change against the previous year in percent, one decimal; None when there is nothing to
    compare with."""
    if not before:
        return None
    return ((Decimal(now) - Decimal(before)) * HUNDRED / Decimal(before)).quantize(Decimal("0.1"))


@dataclass
class Figures:
    """Contracts and amounts (元) of one line of a table, with the previous year's."""

    key: str
    label: str | Promise  # a lazy translation until shown
    contracts: int = 0
    contract_amount: Decimal = Decimal(0)
    technology_amount: Decimal = Decimal(0)
    prev_contracts: int = 0
    prev_contract_amount: Decimal = Decimal(0)
    prev_technology_amount: Decimal = Decimal(0)
    children: list["Figures"] = field(default_factory=list)

    @property
    def contracts_yoy(self) -> Decimal | None:
        return _yoy(self.contracts, self.prev_contracts)

    @property
    def contract_amount_yoy(self) -> Decimal | None:
        return _yoy(self.contract_amount, self.prev_contract_amount)

    @property
    def technology_amount_yoy(self) -> Decimal | None:
        return _yoy(self.technology_amount, self.prev_technology_amount)

    def add(self, *, previous: bool, contracts: int, contract_fen: int, technology_fen: int) -> None:
        if previous:
            self.prev_contracts += contracts
            self.prev_contract_amount += Decimal(contract_fen) / HUNDRED
            self.prev_technology_amount += Decimal(technology_fen) / HUNDRED
        else:
            self.contracts += contracts
            self.contract_amount += Decimal(contract_fen) / HUNDRED
            self.technology_amount += Decimal(technology_fen) / HUNDRED

    def as_dict(self) -> dict:
        data = {
            "key": self.key,
            "label": str(self.label),
            "contracts": self.contracts,
            "contract_amount": self.contract_amount,
            "technology_amount": self.technology_amount,
            "previous": {
                "contracts": self.prev_contracts,
                "contract_amount": self.prev_contract_amount,
                "technology_amount": self.prev_technology_amount,
            },
            "yoy": {
                "contracts": self.contracts_yoy,
                "contract_amount": self.contract_amount_yoy,
                "technology_amount": self.technology_amount_yoy,
            },
        }
        if self.children:
            data["children"] = [child.as_dict() for child in self.children]
        return data


@dataclass
class ProvinceFlows:
    province: str
    name: str
    output: list[Figures]  # 输出: sellers in the province, by the buyer's area
    absorption: list[Figures]  # 吸纳: buyers in the province, by the seller's area

    def as_dict(self) -> dict:
        return {
            "province": self.province,
            "name": self.name,
            "output": [f.as_dict() for f in self.output],
            "absorption": [f.as_dict() for f in self.absorption],
        }


@dataclass
class YearStatistics:
    year: int
    province: str  # the registration point's province, "" for all
    province_name: str
    total: Figures
    by_family: list[Figures]  # the five families, each with its sub-types as children
    by_field: list[Figures]
    by_ip: list[Figures]
    by_seller_nature: list[Figures]
    by_buyer_nature: list[Figures]
    by_plan: list[Figures]
    by_month: list[Figures]  # 1..12, each with the same month of the previous year
    flows: list[ProvinceFlows]
    years: list[int]  # years that have registered contracts (for the year selector)
    provinces: list[tuple[str, str]]  # (code, name) of the provinces (for the province selector)

    TABLES = (
        ("by_family", _("按合同类型")),
        ("by_field", _("按技术领域")),
        ("by_ip", _("按知识产权类型")),
        ("by_seller_nature", _("按卖方性质")),
        ("by_buyer_nature", _("按买方性质")),
        ("by_plan", _("按计划来源")),
        ("by_month", _("按月份")),
    )

    def tables(self) -> list[tuple[str, str, list[Figures]]]:
        return [(key, str(title), getattr(self, key)) for key, title in self.TABLES]

    def as_dict(self) -> dict:
        return {
            "year": self.year,
            "province": self.province or None,
            "province_name": self.province_name,
            "total": self.total.as_dict(),
            **{key: [f.as_dict() for f in getattr(self, key)] for key, _title in self.TABLES},
            "flows": [f.as_dict() for f in self.flows],
            "years": self.years,
        }


def _lines(choices, extra_keys) -> tuple[list[Figures], dict[str, Figures]]:
    lines = [Figures(key=str(value), label=label) for value, label in choices]
    index = {f.key: f for f in lines}
    for key in sorted(set(extra_keys) - set(index)):  # values no longer among the choices
        index[key] = Figures(key=key, label=key)
        lines.append(index[key])
    return lines, index


def _band(home: str, other: str) -> str:
    if other.startswith("X"):
        return "abroad"
    if other == home:
        return "within"
    if other in NORTHEAST:
        return "northeast"
    return "china"


def provinces() -> list[tuple[str, str]]:
    return list(Region.objects.filter(level=Region.Level.PROVINCE).order_by("code").values_list("code", "name"))


def statistics_years() -> list[int]:
    return sorted(ContractStat.objects.order_by().values_list("year", flat=True).distinct(), reverse=True)


def default_year() -> int:
    """The latest year with registered contracts, or this year (Beijing) when there is none."""
    latest = ContractStat.objects.order_by("-year").values_list("year", flat=True).first()
    return latest or timezone.localdate().year


def year_statistics(
    year: int,
    province: str | None = None,
    *,
    known_years: list[int] | None = None,
    known_provinces: list[tuple[str, str]] | None = None,
) -> YearStatistics:
    """The year's statistics, optionally of the registration points in one province, beside the
    previous year's. A caller that read the years and provinces already (for its filter) passes
    them in."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"year out of range: {year}")
    years = (year, year - 1)
    sums = dict(contracts=Sum("contracts"), contract_fen=Sum("contract_fen"), technology_fen=Sum("technology_fen"))
    cells = ContractStat.objects.filter(year__in=years).order_by()
    scoped = cells.filter(point_province=province) if province else cells

    # 1. every breakdown but the flows, this year and last
    breakdown = list(
        scoped.exclude(dimension=D.FLOW)
        .values_list("year", "dimension", "key")
        .annotate(**sums)
        .values_list("year", "dimension", "key", "contracts", "contract_fen", "technology_fen")
    )
    # 2. the months (every contract is in exactly one "type" cell)
    months = list(
        scoped.filter(dimension=D.TYPE)
        .values_list("year", "month")
        .annotate(**sums)
        .values_list("year", "month", "contracts", "contract_fen", "technology_fen")
    )
    # 3. the flows: area pairs, over every registration point
    flow_cells = cells.filter(dimension=D.FLOW)
    if province:
        flow_cells = flow_cells.filter(Q(key=province) | Q(key2=province))
    flow_rows = list(
        flow_cells.values_list("year", "key", "key2")
        .annotate(**sums)
        .values_list("year", "key", "key2", "contracts", "contract_fen", "technology_fen")
    )
    # 4. the selectors' choices
    all_provinces = known_provinces if known_provinces is not None else provinces()
    names = dict(all_provinces)

    by_dimension: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for y, dimension, key, n, cf, tf in breakdown:
        by_dimension[dimension][key].append((y, n, cf, tf))

    def fill(target: Figures, entries) -> None:
        for y, n, cf, tf in entries:
            target.add(previous=y != year, contracts=n, contract_fen=cf or 0, technology_fen=tf or 0)

    total = Figures(key="total", label=_("合计"))
    fill(total, [e for entries in by_dimension[D.TYPE].values() for e in entries])

    families = {key: Figures(key=key, label=label) for key, label in CONTRACT_FAMILY_LABELS.items()}
    type_lines, type_index = _lines(ContractType.choices, by_dimension[D.TYPE])
    for line in type_lines:
        fill(line, by_dimension[D.TYPE].get(line.key, []))
        family = families.get(CONTRACT_FAMILY.get(line.key, ""))
        if family is not None:
            family.children.append(line)
            fill(family, by_dimension[D.TYPE].get(line.key, []))

    tables: dict[str, list[Figures]] = {}
    for dimension, choices in DIMENSION_CHOICES.items():
        lines, _index = _lines(choices, by_dimension[dimension])
        for line in lines:
            fill(line, by_dimension[dimension].get(line.key, []))
        tables[dimension] = lines

    month_lines = [Figures(key=f"{m:02d}", label=_("%(month)s月") % {"month": m}) for m in range(1, 13)]
    for y, m, n, cf, tf in months:
        month_lines[m - 1].add(previous=y != year, contracts=n, contract_fen=cf or 0, technology_fen=tf or 0)

    homes = [province] if province else [code for code, _name in all_provinces]
    flows = []
    for home in homes:
        output = [Figures(key=key, label=label) for key, label in FLOW_BANDS]
        absorption = [Figures(key=key, label=label) for key, label in FLOW_BANDS]
        out_index = {f.key: f for f in output}
        in_index = {f.key: f for f in absorption}
        for y, seller_area, buyer_area, n, cf, tf in flow_rows:
            targets = []
            if seller_area == home:
                targets.append(out_index[_band(home, buyer_area)])
            if buyer_area == home:
                targets.append(in_index[_band(home, seller_area)])
            for target in targets:
                target.add(previous=y != year, contracts=n, contract_fen=cf or 0, technology_fen=tf or 0)
        flows.append(ProvinceFlows(province=home, name=names.get(home, home), output=output, absorption=absorption))

    return YearStatistics(
        year=year,
        province=province or "",
        province_name=names.get(province, "") if province else "",
        total=total,
        by_family=list(families.values()),
        by_field=tables[D.FIELD],
        by_ip=tables[D.IP],
        by_seller_nature=tables[D.SELLER_NATURE],
        by_buyer_nature=tables[D.BUYER_NATURE],
        by_plan=tables[D.PLAN],
        by_month=month_lines,
        flows=flows,
        years=known_years if known_years is not None else statistics_years(),
        provinces=all_provinces,
    )
