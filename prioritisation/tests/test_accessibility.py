"""axe (WCAG 2.1 AA) on the pages added after core's accessibility suite listed this app: closing a
round, and the ranking with its matrix in a what-if."""

from django.urls import reverse

from accounts.models import User
from installation.testing_browser import AxeTestCase


class PrioritisationAccessibilityTests(AxeTestCase):
    def test_closing_a_round_and_the_ranking_with_the_matrix(self) -> None:
        from prioritisation.models import Criterion, PriorityRound
        from prioritisation.services import pool_ideas, round_add_candidates, round_save, round_start_scoring

        team = User.objects.get(email="cdo@lindenfeld.example")
        closed = PriorityRound.objects.get(state=PriorityRound.State.CLOSED)
        scoring = round_save(
            priority_round=PriorityRound(title="Bewertung"),
            assessors=[team],
            by=team,
            criteria=Criterion.objects.filter(is_active=True),
        )
        round_add_candidates(priority_round=scoring, ideas=pool_ideas())
        round_start_scoring(priority_round=scoring)
        weights = "&".join(f"w{c.pk}={0 if c.position else 30}" for c in closed.criteria.all())
        self.audit(
            team,
            [
                reverse("prioritisation:round_state", args=[scoring.pk]),
                reverse("prioritisation:ranking", args=[closed.pk]) + "?whatif=1&" + weights,
                closed.get_absolute_url(),
            ],
        )
