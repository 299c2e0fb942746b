"""A call's own application form: its schema (`Call.form_fields`) and the answers
(`Application.form_data`) checked against it.

    [{"name": "market", "label": "市场前景", "type": "textarea", "required": true, "max_length": 2000},
     {"name": "staff", "label": "研发人员数", "type": "int", "min": 0, "max": 100000},
     {"name": "stage", "label": "技术阶段", "type": "choice", "choices": ["实验室", "中试", "产业化"]}]

Types: text, textarea, int, money (元), date, choice. The schema is bounded (fields, labels,
choices, lengths) so no call can make a form that breaks a page or a database row.
"""

import re
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from nesta.core.errors import ValidationFailed
from nesta.core.validators import INT_MAX, MONEY_MAX, bounded_int, clean_text, local_date, money_yuan

TYPES = ("text", "textarea", "int", "money", "date", "choice")
TYPE_LABELS = {
    "text": "单行文本",
    "textarea": "多行文本",
    "int": "整数",
    "money": "金额（元）",
    "date": "日期",
    "choice": "单选",
}
FIELDS_MAX = 30
LABEL_MAX = 60
HELP_MAX = 200
CHOICES_MAX = 50
CHOICE_MAX = 60
TEXT_MAX = {"text": 500, "textarea": 8000}
TEXT_DEFAULT = {"text": 200, "textarea": 2000}
NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
KEYS = {"name", "label", "type", "required", "max_length", "min", "max", "choices", "help"}


def _bad(where: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, code="invalid_form_fields", details={f"form_fields.{where}": [message]})


def _bound(value: Any, kind: str, where: str) -> Any:
    if value is None:
        return None
    try:
        if kind == "int":
            return bounded_int(value, field=where, minimum=-INT_MAX, maximum=INT_MAX)
        return str(money_yuan(value, field=where, maximum=MONEY_MAX))
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, code="invalid_form_fields", details=exc.details) from None


def clean_form_fields(value: Any) -> list[dict[str, Any]]:
    """The schema, checked and normalised (422 invalid_form_fields naming the field)."""
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise _bad("", _("申报书字段应为列表。"))
    if len(value) > FIELDS_MAX:
        raise _bad("", _("申报书字段最多 %(n)d 个。") % {"n": FIELDS_MAX})
    out: list[dict[str, Any]] = []
    names: set[str] = set()
    for i, raw in enumerate(value):
        where = str(i)
        if not isinstance(raw, dict):
            raise _bad(where, _("每个字段应为对象。"))
        unknown = sorted(str(k)[:20] for k in set(raw) - KEYS)
        if unknown:
            raise _bad(where, _("未知的字段属性：%(k)s") % {"k": ", ".join(unknown)})
        name = raw.get("name")
        if not isinstance(name, str) or not NAME.fullmatch(name):
            raise _bad(f"{where}.name", _("字段名应为小写字母开头的字母、数字或下划线（最多 40 个）。"))
        if name in names:
            raise _bad(f"{where}.name", _("字段名重复：%(n)s") % {"n": name})
        names.add(name)
        try:
            label = clean_text(
                raw.get("label"), field=f"{where}.label", max_length=LABEL_MAX, required=True, multiline=False
            )
            help_text = clean_text(raw.get("help", ""), field=f"{where}.help", max_length=HELP_MAX, multiline=False)
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, code="invalid_form_fields", details=exc.details) from None
        kind = raw.get("type")
        if kind not in TYPES:
            raise _bad(f"{where}.type", _("字段类型应为 %(t)s 之一。") % {"t": "、".join(TYPES)})
        required = raw.get("required", False)
        if not isinstance(required, bool):
            raise _bad(f"{where}.required", _("应为真或假。"))
        clean: dict[str, Any] = {"name": name, "label": label, "type": kind, "required": required}
        if help_text:
            clean["help"] = help_text
        if kind in TEXT_MAX:
            length = raw.get("max_length", TEXT_DEFAULT[kind])
            try:
                clean["max_length"] = bounded_int(
                    length, field=f"{where}.max_length", minimum=1, maximum=TEXT_MAX[kind]
                )
            except ValidationFailed as exc:
                raise ValidationFailed(exc.message, code="invalid_form_fields", details=exc.details) from None
        elif "max_length" in raw:
            raise _bad(f"{where}.max_length", _("只有文本字段可设最大长度。"))
        if kind in ("int", "money"):
            low = _bound(raw.get("min"), kind, f"form_fields.{where}.min")
            high = _bound(raw.get("max"), kind, f"form_fields.{where}.max")
            if low is not None and high is not None and Decimal(low) > Decimal(high):
                raise _bad(f"{where}.min", _("最小值不能大于最大值。"))
            if low is not None:
                clean["min"] = low
            if high is not None:
                clean["max"] = high
        elif "min" in raw or "max" in raw:
            raise _bad(f"{where}.min", _("只有整数和金额字段可设取值范围。"))
        if kind == "choice":
            choices = raw.get("choices")
            if not isinstance(choices, list) or not 1 <= len(choices) <= CHOICES_MAX:
                raise _bad(f"{where}.choices", _("单选字段应有 1 到 %(n)d 个选项。") % {"n": CHOICES_MAX})
            cleaned = []
            for c in choices:
                try:
                    text = clean_text(
                        c, field=f"{where}.choices", max_length=CHOICE_MAX, required=True, multiline=False
                    )
                except ValidationFailed as exc:
                    raise ValidationFailed(exc.message, code="invalid_form_fields", details=exc.details) from None
                if text in cleaned:
                    raise _bad(f"{where}.choices", _("选项重复：%(c)s") % {"c": text})
                cleaned.append(text)
            clean["choices"] = cleaned
        elif "choices" in raw:
            raise _bad(f"{where}.choices", _("只有单选字段可设选项。"))
        out.append(clean)
    return out


