from django.core.management.base import BaseCommand

from nesta.core.registry import registry


class Command(BaseCommand):
    help = "Rebuild the full-text search documents of every registered document type."

    def handle(self, *args, **options):
        for search_type in registry.search_types():
            label = search_type.doc_type
            n = search_type.reindex(
                progress=lambda done, label=label: self.stdout.write(f"\r  {label}: indexed {done}", ending="")
            )
            self.stdout.write(f"\n  reindexed {n} {label} records")
