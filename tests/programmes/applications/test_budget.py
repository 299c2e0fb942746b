"""The 2021 indirect-cost caps, worked: 30 % up to 500万, 25 % of 500万–1000万, 20 % above."""

from decimal import Decimal

import pytest

from nesta.core.errors import ValidationFailed
from nesta.programmes.rules.budget_table import budget_error, clean_budget, indirect_cap, summarize

WAN = Decimal(10000)


@pytest.mark.parametrize(
    "direct_wan,cap_wan",
    [
        (400, Decimal(120)),  # 400 × 30 %
        (800, Decimal(225)),  # 500 × 30 % + 300 × 25 %
        (1500, Decimal(375)),  # 150 + 125 + 500 × 20 %
        (500, Decimal(150)),
        (1000, Decimal(275)),
        (0, Decimal(0)),
    ],
)
def test_worked_examples(direct_wan, cap_wan):
    cap, steps = indirect_cap(direct_wan * WAN)
    assert cap == cap_wan * WAN
    assert sum(s.allowed for s in steps) == cap


def _table(equipment, purchase, business, labour, indirect):
    return clean_budget(
        [
            {"category": "equipment", "amount": str(equipment * WAN)},
            {"category": "equipment_purchase", "amount": str(purchase * WAN)},
            {"category": "business", "amount": str(business * WAN)},
            {"category": "labour", "amount": str(labour * WAN)},
            {"category": "indirect", "amount": str(indirect * WAN)},
        ]
    )


def test_equipment_purchase_is_left_out_of_the_base():
    # direct 800万, of which 300万 equipment purchase: base 500万 → cap 150万
    s = summarize(_table(400, 300, 300, 100, 150))
    assert s.direct == 800 * WAN and s.base == 500 * WAN and s.cap == 150 * WAN and s.within_cap
    assert budget_error(s) is None
    assert s.grant_total == 950 * WAN


@pytest.mark.parametrize(
    "direct,indirect,ok", [(400, 120, True), (400, Decimal("120.01"), False), (1500, 375, True), (1500, 376, False)]
)
def test_the_cap_is_checked_with_its_code_and_shown(direct, indirect, ok):
    s = summarize(_table(0, 0, direct, 0, indirect))
    error = budget_error(s)
    if ok:
        assert error is None
    else:
        assert error.code == "indirect_cost_exceeds_cap" and Decimal(error.details["cap"]) == s.cap
        assert "上限" in str(error.message)


def test_purchase_above_equipment_is_refused():
    assert budget_error(summarize(_table(100, 200, 0, 0, 0))).code == "equipment_purchase_exceeds_equipment"


@pytest.mark.parametrize(
    "lines",
    [
        "not a list",
        [{"category": "travel", "amount": "1"}],
        [{"category": "business", "amount": "-1"}],
        [{"category": "business", "amount": "1e400"}],
        [{"category": "business", "amount": "NaN"}],
        [{"category": "business", "amount": "0.001"}],
        [{"category": "business", "amount": "1"}, {"category": "business", "amount": "2"}],
        [{"category": "indirect", "from_grant": False, "amount": "1"}],
        [{"category": "business", "amount": "1", "note": "\x00"}],
        [{"category": "business", "amount": "1", "from_grant": "yes"}],
        [{"category": "business", "amount": "1"}] * 11,
    ],
)
def test_bad_tables_are_refused(lines):
    with pytest.raises(ValidationFailed) as exc:
        clean_budget(lines)
    assert exc.value.code == "invalid_budget"
