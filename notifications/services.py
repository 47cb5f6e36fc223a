"""Following, notifying and the e-mail digest.

Notifications are written after the change that caused them has committed (`notify_after_commit`):
a change that is rolled back leaves none, and a failure here is logged and never turns a saved
change into an error page. Mails go out only from the digest run (`send_digests`), which the
background worker or `manage.py send_digests` starts, never a request.
"""

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Case, Exists, F, IntegerChoices, OuterRef, QuerySet, Value, When
from django.db.models.functions import Coalesce, Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import Role, User
from core.links import absolute_url
from core.mail import header_text
from exchange.models import Follow as ExchangeFollow
from ideas.models import Follow as IdeaFollow
from ideas.models import Idea
from lessons.models import Lesson
from notifications.models import Follow, Frequency, Notification, Subscription, default_frequency
from notifications.permissions import may_see
from projects.models import Project
from surveys.models import Survey

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
# People per transaction of a digest run: their rows are read in one query and marked in one.
DIGEST_BATCH = 500

Followable = Idea | Project | Lesson | Survey


# Following


def _follows_of(target: Followable) -> "QuerySet":
    if isinstance(target, Idea):
        return IdeaFollow.objects.filter(idea=target)
    field = {Project: "project", Lesson: "lesson", Survey: "survey"}[type(target)]
    return Follow.objects.filter(**{field: target})


def is_following(*, user: User, target: Followable) -> bool:
    return _follows_of(target).filter(user=user).exists()


def follow(*, user: User, target: Followable) -> None:
    """Follow an object (once; a second time changes nothing). The caller checked that the user may see it."""
    if isinstance(target, Idea):
        IdeaFollow.objects.get_or_create(idea=target, user=user)
    else:
        field = {Project: "project", Lesson: "lesson", Survey: "survey"}[type(target)]
        Follow.objects.get_or_create(user=user, **{field: target})  # type: ignore[arg-type]  # one of three keys


def unfollow(*, user: User, target: Followable) -> None:
    """Stop following. The author of an idea still hears of its status (always, by mail as well)."""
    _follows_of(target).filter(user=user).delete()


def followers(target: Followable) -> "QuerySet[User]":
    return User.objects.filter(pk__in=_follows_of(target).values("user"))


# What a person follows, for the page that lists it (`/notifications/following/`)


class FollowedKind(IntegerChoices):
    """The groups of the page, in their order."""

    IDEA = 1, _("Ideas")
    PROJECT = 2, _("Projects")
    LESSON = 3, _("Lessons")
    SURVEY = 4, _("Surveys")
    MUNICIPALITY = 5, _("Municipalities in the exchange")
    TOPIC = 6, _("Topics in the exchange")


@dataclass
class Followed:
    """One row of the page: the follow row (`source` says which table), what it names, and
    whether the person may still see it (if not, it is neither named nor linked)."""

    kind: FollowedKind
    source: str  # "idea", "content" or "exchange": whose Follow table `pk` is in
    pk: int
    target: object
    visible: bool

    @property
    def title(self) -> str:
        return str(self.target)

    @property
    def url(self) -> str:
        if self.source == "exchange":
            return reverse("exchange:activity")
        return self.target.get_absolute_url()  # type: ignore[attr-defined]


def followed_rows(user: User) -> "QuerySet":
    """Everything a person follows as one sorted list of rows (kind, source, row, key): ideas,
    projects, lessons and surveys, municipalities and topics of the exchange. One query, however
    many tables; `followed_page` loads what a page shows."""
    # Each part without its model's ordering: SQLite allows ORDER BY only on the whole union.
    ideas = (
        IdeaFollow.objects.filter(user=user)
        .order_by()
        .values(kind=Value(FollowedKind.IDEA.value), source=Value("idea"), row=F("pk"), key=Lower("idea__title"))
    )
    content = (
        Follow.objects.filter(user=user)
        .order_by()
        .values(
            kind=Case(
                When(project__isnull=False, then=Value(FollowedKind.PROJECT.value)),
                When(lesson__isnull=False, then=Value(FollowedKind.LESSON.value)),
                default=Value(FollowedKind.SURVEY.value),
            ),
            source=Value("content"),
            row=F("pk"),
            key=Lower(Coalesce("project__title", "lesson__title", "survey__title")),
        )
    )
    exchange = (
        ExchangeFollow.objects.filter(user=user)
        .order_by()
        .values(
            kind=Case(
                When(ars="", then=Value(FollowedKind.TOPIC.value)), default=Value(FollowedKind.MUNICIPALITY.value)
            ),
            source=Value("exchange"),
            row=F("pk"),
            key=Lower(Case(When(municipality="", then="topic"), default="municipality")),
        )
    )
    return ideas.union(content, exchange, all=True).order_by("kind", "key", "row")


