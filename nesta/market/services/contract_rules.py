"""The rules a technology contract must meet to be submitted for registration, each with a stable
code (the API's 422 `code`, and per field in `details["codes"]`).

A refused submission raises one ValidationFailed carrying every broken rule, at most one per
field (the first rule that field breaks, in the order below): `details` is
`{field: [message], …, "codes": {field: code}}` and the error's own `code` is the first field's.
`CODES` is the documentation (the API's description is built from it): add a rule, add its code.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nesta.core.errors import ValidationFailed
from nesta.core.validators import CONTROL, EARLIEST_DATE, LATEST_DATE, MONEY_MAX
from nesta.market.models import (
    CONTRACT_FAMILY,
    ContractType,
    IPType,
    PartyNature,
    PlanSource,
    SocioEconomicObjective,
    TechField,
)
from nesta.market.services.contract_countries import CHINA, COUNTRIES

NON_TECHNICAL_ITEMS = {
    "equipment": _("设备"),
    "instruments": _("仪器"),
    "components": _("零部件"),
    "raw_materials": _("原材料"),
    "other": _("其他非技术性费用"),
}
MAX_COST_LINES = 20
# GB/T 2260 province-level codes (the first two digits of every region code).
PROVINCE_PREFIXES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)

# code → what it means (the field it is reported on is the code's first part, or the one named).
CODES: dict[str, str] = {
    "point_required": "point_id：未选择登记点",
    "point_unknown": "point_id：登记点不存在或已停用",
    "name_required": "name：合同名称必填",
    "name_invalid": "name：合同名称含控制字符、换行或超过 200 字",
    "contract_type_required": "contract_type：合同类型必填",
    "contract_type_unknown": "contract_type：不是《民法典》的技术合同类型（见 ContractType）",
    "listing_unknown": "listing_id：对应的技术市场信息不存在",
    "listing_not_of_parties": "listing_id：该信息不属于合同的买方或卖方单位",
    "seller_organization_unknown": "seller_organization_id：卖方单位不存在",
    "buyer_organization_unknown": "buyer_organization_id：买方单位不存在",
    "seller_name_required": "seller_name：卖方名称必填",
    "seller_name_invalid": "seller_name：卖方名称含控制字符、换行或超过 120 字",
    "buyer_name_required": "buyer_name：买方名称必填",
    "buyer_name_invalid": "buyer_name：买方名称含控制字符、换行或超过 120 字",
    "buyer_same_as_seller": "buyer_name：买方与卖方为同一当事人",
    "seller_nature_required": "seller_nature：卖方性质必填",
    "seller_nature_unknown": "seller_nature：未知的当事人性质代码（见 PartyNature）",
    "buyer_nature_required": "buyer_nature：买方性质必填",
    "buyer_nature_unknown": "buyer_nature：未知的当事人性质代码（见 PartyNature）",
    "seller_country_unknown": "seller_country：不是 ISO 3166 数字国家代码",
    "seller_country_not_china": "seller_country：卖方须为境内当事人（技术合同由卖方在所在地登记）",
    "seller_region_required": "seller_region：境内卖方须填 GB/T 2260 六位行政区划代码",
    "seller_region_unknown": "seller_region：未知的 GB/T 2260 行政区划代码",
    "seller_region_outside_point": "seller_region：卖方不在登记点所在省份（按地域一次登记）",
    "buyer_country_unknown": "buyer_country：不是 ISO 3166 数字国家代码",
    "buyer_region_required": "buyer_region：境内买方须填 GB/T 2260 六位行政区划代码",
    "buyer_region_unknown": "buyer_region：未知的 GB/T 2260 行政区划代码",
    "buyer_region_abroad": "buyer_region：境外买方不填行政区划代码（只填国家代码）",
    "signed_on_required": "signed_on：签订日期必填",
    "signed_on_out_of_range": "signed_on：签订日期应在 2000-01-01 至今天之间（不能是将来）",
    "valid_from_required": "valid_from：有效期起必填",
    "valid_from_out_of_range": "valid_from：有效期起应在 2000-01-01 至 2100-01-01 之间",
    "valid_until_required": "valid_until：有效期止必填",
    "valid_until_out_of_range": "valid_until：有效期止应在 2000-01-01 至 2100-01-01 之间",
    "valid_until_before_valid_from": "valid_until：有效期止早于有效期起",
    "valid_until_before_signed_on": "valid_until：有效期止早于签订日期",
    "tech_field_required": "tech_field：技术领域必填",
    "tech_field_unknown": "tech_field：未知的技术领域代码（01–11，见 TechField）",
    "field_unknown": "field：未知的重点领域代码",
    "ip_type_required": "ip_type：知识产权类型必填（无则填 none）",
    "ip_type_unknown": "ip_type：未知的知识产权类型（见 IPType）",
    "objective_required": "objective：社会经济目标必填",
    "objective_unknown": "objective：未知的社会经济目标代码（见 SocioEconomicObjective）",
    "plan_source_required": "plan_source：计划来源必填",
    "plan_source_unknown": "plan_source：未知的计划来源（见 PlanSource）",
    "contract_amount_required": "contract_amount：合同成交额必填",
    "contract_amount_invalid": "contract_amount：金额格式有误、为负或超过两位小数",
    "contract_amount_too_large": "contract_amount：金额不能达到 10^12 元",
    "contract_amount_not_positive": "contract_amount：合同成交额须大于 0",
    "technology_amount_required": "technology_amount：技术交易额必填",
    "technology_amount_invalid": "technology_amount：金额格式有误、为负或超过两位小数",
    "technology_amount_too_large": "technology_amount：金额不能达到 10^12 元",
    "technology_amount_exceeds_total": "technology_amount：技术交易额大于合同成交额",
    "technology_amount_mismatch": "technology_amount：技术交易额不等于合同成交额减去非技术性费用",
    "non_technical_costs_invalid": "non_technical_costs：应为 [{item, amount, note}] 的列表，最多 20 项",
    "non_technical_cost_item_unknown": "non_technical_costs：未知的费用项目（见 NON_TECHNICAL_ITEMS）",
    "non_technical_cost_amount_invalid": "non_technical_costs：某项金额格式有误、为负、为 0 或过大",
    "non_technical_cost_note_invalid": "non_technical_costs：某项说明含控制字符或超过 60 字",
    "non_technical_costs_exceed_total": "non_technical_costs：非技术性费用合计大于合同成交额",
    "expected_investment_required": "expected_investment：技术转让合同须填预计新增投资",
    "expected_investment_invalid": "expected_investment：金额格式有误、为负、过大或超过两位小数",
    "expected_investment_not_applicable": "expected_investment：只有技术转让合同填写预计新增投资",
    "expected_output_required": "expected_output：技术转让合同须填预计新增产值",
    "expected_output_invalid": "expected_output：金额格式有误、为负、过大或超过两位小数",
    "expected_output_not_applicable": "expected_output：只有技术转让合同填写预计新增产值",
    # the decision
    "refusal_reasons_required": "reasons：不予登记须至少选择一项理由",
    "refusal_reason_unknown": "reasons：未知的不予登记理由（见 RefusalReason）",
    "refusal_note_required": "note：不予登记须写明说明",
    "refusal_note_invalid": "note：说明含控制字符或超过 500 字",
    # registration points (the operator's)
    "organization_required": "organization_id：未选择登记机构",
    "organization_unknown": "organization_id：机构不存在",
    "organization_not_technology_market": "organization_id：登记机构须为技术市场类机构",
    "city_required": "city：所在城市必填（GB/T 2260 地级市代码）",
    "city_unknown": "city：不是三省的地级市代码",
    "point_code_invalid": "point_code：应为两位数字 01–99",
    "point_code_taken": "point_code：该城市已有此代码的登记点",
    "point_code_locked": "point_code：已登记过合同的登记点不能改城市或代码",
    "decision_days_out_of_range": "decision_days：认定期限应为 1–180 日",
    "is_active_invalid": "is_active：应为 true 或 false",
}


@dataclass
class Problems:
    """Broken rules, at most one per field, in the order found."""

    found: dict[str, tuple[str, Any]] = field(default_factory=dict)

    def add(self, name: str, code: str, message: Any) -> None:
        assert code in CODES, code
        self.found.setdefault(name, (code, message))

    def has(self, name: str) -> bool:
        return name in self.found

    def raise_if_any(self) -> None:
        if not self.found:
            return
        details: dict[str, Any] = {name: [str(message)] for name, (code, message) in self.found.items()}
        details["codes"] = {name: code for name, (code, _message) in self.found.items()}
        first_code, first_message = next(iter(self.found.values()))
        raise ValidationFailed(first_message, code=first_code, details=details)


def text(p: Problems, data: dict[str, Any], name: str, max_length: int, *, required: bool = True) -> str:
    value = data.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str):
        p.add(name, f"{name}_invalid", _("应为文本。"))
        return ""
    value = value.strip()
    if not value:
        if required:
            p.add(name, f"{name}_required", _("此字段为必填项。"))
        return ""
    if CONTROL.search(value) or "\n" in value or "\r" in value or len(value) > max_length:
        p.add(name, f"{name}_invalid", _("不能包含控制字符或换行，最多 %(n)d 个字符。") % {"n": max_length})
        return ""
    return value


def choice(p: Problems, data: dict[str, Any], name: str, choices: Any) -> str:
    value = data.get(name)
    if value is None or value == "":
        p.add(name, f"{name}_required", _("此字段为必填项。"))
        return ""
    value = str(getattr(value, "value", value))
    if value not in choices.values:
        p.add(name, f"{name}_unknown", _("未知的代码：%(v)s") % {"v": value[:30]})
        return ""
    return value


def parse_money(value: Any) -> tuple[Decimal | None, str]:
    """(amount, "") or (None, "required" | "invalid" | "too_large")."""
    if value is None or value == "":
        return None, "required"
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        return None, "invalid"
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None, "invalid"
    if not amount.is_finite() or amount < 0:
        return None, "invalid"
    if amount >= MONEY_MAX:
        return None, "too_large"
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        return None, "invalid"
    return amount.quantize(Decimal("0.01")), ""


_MONEY_MESSAGES = {
    "required": _("请输入金额（元）。"),
    "invalid": _("金额格式有误：应为不小于 0、最多两位小数的数（元）。"),
    "too_large": _("金额过大。"),
}


def money(p: Problems, data: dict[str, Any], name: str, *, required: bool = True) -> Decimal | None:
    amount, problem = parse_money(data.get(name))
    if problem == "required" and not required:
        return None
    if problem:
        code = f"{name}_{problem}" if f"{name}_{problem}" in CODES else f"{name}_invalid"
        p.add(name, code, _MONEY_MESSAGES[problem])
    return amount


def a_date(p: Problems, data: dict[str, Any], name: str, *, latest: date = LATEST_DATE) -> date | None:
    value = data.get(name)
    if value is None or value == "":
        p.add(name, f"{name}_required", _("此字段为必填项。"))
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, date):
        p.add(name, f"{name}_out_of_range", _("日期格式应为 YYYY-MM-DD。"))
        return None
    if not EARLIEST_DATE <= value <= latest:
        p.add(name, f"{name}_out_of_range", _("日期应在 %(a)s 到 %(b)s 之间。") % {"a": EARLIEST_DATE, "b": latest})
        return None
    return value


def party_place(p: Problems, data: dict[str, Any], party: str, known_cities: frozenset[str]) -> tuple[str, str]:
    """(region, country) of the seller or the buyer: a Chinese party by GB/T 2260 region code,
    a party abroad by ISO 3166 numeric country code."""
    country = str(data.get(f"{party}_country") or CHINA).strip()
    region = str(data.get(f"{party}_region") or "").strip()
    if country not in COUNTRIES:
        p.add(
            f"{party}_country",
            f"{party}_country_unknown",
            _("未知的国家代码（ISO 3166 数字代码）：%(c)s") % {"c": country[:6]},
        )
        return "", CHINA
    if country != CHINA:
        if region:
            p.add(f"{party}_region", f"{party}_region_abroad", _("境外当事人不填行政区划代码。"))
        return "", country
    if not region:
        p.add(f"{party}_region", f"{party}_region_required", _("境内当事人须填六位行政区划代码。"))
        return "", country
    if not region_known(region, known_cities):
        p.add(f"{party}_region", f"{party}_region_unknown", _("未知的行政区划代码：%(c)s") % {"c": region[:10]})
        return "", country
    return region, country


def region_known(code: str, known_cities: frozenset[str]) -> bool:
    """A GB/T 2260 code: six digits under a province-level prefix; within the three provinces of
    the platform, under a city it knows (a district's city, a city, or the province itself)."""
    if len(code) != 6 or not code.isdigit() or code[:2] not in PROVINCE_PREFIXES:
        return False
    if code[:2] not in ("21", "22", "23") or code[2:] == "0000":
        return True
    return f"{code[:4]}00" in known_cities


def costs(p: Problems, data: dict[str, Any]) -> tuple[list[dict[str, str]], Decimal]:
    """The itemised non-technical costs as stored ([{item, amount, note}]) and their sum."""
    raw = data.get("non_technical_costs") or []
    name = "non_technical_costs"
    if not isinstance(raw, list) or len(raw) > MAX_COST_LINES:
        p.add(name, "non_technical_costs_invalid", _("非技术性费用应为列表，最多 %(n)d 项。") % {"n": MAX_COST_LINES})
        return [], Decimal(0)
    lines: list[dict[str, str]] = []
    total = Decimal(0)
    for i, line in enumerate(raw, start=1):
        if hasattr(line, "model_dump"):
            line = line.model_dump()
        if not isinstance(line, dict):
            p.add(name, "non_technical_costs_invalid", _("第 %(i)d 项格式有误。") % {"i": i})
            break
        item = str(getattr(line.get("item"), "value", line.get("item")) or "")
        if item not in NON_TECHNICAL_ITEMS:
            p.add(name, "non_technical_cost_item_unknown", _("第 %(i)d 项：未知的费用项目。") % {"i": i})
            break
        amount, problem = parse_money(line.get("amount"))
        if problem or amount is None or amount <= 0:
            p.add(name, "non_technical_cost_amount_invalid", _("第 %(i)d 项：金额应大于 0（元）。") % {"i": i})
            break
        note = line.get("note") or ""
        if not isinstance(note, str) or CONTROL.search(note) or "\n" in note or len(note.strip()) > 60:
            p.add(name, "non_technical_cost_note_invalid", _("第 %(i)d 项：说明最多 60 字，不含控制字符。") % {"i": i})
            break
        lines.append({"item": item, "amount": str(amount), "note": note.strip()})
        total += amount
    return lines, total


def check_amounts(p: Problems, data: dict[str, Any], cost_total: Decimal) -> tuple[Decimal | None, Decimal | None]:
    """合同成交额 and 技术交易额: both required; the technology amount is the contract amount less
    the itemised non-technical costs, so never more than it."""
    contract_amount = money(p, data, "contract_amount")
    technology_amount = money(p, data, "technology_amount")
    if contract_amount is not None and contract_amount <= 0:
        p.add("contract_amount", "contract_amount_not_positive", _("合同成交额须大于 0。"))
        return None, technology_amount
    if contract_amount is None or technology_amount is None:
        return contract_amount, technology_amount
    if technology_amount > contract_amount:
        p.add("technology_amount", "technology_amount_exceeds_total", _("技术交易额不能大于合同成交额。"))
    elif cost_total > contract_amount:
        p.add("non_technical_costs", "non_technical_costs_exceed_total", _("非技术性费用合计不能大于合同成交额。"))
    elif technology_amount != contract_amount - cost_total:
        p.add(
            "technology_amount",
            "technology_amount_mismatch",
            _("技术交易额应为合同成交额减去非技术性费用：%(e)s 元。") % {"e": f"{contract_amount - cost_total:,.2f}"},
        )
    return contract_amount, technology_amount


def check_transfer_expectations(
    p: Problems, data: dict[str, Any], contract_type: str
) -> tuple[Decimal | None, Decimal | None]:
    """预计新增投资 / 产值: required for 技术转让, not taken for any other type."""
    is_transfer = CONTRACT_FAMILY.get(contract_type) == "transfer"
    values: list[Decimal | None] = []
    for name in ("expected_investment", "expected_output"):
        given = data.get(name) not in (None, "")
        if not is_transfer:
            if given and contract_type:
                p.add(name, f"{name}_not_applicable", _("只有技术转让合同填写此项。"))
            values.append(None)
            continue
        values.append(money(p, data, name))
    return values[0], values[1]


def check_dates(p: Problems, data: dict[str, Any]) -> tuple[date | None, date | None, date | None]:
    today = timezone.localdate()
    signed_on = a_date(p, data, "signed_on", latest=today)
    valid_from = a_date(p, data, "valid_from")
    valid_until = a_date(p, data, "valid_until")
    if valid_from and valid_until and valid_until < valid_from:
        p.add("valid_until", "valid_until_before_valid_from", _("有效期止不能早于有效期起。"))
    elif signed_on and valid_until and valid_until < signed_on:
        p.add("valid_until", "valid_until_before_signed_on", _("有效期止不能早于签订日期。"))
    return signed_on, valid_from, valid_until


def same_party(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return "".join(s.split()).replace("（", "(").replace("）", ")").lower()

    return bool(a) and norm(a) == norm(b)


CHOICES = {
    "contract_type": ContractType,
    "seller_nature": PartyNature,
    "buyer_nature": PartyNature,
    "tech_field": TechField,
    "ip_type": IPType,
    "objective": SocioEconomicObjective,
    "plan_source": PlanSource,
}
