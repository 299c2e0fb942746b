from django.core.management.base import BaseCommand

from nesta.core.registry import registry


class Command(BaseCommand):
    help = "Rebuild the full-text search documents of every registered document type."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="queue it as a background job for the worker instead"
        )

    def handle(self, *args, **options):
        if options.get("enqueue"):
            from nesta.core.tasks import REINDEX_KIND, job_enqueue

            job = job_enqueue(actor=None, kind=REINDEX_KIND)
            self.stdout.write(f"  queued as background job {job.pk} (/jobs/{job.pk}/)")
            return
        for search_type in registry.search_types():
            label = search_type.doc_type
            n = search_type.reindex(
                progress=lambda done, label=label: self.stdout.write(f"\r  {label}: indexed {done}", ending="")
            )
            self.stdout.write(f"\n  reindexed {n} {label} records")
