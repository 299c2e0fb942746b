"""The zones' annual indicators: one catalogue read by the ZoneYear model's fields, the forms, the
API, the targets (a target names one of these keys) and the charts."""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ZoneIndicator:
    key: str  # ZoneYear's field name
    label: Any
    unit: Any  # 平方公里, 家, 元, 美元, 人, 项
    money: bool = False  # 元 (shown in 万元/亿元)
    signed: bool = False  # may be negative (净利润)
    decimals: int = 0


INDICATORS: tuple[ZoneIndicator, ...] = (
    ZoneIndicator("planned_area", _("规划面积"), _("平方公里"), decimals=2),
    ZoneIndicator("built_area", _("建成面积"), _("平方公里"), decimals=2),
    ZoneIndicator("enterprises", _("入区企业"), _("家")),
    ZoneIndicator("high_tech_enterprises", _("高新技术企业"), _("家")),
    ZoneIndicator("private_tech_enterprises", _("民营科技企业"), _("家")),
    ZoneIndicator("revenue", _("营业收入"), _("元"), money=True, decimals=2),
    ZoneIndicator("industrial_output", _("工业总产值"), _("元"), money=True, decimals=2),
    ZoneIndicator("net_profit", _("净利润"), _("元"), money=True, signed=True, decimals=2),
    ZoneIndicator("taxes", _("上缴税额"), _("元"), money=True, decimals=2),
    ZoneIndicator("exports_usd", _("出口创汇"), _("美元"), decimals=2),
    ZoneIndicator("employees", _("年末从业人员"), _("人")),
    ZoneIndicator("rd_staff", _("研发人员"), _("人")),
    ZoneIndicator("rd_spend", _("研发经费支出"), _("元"), money=True, decimals=2),
    ZoneIndicator("invention_patents", _("发明专利授权"), _("项")),
    ZoneIndicator("incubators", _("孵化器"), _("家")),
    ZoneIndicator("incubator_tenants", _("在孵企业"), _("家")),
    ZoneIndicator("incubator_graduates", _("当年毕业企业"), _("家")),
)
BY_KEY: dict[str, ZoneIndicator] = {i.key: i for i in INDICATORS}
