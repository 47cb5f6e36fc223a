"""Real installations on loopback ports, each with its own database, publishing to each other.

Three installations (Lindenfeld with the demo data, a second town, and a third with 120 projects)
run as separate `manage.py runserver` processes with separate SQLite files; this test's
installation follows them, and the first two follow each other with the `exchange_add_peer`
command. Changes made in a publisher's own database reach the subscribers at their next sync;
unchanged feeds answer 304. The third one's feed arrives whole in 1, 2, 3, 30 pages and in the
publisher's default pages of 100 (issue 14, finding 3), also with a hostile peer in the same run.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.test import TransactionTestCase, override_settings
from django.utils import translation

from exchange.models import Peer, ReceivedItem
from exchange.samples import FakeInstallation, project_data
from exchange.services import peer_add
from exchange.sync import sync_peers
from exchange.testing import Responder, serve

ROOT = Path(settings.BASE_DIR)
SECOND_TOWN = """
from auditlog.context import disable_auditlog
from lessons.models import Lesson
from projects.models import Project, Milestone
from django.utils import timezone
p = Project.objects.create(title="Digitale Bauakte in Grünhain", summary="Bauanträge online und ohne Papier.")
Milestone.objects.create(project=p, title="Scanner beschafft", definition_of_done="x", due_on="2025-01-01", done_on="2025-01-03")
Lesson.objects.create(title="Scannen ist nicht Digitalisieren", scope="project", project=p, context="Bauakten.",
    outcome="partial", visibility="network", state="published", published_at=timezone.now())
"""

THIRD_TOWN = """
from projects.models import Project
for number in range(120):
    Project.objects.create(title=f"Vorhaben {number:03d} in Seestadt", summary="Ein Vorhaben.")
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Installation:
    def __init__(self, directory: Path, name: str, template: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database = directory / f"{name}.sqlite3"
        shutil.copy(template, self.database)
        self.env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{self.database}",
            "ETAPPE_BASE_URL": self.url,
            "ETAPPE_ENV": "development",
            "ETAPPE_TASKS": "immediate",
            "ETAPPE_EMBEDDINGS": "off",
        }
        self.server: subprocess.Popen | None = None

    def manage(self, *args: str) -> str:
        result = subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, str(ROOT / "manage.py"), *args], env=self.env, capture_output=True, text=True, timeout=300
        )
        if result.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def start(self) -> None:
        self.server = subprocess.Popen(  # noqa: S603 - our own manage.py
            [
                sys.executable,
                str(ROOT / "manage.py"),
                "runserver",
                f"127.0.0.1:{self.port}",
                "--noreload",
                "--nothreading",
            ],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=1)  # noqa: S310 - loopback
                return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"the installation on {self.url} did not start")

    def stop(self) -> None:
        if self.server:
            self.server.terminate()
            self.server.wait(timeout=10)


