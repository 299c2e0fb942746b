import pytest

from nesta.market.matching.engine import top_matches
from tests.market.factories import ListingFactory

pytestmark = pytest.mark.django_db


def test_smoke(reference):
    good = ListingFactory(title="高强铸造铝合金缩松缺陷控制技术", summary="通过凝固模拟与补缩设计消除缩孔缩松。")
    ListingFactory(title="铝合金焊接工艺", summary="铝合金薄板搅拌摩擦焊接，焊缝强度高。", keywords="焊接")
    demand = ListingFactory.build(
        kind="demand",
        title="铸件有砂眼",
        summary="我们厂的铝合金铸件老是有砂眼，合格率低。",
        keywords="",
        details={"problem": "铸件表面老是有砂眼", "cooperation_modes": ["commissioned"]},
        maturity="",
        ip_type="",
        price_low=None,
        price_high=None,
    )
    ms = top_matches(demand)
    for m in ms:
        print(m.listing.title, m.score, m.components, [r.text for r in m.reasons])
    assert ms[0].listing == good
    assert top_matches(demand, method="bm25")
