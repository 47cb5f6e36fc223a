"""Preparing, freezing, scoring and closing priority rounds; the derived demand; the audit trail."""

from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from ideas.models import Idea
from installation.testing import BaseTestCase, make_idea, make_survey
from participation.models import Stakeholder
from prioritisation.models import Candidate, Criterion, PriorityRound, RoundCriterion, Score
from prioritisation.ranking import load_matrix, rank
from prioritisation.services import (
    PrioritisationError,
    ScoreEntry,
    candidate_remove,
    criteria_load_defaults,
    round_add_candidates,
    round_close,
    round_save,
    round_set_weights,
    round_start_scoring,
    scores_save,
)
from prioritisation.testing import make_criterion, make_round, score
from surveys.models import Answer, Response


class EnglishTestCase(BaseTestCase):
    """These tests read the English texts, of pages and of services called directly."""

    def setUp(self) -> None:
        super().setUp()
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        self.enterContext(translation.override("en"))


class CatalogueTests(EnglishTestCase):
    def test_the_default_set_fills_an_empty_catalogue_once(self) -> None:
        self.login(self.team)
        response = self.client.get(reverse("prioritisation:criteria"))
        self.assertContains(response, reverse("prioritisation:criteria_defaults"))
        self.assertContains(self.client.get(reverse("prioritisation:criteria_defaults")), "nine default criteria")
        self.client.post(reverse("prioritisation:criteria_defaults"))
        criteria = list(Criterion.objects.all())
        self.assertEqual(len(criteria), 9)
        self.assertEqual([c.derived for c in criteria].count(True), 1)
        lower = {c.name for c in criteria if c.is_lower_better}
        self.assertEqual(len(lower), 3)  # effort, cost, risk
        self.assertEqual(sum(c.default_weight for c in criteria), 100)
        self.assertNotContains(self.client.get(reverse("prioritisation:criteria")), "Load the default set")
        with self.assertRaises(PrioritisationError):
            criteria_load_defaults()

    def test_the_team_edits_a_criterion_and_the_scale_is_checked(self) -> None:
        self.login(self.team)
        data = {"name": "Klimawirkung", "scale_min": 1, "scale_max": 5, "direction": "higher", "matrix_axis": ""}
        data |= {"default_weight": 20, "is_active": "on", "position": 3}
        response = self.client.post(reverse("prioritisation:criterion_create"), {**data, "scale_max": 1})
        self.assertContains(response, "must be above the lowest value")
        response = self.client.post(reverse("prioritisation:criterion_create"), {**data, "scale_max": 500})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Criterion.objects.exists())
        response = self.client.post(reverse("prioritisation:criterion_create"), data)
        self.assertRedirects(response, reverse("prioritisation:criteria"))
        self.assertEqual(Criterion.objects.get().name, "Klimawirkung")

    def test_a_derived_criterion_cannot_be_lower_is_better(self) -> None:
        criterion = Criterion(name="Bedarf", derived=True, direction="lower")
        with self.assertRaises(ValidationError):
            criterion.full_clean()

    def test_the_database_refuses_an_inverted_scale(self) -> None:
        with self.assertRaises(IntegrityError), transaction.atomic():
            Criterion.objects.create(name="kaputt", scale_min=5, scale_max=1)


