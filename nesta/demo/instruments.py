"""Demo instruments: the shared instrument network of the demo directory, with a year of activity.

Instrument i is drawn from its own random.Random seeded by (seed, i) and keyed by reference_key
"demo-inst-000123"; there are `instrument_count(scale)` = 3/4 of the organisations (300 at the
default scale of 400). Its owner is a university, institute, enterprise or laboratory among the
organisations generated before it (the first 40 go to the organisations of the demo accounts
admin01–admin10 and member01–member20, whatever their kind), so a larger scale only adds
instruments. Loading is idempotent: instruments already present are skipped, and the activity
(bookings, use, testing orders, charges) is written only with the instruments it belongs to.

The activity is a year ending today, written in bulk: per instrument, at most one booking a day
inside its opening hours, so active bookings of one instrument never overlap (the database
triggers / exclusion constraint check every row anyway). It is realistic in time
(nesta.demo.timeline): what has happened is dated at or before the load (bookings still to come
are confirmed or pending), bookings and orders are submitted in working hours some days ahead, an
order's steps follow one another. Most instruments have managers of their owner organisation,
and bookings, orders and charges are charged to payer accounts (nesta.demo.staff).
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from nesta.demo import staff
from nesta.demo.generator import DEFAULT_SEED, ORG_KEY, generate_accounts, generate_organizations
from nesta.demo.instrument_templates import TEMPLATES
from nesta.demo.timeline import after, stamps_as_given, working_time

INSTRUMENT_KEY = "demo-inst-{:06d}"
LOCAL = ZoneInfo("Asia/Shanghai")
OWNER_KINDS = {"university", "research_institute", "enterprise", "key_laboratory", "engineering_center"}
DEMO_ACCOUNT_ORGS = 20  # member01–member20 sit in organisations 0–19, admin01–admin10 in 0–9
HISTORY_DAYS = 365


def instrument_count(scale: int) -> int:
    return scale * 3 // 4


@dataclass
class InstrumentSpec:
    index: int
    key: str
    owner_index: int
    template: int
    name: str
    model: str
    manufacturer: str
    country: str
    value: Decimal
    purchase_date: date
    rates: tuple[Decimal, Decimal, Decimal, Decimal]  # hourly in/ex, sample in/ex
    policy: dict
    services: list[tuple[str, str, Decimal, Decimal]] = field(default_factory=list)
    utilisation: float = 0.3
    managed_by_admin: bool = False


def _rng(seed: int, what: str, i: int | str) -> random.Random:
    return random.Random(f"{seed}:{what}:{i}")


def generate_instruments(scale: int, seed: int = DEFAULT_SEED, orgs=None) -> list[InstrumentSpec]:
    orgs = orgs if orgs is not None else generate_organizations(scale, seed)
    eligible = [o.index for o in orgs if o.kind in OWNER_KINDS]
    specs = []
    for i in range(instrument_count(scale)):
        rng = _rng(seed, "instrument", i)
        if i < 2 * DEMO_ACCOUNT_ORGS:
            owner = i % DEMO_ACCOUNT_ORGS
        else:
            bound = min(len(orgs), i * 4 // 3 + 20)
            pool = [k for k in eligible if k < bound] or eligible
            owner = rng.choice(pool)
        t_index = rng.randrange(len(TEMPLATES))
        t = TEMPLATES[t_index]
        model, maker, country = rng.choice(t.models)
        wan = rng.randint(*t.value)
        if rng.random() < 0.06:  # a few below the 50万 threshold of the openness evaluation
            wan = rng.randint(20, 49)
        hourly_in = Decimal(rng.randint(*t.rate) // 10 * 10)
        hourly_ex = (hourly_in * Decimal(rng.choice(["1.5", "1.8", "2"]))).quantize(Decimal(1))
        sample_in = Decimal(rng.choice([0, 0, 50, 100])) if not t.services else Decimal(0)
        r = rng.random()
        policy = {
            "external_requires_approval": r < 0.15,
            "requires_training": 0.15 <= r < 0.25,
            "weekdays": "1234567" if rng.random() < 0.2 else "12345",
            "open_from": "08:00" if rng.random() < 0.7 else "09:00",
            "open_until": rng.choice(["18:00", "20:00", "22:00"]),
            "max_minutes": rng.choice([240, 480, 480, 600]),
            "advance_days": rng.choice([14, 30, 30, 60]),
        }
        services = []
        if t.services and rng.random() < 0.6:
            for name, unit, price in t.services:
                p = Decimal(price)
                services.append((name, unit, p, (p * Decimal("1.6")).quantize(Decimal(1))))
        specs.append(
            InstrumentSpec(
                index=i,
                key=INSTRUMENT_KEY.format(i),
                owner_index=owner,
                template=t_index,
                name=t.name,
                model=model,
                manufacturer=maker,
                country=country,
                value=Decimal(wan * 10_000),
                purchase_date=date(2008, 1, 1) + timedelta(days=rng.randrange(17 * 365)),
                rates=(hourly_in, hourly_ex, sample_in, sample_in * 2),
                policy=policy,
                services=services,
                utilisation=rng.uniform(0.1, 0.65),
                managed_by_admin=owner < 10 and rng.random() < 0.7,
            )
        )
    return specs


def _local(day: date, minutes: int) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=LOCAL) + timedelta(minutes=minutes)


def _hhmm(value: str) -> int:
    h, m = value.split(":")
    return int(h) * 60 + int(m)


def load_instruments(
    scale: int, seed: int = DEFAULT_SEED, say: Callable[[str], None] = print, now: datetime | None = None
) -> dict[str, int]:
    """Write the demo instruments missing from the database, with their activity; returns counts."""
    from nesta.accounts.models import User
    from nesta.core.models import Region
    from nesta.directory.models import Organization
    from nesta.instruments.models import BookingPolicy, Instrument, InstrumentCategory, ServiceItem
    from nesta.instruments.reference import load_instruments_reference
    from nesta.instruments.services.indexing import instruments_reindex

    started = time.monotonic()
    now = now or timezone.now()
    load_instruments_reference()
    orgs = generate_organizations(scale, seed)
    specs = generate_instruments(scale, seed, orgs)
    existing = set(
        Instrument.objects.filter(reference_key__startswith="demo-inst-").values_list("reference_key", flat=True)
    )
    todo = [s for s in specs if s.key not in existing]
    usernames = [a.username for a in generate_accounts(seed) if a.role in {"org_admin", "member", "expert"}]
    users = list(User.objects.filter(username__in=usernames).order_by("username"))
    if not todo:
        say(f"  demo instruments already loaded ({len(specs)})")
        # a database loaded before managers and payer accounts existed gets them now
        staff.load_managers(seed, specs, orgs, say)
        staff.load_payer_accounts(seed, users, now.astimezone(LOCAL).date(), say)
        return {"instruments": 0}
    owner_keys = {ORG_KEY.format(s.owner_index) for s in todo}
    owners = {o.reference_key: o for o in Organization.objects.filter(reference_key__in=owner_keys)}
    categories = {c.code: c for c in InstrumentCategory.objects.all()}
    provinces = {r.pk: r for r in Region.objects.filter(level="province")}
    admins = {u.username: u for u in users if u.username.startswith("admin")}
    members = [u for u in users if u.username.startswith("member")]

    instruments: list[Instrument] = []
    kept: list[InstrumentSpec] = []
    for s in todo:
        owner = owners.get(ORG_KEY.format(s.owner_index))
        if owner is None:
            continue
        t = TEMPLATES[s.template]
        city = owner.city
        instruments.append(
            Instrument(
                owner=owner,
                name=s.name,
                name_en=t.name_en,
                category=categories[t.category],
                model_number=s.model,
                manufacturer=s.manufacturer,
                country_of_origin=s.country,
                original_value=s.value,
                purchase_date=s.purchase_date,
                techniques=t.techniques,
                sample_requirements=t.samples,
                province=provinces.get(owner.province_id) or owner.province,
                city=city,
                address=f"{owner.address} 分析测试中心{100 + s.index % 400}室",
                is_specialised=t.specialised,
                internal_hourly_rate=s.rates[0],
                external_hourly_rate=s.rates[1],
                internal_sample_rate=s.rates[2],
                external_sample_rate=s.rates[3],
                reference_key=s.key,
            )
        )
        kept.append(s)

    counts = dict.fromkeys(["instruments", "bookings", "usage_sessions", "orders", "charges"], 0)
    with transaction.atomic():
        Instrument.objects.bulk_create(instruments, batch_size=500)
        counts["instruments"] = len(instruments)
        say(f"  instruments {len(instruments)}/{len(specs)}")
        policies = [BookingPolicy(instrument=inst, **s.policy) for s, inst in zip(kept, instruments, strict=True)]
        BookingPolicy.objects.bulk_create(policies, batch_size=500)
        for p, inst in zip(policies, instruments, strict=True):
            inst.policy = p
        links = [
            Instrument.managers.through(instrument_id=inst.pk, user_id=admins[f"admin{s.owner_index + 1:02d}"].pk)
            for s, inst in zip(kept, instruments, strict=True)
            if s.managed_by_admin and f"admin{s.owner_index + 1:02d}" in admins
        ]
        Instrument.managers.through.objects.bulk_create(links)
        items = [
            ServiceItem(instrument=inst, name=name, unit=unit, internal_price=pin, external_price=pex)
            for s, inst in zip(kept, instruments, strict=True)
            for name, unit, pin, pex in s.services
        ]
        ServiceItem.objects.bulk_create(items, batch_size=500)
        staff.load_managers(seed, specs, orgs, say)
        accounts = staff.load_payer_accounts(seed, users, now.astimezone(LOCAL).date(), say)
        counts.update(_activity(seed, kept, instruments, items, users, members, now, say, accounts))
    say("  instruments: search index")
    instruments_reindex()
    counts["seconds"] = round(time.monotonic() - started)
    say(
        f"  demo instruments: {counts['instruments']} instruments, {counts['bookings']} bookings, "
        f"{counts['usage_sessions']} usage sessions, {counts['orders']} orders, {counts['charges']} charges "
        f"in {counts['seconds']}s"
    )
    return counts


def _activity(seed, specs, instruments, items, users, members, now, say, accounts=None) -> dict[str, int]:
    """A year of bookings, use, testing orders and charges ending `now`: what has happened is dated
    at or before `now` (future bookings are only confirmed or pending); bookings and orders are
    submitted in working hours some days ahead; each order's steps follow one another; bookings,
    orders and charges are charged to a payer account of the user's organisation."""
    from nesta.instruments.models import Booking, Charge, TestOrder, UsageSession
    from nesta.instruments.services.fees import charges_for_usage

    accounts = accounts or {}
    today = now.astimezone(LOCAL).date()
    first_day = today - timedelta(days=HISTORY_DAYS)
    bookings: list[Booking] = []
    sessions: list[tuple[int, UsageSession]] = []  # (index in bookings, session)
    for s, inst in zip(specs, instruments, strict=True):
        rng = _rng(seed, "activity", s.index)
        when = _rng(seed, "submitted", s.index)  # a stream of its own: the schedule stays as it was
        p = s.policy
        opens, closes = _hhmm(p["open_from"]), _hhmm(p["open_until"])
        for d in range(HISTORY_DAYS):
            day = first_day + timedelta(days=d)
            if str(day.isoweekday()) not in p["weekdays"] or rng.random() > s.utilisation:
                continue
            # one or two bookings a day, one after the other: never overlapping
            cursor = opens + 30 * rng.randrange(0, 4)
            for _ in range(1 if rng.random() < 0.6 else 2):
                length = min(30 * rng.randint(2, 10), p["max_minutes"])
                if cursor + length > closes:
                    break
                user = rng.choice(users)
                start, end = _local(day, cursor), _local(day, cursor + length)
                if end > now:
                    break
                cursor += length + 30 * rng.randrange(0, 3)
                x = rng.random()
                status = (
                    "completed"
                    if x < 0.84
                    else "no_show"
                    if x < 0.88
                    else "cancelled"
                    if x < 0.97
                    else "late_cancelled"
                )
                external = user.organization_id != inst.owner_id
                created = working_time(when, day - timedelta(days=when.randint(1, 12)), not_after=start)
                cancelled_at = None
                if "cancelled" in status:
                    cancelled_at = start - timedelta(hours=2 if status == "late_cancelled" else 48)
                    cancelled_at = max(cancelled_at, created + timedelta(minutes=10))
                b = Booking(
                    instrument=inst,
                    user=user,
                    organization_id=user.organization_id,
                    start=start,
                    end=end,
                    purpose="测试样品" if external else "课题组实验",
                    status=status,
                    is_external=external,
                    cancelled_at=cancelled_at,
                    account=staff.account_for(accounts.get(user.organization_id, []), day, when),
                    created_at=created,
                    updated_at=cancelled_at or (end if status in ("completed", "no_show") else created),
                )
                bookings.append(b)
                if status == "completed":
                    late = timedelta(minutes=rng.randint(0, 10))
                    early = timedelta(minutes=rng.randint(0, 20))
                    started, ended = start + late, end - early
                    sessions.append(
                        (
                            len(bookings) - 1,
                            UsageSession(
                                instrument=inst,
                                user=user,
                                organization_id=user.organization_id,
                                operator=user.display_name,
                                started_at=started,
                                ended_at=ended,
                                samples=rng.randint(1, 12) if s.rates[2] else 0,
                                is_external=external,
                                created_at=started,
                                updated_at=ended,
                            ),
                        )
                    )
    # a few future bookings of the demo members: tomorrow onwards, one per instrument, on open days
    future_rng = _rng(seed, "future", 0)
    for k, (s, inst) in enumerate(zip(specs[: 3 * len(members)], instruments, strict=False)):
        if not members:
            break
        user = members[k % len(members)]
        day = today + timedelta(days=1 + k % 10)
        while str(day.isoweekday()) not in s.policy["weekdays"]:
            day += timedelta(days=1)
        start = _local(day, _hhmm(s.policy["open_from"]) + 60)
        external = user.organization_id != inst.owner_id
        pending = external and s.policy["external_requires_approval"]
        created = working_time(future_rng, today - timedelta(days=future_rng.randint(0, 6)), not_after=now)
        bookings.append(
            Booking(
                instrument=inst,
                user=user,
                organization_id=user.organization_id,
                start=start,
                end=start + timedelta(minutes=60 * future_rng.randint(1, 3)),
                purpose="预约测试",
                status="pending" if pending else "confirmed",
                is_external=external,
                account=staff.account_for(accounts.get(user.organization_id, []), day, future_rng),
                created_at=created,
                updated_at=created,
            )
        )
    usage = [session for _, session in sessions]
    charges_of = [charges_for_usage(session) for session in usage]
    _keep_within_limits(bookings, sessions, charges_of, accounts)
    with stamps_as_given(Booking, UsageSession, TestOrder, Charge):
        Booking.objects.bulk_create(bookings, batch_size=2000)
        say(f"  bookings {len(bookings)}")
        for i, session in sessions:
            session.booking = bookings[i]
        UsageSession.objects.bulk_create(usage, batch_size=2000)
        charges = []
        for (i, _session), lines in zip(sessions, charges_of, strict=True):
            for c in lines:
                c.account = bookings[i].account
                c.created_at = _session.ended_at
                charges.append(c)
        say(f"  usage sessions {len(usage)}")
        orders = _orders(seed, items, users, now, accounts)
        TestOrder.objects.bulk_create(orders, batch_size=2000)
        for order in orders:
            if order.status == "settled":
                charges.append(
                    Charge(
                        instrument=order.instrument,
                        organization_id=order.organization_id,
                        user=order.customer,
                        order=order,
                        account=order.account,
                        kind=Charge.Kind.ORDER,
                        is_external=order.is_external,
                        occurred_at=order.settled_at,
                        created_at=order.settled_at,
                        description=order.service.name,
                        quantity=order.quantity,
                        unit=order.service.unit,
                        rate=order.unit_price,
                        amount=order.quoted_amount,
                    )
                )
        Charge.objects.bulk_create(charges, batch_size=2000)
    say(f"  orders {len(orders)}, charges {len(charges)}")
    return {"bookings": len(bookings), "usage_sessions": len(usage), "orders": len(orders), "charges": len(charges)}


