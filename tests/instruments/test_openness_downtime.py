"""Fault shutdowns (故障停机) come out of the openness benchmark (docs/openness.md, "Downtime"):
pro-rated over the year, clipped to it, maintenance not counted, in one more aggregate query."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from nesta.instruments.models import Blackout, BookingPolicy, UsageSession
from nesta.instruments.selectors import openness as o
from tests.factories import InstrumentFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2027, 1, 10, 12, 0, tzinfo=TZ)
D = Decimal


def at(year, month, day, hh=0):
    return datetime(year, month, day, hh, tzinfo=TZ)


def down(instrument, start, end, kind="shutdown"):
    return Blackout.objects.create(instrument=instrument, kind=kind, start=start, end=end, reason="故障")


@pytest.fixture
def a(users, org_ln):
    instrument = InstrumentFactory(owner=org_ln, name="A 扫描电镜", original_value=1_200_000)
    BookingPolicy.objects.create(instrument=instrument)
    UsageSession.objects.create(
        instrument=instrument,
        user=users["member"],
        started_at=at(2026, 3, 1, 8),
        ended_at=at(2026, 3, 1, 8) + timedelta(hours=686.6),
    )
    return instrument


def one(instrument, year=2026):
    return o.instrument_openness(instrument_id=instrument.pk, year=year, now=NOW)


def test_a_week_down_takes_its_share_of_the_year_off_the_benchmark(a):
    down(a, at(2026, 5, 4, 8), at(2026, 5, 11, 8))  # 168 h
    item = one(a)
    assert (item.nominal_benchmark_hours, item.downtime_hours, item.shutdown_count) == (D(1400), D("168.00"), 1)
    assert item.benchmark_hours == D("1373.15")  # 1,400 × (8,760 − 168) ÷ 8,760
    assert item.effective_hours == D("686.60")
    assert item.utilisation == D("0.5000")  # 686.60 ÷ 1,373.15; without the shutdown 0.4904


def test_without_shutdowns_nothing_changes(a):
    down(a, at(2026, 5, 4, 8), at(2026, 5, 11, 8), kind="maintenance")  # planned upkeep: not downtime
    down(a, at(2026, 6, 1), at(2026, 6, 8), kind="blackout")  # closed by choice: not downtime
    item = one(a)
    assert (item.benchmark_hours, item.downtime_hours, item.shutdown_count) == (D(1400), D("0.00"), 0)
    assert item.utilisation == D("0.4904")


def test_downtime_is_clipped_to_the_year_in_asia_shanghai_and_a_leap_year_has_8784_hours(users, org_ln):
    inst = InstrumentFactory(owner=org_ln, original_value=900_000, is_specialised=True)  # 800 h
    down(inst, at(2027, 12, 31, 12), at(2028, 1, 2, 12))  # 12 h in 2027, 36 h in 2028
    assert one(inst, 2027).downtime_hours == D("12.00")
    assert one(inst, 2027).benchmark_hours == D("798.90")  # 800 × (8,760 − 12) ÷ 8,760 = 798.904
    item = one(inst, 2028)
    assert item.downtime_hours == D("36.00")
    assert item.benchmark_hours == D("796.72")  # 800 × (8,784 − 36) ÷ 8,784 = 796.721


def test_down_all_year_has_no_benchmark_and_no_division_by_zero(users, org_ln):
    inst = InstrumentFactory(owner=org_ln, original_value=900_000)
    down(inst, at(2025, 12, 1), at(2027, 2, 1))
    item = one(inst)
    assert (item.downtime_hours, item.benchmark_hours, item.utilisation) == (D("8760.00"), D("0.00"), D("0.0000"))


def test_the_organisations_operation_score_uses_the_reduced_benchmark(a, org_ln):
    down(a, at(2026, 5, 4, 8), at(2026, 5, 11, 8))
    org = o.organization_openness(organization_id=org_ln.pk, year=2026, now=NOW)
    assert org.mean_utilisation == D("0.5000") and org.scores.operation == D("20.00")


def test_the_ranking_reads_downtime_in_one_query_whatever_the_number_of_instruments(users, django_assert_num_queries):
    def ranking():
        with django_assert_num_queries(5):  # instruments, sessions, charges, shutdowns, the owners' regions
            return o.openness_ranking(year=2026, now=NOW)

    org = OrganizationFactory(province_code="210000", city_code="210100")
    first = InstrumentFactory(owner=org, original_value=900_000)
    down(first, at(2026, 2, 1), at(2026, 2, 2))
    assert len(ranking()) == 1
    for i in range(6):
        inst = InstrumentFactory(
            owner=OrganizationFactory(province_code="220000", city_code="220100"), original_value=900_000
        )
        down(inst, at(2026, 3, 1 + i), at(2026, 3, 2 + i))
    rows = ranking()
    assert len(rows) == 7
    assert {i.downtime_hours for r in rows for i in r.instruments} == {D("24.00")}


def test_the_api_the_page_and_the_xlsx_show_the_downtime_beside_the_benchmark(a, client):
    import io

    from openpyxl import load_workbook

    from nesta.instruments.exports import DETAIL_HEADERS, ranking_xlsx

    down(a, at(2026, 5, 4, 8), at(2026, 5, 11, 8))
    body = client.get(f"/api/v1/instruments/{a.pk}/openness?year=2026").json()
    assert (float(body["nominal_benchmark_hours"]), float(body["downtime_hours"])) == (1400.0, 168.0)
    assert body["shutdown_count"] == 1 and float(body["benchmark_hours"]) < 1400
    html = client.get(f"/instruments/openness/instruments/{a.pk}/?year=2026").content.decode()
    assert 'data-testid="downtime"' in html and "168" in html
    detail = load_workbook(io.BytesIO(ranking_xlsx(o.openness_ranking(year=2026, now=NOW), year=2026)))["仪器明细"]
    row = {DETAIL_HEADERS[i]: c.value for i, c in enumerate(detail[2])}
    assert (row["名义基准机时(h)"], row["故障停机(h)"]) == (1400, 168)
