"""List pages do a fixed number of queries however many rows they show (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nesta.core.models import TaxonomyNode
from nesta.directory.models import ExpertProfile
from tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def make_orgs(n, zone):
    nodes = list(TaxonomyNode.objects.filter(code__in=["software", "superalloys", "wind-energy"]))
    for i in range(n):
        org = OrganizationFactory(name=f"查询计数机构{i}", zone=zone, province_code="220000", city_code="220100")
        org.fields.set(nodes)


def count_queries(client, path, **params):
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(path, params)
    assert r.status_code == 200
    return len(ctx.captured_queries)


def test_organization_list_has_no_n_plus_one(client, zone_sy, django_assert_max_num_queries):
    make_orgs(2, zone_sy)
    few = count_queries(client, "/directory/organizations/", province="220000")
    make_orgs(30, zone_sy)
    with django_assert_max_num_queries(8):
        r = client.get("/directory/organizations/", {"province": "220000"})
    assert len(r.context["page"].items) == 20
    assert count_queries(client, "/directory/organizations/", province="220000") == few


def test_organization_search_has_no_n_plus_one(users, django_assert_max_num_queries):
    from django.test import Client

    from nesta.directory.services import organization_create

    for i in range(22):
        organization_create(
            actor=users["office"],
            data={
                "name": f"稀土材料公司{i}",
                "kind": "enterprise",
                "province": "210000",
                "fields": ["rare-earth-magnets"],
            },
        )
    c = Client()
    c.force_login(users["office"])
    c.get("/directory/organizations/", {"q": "稀土"})  # the first search reads the index statistics
    with django_assert_max_num_queries(17):
        r = c.get("/directory/organizations/", {"q": "稀土"})
    assert len(r.context["page"].items) == 20


def test_person_list_has_no_n_plus_one(client, org_ln, django_assert_max_num_queries):
    nodes = list(TaxonomyNode.objects.filter(code__in=["software", "superalloys"]))

    def make(n):
        for _ in range(n):
            p = PersonFactory(organization=org_ln)
            p.fields.set(nodes)
            ExpertProfile.objects.create(person=p, expertise="测试")

    make(2)
    few = count_queries(client, "/directory/people/")
    make(30)
    with django_assert_max_num_queries(8):
        r = client.get("/directory/people/")
    assert len(r.context["page"].items) == 20
    assert count_queries(client, "/directory/people/") == few


def test_home_query_count_is_bounded(client, zone_sy, django_assert_max_num_queries):
    make_orgs(20, zone_sy)
    # 12, the market's section (its counts, its latest), and on PostgreSQL the search statistics'
    # one-time count of a document type that has no counters yet (core.search, then kept)
    with django_assert_max_num_queries(15):
        client.get("/")


def test_zone_page_query_count_is_bounded(client, zone_sy, django_assert_max_num_queries):
    make_orgs(30, zone_sy)
    with django_assert_max_num_queries(10):
        r = client.get(f"/directory/organizations/{zone_sy.pk}/")
    assert len(r.context["members"]) == 30


def _queries(client, path, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(path, params)
    assert r.status_code == 200
    return len(ctx.captured_queries)


def _bookings(user, instrument, n, *, start_days_ago):
    from datetime import timedelta

    from django.utils import timezone

    from nesta.instruments.models import Booking

    base = timezone.now() - timedelta(days=start_days_ago)
    for i in range(n):
        start = base - timedelta(hours=3 * i)
        Booking.objects.create(
            instrument=instrument, user=user, start=start, end=start + timedelta(hours=1), status="completed"
        )


def test_my_bookings_history_query_count_does_not_grow(users, org_ln):
    """我的预约: the history page (each booking with its instrument and rules) and its next page."""
    from django.test import Client

    from nesta.instruments.models import BookingPolicy
    from tests.factories import InstrumentFactory

    instruments = [InstrumentFactory(owner=org_ln, name=f"计数仪器{i}") for i in range(3)]
    BookingPolicy.objects.create(instrument=instruments[0])
    c = Client()
    c.force_login(users["member"])
    _bookings(users["member"], instruments[0], 2, start_days_ago=2)
    few = _queries(c, "/instruments/my/")
    for i, inst in enumerate(instruments):
        _bookings(users["member"], inst, 12, start_days_ago=10 + i * 5)
    r = c.get("/instruments/my/")
    assert len(r.context["history"].items) == 20 and r.context["history"].next_cursor
    assert _queries(c, "/instruments/my/") == few
    assert _queries(c, "/instruments/my/", cursor=r.context["history"].next_cursor) == few


def test_manage_index_query_count_does_not_grow(users, org_ln):
    """The managers' index: the instruments they manage (with pending counts) and pending bookings."""
    from django.test import Client

    from tests.factories import InstrumentFactory

    c = Client()
    c.force_login(users["instrument_manager"])
    for i in range(2):
        InstrumentFactory(owner=org_ln, name=f"管理计数仪器{i}")
    few = _queries(c, "/instruments/manage/")
    for i in range(30):
        inst = InstrumentFactory(owner=org_ln, name=f"管理计数仪器{i + 2}")
        _bookings(users["member"], inst, 1, start_days_ago=1)
    r = c.get("/instruments/manage/")
    assert len(r.context["page"].items) == 20 and r.context["page"].next_cursor
    assert _queries(c, "/instruments/manage/") == few
