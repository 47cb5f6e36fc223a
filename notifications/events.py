"""What happened, turned into notifications: receivers on the content apps' saves.

The content apps do not import this app (it stands above them), so it listens to their models'
saves. A receiver only notes what happened and hands the work to `notify_after_commit`: the
notifications are written once the change has committed, so a rolled-back change leaves none.
Who acted comes from the change itself where it records it (a status change's `changed_by`, a log
entry's author), else from the audit trail's context (the person of the request, see
`AuditlogMiddleware`); the actor is never notified of their own action.
"""

import re
from datetime import timedelta

from auditlog.context import auditlog_value
from django.db.models.signals import post_init, post_save
from django.utils import timezone

from accounts.models import User
from exchange.models import Follow as ExchangeFollow
from exchange.models import ReceivedItem
from exchange.permissions import can_follow as can_follow_exchange
from ideas.models import Comment, Idea, Moderation, StatusChange
from lessons.models import Lesson
from notifications.models import Notification, SurveyPhaseNotice
from notifications.services import followers, notify, notify_after_commit
from projects.models import LogEntry, Milestone, Project
from surveys.models import Survey

Kind = Notification.Kind
# How far back the periodic check looks for surveys that opened or closed (a worker that was down
# for a few days still tells; a survey closed long ago is no news).
PHASE_WINDOW = timedelta(days=7)


# A field that was not loaded (a deferred one): whether it changed is not known, so nothing is said.
UNKNOWN = object()


def _loaded(instance, field: str) -> object:
    """The value a field had when the row was read, without reading a deferred field (that would be a query)."""
    return instance.__dict__.get(field, UNKNOWN)


def current_actor_id() -> int | None:
    """The person whose request is being handled, as the audit trail records it (None in tasks and commands)."""
    actor = auditlog_value.get({}).get("actor")
    return actor.pk if isinstance(actor, User) else None


# Ideas


def _idea_status_changed(sender, instance: StatusChange, created: bool, raw: bool = False, **kwargs) -> None:
    if raw or not created or not instance.from_status:  # the submission itself is no news
        return
    notify_after_commit(lambda: idea_status_notifications(instance.pk))


def idea_status_notifications(change_pk: int) -> None:
    change = StatusChange.objects.select_related("idea").filter(pk=change_pk).first()
    if change is None:
        return
    idea = change.idea
    # A walk over several steps (idea_advance_to) tells of the status it ends at, as the author's mail does.
    if idea.status_changes.order_by("-changed_at", "-pk").values_list("pk", flat=True).first() != change.pk:
        return
    recipients = list(followers(idea))
    author = idea.author
    if author is not None and all(u.pk != author.pk for u in recipients):
        recipients.append(author)  # the author always hears of their idea's status
    notify(
        kind=Kind.IDEA_STATUS,
        target=idea,
        recipients=recipients,
        title=idea.title,
        detail=change.to_status,
        path=idea.get_absolute_url(),
        actor_id=change.changed_by_id,
        mailed_ids=[author.pk] if author is not None else [],  # ideas.workflow mailed the author already
    )


def _remember_moderation(sender, instance: Comment, **kwargs) -> None:
    instance._moderation_loaded = _loaded(instance, "moderation")  # type: ignore[attr-defined]


def _comment_saved(sender, instance: Comment, created: bool, raw: bool = False, **kwargs) -> None:
    before = None if created else getattr(instance, "_moderation_loaded", UNKNOWN)
    instance._moderation_loaded = _loaded(instance, "moderation")  # type: ignore[attr-defined]
    if raw or instance.moderation != Moderation.PUBLISHED or before in (Moderation.PUBLISHED, UNKNOWN):
        return
    actor = current_actor_id()
    notify_after_commit(lambda: comment_notifications(instance.pk, actor))


