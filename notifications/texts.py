"""A notification's sentence, put together in the reader's language when it is shown or mailed."""

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from ideas.models import Idea
from projects.models import Project

if TYPE_CHECKING:
    from notifications.models import Notification


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:  # a status that no longer exists: its stored value
        return value


def notification_text(notification: "Notification") -> str:
    from notifications.models import Notification

    kind, title, detail = notification.kind, notification.title, notification.detail
    Kind = Notification.Kind
    if kind == Kind.IDEA_STATUS:
        return _("The idea “%(title)s” is now “%(status)s”.") % {"title": title, "status": _label(Idea.Status, detail)}
    if kind == Kind.IDEA_COMMENT:
        return _("New comment on the idea “%(title)s”.") % {"title": title}
    if kind == Kind.PROJECT_STATUS:
        return _("The project “%(title)s” is now “%(status)s”.") % {
            "title": title,
            "status": _label(Project.Status, detail),
        }
    if kind == Kind.PROJECT_LOG:
        return _("New entry in the progress log of the project “%(title)s”.") % {"title": title}
    if kind == Kind.MILESTONE_DONE:
        return _("The project “%(title)s” reached its stage goal “%(milestone)s”.") % {
            "title": title,
            "milestone": detail,
        }
    if kind == Kind.LESSON_PUBLISHED:
        return _("The lesson “%(title)s” was published.") % {"title": title}
    if kind == Kind.SURVEY_OPENED:
        return _("The survey “%(title)s” is open for answers.") % {"title": title}
    if kind == Kind.SURVEY_CLOSED:
        return _("The survey “%(title)s” has closed.") % {"title": title}
    if kind == Kind.EXCHANGE_ITEM:
        return _("New from %(municipality)s: “%(title)s”.") % {"municipality": detail, "title": title}
    return title
