"""The annual indicators of an incubator: one catalogue read by the report service, the forms, the
evaluation schemes, the API and the pages (label, unit, and whether the figure is typed by the
incubator, derived from its tenant records, or computed from the report's own figures).

Also the catalogue of services an incubator offers (Incubator.services holds these keys)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class IncubatorIndicator:
    key: str  # the report's field name (typed, derived) or a computed key
    label: Any
    unit: Any  # 平方米, 人, 场, 元, 家, 项, %
    money: bool = False
    derived: bool = False  # from the tenant records (frozen when the report is submitted)
    # computed: a function of the report's own figures (and its incubator's space); never stored
    compute: Callable[[Any], float | None] | None = None

    def value(self, report: Any) -> Any:
        return self.compute(report) if self.compute is not None else getattr(report, self.key)


TYPED: tuple[IncubatorIndicator, ...] = (
    IncubatorIndicator("space_occupied_m2", _("在孵企业使用面积"), _("平方米")),
    IncubatorIndicator("staff", _("管理服务人员"), _("人")),
    IncubatorIndicator("mentors", _("创业导师"), _("人")),
    IncubatorIndicator("service_events", _("服务活动"), _("场")),
    IncubatorIndicator("investment_raised", _("在孵企业获得投融资"), _("元"), money=True),
    IncubatorIndicator("seed_fund", _("孵化基金"), _("元"), money=True),
    IncubatorIndicator("tenant_patents", _("在孵企业知识产权授权"), _("项")),
    IncubatorIndicator("income", _("孵化器总收入"), _("元"), money=True),
)

DERIVED: tuple[IncubatorIndicator, ...] = (
    IncubatorIndicator("tenants", _("在孵企业（年末）"), _("家"), derived=True),
    IncubatorIndicator("new_tenants", _("当年新入孵企业"), _("家"), derived=True),
    IncubatorIndicator("graduates", _("当年毕业企业"), _("家"), derived=True),
    IncubatorIndicator("tenant_employees", _("在孵企业从业人员"), _("人"), derived=True),
    IncubatorIndicator("tenant_revenue", _("在孵企业营业收入"), _("元"), money=True, derived=True),
    IncubatorIndicator("private_tenants", _("民营科技在孵企业"), _("家"), derived=True),
)


def _ratio(numerator: Callable[[Any], Any], denominator: Callable[[Any], Any], scale: float = 1.0) -> Any:
    def compute(report: Any) -> float | None:
        top, bottom = numerator(report), denominator(report)
        if top is None or not bottom:
            return None  # nothing to divide by: missing, not zero (the engine scores it as the worst)
        return round(float(top) * scale / float(bottom), 6)

    return compute


def _field(name: str) -> Callable[[Any], Any]:
    return lambda report: getattr(report, name)


def _space(report: Any) -> Any:
    return report.incubator.space_m2


# Ratios the office weighs: occupancy of the incubator's space, graduates per 10 tenants, per-tenant
# revenue and investment, the private share (seed 三.3: 民营科技企业).
COMPUTED: tuple[IncubatorIndicator, ...] = (
    IncubatorIndicator("occupancy", _("场地使用率"), "%", compute=_ratio(_field("space_occupied_m2"), _space, 100)),
    IncubatorIndicator(
        "graduates_per_10",
        _("每10家在孵企业毕业数"),
        _("家"),
        compute=_ratio(_field("graduates"), _field("tenants"), 10),
    ),
    IncubatorIndicator(
        "revenue_per_tenant",
        _("在孵企业平均营业收入"),
        _("元"),
        money=True,
        compute=_ratio(_field("tenant_revenue"), _field("tenants")),
    ),
    IncubatorIndicator(
        "investment_per_tenant",
        _("在孵企业平均投融资"),
        _("元"),
        money=True,
        compute=_ratio(_field("investment_raised"), _field("tenants")),
    ),
    IncubatorIndicator(
        "private_share", _("民营科技企业占比"), "%", compute=_ratio(_field("private_tenants"), _field("tenants"), 100)
    ),
    IncubatorIndicator(
        "employees_per_tenant",
        _("在孵企业平均从业人员"),
        _("人"),
        compute=_ratio(_field("tenant_employees"), _field("tenants")),
    ),
    IncubatorIndicator(
        "tenants_per_mentor", _("每名导师服务企业数"), _("家"), compute=_ratio(_field("tenants"), _field("mentors"))
    ),
    IncubatorIndicator(
        "patents_per_tenant",
        _("在孵企业平均知识产权"),
        _("项"),
        compute=_ratio(_field("tenant_patents"), _field("tenants")),
    ),
)

ALL: tuple[IncubatorIndicator, ...] = TYPED + DERIVED + COMPUTED
BY_KEY: dict[str, IncubatorIndicator] = {i.key: i for i in ALL}

# What an incubator offers its tenants (Incubator.services: a list of these keys).
SERVICES: dict[str, Any] = {
    "space": _("办公与生产场地"),
    "shared_lab": _("公共技术平台与实验室"),
    "mentoring": _("创业辅导与导师"),
    "financing": _("投融资对接"),
    "ip": _("知识产权服务"),
    "policy": _("政策咨询与申报"),
    "training": _("创业培训"),
    "market": _("市场推广与对接"),
    "legal_finance": _("法律与财务代理"),
    "international": _("国际合作与留学人员服务"),
}
