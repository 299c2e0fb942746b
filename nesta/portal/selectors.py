"""Reads of the home page and the navigation (everything the apps contribute comes from the registry)."""

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nesta.core.registry import HomeSection, registry
from nesta.core.selectors import platforms, taxonomy_tree

# What each platform of 三.1 offers, and where on the platform it lives.
PLATFORM_DETAILS: dict[str, dict[str, Any]] = {
    "innovation": {
        "summary": _("调整和完善国家工程中心、重点实验室布局，突出优势产业与领域，重点支持一批，选择晋升一批。"),
        "url_name": "directory:organization_list",
        "query": "?kind=key_laboratory",
        "link": _("查看重点实验室"),
    },
    "transformation": {
        "summary": _(
            "重点支持生产力促进中心、创业中心、技术市场和大学科技园；建设863高技术产业促进中心，"
            "开展技术转移试点，构建区域性产权交易联盟，引导风险投资，加强人才培训。"
        ),
        "url_name": "market:list",
        "query": "",
        "link": _("技术市场"),
    },
    "conditions": {
        "summary": _(
            "以共享机制为核心，建设大型科学仪器协作共用、分析测试、自然科技资源共享、"
            "信息资源共享网络和科技系统信息网络体系。"
        ),
        "url_name": "instruments:list",
        "query": "",
        "link": _("仪器共享"),
    },
    "cooperation": {
        "summary": _(
            "开展与东南沿海地区的“东东”合作，形成交流合作的接洽机制；以对俄合作与东北亚国际合作为重点，"
            "建设国际合作示范基地。"
        ),
        "url_name": "portal:cooperation",
        "query": "",
        "link": _("合作平台"),
    },
}

HOME_SLOTS = ("hero", "aside", "main")


def platform_cards() -> list[dict[str, Any]]:
    cards = []
    for p in platforms():
        detail = PLATFORM_DETAILS.get(p.code, {})
        cards.append(
            {
                "platform": p,
                "summary": detail.get("summary") or p.summary,
                "url_name": detail.get("url_name"),
                "query": detail.get("query", ""),
                "link": detail.get("link"),
            }
        )
    return cards


def home_context(request: Any) -> dict[str, Any]:
    """The portal's own parts, then every registered section (by slot) and the context each adds."""
    context: dict[str, Any] = {"platform_cards": platform_cards(), "taxonomy": taxonomy_tree()}
    for slot in HOME_SLOTS:
        sections: list[HomeSection] = registry.home_sections(slot)
        for section in sections:
            context.update(section.context(request))
        context[f"{slot}_sections"] = sections
    return context


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: Any
    url: str
    prefix: str
    active: bool


def navigation(path: str) -> list[NavEntry]:
    """The registered navigation items, the one that holds `path` marked active."""
    items = []
    for item in registry.nav_items():
        url = reverse(item.url_name)
        active = path.startswith(item.prefix) if item.prefix else path == url
        items.append({"key": item.key, "label": item.label, "url": url, "active": active, "prefix": item.prefix})
    # One item is active: where prefixes nest (/instruments/openness/ in /instruments/), the longest.
    active_items = [i for i in items if i["active"]]
    if len(active_items) > 1:
        longest = max(active_items, key=lambda i: len(i["prefix"]))
        for i in active_items:
            i["active"] = i is longest
    return [NavEntry(**i) for i in items]
