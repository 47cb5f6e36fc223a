"""Workflows of the idea pool. Each runs in one transaction; views only validate and call."""

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import AnyUser, User
from core.links import absolute_url
from core.mail import send_after_commit, send_now
from core.similarity import TextVectors, embed_in_batches
from ideas.models import Comment, Follow, Idea, Moderation, Report, StatusChange, Support
from ideas.permissions import contributions_need_moderation, submission_moderation
from ideas.similarity import idea_text

logger = logging.getLogger(__name__)
CONFIRM_SALT = "etappe.ideas.confirm"
CONFIRM_MAX_AGE = 7 * 24 * 3600


class WorkflowError(ValueError):
    """A requested change that the idea's workflow does not allow; the message says why."""


class SubmissionRepeated(Exception):
    """The same form (its submission token) was sent before; `idea` is what that submission created."""

    def __init__(self, idea: Idea) -> None:
        super().__init__(idea.pk)
        self.idea = idea


def earlier_submission(token: str) -> Idea | None:
    return Idea.objects.filter(submission_token=token).first() if token else None


def _notify_author(
    idea: Idea, subject: str, template: str, context: dict, *, send: Callable[..., None] = send_now
) -> None:
    address = idea.author.email if idea.author is not None else idea.author_email
    if not address:
        return
    body = render_to_string(template, {"idea": idea, "idea_url": absolute_url(idea), **context})
    # The subject may carry the title (a line break in it made Django refuse the mail with a 500
    # after the change was saved): core.mail makes it one safe line.
    send(subject, body, [address])


