"""iCalendar feeds parsed back with the icalendar library: the public instrument feed hides who
booked, the personal feed shows the user's own bookings with place and status."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.hashers import make_password
from icalendar import Calendar

from nesta.instruments.models import Blackout, Booking
from nesta.instruments.policy import LOCAL
from nesta.instruments.selectors.calendar import (
    calendar_feed_token,
    calendar_feed_user,
    instrument_calendar,
    user_calendar,
)
from tests.core.world import reference_loaded
from tests.factories import InstrumentFactory, OrganizationFactory, UserFactory


@pytest.fixture(scope="module")
def reference_module(django_db_setup, django_db_blocker):
    with reference_loaded(django_db_blocker):
        yield


@pytest.fixture
def reference(reference_module, db):
    """The reference data, loaded once for the module."""


NOW = datetime(2030, 3, 1, 12, 0, tzinfo=LOCAL)


@pytest.fixture
def world(reference):
    owner = OrganizationFactory(name="大连理工大学")
    sem = InstrumentFactory(owner=owner, name="场发射扫描电镜", address="凌工路2号 分析测试中心101")
    nmr = InstrumentFactory(owner=owner, name="核磁共振波谱仪", address="化工楼B201")
    alice = UserFactory(username="alice", display_name="王小丽")
    bob = UserFactory(username="bob", display_name="李大明")
    start = datetime(2030, 3, 4, 9, 0, tzinfo=LOCAL)
    b = {
        "alice_sem": Booking.objects.create(
            instrument=sem, user=alice, start=start, end=start + timedelta(hours=2), purpose="催化剂形貌观察"
        ),
        "bob_sem": Booking.objects.create(
            instrument=sem,
            user=bob,
            start=start + timedelta(hours=3),
            end=start + timedelta(hours=4),
            status="pending",
            purpose="秘密课题",
        ),
        "bob_cancelled": Booking.objects.create(
            instrument=sem,
            user=bob,
            start=start + timedelta(hours=5),
            end=start + timedelta(hours=6),
            status="cancelled",
        ),
        "alice_nmr": Booking.objects.create(
            instrument=nmr, user=alice, start=start + timedelta(days=1), end=start + timedelta(days=1, hours=1)
        ),
        "alice_rejected": Booking.objects.create(
            instrument=nmr,
            user=alice,
            start=start + timedelta(days=2),
            end=start + timedelta(days=2, hours=1),
            status="rejected",
        ),
        "alice_old": Booking.objects.create(
            instrument=nmr, user=alice, start=NOW - timedelta(days=200), end=NOW - timedelta(days=200, hours=-1)
        ),
    }
    blackout = Blackout.objects.create(
        instrument=sem, start=start + timedelta(days=3), end=start + timedelta(days=3, hours=8), reason="更换灯丝"
    )
    return {"sem": sem, "nmr": nmr, "alice": alice, "bob": bob, "bookings": b, "blackout": blackout}


def events(body: bytes):
    cal = Calendar.from_ical(body)
    return cal, {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_instrument_feed(world):
    sem, b = world["sem"], world["bookings"]
    body = instrument_calendar(sem, now=NOW)
    cal, evs = events(body)
    assert str(cal["VERSION"]) == "2.0"
    assert "NESTA" in str(cal["PRODID"])
    assert str(cal["X-WR-CALNAME"]) == "场发射扫描电镜 · 预约日历"
    assert set(evs) == {
        f"booking-{b['alice_sem'].pk}@nesta",
        f"booking-{b['bob_sem'].pk}@nesta",
        f"blackout-{world['blackout'].pk}@nesta",
    }
    alice = evs[f"booking-{b['alice_sem'].pk}@nesta"]
    assert str(alice["SUMMARY"]) == "已预约"
    assert str(alice["STATUS"]) == "CONFIRMED"
    assert alice.decoded("DTSTART") == datetime(2030, 3, 4, 1, 0, tzinfo=UTC)
    assert alice.decoded("DTEND") == datetime(2030, 3, 4, 3, 0, tzinfo=UTC)
    assert "DTSTART:20300304T010000Z" in body.decode()  # UTC form, no VTIMEZONE needed
    assert alice.decoded("DTSTAMP") == b["alice_sem"].updated_at.replace(microsecond=0)
    assert str(alice["LOCATION"]) == "大连理工大学 凌工路2号 分析测试中心101"
    bob = evs[f"booking-{b['bob_sem'].pk}@nesta"]
    assert (str(bob["SUMMARY"]), str(bob["STATUS"])) == ("已预约（待审批）", "TENTATIVE")
    blackout = evs[f"blackout-{world['blackout'].pk}@nesta"]
    assert str(blackout["SUMMARY"]) == "维护保养：更换灯丝"
    # Nothing about who booked or why reaches the public feed.
    text = body.decode()
    for secret in ("王小丽", "李大明", "alice", "bob", "催化剂", "秘密课题"):
        assert secret not in text


def test_user_feed(world):
    b = world["bookings"]
    cal, evs = events(user_calendar(world["alice"], now=NOW))
    assert str(cal["X-WR-CALNAME"]) == "王小丽 的仪器预约"
    assert set(evs) == {
        f"booking-{b['alice_sem'].pk}@nesta",
        f"booking-{b['alice_nmr'].pk}@nesta",
        f"booking-{b['alice_rejected'].pk}@nesta",
    }  # not bob's, not the one 200 days ago
    sem = evs[f"booking-{b['alice_sem'].pk}@nesta"]
    assert (str(sem["SUMMARY"]), str(sem["STATUS"])) == ("场发射扫描电镜", "CONFIRMED")
    assert str(sem["LOCATION"]) == "大连理工大学 凌工路2号 分析测试中心101"
    assert str(sem["DESCRIPTION"]) == "状态：已确认\n用途：催化剂形貌观察"
    rejected = evs[f"booking-{b['alice_rejected'].pk}@nesta"]
    assert (str(rejected["SUMMARY"]), str(rejected["STATUS"])) == ("核磁共振波谱仪", "CANCELLED")
    assert rejected.decoded("DTSTART") == datetime(2030, 3, 6, 1, 0, tzinfo=UTC)


def test_uids_are_stable(world):
    assert (
        events(instrument_calendar(world["sem"], now=NOW))[1].keys()
        == events(instrument_calendar(world["sem"], now=NOW + timedelta(hours=1)))[1].keys()
    )


def test_feed_tokens(world):
    alice, bob = world["alice"], world["bob"]
    token = calendar_feed_token(alice)
    assert calendar_feed_user(token) == alice
    assert calendar_feed_user(token.replace(".", ".x")) is None
    assert calendar_feed_user(f"{bob.pk}.{token.split('.')[1]}") is None  # another user's id
    for bad in ("", ".", "abc", "99999999999.abc", f"{alice.pk}"):
        assert calendar_feed_user(bad) is None
    alice.password = make_password("a new password 2030")
    alice.save()
    assert calendar_feed_user(token) is None  # a password change revokes the old feed token
    assert calendar_feed_user(calendar_feed_token(alice)) == alice
