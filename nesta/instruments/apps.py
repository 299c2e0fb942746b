from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstrumentsConfig(AppConfig):
    name = "nesta.instruments"
    label = "instruments"
    verbose_name = _("大型科学仪器协作共用")

    def ready(self) -> None:
        from nesta.core.search import engine
        from nesta.instruments.services.registry import reindex_owner_instruments

        engine.register_dependent("organization", reindex_owner_instruments)
