"""Finding instruments across the region: Chinese queries, filters (province, city, category,
owner kind, openness, free in a date range), cursor pages, and a constant number of queries."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nesta.core.errors import BadRequest, ValidationFailed
from nesta.instruments.models import Blackout, Booking
from nesta.instruments.policy import LOCAL
from nesta.instruments.selectors.registry import InstrumentFilters, instrument_list
from nesta.instruments.services.registry import instrument_create
from tests.core.world import reference_loaded
from tests.factories import OrganizationFactory, UserFactory


@pytest.fixture(scope="module")
def reference_module(django_db_setup, django_db_blocker):
    with reference_loaded(django_db_blocker):
        yield


@pytest.fixture
def reference(reference_module, db):
    """The reference data, loaded once for the module."""


class Catalogue:
    def __init__(self, office):
        self.office = office
        self.dut = OrganizationFactory(
            name="大连理工大学", kind="university", province_code="210000", city_code="210200"
        )
        self.neu = OrganizationFactory(name="东北大学", kind="university", province_code="210000", city_code="210100")
        self.ciac = OrganizationFactory(
            name="中国科学院长春应用化学研究所", kind="research_institute", province_code="220000", city_code="220100"
        )
        self.hit = OrganizationFactory(
            name="哈尔滨工业大学", kind="university", province_code="230000", city_code="230100"
        )
        self.firm = OrganizationFactory(
            name="沈阳机床集团", kind="enterprise", province_code="210000", city_code="210100"
        )
        self.sem_dut = self.add("场发射扫描电镜", self.dut, "0104", techniques="形貌观察 能谱分析")
        self.sem_hit = self.add("扫描电子显微镜", self.hit, "0104", is_open=False)
        self.tem = self.add("球差校正透射电子显微镜", self.neu, "0104")
        self.nmr = self.add("600MHz 超导核磁共振波谱仪", self.ciac, "0105", techniques="一维、二维核磁共振谱")
        self.lcms = self.add("液相色谱-质谱联用仪", self.ciac, "0101")
        self.lcms2 = self.add("超高效液质联用仪", self.dut, "0101")
        self.cnc = self.add("五轴数控加工中心", self.firm, "1004", techniques="复杂曲面加工")

    def add(self, name, owner, category, **extra):
        return instrument_create(
            actor=self.office,
            data={"name": name, "owner": owner.pk, "category": category, "original_value": "1000000", **extra},
        )


@pytest.fixture
def cat(users):
    return Catalogue(users["office"])


def ids(page):
    return [i.pk for i in page.items]


# "Free" is judged from a moment inside the policies' advance window (selectors.freesearch).
FREE_NOW = datetime(2030, 3, 1, 9, 0, tzinfo=LOCAL)


def find(**filters):
    return set(ids(instrument_list(filters=InstrumentFilters(**filters), limit=100, now=FREE_NOW)))


def test_chinese_queries(cat):
    assert find(q="扫描电镜") == {cat.sem_dut.pk, cat.sem_hit.pk}
    assert find(q="核磁共振") == {cat.nmr.pk}
    assert find(q="液质联用") == {cat.lcms.pk, cat.lcms2.pk}
    assert find(q="透射电镜") == {cat.tem.pk}
    assert find(q="电镜") == {cat.sem_dut.pk, cat.sem_hit.pk, cat.tem.pk}
    assert find(q="电子显微镜") == {cat.sem_dut.pk, cat.sem_hit.pk, cat.tem.pk}
    assert find(q="数控") == {cat.cnc.pk}
    assert find(q="能谱") == {cat.sem_dut.pk}
    assert find(q="长春 质谱") == {cat.lcms.pk}
    assert find(q="哈尔滨工业大学") == {cat.sem_hit.pk}
    assert find(q="NMR") == {cat.nmr.pk}
    assert find(q="拉曼光谱") == set()


def test_filters_with_and_without_a_query(cat):
    assert find(province="210000") == {cat.sem_dut.pk, cat.tem.pk, cat.lcms2.pk, cat.cnc.pk}
    assert find(q="扫描电镜", province="210000") == {cat.sem_dut.pk}
    assert find(city="210100") == {cat.tem.pk, cat.cnc.pk}
    assert find(q="电镜", city="210100") == {cat.tem.pk}
    assert find(category="01") == {cat.sem_dut.pk, cat.sem_hit.pk, cat.tem.pk, cat.nmr.pk, cat.lcms.pk, cat.lcms2.pk}
    assert find(category="0101") == {cat.lcms.pk, cat.lcms2.pk}
    assert find(q="共振", category="0105") == {cat.nmr.pk}
    assert find(owner_kind="enterprise") == {cat.cnc.pk}
    assert find(q="扫描电镜", owner_kind="university") == {cat.sem_dut.pk, cat.sem_hit.pk}
    assert find(q="液质联用", owner_kind="research_institute") == {cat.lcms.pk}
    assert find(q="扫描电镜", open_only=True) == {cat.sem_dut.pk}
    assert cat.sem_hit.pk not in find(open_only=True)
    assert find(owner=cat.ciac.pk) == {cat.nmr.pk, cat.lcms.pk}
    assert find(q="质谱", owner=cat.ciac.pk) == {cat.lcms.pk}
    assert find(q="质谱", owner=cat.dut.pk) == {cat.lcms2.pk}
    assert find(q="数控", owner_kind="enterprise", open_only=True, province="210000", category="10") == {cat.cnc.pk}
    assert find(q="数控", owner_kind="university") == set()


def test_index_filters_follow_updates(cat):
    from nesta.instruments.services.registry import instrument_update

    instrument_update(actor=cat.office, instrument=cat.sem_dut, data={"is_open": False, "status": "repair"})
    assert find(q="扫描电镜", open_only=True) == set()
    assert find(q="扫描电镜", status="repair") == {cat.sem_dut.pk}
    assert find(q="扫描电镜", status="in_use") == {cat.sem_hit.pk}  # closed to outsiders, but in use


def test_ranked_order_survives_sql_filters(cat):
    plain = ids(instrument_list(filters=InstrumentFilters(q="电镜"), limit=10))
    narrowed = ids(instrument_list(filters=InstrumentFilters(q="电镜", owner_kind="university"), limit=10))
    assert narrowed == plain  # all three are universities' instruments: same order either way


def _book(instrument, user, start, hours, status="confirmed"):
    return Booking.objects.create(
        instrument=instrument, user=user, start=start, end=start + timedelta(hours=hours), status=status
    )


def test_free_in_a_date_range(cat):
    user = UserFactory(username="booker")
    a = datetime(2030, 3, 4, 9, 0, tzinfo=LOCAL)
    b = a + timedelta(hours=4)  # [09:00, 13:00)
    _book(cat.sem_dut, user, a, 4)  # the whole window
    _book(cat.tem, user, a - timedelta(hours=2), 2)  # ends exactly at 09:00: free
    _book(cat.tem, user, b, 2)  # starts exactly at 13:00: free
    _book(cat.nmr, user, a - timedelta(hours=1), 2, status="cancelled")  # cancelled: free
    _book(cat.lcms, user, a - timedelta(hours=6), 10)  # started before, runs to the end: busy
    _book(cat.lcms2, user, a, 4, status="pending")  # pending holds the slot
    # leaves 09:00–09:20, shorter than the 30-minute minimum booking: not free
    Blackout.objects.create(instrument=cat.cnc, start=a + timedelta(minutes=20), end=b + timedelta(days=1))
    cat.sem_hit.status = "repair"
    cat.sem_hit.save()
    assert find(available_from=a, available_to=b) == {cat.tem.pk, cat.nmr.pk}
    assert find(q="电镜", available_from=a, available_to=b) == {cat.tem.pk}
    assert find(q="扫描电镜", available_from=a, available_to=b) == set()
    assert find(province="220000", available_from=a, available_to=b) == {cat.nmr.pk}


def test_free_range_must_be_whole_and_ordered(cat):
    a = datetime(2030, 3, 4, 9, 0, tzinfo=LOCAL)
    with pytest.raises(ValidationFailed) as exc:
        find(available_from=a)
    assert list(exc.value.details) == ["available_to"]
    with pytest.raises(ValidationFailed) as exc:
        find(available_from=a, available_to=a)
    assert list(exc.value.details) == ["available_to"]


def test_cursor_pages(cat):
    for query in ({}, {"q": "大学"}, {"q": "大学", "owner_kind": "university", "open_only": True}):
        seen, cursor = [], None
        while True:
            page = instrument_list(filters=InstrumentFilters(**query), cursor=cursor, limit=2)
            seen += ids(page)
            cursor = page.next_cursor
            if cursor is None:
                break
        everything = ids(instrument_list(filters=InstrumentFilters(**query), limit=100))
        assert seen == everything, query
    with pytest.raises(BadRequest):
        instrument_list(filters=InstrumentFilters(), cursor="!!")


def test_totals(cat):
    assert instrument_list(filters=InstrumentFilters(), limit=2, with_total=True).total == 7
    assert instrument_list(filters=InstrumentFilters(q="电镜"), limit=2, with_total=True).total == 3
    assert instrument_list(filters=InstrumentFilters(q="电镜", open_only=True), limit=1, with_total=True).total == 2


def test_query_without_searchable_words_matches_names(cat):
    assert find(q="——") == set()
    assert find(q="  ") == find()


@pytest.fixture
def many(users):
    office = users["office"]
    owners = [
        OrganizationFactory(name=f"高校{i}", kind="university", province_code="210000", city_code="210100")
        for i in range(3)
    ]
    booker = UserFactory(username="busy")
    start = datetime(2030, 5, 6, 9, 0, tzinfo=LOCAL)
    for i in range(45):
        inst = instrument_create(
            actor=office,
            data={
                "name": f"场发射扫描电镜{i}",
                "owner": owners[i % 3].pk,
                "category": "0104",
                "original_value": 1000000 + i,
                "managers": [],
            },
        )
        if i % 5 == 0:
            _book(inst, booker, start, 2)
    return start


def _touch(page):
    return [(i.owner.name, i.category.parent.name, i.province.name, i.city.name if i.city else "") for i in page.items]


@pytest.mark.parametrize(
    "filters,expected",
    [
        ({}, 1),
        ({"province": "210000", "category": "01"}, 1),
        ({"owner_kind": "university", "open_only": True}, 1),
        # the free-time index (opening shapes) + candidates (with policy) + their bookings, blackouts and
        # waiting-list holds (a slot offered to the first in line is not free)
        ({"available": True}, 5),
        ({"q": "扫描电镜"}, 3),  # search (candidates + their text) + rows
        ({"q": "扫描电镜", "province": "210000", "category": "0104"}, 3),
        ({"q": "扫描电镜", "owner_kind": "university", "open_only": True, "status": "in_use"}, 3),  # index filters
        ({"q": "扫描电镜", "available": True}, 8),  # search + shapes + prefilter + rows + bookings + blackouts + holds
    ],
)
def test_list_queries_do_not_grow_with_page_size(many, filters, expected):
    filters = dict(filters)
    if filters.pop("available", False):
        filters.update(available_from=many, available_to=many + timedelta(hours=1))
    # The first ranked search of a process also reads the index statistics (then cached).
    instrument_list(filters=InstrumentFilters(**filters), limit=1)
    counts = []
    for limit in (5, 15, 30):
        with CaptureQueriesContext(connection) as ctx:
            page = instrument_list(filters=InstrumentFilters(**filters), limit=limit, now=many - timedelta(days=3))
            _touch(page)
        assert len(page.items) == limit
        counts.append(len(ctx.captured_queries))
    assert counts == [expected] * 3


def test_renaming_the_owner_reindexes_its_instruments(users, org_ln):
    from nesta.core import search
    from nesta.directory.services import organization_update
    from nesta.instruments.services.indexing import reindex_owner_instruments
    from tests.factories import InstrumentFactory

    instrument = InstrumentFactory(owner=org_ln, name="透射电镜 JEM-2100F")
    reindex_owner_instruments(org_ln.pk)
    assert search.search("instrument", "透射电镜 测试研究院").ids == [instrument.pk]
    organization_update(actor=users["office"], organization=org_ln, data={"name": "辽宁材料检测中心"})
    assert search.search("instrument", "透射电镜 材料检测中心").ids == [instrument.pk]
    assert search.search("instrument", "透射电镜 测试研究院").ids == []
