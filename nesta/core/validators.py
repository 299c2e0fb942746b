"""Shared input validators: every service and every API schema checks a value the same way.

Each function takes the raw value and the field name, returns the clean value, and raises
`ValidationFailed({field: [message]})` otherwise. The API schemas use them through the pydantic
types of `nesta.core.inputs`; services call them directly for web-form and XLSX input.

The bounds are the platform's, not the database's: an integer a user sets has a maximum that
makes sense for it, a date lies between 2000 and 2100 (local time), text holds no control
characters, so no stored value can later break a page, an export or a calculation.
"""

import re
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

from nesta.core.errors import ValidationFailed

LOCAL = ZoneInfo("Asia/Shanghai")
EARLIEST = datetime(2000, 1, 1, tzinfo=LOCAL)
LATEST = datetime(2100, 1, 1, tzinfo=LOCAL)
EARLIEST_DATE, LATEST_DATE = EARLIEST.date(), LATEST.date()
MONEY_MAX = Decimal(10) ** 12  # 元, exclusive: the DecimalField(14, 2) bound
INT_MAX = 2**31 - 1
# C0 control characters except tab, newline and carriage return (a browser's textarea sends
# CRLF); these break XML exports, terminals and search indexes.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _fail(field: str, message: Any) -> ValidationFailed:
    return ValidationFailed(details={field: [message]})


