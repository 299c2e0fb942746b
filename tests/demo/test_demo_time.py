"""Demo data realistic in time and in who runs the instruments (issue 8): nothing that has happened
is dated after the load; bookings and orders are submitted in working hours, spread out; each
order's steps follow one another; most instruments have managers of their owner organisation;
bookings, orders and charges are charged to payer accounts of the booker's organisation, within
their limits. At a small scale (40 organisations → 30 instruments with a year of activity)."""

import io
from collections import Counter
from datetime import time
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum
from django.utils import timezone

from nesta.demo.timeline import LOCAL

SCALE, SEED = 40, 2026
WORK_FROM, WORK_UNTIL = time(8, 30), time(17, 30)


def load() -> str:
    out = io.StringIO()
    call_command("demo_data", scale=SCALE, seed=SEED, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db):
    before = timezone.now()
    load()
    return before, timezone.now()


def in_working_hours(moment) -> bool:
    local = moment.astimezone(LOCAL)
    return local.isoweekday() <= 5 and WORK_FROM <= local.time() <= WORK_UNTIL


def test_nothing_that_happened_is_in_the_future(demo):
    from nesta.instruments.models import Booking, Charge, TestOrder, UsageSession

    _before, now = demo
    assert Charge.objects.count() > 500
    assert not Charge.objects.filter(occurred_at__gt=now).exists()
    assert not Charge.objects.filter(created_at__gt=now).exists()
    assert not UsageSession.objects.filter(started_at__gt=now).exists()
    assert not UsageSession.objects.filter(ended_at__gt=now).exists()
    past_states = ["completed", "no_show", "cancelled", "late_cancelled", "in_use"]
    assert not Booking.objects.filter(status__in=past_states, end__gt=now).exists()
    assert not Booking.objects.filter(cancelled_at__gt=now).exists()
    future = Booking.objects.filter(start__gt=now)
    assert future.exists() and set(future.values_list("status", flat=True)) <= {"confirmed", "pending"}
    assert not Booking.objects.filter(created_at__gt=now).exists()
    assert not TestOrder.objects.filter(created_at__gt=now).exists()
    for stamp in (
        "quoted_at",
        "confirmed_at",
        "received_at",
        "testing_at",
        "reported_at",
        "settled_at",
        "cancelled_at",
    ):
        assert not TestOrder.objects.filter(**{f"{stamp}__gt": now}).exists(), stamp


def test_a_booking_is_made_before_it_starts_and_changed_after(demo):
    from nesta.instruments.models import Booking

    rows = list(Booking.objects.values_list("created_at", "updated_at", "start", "cancelled_at", "status"))
    assert all(created <= start for created, _u, start, _c, _s in rows)
    assert all(created <= updated for created, updated, *_ in rows)
    assert all(created <= cancelled for created, _u, _s, cancelled, _st in rows if cancelled)
    # made some days ahead, not all at one moment
    assert len({created for created, *_ in rows}) > 0.9 * len(rows)


def test_order_steps_follow_one_another(demo):
    from nesta.instruments.models import TestOrder

    stamps = ["created_at", "quoted_at", "confirmed_at", "received_at", "testing_at", "reported_at", "settled_at"]
    orders = list(TestOrder.objects.all())
    assert len(orders) > 20
    assert set(o.status for o in orders) == set(TestOrder.Status.values)
    for o in orders:
        times = [getattr(o, s) for s in stamps if getattr(o, s) is not None]
        assert times == sorted(times), (o.pk, o.status, times)
        assert len(set(times)) == len(times)
        if o.cancelled_at:
            assert o.cancelled_at > o.created_at
        # the status says how far it got
        reached = {
            "submitted": 1,
            "quoted": 2,
            "confirmed": 3,
            "received": 4,
            "testing": 5,
            "reported": 6,
            "settled": 7,
        }
        if o.status in reached:
            assert len(times) == reached[o.status], (o.status, times)
        assert o.updated_at >= max(times)