def followed_page(user: User, rows: Iterable[dict]) -> list[Followed]:
    """The rows of one page with their objects: one query per table that has rows on the page."""
    rows = list(rows)
    wanted: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        wanted[row["source"]].append(row["row"])
    loaded: dict[tuple[str, int], object] = {}
    if wanted["idea"]:
        for idea_follow in IdeaFollow.objects.filter(pk__in=wanted["idea"]).select_related("idea"):
            loaded["idea", idea_follow.pk] = idea_follow.idea
    if wanted["content"]:
        follows = Follow.objects.filter(pk__in=wanted["content"]).select_related("project", "lesson", "survey")
        for content_follow in follows.prefetch_related("lesson__authors"):
            loaded["content", content_follow.pk] = (
                content_follow.project or content_follow.lesson or content_follow.survey
            )
    if wanted["exchange"]:
        for exchange_follow in ExchangeFollow.objects.filter(pk__in=wanted["exchange"]):
            loaded["exchange", exchange_follow.pk] = exchange_follow
    page = []
    for row in rows:
        target = loaded.get((row["source"], row["row"]))
        if target is None:  # unfollowed between the two queries
            continue
        visible = row["source"] == "exchange" or may_see(user, target)  # type: ignore[arg-type]
        page.append(Followed(FollowedKind(row["kind"]), row["source"], row["row"], target, visible))
    return page


def own_ideas(user: User) -> "QuerySet[Idea]":
    """The ideas the person submitted: of changes to their status the author always hears
    (`notifications.events`), whether or not they follow them, so the page lists them apart."""
    return Idea.objects.filter(author=user).order_by(Lower("title"), "pk")


def unfollow_row(*, user: User, source: str, pk: int) -> bool:
    """Delete one of the person's own follow rows (even of what they may no longer see)."""
    model = {"idea": IdeaFollow, "content": Follow, "exchange": ExchangeFollow}[source]
    deleted, _rows = model.objects.filter(user=user, pk=pk).delete()  # type: ignore[attr-defined]
    return bool(deleted)


# Notifying


def frequencies(users: Iterable[User]) -> dict[int, str]:
    """Each person's digest frequency: their choice, else the default of their role."""
    users = list(users)
    chosen = dict(Subscription.objects.filter(user__in=[u.pk for u in users]).values_list("user_id", "frequency"))
    return {u.pk: chosen.get(u.pk) or default_frequency(u.role) for u in users}


def notify(
    *,
    kind: str,
    target: Followable | None,
    recipients: Iterable[User],
    title: str,
    path: str,
    detail: str = "",
    actor_id: int | None = None,
    mailed_ids: Iterable[int] = (),
) -> list[Notification]:
    """One notification per recipient who may see `target`, not the actor. `mailed_ids`: people who
    got a mail about this already (an idea's author), so no digest repeats it."""
    people = {u.pk: u for u in recipients if u.pk != actor_id}
    people = {pk: u for pk, u in people.items() if target is None or may_see(u, target)}
    if not people:
        return []
    now = timezone.now()
    mailed = set(mailed_ids)
    wanted = frequencies(people.values())
    rows = Notification.objects.bulk_create(
        Notification(
            recipient_id=pk,
            kind=kind,
            title=title[:300],
            detail=detail[:300],
            path=path[:500],
            created_at=now,
            sent_at=now if pk in mailed or wanted[pk] == Frequency.NEVER else None,
        )
        for pk in people
    )
    soon = [pk for pk in people if wanted[pk] == Frequency.IMMEDIATELY and pk not in mailed]
    if soon:
        from notifications.tasks import send_immediately

        transaction.on_commit(partial(send_immediately.enqueue, soon), robust=True)
    return rows


