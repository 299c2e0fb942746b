"""The zones' counters (zones_zonecounter, kept by triggers — zones migration 0002) equal the
records after every change that moves them: a registration through the market's service, a
registration undone, a contract's seller, amount or date corrected, an award decided or changed,
a firm moving zone or changing its private flag (its contracts move with it; its awards keep
their own flag), a bulk update; and the rebuild repairs a table the triggers were bypassed for."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from nesta.directory.models import Organization
from nesta.market.models import TechContract
from nesta.market.services.contracts import contract_register, contract_submit
from nesta.programmes.models import Application
from nesta.zones.selectors.private import counters_from_records, private_shares, stored_counters, zone_counters_drift
from nesta.zones.services.zones import zone_counters_rebuild
from tests.factories import OrganizationFactory, UserFactory, grant
from tests.market.contracts.conftest import contract_data
from tests.market.factories import RegistrationPointFactory
from tests.market.statistics.helpers import registered_contract
from tests.programmes.factories import ApplicationFactory

pytestmark = pytest.mark.django_db
LOCAL = ZoneInfo("Asia/Shanghai")
WHEN = dt.datetime(2024, 5, 1, 10, tzinfo=LOCAL)
TRIGGERS = {
    "sqlite": {
        *(f"zones_counter_{n}_{op}" for n in ("contract", "award") for op in ("ai", "ad", "au")),
        "zones_counter_firm_au",
    },
    "postgresql": {
        "zones_counter_contract",
        "zones_counter_contract_u",
        "zones_counter_award",
        "zones_counter_award_u",
        "zones_counter_firm",
    },
}


@pytest.fixture(autouse=True)
def empty_counters(django_db_blocker):
    """The table has no model, so the flush after another module's transactional test leaves its
    rows (under zone ids no longer used): start from an empty table (rolled back with the test)."""
    with django_db_blocker.unblock(), connection.cursor() as cur:
        cur.execute("DELETE FROM zones_zonecounter")


def stored(year, zone, private):
    return stored_counters().get((year, zone.pk, private), (0, 0, 0, 0))


def assert_no_drift():
    assert zone_counters_drift() == []


@pytest.fixture
def world(zones):
    sy, cc = zones["shenyang"], zones["changchun"]
    private = OrganizationFactory(zone=sy, kind="enterprise", is_private_tech_enterprise=True)
    plain = OrganizationFactory(zone=sy, kind="enterprise", is_private_tech_enterprise=False)
    outside = OrganizationFactory(kind="enterprise", is_private_tech_enterprise=True)  # in no zone
    return sy, cc, private, plain, outside, RegistrationPointFactory()


def test_the_triggers_exist():
    """A migration that remakes one of the tables on SQLite drops its triggers: this says so."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'zones_counter_%'")
        else:
            cur.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'zones_counter_%'")
        assert {r[0] for r in cur.fetchall()} == TRIGGERS[connection.vendor]


def test_a_registration_through_the_market_counts_for_the_sellers_zone(zones, users):
    sy = zones["shenyang"]
    seller = users["member"]
    Organization.objects.filter(pk=seller.organization_id).update(zone=sy, is_private_tech_enterprise=True)
    point = RegistrationPointFactory()
    staff = grant(UserFactory(organization=point.organization), "member", organization=point.organization)
    c = contract_submit(
        actor=seller, data=contract_data(point, contract_amount="1234567.89", technology_amount="1034567.89")
    )
    assert stored_counters() == {}  # submitted is not registered
    done = contract_register(actor=staff, contract_id=c.pk)
    year = done.registered_at.astimezone(LOCAL).year
    assert stored(year, sy, True) == (1, 123456789, 0, 0)
    assert_no_drift()


def test_undone_corrected_and_deleted_contracts_leave_their_cells(world):
    sy, cc, private, plain, outside, point = world
    c = registered_contract(point, seller_organization=private, when=WHEN, contract_amount="300000")
    registered_contract(point, seller_organization=outside, when=WHEN)  # no zone: no cell
    assert stored_counters() == {(2024, sy.pk, True): (1, 30000000, 0, 0)}
    c.contract_amount = Decimal("250000.50")
    c.save()
    assert stored(2024, sy, True) == (1, 25000050, 0, 0)
    c.seller_organization = plain
    c.save()
    assert stored(2024, sy, True) == (0, 0, 0, 0) and stored(2024, sy, False) == (1, 25000050, 0, 0)
    c.registered_at = dt.datetime(2025, 1, 1, 0, 30, tzinfo=LOCAL)  # 2024-12-31 16:30 UTC: local 2025
    c.save()
    assert stored(2024, sy, False) == (0, 0, 0, 0) and stored(2025, sy, False) == (1, 25000050, 0, 0)
    TechContract.objects.filter(pk=c.pk).update(status=TechContract.Status.SUBMITTED)  # undone
    assert stored_counters() == {}
    TechContract.objects.filter(pk=c.pk).update(status=TechContract.Status.REGISTERED)
    assert stored(2025, sy, False) == (1, 25000050, 0, 0)
    c.delete()
    assert stored_counters() == {}
    assert_no_drift()


def test_awards_count_by_the_applications_own_flag(world):
    sy, cc, private, plain, outside, point = world
    a = ApplicationFactory(
        organization=plain, status="funded", awarded_amount=Decimal("600000"), decided_at=WHEN, is_private_tech=True
    )
    ApplicationFactory(organization=plain, status="in_review", awarded_amount=None, decided_at=None)
    assert stored_counters() == {(2024, sy.pk, True): (0, 0, 1, 60000000)}
    Application.objects.filter(pk=a.pk).update(awarded_amount=Decimal("500000.25"))
    assert stored(2024, sy, True) == (0, 0, 1, 50000025)
    Application.objects.filter(pk=a.pk).update(is_private_tech=False)
    assert stored(2024, sy, True) == (0, 0, 0, 0) and stored(2024, sy, False) == (0, 0, 1, 50000025)
    Application.objects.filter(pk=a.pk).update(status="not_funded")
    assert stored_counters() == {}
    Application.objects.filter(pk=a.pk).update(status="closed")
    assert stored(2024, sy, False) == (0, 0, 1, 50000025)
    assert_no_drift()


