"""The matcher on hand-built cases: the known best answer first with its reasons, same-word
distractors lower, the thesaurus bridging plant-floor words to academic ones, context ordering
ties, and only complementary kinds in public statuses as candidates."""

from decimal import Decimal

import pytest
from django.db import transaction

from nesta.core.models import Region
from nesta.market.matching.engine import top_matches
from tests.market.factories import ListingFactory
from tests.market.matching.helpers import achievement, demand, noise, org

pytestmark = pytest.mark.django_db


def titles(matches):
    return [m.listing.title for m in matches]


def codes(match):
    return [r.code for r in match.reasons]


def test_the_known_best_achievement_ranks_first_with_its_reasons(reference):
    noise()
    best = achievement(
        "铝合金压铸件真空压铸与熔体除气技术",
        "采用真空压铸和旋转喷吹熔体除气，消除铝合金压铸件内部气孔，气孔率降低80%。",
        keywords="压铸,气孔,铝合金",
        field_code="automotive",
    )
    # same material, different process: welding porosity of aluminium
    weld = achievement(
        "铝合金焊接气孔控制技术",
        "铝合金MIG焊焊缝气孔的成因与焊前清理、保护气体优化。",
        keywords="焊接,铝合金",
        field_code="automotive",
    )
    # same product, different defect: colour of anodised die castings
    colour = achievement(
        "铝合金压铸件阳极氧化着色工艺",
        "解决铝合金压铸件阳极氧化后发花、色差的问题，表面美观。",
        keywords="压铸件,阳极氧化",
        field_code="automotive",
    )
    need = demand(
        "铝合金压铸件内部气孔多",
        "我厂生产汽车铝合金压铸件，X光检测内部气孔多，打压渗漏，废品率高，寻求解决方案。",
        field_code="automotive",
    )
    found = top_matches(need)
    ranked = [m.listing for m in found]
    assert ranked[0] == best
    assert ranked.index(weld) > 0 and ranked.index(colour) > 0
    first = found[0]
    assert "shared_terms" in codes(first) and "field_same" in codes(first)
    assert all(r.text for r in first.reasons)
    assert 0 < first.score <= 1
    assert set(first.components) >= {"lexical", "field", "region", "fit", "price"}


def test_the_thesaurus_bridges_plant_floor_words_to_an_academic_achievement(reference):
    noise()
    academic = achievement(
        "高强钢焊接冷裂纹敏感性评价及预热工艺",
        "研究低合金高强钢焊接冷裂纹敏感性，提出碳当量控制、预热与后热消氢处理工艺，延迟裂纹显著减少。",
        keywords="冷裂纹,预热,消氢",
    )
    achievement(
        "焊缝外观机器视觉检测系统",
        "基于深度学习的焊缝外观检测，识别焊缝表面成形不良。",
        keywords="焊缝,视觉检测",
    )
    achievement("数控机床主轴精度恢复", "老旧机床主轴再制造，恢复加工精度。", keywords="机床")
    need = demand("焊缝老是裂", "我们厂焊的钢结构件，焊完放一两天焊缝老是裂，返修很多。")
    found = top_matches(need)
    assert found[0].listing == academic
    related = [r for r in found[0].reasons if r.code == "related_terms"]
    assert related and "焊接冷裂纹" in related[0].text
    # the plain baseline has no such bridge: the academic text shares few words with the demand
    plain = top_matches(need, method="bm25")
    assert set(plain[0].components) == {"bm25"}


def test_a_casting_defect_finds_the_shrinkage_technique(reference):
    noise()
    shrink = achievement(
        "大型铸钢件缩松缺陷控制技术",
        "通过凝固模拟优化冒口与冷铁设计，实现顺序凝固，消除缩孔缩松。",
        keywords="缩松,凝固模拟",
    )
    achievement("铸件清理打磨机器人", "铸件浇冒口切割和打磨的自动化。", keywords="铸件,打磨")
    need = demand("铸件有砂眼", "我们的阀体铸件加工后表面老是有砂眼，客户退货。")
    found = top_matches(need)
    assert found[0].listing == shrink
    assert any(r.code == "related_terms" and "缩松" in r.text for r in found[0].reasons)


