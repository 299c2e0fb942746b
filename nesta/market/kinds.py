"""What each kind of listing holds beyond the common fields, validated per kind.

`KIND_DETAILS[kind]` is the pydantic model of a kind's `details`; `validate_details(kind, data)`
returns the clean dict to store or raises ValidationFailed with a field per broken rule (the
field names are `details.<name>`, as the API and the forms report them). The facet columns
(maturity, IP type, price range) are the listing's own and checked by the listing services; the
rules that tie them to a kind are `KIND_FACETS`.
"""

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from nesta.core.errors import ValidationFailed
from nesta.core.inputs import BoundedInt, CleanText, LocalDate, Money
from nesta.market.models.choices import (
    AgriCertification,
    AgriGrade,
    AssetType,
    CooperationMode,
    Currency,
    IPType,
    ListingKind,
    PrecisionGrade,
    Process,
    ServiceType,
    Stage,
    TransferMode,
)

Text60 = CleanText(60, multiline=False)
Text200 = CleanText(200)
Text1000 = CleanText(1000)


def _choice(enum: Any) -> Any:
    return Literal[tuple(enum.values)]  # type: ignore[valid-type]


class _Details(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class IPItem(_Details):
    type: _choice(IPType)  # type: ignore[valid-type]
    number: CleanText(40, multiline=False) = ""  # 专利号 / 登记号 (empty for 技术秘密)


class AchievementDetails(_Details):
    ip_items: list[IPItem] = Field(default_factory=list, max_length=30)
    transfer_modes: list[_choice(TransferMode)] = Field(min_length=1, max_length=4)  # type: ignore[valid-type]
    team: Text200 = ""
    application: Text1000 = ""  # 应用领域与前景


class DemandDetails(_Details):
    problem: CleanText(2000, min_length=4)  # in the enterprise's own words
    indicators: Text1000 = ""  # 目标指标
    deadline: LocalDate | None = None
    cooperation_modes: list[_choice(CooperationMode)] = Field(min_length=1, max_length=7)  # type: ignore[valid-type]


class PropertyRightDetails(_Details):
    asset: CleanText(200, min_length=2, multiline=False)
    asset_type: _choice(AssetType)  # type: ignore[valid-type]
    appraised_value: Money
    share_offered: Decimal | None = Field(default=None, gt=0, le=100, decimal_places=2)  # percent (股权)
    conditions: Text1000 = ""
    state_owned: bool = False
    # state-owned only: the disclosure period and the approval of a floor below 90 % of appraisal
    disclosure_start: LocalDate | None = None
    disclosure_end: LocalDate | None = None
    relisting: BoundedInt(0, 20) = 0  # 0 = first disclosure; n = the n-th re-disclosure
    approval_reference: CleanText(100, multiline=False) = ""  # 批准文件文号
    approval_by: CleanText(100, multiline=False) = ""  # 批准单位


class FinancingDetails(_Details):
    stage: _choice(Stage)  # type: ignore[valid-type]
    currency: _choice(Currency) = "CNY"  # type: ignore[valid-type]
    use_of_funds: Text1000 = ""
    equity_offered: Decimal | None = Field(default=None, gt=0, le=100, decimal_places=2)
    revenue_last_year: Money | None = None


class InvestorDetails(_Details):
    stages: list[_choice(Stage)] = Field(min_length=1, max_length=6)  # type: ignore[valid-type]
    currency: _choice(Currency) = "CNY"  # type: ignore[valid-type]
    fields_text: Text200 = ""  # 关注领域 beyond the main field
    regions: list[CleanText(6, multiline=False)] = Field(default_factory=list, max_length=40)  # region codes
    fund_size: Money | None = None


class _Manufacturing(_Details):
    processes: list[_choice(Process)] = Field(min_length=1, max_length=11)  # type: ignore[valid-type]
    materials: Text200 = ""
    max_part_size_mm: BoundedInt(1, 100_000) | None = None  # the longest dimension
    precision_grade: _choice(PrecisionGrade) | None = None  # type: ignore[valid-type]
    certifications: Text200 = ""  # ISO 9001, IATF 16949, AS9100 …


class CapacityDetails(_Manufacturing):
    monthly_capacity: CleanText(60, multiline=False) = ""  # e.g. 5000 件/月
    lead_time_days: BoundedInt(1, 730) | None = None
    equipment: Text1000 = ""


class OutsourcingDetails(_Manufacturing):
    quantity: CleanText(60, multiline=False) = ""
    deadline: LocalDate | None = None
    drawing_available: bool = False


class AgriVarietyDetails(_Details):
    product: CleanText(60, min_length=1, multiline=False)
    variety: Text60 = ""
    approval_number: CleanText(60, multiline=False) = ""  # 品种审定/登记编号
    suitable_regions: Text200 = ""
    yield_note: Text200 = ""


class _AgriTrade(_Details):
    product: CleanText(60, min_length=1, multiline=False)
    variety: Text60 = ""
    quantity_tonnes: Decimal = Field(gt=0, lt=Decimal(10) ** 9, decimal_places=3)
    grade: _choice(AgriGrade) = "ungraded"  # type: ignore[valid-type]
    origin: Text60 = ""  # 产地
    season: Text60 = ""  # 供应/需求季节，如 9–11月
    certification: _choice(AgriCertification) = "none"  # type: ignore[valid-type]


class AgriSupplyDetails(_AgriTrade):
    pass


class AgriDemandDetails(_AgriTrade):
    delivery_place: Text60 = ""


class ServiceDetails(_Details):
    service_type: _choice(ServiceType)  # type: ignore[valid-type]
    qualifications: Text200 = ""
    pricing: Text200 = ""


KIND_DETAILS: dict[str, type[_Details]] = {
    ListingKind.ACHIEVEMENT: AchievementDetails,
    ListingKind.DEMAND: DemandDetails,
    ListingKind.PROPERTY_RIGHT: PropertyRightDetails,
    ListingKind.FINANCING: FinancingDetails,
    ListingKind.INVESTOR: InvestorDetails,
    ListingKind.CAPACITY: CapacityDetails,
    ListingKind.OUTSOURCING: OutsourcingDetails,
    ListingKind.AGRI_VARIETY: AgriVarietyDetails,
    ListingKind.AGRI_SUPPLY: AgriSupplyDetails,
    ListingKind.AGRI_DEMAND: AgriDemandDetails,
    ListingKind.SERVICE: ServiceDetails,
}

# Which facet columns a kind uses: "required", "optional" or absent (must stay empty).
# price: what the price range means for the kind (shown as its label).
KIND_FACETS: dict[str, dict[str, Any]] = {
    ListingKind.ACHIEVEMENT: {"maturity": "required", "ip_type": "required", "price": _("转让/许可报价")},
    ListingKind.DEMAND: {"price": _("预算")},
    ListingKind.PROPERTY_RIGHT: {"price": _("挂牌底价"), "price_required": True},
    ListingKind.FINANCING: {"price": _("融资金额"), "price_required": True},
    ListingKind.INVESTOR: {"price": _("单笔投资额"), "price_required": True},
    ListingKind.CAPACITY: {"price": _("参考报价")},
    ListingKind.OUTSOURCING: {"price": _("预算")},
    ListingKind.AGRI_VARIETY: {"maturity": "optional", "ip_type": "optional", "price": _("转让价格")},
    ListingKind.AGRI_SUPPLY: {"price": _("单价(元/吨)")},
    ListingKind.AGRI_DEMAND: {"price": _("收购价(元/吨)")},
    ListingKind.SERVICE: {"price": _("收费标准")},
}

# The complementary kinds a listing's matches come from (item 3 of the issue).
COMPLEMENTS: dict[str, tuple[str, ...]] = {
    ListingKind.DEMAND: (ListingKind.ACHIEVEMENT, ListingKind.CAPACITY, ListingKind.SERVICE),
    ListingKind.ACHIEVEMENT: (ListingKind.DEMAND, ListingKind.INVESTOR),
    ListingKind.FINANCING: (ListingKind.INVESTOR,),
    ListingKind.INVESTOR: (ListingKind.FINANCING, ListingKind.ACHIEVEMENT),
    ListingKind.OUTSOURCING: (ListingKind.CAPACITY,),
    ListingKind.CAPACITY: (ListingKind.OUTSOURCING, ListingKind.DEMAND),
    ListingKind.AGRI_DEMAND: (ListingKind.AGRI_SUPPLY,),
    ListingKind.AGRI_SUPPLY: (ListingKind.AGRI_DEMAND,),
    ListingKind.AGRI_VARIETY: (ListingKind.DEMAND, ListingKind.INVESTOR),
    ListingKind.SERVICE: (ListingKind.DEMAND,),
    ListingKind.PROPERTY_RIGHT: (ListingKind.INVESTOR,),
}


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if not isinstance(p, int)]
    return "details." + ".".join(parts) if parts else "details"


