from django.core.management.base import BaseCommand, CommandError

from nesta.demo.generator import DEFAULT_SCALE, DEFAULT_SEED, MIN_SCALE, Loader


class Command(BaseCommand):
    help = (
        "Load a deterministic demo directory (organisations, people, experts) and the demo accounts. "
        "Idempotent: records already present are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=DEFAULT_SCALE, help="organisations to generate")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)

    def handle(self, *args, scale: int, seed: int, verbosity: int = 1, **options):
        if scale < MIN_SCALE:
            raise CommandError(f"--scale must be at least {MIN_SCALE}")

        def say(line: str) -> None:
            if verbosity:
                self.stdout.write(line)
                self.stdout.flush()

        stats = Loader(scale, seed, say=say).run()
        if not stats.get("already_loaded"):
            say(
                f"  demo data: {stats.get('organizations', 0)} organisations, {stats.get('people', 0)} people "
                f"({stats.get('experts', 0)} experts, {stats.get('affiliations', 0)} affiliations) "
                f"in {stats['seconds']}s"
            )
