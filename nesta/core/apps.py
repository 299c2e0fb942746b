from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "nesta.core"
    label = "core"
    verbose_name = _("基础数据")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from nesta.core.reference import load_search_terms

        load_search_terms()
        post_migrate.connect(_repair_search_triggers, sender=self)


def _repair_search_triggers(sender, using="default", **kwargs) -> None:
    from django.db import connections

    from nesta.core.search.engine import ensure_sqlite_triggers

    ensure_sqlite_triggers(connections[using])
