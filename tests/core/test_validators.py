"""core.validators and their pydantic faces (core.inputs): one rule for each kind of input."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from ninja import Schema
from pydantic import ValidationError

from nesta.core import validators as v
from nesta.core.errors import ValidationFailed
from nesta.core.inputs import AwareDateTime, BoundedInt, CleanText, LocalDate, LocalDateTime, Money

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _refused(call, field="f"):
    with pytest.raises(ValidationFailed) as exc:
        call()
    assert list(exc.value.details) == [field] and exc.value.status == 422
    return str(exc.value.details[field][0])


def test_text():
    assert v.clean_text("  电镜\t型号\r\n二 ", field="f", max_length=20) == "电镜\t型号\r\n二"
    assert v.clean_text(None, field="f", max_length=5) == ""
    assert "控制字符" in _refused(lambda: v.clean_text("a\x04b", field="f", max_length=20))
    _refused(lambda: v.clean_text("a\x00", field="f", max_length=20))
    _refused(lambda: v.clean_text("a\nb", field="f", max_length=20, multiline=False))
    _refused(lambda: v.clean_text("x" * 21, field="f", max_length=20))
    _refused(lambda: v.clean_text(" ", field="f", max_length=20, required=True))
    _refused(lambda: v.clean_text(5, field="f", max_length=20))


def test_bounded_int():
    assert v.bounded_int("12", field="f", maximum=20) == 12
    assert v.bounded_int(3.0, field="f", maximum=20) == 3
    for bad in (True, 1.5, "1e9", "", None, 21, -1, 2**31):
        _refused(lambda bad=bad: v.bounded_int(bad, field="f", maximum=20))


def test_money():
    assert v.money_yuan("1,200.5", field="f") == Decimal("1200.50")
    assert v.money_fen("120.05", field="f") == 12005
    assert v.money_yuan("", field="f", required=False) is None
    assert "两位小数" in _refused(lambda: v.money_yuan("1.005", field="f"))
    for bad in ("-1", "NaN", "Infinity", "1e12", "很多", True, ""):
        _refused(lambda bad=bad: v.money_yuan(bad, field="f"))


@pytest.mark.parametrize(
    "value", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:00:00+00:00", "1999-12-31T23:59:00+08:00", "2100-01-02"]
)
def test_datetimes_out_of_range(value):
    assert "之间" in _refused(lambda: v.aware_datetime(value, field="f"))


def test_datetimes():
    assert v.aware_datetime("2026-12-01T09:00", field="f") == datetime(2026, 12, 1, 9, tzinfo=SHANGHAI)
    assert v.aware_datetime("2026-12-01T01:00:00Z", field="f") == datetime(2026, 12, 1, 9, tzinfo=SHANGHAI)
    assert "时区" in _refused(lambda: v.aware_datetime("2026-12-01T09:00", field="f", naive="refuse"))
    _refused(lambda: v.aware_datetime("明天", field="f"))
    _refused(lambda: v.aware_datetime(20261201, field="f"))
    assert v.local_date("2026-12-01", field="f") == date(2026, 12, 1)
    for bad in ("9999-12-31", "0001-01-01", "2026-02-30", 5):
        _refused(lambda bad=bad: v.local_date(bad, field="f"))


@pytest.mark.django_db
def test_region_codes(reference):
    assert v.region_code("210000", field="province", level="province").name == "辽宁省"
    _refused(lambda: v.region_code("210100", field="province", level="province"), "province")
    _refused(lambda: v.region_code("999999", field="province"), "province")
    _refused(lambda: v.region_code("21' OR 1", field="province"), "province")


class Sample(Schema):
    name: CleanText(20, min_length=1)  # type: ignore[valid-type]
    minutes: BoundedInt(0, 1440) | None = None  # type: ignore[valid-type]
    price: Money | None = None
    at: LocalDateTime | None = None
    at_tz: AwareDateTime | None = None
    day: LocalDate | None = None


def _errors(**data) -> dict[str, str]:
    with pytest.raises(ValidationError) as exc:
        Sample(**data)
    return {".".join(map(str, e["loc"])): e["msg"] for e in exc.value.errors()}


def test_schema_types_use_the_same_rules():
    ok = Sample(name=" 电镜 ", minutes="30", price="12.5", at="2026-12-01T09:00", day="2026-12-01")
    assert (ok.name, ok.minutes, ok.price, ok.at) == (
        "电镜",
        30,
        Decimal("12.5"),
        datetime(2026, 12, 1, 9, tzinfo=SHANGHAI),
    )
    assert "控制字符" in _errors(name="a\x04")["name"]
    assert set(_errors(name="a", minutes=1441)) == {"minutes"}
    assert set(_errors(name="a", minutes=True)) == {"minutes"}
    assert set(_errors(name="a", price="1.001")) == {"price"}
    assert set(_errors(name="a", price="-1")) == {"price"}
    assert "之间" in _errors(name="a", at="0001-01-01T00:00:00+14:00")["at"]
    assert "之间" in _errors(name="a", at="9999-12-31T23:00:00+00:00")["at"]
    assert "时区" in _errors(name="a", at_tz="2026-12-01T09:00")["at_tz"]
    assert set(_errors(name="a", day="9999-12-31")) == {"day"}


@pytest.mark.parametrize(
    "value,expected",
    [
        (7, 7),
        ("42", 42),
        (" 42 ", 42),
        ("0", None),
        (-3, None),
        (True, None),
        ("²", None),
        ("١٢", None),
        ("4²", None),
        ("12a", None),
        ("99999999999999999999", None),
        (2**31, None),
        (None, None),
        (4.0, None),
    ],
)
def test_row_id_takes_ascii_digits_within_range_only(value, expected):
    from nesta.core.validators import row_id

    assert row_id(value) == expected