@pytest.mark.once  # the installations run on SQLite files in either pass (conftest.py)
class InstallationsTests(TransactionTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.directory = Path(tempfile.mkdtemp(prefix="etappe-exchange-"))
        template = cls.directory / "template.sqlite3"
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{template}", "ETAPPE_ENV": "development"}
        subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], env=env, check=True, timeout=600)  # noqa: S603
        cls.lindenfeld = Installation(cls.directory, "lindenfeld", template)
        cls.gruenhain = Installation(cls.directory, "gruenhain", template)
        cls.seestadt = Installation(cls.directory, "seestadt", template)
        cls.lindenfeld.manage("load_demo")
        cls.lindenfeld.manage("set_municipality", "05766008")
        cls.gruenhain.manage("set_municipality", "14521250")
        cls.gruenhain.manage("shell", "-c", SECOND_TOWN)
        cls.seestadt.manage("set_municipality", "01001000")
        cls.seestadt.manage("shell", "-c", THIRD_TOWN)
        for installation in (cls.lindenfeld, cls.gruenhain, cls.seestadt):
            installation.manage("exchange_publish")
            installation.start()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.lindenfeld.stop()
        cls.gruenhain.stop()
        cls.seestadt.stop()
        shutil.rmtree(cls.directory, ignore_errors=True)
        super().tearDownClass()

    def test_installations_publish_sync_withdraw_and_follow_each_other(self) -> None:
        for installation in (self.lindenfeld, self.gruenhain):
            peer_add(url=installation.url, by=None)
        outcomes = sync_peers()
        self.assertTrue(all(o.ok for o in outcomes), [o.error for o in outcomes])
        by_town = {p.name: p for p in Peer.objects.all()}
        self.assertEqual(set(by_town), {"Bad Salzuflen, Stadt", "Großrückerswalde"})
        failed = ReceivedItem.objects.get(title="Warum unser Chatbot gescheitert ist")
        self.assertEqual((failed.outcome, failed.state), ("failed", "Nordrhein-Westfalen"))
        self.assertTrue(
            ReceivedItem.objects.filter(
                title="Scannen ist nicht Digitalisieren", peer__name="Großrückerswalde"
            ).exists()
        )
        self.assertFalse(
            ReceivedItem.objects.filter(title__startswith="Zeiterfassung: erste").exists()
        )  # in review there

        # Unchanged feeds answer 304; a change in Lindenfeld's own database arrives at the next sync.
        self.lindenfeld.manage(
            "shell",
            "-c",
            "from lessons.models import Lesson; l = Lesson.objects.get(outcome='failed'); l.state = 'withdrawn'; l.save()",
        )
        outcomes = {o.peer_id: o for o in sync_peers()}
        self.assertTrue(outcomes[by_town["Großrückerswalde"].pk].not_modified)
        self.assertEqual(outcomes[by_town["Bad Salzuflen, Stadt"].pk].withdrawn, 1)
        self.assertFalse(ReceivedItem.objects.current().filter(pk=failed.pk).exists())

        # The two installations follow each other with the management command.
        output = self.gruenhain.manage("exchange_add_peer", self.lindenfeld.url)
        self.assertIn("items received", output)
        output = self.lindenfeld.manage("exchange_add_peer", self.gruenhain.url)
        self.assertIn("2 items received", output)
        output = self.lindenfeld.manage("exchange_sync")
        self.assertIn("1 unchanged", output)

    def test_a_feed_of_many_pages_arrives_whole_beside_a_hostile_peer(self) -> None:
        hostile = Responder()
        server, hostile_url = serve(hostile)
        self.addCleanup(server.shutdown)
        town = FakeInstallation()
        hostile.json(town.page([town.item("project", 1, project_data(), changed_at="not-a-date")]))
        self.enterContext(translation.override("en"))
        # pages of 120 items each (one page), 60, 40, 4, and the publisher's default of 100 (two pages)
        for size, pages in ((120, 1), (60, 2), (40, 3), (4, 30), (None, 2)):
            with self.subTest(size=size, pages=pages):
                Peer.objects.all().delete()
                peer = peer_add(url=self.seestadt.url, by=None)
                bad = peer_add(url=hostile_url, by=None)
                limits = {**settings.ETAPPE_EXCHANGE, "PAGE_SIZE": size or 100}
                with override_settings(ETAPPE_EXCHANGE=limits):
                    outcomes = {o.peer_id: o for o in sync_peers(embed=False)}
                outcome = outcomes[peer.pk]
                self.assertTrue(outcome.ok, outcome.error)
                self.assertEqual((outcome.pages, outcome.stored), (pages, 120))
                self.assertEqual(ReceivedItem.objects.filter(peer=peer).count(), 120)
                self.assertEqual(len(set(ReceivedItem.objects.filter(peer=peer).values_list("title", flat=True))), 120)
                bad.refresh_from_db()
                self.assertFalse(outcomes[bad.pk].ok)
                self.assertEqual(bad.failures, 1)
                self.assertIn("changed_at", bad.last_error)
                again = sync_peers([Peer.objects.get(pk=peer.pk)], embed=False)[0]
                self.assertTrue(again.not_modified, again.error)
