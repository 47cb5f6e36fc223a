"""Server-side timings of key pages and endpoints, and the targets the issues name.

Pages are requested in-process through Django's test client against the configured database,
so the numbers are server time (URL routing, views, queries, templates) without network.
"""

import statistics
from dataclasses import asdict

from django.db.models import Max
from django.test import Client

from accounts.models import User
from core.benchmarking import Result, measure_page, percentile, time_calls
from ideas.models import Idea
from ideas.similarity import similar_ideas
from projects.models import Milestone, Project
from strategy.models import FieldOfAction
from twofactor import session as second_factor


def page_results(*, runs: int) -> list[Result]:
    anonymous = Client()
    team = Client()
    team_user = User.objects.filter(email="cdo@lindenfeld.example").first()
    if team_user is not None:
        team.force_login(team_user, backend="django.contrib.auth.backends.ModelBackend")
        session = team.session  # as if the strategy team's second factor had been confirmed
        session[second_factor.SESSION_KEY] = "totp"
        session.save()
    top = Idea.objects.public().order_by("-support_count").first()
    project = Project.objects.public().order_by("-milestones_total", "pk").first()
    field = FieldOfAction.objects.order_by("pk").first()
    pages = [
        ("start page (strategy)", "/", None, anonymous),
        ("field of action", field.get_absolute_url() if field else "/", None, anonymous),
        ("idea list", "/ideas/", 60, anonymous),
        ("idea list, most supported", "/ideas/?sort=supported", 60, anonymous),
        ("idea list, search + filter", "/ideas/?q=Parkausweis&status=in_pool", 60, anonymous),
        ("idea list, last page", f"/ideas/?page={max(1, Idea.objects.public().count() // 20)}", 60, anonymous),
        ("idea page (most supported)", top.get_absolute_url() if top else "/ideas/", 80, anonymous),
        ("idea list (strategy team)", "/ideas/", 60, team),
        ("moderation queue", "/ideas/moderation/", None, team),
        ("audit trail", "/audit/", None, team),
        ("project list", "/projects/", None, anonymous),
        ("roadmap (all projects and milestones)", "/projects/roadmap/", 150, anonymous),
        ("roadmap (strategy team, incl. internal)", "/projects/roadmap/", 150, team),
        ("since the strategy was adopted", "/projects/since-adoption/", None, anonymous),
        ("project page", project.get_absolute_url() if project else "/projects/", None, anonymous),
        ("API projects", "/api/v1/projects?limit=50", None, anonymous),
        ("API strategy", "/api/v1/strategy", None, anonymous),
        ("API ideas", "/api/v1/ideas?limit=50", None, anonymous),
        (
            "API similar ideas",
            "/api/v1/ideas/similar?text=Parkausweis%20f%C3%BCr%20Anwohner%20online&limit=5",
            150,
            anonymous,
        ),
    ]
    return [measure_page(client, name, url, runs=runs, target=target) for name, url, target, client in pages]


SIMILAR_QUERIES = [
    "Anwohnerparken im Internet beantragen",
    "Sperrmüll per App anmelden",
    "Kita-Platz online vergeben",
    "Arbeitszeit digital erfassen",
    "WLAN in der Bibliothek",
    "Busfahrplan als offene Daten",
    "Bänke im Kurpark für ältere Menschen",
    "Ratsunterlagen ohne Papier",
]


def similarity_result(*, runs: int) -> Result:
    embedded = Idea.objects.filter(embedding__isnull=False).count()
    texts = iter(SIMILAR_QUERIES * (runs // len(SIMILAR_QUERIES) + 4))
    timings = time_calls(lambda: similar_ideas(next(texts), limit=5), runs)
    note = f"{embedded:,} of {Idea.objects.count():,} ideas embedded" + ("" if embedded else "; lexical only")
    return Result(
        "similar ideas (service, incl. embedding the text)",
        round(statistics.median(timings), 1),
        round(percentile(timings, 0.95), 1),
        None,
        150,
        runs,
        note,
    )


def data_summary() -> dict:
    from ideas.models import Comment, Support

    return {
        "ideas": Idea.objects.count(),
        "supports": Support.objects.count(),
        "comments": Comment.objects.count(),
        "users": User.objects.count(),
        "projects": Project.objects.count(),
        "milestones": Milestone.objects.count(),
        "latest_idea": str(Idea.objects.aggregate(latest=Max("submitted_at"))["latest"]),
    }


def as_dict(result: Result) -> dict:
    return {**asdict(result), "missed": result.missed}
