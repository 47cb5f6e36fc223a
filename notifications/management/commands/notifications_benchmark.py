"""Time one digest run: N people following M objects each, every follow with a notification waiting.

Runs against the database in DATABASE_URL inside a transaction that is rolled back at the end, so
nothing it creates stays; the mails go to Django's in-memory backend and are counted.
"""

import time
from itertools import islice

from django.contrib.auth.hashers import make_password
from django.core import mail
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import Role, User
from notifications.models import Follow, Frequency, Notification
from notifications.services import send_digests
from projects.models import Project

BATCH = 5000


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Digest run for N people following M projects each with a notification waiting (issue 16: ≤ 60 s)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=10_000)
        parser.add_argument("--follows", type=int, default=50)

    def handle(self, *args, people: int, follows: int, **options) -> None:
        try:
            with transaction.atomic(), override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                self._run(people, follows)
                raise Rollback
        except Rollback:
            self.stdout.write("Rolled back: nothing of the run stays in the database.")

    def _run(self, people: int, follows: int) -> None:
        started = time.perf_counter()
        stamp = int(time.time())
        password = make_password(None)
        projects = Project.objects.bulk_create(
            Project(title=f"Benchmark-Projekt {n}", visibility=Project.Visibility.PUBLIC) for n in range(follows)
        )
        users = User.objects.bulk_create(
            (
                User(
                    email=f"digest-{stamp}-{n}@example.org",
                    full_name=f"Person {n}",
                    password=password,
                    role=Role.CITIZEN,
                )
                for n in range(people)
            ),
            batch_size=BATCH,
        )
        now = timezone.now()
        _bulk(Follow, (Follow(user=u, project=p) for u in users for p in projects))
        _bulk(
            Notification,
            (
                Notification(
                    recipient=u,
                    kind=Notification.Kind.MILESTONE_DONE,
                    title=p.title,
                    detail="Etappenziel erreicht",
                    path=p.get_absolute_url(),
                    created_at=now,
                )
                for u in users
                for p in projects
            ),
        )
        self.stdout.write(
            f"{people:,} people, {people * follows:,} follows and notifications in {time.perf_counter() - started:.1f} s"
        )
        mail.outbox = []
        started = time.perf_counter()
        run = send_digests(Frequency.WEEKLY)
        elapsed = time.perf_counter() - started
        recipients = [m.to[0] for m in mail.outbox]
        self.stdout.write(
            f"digest run: {elapsed:.1f} s for {run.mails:,} mails with {run.notifications:,} notifications "
            f"({len(recipients):,} mails, {len(set(recipients)):,} distinct recipients; target ≤ 60 s, one mail each)"
        )
        waiting = Notification.objects.filter(recipient__in=users, sent_at__isnull=True).count()
        started = time.perf_counter()
        again = send_digests(Frequency.WEEKLY)
        self.stdout.write(
            f"second run: {again.mails} mails in {time.perf_counter() - started:.1f} s; {waiting} left unsent after the first"
        )


def _bulk(model, rows) -> None:
    rows = iter(rows)
    while chunk := list(islice(rows, BATCH)):
        model.objects.bulk_create(chunk)
