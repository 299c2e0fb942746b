"""Money in 元/万元/亿元 and dates the Chinese way (and their English forms)."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from nesta.core.templatetags.nesta import cn_date, cn_datetime, yuan


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("400000000"), "4亿元"),
        (Decimal("500000000.00"), "5亿元"),
        (Decimal("2500000000"), "25亿元"),
        (Decimal("125000000"), "1.25亿元"),
        (Decimal("50000000"), "5,000万元"),
        (Decimal("12345"), "1.23万元"),
        (Decimal("8500"), "8,500元"),
        (Decimal("8500.5"), "8,500.5元"),
        (0, "0元"),
        (Decimal("-30000"), "-3万元"),
        (None, "—"),
        ("", "—"),
        ("abc", "—"),
    ],
)
def test_yuan_chinese(amount, expected):
    with translation.override("zh-hans"):
        assert yuan(amount) == expected


def test_yuan_forced_unit():
    with translation.override("zh-hans"):
        assert yuan(Decimal("400000000"), "万") == "40,000万元"
        assert yuan(Decimal("8500"), "元") == "8,500元"


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("400000000"), "CNY 400 million"),
        (Decimal("2500000000"), "CNY 2.5 billion"),
        (Decimal("8500"), "CNY 8,500"),
    ],
)
def test_yuan_english(amount, expected):
    with translation.override("en"):
        assert yuan(amount) == expected


def test_dates():
    with translation.override("zh-hans"):
        assert cn_date(date(2026, 11, 27)) == "2026年11月27日"
        assert cn_date(date(2026, 1, 5)) == "2026年1月5日"
        # aware datetimes are shown in Asia/Shanghai
        utc = datetime(2026, 11, 26, 17, 30, tzinfo=ZoneInfo("UTC"))
        assert cn_date(utc) == "2026年11月27日"
        assert cn_datetime(utc) == "2026年11月27日 01:30"
        assert cn_date(None) == "—"
    with translation.override("en"):
        assert cn_date(date(2026, 11, 27)) == "27 Nov 2026"
