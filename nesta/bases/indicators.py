"""The annual indicators of a base: one catalogue read by the report model's fields, the forms, the
XLSX import, the evaluation schemes and the pages (label, unit, and whether the figure is typed by
the base or derived from the platform's own records)."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Indicator:
    key: str  # the report's field name
    label: Any
    unit: Any  # 元, 人, 项, 篇, 小时
    money: bool = False
    derived: bool = False  # computed from the platform's records when the report is submitted
    source: str = ""  # for derived figures: where they come from (the page links to the records)
    # computed figures: a function of the report's own figures (per head, shares, totals); never stored
    compute: Callable[[Any], float | None] | None = None

    def value(self, report: Any) -> Any:
        return self.compute(report) if self.compute is not None else getattr(report, self.key)


TYPED: tuple[Indicator, ...] = (
    Indicator("rd_spend", _("研发投入"), _("元"), money=True),
    Indicator("fixed_staff", _("固定人员"), _("人")),
    Indicator("senior_staff", _("高级职称人员"), _("人")),
    Indicator("doctorate_staff", _("博士学位人员"), _("人")),
    Indicator("projects", _("承担项目"), _("项")),
    Indicator("funding_national", _("国家经费"), _("元"), money=True),
    Indicator("funding_local", _("地方经费"), _("元"), money=True),
    Indicator("funding_enterprise", _("企业经费"), _("元"), money=True),
    Indicator("funding_other", _("其他经费"), _("元"), money=True),
    Indicator("patents_applied", _("发明专利申请"), _("项")),
    Indicator("patents_granted", _("发明专利授权"), _("项")),
    Indicator("standards", _("制定标准"), _("项")),
    Indicator("papers", _("发表论文"), _("篇")),
    Indicator("transfers", _("成果转化"), _("项")),
    Indicator("transfer_income", _("成果转化收入"), _("元"), money=True),
    Indicator("open_projects", _("开放课题"), _("项")),
    Indicator("trainees", _("培训人次"), _("人次")),
)

DERIVED: tuple[Indicator, ...] = (
    Indicator("instrument_hours", _("仪器共享机时"), _("小时"), derived=True, source="instruments"),
    Indicator("external_service_hours", _("对外服务机时"), _("小时"), derived=True, source="instruments"),
    Indicator("contracts", _("技术合同（卖方）"), _("项"), derived=True, source="market"),
    Indicator("contract_amount", _("技术合同成交额"), _("元"), money=True, derived=True, source="market"),
    Indicator("funding_awarded", _("计划资助经费"), _("元"), money=True, derived=True, source="programmes"),
)


def _per(numerator: str, denominator: str = "fixed_staff") -> Callable[[Any], float | None]:
    def compute(report: Any) -> float | None:
        top, bottom = getattr(report, numerator), getattr(report, denominator)
        if top is None or not bottom:
            return None  # no staff: the ratio is missing, not zero (the engine scores it as the worst)
        return round(float(top) / float(bottom), 6)

    return compute


def _funding_total(report: Any) -> float:
    return float(
        sum(
            (report.funding_national, report.funding_local, report.funding_enterprise, report.funding_other), Decimal(0)
        )
    )


# Figures the office weighs that are ratios or sums of the report's own (per head of fixed staff).
COMPUTED: tuple[Indicator, ...] = (
    Indicator("funding_total", _("经费合计"), _("元"), money=True, compute=_funding_total),
    Indicator("senior_share", _("高级职称占比"), "", compute=_per("senior_staff")),
    Indicator("doctorate_share", _("博士占比"), "", compute=_per("doctorate_staff")),
    Indicator("rd_per_staff", _("人均研发投入"), _("元"), money=True, compute=_per("rd_spend")),
    Indicator("papers_per_staff", _("人均论文"), _("篇"), compute=_per("papers")),
    Indicator("patents_per_staff", _("人均发明专利授权"), _("项"), compute=_per("patents_granted")),
    Indicator("transfers_per_staff", _("人均成果转化"), _("项"), compute=_per("transfers")),
    Indicator("income_per_staff", _("人均转化收入"), _("元"), money=True, compute=_per("transfer_income")),
)

ALL: tuple[Indicator, ...] = TYPED + DERIVED + COMPUTED
BY_KEY: dict[str, Indicator] = {i.key: i for i in ALL}
