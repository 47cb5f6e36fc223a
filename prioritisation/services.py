"""Prioritisation workflows: the default catalogue, preparing a round, freezing it, scoring and closing.

Once a round leaves preparation its criteria, weights and candidates are frozen: every service
that would change them refuses with a message. Scores are accepted only while a round is in
scoring, only from its assessors and only within the frozen scale of each criterion.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from ideas.models import Idea, Moderation
from ideas.workflow import idea_advance_to, path_to
from prioritisation.demand import DemandInputs
from prioritisation.models import (
    WEIGHT_LIMIT,
    Candidate,
    Criterion,
    Direction,
    MatrixAxis,
    PriorityRound,
    RoundCriterion,
    Score,
)


class PrioritisationError(Exception):
    """A prioritisation action that is not allowed now; the message is shown to the person."""


# name, description, direction, axis in the effort–impact matrix, default weight, derived
DEFAULT_CRITERIA = [
    (
        gettext_lazy("Strategic fit"),
        gettext_lazy("How well the idea serves the goals of our digital strategy."),
        Direction.HIGHER,
        MatrixAxis.IMPACT,
        15,
        False,
    ),
    (
        gettext_lazy("Demand from participation"),
        gettext_lazy(
            "Derived, not scored: supports, linked stakeholders weighted by their influence, and survey answers that became the idea."
        ),
        Direction.HIGHER,
        MatrixAxis.IMPACT,
        10,
        True,
    ),
    (
        gettext_lazy("Benefit for citizens"),
        gettext_lazy("How much simpler, faster or better it makes things for citizens and businesses."),
        Direction.HIGHER,
        MatrixAxis.IMPACT,
        15,
        False,
    ),
    (
        gettext_lazy("Benefit for staff"),
        gettext_lazy("How much work it saves staff or how much better it makes their work."),
        Direction.HIGHER,
        MatrixAxis.IMPACT,
        10,
        False,
    ),
    (
        gettext_lazy("Effort"),
        gettext_lazy("Working time needed to implement it: 1 = little, 5 = a lot."),
        Direction.LOWER,
        MatrixAxis.EFFORT,
        10,
        False,
    ),
    (
        gettext_lazy("Cost"),
        gettext_lazy("Money needed, one-off and running: 1 = little, 5 = a lot."),
        Direction.LOWER,
        MatrixAxis.EFFORT,
        10,
        False,
    ),
    (
        gettext_lazy("Risk"),
        gettext_lazy("What could go wrong: technology, procurement, acceptance, data protection. 1 = low, 5 = high."),
        Direction.LOWER,
        MatrixAxis.NONE,
        10,
        False,
    ),
    (
        gettext_lazy("Urgency or legal obligation"),
        gettext_lazy("Deadlines and duties, e.g. from the Online Access Act (OZG) or other law."),
        Direction.HIGHER,
        MatrixAxis.NONE,
        10,
        False,
    ),
    (
        gettext_lazy("Readiness"),
        gettext_lazy("How ready we are to start: people, data, technology and partners in place."),
        Direction.HIGHER,
        MatrixAxis.NONE,
        10,
        False,
    ),
]


@transaction.atomic
def criteria_load_defaults() -> list[Criterion]:
    """The nine default criteria, in the installation's language; only into an empty catalogue."""
    if Criterion.objects.exists():
        raise PrioritisationError(
            _("The catalogue already has criteria; the default set is only offered when it is empty.")
        )
    created = []
    with translation.override(settings.LANGUAGE_CODE):
        for position, (name, description, direction, axis, weight, derived) in enumerate(DEFAULT_CRITERIA):
            created.append(
                Criterion.objects.create(
                    name=str(name),
                    description=str(description),
                    direction=direction,
                    matrix_axis=axis,
                    default_weight=weight,
                    derived=derived,
                    position=position,
                )
            )
    return created


def criterion_next_position() -> int:
    last = Criterion.objects.aggregate(last=Max("position"))["last"]
    return 0 if last is None else last + 1


def ensure_draft(priority_round: PriorityRound) -> None:
    """Criteria, weights and candidates are frozen once scoring has started."""
    if not priority_round.is_draft:
        raise PrioritisationError(
            _("This round is no longer in preparation: its criteria, weights and candidates are frozen.")
        )


def _copy(criterion: Criterion, priority_round: PriorityRound) -> RoundCriterion:
    return RoundCriterion(
        priority_round=priority_round,
        criterion=criterion,
        name=criterion.name,
        description=criterion.description,
        scale_min=criterion.scale_min,
        scale_max=criterion.scale_max,
        direction=criterion.direction,
        matrix_axis=criterion.matrix_axis,
        derived=criterion.derived,
        position=criterion.position,
        weight=criterion.default_weight,
    )


