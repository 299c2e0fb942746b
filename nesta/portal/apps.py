from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The site as a whole: home page, main navigation, the areas still being built."""

    name = "nesta.portal"
    label = "portal"
    verbose_name = _("门户")

    def ready(self) -> None:
        from nesta.core.registry import registry

        # Navigation: the apps add their own items between these (orders 20–50, 80).
        registry.nav_item("home", _("首页"), "home", "", order=10)
        registry.nav_item("cooperation", _("合作平台"), "portal:cooperation", "/cooperation/", order=90)
        registry.nav_item("strategy", _("战略研究"), "portal:strategy", "/strategy/", order=100)
        # 三.1 战略研究: text of the seed, below the funding plan
        registry.home_section("strategy", "portal/_home_strategy.html", _no_context, order=90, slot="aside")


def _no_context(request) -> dict:
    return {}
