from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "nesta.core"
    label = "core"
    verbose_name = _("基础数据")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from nesta.core.permissions import Role, Scope
        from nesta.core.reference import load_core_reference, load_search_terms
        from nesta.core.registry import registry
        from nesta.core.tasks import jobs_prune

        # Core's own rows; every other action is declared by the app that owns it.
        registry.permissions("core", {"audit.view": {Role.OFFICE: Scope.ALL}}, public={"region.view", "taxonomy.view"})
        registry.reference_loader("regions, taxonomy, platforms", load_core_reference, order=10)
        registry.periodic_job("core.jobs_prune", jobs_prune, every_seconds=24 * 3600)

        load_search_terms()
        post_migrate.connect(_repair_search_triggers, sender=self)


def _repair_search_triggers(sender, using="default", **kwargs) -> None:
    from django.db import connections

    from nesta.core.search.engine import ensure_sqlite_triggers

    ensure_sqlite_triggers(connections[using])
