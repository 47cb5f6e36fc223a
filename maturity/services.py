"""Workflows of the maturity self-assessment. Each runs in one transaction; views and the API only validate and call."""

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from ideas.models import Idea
from ideas.services import idea_submit
from maturity.models import SCORE_MAX, SCORE_MIN, Answer, Dimension, GapIdea, Item, Questionnaire, Response, Round
from maturity.results import RoundResults, round_results

DEFAULT_QUESTIONNAIRE = Path(__file__).resolve().parent / "data" / "questionnaire.json"


class MaturityError(ValueError):
    """A change that is not allowed; the message says why and is shown to the person."""


def score_error() -> str:
    return _("A score runs from %(low)s to %(high)s.") % {"low": SCORE_MIN, "high": SCORE_MAX}


# ----- the questionnaire and its versions ------------------------------------------------------


def questionnaire_latest() -> Questionnaire | None:
    return Questionnaire.objects.order_by("-version").first()


@transaction.atomic
def questionnaire_load_default(*, by: User | None = None, path: Path = DEFAULT_QUESTIONNAIRE) -> Questionnaire:
    """A new version holding the questionnaire shipped in both languages (maturity/data/questionnaire.json)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    version = (Questionnaire.objects.aggregate(top=Max("version"))["top"] or 0) + 1
    questionnaire = Questionnaire.objects.create(version=version, note=data.get("note_de", ""), created_by=by)
    for position, dimension_data in enumerate(data["dimensions"]):
        dimension = Dimension.objects.create(
            questionnaire=questionnaire,
            key=dimension_data["key"],
            title_de=dimension_data["title_de"],
            title_en=dimension_data.get("title_en", ""),
            description_de=dimension_data.get("description_de", ""),
            description_en=dimension_data.get("description_en", ""),
            position=position,
        )
        Item.objects.bulk_create(
            Item(
                dimension=dimension,
                text_de=item["text_de"],
                text_en=item.get("text_en", ""),
                levels_de=item["levels_de"],
                levels_en=item.get("levels_en", []),
                position=item_position,
            )
            for item_position, item in enumerate(dimension_data["items"])
        )
    return questionnaire


def questionnaire_ensure(*, by: User | None = None) -> Questionnaire:
    """The latest version; the shipped default becomes version 1 the first time it is needed."""
    return questionnaire_latest() or questionnaire_load_default(by=by)


@dataclass
class Copy:
    questionnaire: Questionnaire
    dimensions: dict[int, Dimension]  # old pk → copy
    items: dict[int, Item]


@transaction.atomic
def questionnaire_copy(*, source: Questionnaire, by: User, note: str = "") -> Copy:
    """The next version as an exact copy of `source`, ready to be edited."""
    version = (Questionnaire.objects.select_for_update().aggregate(top=Max("version"))["top"] or 0) + 1
    copy = Questionnaire.objects.create(version=version, note=note, created_by=by)
    dimensions, items = {}, {}
    for dimension in source.dimensions.prefetch_related("items"):
        old_pk = dimension.pk
        old_items = list(dimension.items.all())
        dimension.pk, dimension.questionnaire = None, copy
        dimension.save()
        dimensions[old_pk] = dimension
        for item in old_items:
            old_item = item.pk
            item.pk, item.dimension = None, dimension
            item.save()
            items[old_item] = item
    return Copy(copy, dimensions, items)


def _editable(questionnaire: Questionnaire, *, by: User) -> Copy | None:
    """None when `questionnaire` may be changed in place; a new version when a round already uses it."""
    latest = questionnaire_latest()
    if latest is None or latest.pk != questionnaire.pk:
        raise MaturityError(_("Only the latest version of the questionnaire can be changed."))
    if not questionnaire.is_frozen:
        return None
    note = _("Changed after version %(version)s was used in a round.") % {"version": questionnaire.version}
    return questionnaire_copy(source=questionnaire, by=by, note=note)


@transaction.atomic
def dimension_save(*, dimension: Dimension, values: dict[str, Any], by: User) -> Dimension:
    """Save a new or changed dimension; on a frozen version the change goes into a new version."""
    questionnaire = dimension.questionnaire
    copy = _editable(questionnaire, by=by)
    if copy is not None:
        dimension = copy.dimensions[dimension.pk] if dimension.pk else Dimension(questionnaire=copy.questionnaire)
    taken = Dimension.objects.filter(questionnaire=dimension.questionnaire, key=values["key"]).exclude(pk=dimension.pk)
    if taken.exists():
        raise MaturityError(_("Another dimension of this version already uses the key “%(key)s”.") % values)
    for name, value in values.items():
        setattr(dimension, name, value)
    if dimension.pk is None:
        dimension.position = dimension.questionnaire.dimensions.count()
    dimension.save()
    return dimension


@transaction.atomic
def item_save(*, item: Item, values: dict[str, Any], by: User) -> Item:
    """Save a new or changed item; on a frozen version the change goes into a new version."""
    levels = values.get("levels_de", [])
    if len(levels) != SCORE_MAX - SCORE_MIN + 1 or not all(str(text).strip() for text in levels):
        raise MaturityError(_("Describe every level from 0 to 4 in German."))
    copy = _editable(item.dimension.questionnaire, by=by)
    if copy is not None:
        item = copy.items[item.pk] if item.pk else Item(dimension=copy.dimensions[item.dimension_id])
    for name, value in values.items():
        setattr(item, name, value)
    if item.pk is None:
        item.position = item.dimension.items.count()
    item.save()
    return item


@transaction.atomic
def item_delete(*, item: Item, by: User) -> Questionnaire:
    """Remove an item; from a frozen version it is removed in a new version. Returns the version changed."""
    copy = _editable(item.dimension.questionnaire, by=by)
    target = copy.items[item.pk] if copy else item
    questionnaire = target.dimension.questionnaire
    target.delete()
    return questionnaire


@transaction.atomic
def dimension_delete(*, dimension: Dimension, by: User) -> Questionnaire:
    copy = _editable(dimension.questionnaire, by=by)
    target = copy.dimensions[dimension.pk] if copy else dimension
    questionnaire = target.questionnaire
    target.delete()
    return questionnaire


# ----- rounds and answers ------------------------------------------------------------------------


@transaction.atomic
def round_create(*, round: Round, by: User) -> Round:
    """Open a round on the latest questionnaire version, which is frozen from now on."""
    questionnaire = questionnaire_ensure(by=by)
    if not questionnaire.dimensions.filter(items__isnull=False).exists():
        raise MaturityError(_("The questionnaire has no items yet."))
    if questionnaire.frozen_at is None:
        questionnaire.frozen_at = timezone.now()
        questionnaire.save(update_fields=["frozen_at"])
    round.questionnaire = questionnaire
    round.created_by = by
    round.save()
    return round


@dataclass
class AnswerInput:
    item_id: int
    score: int | None
    evidence: str = ""


@transaction.atomic
def response_save(
    *, round: Round, user: User, unit: OrgUnit | None, answers: list[AnswerInput], submit: bool
) -> Response:
    """Save a respondent's answers; each replaces an earlier answer to the same item. `submit` makes them count."""
    if not round.is_open:
        raise MaturityError(_("This round is closed; answers can no longer be changed."))
    # The items themselves, not only their numbers: each answer is named after its item in the audit trail.
    items = Item.objects.filter(dimension__questionnaire=round.questionnaire_id).in_bulk()
    item_ids = set(items)
    seen = set()
    for answer in answers:
        if answer.item_id not in item_ids:
            raise MaturityError(
                _("Item %(item)s is not part of this round's questionnaire.") % {"item": answer.item_id}
            )
        if answer.item_id in seen:
            raise MaturityError(_("Item %(item)s is answered twice.") % {"item": answer.item_id})
        seen.add(answer.item_id)
        if answer.score is not None and not SCORE_MIN <= answer.score <= SCORE_MAX:
            raise MaturityError(score_error())
        if len(answer.evidence) > 2000:
            raise MaturityError(_("An evidence note has at most 2,000 characters."))
        if "\x00" in answer.evidence:
            raise MaturityError(_("An evidence note cannot contain null characters."))
    if submit and not any(answer.score is not None for answer in answers):
        raise MaturityError(_("Score at least one item before submitting."))
    response, _created = Response.objects.select_for_update().get_or_create(round=round, user=user)
    response.unit = unit
    if submit:
        response.submitted_at = response.submitted_at or timezone.now()
    response.save()
    # Changed answers are updated one by one, so the audit trail shows what changed, not a rewrite.
    existing = {stored.item_id: stored for stored in response.answers.select_related("item")}
    for answer in answers:
        evidence = answer.evidence.strip()
        stored = existing.pop(answer.item_id, None)
        if answer.score is None and not evidence:
            if stored is not None:
                stored.delete()
        elif stored is None:
            Answer.objects.create(response=response, item=items[answer.item_id], score=answer.score, evidence=evidence)
        elif (stored.score, stored.evidence) != (answer.score, evidence):
            stored.score, stored.evidence = answer.score, evidence
            stored.save(update_fields=["score", "evidence"])
    return response


