from django.core.management.base import BaseCommand

from nesta.core.registry import registry


class Command(BaseCommand):
    help = "Load the reference data every app registers (regions, taxonomy, platforms, zones, plan, …). Idempotent."

    def handle(self, *args, **options):
        for loader in registry.reference_loaders():
            loader.load()
            self.stdout.write(f"  reference: {loader.label} ✓")
