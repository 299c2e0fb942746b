from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "nesta.core"
    label = "core"
    verbose_name = _("基础数据")

    def ready(self) -> None:
        from nesta.core.reference import load_search_terms

        load_search_terms()
