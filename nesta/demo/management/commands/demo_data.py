from django.core.management.base import BaseCommand, CommandError

from nesta.core.registry import registry
from nesta.demo.generator import DEFAULT_SCALE, DEFAULT_SEED, MIN_SCALE


class Command(BaseCommand):
    help = (
        "Load the deterministic demo data every app registers (organisations, people, experts, demo "
        "accounts, instruments, …), each provider after the ones it needs. Idempotent."
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

        for provider in registry.demo_providers():
            provider.load(scale, seed, say)
