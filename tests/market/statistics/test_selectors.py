"""Each breakdown of a year's statistics on the hand-built contracts of conftest.market_year."""

from decimal import Decimal

import pytest

from nesta.market.selectors.statistics import year_statistics

pytestmark = pytest.mark.django_db


def line(lines, key):
    return next(f for f in lines if f.key == key)


def figures(f):
    return (f.contracts, f.contract_amount, f.technology_amount)


def test_totals_of_the_year_and_of_a_province(market_year):
    everything = year_statistics(2025)
    assert figures(everything.total) == (7, Decimal("720000"), Decimal("635000"))
    liaoning = year_statistics(2025, "210000")
    assert figures(liaoning.total) == (5, Decimal("690000"), Decimal("610000"))
    assert liaoning.province_name == "辽宁省"
    assert (liaoning.total.prev_contracts, liaoning.total.prev_contract_amount) == (1, Decimal("50000"))
    assert liaoning.total.contracts_yoy == Decimal("400.0")
    assert year_statistics(2025, "230000").total.contracts == 0
    assert year_statistics(2025, "230000").total.contracts_yoy is None


def test_by_contract_type_families_and_sub_types(market_year):
    stats = year_statistics(2025)
    assert [f.key for f in stats.by_family] == ["development", "transfer", "license", "consulting", "service"]
    development = line(stats.by_family, "development")
    assert figures(development) == (2, Decimal("120000"), Decimal("95000"))
    assert [(c.key, c.contracts) for c in development.children] == [("dev_commissioned", 1), ("dev_cooperative", 1)]
    service = line(stats.by_family, "service")
    assert [(c.key, c.contracts) for c in service.children] == [
        ("service", 1),
        ("service_training", 1),
        ("service_brokerage", 0),
    ]
    assert line(stats.by_family, "license").contracts == 1
    assert sum(f.contracts for f in stats.by_family) == stats.total.contracts
    # dev_commissioned: 1 contract both years, 成交额 100,000 against 50,000
    commissioned = development.children[0]
    assert commissioned.contracts_yoy == Decimal("0.0")
    assert commissioned.contract_amount_yoy == Decimal("100.0")


def test_by_field_ip_natures_and_plan(market_year):
    stats = year_statistics(2025, "210000")
    assert line(stats.by_field, "02").contracts == 3  # a, d, g
    assert line(stats.by_field, "08").contract_amount == Decimal("200000")
    assert line(stats.by_field, "11").contracts == 0
    assert line(stats.by_ip, "utility_model").contracts == 1
    assert line(stats.by_ip, "software").technology_amount == Decimal("50000")
    assert line(stats.by_seller_nature, "21").contracts == 2  # a, d
    assert line(stats.by_seller_nature, "43").contracts == 1  # g
    assert line(stats.by_buyer_nature, "41").contracts == 3  # a, b, g
    assert line(stats.by_buyer_nature, "10").contracts == 1
    assert line(stats.by_buyer_nature, "43").contract_amount == Decimal("300000")
    assert [(f.key, f.contracts) for f in stats.by_plan] == [
        ("national", 1),
        ("ministerial", 1),
        ("municipal", 0),
        ("enterprise", 2),
        ("other", 1),
    ]


def test_per_month(market_year):
    stats = year_statistics(2025, "210000")
    assert [f.contracts for f in stats.by_month] == [0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 0, 1]
    assert stats.by_month[2].prev_contracts == 1
    assert stats.by_month[11].contract_amount == Decimal("300000")  # 23:00 on 31 December in Beijing
    assert year_statistics(2026, "210000").by_month[0].contracts == 1


def test_flows_out_and_in_of_a_province(market_year):
    liaoning = year_statistics(2025, "210000")
    assert [f.province for f in liaoning.flows] == ["210000"]
    flows = liaoning.flows[0]
    # 输出: sellers in 辽宁 (a, b, c, d), by the buyer's area
    assert [(f.key, f.contracts) for f in flows.output] == [
        ("within", 1),
        ("northeast", 1),
        ("china", 1),
        ("abroad", 1),
    ]
    assert line(flows.output, "abroad").technology_amount == Decimal("250000")
    # 吸纳: buyers in 辽宁 (a, e from 吉林, f from 广东, g from abroad) wherever registered
    assert [(f.key, f.contracts) for f in flows.absorption] == [
        ("within", 1),
        ("northeast", 1),
        ("china", 1),
        ("abroad", 1),
    ]
    assert line(flows.absorption, "china").contract_amount == Decimal("20000")
    assert line(flows.output, "within").prev_contracts == 1


def test_flows_of_every_province_without_one(market_year):
    stats = year_statistics(2025)
    by_province = {f.province: f for f in stats.flows}
    assert set(by_province) == {"210000", "220000", "230000"}
    jilin = by_province["220000"]
    assert [(f.key, f.contracts) for f in jilin.output] == [
        ("within", 0),
        ("northeast", 1),
        ("china", 0),
        ("abroad", 0),
    ]
    assert [(f.key, f.contracts) for f in jilin.absorption] == [
        ("within", 0),
        ("northeast", 1),
        ("china", 0),
        ("abroad", 0),
    ]
    assert sum(f.contracts for f in by_province["230000"].output) == 0


def test_a_constant_number_of_queries(market_year, django_assert_num_queries):
    with django_assert_num_queries(5):
        year_statistics(2025)
    with django_assert_num_queries(5):
        year_statistics(2025, "220000")


def test_as_dict_for_the_api(market_year):
    data = year_statistics(2025, "210000").as_dict()
    assert data["total"]["contracts"] == 5
    assert data["by_family"][0]["children"][0]["key"] == "dev_commissioned"
    assert data["flows"][0]["output"][0]["label"] == "本省"
    assert data["years"] == [2026, 2025, 2024]
