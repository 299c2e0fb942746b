"""Filters of the report pages (`{% load reports %}`): ratios as percentages and hours to 0.01 h —
`{{ item.sharing_rate|percent }}` gives 30.00% for the ratio 0.3000, `{{ item.effective_hours|hours }}`
gives 1,400.00."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template

register = template.Library()


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


@register.filter
def percent(value: Any) -> str:
    """0.1235 → '12.35%' (a ratio to 4 decimals is a percentage to 2)."""
    ratio = _decimal(value)
    if ratio is None:
        return "—"
    return f"{(ratio * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"


@register.filter
def hours(value: Any) -> str:
    """700 → '700.00'; 1400.5 → '1,400.50'."""
    amount = _decimal(value)
    if amount is None:
        return "—"
    return f"{amount.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"
