"""Real installations on loopback ports, each with its own database, publishing to each other.

Two installations (Lindenfeld with the demo data, and a second town) run as separate
`manage.py runserver` processes with separate SQLite files; this test's installation follows
both, and the two follow each other with the `exchange_add_peer` command. Changes made in a
publisher's own database reach the subscribers at their next sync; unchanged feeds answer 304.
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

from django.conf import settings
from django.test import TransactionTestCase

from exchange.models import Peer, ReceivedItem
from exchange.services import peer_add
from exchange.sync import sync_peers

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
        cls.lindenfeld.manage("load_demo")
        cls.lindenfeld.manage("set_municipality", "05766008")
        cls.gruenhain.manage("set_municipality", "14521250")
        cls.gruenhain.manage("shell", "-c", SECOND_TOWN)
        for installation in (cls.lindenfeld, cls.gruenhain):
            installation.manage("exchange_publish")
            installation.start()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.lindenfeld.stop()
        cls.gruenhain.stop()
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