def test_submissions_are_spread_over_working_hours(demo):
    from nesta.instruments.models import Booking, TestOrder

    orders = list(TestOrder.objects.values_list("created_at", flat=True))
    bookings = list(Booking.objects.values_list("created_at", flat=True))
    for moments in (orders, bookings):
        assert all(in_working_hours(m) for m in moments)
        local = [m.astimezone(LOCAL) for m in moments]
        hours = Counter(m.hour for m in local)
        assert set(range(9, 17)) <= set(hours)  # every working hour has some
        assert max(hours.values()) < 0.25 * len(local)  # none holds a quarter of them
        assert len({(m.date(), m.hour, m.minute) for m in local}) > 0.8 * len(local)
        assert len({m.isoweekday() for m in local}) == 5


def test_most_instruments_have_managers_of_their_owner(demo):
    from nesta.accounts.models import User
    from nesta.core.permissions import can
    from nesta.instruments.models import Instrument

    demo_instruments = Instrument.objects.filter(reference_key__startswith="demo-inst-").annotate(n=Count("managers"))
    total = demo_instruments.count()
    managed = demo_instruments.filter(n__gt=0)
    assert total == 30 and managed.count() >= 0.8 * total
    for inst in managed.prefetch_related("managers"):
        for m in inst.managers.all():
            assert m.organization_id == inst.owner_id
            assert can(m, "instrument.manage", inst), (m.username, inst.pk)
            assert m.email and m.display_name
    managers = User.objects.filter(role_assignments__role="instrument_manager").distinct()
    assert managers.filter(username__startswith="manager").count() == 5
    assert managers.filter(person__isnull=False).exists()  # named after a directory Person, with contact
    listing = io.StringIO()
    call_command("demo_accounts", stdout=listing)
    assert "manager01" in listing.getvalue() and "instrument_manager" in listing.getvalue()


def test_payer_accounts_and_what_is_charged_to_them(demo):
    from nesta.instruments.models import Booking, Charge, PayerAccount, TestOrder

    accounts = PayerAccount.objects.all()
    per_org = Counter(accounts.values_list("organization_id", flat=True))
    booking_orgs = set(Booking.objects.exclude(organization_id=None).values_list("organization_id", flat=True))
    assert booking_orgs and all(per_org[o] >= 2 for o in booking_orgs)
    assert (
        accounts.filter(spending_limit__isnull=False).exists()
        and accounts.filter(holder__isnull=False).count() == accounts.count()
    )
    assert all(a.valid_from <= a.valid_until for a in accounts)
    charged = Booking.objects.exclude(account=None)
    assert charged.count() > 0.9 * Booking.objects.count()
    assert not charged.exclude(account__organization_id=models_f("organization_id")).exists()
    assert TestOrder.objects.exclude(account=None).count() > 0.9 * TestOrder.objects.count()
    assert not Charge.objects.filter(account=None).exists()
    for a in accounts.filter(spending_limit__isnull=False):
        spent = Charge.objects.filter(account=a).aggregate(s=Sum("amount"))["s"] or Decimal(0)
        assert spent <= a.spending_limit, (a.code, spent, a.spending_limit)
    # a booking's account was valid on its day
    for b in charged.select_related("account")[:500]:
        day = b.start.astimezone(LOCAL).date()
        assert b.account.valid_from <= day <= b.account.valid_until


def models_f(name):
    from django.db.models import F

    return F(name)


def test_reloading_adds_nothing_and_fills_in_missing_managers(demo):
    from nesta.accounts.models import User
    from nesta.instruments.models import Instrument, PayerAccount

    through = Instrument.managers.through
    links, users, accounts = through.objects.count(), User.objects.count(), PayerAccount.objects.count()
    assert "already loaded" in load()
    assert (through.objects.count(), User.objects.count(), PayerAccount.objects.count()) == (links, users, accounts)
    # a database loaded before managers and payer accounts existed gets them on the next load
    through.objects.filter(user__username__startswith="mgr").delete()
    assert through.objects.count() < links
    from nesta.instruments.models import Booking, Charge, TestOrder

    org_id = PayerAccount.objects.values_list("organization_id", flat=True).first()
    codes = set(PayerAccount.objects.filter(organization_id=org_id).values_list("code", flat=True))
    for model in (Charge, Booking, TestOrder):
        model.objects.filter(account__organization_id=org_id).update(account=None)
    PayerAccount.objects.filter(organization_id=org_id).delete()
    load()
    assert through.objects.count() == links
    assert set(PayerAccount.objects.filter(organization_id=org_id).values_list("code", flat=True)) == codes
    assert PayerAccount.objects.count() == accounts
