"""The application's budget table in the categories of central S&T funds since the 2021 reform
(国办发〔2021〕32号): 设备费 (of which 设备购置费), 业务费 and 劳务费 are the direct costs;
间接费用 is capped in brackets of the direct costs less equipment purchase —

    ≤ 500万元          30 %
    500万–1000万元     25 % of that part
    > 1000万元         20 % of that part

The cap is computed on the grant part (专项资金); the applicant's own money (自筹) may carry
direct costs only. The grant part's total is the requested amount (checked on submission).
"""

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.utils.translation import gettext as _

from nesta.core.errors import ValidationFailed
from nesta.core.validators import clean_text, money_yuan
from nesta.programmes.models import BudgetCategory

C = BudgetCategory
WAN = Decimal(10000)
# (upper bound of the bracket in 元 or None, rate)
BRACKETS: tuple[tuple[Decimal | None, Decimal], ...] = (
    (500 * WAN, Decimal("0.30")),
    (1000 * WAN, Decimal("0.25")),
    (None, Decimal("0.20")),
)
DIRECT = (C.EQUIPMENT, C.BUSINESS, C.LABOUR)
NOTE_MAX = 500
LINES_MAX = 10  # five categories × grant/self
CENT = Decimal("0.01")


@dataclass(frozen=True)
class BudgetLine:
    category: str
    from_grant: bool
    amount: Decimal
    note: str = ""


@dataclass(frozen=True)
class CapStep:
    """One bracket of the cap: the part of the base inside it, its rate and what it allows."""

    low: Decimal
    high: Decimal | None
    part: Decimal
    rate: Decimal
    allowed: Decimal


@dataclass
class BudgetSummary:
    grant: dict[str, Decimal] = field(default_factory=dict)
    own: dict[str, Decimal] = field(default_factory=dict)
    direct: Decimal = Decimal(0)  # grant part
    base: Decimal = Decimal(0)  # direct − equipment purchase (grant part)
    indirect: Decimal = Decimal(0)
    cap: Decimal = Decimal(0)
    steps: list[CapStep] = field(default_factory=list)
    grant_total: Decimal = Decimal(0)
    own_total: Decimal = Decimal(0)

    @property
    def total(self) -> Decimal:
        return self.grant_total + self.own_total

    @property
    def within_cap(self) -> bool:
        return self.indirect <= self.cap

    def rows(self) -> list[dict[str, Any]]:
        """The table as shown: each category with its grant and own amounts."""
        out = []
        for value, label in C.choices:
            g, o = self.grant.get(value, Decimal(0)), self.own.get(value, Decimal(0))
            out.append({"category": value, "label": label, "grant": g, "own": o, "sub": value == C.EQUIPMENT_PURCHASE})
        return out


def indirect_cap(base: Decimal) -> tuple[Decimal, list[CapStep]]:
    """The most 间接费用 a base (direct costs less equipment purchase) allows, bracket by bracket
    (rounded down to the 分)."""
    base = max(Decimal(base), Decimal(0))
    steps: list[CapStep] = []
    low = Decimal(0)
    total = Decimal(0)
    for high, rate in BRACKETS:
        if base <= low:
            break
        part = (min(base, high) if high is not None else base) - low
        allowed = (part * rate).quantize(CENT, rounding=ROUND_DOWN)
        steps.append(CapStep(low=low, high=high, part=part, rate=rate, allowed=allowed))
        total += allowed
        if high is None:
            break
        low = high
    return total, steps


def _fail(code: str, message: str, details: Any = None) -> ValidationFailed:
    return ValidationFailed(message, code=code, details=details if details is not None else {"budget": [message]})


