"""Template helpers of the web UI: money in 元/万元/亿元, Chinese dates, localised names,
permission checks and query strings.

    {% load nesta %}
    {{ line.baseline_amount|yuan }}          → 4亿元        (English: CNY 400 million)
    {{ order.quoted_amount|yuan2 }}           → 1,234.50元   (English: CNY 1,234.50)
    {{ org.created_at|cn_date }}              → 2026年11月27日 (English: 27 Nov 2026)
    {{ org.province|loc }}                    → 辽宁省        (English: Liaoning)
    {% can user "organization.change" org as may_edit %}
    {% querystring_with request cursor=page.next_cursor %}
"""

import functools
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from django import template
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from nesta.core.permissions import can as permission_can

register = template.Library()

WAN = Decimal("10000")
YI = Decimal("100000000")
MILLION = Decimal("1000000")
BILLION = Decimal("1000000000")
EN_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _is_english() -> bool:
    return (get_language() or "").lower().startswith("en")


def _to_decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _number(value: Decimal, places: int = 2) -> str:
    """1234.5 → '1,234.5'; 4.00 → '4' (at most `places` decimals, trailing zeros dropped)."""
    q = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{q:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@register.filter
def yuan(value: Any, unit: str = "") -> str:
    """An amount in 元, written the Chinese way: 4亿元, 5,000万元, 8,500元.

    `unit` forces a unit ("元", "万", "亿"). In English: CNY 400 million, CNY 50 million, CNY 8,500.
    """
    amount = _to_decimal(value)
    if amount is None:
        return "—"
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if _is_english():
        if amount >= BILLION:
            return f"{sign}CNY {_number(amount / BILLION)} billion"
        if amount >= MILLION:
            return f"{sign}CNY {_number(amount / MILLION)} million"
        return f"{sign}CNY {_number(amount)}"
    unit = unit.strip().removesuffix("元")
    if unit == "亿" or (not unit and amount >= YI):
        return f"{sign}{_number(amount / YI, 4 if amount < YI else 2)}亿元"
    if unit == "万" or (not unit and amount >= WAN):
        return f"{sign}{_number(amount / WAN)}万元"
    return f"{sign}{_number(amount)}元"


@register.filter
def yuan2(value: Any) -> str:
    """An exact amount in 元 with two decimals, for orders, quotes and charges: 1,234.50元, 0.00元.

    Never rounded to 万元 or 亿元 (a bill shows the cents). In English: CNY 1,234.50.
    """
    amount = _to_decimal(value)
    if amount is None or not amount.is_finite():
        return "—"
    text = f"{amount.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"
    return f"CNY {text}" if _is_english() else f"{text}元"


def _as_local(value: Any) -> date | datetime | None:
    if isinstance(value, datetime):
        return timezone.localtime(value) if timezone.is_aware(value) else value
    if isinstance(value, date):
        return value
    return None


@register.filter
def cn_date(value: Any) -> str:
    """2026年11月27日 (English: 27 Nov 2026)."""
    d = _as_local(value)
    if d is None:
        return "—" if value in (None, "") else str(value)
    if _is_english():
        return f"{d.day} {EN_MONTHS[d.month - 1]} {d.year}"
    return f"{d.year}年{d.month}月{d.day}日"


@register.filter
def cn_datetime(value: Any) -> str:
    """2026年11月27日 09:05 (English: 27 Nov 2026 09:05)."""
    d = _as_local(value)
    if not isinstance(d, datetime):
        return cn_date(value)
    return f"{cn_date(d)} {d:%H:%M}"


@register.filter
def loc(obj: Any, attr: str = "name") -> str:
    """The record's English name in English (when it has one), its Chinese name otherwise."""
    if obj is None:
        return ""
    if _is_english():
        english = getattr(obj, f"{attr}_en", "")
        if english:
            return english
    return getattr(obj, attr, "") or ""


@register.simple_tag
def can(user: Any, action: str, target: Any = None) -> bool:
    """{% can user "organization.change" org as may_edit %}"""
    return permission_can(user, action, target)


@register.simple_tag
def querystring_with(request: Any, **changes: Any) -> str:
    """The request's query string with `changes` applied (None or "" removes a key); starts with '?'."""
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    pairs = [(k, v) for k in params for v in params.getlist(k) if v != ""]
    return "?" + urlencode(pairs) if pairs else "?"


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None


EXTRA_LABELS = {"expert": _("专家信息"), "affiliations": _("任职经历"), "id": "ID", "role": _("角色")}


@functools.lru_cache(maxsize=512)
def _audit_field(object_type: str, name: str) -> tuple[Any, dict[str, Any]]:
    """(label, {value: label of the choice}) of one field of an audited type: the label its app
    registered, else the model field's verbose name; choices' labels where the field has choices.
    Cached: lazy translations, so the page's language still applies; no query."""
    from django.apps import apps
    from django.core.exceptions import FieldDoesNotExist

    from nesta.core.registry import registry

    registered = registry.audit_object_type_of(object_type)
    label: Any = registered.fields.get(name) if registered else None
    choices: dict[str, Any] = {}
    try:
        field = apps.get_model(object_type)._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        field = None
    if field is not None:
        label = label or getattr(field, "verbose_name", None)
        choices = {str(k): v for k, v in (getattr(field, "flatchoices", None) or [])}
    return label or EXTRA_LABELS.get(name, name), choices


def _field_label(object_type: str, name: str) -> str:
    return str(_audit_field(object_type, name)[0])


def _show_value(object_type: str, name: str, value: Any) -> str:
    choices = _audit_field(object_type, name)[1]
    if choices and isinstance(value, str | int) and str(value) in choices:
        return str(choices[str(value)])
    return _show(value)


def _show(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value)
    return str(value)


@register.filter
def audit_changes(entry: Any) -> list[dict[str, str]]:
    """The changed fields of an audit row as [{label, old, new}], labels in the page's language."""
    changes = getattr(entry, "changes", None) or {}
    created = getattr(entry, "is_creation", False)
    rows = []
    for name, pair in changes.items():
        old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        if created and (name == "id" or new in (None, "", [], {})):
            continue  # a new record: list what was filled in, not every empty field
        rows.append(
            {
                "name": name,
                "label": _field_label(entry.object_type, name),
                "old": _show_value(entry.object_type, name, old),
                "new": _show_value(entry.object_type, name, new),
            }
        )
    return rows


@register.simple_tag
def render_widget(bound_field: Any, **attrs: Any) -> str:
    """A form field's widget with Bootstrap's is-invalid class when it has errors."""
    css = bound_field.field.widget.attrs.get("class", "")
    if bound_field.errors:
        css = f"{css} is-invalid".strip()
    # Values become plain strings so they are escaped ('{"a": 1}' literals in templates are "safe").
    extra = {k.replace("_", "-"): "" + str(v) for k, v in attrs.items()}
    return bound_field.as_widget(attrs={**extra, "class": css})


AUDIT_OBJECT_URLS = {
    "directory.organization": "directory:organization_detail",
    "directory.person": "directory:person_detail",
}


@register.filter
def audit_object(entry: Any) -> dict[str, str]:
    """{label, url} of an audit row's record: the model's name in the page's language, and a link
    to the record's page when it has one."""
    from django.apps import apps
    from django.urls import NoReverseMatch, reverse

    try:
        label = str(apps.get_model(entry.object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        label = entry.object_type
    url = ""
    name = AUDIT_OBJECT_URLS.get(entry.object_type)
    if name and str(entry.object_id).isdigit():
        try:
            url = reverse(name, args=[int(entry.object_id)])
        except NoReverseMatch:
            url = ""
    return {"label": label, "url": url}
