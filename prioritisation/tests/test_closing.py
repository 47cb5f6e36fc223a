"""Closing a round: the team confirms which ideas become prioritised; their status follows with a public reason."""

from auditlog.models import LogEntry
from django.core import mail
from django.db import transaction
from django.urls import reverse

from ideas.models import Idea, StatusChange
from ideas.workflow import path_to
from installation.testing import make_idea
from prioritisation.models import Candidate, PriorityRound
from prioritisation.services import PrioritisationError, default_top, round_close
from prioritisation.testing import make_round, score
from prioritisation.tests.test_pages import EnglishTestCase


class ClosingTests(EnglishTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.ideas = [make_idea(title=f"Idee {i:02d}", author_email=f"autor{i}@example.org") for i in range(6)]
        self.round = make_round(
            team=self.team, ideas=self.ideas, assessors=[self.staff], state="scoring", title="Runde 2026"
        )
        for i, idea in enumerate(self.ideas):  # Idee 05 is best, Idee 00 last
            score(self.round, self.staff, idea, Nutzen=1 + min(i, 4), Aufwand=1)
        self.url = reverse("prioritisation:round_state", args=[self.round.pk])
        self.login(self.team)

    def test_the_close_page_lists_the_ranking_with_the_top_third_preselected(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, "Ideas that become prioritised")
        self.assertEqual(response.context["top"], 2)
        self.assertEqual(response.context["form"].initial["prioritise"], self._candidates("Idee 04", "Idee 05"))
        content = response.content.decode()
        self.assertLess(content.index("Idee 05"), content.index("Idee 03"))  # in the order of the ranking
        self.assertContains(response, "Place 1: Idee 05")
        self.assertEqual(PriorityRound.objects.get().state, PriorityRound.State.SCORING)  # asking changes nothing

    def test_closing_prioritises_the_chosen_ideas_with_a_public_reason(self) -> None:
        mail.outbox.clear()
        chosen = self._candidates("Idee 05", "Idee 02")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url, {"prioritise": chosen, "note": "Bestätigt vom Verwaltungsvorstand."})
        self.assertRedirects(response, self.round.get_absolute_url())
        self.round.refresh_from_db()
        self.assertEqual((self.round.state, self.round.closed_by), (PriorityRound.State.CLOSED, self.team))
        statuses = dict(Idea.objects.values_list("title", "status"))
        self.assertEqual(statuses["Idee 05"], Idea.Status.PRIORITISED)
        self.assertEqual(statuses["Idee 02"], Idea.Status.PRIORITISED)  # the team may choose below the top
        self.assertEqual(statuses["Idee 04"], Idea.Status.IN_POOL)  # not chosen: stays in the pool
        change = StatusChange.objects.get(idea__title="Idee 05")
        self.assertEqual(
            (change.from_status, change.to_status, change.changed_by), ("in_pool", "prioritised", self.team)
        )
        self.assertIn("„Runde 2026“", change.reason)  # written in the installation's language (German)
        self.assertIn("Platz 1 von 6", change.reason)
        self.assertIn("Bestätigt vom Verwaltungsvorstand.", change.reason)
        self.assertIn("Platz 4 von 6", StatusChange.objects.get(idea__title="Idee 02").reason)
        # The reason is public: anonymous visitors read it on the idea's page.
        self.client.logout()
        page = self.client.get(Idea.objects.get(title="Idee 05").get_absolute_url())
        self.assertContains(page, "Platz 1 von 6")
        self.assertEqual(len(mail.outbox), 2)  # each author is told
        flags = dict(Candidate.objects.values_list("idea__title", "prioritised"))
        self.assertEqual(sum(flags.values()), 2)
        self.assertFalse(flags["Idee 04"])
        # The choice is in the audit trail, with who made it.
        audited = LogEntry.objects.get_for_model(Candidate).filter(changes__icontains="prioritised")
        self.assertEqual(audited.count(), 6)
        self.assertEqual(set(audited.values_list("actor", flat=True)), {self.team.pk})

    def test_the_round_page_and_the_ranking_show_the_decision(self) -> None:
        self.client.post(self.url, {"prioritise": self._candidates("Idee 05"), "note": "Mit Augenmaß."})
        detail = self.client.get(self.round.get_absolute_url())
        self.assertContains(detail, "1 idea became prioritised")
        self.assertContains(detail, "Mit Augenmaß.")
        self.assertContains(detail, "prioritised in this round", count=1)
        ranking = self.client.get(reverse("prioritisation:ranking", args=[self.round.pk]))
        self.assertContains(ranking, 'kern-badge--success"><span class="kern-label">prioritised', count=1)

    def test_an_idea_sent_back_to_review_walks_through_the_pool_and_a_declined_one_keeps_its_status(self) -> None:
        back, declined = Idea.objects.get(title="Idee 05"), Idea.objects.get(title="Idee 04")
        Idea.objects.filter(pk=back.pk).update(status=Idea.Status.IN_REVIEW)
        Idea.objects.filter(pk=declined.pk).update(status=Idea.Status.DECLINED)
        response = self.client.post(self.url, {"prioritise": self._candidates("Idee 05", "Idee 04")}, follow=True)
        self.assertContains(response, "1 idea is now prioritised")
        self.assertContains(response, "kept their status")
        steps = list(StatusChange.objects.filter(idea=back).values_list("from_status", "to_status"))
        self.assertEqual(steps, [("in_review", "in_pool"), ("in_pool", "prioritised")])
        self.assertTrue(all(StatusChange.objects.filter(idea=back).values_list("reason", flat=True)))
        self.assertEqual(Idea.objects.get(pk=declined.pk).status, Idea.Status.DECLINED)
        self.assertTrue(Candidate.objects.get(idea=declined).prioritised)  # the choice is recorded anyway

    def test_an_idea_two_steps_away_tells_its_author_once_after_the_commit(self) -> None:
        walked = Idea.objects.get(title="Idee 05")
        Idea.objects.filter(pk=walked.pk).update(status=Idea.Status.SUBMITTED)
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.url, {"prioritise": self._candidates("Idee 05")})
            self.assertEqual(mail.outbox, [])  # nothing before the commit
        steps = list(StatusChange.objects.filter(idea=walked).values_list("from_status", "to_status"))
        self.assertEqual(steps, [("submitted", "in_pool"), ("in_pool", "prioritised")])
        [message] = mail.outbox
        self.assertEqual(message.to, ["autor5@example.org"])
        self.assertIn("lautet jetzt: priorisiert.", message.body)
        self.assertIn("Platz 1 von 6", message.body)

    def test_a_closing_that_is_rolled_back_tells_nobody(self) -> None:
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True), self.assertRaises(RuntimeError), transaction.atomic():
            round_close(priority_round=self.round, prioritise=list(self.round.candidates.all()), by=self.team)
            raise RuntimeError("undone")
        self.assertEqual(mail.outbox, [])
        self.assertFalse(StatusChange.objects.exists())

    def test_choosing_nothing_closes_the_round_and_leaves_every_idea_in_the_pool(self) -> None:
        self.client.post(self.url, {})
        self.assertEqual(PriorityRound.objects.get().state, PriorityRound.State.CLOSED)
        self.assertFalse(StatusChange.objects.exists())
        self.assertEqual(set(Idea.objects.values_list("status", flat=True)), {Idea.Status.IN_POOL})

    def test_only_candidates_of_the_round_are_accepted(self) -> None:
        other = make_round(team=self.team, ideas=[make_idea()], assessors=[self.staff], state="scoring")
        response = self.client.post(self.url, {"prioritise": [other.candidates.get().pk]})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "is not one of the available choices")
        self.assertEqual(PriorityRound.objects.get(pk=self.round.pk).state, PriorityRound.State.SCORING)
        with self.assertRaisesMessage(PrioritisationError, "Only ideas of this round"):
            round_close(priority_round=self.round, prioritise=list(other.candidates.all()), by=self.team)
        self.assertEqual(PriorityRound.objects.get(pk=self.round.pk).state, PriorityRound.State.SCORING)

    def test_a_closed_round_cannot_be_closed_again(self) -> None:
        round_close(priority_round=self.round, prioritise=(), by=self.team)
        with self.assertRaisesMessage(PrioritisationError, "Only a round in scoring"):
            round_close(priority_round=self.round, prioritise=(), by=self.team)

    def test_the_path_and_the_default_number(self) -> None:
        prioritised = Idea.Status.PRIORITISED
        self.assertEqual(path_to(Idea.Status.IN_POOL, prioritised), [Idea.Status.PRIORITISED])
        self.assertEqual(path_to(Idea.Status.SUBMITTED, prioritised), [Idea.Status.IN_POOL, Idea.Status.PRIORITISED])
        for status in ("declined", "merged", "prioritised", "in_implementation", "realised"):
            self.assertEqual(path_to(status, prioritised), [], status)
        self.assertEqual([default_top(n) for n in (0, 1, 3, 4, 6, 500)], [0, 1, 1, 2, 2, 167])

    def _candidates(self, *titles: str) -> list[int]:
        by_title = dict(self.round.candidates.values_list("idea__title", "pk"))
        return [by_title[title] for title in titles]
