"""Shared world and helpers of the hostile tests of issue 8's API. The tests: issue 8's new API endpoints as a hostile outsider calls them: authentication before
validation, media types, bodies that are not objects, huge ids, out-of-range and naive times,
control characters, over-long and wrongly typed values, unknown ids and other people's objects.
Every error is JSON {code, message, details} with a stable code; nothing answers 500."""

import json
import uuid
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from nesta.instruments.models import (
    Blackout,
    Booking,
    BookingPolicy,
    PayerAccount,
    ProblemReport,
    TrainingRequest,
    WaitlistEntry,
)
from nesta.instruments.policy import LOCAL
from tests.conftest import bearer
from tests.core.world import reference_loaded
from tests.factories import InstrumentFactory, OrganizationFactory, UserFactory, grant

pytestmark = pytest.mark.django_db

HUGE = [2**63, 10**30]


def _day(n: int, hour: int) -> datetime:
    """The n-th weekday from tomorrow at hour:00 local time."""
    day = timezone.localtime(timezone.now(), LOCAL)
    while n:
        day += timedelta(days=1)
        n -= day.isoweekday() <= 5
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with reference_loaded(django_db_blocker):
        org_a = OrganizationFactory(name="沈阳敌意测试院", province_code="210000", city_code="210100")
        org_b = OrganizationFactory(name="长春敌意测试院", province_code="220000", city_code="220100")
        u = {
            "member_a": grant(UserFactory(username="h8_member_a", organization=org_a), "member", organization=org_a),
            "member_a2": grant(UserFactory(username="h8_member_a2", organization=org_a), "member", organization=org_a),
            "member_b": grant(UserFactory(username="h8_member_b", organization=org_b), "member", organization=org_b),
            "manager_a": grant(
                UserFactory(username="h8_manager_a", organization=org_a), "instrument_manager", organization=org_a
            ),
            "manager_b": grant(
                UserFactory(username="h8_manager_b", organization=org_b), "instrument_manager", organization=org_b
            ),
            "admin_a": grant(UserFactory(username="h8_admin_a", organization=org_a), "org_admin", organization=org_a),
            "admin_b": grant(UserFactory(username="h8_admin_b", organization=org_b), "org_admin", organization=org_b),
        }
        sem = InstrumentFactory(owner=org_a, name="敌意测试电镜")
        BookingPolicy.objects.create(instrument=sem, requires_training=True)
        sem.managers.add(u["manager_a"])
        other = InstrumentFactory(owner=org_b, name="另一台电镜")
        BookingPolicy.objects.create(instrument=other)
        other.managers.add(u["manager_b"])
        start = _day(3, 9)
        booking = Booking.objects.create(
            instrument=sem,
            user=u["member_a"],
            organization=org_a,
            start=start,
            end=start + timedelta(hours=1),
            purpose="秘密课题 S-1",
        )
        account = PayerAccount.objects.create(organization=org_a, code="KA-001", name="沈阳课题经费")
        entry = WaitlistEntry.objects.create(
            instrument=sem,
            user=u["member_a"],
            start=start,
            end=start + timedelta(hours=1),
            status=WaitlistEntry.Status.OFFERED,
            offered_at=timezone.now(),
            offer_expires_at=timezone.now() + timedelta(hours=1),
        )
        training = TrainingRequest.objects.create(instrument=sem, user=u["member_a"], message="想学")
        problem = ProblemReport.objects.create(instrument=sem, reporter=u["member_a"], title="真空泵异响 机密")
        shutdown = Blackout.objects.create(
            instrument=sem,
            kind=Blackout.Kind.SHUTDOWN,
            start=_day(6, 9),
            end=_day(6, 12),
            reason="停机",
        )
        yield {
            "u": u,
            "org_a": org_a,
            "org_b": org_b,
            "ids": {
                "inst": sem.pk,
                "other": other.pk,
                "booking": booking.pk,
                "account": account.pk,
                "org": org_a.pk,
                "entry": entry.pk,
                "training": training.pk,
                "problem": problem.pk,
                "shutdown": shutdown.pk,
                "series": str(uuid.uuid4()),
            },
            "start": start,
        }


