from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "nesta.programmes"
    label = "programmes"
    verbose_name = _("计划与经费")

    def ready(self) -> None:
        from nesta.core.registry import registry
        from nesta.programmes.reference import load_programmes_reference
        from nesta.programmes.selectors import home_funding

        registry.reference_loader("programmes, funding plan", load_programmes_reference, order=30)
        # 四.2 经费保障, beside the priority areas
        registry.home_section("funding", "programmes/_home_funding.html", home_funding, order=10, slot="aside")
