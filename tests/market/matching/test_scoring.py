"""The score's parts as plain functions: field, region, fit, price, the general thesaurus."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from nesta.market.matching import scoring as S
from nesta.market.matching import weights as W
from nesta.market.matching.general import synonyms
from nesta.market.matching.thesaurus import build


def L(kind, **kw):
    base = {"details": {}, "maturity": "", "price_low": None, "price_high": None, "price_negotiable": False}
    return SimpleNamespace(kind=kind, **{**base, **kw})


def test_weights_add_up_to_one():
    assert W.BASE + W.FIELD + W.REGION + W.FIT + W.PRICE == pytest.approx(1.0)


def test_field_closeness_follows_the_tree():
    tree = {1: None, 2: 1, 3: 1, 4: 2, 5: None, 6: 5}
    assert S.field_closeness(4, 4, tree) == (W.FIELD_SAME, "same")
    assert S.field_closeness(4, 2, tree) == (W.FIELD_PARENT, "parent")
    assert S.field_closeness(4, 1, tree) == (W.FIELD_PARENT, "parent")
    assert S.field_closeness(2, 3, tree) == (W.FIELD_SIBLING, "sibling")
    assert S.field_closeness(4, 3, tree) == (W.FIELD_SAME_ROOT, "root")
    assert S.field_closeness(4, 6, tree) == (W.FIELD_OTHER, "other")
    assert S.field_closeness(None, 6, tree)[1] == "other"


@pytest.mark.parametrize(
    "other, relation",
    [
        (("210000", "210100"), "city"),
        (("210000", "210200"), "province"),
        (("230000", "230100"), "northeast"),
        (("370000", "370200"), "coast"),
        (("610000", "610100"), "china"),
        (("810000", ""), "abroad"),
    ],
)
def test_region_ranks_city_province_northeast_coast_china_abroad(other, relation):
    value, rel = S.region_closeness("210000", "210100", *other)
    assert rel == relation
    order = ["city", "province", "northeast", "coast", "china", "abroad"]
    values = [
        S.region_closeness("210000", "210100", *o)[0]
        for o in [
            ("210000", "210100"),
            ("210000", "210200"),
            ("230000", ""),
            ("370000", ""),
            ("610000", ""),
            ("810000", ""),
        ]
    ]
    assert values == sorted(values, reverse=True) and len(set(values)) == len(order)


def test_maturity_fit_depends_on_what_the_demand_wants():
    transfer = L("demand", details={"cooperation_modes": ["assignment", "license"]})
    develop = L("demand", details={"cooperation_modes": ["commissioned"]})
    lab, industrial = L("achievement", maturity="lab"), L("achievement", maturity="industrial")
    assert S.fit(transfer, industrial)[0] > S.fit(transfer, lab)[0]
    assert S.fit(develop, lab)[0] > S.fit(transfer, lab)[0]
    assert S.fit(transfer, L("achievement"))[0] == W.NEUTRAL


def test_stage_and_process_fit():
    fin = L("financing", details={"stage": "a"})
    assert S.fit(fin, L("investor", details={"stages": ["a", "b"]})) == (1.0, "stage")
    assert S.fit(fin, L("investor", details={"stages": ["b"]})) == (0.5, "stage")
    assert S.fit(fin, L("investor", details={"stages": ["pre_ipo"]})) == (0.0, "stage")
    need = L(
        "outsourcing",
        details={"processes": ["cnc", "heat_treatment"], "max_part_size_mm": 800, "precision_grade": "IT6"},
    )
    full = L(
        "capacity",
        details={"processes": ["cnc", "heat_treatment", "casting"], "max_part_size_mm": 1000, "precision_grade": "IT5"},
    )
    half = L("capacity", details={"processes": ["cnc"], "max_part_size_mm": 500, "precision_grade": "IT9"})
    assert S.fit(need, full)[0] == 1.0 and S.fit(need, half)[0] < 0.5


def test_price_fit_budget_and_tickets():
    need = L("demand", price_high=Decimal("1000000"))
    assert S.price_fit(need, L("achievement", price_low=Decimal("800000")))[1] == "within"
    assert S.price_fit(need, L("achievement", price_low=Decimal("1400000")))[1] == "near"
    assert S.price_fit(need, L("achievement", price_low=Decimal("5000000")))[1] == "over"
    assert S.price_fit(need, L("achievement", price_negotiable=True, price_low=Decimal("1")))[0] == W.NEUTRAL
    investor = L("investor", price_low=Decimal("1000000"), price_high=Decimal("5000000"))
    assert S.price_fit(L("financing", price_low=Decimal("2000000"), price_high=Decimal("3000000")), investor)[0] == 1.0
    assert S.price_fit(L("financing", price_low=Decimal("9000000"), price_high=Decimal("9500000")), investor)[0] == 0.5
    assert (
        S.price_fit(L("financing", price_low=Decimal("90000000"), price_high=Decimal("95000000")), investor)[0] == 0.1
    )


def test_thesaurus_patterns_allow_fillers_and_ascii_terms_need_word_edges():
    th = build([(1, "焊接冷裂纹", "焊缝*裂", "problem"), (2, "人工智能", "AI", "synonym")])
    assert th.detect("焊完放两天焊缝老是裂") == {1: ["焊缝老是裂"]}
    assert th.detect("焊缝很好看，没有问题。零件开裂了") == {}
    assert th.detect("send an email") == {} and th.detect("用AI检测") == {2: ["ai"]}


def test_the_general_thesaurus_adds_synonyms_at_a_low_weight():
    table = synonyms()
    assert len(table) > 10_000 and "噪声" in table["噪音"]
    listing = SimpleNamespace(title="设备噪音大", keywords="", keyword_list=[], summary="", details={})
    query, _concepts, expansions = S.build_query(listing, build([]), hybrid=True)
    assert "噪声" in expansions and query["噪声"] == pytest.approx(W.GENERAL_WEIGHT * query["噪音"])
    plain, _c, none = S.build_query(listing, build([]), hybrid=False)
    assert "噪声" not in plain and not none