# pydantic's messages in Chinese (the form shows them beside the fields); others as pydantic says
_MESSAGES: dict[str, Any] = {
    "missing": _("此字段为必填项。"),
    "extra_forbidden": _("不支持的字段。"),
    "string_type": _("应为文本。"),
    "string_too_long": _("最多 %(max_length)s 个字符。"),
    "string_too_short": _("至少 %(min_length)s 个字符。"),
    "literal_error": _("无效的选项。"),
    "enum": _("无效的选项。"),
    "list_type": _("应为列表。"),
    "too_long": _("最多 %(max_length)s 项。"),
    "too_short": _("至少选择 %(min_length)s 项。"),
    "model_type": _("应为对象。"),
    "dict_type": _("应为对象。"),
    "bool_type": _("应为 true 或 false。"),
    "bool_parsing": _("应为 true 或 false。"),
    "int_type": _("应为整数。"),
    "int_parsing": _("应为整数。"),
    "int_from_float": _("应为整数。"),
    "decimal_type": _("应为数字。"),
    "decimal_parsing": _("应为数字。"),
    "decimal_max_places": _("最多 %(decimal_places)s 位小数。"),
    "decimal_max_digits": _("数字过大。"),
    "decimal_whole_digits": _("数字过大。"),
    "finite_number": _("应为有限的数字。"),
    "greater_than": _("应大于 %(gt)s。"),
    "greater_than_equal": _("应不小于 %(ge)s。"),
    "less_than": _("应小于 %(lt)s。"),
    "less_than_equal": _("应不大于 %(le)s。"),
    "date_type": _("日期格式应为 YYYY-MM-DD。"),
    "date_parsing": _("日期格式应为 YYYY-MM-DD。"),
    "date_from_datetime_parsing": _("日期格式应为 YYYY-MM-DD。"),
    "date_from_datetime_inexact": _("日期格式应为 YYYY-MM-DD。"),
}


