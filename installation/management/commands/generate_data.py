import time

from django.core.management.base import BaseCommand, CommandParser

from installation.generator import SCALES, generate


class Command(BaseCommand):
    help = "Add deterministic test data (the demo town plus ideas, people, supports, comments) at a given scale."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="town")
        parser.add_argument("--seed", type=int, default=20240314)

    def handle(self, *args, scale: str, seed: int, **options) -> None:
        started = time.perf_counter()
        counts = generate(scale_name=scale, seed=seed)
        summary = ", ".join(f"{value:,} {name}" for name, value in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Generated {summary} in {time.perf_counter() - started:.1f} s."))
