from django.urls import reverse

from accounts.models import User
from installation.testing_browser import AxeTestCase
from lessons.models import Lesson


class LessonAccessibilityTests(AxeTestCase):
    def test_lesson_pages(self) -> None:
        failed = Lesson.objects.get(outcome=Lesson.Outcome.FAILED)
        self.audit(
            None, [reverse("lessons:list"), failed.get_absolute_url(), reverse("lessons:list") + "?outcome=failed"]
        )
        team = User.objects.get(email="cdo@lindenfeld.example")
        in_review = Lesson.objects.get(state=Lesson.State.IN_REVIEW)
        self.audit(
            team,
            [
                reverse("lessons:create"),
                in_review.get_absolute_url(),
                reverse("lessons:review", args=[in_review.pk]),
                reverse("lessons:withdraw", args=[failed.pk]),
                reverse("lessons:edit", args=[failed.pk]),
            ],
        )