def _message(error: Any) -> str:
    template = _MESSAGES.get(error.get("type", ""))
    if template is None:
        return str(error.get("msg", ""))
    try:
        return str(template) % {k: v for k, v in (error.get("ctx") or {}).items()}
    except (KeyError, TypeError, ValueError):
        return str(error.get("msg", ""))


def validate_details(kind: str, data: Any) -> dict[str, Any]:
    """The clean `details` of a listing of `kind` (JSON-ready), or ValidationFailed."""
    schema = KIND_DETAILS.get(kind)
    if schema is None:
        raise ValidationFailed(details={"kind": [_("不支持的类别。")]})
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ValidationFailed(details={"details": [_("应为对象。")]})
    try:
        clean = schema.model_validate(data)
    except ValidationError as exc:
        errors: dict[str, list[str]] = {}
        for error in exc.errors():
            errors.setdefault(_field_name(error["loc"]), []).append(_message(error))
        raise ValidationFailed(details=errors) from None
    return clean.model_dump(mode="json", exclude_none=True)


def deadline_in_future(value: date | None, today: date) -> bool:
    return value is None or value >= today


# The Chinese labels of each kind's `details` fields (forms, the listing page, the XLSX columns)
# and the choice lists behind the coded ones.
DETAIL_LABELS: dict[str, Any] = {
    "ip_items": _("知识产权（类型与号码）"),
    "transfer_modes": _("转化方式"),
    "team": _("研发团队"),
    "application": _("应用领域与前景"),
    "problem": _("需求描述（企业原话）"),
    "indicators": _("目标指标"),
    "deadline": _("期限"),
    "cooperation_modes": _("合作方式"),
    "asset": _("标的资产"),
    "asset_type": _("资产类型"),
    "appraised_value": _("评估值(元)"),
    "share_offered": _("转让股权比例(%)"),
    "conditions": _("受让条件"),
    "state_owned": _("国有资产"),
    "disclosure_start": _("信息披露起始日"),
    "disclosure_end": _("信息披露截止日"),
    "relisting": _("重新挂牌次数"),
    "approval_reference": _("批准文件文号"),
    "approval_by": _("批准单位"),
    "stage": _("融资阶段"),
    "currency": _("币种"),
    "use_of_funds": _("资金用途"),
    "equity_offered": _("出让股权比例(%)"),
    "revenue_last_year": _("上年营业收入(元)"),
    "stages": _("投资阶段"),
    "fields_text": _("关注领域"),
    "regions": _("关注地区"),
    "fund_size": _("基金规模(元)"),
    "processes": _("工艺"),
    "materials": _("材料"),
    "max_part_size_mm": _("最大加工尺寸(mm)"),
    "precision_grade": _("精度等级"),
    "certifications": _("资质认证"),
    "monthly_capacity": _("月产能"),
    "lead_time_days": _("交货周期(天)"),
    "equipment": _("主要设备"),
    "quantity": _("数量"),
    "drawing_available": _("有图纸"),
    "product": _("产品"),
    "variety": _("品种"),
    "approval_number": _("审定/登记编号"),
    "suitable_regions": _("适宜区域"),
    "yield_note": _("产量表现"),
    "quantity_tonnes": _("数量(吨)"),
    "grade": _("等级"),
    "origin": _("产地"),
    "season": _("季节"),
    "certification": _("认证"),
    "delivery_place": _("交货地点"),
    "service_type": _("服务类型"),
    "qualifications": _("服务资质"),
    "pricing": _("收费说明"),
}
DETAIL_CHOICES: dict[str, Any] = {
    "transfer_modes": TransferMode,
    "cooperation_modes": CooperationMode,
    "asset_type": AssetType,
    "stage": Stage,
    "stages": Stage,
    "currency": Currency,
    "processes": Process,
    "precision_grade": PrecisionGrade,
    "grade": AgriGrade,
    "certification": AgriCertification,
    "service_type": ServiceType,
}
