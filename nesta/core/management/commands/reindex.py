from django.core.management.base import BaseCommand

from nesta.directory.services import directory_reindex
from nesta.instruments.services.registry import instruments_reindex


class Command(BaseCommand):
    help = "Rebuild the full-text search documents of the directory and the instrument registry."

    def handle(self, *args, **options):
        n = directory_reindex(progress=lambda done: self.stdout.write(f"\r  indexed {done}", ending=""))
        self.stdout.write(f"\n  reindexed {n} records")
        n = instruments_reindex(progress=lambda done: self.stdout.write(f"\r  indexed {done} instruments", ending=""))
        self.stdout.write(f"\n  reindexed {n} instruments")
