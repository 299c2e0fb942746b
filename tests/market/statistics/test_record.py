"""record_registration adds a contract to its seven cells; its inverse takes it out; a rebuild
from the contracts equals the incremental cells."""

from decimal import Decimal

import pytest

from nesta.market.models import ContractStat
from nesta.market.services.statistics import (
    area_of,
    rebuild_statistics,
    record_registration,
    unrecord_registration,
)
from tests.market.factories import RegistrationPointFactory
from tests.market.statistics.helpers import local, registered_contract

pytestmark = pytest.mark.django_db


def cells() -> dict:
    return {
        (c.year, c.month, c.point_province, c.dimension, c.key, c.key2): (c.contracts, c.contract_fen, c.technology_fen)
        for c in ContractStat.objects.all()
    }


@pytest.mark.parametrize(
    ("region", "country", "area"),
    [
        ("210102", "156", "210000"),
        ("110105", "156", "110000"),
        ("", "156", "000000"),
        ("", "840", "X840"),
        ("210102", "392", "X392"),
    ],
)
def test_area_of_a_party(region, country, area):
    assert area_of(region, country) == area


def test_a_registration_adds_one_to_each_dimension(reference):
    point = RegistrationPointFactory()
    contract = registered_contract(point, when=local(2025, 3), contract_amount="1234.56", technology_amount="1000.01")
    record_registration(contract)
    record_registration(registered_contract(point, when=local(2025, 3), contract_type="consulting"))
    got = cells()
    assert len(got) == 8  # the second shares all but its type
    assert got[(2025, 3, "210000", "type", "dev_commissioned", "")] == (1, 123456, 100001)
    assert got[(2025, 3, "210000", "type", "consulting", "")] == (1, 10000000, 8000000)
    assert got[(2025, 3, "210000", "flow", "210000", "210000")] == (2, 10123456, 8100001)
    assert got[(2025, 3, "210000", "field", "02", "")][0] == 2


def test_the_month_is_the_registration_day_in_china(reference):
    point = RegistrationPointFactory()
    # 2025-12-31 20:00 UTC is 2026-01-01 04:00 in Shanghai
    import datetime as dt

    moment = dt.datetime(2025, 12, 31, 20, tzinfo=dt.UTC)
    record_registration(registered_contract(point, when=moment))
    assert set(ContractStat.objects.values_list("year", "month")) == {(2026, 1)}


def test_unrecord_is_the_inverse(reference):
    point = RegistrationPointFactory()
    a = registered_contract(point, when=local(2025, 5))
    b = registered_contract(point, when=local(2025, 5), tech_field="08", buyer_country="840", buyer_region="")
    record_registration(a)
    before = cells()
    record_registration(b)
    unrecord_registration(b)
    assert cells() == before


def test_rebuild_equals_the_incremental_cells(reference):
    point = RegistrationPointFactory()
    jilin = RegistrationPointFactory(city_code="220100")
    made = [
        registered_contract(point, when=local(2024, 12, 31, 23)),
        registered_contract(
            point, when=local(2025, 1, 1, 0), ip_type="software", contract_amount=Decimal("0.01"), technology_amount=0
        ),
        registered_contract(jilin, when=local(2025, 7), seller_region="220104", buyer_country="276", buyer_region=""),
        registered_contract(jilin, when=local(2025, 7), plan_source="national", seller_nature="22"),
    ]
    for contract in made:
        record_registration(contract)
    registered_contract(point, when=local(2025, 2), status="submitted", number=None)  # not counted
    incremental = cells()
    assert rebuild_statistics() == len(incremental)
    assert cells() == incremental
    assert rebuild_statistics(year=2025) == len([k for k in incremental if k[0] == 2025])
    assert cells() == incremental


def test_amounts_beyond_32_bits_of_fen_record_and_unrecord_exactly(reference):
    # 50,000,000.01 元 is 5,000,000,001 fen: beyond int4, as large contracts are
    point = RegistrationPointFactory()
    big = {"contract_amount": Decimal("50000000.01"), "technology_amount": Decimal("42949672.97")}
    a = registered_contract(point, when=local(2025, 5), **big)
    record_registration(a)
    before = cells()
    assert before[(2025, 5, "210000", "type", "dev_commissioned", "")] == (1, 5_000_000_001, 4_294_967_297)
    b = registered_contract(point, when=local(2025, 5), contract_amount=Decimal("99999999.99"), technology_amount=0)
    record_registration(b)
    assert cells()[(2025, 5, "210000", "type", "dev_commissioned", "")] == (2, 14_999_999_999 + 1, 4_294_967_297)
    unrecord_registration(b)
    assert cells() == before
    type(b).objects.filter(pk=b.pk).update(status="submitted")  # what a revocation leaves: a alone counts
    assert rebuild_statistics() == len(before)
    assert cells() == before