def test_a_firm_moving_zone_or_changing_its_flag_moves_its_cells(world):
    sy, cc, private, plain, outside, point = world
    registered_contract(point, seller_organization=private, when=WHEN, contract_amount="300000")
    registered_contract(point, seller_organization=private, when=WHEN.replace(year=2023), contract_amount="100000")
    ApplicationFactory(
        organization=private, status="funded", awarded_amount=Decimal("90000"), decided_at=WHEN, is_private_tech=True
    )
    private.is_private_tech_enterprise = False  # the flag: contracts move, the award keeps its own
    private.save()
    assert stored(2024, sy, False) == (1, 30000000, 0, 0) and stored(2023, sy, False) == (1, 10000000, 0, 0)
    assert stored(2024, sy, True) == (0, 0, 1, 9000000)
    private.zone = cc  # the zone: everything moves
    private.save()
    assert stored(2024, cc, False) == (1, 30000000, 0, 0) and stored(2024, cc, True) == (0, 0, 1, 9000000)
    assert stored(2024, sy, True) == (0, 0, 0, 0) and stored(2024, sy, False) == (0, 0, 0, 0)
    Organization.objects.filter(pk=private.pk).update(zone=None)  # a bulk update is caught too
    assert stored_counters() == {}
    Organization.objects.filter(pk__in=[private.pk, outside.pk]).update(zone=sy, is_private_tech_enterprise=True)
    assert stored(2024, sy, True) == (1, 30000000, 1, 9000000)
    assert_no_drift()


def test_the_shares_read_the_counters_and_agree_with_the_records(world, django_assert_num_queries):
    sy, cc, private, plain, outside, point = world
    registered_contract(point, seller_organization=private, when=WHEN, contract_amount="300000")
    registered_contract(point, seller_organization=plain, when=WHEN, contract_amount="100000")
    ApplicationFactory(organization=plain, status="funded", awarded_amount=Decimal("200000"), decided_at=WHEN)
    with django_assert_num_queries(4):
        s = private_shares(year=2024, zone_ids=[sy.pk, cc.pk])
    assert (s[sy.pk].contracts.part, s[sy.pk].contracts.whole) == (1, 2)
    assert s[sy.pk].contract_amount.percent == Decimal("75.0")
    assert (s[sy.pk].funding.part, s[sy.pk].funding.whole) == (Decimal("0.00"), Decimal("200000.00"))
    assert s[cc.pk].contracts.whole == 0 and s[cc.pk].funding.ratio is None


def test_the_rebuild_repairs_a_table_the_triggers_were_bypassed_for(world):
    sy, cc, private, plain, outside, point = world
    registered_contract(point, seller_organization=private, when=WHEN, contract_amount="300000")
    ApplicationFactory(organization=plain, status="funded", awarded_amount=Decimal("200000"), decided_at=WHEN)
    truth = counters_from_records()
    with connection.cursor() as cur:
        cur.execute("UPDATE zones_zonecounter SET contracts = contracts + 5")
        cur.execute(
            "INSERT INTO zones_zonecounter (year, zone_id, private, contracts, contract_fen, awards, award_fen) "
            "VALUES (1999, %s, %s, 1, 1, 0, 0)",
            [cc.pk, False],
        )
    assert len(zone_counters_drift()) == 3
    assert zone_counters_rebuild() == 2
    assert (
        stored_counters()
        == truth
        == {(2024, sy.pk, True): (1, 30000000, 0, 0), (2024, sy.pk, False): (0, 0, 1, 20000000)}
    )
    assert_no_drift()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite writes one transaction at a time")
def test_a_firm_moving_while_its_contract_registers_waits_for_it(transactional_db, zones):
    """PostgreSQL: the contract's trigger holds the firm's row (FOR SHARE), so the firm's zone
    change cannot slip between the registration's read of the zone and its commit (it would move
    the firm's contracts without the uncommitted one, which would then count in the old zone)."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import OperationalError, transaction

    sy, cc = zones["shenyang"], zones["changchun"]
    firm = OrganizationFactory(zone=sy, kind="enterprise", is_private_tech_enterprise=True)
    point = RegistrationPointFactory()

    def move_firm() -> str:
        try:
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute("SET LOCAL lock_timeout = '300ms'")
                Organization.objects.filter(pk=firm.pk).update(zone=cc)
            return "moved"
        except OperationalError:
            return "waited"
        finally:
            connection.close()

    try:
        with ThreadPoolExecutor(max_workers=1) as pool, transaction.atomic():
            registered_contract(point, seller_organization=firm, when=WHEN)
            assert pool.submit(move_firm).result(timeout=30) == "waited"
        assert stored(2024, sy, True) == (1, 10000000, 0, 0)
        with ThreadPoolExecutor(max_workers=1) as pool:
            assert pool.submit(move_firm).result(timeout=30) == "moved"
        assert stored(2024, cc, True) == (1, 10000000, 0, 0) and stored(2024, sy, True) == (0, 0, 0, 0)
        assert_no_drift()
    finally:
        # the table has no model: the flush after a transactional test does not empty it
        with connection.cursor() as cur:
            cur.execute("DELETE FROM zones_zonecounter")
