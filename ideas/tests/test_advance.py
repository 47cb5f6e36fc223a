"""The ideas' workflow as other apps use it: the way forward to a status, and one mail per move, after the commit."""

from django.core import mail
from django.db import transaction

from ideas.models import Idea, StatusChange
from ideas.workflow import FORWARD, TRANSITIONS, idea_advance_to, idea_change_status, path_to
from installation.testing import BaseTestCase, make_idea

S = Idea.Status

# Every pair with a way forward; every other pair has none.
WAYS = {
    (S.SUBMITTED, S.IN_REVIEW): [S.IN_REVIEW],
    (S.SUBMITTED, S.IN_POOL): [S.IN_POOL],
    (S.SUBMITTED, S.PRIORITISED): [S.IN_POOL, S.PRIORITISED],
    (S.SUBMITTED, S.IN_IMPLEMENTATION): [S.IN_POOL, S.PRIORITISED, S.IN_IMPLEMENTATION],
    (S.SUBMITTED, S.REALISED): [S.IN_POOL, S.PRIORITISED, S.IN_IMPLEMENTATION, S.REALISED],
    (S.IN_REVIEW, S.IN_POOL): [S.IN_POOL],
    (S.IN_REVIEW, S.PRIORITISED): [S.IN_POOL, S.PRIORITISED],
    (S.IN_REVIEW, S.IN_IMPLEMENTATION): [S.IN_POOL, S.PRIORITISED, S.IN_IMPLEMENTATION],
    (S.IN_REVIEW, S.REALISED): [S.IN_POOL, S.PRIORITISED, S.IN_IMPLEMENTATION, S.REALISED],
    (S.IN_POOL, S.PRIORITISED): [S.PRIORITISED],
    (S.IN_POOL, S.IN_IMPLEMENTATION): [S.PRIORITISED, S.IN_IMPLEMENTATION],
    (S.IN_POOL, S.REALISED): [S.PRIORITISED, S.IN_IMPLEMENTATION, S.REALISED],
    (S.PRIORITISED, S.IN_IMPLEMENTATION): [S.IN_IMPLEMENTATION],
    (S.PRIORITISED, S.REALISED): [S.IN_IMPLEMENTATION, S.REALISED],
    (S.IN_IMPLEMENTATION, S.REALISED): [S.REALISED],
}


class PathTests(BaseTestCase):
    def test_the_way_forward_for_every_pair_of_statuses(self) -> None:
        for start in S.values:
            for target in S.values:
                way = path_to(start, target)
                self.assertEqual(way, WAYS.get((start, target), []), (start, target))
                for before, after in zip([start, *way], way, strict=False):
                    self.assertIn(after, TRANSITIONS[before], (start, target))

    def test_declined_and_merged_ideas_are_off_the_way(self) -> None:
        self.assertEqual(set(S.values) - set(FORWARD), {S.DECLINED, S.MERGED})


class AdvanceTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        mail.outbox.clear()

    def test_each_step_is_in_the_history_and_the_author_gets_one_mail_after_the_commit(self) -> None:
        idea = make_idea(title="Parkausweis online", author=self.citizen, status=S.IN_REVIEW)
        with self.captureOnCommitCallbacks(execute=True):
            changes = idea_advance_to(
                idea=idea, to_status=S.PRIORITISED, reason="Ganz vorn.", reason_on_the_way="Zurück.", by=self.team
            )
            self.assertEqual(mail.outbox, [])  # nothing before the commit
        history = StatusChange.objects.filter(idea=idea).values_list("from_status", "to_status", "reason", "changed_by")
        self.assertEqual(
            list(history),
            [(S.IN_REVIEW, S.IN_POOL, "Zurück.", self.team.pk), (S.IN_POOL, S.PRIORITISED, "Ganz vorn.", self.team.pk)],
        )
        self.assertEqual([c.to_status for c in changes], [S.IN_POOL, S.PRIORITISED])
        self.assertEqual(Idea.objects.get(pk=idea.pk).status, S.PRIORITISED)
        [message] = mail.outbox
        self.assertEqual(message.to, ["citizen@example.org"])
        self.assertIn("lautet jetzt: priorisiert.", message.body)
        self.assertIn("Ganz vorn.", message.body)
        self.assertIn(f"/ideas/{idea.pk}/", message.body)

    def test_the_reason_of_the_last_step_serves_every_step_unless_another_is_given(self) -> None:
        idea = make_idea(status=S.PRIORITISED)
        with self.captureOnCommitCallbacks(execute=True):
            idea_advance_to(idea=idea, to_status=S.REALISED, reason="Fertig.", by=self.team)
        reasons = StatusChange.objects.filter(idea=idea).values_list("to_status", "reason")
        self.assertEqual(list(reasons), [(S.IN_IMPLEMENTATION, "Fertig."), (S.REALISED, "Fertig.")])

    def test_an_idea_there_already_past_it_or_declined_stays_and_nobody_is_told(self) -> None:
        for status in (S.PRIORITISED, S.IN_IMPLEMENTATION, S.DECLINED, S.MERGED):
            idea = make_idea(status=status, author=self.citizen)
            with self.captureOnCommitCallbacks(execute=True):
                self.assertEqual(idea_advance_to(idea=idea, to_status=S.PRIORITISED, reason="x", by=self.team), [])
            self.assertEqual(Idea.objects.get(pk=idea.pk).status, status)
        self.assertFalse(StatusChange.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_a_move_that_is_rolled_back_sends_no_mail(self) -> None:
        idea = make_idea(author=self.citizen)

        class Undone(Exception):
            pass

        with self.captureOnCommitCallbacks(execute=True), self.assertRaises(Undone), transaction.atomic():
            idea_advance_to(idea=idea, to_status=S.PRIORITISED, reason="Vorrang.", by=self.team)
            idea_change_status(idea=idea, to_status=S.IN_POOL, reason="Doch nicht.", by=self.team)
            raise Undone
        self.assertEqual(mail.outbox, [])
        self.assertEqual(Idea.objects.get(pk=idea.pk).status, S.SUBMITTED)
        self.assertFalse(StatusChange.objects.filter(idea=idea).exists())

    def test_one_step_by_hand_also_mails_after_the_commit(self) -> None:
        idea = make_idea(author=self.citizen)
        with self.captureOnCommitCallbacks(execute=True):
            idea_change_status(idea=idea, to_status=S.IN_REVIEW, reason="Wir prüfen das.", by=self.team)
            self.assertEqual(mail.outbox, [])
        self.assertEqual(len(mail.outbox), 1)