def clean_budget(items: Any) -> list[BudgetLine]:
    """The table from its input: a list of {category, from_grant, amount, note} (amounts in 元).
    Refuses unknown categories, a line twice, indirect costs from own money, negative or huge
    amounts (422 invalid_budget)."""
    if items is None:
        return []
    if not isinstance(items, list | tuple):
        raise _fail("invalid_budget", _("预算表应为列表。"))
    if len(items) > LINES_MAX:
        raise _fail("invalid_budget", _("预算表最多 %(n)d 行。") % {"n": LINES_MAX})
    lines: list[BudgetLine] = []
    seen: set[tuple[str, bool]] = set()
    for i, raw in enumerate(items):
        key = f"budget.{i}"
        if not isinstance(raw, dict):
            raise _fail("invalid_budget", _("预算行应为对象。"), {key: [_("预算行应为对象。")]})
        unknown = sorted(set(raw) - {"category", "from_grant", "amount", "note"})
        if unknown:
            raise _fail("invalid_budget", _("未知的预算字段：%(f)s") % {"f": ", ".join(unknown)[:80]})
        category = raw.get("category")
        if category not in C.values:
            raise _fail("invalid_budget", _("未知的预算科目。"), {f"{key}.category": [_("未知的预算科目。")]})
        from_grant = raw.get("from_grant", True)
        if not isinstance(from_grant, bool):
            raise _fail("invalid_budget", _("资金来源应为真或假。"), {f"{key}.from_grant": [_("应为真或假。")]})
        try:
            amount = money_yuan(raw.get("amount"), field=f"{key}.amount")
            note = clean_text(raw.get("note", ""), field=f"{key}.note", max_length=NOTE_MAX)
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, code="invalid_budget", details=exc.details) from None
        assert amount is not None
        if (category, from_grant) in seen:
            raise _fail("invalid_budget", _("预算科目重复。"), {f"{key}.category": [_("预算科目重复。")]})
        if category == C.INDIRECT and not from_grant:
            msg = _("间接费用只能列支专项资金。")
            raise _fail("invalid_budget", msg, {f"{key}.from_grant": [msg]})
        seen.add((category, from_grant))
        lines.append(BudgetLine(category=category, from_grant=from_grant, amount=amount, note=note))
    return lines


def summarize(lines: Any) -> BudgetSummary:
    """Totals, the base and the cap of a table (BudgetLine or BudgetItem rows)."""
    s = BudgetSummary()
    for line in lines:
        side = s.grant if line.from_grant else s.own
        side[line.category] = side.get(line.category, Decimal(0)) + Decimal(line.amount)
    s.direct = sum((s.grant.get(c, Decimal(0)) for c in DIRECT), Decimal(0))
    own_direct = sum((s.own.get(c, Decimal(0)) for c in DIRECT), Decimal(0))
    s.base = max(s.direct - s.grant.get(C.EQUIPMENT_PURCHASE, Decimal(0)), Decimal(0))
    s.indirect = s.grant.get(C.INDIRECT, Decimal(0))
    s.cap, s.steps = indirect_cap(s.base)
    s.grant_total = s.direct + s.indirect
    s.own_total = own_direct
    return s


def budget_error(s: BudgetSummary) -> ValidationFailed | None:
    """What is wrong with a table's sums: equipment purchase above equipment, indirect costs
    above the cap (422 indirect_cost_exceeds_cap, the cap in details)."""
    for side, name in ((s.grant, "grant"), (s.own, "own")):
        if side.get(C.EQUIPMENT_PURCHASE, Decimal(0)) > side.get(C.EQUIPMENT, Decimal(0)):
            msg = _("设备购置费不能超过设备费。")
            return ValidationFailed(
                msg, code="equipment_purchase_exceeds_equipment", details={"budget": [msg], "side": name}
            )
    if not s.within_cap:
        msg = _("间接费用 %(i)s 元超过上限 %(c)s 元（直接费用扣除设备购置费后 %(b)s 元分段核定）。") % {
            "i": f"{s.indirect:,.2f}",
            "c": f"{s.cap:,.2f}",
            "b": f"{s.base:,.2f}",
        }
        return ValidationFailed(
            msg,
            code="indirect_cost_exceeds_cap",
            details={"budget": [msg], "cap": str(s.cap), "base": str(s.base), "indirect": str(s.indirect)},
        )
    return None
