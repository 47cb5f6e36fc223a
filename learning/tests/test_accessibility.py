from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from installation.testing_browser import AxeTestCase
from learning.models import LearningUnit, Session


class LearningAccessibilityTests(AxeTestCase):
    def test_learning_pages(self) -> None:
        unit = LearningUnit.objects.get(title="Videokonferenzen souverän leiten")
        past = Session.objects.filter(unit=unit, starts_at__lt=timezone.now()).first()
        upcoming = Session.objects.filter(unit=unit, starts_at__gt=timezone.now()).first()
        team = User.objects.get(email="cdo@lindenfeld.example")
        self.audit(
            team,
            [
                reverse("learning:catalogue"),
                unit.get_absolute_url(),
                past.get_absolute_url(),
                reverse("learning:attendance", args=[past.pk]),
                reverse("learning:statistics"),
                reverse("learning:unit_edit", args=[unit.pk]),
                reverse("learning:session_create", args=[unit.pk]),
            ],
        )
        staff = User.objects.get(email="fachbereich@lindenfeld.example")
        self.audit(staff, [upcoming.get_absolute_url(), reverse("learning:feedback", args=[past.pk])])
