"""This app's rows of the authorisation matrix (collected by core/tests/test_roles.py)."""

from ideas.models import Follow as IdeaFollow
from installation.testing import ALL, LOGGED_IN, BaseTestCase, make_idea
from notifications.models import Notification
from notifications.services import unsubscribe_token

# URL names that only accept POST (a GET answers 302 or 405).
POST_ONLY: set[str] = {
    "notifications:read_all",
    "notifications:follow",
    "notifications:open",
    "notifications:following_remove",
}


def expectations(case: BaseTestCase) -> dict[str, tuple[list[str], dict]]:
    """URL name → (personas that may open it, URL kwargs); see installation.testing for the persona groups."""
    idea = make_idea(title="Matrix-Idee zum Folgen")
    mine = Notification.objects.create(
        recipient=case.citizen, kind=Notification.Kind.IDEA_COMMENT, title=idea.title, path=idea.get_absolute_url()
    )
    followed = IdeaFollow.objects.create(user=case.citizen, idea=idea)
    return {
        "notifications:list": (LOGGED_IN, {}),
        "notifications:following": (LOGGED_IN, {}),
        # One's own follow only; anybody else's does not exist.
        "notifications:following_remove": (["citizen"], {"source": "idea", "pk": followed.pk}),
        "notifications:settings": (LOGGED_IN, {}),
        "notifications:read_all": (LOGGED_IN, {}),
        "notifications:follow": (LOGGED_IN, {"kind": "idea", "pk": idea.pk}),
        # One's own notification only; for everybody else it does not exist.
        "notifications:open": (["citizen"], {"pk": mine.pk}),
        # The link in the mails works without logging in; GET only asks.
        "notifications:unsubscribe": (ALL, {"token": unsubscribe_token(case.citizen)}),
    }
