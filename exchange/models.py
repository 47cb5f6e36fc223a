"""The nationwide exchange: what this installation publishes, whom it follows and what it received.

- `Publication` is the outbox: one signed document per public project and per public or network
  lesson, rebuilt when the object changes; `changed_at` moves only when the document really
  changed, so peers' incremental syncs (`since`) and conditional requests (ETag) stay cheap.
  A project that turns internal or is deleted, or a lesson that is withdrawn, stays as a
  withdrawn publication so subscribers learn about it.
- `Peer` is another installation whose feed this one reads; `ReceivedItem` holds what it sent.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InstallationKey(models.Model):
    """This installation's Ed25519 key pair (one row). The public key is published with every feed."""

    private_key = models.BinaryField()
    public_key = models.CharField(max_length=64, unique=True)  # base64 of the 32 raw bytes
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("installation key")

    def __str__(self) -> str:
        return self.public_key


class Publication(models.Model):
    class Kind(models.TextChoices):
        PROJECT = "project", _("project")
        LESSON = "lesson", _("lesson learned")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    local_id = models.PositiveIntegerField()
    withdrawn = models.BooleanField(default=False)
    document = models.JSONField(default=dict)
    digest = models.CharField(max_length=64)
    signature = models.CharField(max_length=100)
    changed_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "local_id"], name="publication_unique_object")]
        indexes = [models.Index(fields=["changed_at", "id"])]
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.local_id}"


class PeerQuerySet(models.QuerySet["Peer"]):
    def due(self) -> "PeerQuerySet":
        """Active peers whose back-off after failures has run out."""
        now = timezone.now()
        return self.filter(active=True).filter(
            models.Q(next_attempt_at__isnull=True) | models.Q(next_attempt_at__lte=now)
        )


class Peer(models.Model):
    url = models.URLField(_("address of the installation"), max_length=300, unique=True)
    name = models.CharField(_("municipality"), max_length=200, blank=True)
    ars = models.CharField(_("ARS"), max_length=12, blank=True)
    state = models.CharField(_("federal state"), max_length=100, blank=True)
    public_key = models.CharField(
        _("public key"),
        max_length=64,
        blank=True,
        help_text=_("Pinned at the first successful sync: documents signed with another key are refused."),
    )
    active = models.BooleanField(_("active"), default=True)
    etag = models.CharField(max_length=200, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    cursor = models.CharField(max_length=100, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_error_at = models.DateTimeField(_("last error"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    items_received = models.PositiveIntegerField(_("items"), default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    objects = PeerQuerySet.as_manager()

    class Meta:
        ordering = ["name", "url"]
        verbose_name = _("peer")
        verbose_name_plural = _("peers")

    def __str__(self) -> str:
        return self.name or self.url

    def get_absolute_url(self) -> str:
        return reverse("exchange:peer_detail", args=[self.pk])


class ReceivedItemQuerySet(models.QuerySet["ReceivedItem"]):
    def current(self) -> "ReceivedItemQuerySet":
        return self.filter(withdrawn=False)


class ReceivedItem(models.Model):
    """A project or lesson of another municipality, as its installation published and signed it."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("type"), max_length=10, choices=Publication.Kind.choices)
    uid = models.CharField(max_length=200)
    municipality = models.CharField(_("municipality"), max_length=200)
    ars = models.CharField(_("ARS"), max_length=12, blank=True, db_index=True)
    state = models.CharField(_("federal state"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(_("status"), max_length=30, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    document = models.JSONField(default=dict)
    signature = models.CharField(max_length=100)
    remote_changed_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now)
    withdrawn = models.BooleanField(_("withdrawn"), default=False)
    # Dense multilingual-e5 vector of title and summary (384 float32, as core.similarity stores it),
    # computed in the background (exchange.similar); cleared when the text changes. `embedded_at`
    # tells the in-memory index of "who has done this before?" that it is out of date.
    embedding = models.BinaryField(null=True, editable=False)
    embedded_at = models.DateTimeField(null=True, editable=False, db_index=True)

    objects = ReceivedItemQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["peer", "uid"], name="received_item_unique_per_peer")]
        indexes = [models.Index(fields=["-remote_changed_at", "id"]), models.Index(fields=["kind", "outcome"])]
        ordering = ["-remote_changed_at", "-id"]
        verbose_name = _("item from another municipality")
        verbose_name_plural = _("items from other municipalities")

    def __str__(self) -> str:
        return f"{self.title} ({self.municipality})"

    def get_absolute_url(self) -> str:
        return reverse("exchange:item_detail", args=[self.pk])

    @property
    def outcome_label(self) -> str:
        from lessons.models import Lesson

        return str(dict(Lesson.Outcome.choices).get(self.outcome, self.outcome))

    @property
    def status_label(self) -> str:
        from projects.models import Project

        return str(dict(Project.Status.choices).get(self.status, self.status))

    @property
    def is_failure(self) -> bool:
        return self.outcome in ("failed", "stopped") or self.status == "stopped"


class Follow(models.Model):
    """A person follows a municipality (by ARS) or a topic (a word) and sees their activity."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exchange_follows")
    ars = models.CharField(_("municipality (ARS)"), max_length=12, blank=True)
    municipality = models.CharField(_("municipality"), max_length=200, blank=True)
    topic = models.CharField(_("topic"), max_length=60, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "ars", "topic"], name="follow_unique"),
            models.CheckConstraint(condition=~models.Q(ars="", topic=""), name="follow_has_target"),
        ]
        ordering = ["municipality", "topic"]
        verbose_name = _("followed municipality or topic")
        verbose_name_plural = _("followed municipalities and topics")

    def __str__(self) -> str:
        return self.municipality or self.topic


class Adoption(models.Model):
    """An idea of our own that started from another municipality's project or lesson ("adapt, don't copy")."""

    item = models.ForeignKey(ReceivedItem, on_delete=models.SET_NULL, null=True, related_name="adoptions")
    idea = models.OneToOneField("ideas.Idea", on_delete=models.CASCADE, related_name="adopted_from")
    source_title = models.CharField(max_length=200)
    source_municipality = models.CharField(max_length=200)
    source_url = models.URLField(max_length=500, blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    adopted_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.source_title} ({self.source_municipality})"
