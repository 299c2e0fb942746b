"""The market's list page (/market/) and the home page's market section."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_list_page_shows_cards_and_facets(client, market):
    r = client.get("/market/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "技术市场" in html and 'id="market-search"' in html
    assert html.index('name="q"') < html.index('data-testid="facets"')  # the search box first
    assert market["alloy"].title in html and market["withdrawn"].title not in html
    assert market["dealt"].title not in html  # dealt ones only when asked for
    assert "洽谈中" in html and "面议" in html and "50万元" in html and "2,000万元" in html
    assert "沈阳铸造研究所" in html and "辽宁省" in html and "汽车" in html
    assert 'data-facet="kind"' in html and 'data-facet="price_band"' in html


def test_a_query_and_a_facet_link(client, market):
    html = client.get("/market/", {"q": "铝合金"}).content.decode()
    assert "找到 2 条信息" in html
    assert market["alloy"].title in html and market["capacity"].title in html
    assert "?q=%E9%93%9D%E5%90%88%E9%87%91&amp;kind=capacity" in html  # the kind facet keeps the query
    html = client.get("/market/", {"q": "铝合金", "kind": "capacity"}).content.decode()
    assert market["capacity"].title in html and market["alloy"].title not in html
    assert '<input type="hidden" name="kind" value="capacity" form="market-search">' in html


def test_htmx_gets_the_fragment_only(client, market):
    r = client.get("/market/", {"q": "铸件"}, HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert r.status_code == 200 and "<html" not in html and 'data-testid="facets"' in html
    assert market["demand"].title in html


def test_bad_values_in_the_address_are_dropped_not_refused(client, market):
    r = client.get("/market/", {"kind": "rumour", "field": "nowhere", "status": "withdrawn", "price_band": "x"})
    assert r.status_code == 200 and market["alloy"].title in r.content.decode()
    r = client.get("/market/", {"q": "铸件\x07砂眼"})
    assert r.status_code in (200, 400)


def test_the_status_facet_shows_dealt_listings(client, market):
    html = client.get("/market/", {"status": ["published", "dealt"]}).content.decode()
    assert market["dealt"].title in html and market["magnet"].title not in html
    assert "已成交" in html


def test_paging_links(client, make_listing, orgs):
    for i in range(25):
        make_listing(
            title=f"玉米新品种{i}号", organization=orgs["hl"], kind="agri_variety", details={"product": "玉米"}
        )
    html = client.get("/market/", {"q": "玉米"}).content.decode()
    assert 'rel="next"' in html and html.count('data-testid="listing-result"') == 20
    bad = client.get("/market/", {"cursor": "zzz"})
    assert bad.status_code == 400


def test_the_page_costs_constant_queries(client, make_listing, orgs, django_assert_max_num_queries):
    for i in range(30):
        make_listing(title=f"精密锻造技术{i}", organization=orgs[("ln", "jl", "hl")[i % 3]])
    for params in ({}, {"q": "精密锻造"}, {"q": "锻造", "field": "equipment-manufacturing", "province": "210000"}):
        client.get("/market/", params)
        with django_assert_max_num_queries(14):
            assert client.get("/market/", params).status_code == 200


def test_the_home_page_has_a_market_section(client, market):
    html = client.get("/").content.decode()
    assert 'data-testid="home-market"' in html
    assert market["demand"].title in html and market["alloy"].title in html
    assert "技术需求" in html and "/market/?kind=demand" in html
