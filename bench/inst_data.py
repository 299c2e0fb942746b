"""The instruments benchmark's data: `--instruments` instruments ("bench-inst-NNNNNN", owned by
the directory's organisations) with `--per-instrument` past bookings each (2 h, spread over the
last year so none overlap; 1 in 20 cancelled, 1 in 25 no-show, the rest completed), a usage
session and a charge per completed booking. Bookings go in with executemany (SQLite) or COPY
(PostgreSQL) while the no-overlap trigger / exclusion constraint is dropped; sessions and charges
with one INSERT … SELECT each; then the guard is re-created (PostgreSQL validates every row)."""

import random
import time
from datetime import UTC, date, datetime, timedelta

BENCH_KEY = "bench-inst-{:06d}"
CLIENT = "bench-client-{:02d}"


def say(line: str) -> None:
    print(line, flush=True)


# --- the no-overlap guard ------------------------------------------------------------------


def drop_guard(connection) -> None:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE instruments_booking DROP CONSTRAINT IF EXISTS booking_no_overlap")
        else:
            cur.execute("DROP TRIGGER IF EXISTS booking_no_overlap_insert")
            cur.execute("DROP TRIGGER IF EXISTS booking_no_overlap_update")


def restore_guard(connection) -> None:
    import importlib

    migration = importlib.import_module("nesta.instruments.migrations.0002_booking_no_overlap")
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT 1 FROM pg_constraint WHERE conname = 'booking_no_overlap'",
            )
            if cur.fetchone() is None:
                for sql in migration.POSTGRES:
                    cur.execute(sql)
        else:
            cur.execute("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'booking_no_overlap_insert'")
            if cur.fetchone() is None:
                for sql in migration.SQLITE:
                    cur.execute(sql)


# --- data ------------------------------------------------------------------------------------


def bench_instrument_ids() -> list[int]:
    from nesta.instruments.models import Instrument

    return list(
        Instrument.objects.filter(reference_key__startswith="bench-inst-").order_by("id").values_list("id", flat=True)
    )


def wipe_bench_data(connection) -> None:
    sub = "SELECT id FROM instruments_instrument WHERE reference_key LIKE 'bench-inst-%'"
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM instruments_charge WHERE instrument_id IN ({sub})")
        cur.execute(f"DELETE FROM instruments_usagesession WHERE instrument_id IN ({sub})")
        cur.execute(f"DELETE FROM instruments_booking WHERE instrument_id IN ({sub})")
        cur.execute(f"DELETE FROM instruments_bookingpolicy WHERE instrument_id IN ({sub})")
        cur.execute(f"DELETE FROM core_searchdocument WHERE doc_type = 'instrument' AND object_id IN ({sub})")
        cur.execute("DELETE FROM instruments_instrument WHERE reference_key LIKE 'bench-inst-%'")