def notify_author_of_change(idea: Idea, template: str, context: dict) -> None:
    """Tell the author what a moderator did, in the platform's language (not the moderator's), once
    the change has committed (one mail per change; a change rolled back sends none)."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("News about your idea “%(title)s”") % {"title": idea.title}
        _notify_author(idea, subject, template, context, send=send_after_commit)


def idea_submit(*, idea: Idea, author: User | None) -> Idea:
    """Save a new idea. Staff publish directly, citizens wait for moderation, and anonymous
    submitters first confirm their e-mail address (double opt-in): `submission_moderation` decides,
    and the returned idea's `moderation` carries the decision (the page's message follows it).

    An idea with a `submission_token` that was used before is not saved again: SubmissionRepeated
    carries the idea the first submission created (also when both arrive at once).
    """
    now = timezone.now()
    if author is not None and author.is_authenticated:
        idea.author = author
        idea.author_name, idea.author_email = "", ""
        if not idea.source:
            idea.source = Idea.Source.CITIZEN if author.role == "citizen" else Idea.Source.STAFF
    else:
        idea.author = None
        idea.consent_at = now
        idea.source = Idea.Source.CITIZEN
    idea.moderation = submission_moderation(author)
    idea.status = Idea.Status.SUBMITTED
    idea.submitted_at = idea.last_activity_at = now
    try:
        with transaction.atomic():
            idea.save()
            StatusChange.objects.create(
                idea=idea, to_status=Idea.Status.SUBMITTED, reason=_("Submitted."), changed_by=idea.author
            )
            if idea.author_id:
                Follow.objects.get_or_create(idea=idea, user=idea.author)
            ideas_embed_later([idea])
    except IntegrityError:
        # A parallel request with the same form token committed first (the unique token waited for it).
        earlier = earlier_submission(idea.submission_token or "")
        if earlier is None:
            raise
        raise SubmissionRepeated(earlier) from None
    if idea.moderation == Moderation.UNCONFIRMED:
        token = signing.dumps({"idea": idea.pk, "email": idea.author_email}, salt=CONFIRM_SALT)
        link = absolute_url("ideas:confirm", token)
        _notify_author(idea, _("Please confirm your idea"), "ideas/email/confirm.txt", {"link": link})
    return idea


def _confirmation(token: str) -> dict | None:
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    return data if isinstance(data, dict) else None


def idea_to_confirm(*, token: str) -> Idea | None:
    """The idea a confirmation link is for, unchanged (the page that asks to confirm it)."""
    data = _confirmation(token)
    if data is None or data.get("idea") is None:
        return None
    return Idea.objects.filter(pk=data["idea"], author_email=data.get("email")).first()


def idea_confirm_email(*, token: str) -> Idea | None:
    """The anonymous submitter confirmed with the link (a POST): the idea moves on to moderation."""
    data = _confirmation(token)
    if data is None or data.get("idea") is None:
        return None
    with transaction.atomic():
        idea = Idea.objects.select_for_update().filter(pk=data["idea"], author_email=data.get("email")).first()
        if idea is not None and idea.moderation == Moderation.UNCONFIRMED:
            idea.moderation = Moderation.PENDING
            idea.save(update_fields=["moderation", "updated_at"])
    return idea


def idea_moderate(*, idea: Idea, publish: bool, reason: str, by: User) -> Idea:
    """Publish a waiting idea, or hide one with a reason shown in its place. Nothing is deleted."""
    if not publish and not reason.strip():
        raise WorkflowError(_("Hiding needs a reason."))
    with transaction.atomic():
        idea.moderation = Moderation.PUBLISHED if publish else Moderation.HIDDEN
        idea.hidden_reason = "" if publish else reason
        idea.save(update_fields=["moderation", "hidden_reason", "updated_at"])
        Report.objects.filter(idea=idea, resolved_at__isnull=True).update(resolved_at=timezone.now(), resolved_by=by)
    return idea


def comment_moderate(*, comment: Comment, publish: bool, reason: str, by: User) -> Comment:
    if not publish and not reason.strip():
        raise WorkflowError(_("Hiding needs a reason."))
    with transaction.atomic():
        comment.moderation = Moderation.PUBLISHED if publish else Moderation.HIDDEN
        comment.hidden_reason = "" if publish else reason
        comment.save(update_fields=["moderation", "hidden_reason"])
        Report.objects.filter(comment=comment, resolved_at__isnull=True).update(
            resolved_at=timezone.now(), resolved_by=by
        )
        _recount(comment.idea_id)
    return comment


@dataclass(frozen=True)
class SupportOutcome:
    found: bool  # the idea was among the ideas the caller allowed
    added: bool  # a support was added (False: the person had supported it before)
    count: int | None  # the stored number of supports afterwards, when found


def idea_support_in(ideas: "QuerySet[Idea]", *, pk: int, user: User) -> SupportOutcome:
    """Back the idea `pk` once, if it is among `ideas` (the caller's rule of which ideas may be supported).

    The busiest write of the platform, so the check, the support row and the counter go to the
    database together: one statement on PostgreSQL (data-modifying CTEs, atomic on their own; one
    round trip instead of reading the idea, then BEGIN, INSERT, UPDATE, COMMIT and a SELECT of the
    new count) and one transaction on SQLite. `ON CONFLICT DO NOTHING` on the unique (idea, user)
    pair makes a second or concurrent click a no-op. The allowed set is compiled by the ORM from
    the queryset, so the rule stays where it is written.
    """
    target, target_params = ideas.filter(pk=pk).order_by().values("id").query.sql_with_params()
    support, table = Support._meta.db_table, Idea._meta.db_table
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    # Table names come from the models and the target from the ORM; every value is a parameter.
    insert = f"INSERT INTO {support} (idea_id, user_id, created_at) SELECT id, %s, %s"
    increment = f"UPDATE {table} SET support_count = support_count + 1, last_activity_at = %s"  # noqa: S608
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH target(id) AS ({target}), "  # noqa: S608
                f"added AS ({insert} FROM target ON CONFLICT (idea_id, user_id) DO NOTHING RETURNING idea_id) "
                f"{increment} WHERE id IN (SELECT idea_id FROM added) RETURNING support_count",
                [*target_params, user.pk, now, now],
            )
            row = cursor.fetchone()
        else:
            with transaction.atomic():
                # No CTE here: Python's sqlite3 reports no row count for a statement that starts with
                # WITH. "WHERE true" tells SQLite's parser that ON CONFLICT belongs to the INSERT.
                cursor.execute(
                    f"{insert} FROM ({target}) WHERE true ON CONFLICT (idea_id, user_id) DO NOTHING",
                    [user.pk, now, *target_params],
                )
                row = None
                if cursor.rowcount == 1:
                    cursor.execute(f"{increment} WHERE id = %s RETURNING support_count", [now, pk])
                    row = cursor.fetchone()
    if row is not None:
        return SupportOutcome(found=True, added=True, count=row[0])
    # Nothing added: supported before (the stored count), or not among `ideas` (None). Rare.
    count = ideas.filter(pk=pk).values_list("support_count", flat=True).first()
    return SupportOutcome(found=count is not None, added=False, count=count)


def idea_support(*, idea: Idea, user: User) -> bool:
    """Back an idea once. A second support is a no-op; returns whether a support was added.

    Afterwards `idea.support_count` holds the count in the database.
    """
    outcome = idea_support_in(Idea.objects.all(), pk=idea.pk, user=user)
    if not outcome.found or outcome.count is None:  # found: the count is known
        raise Idea.DoesNotExist
    idea.support_count = outcome.count
    return outcome.added


def idea_unsupport(*, idea: Idea, user: User) -> bool:
    with transaction.atomic():
        deleted, _ = Support.objects.filter(idea=idea, user=user).delete()
        if deleted:
            Idea.objects.filter(pk=idea.pk).update(support_count=F("support_count") - 1)
    return bool(deleted)


def comment_add(*, idea: Idea, author: User, text: str, parent: Comment | None = None) -> Comment:
    """Comments are one level deep: a reply to a reply attaches to the top-level comment."""
    if parent is not None:
        if parent.idea_id != idea.pk:
            raise WorkflowError(_("The comment you answer belongs to another idea."))
        parent = parent.parent or parent
    moderation = Moderation.PENDING if contributions_need_moderation(author) else Moderation.PUBLISHED
    with transaction.atomic():
        comment = Comment.objects.create(idea=idea, author=author, text=text, parent=parent, moderation=moderation)
        Follow.objects.get_or_create(idea=idea, user=author)
        _recount(idea.pk)
    return comment


def report_create(*, target: Idea | Comment, reason: str, reporter: AnyUser | None) -> Report:
    user = reporter if reporter is not None and reporter.is_authenticated else None
    if isinstance(target, Idea):
        return Report.objects.create(idea=target, reason=reason, reporter=user)
    return Report.objects.create(comment=target, reason=reason, reporter=user)


def _recount(idea_id: int) -> None:
    counts = (
        Idea.objects.filter(pk=idea_id)
        .annotate(
            supports_now=Count("supports", distinct=True),
            comments_now=Count("comments", filter=Q(comments__moderation=Moderation.PUBLISHED), distinct=True),
        )
        .values("supports_now", "comments_now")
        .first()
    )
    if counts:
        Idea.objects.filter(pk=idea_id).update(
            support_count=counts["supports_now"], comment_count=counts["comments_now"], last_activity_at=timezone.now()
        )


def idea_merge(*, duplicate: Idea, into: Idea, reason: str, by: User) -> Idea:
    """Merge a duplicate into the idea that is kept. Supports, comments and followers move;
    a person who supported both counts once; the duplicate points to the kept idea."""
    if duplicate.pk == into.pk:
        raise WorkflowError(_("An idea cannot be merged into itself."))
    if into.status == Idea.Status.MERGED:
        raise WorkflowError(_("The idea to keep has itself been merged; choose the idea it was merged into."))
    if duplicate.status == Idea.Status.MERGED:
        raise WorkflowError(_("This idea has already been merged."))
    if not reason.strip():
        raise WorkflowError(_("Every status change needs a reason."))
    with transaction.atomic():
        kept_supporters = Support.objects.filter(idea=into).values("user")
        Support.objects.filter(idea=duplicate).exclude(user__in=kept_supporters).update(idea=into)
        Support.objects.filter(idea=duplicate).delete()
        kept_followers = Follow.objects.filter(idea=into).values("user")
        Follow.objects.filter(idea=duplicate).exclude(user__in=kept_followers).update(idea=into)
        Follow.objects.filter(idea=duplicate).delete()
        Comment.objects.filter(idea=duplicate).update(idea=into)
        StatusChange.objects.create(
            idea=duplicate, from_status=duplicate.status, to_status=Idea.Status.MERGED, reason=reason, changed_by=by
        )
        duplicate.status = Idea.Status.MERGED
        duplicate.merged_into = into
        duplicate.save(update_fields=["status", "merged_into", "updated_at"])
        _recount(duplicate.pk)
        _recount(into.pk)
    notify_author_of_change(
        duplicate, "ideas/email/merged.txt", {"into": into, "into_url": absolute_url(into), "reason": reason}
    )
    into.refresh_from_db()
    return into


# Ideas per engine call in the background task: large enough to keep every core busy, small
# enough that a task run stays short and new ideas do not wait behind a long backlog.
EMBED_BATCH = 64


def ideas_embed_later(ideas: Iterable[Idea]) -> None:
    """Have the background task compute the vectors of these ideas: new ones, or ones whose title or
    description changed (their old vectors are dropped now). Until it has run, similar ideas match
    them by their words. The task is enqueued once the current transaction has committed: the rule
    for embeddings (docs/architecture.md, "Derived data"), as the model is too slow for a request."""
    from ideas.tasks import embed_ideas  # the task module imports this one

    ideas = list(ideas)
    ids = [idea.pk for idea in ideas]
    if not ids:
        return
    Idea.objects.filter(pk__in=ids, embedding__isnull=False).update(embedding=None, sparse_terms=None)
    for idea in ideas:
        if "embedding" in idea.__dict__:
            idea.embedding = idea.sparse_terms = None
    transaction.on_commit(partial(embed_ideas.enqueue, ids))


def ideas_embed_pending(*, first: Iterable[int] = (), limit: int | None = None, batch_size: int = EMBED_BATCH) -> int:
    """Compute and store the vectors of ideas that have none, in batches: the ideas in `first`
    before all others, then the others newest first, until none is left or `limit` ideas have been
    embedded. Returns how many ideas got vectors.

    Ideas that already have vectors are skipped, so running this twice does no harm. A vector is
    stored only if the idea's text is still the one embedded: an edit meanwhile (which drops the
    vectors and enqueues the task again) is never overwritten with the vectors of the old text.
    """
    queue = list(dict.fromkeys(first))

    def next_batch(size: int) -> list[Idea]:
        nonlocal queue
        pending = Idea.objects.filter(embedding__isnull=True).only("pk", "title", "description")
        batch = list(pending.filter(pk__in=queue[:size]))
        queue = queue[size:]
        if len(batch) < size:
            batch += pending.exclude(pk__in=[idea.pk for idea in batch]).order_by("-pk")[: size - len(batch)]
        return batch

    def store(batch: Sequence[Idea], vectors: list[TextVectors]) -> int:
        stored = 0
        with transaction.atomic():
            for idea, vector in zip(batch, vectors, strict=True):
                stored += Idea.objects.filter(
                    pk=idea.pk, embedding__isnull=True, title=idea.title, description=idea.description
                ).update(embedding=vector.dense, sparse_terms=vector.sparse)
        return stored

    def text_of(idea: Idea) -> str:
        return idea_text(idea.title, idea.description)

    return embed_in_batches(next_batch, text_of, store, limit=limit, batch_size=batch_size).stored


def ideas_embed_missing(*, batch_size: int = EMBED_BATCH) -> int:
    """Compute the vectors of every idea that has none yet, now; returns how many were embedded."""
    return ideas_embed_pending(batch_size=batch_size)