def notify_after_commit(build: Callable[[], object]) -> None:
    """Run `build` (which calls `notify`) once the surrounding transaction has committed; a failure is logged."""

    def run() -> None:
        with transaction.atomic():
            build()

    transaction.on_commit(run, robust=True)


# The digest


@dataclass
class DigestRun:
    people: int = 0
    mails: int = 0
    notifications: int = 0
    failed: int = 0


def unsubscribe_token(user: User) -> str:
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT)


def user_for_token(token: str) -> User | None:
    """The person an unsubscribe link is for; None for a changed or made-up link."""
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=pk, is_active=True).first() if isinstance(pk, int) else None


def set_frequency(*, user: User, frequency: str) -> None:
    Subscription.objects.update_or_create(user=user, defaults={"frequency": frequency})


def frequency_of(user: User) -> str:
    return frequencies([user])[user.pk]


def digest_recipients(frequency: str) -> "QuerySet[User]":
    """Active people whose frequency is `frequency` and who have notifications no mail has said yet."""
    effective = Coalesce(
        "notification_subscription__frequency",
        Case(When(role=Role.CITIZEN, then=Value(default_frequency(Role.CITIZEN))), default=Value(Frequency.DAILY)),
    )
    waiting = Notification.objects.filter(recipient=OuterRef("pk"), sent_at__isnull=True)
    return (
        User.objects.filter(is_active=True)
        .exclude(email="")
        .filter(Exists(waiting))
        .alias(frequency=effective)
        .filter(frequency=frequency)
        .order_by("pk")
    )


def _digest_message(user: User, entries: list[Notification]) -> EmailMessage:
    unsubscribe = absolute_url("notifications:unsubscribe", unsubscribe_token(user))
    subject = ngettext(
        "%(count)d new notification on Etappe", "%(count)d new notifications on Etappe", len(entries)
    ) % {"count": len(entries)}
    body = render_to_string(
        "notifications/email/digest.txt",
        {
            "user": user,
            "entries": [(entry.text, absolute_url(entry.path)) for entry in entries],
            "all_url": absolute_url("notifications:list"),
            "settings_url": absolute_url("notifications:settings"),
            "unsubscribe_url": unsubscribe,
        },
    )
    return EmailMessage(
        header_text(subject), body, None, [user.email], headers={"List-Unsubscribe": f"<{unsubscribe}>"}
    )


def send_digests(frequency: str, *, user_ids: Iterable[int] | None = None) -> DigestRun:
    """Send everyone of this frequency one mail with their notifications no mail has said yet.

    A batch of people is read, mailed and marked sent in one transaction (the rows are locked
    where the database can, so two runs at once do not send twice); a person whose mail fails
    keeps their rows for the next run. Notifications read in the app meanwhile are marked sent
    without being mailed.
    """
    run = DigestRun()
    people = digest_recipients(frequency)
    if user_ids is not None:
        people = people.filter(pk__in=list(user_ids))
    pks = list(people.values_list("pk", flat=True))
    connection = get_connection()
    with translation.override(settings.LANGUAGE_CODE), connection:
        for start in range(0, len(pks), DIGEST_BATCH):
            batch = pks[start : start + DIGEST_BATCH]
            with transaction.atomic():
                _send_batch(batch, run, connection)
    return run


def _send_batch(pks: list[int], run: DigestRun, connection) -> None:
    rows = (
        Notification.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(recipient__in=pks, sent_at__isnull=True)
        .order_by("recipient_id", "-created_at", "-pk")
        .only("pk", "recipient_id", "kind", "title", "detail", "path", "read_at")
    )
    per_person: dict[int, list[Notification]] = defaultdict(list)
    for row in rows:
        per_person[row.recipient_id].append(row)
    users = User.objects.in_bulk(list(per_person), field_name="pk")
    done: list[int] = []
    for pk, entries in per_person.items():
        unread = [entry for entry in entries if entry.read_at is None]
        run.people += 1
        if unread:
            try:
                connection.send_messages([_digest_message(users[pk], unread)])
            except Exception:  # a refused address must not stop everyone else's digest
                logger.exception("The digest for person %s could not be sent", pk)
                run.failed += 1
                continue
            run.mails += 1
            run.notifications += len(unread)
        done.extend(entry.pk for entry in entries)
    Notification.objects.filter(pk__in=done).update(sent_at=timezone.now())


def mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