def generate(args, connection) -> float:
    from django.db import transaction

    from nesta.accounts.models import User
    from nesta.demo.generator import DEFAULT_SEED
    from nesta.demo.instrument_templates import TEMPLATES
    from nesta.demo.instruments import OWNER_KINDS
    from nesta.demo.loader import Loader
    from nesta.directory.models import Organization
    from nesta.instruments.models import BookingPolicy, Instrument, InstrumentCategory
    from nesta.instruments.reference import load_instruments_reference
    from nesta.instruments.services.indexing import instruments_reindex

    started = time.monotonic()
    backend = connection.vendor
    load_instruments_reference()
    if not Organization.objects.filter(reference_key__startswith="demo-org-").exists():
        say(f"[{backend}] no demo directory: generating 2000 organisations")
        Loader(2000, DEFAULT_SEED, say=lambda s: say(f"[{backend}] {s.strip()}")).run()
    say(f"[{backend}] removing partial benchmark instruments, if any")
    drop_guard(connection)
    with transaction.atomic():
        wipe_bench_data(connection)
    owners = list(
        Organization.objects.filter(kind__in=OWNER_KINDS, reference_key__startswith="demo-org-")
        .order_by("id")
        .values_list("id", "province_id", "city_id")[:20000]
    )
    categories = {c.code: c.pk for c in InstrumentCategory.objects.all()}
    users = list(User.objects.exclude(organization=None).values_list("id", "organization_id")[:2000])
    rng = random.Random(args.seed)
    instruments = []
    for i in range(args.instruments):
        owner, province, city = rng.choice(owners)
        t = rng.choice(TEMPLATES)
        model, maker, country = rng.choice(t.models)
        rate = rng.randint(*t.rate) // 10 * 10
        instruments.append(
            Instrument(
                owner_id=owner,
                name=t.name,
                name_en=t.name_en,
                category_id=categories[t.category],
                model_number=model,
                manufacturer=maker,
                country_of_origin=country,
                original_value=rng.randint(*t.value) * 10_000,
                purchase_date=date(2010, 1, 1) + timedelta(days=rng.randrange(5000)),
                techniques=t.techniques,
                sample_requirements=t.samples,
                province_id=province,
                city_id=city,
                is_specialised=t.specialised,
                internal_hourly_rate=rate,
                external_hourly_rate=rate * 2,
                reference_key=BENCH_KEY.format(i),
            )
        )
    with transaction.atomic():
        Instrument.objects.bulk_create(instruments, batch_size=2000)
        BookingPolicy.objects.bulk_create(
            [
                BookingPolicy(
                    instrument=inst, weekdays="1234567", open_from="08:00", open_until="22:00", advance_days=60
                )
                for inst in instruments
            ],
            batch_size=2000,
        )
    say(f"[{backend}] {len(instruments)} instruments and policies ({time.monotonic() - started:.0f}s)")

    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    first = now - timedelta(days=366)
    step = timedelta(days=365) / args.per_instrument
    owner_of = {inst.pk: inst.owner_id for inst in instruments}
    cols = (
        'created_at, updated_at, instrument_id, user_id, organization_id, start, "end", purpose, status, '
        "is_external, series, decided_by_id, cancelled_at, flag"
    )
    is_pg = backend == "postgresql"

    def fmt(moment: datetime):
        return moment if is_pg else moment.strftime("%Y-%m-%d %H:%M:%S")

    stamp = fmt(now)

    def rows(chunk):
        for pk in chunk:
            base = first + timedelta(hours=pk % 12)
            owner = owner_of[pk]
            for k in range(args.per_instrument):
                user, org = users[(pk * 7 + k) % len(users)]
                start = base + step * k
                status = "cancelled" if k % 20 == 0 else "no_show" if k % 25 == 1 else "completed"
                yield (
                    stamp,
                    stamp,
                    pk,
                    user,
                    org,
                    fmt(start),
                    fmt(start + timedelta(hours=2)),
                    "",
                    status,
                    org != owner,
                    None,
                    None,
                    fmt(start - timedelta(days=2)) if status == "cancelled" else None,
                    "",
                )

    ids = [inst.pk for inst in instruments]
    total = len(ids) * args.per_instrument
    done = 0
    t0 = time.monotonic()
    if not is_pg:  # a bulk load: no fsync (a crash means generating again), Django's wrappers bypassed
        connection.ensure_connection()
        connection.connection.execute("PRAGMA synchronous=OFF")
    insert = f"INSERT INTO instruments_booking ({cols}) VALUES ({', '.join(['?'] * 14)})"
    for c in range(0, len(ids), 2000):
        chunk = ids[c : c + 2000]
        with transaction.atomic():
            if is_pg:
                raw = connection.connection.cursor()
                with raw.copy(f"COPY instruments_booking ({cols}) FROM STDIN") as copy:
                    for row in rows(chunk):
                        copy.write_row(row)
            else:
                connection.connection.executemany(insert, rows(chunk))
        done += len(chunk) * args.per_instrument
        if (c // 2000) % 5 == 0 or done == total:
            say(f"[{backend}] bookings {done}/{total} ({time.monotonic() - t0:.0f}s)")
    bench = "SELECT id FROM instruments_instrument WHERE reference_key LIKE 'bench-inst-%'"
    with connection.cursor() as cur:  # statistics of the fresh rows, or the planner walks 4 M bookings per instrument
        cur.execute("ANALYZE instruments_booking" if is_pg else "ANALYZE")
        cur.execute("ANALYZE instruments_instrument" if is_pg else "SELECT 1")
    with transaction.atomic(), connection.cursor() as cur:
        if is_pg:
            # The rows are derived from bookings just written, so their foreign keys hold; checking
            # them (a trigger per row and key) made this load take longer than the whole benchmark.
            cur.execute("SET LOCAL session_replication_role = replica")
            cur.execute("SET LOCAL synchronous_commit = off")
        cur.execute(
            "INSERT INTO instruments_usagesession (created_at, updated_at, instrument_id, booking_id, user_id, "
            "organization_id, operator, started_at, ended_at, samples, notes, is_external, recorded_by_id) "
            "SELECT b.created_at, b.updated_at, b.instrument_id, b.id, b.user_id, b.organization_id, '', b.start, "
            f"b.\"end\", 0, '', b.is_external, NULL FROM instruments_booking b WHERE b.instrument_id IN ({bench}) "
            "AND b.status = 'completed'"
        )
        say(f"[{backend}] usage sessions ({time.monotonic() - t0:.0f}s)")
        rate = "CASE WHEN s.is_external THEN i.external_hourly_rate ELSE i.internal_hourly_rate END"
        cur.execute(
            "INSERT INTO instruments_charge (instrument_id, organization_id, user_id, usage_session_id, order_id, "
            "kind, is_external, occurred_at, description, quantity, unit, rate, amount, created_at) "
            f"SELECT s.instrument_id, s.organization_id, s.user_id, s.id, NULL, 'usage_hours', s.is_external, "
            f"s.started_at, '', 2, 'hour', {rate}, 2 * {rate}, s.created_at FROM instruments_usagesession s "
            f"JOIN instruments_instrument i ON i.id = s.instrument_id WHERE i.reference_key LIKE 'bench-inst-%'"
        )
        say(f"[{backend}] charges ({time.monotonic() - t0:.0f}s)")
    if not is_pg:
        connection.connection.execute("PRAGMA synchronous=NORMAL")
    say(f"[{backend}] re-creating the no-overlap guard")
    restore_guard(connection)
    say(f"[{backend}] search documents")
    instruments_reindex(
        progress=lambda n: say(f"[{backend}] indexed {n}") if n % 10000 < 2000 and n % 10000 >= 0 else None
    )
    return time.monotonic() - started


def bench_clients(connection, count: int, org_id: int) -> list:
    from nesta.accounts.models import RoleAssignment, User

    clients = []
    for k in range(1, count + 1):
        user, _ = User.objects.get_or_create(
            username=CLIENT.format(k), defaults={"display_name": f"压测用户{k}", "organization_id": org_id}
        )
        RoleAssignment.objects.get_or_create(user=user, role="member", organization_id=org_id, province=None)
        clients.append(user)
    return clients


def delete_client_bookings(connection) -> None:
    with connection.cursor() as cur:
        cur.execute(
            "DELETE FROM instruments_booking WHERE user_id IN "
            "(SELECT id FROM accounts_user WHERE username LIKE 'bench-client-%')"
        )