def _value(spec: dict[str, Any], raw: Any, where: str) -> Any:
    kind = spec["type"]
    if kind in TEXT_MAX:
        return clean_text(
            raw, field=where, max_length=spec.get("max_length", TEXT_MAX[kind]), multiline=kind == "textarea"
        )
    if kind == "int":
        low = spec.get("min", -INT_MAX)
        high = spec.get("max", INT_MAX)
        return bounded_int(raw, field=where, minimum=int(low), maximum=int(high))
    if kind == "money":
        amount = money_yuan(raw, field=where)
        assert amount is not None
        if "min" in spec and amount < Decimal(spec["min"]):
            raise ValidationFailed(details={where: [_("不能小于 %(v)s 元。") % {"v": spec["min"]}]})
        if "max" in spec and amount > Decimal(spec["max"]):
            raise ValidationFailed(details={where: [_("不能大于 %(v)s 元。") % {"v": spec["max"]}]})
        return str(amount)
    if kind == "date":
        return local_date(raw, field=where).isoformat()
    # choice
    if raw not in spec["choices"]:
        raise ValidationFailed(details={where: [_("请选择给定的选项。")]})
    return raw


def _empty(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def clean_form_data(fields: list[dict[str, Any]], data: Any) -> dict[str, Any]:
    """The answers to the call's fields, each checked by its type (422 invalid_form_data naming
    `form_data.<name>`); empty answers are left out. Required answers are checked on submission
    (missing_form_fields), so a draft may be saved half-filled."""
    if data in (None, ""):
        return {}
    if not isinstance(data, dict):
        raise ValidationFailed(
            _("申报书内容应为对象。"), code="invalid_form_data", details={"form_data": [_("应为对象。")]}
        )
    specs = {f["name"]: f for f in fields}
    unknown = sorted(str(k)[:40] for k in data if k not in specs)
    if unknown:
        msg = _("申报书中没有这些字段：%(k)s") % {"k": ", ".join(unknown[:5])}
        raise ValidationFailed(msg, code="invalid_form_data", details={"form_data": [msg]})
    out: dict[str, Any] = {}
    errors: dict[str, list[Any]] = {}
    for name, spec in specs.items():
        raw = data.get(name)
        if _empty(raw):
            continue
        where = f"form_data.{name}"
        try:
            out[name] = _value(spec, raw, where)
        except ValidationFailed as exc:
            errors.update(
                {where: [m for ms in exc.details.values() for m in ms]} if exc.details else {where: [exc.message]}
            )
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, code="invalid_form_data", details=errors)
    return out


def missing_fields(fields: list[dict[str, Any]], data: dict[str, Any]) -> list[dict[str, Any]]:
    """The required fields without an answer."""
    return [f for f in fields if f.get("required") and _empty((data or {}).get(f["name"]))]


def display_rows(fields: list[dict[str, Any]], data: dict[str, Any]) -> list[dict[str, Any]]:
    """The answers in the schema's order, with their labels (for the detail page)."""
    return [
        {"name": f["name"], "label": f["label"], "type": f["type"], "value": (data or {}).get(f["name"], "")}
        for f in fields
    ]
