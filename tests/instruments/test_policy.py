"""Each booking rule on its own, through the pure policy object (no database)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from nesta.instruments.policy import BookingRequest, BookingRules, Rules

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=TZ)  # a Monday


class FakeLedger:
    def __init__(self, booked=0, org_booked=0, blackout=None, qualified=(True, None), offences=(0, None)):
        self.booked, self.org_booked = booked, org_booked
        self.blackout, self.qualified, self.offences = blackout, qualified, offences
        self.asked = []

    def booked_minutes(self, *, user_id=None, organization_id=None, start, end):
        self.asked.append((user_id, organization_id, start, end))
        return self.booked if user_id else self.org_booked

    def blackout_between(self, start, end):
        return self.blackout

    def qualification_expiry(self):
        return self.qualified

    def offences_since(self, since):
        return self.offences


def at(day_offset, hh, mm=0):
    return NOW.replace(hour=hh, minute=mm) + timedelta(days=day_offset)


def codes(rules=None, start=None, end=None, ledger=None, external=False):
    request = BookingRequest(
        start=start or at(1, 9), end=end or at(1, 11), user_id=7, organization_id=3, is_external=external, now=NOW
    )
    return [v.code for v in BookingRules(rules or Rules()).check(request, ledger or FakeLedger())]


def test_an_ordinary_request_passes():
    assert codes() == []


@pytest.mark.parametrize(
    "start,end,expected",
    [
        (at(1, 7, 30), at(1, 9), ["outside_bookable_hours"]),
        (at(1, 21), at(1, 22, 30), ["outside_bookable_hours"]),
        (at(1, 14), at(1, 22), []),
        (at(1, 21), at(2, 9), ["outside_bookable_hours"]),  # crosses midnight
        (at(5, 9), at(5, 11), ["not_a_bookable_day"]),  # Saturday
    ],
)
def test_bookable_hours_and_days(start, end, expected):
    assert codes(Rules(max_minutes=24 * 60), start, end) == expected


def test_round_the_clock_when_open_from_equals_open_until():
    rules = Rules(open_from="00:00", open_until="00:00", weekdays="1234567", max_minutes=24 * 60)
    assert codes(rules, at(1, 22), at(2, 6)) == []


def test_past_notice_and_advance_window():
    assert codes(start=at(-3, 9), end=at(-3, 10)) == ["in_the_past"]  # last Friday
    assert codes(Rules(min_notice_minutes=24 * 60), at(0, 12), at(0, 13)) == ["too_short_notice"]
    assert codes(Rules(advance_days=7), at(9, 9), at(9, 10)) == ["too_far_ahead"]


def test_duration_limits():
    assert codes(start=at(1, 9), end=at(1, 9, 20)) == ["too_short"]
    assert codes(Rules(max_minutes=60), at(1, 9), at(1, 11)) == ["too_long"]


def test_instrument_status_and_openness():
    assert codes(Rules(instrument_status="repair")) == ["instrument_unavailable"]
    assert codes(Rules(instrument_is_open=False), external=True) == ["not_open_to_outside"]
    assert codes(Rules(instrument_is_open=False), external=False) == []


def test_blackout():
    assert codes(ledger=FakeLedger(blackout="年度维护保养")) == ["blackout"]


def test_training_qualification_and_expiry():
    rules = Rules(requires_training=True)
    assert codes(rules, ledger=FakeLedger(qualified=(False, None))) == ["qualification_required"]
    assert codes(rules, ledger=FakeLedger(qualified=(True, at(1, 10)))) == ["qualification_expired"]
    assert codes(rules, ledger=FakeLedger(qualified=(True, at(30, 0)))) == []
    assert codes(rules, ledger=FakeLedger(qualified=(True, None))) == []


def test_quotas_count_the_new_booking_too():
    rules = Rules(daily_quota_minutes_user=180)
    assert codes(rules, ledger=FakeLedger(booked=60)) == []  # 60 + 120 = 180
    assert codes(rules, ledger=FakeLedger(booked=61)) == ["quota_exceeded"]
    assert codes(Rules(weekly_quota_minutes_user=600), ledger=FakeLedger(booked=500)) == ["quota_exceeded"]
    assert codes(Rules(weekly_quota_minutes_org=600), ledger=FakeLedger(org_booked=481)) == ["quota_exceeded"]


def test_weekly_quota_window_is_the_local_monday_to_monday():
    ledger = FakeLedger()
    codes(Rules(weekly_quota_minutes_user=600), at(3, 9), at(3, 10), ledger=ledger)
    _, _, start, end = ledger.asked[0]
    assert start == datetime(2026, 11, 30, 0, 0, tzinfo=TZ)
    assert end == datetime(2026, 12, 7, 0, 0, tzinfo=TZ)


def test_repeat_offenders_are_suspended_for_a_period():
    rules = Rules(no_show_limit=3, suspension_days=30)
    assert codes(rules, ledger=FakeLedger(offences=(2, at(-1, 9)))) == []
    assert codes(rules, ledger=FakeLedger(offences=(3, at(-1, 9)))) == ["booking_suspended"]
    assert codes(rules, ledger=FakeLedger(offences=(3, at(-40, 9)))) == []


def test_violation_messages_are_chinese_by_default():
    request = BookingRequest(start=at(1, 7), end=at(1, 9), user_id=1, organization_id=None, is_external=False, now=NOW)
    (violation,) = BookingRules(Rules()).check(request, FakeLedger())
    assert "08:00–22:00" in violation.message and "预约" in violation.message