def test_region_orders_otherwise_equal_candidates(reference):
    gd = Region.objects.create(code="440000", name="广东省", level="province")
    Region.objects.create(code="440100", name="广州市", level="city", parent=gd)
    text = ("齿轮渗碳淬火变形控制技术", "低压真空渗碳与压淬，控制齿轮热处理变形。")
    far = achievement(*text, owner=org("440000", "440100"))  # 广州: coast
    jilin = achievement(*text, owner=org("220000", "220100"))  # 长春: north-east
    same_province = achievement(*text, owner=org("210000", "210200"))  # 大连
    same_city = achievement(*text, owner=org("210000", "210100"))  # 沈阳
    need = demand("齿轮热处理后变形大", "齿轮渗碳淬火后变形大，需要变形控制技术。", owner=org("210000", "210100"))
    ranked = [m.listing for m in top_matches(need)]
    assert ranked[:4] == [same_city, same_province, jilin, far]
    reasons = {m.listing.pk: codes(m) for m in top_matches(need)}
    assert "region_city" in reasons[same_city.pk] and "region_northeast" in reasons[jilin.pk]
    assert "region_coast" in reasons[far.pk]


def test_budget_orders_otherwise_equal_candidates(reference):
    text = ("轴承座铸件缩孔控制", "铸件缩孔缩松控制工艺，提高轴承座致密度。")
    cheap = achievement(*text, price_low=Decimal("300000"), price_high=Decimal("300000"))
    dear = achievement(*text, price_low=Decimal("2000000"), price_high=Decimal("2000000"))
    need = demand("轴承座铸件有缩孔", "轴承座铸件有缩孔，寻求工艺改进。", budget=Decimal("500000"))
    found = top_matches(need)
    assert [m.listing for m in found][:2] == [cheap, dear]
    assert "budget_fit" in codes(found[0]) and "budget_over" in codes(found[1])


def test_only_complementary_kinds_in_public_statuses_are_candidates(reference):
    text = {"title": "铸件缩松缺陷控制技术", "summary": "消除铸件缩孔缩松，提高致密度。", "keywords": "缩松"}
    good = achievement(**text)
    negotiating = achievement(**text, status="negotiating")
    capacity = ListingFactory(kind="capacity", maturity="", ip_type="", price_low=None, price_high=None, **text)
    for status in ("draft", "submitted", "approved", "withdrawn", "expired", "dealt"):
        achievement(**text, status=status)
    ListingFactory(kind="demand", maturity="", ip_type="", price_low=None, price_high=None, **text)
    ListingFactory(kind="financing", maturity="", ip_type="", price_low=1, price_high=2, **text)
    need = demand("铸件缩松", "铸件缩松缺陷多，寻求控制技术。", stored=True)
    found = {m.listing for m in top_matches(need)}
    assert found == {good, negotiating, capacity}
    only = {m.listing for m in top_matches(need, candidates_kinds=["achievement"])}
    assert only == {good, negotiating}
    assert need not in found


def test_a_listing_leaving_the_market_leaves_the_candidates_and_a_rollback_leaves_nothing(reference):
    text = {"title": "铸件缩松缺陷控制技术", "summary": "消除铸件缩孔缩松。", "keywords": "缩松"}
    gone = achievement(**text)
    need = demand("铸件缩松", "铸件缩松缺陷多。")
    assert [m.listing for m in top_matches(need)] == [gone]
    gone.status = "withdrawn"
    gone.save()
    assert top_matches(need) == []
    with pytest.raises(RuntimeError), transaction.atomic():
        achievement(**text)
        raise RuntimeError
    assert top_matches(need) == []


def test_limits_methods_and_unmatched_kinds(reference):
    for i in range(5):
        achievement(f"铸件缩松缺陷控制技术{i}", "消除铸件缩孔缩松。")
    need = demand("铸件缩松", "铸件缩松缺陷多。")
    assert len(top_matches(need, limit=3)) == 3
    assert len(top_matches(need, limit=0)) == 1
    with pytest.raises(ValueError):
        top_matches(need, method="magic")
    assert top_matches(demand("的", "的")) == []
    assert top_matches(need, candidates_kinds=["investor"]) == []
