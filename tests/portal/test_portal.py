"""The portal: navigation and home page come from what the apps register, in their order."""

import pytest
from django.test import Client
from django.urls import reverse

from nesta.core.registry import registry
from nesta.portal.selectors import navigation

pytestmark = pytest.mark.django_db


def test_navigation_lists_the_registered_items_in_order():
    keys = [item.key for item in navigation("/")]
    assert keys == [
        "home",
        "organizations",
        "people",
        "instruments",
        "openness",
        "market",
        "programmes",
        "bases",
        "zones",
        "cooperation",
        "strategy",
    ]
    assert [i.key for i in navigation("/") if i.active] == ["home"]


def test_the_longest_matching_prefix_is_the_active_item():
    assert [i.key for i in navigation("/instruments/openness/") if i.active] == ["openness"]
    assert [i.key for i in navigation("/instruments/12/") if i.active] == ["instruments"]
    assert [i.key for i in navigation("/audit/") if i.active] == []


def test_an_item_an_app_registers_shows_on_every_page(reference, monkeypatch):
    monkeypatch.setitem(
        registry._nav, "extra", registry._nav["market"].__class__("extra", "试验栏目", "market:list", "/x/", 65)
    )
    html = Client().get("/").content.decode()
    assert ">试验栏目</a>" in html
    assert html.index(">技术市场</a>") < html.index(">试验栏目</a>") < html.index(">重点项目</a>")


def test_home_sections_come_from_the_apps_in_their_slots(reference):
    slots = {slot: [s.key for s in registry.home_sections(slot)] for slot in ("hero", "aside", "main")}
    assert slots == {
        "hero": ["directory.totals"],
        "aside": ["funding", "strategy"],
        "main": ["directory.zones", "directory.kinds", "market"],
    }
    html = Client().get("/").content.decode()
    # the page reads as before: hero totals, platforms, areas | funding + strategy, zones, directory
    order = [
        "在册机构",
        "四大科技平台",
        "重点项目领域",
        "经费保障",
        "专家东北行",
        "国家高新区“二次创业”",
        "机构名录统计",
    ]
    positions = [html.index(text) for text in order]
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    "name,path",
    [("cooperation", "/cooperation/"), ("strategy", "/strategy/")],
)
def test_areas_being_built_keep_their_urls_under_portal_names(reference, name, path):
    assert reverse(f"portal:{name}") == path
    r = Client().get(path)
    assert r.status_code == 200 and "该功能正在建设中" in r.content.decode()