def comment_notifications(comment_pk: int, actor_id: int | None) -> None:
    comment = Comment.objects.select_related("idea").filter(pk=comment_pk, moderation=Moderation.PUBLISHED).first()
    if comment is None:
        return
    idea: Idea = comment.idea
    recipients = [u for u in followers(idea) if u.pk != comment.author_id]
    notify(
        kind=Kind.IDEA_COMMENT,
        target=idea,
        recipients=recipients,
        title=idea.title,
        path=comment.get_absolute_url(),
        actor_id=actor_id,
    )


# Projects


def _log_entry_saved(sender, instance: LogEntry, created: bool, raw: bool = False, **kwargs) -> None:
    if raw or not created:
        return
    notify_after_commit(lambda: log_entry_notifications(instance.pk))


def log_entry_notifications(entry_pk: int) -> None:
    entry = LogEntry.objects.select_related("project").filter(pk=entry_pk).first()
    if entry is None:
        return
    project: Project = entry.project
    notify(
        kind=Kind.PROJECT_STATUS if entry.status else Kind.PROJECT_LOG,
        target=project,
        recipients=followers(project),
        title=project.title,
        detail=entry.status,
        path=entry.get_absolute_url(),
        actor_id=entry.author_id,
    )


def _remember_done(sender, instance: Milestone, **kwargs) -> None:
    instance._done_loaded = _loaded(instance, "done_on")  # type: ignore[attr-defined]


def _milestone_saved(sender, instance: Milestone, created: bool, raw: bool = False, **kwargs) -> None:
    before = None if created else getattr(instance, "_done_loaded", UNKNOWN)
    instance._done_loaded = _loaded(instance, "done_on")  # type: ignore[attr-defined]
    if raw or instance.done_on is None or before is not None:
        return
    actor = current_actor_id()
    notify_after_commit(lambda: milestone_notifications(instance.pk, actor))


def milestone_notifications(milestone_pk: int, actor_id: int | None) -> None:
    milestone = Milestone.objects.select_related("project").filter(pk=milestone_pk, done_on__isnull=False).first()
    if milestone is None:
        return
    project: Project = milestone.project
    notify(
        kind=Kind.MILESTONE_DONE,
        target=project,
        recipients=followers(project),
        title=project.title,
        detail=milestone.title,
        path=milestone.get_absolute_url(),
        actor_id=actor_id,
    )


# Lessons


def _remember_state(sender, instance: Lesson, **kwargs) -> None:
    instance._state_loaded = _loaded(instance, "state")  # type: ignore[attr-defined]


def _lesson_saved(sender, instance: Lesson, created: bool, raw: bool = False, **kwargs) -> None:
    before = None if created else getattr(instance, "_state_loaded", UNKNOWN)
    instance._state_loaded = _loaded(instance, "state")  # type: ignore[attr-defined]
    if raw or instance.state != Lesson.State.PUBLISHED or before in (Lesson.State.PUBLISHED, UNKNOWN):
        return
    actor = current_actor_id()
    notify_after_commit(lambda: lesson_notifications(instance.pk, actor))


def lesson_notifications(lesson_pk: int, actor_id: int | None) -> None:
    """The lesson's followers and its project's followers hear that it was published."""
    lesson = Lesson.objects.filter(pk=lesson_pk, state=Lesson.State.PUBLISHED).first()
    if lesson is None:
        return
    recipients = followers(lesson)
    if lesson.project_id:
        recipients = recipients | User.objects.filter(content_follows__project=lesson.project_id)
    notify(
        kind=Kind.LESSON_PUBLISHED,
        target=lesson,
        recipients=recipients.distinct(),
        title=lesson.title,
        path=lesson.get_absolute_url(),
        actor_id=actor_id,
    )


# Surveys


def _remember_published(sender, instance: Survey, **kwargs) -> None:
    instance._published_loaded = _loaded(instance, "is_published")  # type: ignore[attr-defined]