@transaction.atomic
def round_save(
    *,
    priority_round: PriorityRound,
    assessors: Iterable[User],
    by: User,
    criteria: Iterable[Criterion] | None = None,
) -> PriorityRound:
    """Create or change a round. In preparation the chosen catalogue criteria are copied into it
    (criteria already in the round keep their weight); afterwards `criteria` must stay None."""
    if priority_round.pk is None:
        priority_round.created_by = by
    elif criteria is not None:
        ensure_draft(priority_round)
    priority_round.save()
    priority_round.assessors.set(assessors)
    if criteria is not None:
        chosen = {c.pk: c for c in criteria}
        for copy in priority_round.criteria.all():
            if copy.criterion_id not in chosen:
                copy.delete()
        present = set(priority_round.criteria.values_list("criterion_id", flat=True))
        for criterion in chosen.values():
            if criterion.pk not in present:
                _copy(criterion, priority_round).save()
    return priority_round


@transaction.atomic
def round_set_weights(*, priority_round: PriorityRound, weights: dict[int, int]) -> None:
    """New weights for the round's criteria (criterion of the round id → points)."""
    ensure_draft(priority_round)
    if any(not 0 <= w <= WEIGHT_LIMIT for w in weights.values()):
        raise PrioritisationError(_("Every weight must be between 0 and %(max)d.") % {"max": WEIGHT_LIMIT})
    criteria = list(priority_round.criteria.select_for_update())
    if sum(weights.get(c.pk, c.weight) for c in criteria) <= 0:
        raise PrioritisationError(_("The weights add up to zero. Give at least one criterion a weight above 0."))
    for criterion in criteria:
        if criterion.pk in weights and weights[criterion.pk] != criterion.weight:
            criterion.weight = weights[criterion.pk]
            criterion.save(update_fields=["weight"])


def pool_ideas():
    """Ideas that may become candidates: published and in the pool."""
    return Idea.objects.filter(status=Idea.Status.IN_POOL, moderation=Moderation.PUBLISHED)


@transaction.atomic
def round_add_candidates(*, priority_round: PriorityRound, ideas: Iterable[Idea]) -> int:
    """Add ideas from the pool; ideas already in the round are skipped. Returns how many were added."""
    ensure_draft(priority_round)
    ideas = list({i.pk: i for i in ideas}.values())
    allowed = set(pool_ideas().filter(pk__in=[i.pk for i in ideas]).values_list("pk", flat=True))
    refused = [i for i in ideas if i.pk not in allowed]
    if refused:
        raise PrioritisationError(
            _("Only published ideas in the pool can become candidates; “%(title)s” is not.")
            % {"title": refused[0].title}
        )
    present = set(priority_round.candidates.values_list("idea_id", flat=True))
    new = [Candidate(priority_round=priority_round, idea=i) for i in ideas if i.pk not in present]
    for candidate in new:
        candidate.save()  # one by one, so each addition is in the audit trail
    return len(new)


@transaction.atomic
def candidate_remove(*, candidate: Candidate) -> None:
    ensure_draft(candidate.priority_round)
    candidate.delete()


@transaction.atomic
def round_start_scoring(*, priority_round: PriorityRound) -> PriorityRound:
    """Freeze criteria, weights and candidates and open the round to its assessors."""
    ensure_draft(priority_round)
    criteria = list(priority_round.criteria.all())
    if not criteria:
        raise PrioritisationError(_("Choose at least one criterion before scoring starts."))
    if sum(c.weight for c in criteria) <= 0:
        raise PrioritisationError(_("The weights add up to zero. Give at least one criterion a weight above 0."))
    if not priority_round.candidates.exists():
        raise PrioritisationError(_("Add at least one idea from the pool before scoring starts."))
    if any(not c.derived for c in criteria) and not priority_round.assessors.exists():
        raise PrioritisationError(_("Assign at least one assessor before scoring starts."))
    priority_round.state = PriorityRound.State.SCORING
    priority_round.scoring_started_at = timezone.now()
    priority_round.save(update_fields=["state", "scoring_started_at"])
    return priority_round


def default_top(count: int) -> int:
    """How many places of the ranking are preselected when a round closes: the top third, at least one."""
    return max(1, math.ceil(count / 3)) if count else 0


@dataclass(frozen=True)
class CloseOutcome:
    prioritised: list[Idea]  # moved to "prioritised" now
    unchanged: list[Idea]  # chosen, but already past that point (or declined, merged): status kept


def _decimal(value: float) -> str:
    return formats.number_format(round(value, 1), decimal_pos=1)