@pytest.fixture
def w(world, db):
    return world


def iso(d: datetime) -> str:
    return d.isoformat()


S, E = _day(4, 10), _day(4, 11)
GOOD = {"start": iso(S), "end": iso(E)}

# (method, path template, a body that would be valid, the body's datetime fields, its text fields)
WRITES = [
    ("patch", "/bookings/{booking}", GOOD, ["start", "end"], []),
    ("post", "/instruments/{inst}/waitlist", {**GOOD, "purpose": "x"}, ["start", "end"], ["purpose"]),
    ("post", "/instruments/{inst}/problems", {"title": "坏了", "description": "x"}, [], ["title", "description"]),
    ("post", "/instruments/{inst}/shutdowns", {**GOOD, "reason": "维修"}, ["start", "end"], ["reason"]),
    ("post", "/instruments/{inst}/shutdowns/{shutdown}/end", None, [], []),
    (
        "post",
        "/instruments/{inst}/maintenance",
        {"first_date": S.date().isoformat(), "start_time": "08:00", "end_time": "09:00", "count": 2, "reason": "x"},
        [],
        ["reason"],
    ),
    ("delete", "/instruments/{inst}/maintenance/{series}", None, [], []),
    ("post", "/instruments/{inst}/training-requests", {"message": "想学"}, [], ["message"]),
    (
        "post",
        "/organizations/{org}/accounts",
        {"code": "K-9", "name": "新经费", "note": "x"},
        [],
        ["code", "name", "note"],
    ),
    ("patch", "/accounts/{account}", {"name": "改名"}, [], ["name", "code", "note"]),
    ("post", "/problems/{problem}/acknowledge", None, [], []),
    ("post", "/problems/{problem}/resolve", {"resolution": "已修"}, [], ["resolution"]),
    (
        "post",
        "/training-requests/{training}/schedule",
        {**GOOD, "location": "101"},
        ["start", "end"],
        ["location", "note"],
    ),
    ("post", "/training-requests/{training}/grant", {}, ["expires_at"], []),
    ("post", "/training-requests/{training}/decline", {"reason": "名额满"}, [], ["reason"]),
    ("post", "/training-requests/{training}/withdraw", None, [], []),
    ("post", "/waitlist/{entry}/claim", None, [], []),
    ("delete", "/waitlist/{entry}", None, [], []),
]
LOGIN_READS = [
    "/accounts/{account}",
    "/accounts/{account}/statement",
    "/bookings/{booking}",
    "/instruments/{inst}/bookings",
    "/instruments/{inst}/training-requests",
    "/organizations/{org}/accounts",
    "/me/accounts",
    "/me/bookings",
    "/me/orders",
    "/me/training-requests",
    "/me/waitlist",
]
PUBLIC_READS = [
    "/instruments/{inst}/next-free?duration=PT1H",
    "/instruments/{inst}/problems",
    "/instruments/{inst}/shutdowns",
]
BODIED = [w for w in WRITES if w[2] is not None]
# the path's first id placeholder (huge/unknown id tests)
ID_PATHS = [(m, p, b) for m, p, b, _d, _t in WRITES if "{" in p] + [
    ("get", p, None) for p in LOGIN_READS + PUBLIC_READS if "{" in p
]


def url(w, template: str, **override) -> str:
    return "/api/v1" + template.format(**{**w["ids"], **override})


def call(client, method, path, user=None, body=None, *, raw=None, content_type="application/json", query=None):
    headers = bearer(user) if user else {}
    if method == "get":
        return client.get(path, query or {}, **headers)
    data = raw if raw is not None else (json.dumps(body) if body is not None else "")
    return getattr(client, method)(path, data=data, content_type=content_type, **headers)


def error(response, *statuses):
    """The response is one of `statuses`, JSON {code, message, details} with a code and a message."""
    assert response.status_code in statuses, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"code", "message", "details"}, body
    assert isinstance(body["code"], str) and body["code"] and " " not in body["code"], body
    assert isinstance(body["message"], str) and body["message"], body
    return body


def first_placeholder(template: str) -> str:
    return template.split("{", 1)[1].split("}", 1)[0]