class PreparationTests(EnglishTestCase):
    def test_the_team_builds_a_round_through_its_pages(self) -> None:
        criteria_load_defaults()
        ideas = [make_idea(title=f"Idee im Pool {i}", status=Idea.Status.IN_POOL) for i in range(2)]
        make_idea(title="Noch in Prüfung", status=Idea.Status.IN_REVIEW)
        self.login(self.team)
        response = self.client.post(
            reverse("prioritisation:round_create"),
            {
                "title": "Runde 2025",
                "description": "",
                "criteria": [c.pk for c in Criterion.objects.all()[:3]],
                "assessors": [self.staff.pk, self.team.pk],
            },
        )
        priority_round = PriorityRound.objects.get()
        self.assertRedirects(response, priority_round.get_absolute_url())
        self.assertEqual(priority_round.created_by, self.team)
        self.assertEqual(priority_round.criteria.count(), 3)
        picker = self.client.get(reverse("prioritisation:round_candidates", args=[priority_round.pk]))
        self.assertContains(picker, "Idee im Pool 0")
        self.assertNotContains(picker, "Noch in Prüfung")
        self.client.post(
            reverse("prioritisation:round_candidates", args=[priority_round.pk]), {"ideas": [i.pk for i in ideas]}
        )
        self.assertEqual(priority_round.candidates.count(), 2)
        first = priority_round.criteria.order_by("position").first()
        weights = {f"w{c.pk}": 0 for c in priority_round.criteria.all()} | {f"w{first.pk}": 50}
        self.client.post(reverse("prioritisation:round_weights", args=[priority_round.pk]), weights)
        first.refresh_from_db()
        self.assertEqual(first.weight, 50)
        self.client.post(reverse("prioritisation:round_state", args=[priority_round.pk]))
        priority_round.refresh_from_db()
        self.assertEqual(priority_round.state, PriorityRound.State.SCORING)
        self.assertIsNotNone(priority_round.scoring_started_at)

    def test_a_round_copies_the_criteria_so_catalogue_changes_do_not_reach_it(self) -> None:
        criterion = make_criterion(name="Nutzen", default_weight=30)
        priority_round = make_round(team=self.team, criteria=[criterion])
        criterion.name, criterion.scale_max = "Nutzen (neu)", 10
        criterion.save()
        copy = priority_round.criteria.get()
        self.assertEqual((copy.name, copy.scale_max, copy.weight), ("Nutzen", 5, 30))
        criterion.delete()
        copy.refresh_from_db()
        self.assertIsNone(copy.criterion_id)

    def test_weights_of_zero_in_total_are_refused(self) -> None:
        priority_round = make_round(team=self.team)
        zero = {c.pk: 0 for c in priority_round.criteria.all()}
        with self.assertRaisesMessage(PrioritisationError, "add up to zero"):
            round_set_weights(priority_round=priority_round, weights=zero)
        self.login(self.team)
        response = self.client.post(
            reverse("prioritisation:round_weights", args=[priority_round.pk]), {f"w{pk}": 0 for pk in zero}
        )
        self.assertContains(response, "add up to zero")
        self.assertEqual(sorted(priority_round.criteria.values_list("weight", flat=True)), [40, 60])

    def test_only_published_ideas_in_the_pool_become_candidates(self) -> None:
        priority_round = make_round(team=self.team)
        with self.assertRaisesMessage(PrioritisationError, "in the pool"):
            round_add_candidates(priority_round=priority_round, ideas=[make_idea(status=Idea.Status.SUBMITTED)])
        pool = make_idea(status=Idea.Status.IN_POOL)
        self.assertEqual(round_add_candidates(priority_round=priority_round, ideas=[pool, pool]), 1)
        self.assertEqual(round_add_candidates(priority_round=priority_round, ideas=[pool]), 0)

    def test_scoring_needs_criteria_candidates_and_assessors(self) -> None:
        priority_round = make_round(team=self.team)
        with self.assertRaisesMessage(PrioritisationError, "at least one idea"):
            round_start_scoring(priority_round=priority_round)
        round_add_candidates(priority_round=priority_round, ideas=[make_idea(status=Idea.Status.IN_POOL)])
        with self.assertRaisesMessage(PrioritisationError, "assessor"):
            round_start_scoring(priority_round=priority_round)

    def test_criteria_weights_and_candidates_freeze_when_scoring_starts(self) -> None:
        idea = make_idea()
        priority_round = make_round(team=self.team, ideas=[idea], assessors=[self.staff], state="scoring")
        frozen = "no longer in preparation"
        with self.assertRaisesMessage(PrioritisationError, frozen):
            round_set_weights(priority_round=priority_round, weights={priority_round.criteria.first().pk: 1})
        with self.assertRaisesMessage(PrioritisationError, frozen):
            round_add_candidates(priority_round=priority_round, ideas=[make_idea(status=Idea.Status.IN_POOL)])
        with self.assertRaisesMessage(PrioritisationError, frozen):
            candidate_remove(candidate=priority_round.candidates.get())
        with self.assertRaisesMessage(PrioritisationError, frozen):
            round_save(priority_round=priority_round, assessors=[self.staff], by=self.team, criteria=[])
        # Assessors, title and description may still change.
        round_save(priority_round=priority_round, assessors=[self.staff, self.lead], by=self.team)
        self.assertEqual(priority_round.assessors.count(), 2)
        self.login(self.team)
        weights_url = reverse("prioritisation:round_weights", args=[priority_round.pk])
        response = self.client.post(weights_url, {f"w{c.pk}": 1 for c in priority_round.criteria.all()}, follow=True)
        self.assertContains(response, frozen)
        self.assertEqual(sorted(priority_round.criteria.values_list("weight", flat=True)), [40, 60])
        candidate = priority_round.candidates.get()
        self.client.post(reverse("prioritisation:candidate_remove", args=[candidate.pk]))
        self.assertTrue(Candidate.objects.filter(pk=candidate.pk).exists())
        edit = self.client.get(reverse("prioritisation:round_edit", args=[priority_round.pk]))
        self.assertContains(edit, "Frozen: scoring has started.")
        self.client.post(reverse("prioritisation:round_delete", args=[priority_round.pk]))
        self.assertTrue(PriorityRound.objects.filter(pk=priority_round.pk).exists())

    def test_a_draft_round_can_be_deleted(self) -> None:
        priority_round = make_round(team=self.team, ideas=[make_idea()])
        self.login(self.team)
        self.client.post(reverse("prioritisation:round_delete", args=[priority_round.pk]))
        self.assertFalse(PriorityRound.objects.exists())


