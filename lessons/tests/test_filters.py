"""The lesson list's filters live in `LessonQuerySet.filter_by`: the page and the API give the same rows."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken
from installation.testing import BaseTestCase
from lessons.models import Lesson, Tag
from lessons.testing import make_lesson


class LessonFilterTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        now = timezone.now()
        self.tag = Tag.objects.create(name="Chatbot")
        failed = make_lesson(title="Chatbot", published_at=now - timedelta(days=3))
        failed.tags.add(self.tag)
        make_lesson(
            title="Online-Termine",
            outcome=Lesson.Outcome.SUCCESS,
            scope=Lesson.Scope.PROJECT,
            published_at=now - timedelta(days=2),
        )
        make_lesson(title="Intern", visibility=Lesson.Visibility.INTERNAL, published_at=now - timedelta(days=1))
        make_lesson(title="Im Entwurf", state=Lesson.State.DRAFT, authors=[self.staff], outcome=Lesson.Outcome.SUCCESS)
        _, key = ApiToken.issue(user=self.staff, name="t")
        self.auth = {"Authorization": f"Bearer {key}"}

    def test_the_page_and_the_api_give_the_same_rows_for_the_same_filters(self) -> None:
        for user, headers in ((None, {}), (self.staff, self.auth)):
            self.login(user)
            for filters in (
                {},
                {"outcome": "failed"},
                {"outcome": "success"},
                {"scope": "project"},
                {"tag": self.tag.slug},
                *([{"state": "draft"}, {"state": "published", "outcome": "success"}] if user else []),
            ):
                with self.subTest(user=user, filters=filters):
                    page = self.client.get(reverse("lessons:list"), filters).context["page"]
                    items = self.client.get("/api/v1/lessons", filters, headers=headers).json()["items"]
                    self.assertEqual([lesson.pk for lesson in page], [item["id"] for item in items])

    def test_the_queryset_searches_title_and_context(self) -> None:
        lessons = Lesson.objects.public().sorted_by("oldest")
        self.assertEqual(
            [lesson.title for lesson in lessons.filter_by(q="CHATBOT sollte")], ["Chatbot", "Online-Termine"]
        )
        self.assertEqual([lesson.title for lesson in lessons.filter_by(q="termine")], ["Online-Termine"])
        self.assertEqual([lesson.title for lesson in lessons.filter_by(tag=self.tag)], ["Chatbot"])
        self.assertEqual([lesson.title for lesson in lessons.filter_by(tag="chatbot")], ["Chatbot"])
        self.assertEqual([lesson.title for lesson in lessons.filter_by(tag="")], ["Chatbot", "Online-Termine"])
