"""Publishing: the signed feed holds exactly what the municipality chose to share."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from exchange.publishing import publications_refresh
from exchange.received import validator
from exchange.signing import installation_key, verify
from installation.testing import BaseTestCase
from lessons.models import Lesson
from lessons.testing import make_lesson
from projects.models import Milestone, Project
from service_inventory.models import LocalService, OzgService, Service


class FeedTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.public = Project.objects.create(title="Online-Terminvergabe")
        self.internal = Project.objects.create(title="Interne Ablage", visibility=Project.Visibility.INTERNAL)
        self.failed = make_lesson(title="Chatbot gescheitert", visibility=Lesson.Visibility.NETWORK)
        self.draft = make_lesson(title="Entwurf", state=Lesson.State.DRAFT)
        self.internal_lesson = make_lesson(title="Intern", visibility=Lesson.Visibility.INTERNAL)
        publications_refresh()

    def feed(self, **params):
        return self.client.get("/api/v1/exchange/feed", params)

    def titles(self, body) -> set[str]:
        return {item["data"]["title"] for item in body["items"] if not item["withdrawn"]}

    def test_the_feed_shares_public_projects_and_published_public_or_network_lessons(self) -> None:
        body = self.feed().json()
        self.assertEqual(self.titles(body), {"Online-Terminvergabe", "Chatbot gescheitert"})
        self.assertEqual(list(validator().iter_errors(body)), [])
        lesson = next(i for i in body["items"] if i["type"] == "lesson")
        self.assertEqual(lesson["data"]["outcome"], "failed")

    def test_every_item_is_signed_with_the_published_key(self) -> None:
        body = self.feed().json()
        key = self.client.get("/api/v1/exchange/key").json()["public_key"]
        self.assertEqual(key, body["publisher"]["public_key"])
        for item in body["items"]:
            payload = {k: item[k] for k in ("uid", "type", "changed_at", "withdrawn", "data")}
            self.assertTrue(verify(payload, item["signature"], key))
            self.assertFalse(verify({**payload, "withdrawn": True}, item["signature"], key))

    def test_changes_reach_the_feed_and_withdrawals_are_announced(self) -> None:
        cursor = self.feed().json()["cursor"]
        with self.captureOnCommitCallbacks(execute=True):
            Milestone.objects.create(project=self.public, title="Start", definition_of_done="x", due_on="2026-01-01")
        with self.captureOnCommitCallbacks(execute=True):
            self.failed.state = Lesson.State.WITHDRAWN
            self.failed.save()
        body = self.feed(since=cursor).json()
        items = {i["uid"].rsplit(":", 2)[1]: i for i in body["items"]}
        self.assertEqual(items["project"]["data"]["milestones"][0]["title"], "Start")
        self.assertTrue(items["lesson"]["withdrawn"])
        self.assertIsNone(items["lesson"]["data"])
        with self.captureOnCommitCallbacks(execute=True):
            self.public.visibility = Project.Visibility.INTERNAL
            self.public.save()
        body = self.feed(since=body["cursor"]).json()
        self.assertEqual([(i["type"], i["withdrawn"]) for i in body["items"]], [("project", True)])

    def test_a_project_names_the_services_whose_backlog_holds_it(self) -> None:
        ozg = OzgService.objects.create(ozg_id=10394, name="Wohngeld", themenfeld="Bauen & Wohnen")
        listed = Service.objects.create(key="99106001000000", leika_key="99106001000000", name="Wohngeld", ozg=ozg)
        unlisted = Service.objects.create(key="ozg-10394-zuschuss", name="Zuschuss", ozg=ozg)
        local = LocalService.objects.create(service=listed)
        other = LocalService.objects.create(service=unlisted)

        def project_data(body):
            return next(i["data"] for i in body["items"] if i["type"] == "project")

        cursor = self.feed().json()["cursor"]
        with self.captureOnCommitCallbacks(execute=True):
            local.projects.add(self.public)
            other.projects.add(self.public)
        body = self.feed(since=cursor).json()
        self.assertEqual(list(validator().iter_errors(body)), [])
        data = project_data(body)
        self.assertEqual((data["ozg_ids"], data["leika_keys"]), (["10394"], ["99106001000000"]))
        with self.captureOnCommitCallbacks(execute=True):
            self.public.local_services.remove(local)
        body = self.feed(since=body["cursor"]).json()
        self.assertEqual((project_data(body)["ozg_ids"], project_data(body)["leika_keys"]), (["10394"], []))
        with self.captureOnCommitCallbacks(execute=True):
            other.delete()
        data = project_data(self.feed(since=body["cursor"]).json())
        self.assertEqual((data["ozg_ids"], data["leika_keys"]), ([], []))

    def test_nothing_changes_when_nothing_changed(self) -> None:
        self.assertEqual(publications_refresh(), 0)

    def test_conditional_requests_get_304(self) -> None:
        first = self.feed()
        etag, modified = first["ETag"], first["Last-Modified"]
        self.assertEqual(self.client.get("/api/v1/exchange/feed", headers={"if-none-match": etag}).status_code, 304)
        self.assertEqual(
            self.client.get("/api/v1/exchange/feed", headers={"if-modified-since": modified}).status_code, 304
        )
        with self.captureOnCommitCallbacks(execute=True):
            self.public.title = "Online-Terminvergabe 2.0"
            self.public.save()
        self.assertEqual(self.client.get("/api/v1/exchange/feed", headers={"if-none-match": etag}).status_code, 200)

    def test_pages_follow_each_other_without_gaps_or_repeats(self) -> None:
        for i in range(7):
            Project.objects.create(title=f"Projekt {i}")
        publications_refresh()
        seen, url = [], "/api/v1/exchange/feed?limit=3"
        while url:
            body = self.client.get(url).json()
            seen += [i["uid"] for i in body["items"]]
            url = body["next"]
        self.assertEqual(len(seen), 9)
        self.assertEqual(len(set(seen)), 9)

    def test_bad_cursors_and_limits_do_not_break_the_feed(self) -> None:
        for params in (
            {"since": "gestern"},
            {"since": "2026-13-45"},
            {"limit": 0},
            {"limit": 100000},
            {"since": "' OR 1=1 --"},
        ):
            with self.subTest(params=params):
                self.assertEqual(self.feed(**params).status_code, 200)

    def test_queries_per_feed_page_do_not_grow_with_the_items(self) -> None:
        with CaptureQueriesContext(connection) as few:
            self.feed()
        for i in range(30):
            Project.objects.create(title=f"Projekt {i}")
        publications_refresh()
        with CaptureQueriesContext(connection) as many:
            self.feed()
        self.assertEqual(len(few), len(many))

    def test_the_schema_is_served(self) -> None:
        schema = self.client.get("/api/v1/exchange/schema").json()
        self.assertEqual(schema["properties"]["version"], {"const": 1})
        self.assertEqual(installation_key().public_key, self.client.get("/api/v1/exchange/key").json()["public_key"])
