"""Atom feeds of the public progress site: project updates and milestones reached, public projects only."""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from core.feeds import TextAtom1Feed
from core.links import absolute_url
from projects.models import LogEntry, Milestone, Project


class ProjectUpdatesFeed(Feed):
    feed_type = TextAtom1Feed
    title = _("Project updates")
    subtitle = _("The progress log of our public digitalisation projects.")
    link = reverse_lazy("projects:list")

    def items(self):
        return (
            LogEntry.objects.filter(project__visibility=Project.Visibility.PUBLIC)
            .select_related("project")
            .order_by("-entry_date", "-pk")[:50]
        )

    def item_title(self, item: LogEntry) -> str:
        # An entry that records a status change has no traffic light: its title names the new status.
        if item.status:
            return f"{item.project.title}: {_('Status changed:')} {item.get_status_display()}"
        return f"{item.project.title}: {item.get_light_display()}"

    def item_description(self, item: LogEntry) -> str:
        return item.happened

    def item_link(self, item: LogEntry) -> str:
        return item.project.get_absolute_url()

    def item_guid(self, item: LogEntry) -> str:
        # An Atom id must be an absolute IRI (a feed reader takes a relative one as broken).
        return absolute_url(f"{item.project.get_absolute_url()}#log-{item.pk}")

    def item_pubdate(self, item: LogEntry):
        return item.created_at


class MilestonesFeed(Feed):
    feed_type = TextAtom1Feed
    title = _("Milestones reached")
    subtitle = _("Etappenziele our public projects have reached.")
    link = reverse_lazy("core:home")

    def items(self):
        return (
            Milestone.objects.filter(project__visibility=Project.Visibility.PUBLIC, done_on__isnull=False)
            .select_related("project")
            .order_by("-done_on", "-pk")[:50]
        )

    def item_title(self, item: Milestone) -> str:
        return f"{item.project.title}: {item.title}"

    def item_description(self, item: Milestone) -> str:
        return item.definition_of_done

    def item_link(self, item: Milestone) -> str:
        return f"{item.project.get_absolute_url()}#milestone-{item.pk}"

    def item_guid(self, item: Milestone) -> str:
        return absolute_url(self.item_link(item))

    def item_updateddate(self, item: Milestone):
        from datetime import date, datetime, time
        from typing import cast

        from django.utils import timezone

        done_on = cast(date, item.done_on)  # items() holds only milestones that are done
        return datetime.combine(done_on, time(12), tzinfo=timezone.get_current_timezone())
