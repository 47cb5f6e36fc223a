from django.core.management.base import BaseCommand, CommandError, CommandParser

from installation.bench.soak import soak


class Command(BaseCommand):
    help = "Soak test: gunicorn under bounded mixed load for N minutes; 0 errors and stable memory expected."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--minutes", type=float, default=10)
        parser.add_argument("--rate", type=float, default=20, help="requests per second (bounded)")

    def handle(self, *args, minutes: float, rate: float, **options) -> None:
        report = soak(minutes=minutes, rate=rate)
        self.stdout.write(
            f"{report['requests']:,} requests in {minutes} min at ≤ {rate}/s: {report['failed']} failed, "
            f"p50 {report['p50_ms']} ms, p95 {report['p95_ms']} ms; memory {report['rss_mib_middle_third']} → "
            f"{report['rss_mib_last_third']} MiB ({report['rss_growth_percent']} %) — "
            f"{'stable' if report['stable'] else 'NOT stable'} (var/benchmarks/soak.json)"
        )
        if report["errors"]:
            self.stdout.write(f"errors: {report['errors']}")
        if not report["stable"]:
            raise CommandError("the soak test found errors or growing memory")
