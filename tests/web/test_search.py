"""Directory search and filters: Chinese full text, facets, htmx partials, cursor paging."""

import pytest

from tests.factories import OrganizationFactory
from tests.web.conftest import text

pytestmark = pytest.mark.django_db


def test_chinese_search_finds_and_facets(client, indexed_orgs):
    r = client.get("/directory/organizations/", {"q": "稀土"})
    html = text(r)
    assert r.status_code == 200
    assert "沈阳稀土永磁材料工程技术研究中心" in html and "长春稀土功能材料研究所" in html
    assert "哈尔滨风能装备有限公司" not in html
    assert "找到 2 家机构" in html
    assert 'data-testid="facets"' in html
    facets = r.context["facets"]
    assert {f["value"]: f["count"] for f in facets["province"]} == {"210000": 1, "220000": 1}
    assert {f["label"] for f in facets["province"]} == {"辽宁省", "吉林省"}


def test_search_for_zones(client, reference):
    html = text(client.get("/directory/organizations/", {"q": "高新区"}))
    assert "找到 7 家机构" in html


def test_filters_without_query(client, indexed_orgs):
    html = text(client.get("/directory/organizations/", {"province": "230000"}))
    assert "哈尔滨风能装备有限公司" in html and "长春稀土功能材料研究所" not in html
    html = text(client.get("/directory/organizations/", {"kind": "engineering_center"}))
    assert "沈阳稀土永磁材料工程技术研究中心" in html and "大连高温合金新材料有限公司" not in html
    html = text(client.get("/directory/organizations/", {"private_tech": "on"}))
    assert "大连高温合金新材料有限公司" in html and "沈阳稀土永磁材料工程技术研究中心" not in html
    html = text(client.get("/directory/organizations/", {"field": "superalloys"}))
    assert "大连高温合金新材料有限公司" in html and "哈尔滨风能装备有限公司" not in html
    html = text(client.get("/directory/organizations/", {"province": "210000", "city": "210200"}))
    assert "大连高温合金新材料有限公司" in html and "沈阳稀土永磁材料工程技术研究中心" not in html


def test_stale_city_of_another_province_is_ignored(client, indexed_orgs):
    html = text(client.get("/directory/organizations/", {"province": "230000", "city": "210200"}))
    assert "哈尔滨风能装备有限公司" in html


def test_htmx_request_gets_only_the_results(client, indexed_orgs):
    r = client.get("/directory/organizations/", {"q": "稀土"}, HTTP_HX_REQUEST="true")
    html = text(r)
    assert r.status_code == 200
    assert "<html" not in html and "nesta-masthead" not in html
    assert "沈阳稀土永磁材料工程技术研究中心" in html
    assert "HX-Request" in r.headers.get("Vary", "")
    # a history restore needs the whole page
    r = client.get(
        "/directory/organizations/", {"q": "稀土"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in text(r)


def test_form_is_wired_for_htmx(client, reference):
    html = text(client.get("/directory/organizations/"))
    assert 'hx-get="/directory/organizations/"' in html
    assert 'hx-target="#results"' in html and 'hx-push-url="true"' in html
    assert 'hx-get="/directory/cities/"' in html
    assert "/static/django_htmx/htmx-2.min.js" in html


def test_cursor_paging(client, reference):
    for i in range(25):
        OrganizationFactory(name=f"分页测试机构{i:02d}", province_code="220000", city_code="220100")
    r = client.get("/directory/organizations/", {"province": "220000", "kind": "research_institute"})
    page1 = r.context["page"]
    assert len(page1.items) == 20 and page1.next_cursor
    assert "下一页" in text(r)
    r = client.get(
        "/directory/organizations/", {"province": "220000", "kind": "research_institute", "cursor": page1.next_cursor}
    )
    page2 = r.context["page"]
    assert len(page2.items) == 5 and page2.next_cursor is None
    assert {o.pk for o in page1.items}.isdisjoint({o.pk for o in page2.items})
    assert "第一页" in text(r)


def test_people_search(client, users, org_ln):
    from nesta.directory.services import person_create

    person_create(
        actor=users["office"],
        data={
            "name": "赵永磁",
            "organization": org_ln.pk,
            "keywords": "稀土永磁 电机",
            "expert": {"expertise": "永磁同步电机"},
        },
    )
    person_create(actor=users["office"], data={"name": "钱风能", "organization": org_ln.pk, "keywords": "风能"})
    html = text(client.get("/directory/people/", {"q": "稀土永磁"}))
    assert "赵永磁" in html and "钱风能" not in html
    html = text(client.get("/directory/people/", {"experts": "on"}))
    assert "赵永磁" in html and "钱风能" not in html
    r = client.get("/directory/people/", {"q": "风能"}, HTTP_HX_REQUEST="true")
    assert "钱风能" in text(r) and "<html" not in text(r)