class ScoringTests(EnglishTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.ideas = [make_idea(title="Alpha"), make_idea(title="Beta")]
        self.round = make_round(team=self.team, ideas=self.ideas, assessors=[self.staff, self.lead], state="scoring")
        self.benefit, self.effort = self.round.criteria.order_by("position")
        self.candidate = self.round.candidates.get(idea=self.ideas[0])

    def test_an_assessor_scores_with_the_form_and_moves_on(self) -> None:
        self.login(self.staff)
        url = reverse("prioritisation:score_candidate", args=[self.candidate.pk])
        self.assertContains(self.client.get(url), "Alpha")
        response = self.client.post(
            url, {f"c{self.benefit.pk}": 4, f"n{self.benefit.pk}": " Spart Wege. ", f"c{self.effort.pk}": 2}
        )
        following = self.round.candidates.get(idea=self.ideas[1])
        self.assertRedirects(response, reverse("prioritisation:score_candidate", args=[following.pk]))
        scores = {s.round_criterion_id: (s.value, s.comment) for s in Score.objects.filter(assessor=self.staff)}
        self.assertEqual(scores, {self.benefit.pk: (4, "Spart Wege."), self.effort.pk: (2, "")})
        # Changing one value and clearing another.
        self.client.post(url, {f"c{self.benefit.pk}": 5, f"c{self.effort.pk}": ""})
        self.assertEqual(list(Score.objects.filter(assessor=self.staff).values_list("value", flat=True)), [5])
        overview = self.client.get(reverse("prioritisation:scoring", args=[self.round.pk]))
        self.assertContains(overview, "1 of 2 criteria")

    def test_scores_outside_the_scale_are_refused(self) -> None:
        self.login(self.staff)
        url = reverse("prioritisation:score_candidate", args=[self.candidate.pk])
        response = self.client.post(url, {f"c{self.benefit.pk}": 7, f"c{self.effort.pk}": 2})
        self.assertContains(response, "Select a valid choice")
        self.assertFalse(Score.objects.exists())
        with self.assertRaisesMessage(PrioritisationError, "scored from 1 to 5"):
            scores_save(
                candidate=self.candidate,
                assessor=self.staff,
                entries=[ScoreEntry(self.effort.pk, 2), ScoreEntry(self.benefit.pk, 0)],
            )
        self.assertFalse(Score.objects.exists())  # all or nothing
        score = Score(candidate=self.candidate, round_criterion=self.benefit, assessor=self.staff, value=6)
        with self.assertRaises(ValidationError):
            score.full_clean()
        with self.assertRaises(IntegrityError), transaction.atomic():
            Score.objects.create(candidate=self.candidate, round_criterion=self.benefit, assessor=self.staff, value=101)

    def test_one_score_per_assessor_criterion_and_candidate(self) -> None:
        Score.objects.create(candidate=self.candidate, round_criterion=self.benefit, assessor=self.staff, value=3)
        with self.assertRaises(IntegrityError), transaction.atomic():
            Score.objects.create(candidate=self.candidate, round_criterion=self.benefit, assessor=self.staff, value=4)

    def test_only_assessors_score_and_only_while_the_round_is_in_scoring(self) -> None:
        with self.assertRaisesMessage(PrioritisationError, "Only the assessors"):
            scores_save(candidate=self.candidate, assessor=self.team, entries=[ScoreEntry(self.benefit.pk, 3)])
        self.login(self.team)
        url = reverse("prioritisation:score_candidate", args=[self.candidate.pk])
        self.assertEqual(self.client.get(url).status_code, 404)
        round_close(priority_round=self.round, prioritise=(), by=self.team)
        self.candidate.refresh_from_db()
        with self.assertRaisesMessage(PrioritisationError, "only accepted while"):
            scores_save(candidate=self.candidate, assessor=self.staff, entries=[ScoreEntry(self.benefit.pk, 3)])
        self.login(self.staff)
        self.assertEqual(self.client.post(url, {f"c{self.benefit.pk}": 3}).status_code, 404)
        self.assertFalse(Score.objects.exists())

    def test_derived_criteria_are_not_scored(self) -> None:
        derived = make_criterion(name="Bedarf", derived=True)
        priority_round = make_round(
            team=self.team, ideas=[make_idea()], assessors=[self.staff], criteria=[derived], state="scoring"
        )
        candidate = priority_round.candidates.get()
        with self.assertRaisesMessage(PrioritisationError, "derived"):
            scores_save(
                candidate=candidate, assessor=self.staff, entries=[ScoreEntry(priority_round.criteria.get().pk, 3)]
            )

    def test_every_change_is_in_the_audit_trail(self) -> None:
        score(self.round, self.staff, self.ideas[0], Nutzen=4)
        score(self.round, self.staff, self.ideas[0], Nutzen=5)
        entries = LogEntry.objects.get_for_model(Score)
        self.assertEqual(entries.count(), 2)
        self.assertEqual(entries.order_by("pk").last().changes_dict["value"], ["4", "5"])
        self.assertTrue(LogEntry.objects.get_for_model(PriorityRound).filter(object_pk=self.round.pk).exists())
        self.assertTrue(LogEntry.objects.get_for_model(RoundCriterion).exists())
        self.assertTrue(LogEntry.objects.get_for_model(Candidate).exists())


class DemandTests(EnglishTestCase):
    def test_demand_is_derived_from_supports_stakeholders_and_survey_answers_and_frozen_on_closing(self) -> None:
        supported = make_idea(title="Viel Unterstützung", support_count=10)
        backed = make_idea(title="Von Stakeholdern getragen", support_count=5)
        asked = make_idea(title="Aus der Umfrage", support_count=0)
        strong = Stakeholder.objects.create(name="Werbegemeinschaft", influence=5)
        weak = Stakeholder.objects.create(name="Jugendparlament", influence=2)
        strong.ideas.add(backed)
        weak.ideas.add(backed, supported)
        survey = make_survey()
        text = survey.questions.get(kind="text")
        for number in range(2):
            response = Response.objects.create(survey=survey, respondent_key=f"k{number}")
            Answer.objects.create(response=response, question=text, text="Bitte!", idea=asked)
        derived = make_criterion(name="Bedarf aus Beteiligung", derived=True, default_weight=10)
        priority_round = make_round(
            team=self.team, ideas=[supported, backed, asked], assessors=[self.staff], criteria=[derived]
        )
        shares = {row.row.title: row.contributions[0].value for row in rank(load_matrix(priority_round)).rows}
        # supports 10/10, 5/10, 0; stakeholder weight 2/7, 7/7, 0; survey answers 0, 0, 2/2 – each averaged:
        self.assertAlmostEqual(shares["Viel Unterstützung"], 1 + 4 * (1 + 2 / 7 + 0) / 3)
        self.assertAlmostEqual(shares["Von Stakeholdern getragen"], 1 + 4 * (0.5 + 1 + 0) / 3)
        self.assertAlmostEqual(shares["Aus der Umfrage"], 1 + 4 * (0 + 0 + 1) / 3)
        round_start_scoring(priority_round=priority_round)
        round_close(priority_round=priority_round, prioritise=(), by=self.team)
        candidate = priority_round.candidates.get(idea=backed)
        self.assertEqual((candidate.supports, candidate.stakeholder_weight, candidate.survey_answers), (5, 7, 0))
        Idea.objects.filter(pk=asked.pk).update(support_count=100)
        after = {row.row.title: row.contributions[0].value for row in rank(load_matrix(priority_round)).rows}
        self.assertEqual(after, shares)
