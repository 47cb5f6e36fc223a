"""Service inventory timings for `manage.py benchmark`: the list of all services filtered and paginated.

Target from issue 7: p95 ≤ 60 ms for the inventory (5,251 services) filtered and paginated.
"""

from urllib.parse import quote

from django.test import Client

from accounts.models import User
from core.benchmarking import Result, measure_page
from service_inventory.models import OzgService

LIST_TARGET_MS = 60


def benchmark_results(*, runs: int) -> list[Result]:
    team_user = User.objects.filter(email="cdo@lindenfeld.example").first()
    if team_user is None:
        return []
    team = Client()
    team.force_login(team_user, backend="django.contrib.auth.backends.ModelBackend")
    topic = OzgService.objects.order_by("themenfeld").values_list("themenfeld", flat=True).first() or ""
    situation = OzgService.objects.order_by("lebenslage").values_list("lebenslage", flat=True).last() or ""
    pages = [
        ("service inventory, first page", "/services/", LIST_TARGET_MS),
        ("service inventory, text search", "/services/?q=Ausweis", LIST_TARGET_MS),
        (
            "service inventory, topic + provided + level",
            f"/services/?themenfeld={quote(topic)}&provided=yes&level=3",
            LIST_TARGET_MS,
        ),
        (
            "service inventory, life situation, sorted by cases",
            f"/services/?lebenslage={quote(situation)}&sort=cases",
            LIST_TARGET_MS,
        ),
        ("service inventory, by level, page 20", "/services/?sort=level&page=20", LIST_TARGET_MS),
        ("service inventory, last page", "/services/?page=211", LIST_TARGET_MS),
        ("service inventory, search among provided", "/services/?q=genehmigung&provided=yes", LIST_TARGET_MS),
        ("service overview (charts)", "/services/overview/", None),
        ("online services (public)", "/services/online/", None),
    ]
    results = []
    for name, url, target in pages:
        results.append(measure_page(team, name, url, runs=runs, target=target))
    return results
