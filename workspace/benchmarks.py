"""Benchmark rows for `manage.py benchmark`: the personal start page ("Mein Arbeitsbereich") of
every role at the data's scale; issue 16's target is p95 ≤ 60 ms.

The demo personas (load_demo, part of every generated data set) stand for their roles; the
citizen is also measured as the generated person with the most ideas, supports and follows, the
fullest start page a citizen has in the data.
"""

from django.db.models import Count
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from core.benchmarking import Result, measure_page

TARGET_MS = 60
PERSONAS = [
    ("administrator", "admin@lindenfeld.example"),
    ("strategy team", "cdo@lindenfeld.example"),
    ("department staff", "fachbereich@lindenfeld.example"),
    ("unit lead", "leitung@lindenfeld.example"),
    ("leadership and council", "rat@lindenfeld.example"),
    ("citizen (demo)", "buergerin@lindenfeld.example"),
]


def _busiest_citizen() -> User | None:
    return (
        User.objects.filter(role=Role.CITIZEN, is_active=True)
        .annotate(activity=Count("ideas", distinct=True) + Count("supports", distinct=True))
        .order_by("-activity", "pk")
        .first()
    )


def _client_for(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    try:  # a session of a role that needs two factors has passed them (twofactor.session)
        from twofactor.session import SESSION_KEY
    except ImportError:
        return client
    session = client.session
    session[SESSION_KEY] = "totp"
    session.save()
    return client


def benchmark_results(*, runs: int) -> list[Result]:
    people = [(label, User.objects.filter(email=email).first()) for label, email in PERSONAS]
    people.append(("citizen with the most ideas and supports", _busiest_citizen()))
    results = []
    url = reverse("workspace:home")
    for label, user in people:
        if user is None:
            continue
        result = measure_page(_client_for(user), f"personal start page, {label}", url, runs=runs, target=TARGET_MS)
        results.append(result)
    return results
