"""Every page renders, with the Action's content in Chinese, for anonymous visitors."""

import pytest

from tests.factories import OrganizationFactory, PersonFactory
from tests.web.conftest import text

pytestmark = pytest.mark.django_db


def test_home_presents_the_action(client, reference, zone_members):
    r = client.get("/")
    assert r.status_code == 200
    html = text(r)
    # goal, the four platforms, priority areas, strategy research, funding, zones
    assert "新型工业化基地" in html
    for name in ("科技创新平台", "科技转化平台", "科技条件平台", "科技合作平台"):
        assert name in html
    for area in ("高新技术产业", "高新技术改造传统产业", "现代农业", "现代服务业", "新材料", "中药现代化"):
        assert area in html
    assert "专家东北行" in html and "5–10" in html and "1–2" in html
    assert "4亿元" in html and "5亿元" in html and "25亿元" in html
    for zone in (
        "沈阳高新技术产业开发区",
        "大连高新技术产业园区",
        "鞍山高新技术产业开发区",
        "长春高新技术产业开发区",
        "吉林高新技术产业开发区",
        "哈尔滨高新技术产业开发区",
        "大庆高新技术产业开发区",
    ):
        assert zone in html
    # nav
    for item in (
        "首页",
        "机构名录",
        "专家与人员",
        "仪器共享",
        "技术市场",
        "重点项目",
        "高新区",
        "合作平台",
        "战略研究",
    ):
        assert f">{item}</a>" in html


def test_home_counts_come_from_the_database(client, reference, zone_members):
    from nesta.directory.models import ExpertProfile

    person = PersonFactory(organization=zone_members[0])
    ExpertProfile.objects.create(person=person)
    r = client.get("/")
    html = text(r)
    assert r.context["org_total"] == 9  # 7 zones + 2 members
    assert r.context["expert_total"] == 1
    counts = {row["kind"]: row["count"] for row in r.context["org_counts"]}
    assert counts == {"high_tech_zone": 7, "enterprise": 1, "research_institute": 1}
    assert 'data-testid="org-total">9<' in html
    assert 'data-testid="expert-total">1<' in html
    zone = next(z for z in r.context["zones"] if z.reference_key == "zone-shenyang")
    assert zone.member_count == 2


@pytest.mark.parametrize("path", ["/cooperation/", "/strategy/"])
def test_areas_being_built_say_so(client, reference, path):
    r = client.get(path)
    assert r.status_code == 200
    assert "该功能正在建设中" in text(r)


def test_zone_list_and_zone_page_show_members(client, zone_sy, zone_members):
    r = client.get("/directory/zones/")
    assert r.status_code == 200
    assert text(r).count('data-testid="zone-row"') == 7
    r = client.get(f"/directory/organizations/{zone_sy.pk}/")
    html = text(r)
    assert r.status_code == 200
    assert "沈阳高新技术产业开发区" in html and "区内机构" in html
    assert "沈阳新松机器人自动化股份有限公司" in html and "中国科学院沈阳自动化研究所" in html


def test_member_page_links_to_its_zone(client, zone_sy, zone_members):
    r = client.get(f"/directory/organizations/{zone_members[0].pk}/")
    assert f'href="/directory/organizations/{zone_sy.pk}/" data-testid="zone-link"' in text(r)


def test_anonymous_can_browse_directory(client, reference, org_ln):
    r = client.get("/directory/organizations/")
    assert r.status_code == 200
    html = text(r)
    assert "机构名录" in html and org_ln.name in html
    assert "新建机构" not in html
    r = client.get(f"/directory/organizations/{org_ln.pk}/")
    assert r.status_code == 200
    assert 'data-testid="edit-org"' not in text(r)
    assert "修改记录" not in text(r)


def test_org_detail_shows_all_fields(client, reference, zone_sy):
    from nesta.core.models import TaxonomyNode

    org = OrganizationFactory(
        name="鞍钢集团钢铁研究院",
        short_name="鞍钢研究院",
        name_en="Ansteel Iron & Steel Research Institute",
        kind="enterprise",
        is_private_tech_enterprise=True,
        address="鞍山市铁东区",
        postal_code="114000",
        website="http://www.ansteel.example.cn",
        contact_name="赵工",
        contact_phone="0412-1234567",
        contact_email="office@ansteel.example.cn",
        description="精品钢材研发。",
        established_year=1985,
        zone=zone_sy,
        uscc=None,
    )
    org.fields.set(TaxonomyNode.objects.filter(code__in=["fine-steel", "superalloys"]))
    html = text(client.get(f"/directory/organizations/{org.pk}/"))
    for value in (
        "鞍钢集团钢铁研究院",
        "鞍钢研究院",
        "Ansteel Iron &amp; Steel Research Institute",
        "企业",
        "民营科技企业",
        "鞍山市铁东区",
        "114000",
        "http://www.ansteel.example.cn",
        "赵工",
        "0412-1234567",
        "office@ansteel.example.cn",
        "精品钢材研发。",
        "1985年",
        "精品钢材",
        "高温合金",
        "沈阳高新技术产业开发区",
    ):
        assert value in html, value


def test_people_pages(client, reference, org_ln):
    from nesta.directory.models import ExpertProfile

    person = PersonFactory(
        name="刘长春", organization=org_ln, phone="13800000000", email="liu@example.cn", keywords="稀土永磁, 电机"
    )
    ExpertProfile.objects.create(person=person, expertise="永磁电机设计", degree="博士")
    r = client.get("/directory/people/")
    assert r.status_code == 200 and "刘长春" in text(r)
    r = client.get("/directory/people/?experts=on")
    assert "刘长春" in text(r)
    r = client.get(f"/directory/people/{person.pk}/")
    html = text(r)
    assert r.status_code == 200
    assert "永磁电机设计" in html and "博士" in html and "电机" in html
    assert "13800000000" not in html and "liu@example.cn" not in html
    assert "联系方式属于个人信息" in html


def test_404_page_is_chinese(client, reference):
    r = client.get("/directory/organizations/999999/")
    assert r.status_code == 404
    assert "页面不存在" in text(r)
    r = client.get("/no/such/page/")
    assert r.status_code == 404 and "返回首页" in text(r)


def test_500_template_is_chinese_and_self_contained(rf):
    from django.views.defaults import server_error

    r = server_error(rf.get("/"))
    assert r.status_code == 500
    html = text(r)
    assert "服务器内部错误" in html and "/static/css/nesta.css" in html


def test_bad_cursor_is_a_400_page(client, reference):
    r = client.get("/directory/organizations/?cursor=not-a-cursor!!")
    assert r.status_code == 400
    assert "分页游标无效" in text(r)


def test_city_options_follow_the_province(client, reference):
    html = text(client.get("/directory/cities/?province=220000&blank=all"))
    assert "长春市" in html and "通化市" in html and "沈阳市" not in html
    assert "全部城市" in html
    html = text(client.get("/directory/cities/"))
    assert "<optgroup" in html and "沈阳市" in html and "哈尔滨市" in html


def test_organization_picker_options(client, indexed_orgs):
    html = text(client.get("/directory/organizations/options/", {"org_q": "稀土"}))
    assert "沈阳稀土永磁材料工程技术研究中心" in html and "长春稀土功能材料研究所" in html
    assert "哈尔滨风能装备有限公司" not in html
