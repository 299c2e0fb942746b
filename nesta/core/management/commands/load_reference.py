from django.core.management.base import BaseCommand

from nesta.core.reference import load_core_reference
from nesta.directory.reference import load_directory_reference
from nesta.instruments.reference import load_instruments_reference
from nesta.programmes.reference import load_programmes_reference


class Command(BaseCommand):
    help = "Load the Action's reference data (regions, taxonomy, platforms, zones, programmes, plan). Idempotent."

    def handle(self, *args, **options):
        for label, step in [
            ("regions, taxonomy, platforms", load_core_reference),
            ("high-tech zones", load_directory_reference),
            ("programmes, funding plan", load_programmes_reference),
            ("instrument categories", load_instruments_reference),
        ]:
            step()
            self.stdout.write(f"  reference: {label} ✓")
