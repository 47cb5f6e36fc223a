"""The search index: one row per searchable object, whatever app it comes from.

The full-text part lives beside the table and is created by the migrations per database:
on PostgreSQL two generated `tsvector` columns (`german` configuration) with GIN indexes, on
SQLite an FTS5 table fed by triggers from `title_stems`/`body_stems`, which Python fills with
Snowball stems. The rows are derived data: `manage.py search_reindex` rebuilds them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    """Who may find a document. Objects nobody may find (hidden ideas, say) are not indexed at all."""

    PUBLIC = "public", _("everyone")
    INTERNAL = "internal", _("the administration")
    TEAM = "team", _("the strategy team")


class Document(models.Model):
    kind = models.CharField(_("type"), max_length=20)
    object_id = models.PositiveBigIntegerField(_("object"))
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("address"), max_length=300)
    status = models.CharField(_("status"), max_length=30, blank=True)
    # ",3,7," – the ids of the fields of action, comma-framed so a LIKE finds one exactly.
    field_ids = models.CharField(_("fields of action"), max_length=300, blank=True)
    audience = models.CharField(_("visible to"), max_length=10, choices=Audience)
    date = models.DateTimeField(_("date"), null=True, blank=True)
    # Snowball stems for SQLite's FTS5 table; empty on PostgreSQL, which stems by itself.
    title_stems = models.TextField(blank=True, editable=False)
    body_stems = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="one_document_per_object")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title}"

    @property
    def field_id_list(self) -> list[int]:
        return [int(pk) for pk in self.field_ids.strip(",").split(",") if pk]