def _keep_within_limits(bookings, sessions, charges_of, accounts) -> None:
    """A project account with a spending limit is used until its charges reach 3/4 of the limit;
    later bookings of its organisation go to the organisation's account without a limit."""
    spent: dict[int, Decimal] = {}
    for (i, _session), lines in zip(sessions, charges_of, strict=True):
        b = bookings[i]
        account = b.account
        if account is None or account.spending_limit is None:
            continue
        amount = sum((c.amount for c in lines), Decimal(0))
        key = id(account)
        if spent.get(key, Decimal(0)) + amount > account.spending_limit * Decimal("0.75"):
            b.account = staff.unlimited(accounts.get(b.organization_id, []))
        else:
            spent[key] = spent.get(key, Decimal(0)) + amount
    for b in bookings:  # bookings still to come: the account without a limit
        if b.status in ("confirmed", "pending") and b.account is not None and b.account.spending_limit is not None:
            b.account = staff.unlimited(accounts.get(b.organization_id, []))


ORDER_STATES = ["submitted", "quoted", "confirmed", "received", "testing", "reported", "settled", "cancelled"]
ORDER_STAMPS = ["quoted_at", "confirmed_at", "received_at", "testing_at", "reported_at", "settled_at"]
# days between one step and the next: quote, confirmation, samples arrive, testing, report, settlement
ORDER_GAPS = [(0, 2), (0, 3), (1, 5), (0, 2), (1, 6), (3, 20)]