# ----- gaps and targets --------------------------------------------------------------------------


def gap_to_idea(*, round: Round, dimension_key: str, by: User, results: RoundResults | None = None) -> Idea:
    """Turn the gap between target and now in one dimension into an idea in the idea pool, once per round."""
    results = results or round_results(round)
    result = results.dimension(dimension_key)
    if result is None:
        raise MaturityError(_("This round has no such dimension."))
    if result.gap_idea is not None:
        raise MaturityError(_("This gap has already become an idea."))
    gap, target = result.gap, result.target
    if gap is None or gap <= 0 or target is None:  # (there is no gap without a target)
        raise MaturityError(_("There is no gap to close here: the target is reached or not set."))
    values = {
        "dimension": result.dimension.title,
        "now": result.now,
        "target": target.level,
        "horizon": target.horizon.strftime("%d.%m.%Y"),
        "round": round.title,
    }
    idea = Idea(
        title=_("Digital maturity: raise “%(dimension)s” from %(now)s to %(target)s") % values,
        description=_(
            "In the self-assessment “%(round)s” the dimension “%(dimension)s” reached %(now)s of 4 on average. "
            "The target is %(target)s by %(horizon)s. Which steps would close the gap?"
        )
        % values
        + "\n\n"
        + _("Results: %(url)s") % {"url": reverse("maturity:results", args=[round.pk])},
        source=Idea.Source.STAFF,
        benefits_staff=True,
    )
    try:
        with transaction.atomic():
            idea = idea_submit(idea=idea, author=by)
            GapIdea.objects.create(round=round, dimension_key=dimension_key, gap=gap, idea=idea, created_by=by)
    except IntegrityError as error:
        raise MaturityError(_("This gap has already become an idea.")) from error
    return idea


def targets_save(*, rows: list[tuple[str, Decimal | None, date | None, str]], by: User) -> int:
    """Set, change or clear the target per dimension key; returns how many targets exist afterwards."""
    from maturity.models import Target

    with transaction.atomic():
        for key, level, horizon, note in rows:
            if level is None or horizon is None:
                Target.objects.filter(dimension_key=key).delete()
                continue
            if not SCORE_MIN <= level <= SCORE_MAX:
                raise MaturityError(score_error())
            Target.objects.update_or_create(
                dimension_key=key, defaults={"level": level, "horizon": horizon, "note": note}
            )
        return Target.objects.count()


def dimension_choices() -> list[tuple[str, str]]:
    """(key, title) of the latest questionnaire's dimensions, or of the shipped default before there is one."""
    latest = questionnaire_latest()
    if latest is not None:
        return [(dimension.key, dimension.title) for dimension in latest.dimensions.all()]
    data = json.loads(DEFAULT_QUESTIONNAIRE.read_text(encoding="utf-8"))
    english = (get_language() or "de").startswith("en")
    return [(d["key"], d["title_en"] if english and d.get("title_en") else d["title_de"]) for d in data["dimensions"]]
