from django.urls import reverse

from accounts.models import User
from exchange.models import Peer, ReceivedItem
from ideas.models import Idea
from installation.testing_browser import AxeTestCase


class ExchangeAccessibilityTests(AxeTestCase):
    def test_exchange_pages(self) -> None:
        failed = ReceivedItem.objects.get(outcome="failed")
        project = ReceivedItem.objects.filter(kind="project").first()
        idea = Idea.objects.public().first()
        pages = [
            reverse("exchange:index"),
            reverse("exchange:index") + "?q=Chatbot",
            failed.get_absolute_url(),
            project.get_absolute_url(),
            reverse("exchange:directory"),
            reverse("exchange:similar") + f"?idea={idea.pk}",
            idea.get_absolute_url(),
        ]
        self.audit(None, pages)
        team = User.objects.get(email="cdo@lindenfeld.example")
        peer = Peer.objects.first()
        self.audit(
            team,
            [
                reverse("exchange:peers"),
                peer.get_absolute_url(),
                reverse("exchange:peer_delete", args=[peer.pk]),
                reverse("exchange:activity"),
                failed.get_absolute_url(),
            ],
        )
