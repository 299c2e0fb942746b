"""Typed API input and output of the zones' figures, targets and private shares (class names
prefixed Zone…: one OpenAPI component per name). The figures' fields are the indicator catalogue
(nesta/zones/indicators.py), so the schema, the service and the pages never disagree."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema
from pydantic import create_model

from nesta.core.inputs import BoundedInt, CleanText
from nesta.zones.indicators import INDICATORS, ZoneIndicator
from nesta.zones.models.zones import COUNT_MAX
from nesta.zones.selectors.private import SHARES, PrivateShare, Share
from nesta.zones.selectors.zones import Comparison, TargetProgress

ID_MAX = 2_147_483_647
YEAR_MIN, YEAR_MAX = 1988, 2100


def _number_field(ind: ZoneIndicator) -> tuple[Any, Any]:
    if not ind.decimals:
        return BoundedInt(0, COUNT_MAX) | None, Field(None, description=f"{ind.label}（{ind.unit}）")
    bound = Decimal(10) ** (15 if ind.money or ind.key == "exports_usd" else 7)
    limits: dict[str, Any] = {"lt": bound, "gt": -bound} if ind.signed else {"ge": 0, "lt": bound}
    return Decimal | None, Field(
        None, max_digits=18, decimal_places=ind.decimals, description=f"{ind.label}（{ind.unit}）", **limits
    )


# PUT /zones/{id}/indicators/{year}: the figures given replace the stored ones; omitted ones stay
ZoneYearIn = create_model(
    "ZoneYearIn",
    __base__=Schema,
    **{i.key: _number_field(i) for i in INDICATORS},
    note=(CleanText(1000) | None, Field(None, description="说明")),
)
ZoneFiguresOut = create_model(
    "ZoneFiguresOut",
    __base__=Schema,
    **{i.key: (Decimal if i.decimals else int, Field(..., description=f"{i.label}（{i.unit}）")) for i in INDICATORS},
)


class ZoneRef(Schema):
    id: int
    name: str


class ZoneYearOut(Schema):
    year: int
    figures: ZoneFiguresOut
    note: str
    updated_at: datetime


class ZoneOut(Schema):
    id: int
    name: str
    short_name: str
    province: str
    province_name: str
    city: str | None
    established_year: int | None
    latest: ZoneYearOut | None


class ZoneIndicatorOut(Schema):
    key: str
    label: str
    unit: str
    money: bool
    signed: bool
    decimals: int


class ZoneTargetIn(Schema):
    indicator: str = Field(..., max_length=40, description="指标键（见 GET /api/v1/zone-indicators）")
    baseline_year: BoundedInt(YEAR_MIN, YEAR_MAX)
    baseline_value: Decimal | None = Field(
        None, gt=-(Decimal(10) ** 15), lt=Decimal(10) ** 15, max_digits=18, decimal_places=2,
        description="基期值；不填则取该高新区基期年度的指标值",
    )  # fmt: skip
    target_year: BoundedInt(YEAR_MIN, YEAR_MAX)
    target_value: Decimal = Field(..., gt=-(Decimal(10) ** 15), lt=Decimal(10) ** 15, max_digits=18, decimal_places=2)
    note: CleanText(1000) = ""


class ZoneTargetOut(Schema):
    id: int
    zone: ZoneRef
    indicator: str
    indicator_label: str
    unit: str
    baseline_year: int
    baseline_value: Decimal
    target_year: int
    target_value: Decimal
    note: str
    latest_year: int | None
    latest_value: Decimal | None
    progress: float | None = Field(..., description="(最新值−基期值)/(目标值−基期值)，未截断")
    expected: float | None = Field(..., description="按基期到目标年度的线性进度，最新年度应达到的比例")
    status: str = Field(..., description="achieved / on_track / behind / no_data")
    status_label: str


class ZoneDetailOut(ZoneOut):
    years: list[int]
    targets: list[ZoneTargetOut]


class ZoneIndicatorsOut(Schema):
    zone: ZoneRef
    from_year: int
    to_year: int
    indicators: list[ZoneIndicatorOut]
    years: list[ZoneYearOut]


class ZoneShareOut(Schema):
    part: Decimal
    whole: Decimal
    share: float | None = Field(..., description="part / whole；无分母时为 null")


class ZonePrivateOut(Schema):
    firms: ZoneShareOut = Field(..., description="区内企业（机构名录）中的民营科技企业")
    tenants: ZoneShareOut = Field(..., description="区内孵化器年末在孵企业中的民营科技企业")
    contracts: ZoneShareOut = Field(..., description="区内卖方当年登记技术合同数中民营科技企业所占")
    contract_amount: ZoneShareOut = Field(..., description="同上，合同成交额（元）")
    funding: ZoneShareOut = Field(..., description="区内单位当年获立项资助金额（元）中民营科技企业所占")
    reported: ZoneShareOut = Field(..., description="高新区填报：民营科技企业 / 入区企业")


class ZonePrivateShareOut(Schema):
    zone: ZoneRef
    year: int
    shares: ZonePrivateOut


class ZoneComparisonRowOut(Schema):
    zone: ZoneRef
    province: str
    figures: ZoneFiguresOut | None
    ranks: dict[str, int | None]
    private: ZonePrivateOut


class ZoneProvinceSumOut(Schema):
    province: str
    province_name: str
    zones: int
    reported: int
    totals: ZoneFiguresOut
    private: ZonePrivateOut


class ZoneComparisonOut(Schema):
    year: int | None
    years: list[int]
    indicators: list[ZoneIndicatorOut]
    zones: list[ZoneComparisonRowOut]
    provinces: list[ZoneProvinceSumOut]
    totals: ZoneFiguresOut
    reported: int
    private: ZonePrivateOut


# --- output builders ---------------------------------------------------------------------------


def ref(zone: Any) -> dict[str, Any]:
    return {"id": zone.pk, "name": zone.name}


def figures_out(row: Any) -> dict[str, Any]:
    return {i.key: getattr(row, i.key) for i in INDICATORS}


def year_out(row: Any) -> dict[str, Any]:
    return {"year": row.year, "figures": figures_out(row), "note": row.note, "updated_at": row.updated_at}


def zone_out(zone: Any, latest: Any = None) -> dict[str, Any]:
    return {
        "id": zone.pk,
        "name": zone.name,
        "short_name": zone.short_name,
        "province": zone.province.code,
        "province_name": zone.province.name,
        "city": zone.city.code if zone.city_id else None,
        "established_year": zone.established_year,
        "latest": year_out(latest) if latest is not None else None,
    }


def indicators_out() -> list[dict[str, Any]]:
    return [
        {"key": i.key, "label": str(i.label), "unit": str(i.unit), "money": i.money, "signed": i.signed,
         "decimals": i.decimals}
        for i in INDICATORS
    ]  # fmt: skip


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def target_out(p: TargetProgress) -> dict[str, Any]:
    t = p.target
    return {
        "id": t.pk,
        "zone": ref(t.zone),
        "indicator": t.indicator,
        "indicator_label": str(p.indicator.label) if p.indicator else t.indicator,
        "unit": str(p.indicator.unit) if p.indicator else "",
        "baseline_year": t.baseline_year,
        "baseline_value": t.baseline_value,
        "target_year": t.target_year,
        "target_value": t.target_value,
        "note": t.note,
        "latest_year": p.latest_year,
        "latest_value": p.latest_value,
        "progress": _float(p.progress),
        "expected": _float(p.expected),
        "status": p.status,
        "status_label": str(p.status_label),
    }


def share_out(s: Share) -> dict[str, Any]:
    return {"part": Decimal(s.part), "whole": Decimal(s.whole), "share": _float(s.ratio)}


def private_out(p: PrivateShare) -> dict[str, Any]:
    return {key: share_out(getattr(p, key)) for key in SHARES}


def comparison_out(c: Comparison) -> dict[str, Any]:
    return {
        "year": c.year or None,
        "years": c.years,
        "indicators": indicators_out(),
        "zones": [
            {
                "zone": ref(r.zone),
                "province": r.zone.province.code,
                "figures": figures_out(r.row) if r.row is not None else None,
                "ranks": r.ranks,
                "private": private_out(r.private),
            }
            for r in c.rows
        ],
        "provinces": [
            {
                "province": p.province.code,
                "province_name": p.province.name,
                "zones": p.zones,
                "reported": p.reported,
                "totals": p.totals,
                "private": private_out(p.private),
            }
            for p in c.provinces
        ],
        "totals": c.totals,
        "reported": c.reported,
        "private": private_out(c.private),
    }
