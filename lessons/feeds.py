"""Atom feed of published lessons: only what anyone may read, newest first."""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from core.feeds import TextAtom1Feed
from lessons.models import Lesson


class LessonFeed(Feed):
    feed_type = TextAtom1Feed
    title = _("Lessons learned")
    subtitle = _("What our digitalisation projects taught us, failures included.")
    link = reverse_lazy("lessons:list")

    def items(self):
        return Lesson.objects.public().select_related("project").order_by("-published_at", "-pk")[:50]

    def item_title(self, item: Lesson) -> str:
        return f"{item.title} ({item.get_outcome_display()})"

    def item_description(self, item: Lesson) -> str:
        return item.context[:500]

    def item_pubdate(self, item: Lesson):
        return item.published_at

    def item_updateddate(self, item: Lesson):
        return item.updated_at

    def item_categories(self, item: Lesson) -> list[str]:
        return [str(item.get_outcome_display())]
