"""What every page's layout needs: the platform's name, the main navigation with the active
item marked, and the signed-in user's roles (read lazily, once, only when the layout shows them)."""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    prefix: str  # a path prefix that marks the item active ("" = exact match on url)


NAVIGATION = [
    NavItem("home", _("首页"), "home", ""),
    NavItem("organizations", _("机构名录"), "directory:organization_list", "/directory/organizations/"),
    NavItem("people", _("专家与人员"), "directory:person_list", "/directory/people/"),
    NavItem("instruments", _("仪器共享"), "instruments:list", "/instruments/"),
    NavItem("openness", _("开放共享评价"), "instruments:openness_ranking", "/instruments/openness/"),
    NavItem("market", _("技术市场"), "core:market", "/market/"),
    NavItem("projects", _("重点项目"), "core:projects", "/projects/"),
    NavItem("zones", _("高新区"), "directory:zone_list", "/directory/zones/"),
    NavItem("cooperation", _("合作平台"), "core:cooperation", "/cooperation/"),
    NavItem("strategy", _("战略研究"), "core:strategy", "/strategy/"),
]


def navigation(path: str) -> list[dict]:
    items = []
    for item in NAVIGATION:
        url = reverse(item.url_name)
        active = path.startswith(item.prefix) if item.prefix else path == url
        items.append({"key": item.key, "label": item.label, "url": url, "active": active, "prefix": item.prefix})
    # One item is active: where prefixes nest (/instruments/openness/ in /instruments/), the longest.
    active_items = [i for i in items if i["active"]]
    if len(active_items) > 1:
        longest = max(active_items, key=lambda i: len(i["prefix"]))
        for i in active_items:
            i["active"] = i is longest
    return items


def role_labels(user) -> list[str]:
    """'省科技厅（辽宁省）', '机构管理员（某研究院）', … for the header."""
    if not getattr(user, "is_authenticated", False):
        return []
    from nesta.core.templatetags.nesta import loc

    labels = []
    for ra in user.role_assignments.select_related("province", "organization").order_by("id"):
        scope = ra.province or ra.organization
        label = str(ra.get_role_display())
        labels.append(f"{label}（{loc(scope)}）" if scope else label)
    if user.is_superuser and not labels:
        labels.append(str(_("系统管理员")))
    return labels


def platform(request):
    user = getattr(request, "user", None)
    return {
        "PLATFORM_NAME": _("东北振兴科技行动平台"),
        "PLATFORM_NAME_SETTING": getattr(settings, "PLATFORM_NAME", ""),
        "nav_items": SimpleLazyObject(lambda: navigation(request.path)),
        "user_roles": SimpleLazyObject(lambda: role_labels(user)),
    }