def _orders(seed, items, users, now, accounts) -> list:
    """Testing orders in every state on the instruments with a service catalogue: submitted in
    working hours, each step after the one before, none after `now` (an order whose next step
    would come later stays in the state it has reached)."""
    from nesta.instruments.models import TestOrder
    from nesta.instruments.services.fees import money

    today = now.astimezone(LOCAL).date()
    orders = []
    for k, item in enumerate(items):
        rng = _rng(seed, "orders", k)
        when = _rng(seed, "order-times", k)
        for j in range(rng.randint(2, 8)):
            user = rng.choice(users)
            status = ORDER_STATES[(k + j) % len(ORDER_STATES)] if j < 2 else rng.choice(ORDER_STATES + ["settled"] * 4)
            external = user.organization_id != item.instrument.owner_id
            price = item.external_price if external else item.internal_price
            quantity = Decimal(rng.randint(1, 10))
            day = today - timedelta(days=rng.randint(3, HISTORY_DAYS - 5))
            rng.randint(0, 12)  # the hour once drawn here: kept so the orders' other draws stay as they were
            created = working_time(when, day, not_after=now)
            order = TestOrder(
                service=item,
                instrument=item.instrument,
                customer=user,
                organization_id=user.organization_id,
                is_external=external,
                quantity=quantity,
                unit_price=price,
                list_amount=money(price * quantity),
                sample_description=f"{int(quantity)} 个样品",
                status=status,
                account=staff.account_for(accounts.get(user.organization_id, []), created.date(), when),
                created_at=created,
                updated_at=created,
            )
            if order.account is not None and order.account.spending_limit is not None:
                order.account = staff.unlimited(accounts.get(user.organization_id, [])) or order.account
            last = created
            if status == "cancelled":
                order.cancelled_at = last = after(when, created, days=(0, 4))
            else:
                reached = 0
                for stamp, gap in zip(ORDER_STAMPS[: ORDER_STATES.index(status)], ORDER_GAPS, strict=False):
                    moment = after(when, last, days=gap)
                    if moment > now:
                        break
                    setattr(order, stamp, moment)
                    last, reached = moment, reached + 1
                order.status = ORDER_STATES[reached]
                if reached:
                    order.quoted_amount = order.list_amount
            if last > now:  # a cancellation that would come later: still submitted
                order.status, order.cancelled_at, last = "submitted", None, created
            order.updated_at = last
            orders.append(order)
    return orders
