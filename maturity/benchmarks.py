"""Maturity timings for `manage.py benchmark`: an assessment's results page with its radar chart and tables.

Target from issue 7: p95 ≤ 80 ms for a results page with charts. Measured on the round with the
most submitted responses (with generated data: 150 respondents, 3,600 answers) and on the demo's
current round (compared with its predecessor, with targets).
"""

from django.db.models import Count, Q
from django.test import Client

from accounts.models import User
from core.benchmarking import Result, measure_page
from maturity.models import Round

RESULTS_TARGET_MS = 80


def benchmark_results(*, runs: int) -> list[Result]:
    team_user = User.objects.filter(email="cdo@lindenfeld.example").first()
    rounds = Round.objects.annotate(n=Count("responses", filter=Q(responses__submitted_at__isnull=False)))
    largest = rounds.order_by("-n", "-pk").first()
    current = Round.objects.order_by("-opens_on", "-pk").first()
    if team_user is None or largest is None or current is None:
        return []
    team = Client()
    team.force_login(team_user, backend="django.contrib.auth.backends.ModelBackend")
    results = [
        measure_page(
            team,
            f"maturity results, {largest.n} respondents",
            f"/maturity/rounds/{largest.pk}/results/",
            runs=runs,
            target=RESULTS_TARGET_MS,
        )
    ]
    if current.pk != largest.pk:
        results.append(
            measure_page(
                team,
                "maturity results, current round",
                f"/maturity/rounds/{current.pk}/results/",
                runs=runs,
                target=RESULTS_TARGET_MS,
            )
        )
    results.append(measure_page(team, "maturity overview", "/maturity/", runs=runs, target=None))
    results.append(measure_page(team, "learning catalogue", "/learning/", runs=runs, target=None))
    results.append(measure_page(team, "learning statistics", "/learning/statistics/", runs=runs, target=None))
    return results
