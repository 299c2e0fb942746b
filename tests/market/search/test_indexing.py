"""The listings' search documents: who gets one, what they hold, and the price bands."""

from decimal import Decimal

import pytest

from nesta.core import search
from nesta.core.models import SearchDocument
from nesta.core.registry import registry
from nesta.market.selectors.facets import band_of_amount, price_band
from nesta.market.selectors.search import ListingFilters, listing_search
from nesta.market.services.indexing import DOC_TYPE, index_listing, listings_reindex

pytestmark = pytest.mark.django_db


def found(q: str, **filters) -> list[int]:
    return [x.pk for x in listing_search(filters=ListingFilters(q=q, **filters), limit=50).items]


def test_a_published_listing_is_found_by_its_title_keywords_and_details(market):
    assert market["superalloy"].pk in found("高温合金")
    assert market["magnet"].pk in found("钕铁硼")  # a keyword
    # the demand's problem, in the enterprise's own words, lives in details
    assert found("合格率 八成") == [market["demand"].pk]
    # the organisation's name and the field's name are part of the text
    assert market["corn"].pk in found("哈尔滨焊接研究院 玉米")


def test_withdrawn_and_draft_listings_have_no_document(market):
    ids = set(found("铸造 铝合金", statuses=("published", "negotiating", "dealt")))
    assert market["alloy"].pk in ids and market["dealt"].pk in ids
    assert market["withdrawn"].pk not in ids and market["draft"].pk not in ids
    docs = set(SearchDocument.objects.filter(doc_type=DOC_TYPE).values_list("object_id", flat=True))
    assert market["withdrawn"].pk not in docs and market["draft"].pk not in docs


def test_withdrawing_a_listing_removes_it_from_search(market):
    alloy = market["alloy"]
    assert alloy.pk in found("缩松")
    alloy.status = "withdrawn"
    alloy.save()
    index_listing(alloy)
    assert found("缩松") == []
    alloy.status = "published"
    alloy.save()
    index_listing(alloy)
    assert found("缩松") == [alloy.pk]


def test_the_document_carries_the_facet_tokens(market):
    doc = SearchDocument.objects.get(doc_type=DOC_TYPE, object_id=market["superalloy"].pk)
    tokens = doc.fields.split(" ")
    assert tokens[0] == f"org-{market['superalloy'].organization_id}"  # first: the facet counts cut it off
    assert {"status-published", "field-superalloys", "field-new-materials", "field-high-tech"} <= set(tokens)
    assert {"maturity-industrial", "ip-utility_model", "price-negotiable"} <= set(tokens)
    assert doc.kind == "achievement" and doc.province_code == "220000" and doc.city_code == "220100"


def test_reindex_rebuilds_public_documents_and_drops_stale_ones(market):
    SearchDocument.objects.filter(doc_type=DOC_TYPE, object_id=market["alloy"].pk).delete()
    stale = market["draft"]
    search.engine.index_many(
        [search.engine.build_document(DOC_TYPE, stale.pk, text="草稿", kind="achievement", fields=["x"])]
    )
    assert listings_reindex() == 7  # the seven public listings
    ids = set(SearchDocument.objects.filter(doc_type=DOC_TYPE).values_list("object_id", flat=True))
    assert market["alloy"].pk in ids and stale.pk not in ids
    assert "listing" in {t.doc_type for t in registry.search_types()}


@pytest.mark.parametrize(
    ("amount", "band"),
    [
        ("0", "lt10"),
        ("99999.99", "lt10"),
        ("100000", "10to50"),
        ("499999.99", "10to50"),
        ("500000", "50to100"),
        ("999999.99", "50to100"),
        ("1000000", "100to500"),
        ("4999999.99", "100to500"),
        ("5000000", "500to1000"),
        ("9999999.99", "500to1000"),
        ("10000000", "gte1000"),
        ("999999999999", "gte1000"),
    ],
)
def test_price_bands_at_their_edges(amount, band):
    assert band_of_amount(Decimal(amount)) == band
    assert price_band(price_low=Decimal(amount), price_high=None, negotiable=False) == band


def test_price_band_of_a_listing_without_an_amount_or_marked_negotiable_is_negotiable():
    assert price_band(price_low=None, price_high=None, negotiable=False) == "negotiable"
    assert price_band(price_low=Decimal(800000), price_high=None, negotiable=True) == "negotiable"
    # a budget (upper end only) counts by its upper end; a range by its lower end
    assert price_band(price_low=None, price_high=Decimal(300000), negotiable=False) == "10to50"
    assert price_band(price_low=Decimal(90000), price_high=Decimal(2000000), negotiable=False) == "lt10"


@pytest.mark.parametrize(
    ("low", "high", "negotiable", "band"),
    [
        (99999, 99999, False, "lt10"),
        (100000, 100000, False, "10to50"),
        (None, 500000, False, "50to100"),
        (10_000_000, 30_000_000, False, "gte1000"),
        (None, None, False, "negotiable"),
        (200000, 200000, True, "negotiable"),
    ],
)
def test_the_band_filter_agrees_with_and_without_a_query(make_listing, low, high, negotiable, band):
    x = make_listing(title="边界价格测试成果", price_low=low, price_high=high, price_negotiable=negotiable)
    with_query = listing_search(filters=ListingFilters(q="边界", price_band=band))
    without = listing_search(filters=ListingFilters(price_band=band))
    assert [i.pk for i in with_query.items] == [x.pk] == [i.pk for i in without.items]
    assert with_query.facets["price_band"] == {band: 1} == without.facets["price_band"]


def test_renaming_the_organisation_reindexes_its_listings(market, users):
    from nesta.directory.services import organization_update

    org = market["alloy"].organization
    organization_update(actor=users["office"], organization=org, data={"name": "辽宁先进铸造技术研究院"})
    assert set(found("先进铸造技术研究院")) == {market["alloy"].pk, market["demand"].pk}
    assert found("沈阳铸造研究所") == []