def _survey_saved(sender, instance: Survey, created: bool, raw: bool = False, **kwargs) -> None:
    before = False if created else getattr(instance, "_published_loaded", UNKNOWN)
    instance._published_loaded = _loaded(instance, "is_published")  # type: ignore[attr-defined]
    if raw or not instance.is_published or before is not False:
        return
    actor = current_actor_id()
    notify_after_commit(lambda: survey_phase_notifications(Survey.objects.filter(pk=instance.pk), actor_id=actor))


def survey_phase_notifications(surveys=None, *, actor_id: int | None = None) -> int:
    """Tell the followers of published surveys that opened or closed (within PHASE_WINDOW) and were
    not told yet; called when a survey is published and by every digest run. Returns the notices written."""
    now = timezone.now()
    surveys = (Survey.objects.all() if surveys is None else surveys).filter(is_published=True)
    written = 0
    for kind, moment in ((Kind.SURVEY_OPENED, "opens_at"), (Kind.SURVEY_CLOSED, "closes_at")):
        due = surveys.filter(**{f"{moment}__lte": now, f"{moment}__gt": now - PHASE_WINDOW}).exclude(
            pk__in=SurveyPhaseNotice.objects.filter(kind=kind).values("survey")
        )
        if kind == Kind.SURVEY_OPENED:
            due = due.filter(closes_at__gt=now)  # opened and closed since the last look: only "closed"
        for survey in due:
            _, new = SurveyPhaseNotice.objects.get_or_create(survey=survey, kind=kind)
            if not new:
                continue
            written += 1
            notify(
                kind=kind,
                target=survey,
                recipients=followers(survey),
                title=survey.title,
                path=survey.get_absolute_url(),
                actor_id=actor_id,
            )
    return written


# The exchange


def _received(sender, instance: ReceivedItem, created: bool, raw: bool = False, **kwargs) -> None:
    if raw or not created or instance.withdrawn:
        return
    notify_after_commit(lambda: received_notifications(instance.pk))


WORD = re.compile(r"\w+")


def _mentions(text: str, topic: str) -> bool:
    """Whether the topic (a word or a few) stands in the text as whole words."""
    words = " ".join(WORD.findall(topic)).casefold()
    return bool(words) and f" {words} " in f" {text} "


def received_notifications(item_pk: int) -> None:
    """People who follow the item's municipality, or a topic among the words of its title and summary."""
    item = ReceivedItem.objects.filter(pk=item_pk, withdrawn=False).first()
    if item is None:
        return
    text = " ".join(WORD.findall(f"{item.title} {item.summary}")).casefold()
    follows = ExchangeFollow.objects.filter(topic__gt="")
    if item.ars:
        follows = follows | ExchangeFollow.objects.filter(ars=item.ars)
    user_ids = {f.user_id for f in follows if (item.ars and f.ars == item.ars) or _mentions(text, f.topic)}
    recipients = [u for u in User.objects.filter(pk__in=user_ids) if can_follow_exchange(u)]
    notify(
        kind=Kind.EXCHANGE_ITEM,
        target=None,
        recipients=recipients,
        title=item.title,
        detail=item.municipality,
        path=item.get_absolute_url(),
    )


def connect() -> None:
    uid = "notifications"
    post_save.connect(_idea_status_changed, sender=StatusChange, dispatch_uid=uid)
    post_init.connect(_remember_moderation, sender=Comment, dispatch_uid=uid)
    post_save.connect(_comment_saved, sender=Comment, dispatch_uid=uid)
    post_save.connect(_log_entry_saved, sender=LogEntry, dispatch_uid=uid)
    post_init.connect(_remember_done, sender=Milestone, dispatch_uid=uid)
    post_save.connect(_milestone_saved, sender=Milestone, dispatch_uid=uid)
    post_init.connect(_remember_state, sender=Lesson, dispatch_uid=uid)
    post_save.connect(_lesson_saved, sender=Lesson, dispatch_uid=uid)
    post_init.connect(_remember_published, sender=Survey, dispatch_uid=uid)
    post_save.connect(_survey_saved, sender=Survey, dispatch_uid=uid)
    post_save.connect(_received, sender=ReceivedItem, dispatch_uid=uid)