@transaction.atomic
def round_close(
    *, priority_round: PriorityRound, prioritise: Iterable[Candidate], by: User | None, note: str = ""
) -> CloseOutcome:
    """End scoring and record the team's decision.

    The inputs of the derived demand are copied, so the ranking stays as it was decided. The ideas
    of the chosen candidates move through the ideas' workflow to "prioritised" (`idea_advance_to`),
    each step with a public reason naming the round, the place and the points, and one mail to
    each author after the commit; the others stay in the pool.
    """
    if not priority_round.is_scoring:
        raise PrioritisationError(_("Only a round in scoring can be closed."))
    from prioritisation.ranking import load_matrix, rank

    matrix = load_matrix(priority_round)
    for row in matrix.rows:
        inputs = row.demand or DemandInputs(0, 0, 0)
        Candidate.objects.filter(pk=row.id).update(
            supports=inputs.supports, stakeholder_weight=inputs.stakeholder_weight, survey_answers=inputs.survey_answers
        )
    chosen = {c.pk for c in prioritise}
    candidates = {c.pk: c for c in priority_round.candidates.select_related("idea")}
    if chosen - set(candidates):
        raise PrioritisationError(_("Only ideas of this round can be prioritised with it."))
    note = note.strip()
    priority_round.state = PriorityRound.State.CLOSED
    priority_round.closed_at = timezone.now()
    priority_round.closed_by = by
    priority_round.closing_note = note
    priority_round.save(update_fields=["state", "closed_at", "closed_by", "closing_note"])

    outcome = CloseOutcome(prioritised=[], unchanged=[])
    ranked = rank(matrix).rows
    for ranked_row in ranked:
        candidate = candidates[ranked_row.row.id]
        candidate.prioritised = candidate.pk in chosen
        candidate.save(update_fields=["prioritised"])  # one by one, so the choice is in the audit trail
        if not candidate.prioritised:
            continue
        idea = candidate.idea
        if not path_to(idea.status, Idea.Status.PRIORITISED):
            outcome.unchanged.append(idea)
            continue
        # The reason is public and stays on the idea's page: written in the installation's language.
        with translation.override(settings.LANGUAGE_CODE):
            reason = _(
                "Prioritised in the priority round “%(round)s”: place %(rank)d of %(count)d with %(points)s of 100 points."
            ) % {
                "round": priority_round.title,
                "rank": ranked_row.rank,
                "count": len(ranked),
                "points": _decimal(ranked_row.total),
            }
            if note:
                reason = f"{reason}\n\n{note}"
            back_in_the_pool = _("Back in the pool, to be prioritised in the priority round “%(round)s”.") % {
                "round": priority_round.title
            }
            idea_advance_to(
                idea=idea, to_status=Idea.Status.PRIORITISED, reason=reason, reason_on_the_way=back_in_the_pool, by=by
            )
        outcome.prioritised.append(idea)
    return outcome


@transaction.atomic
def round_delete(*, priority_round: PriorityRound) -> None:
    """Only a round in preparation can be deleted; scored rounds stay as a record of the decision."""
    ensure_draft(priority_round)
    priority_round.delete()


@dataclass(frozen=True)
class ScoreEntry:
    round_criterion_id: int
    value: int | None  # None removes an earlier score
    comment: str = ""


@transaction.atomic
def scores_save(*, candidate: Candidate, assessor: User, entries: Iterable[ScoreEntry]) -> int:
    """One assessor's scores for one candidate, all or nothing. Returns how many scores changed."""
    priority_round = candidate.priority_round
    if not priority_round.is_scoring:
        raise PrioritisationError(_("Scores are only accepted while the round is in scoring."))
    if not (assessor.is_internal and priority_round.assessors.filter(pk=assessor.pk).exists()):
        raise PrioritisationError(_("Only the assessors of this round can score in it."))
    criteria = {c.pk: c for c in priority_round.criteria.all()}
    entries = list(entries)
    for entry in entries:
        criterion = criteria.get(entry.round_criterion_id)
        if criterion is None:
            raise PrioritisationError(_("This criterion does not belong to the round."))
        if criterion.derived:
            raise PrioritisationError(_("“%(criterion)s” is derived and not scored.") % {"criterion": criterion.name})
        if entry.value is not None and not criterion.scale_min <= entry.value <= criterion.scale_max:
            raise PrioritisationError(
                _("“%(criterion)s” is scored from %(min)d to %(max)d.")
                % {"criterion": criterion.name, "min": criterion.scale_min, "max": criterion.scale_max}
            )
    existing = {
        s.round_criterion_id: s
        for s in Score.objects.select_for_update().filter(candidate=candidate, assessor=assessor)
    }
    changed = 0
    for entry in entries:
        score = existing.get(entry.round_criterion_id)
        comment = entry.comment.strip()
        if entry.value is None:
            if score is not None:
                score.delete()
                changed += 1
            continue
        if score is None:
            score = Score(candidate=candidate, round_criterion=criteria[entry.round_criterion_id], assessor=assessor)
        elif (score.value, score.comment) == (entry.value, comment):
            continue
        score.value, score.comment = entry.value, comment
        score.round_criterion = criteria[entry.round_criterion_id]
        score.candidate = candidate
        score.save()
        changed += 1
    return changed