def clean_text(value: Any, *, field: str, max_length: int, required: bool = False, multiline: bool = True) -> str:
    """Stripped text without control characters and at most `max_length` characters."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _fail(field, _("应为文本。"))
    text = value.strip()
    if CONTROL.search(text) or (not multiline and ("\n" in text or "\r" in text)):
        raise _fail(field, _("不能包含控制字符。"))
    if required and not text:
        raise _fail(field, _("此字段为必填项。"))
    if len(text) > max_length:
        raise _fail(field, _("最多 %(n)d 个字符（现有 %(m)d 个）。") % {"n": max_length, "m": len(text)})
    return text


def bounded_int(value: Any, *, field: str, minimum: int = 0, maximum: int) -> int:
    """An integer in [minimum, maximum]; "12" is accepted, 1.5, True and "1e9" are not."""
    if isinstance(value, bool):
        raise _fail(field, _("应为整数。"))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d{1,12}\s*", value):
        value = int(value)
    if not isinstance(value, int):
        raise _fail(field, _("应为整数。"))
    if not minimum <= value <= maximum:
        raise _fail(field, _("应在 %(a)d 到 %(b)d 之间。") % {"a": minimum, "b": maximum})
    return value


def money_yuan(value: Any, *, field: str, maximum: Decimal = MONEY_MAX, required: bool = True) -> Decimal | None:
    """An amount in 元: a Decimal ≥ 0, below `maximum`, with at most two decimals (分)."""
    if value is None or value == "":
        if required:
            raise _fail(field, _("请输入金额（元）。"))
        return None
    if isinstance(value, bool):
        raise _fail(field, _("金额格式有误：%(v)s") % {"v": value})
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise _fail(field, _("金额格式有误：%(v)s") % {"v": str(value)[:40]}) from None
    if not amount.is_finite():
        raise _fail(field, _("金额格式有误：%(v)s") % {"v": str(value)[:40]})
    if amount < 0:
        raise _fail(field, _("金额不能为负。"))
    if amount >= maximum:
        raise _fail(field, _("金额过大。"))
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise _fail(field, _("金额最多保留两位小数（分）。"))
    return amount.quantize(Decimal("0.01"))


def money_fen(value: Any, *, field: str, maximum: Decimal = MONEY_MAX) -> int:
    """An amount in 元 as whole 分 (120.5 → 12050)."""
    amount = money_yuan(value, field=field, maximum=maximum)
    assert amount is not None
    return int(amount * 100)


def aware_datetime(
    value: Any,
    *,
    field: str,
    naive: str = "local",
    earliest: datetime = EARLIEST,
    latest: datetime = LATEST,
) -> datetime:
    """An aware datetime between `earliest` and `latest`. ISO 8601 text is parsed; a naive value
    is read as Asia/Shanghai local time (`naive="local"`) or refused (`naive="refuse"`)."""
    if isinstance(value, str):
        text = value.strip()
        if len(text) > 40:
            raise _fail(field, _("时间格式有误。"))
        try:
            value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise _fail(field, _("时间格式有误，例如 2026-12-01T09:00:00+08:00。")) from None
    elif isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time.min)
    if not isinstance(value, datetime):
        raise _fail(field, _("时间格式有误，例如 2026-12-01T09:00:00+08:00。"))
    if value.tzinfo is None or value.utcoffset() is None:
        if naive != "local":
            raise _fail(field, _("时间须带时区，例如 2026-12-01T09:00:00+08:00。"))
        value = value.replace(tzinfo=LOCAL)
    try:
        in_range = earliest <= value <= latest
    except OverflowError:  # 0001-01-01T00:00+14:00 has no UTC equivalent
        in_range = False
    if not in_range:
        raise _fail(field, _("时间应在 %(a)s 到 %(b)s 之间。") % _range_args(earliest, latest))
    return value


def local_date(value: Any, *, field: str, earliest: date = EARLIEST_DATE, latest: date = LATEST_DATE) -> date:
    """A calendar date between 2000-01-01 and 2100-01-01 (YYYY-MM-DD text accepted)."""
    if isinstance(value, datetime):
        value = value.astimezone(LOCAL).date() if value.tzinfo else value.date()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip()[:10])
        except ValueError:
            raise _fail(field, _("日期格式应为 YYYY-MM-DD。")) from None
    if not isinstance(value, date):
        raise _fail(field, _("日期格式应为 YYYY-MM-DD。"))
    if not earliest <= value <= latest:
        raise _fail(field, _("日期应在 %(a)s 到 %(b)s 之间。") % {"a": earliest, "b": latest})
    return value


def _range_args(earliest: datetime, latest: datetime) -> dict[str, str]:
    return {"a": f"{earliest.astimezone(LOCAL):%Y-%m-%d}", "b": f"{latest.astimezone(LOCAL):%Y-%m-%d}"}


def region_code(value: Any, *, field: str, level: str | None = None) -> Any:
    """The Region row of a code (optionally of one level: province, city)."""
    from nesta.core.models import Region  # models load after the app registry

    code = value.strip() if isinstance(value, str) else value
    if not isinstance(code, str) or not re.fullmatch(r"\d{6}", code):
        raise _fail(field, _("未知的行政区划代码：%(code)s") % {"code": str(value)[:20]})
    region = Region.objects.filter(code=code).first()
    if region is None or (level is not None and region.level != level):
        raise _fail(field, _("未知的行政区划代码：%(code)s") % {"code": code})
    return region


def datetime_in_range(value: Any) -> None:
    """A Django form-field validator: the same range as `aware_datetime` (form errors, not 500s,
    for 0001-01-01T00:00 or 9999-12-31T23:00 typed into a datetime-local input)."""
    from django.core.exceptions import ValidationError

    if value is None:
        return
    try:
        aware_datetime(value, field="value")
    except ValidationFailed as exc:
        raise ValidationError(exc.details["value"][0], code="out_of_range") from None


ROW_ID_MAX = 2**31 - 1  # the API's bound for an id (schemas' ID_MAX)
_ASCII_ID = re.compile(r"[0-9]{1,10}")


def row_id(value: Any) -> int | None:
    """A record id given as an int or a string of ASCII digits, within 1..ROW_ID_MAX; None for
    anything else. (str.isdigit() accepts '²' and '١', which int() or the database then refuse.)"""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _ASCII_ID.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        return None
    return number if 1 <= number <= ROW_ID_MAX else None
