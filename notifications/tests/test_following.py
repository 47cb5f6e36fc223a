"""The page of what a person follows (`/notifications/following/`)."""

from itertools import count

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from exchange.models import Follow as ExchangeFollow
from ideas.models import Follow as IdeaFollow
from installation.testing import BaseTestCase, make_idea, make_survey
from lessons.testing import make_lesson
from notifications.models import Follow
from notifications.services import FollowedKind
from notifications.views import FOLLOWING_PAGE_SIZE
from projects.models import Project

URL = "/notifications/following/"
ARS = count(57660000000)


class FollowingPageTests(BaseTestCase):
    def follow_one_of_each(self, user, suffix: str = "") -> None:
        IdeaFollow.objects.create(user=user, idea=make_idea(title=f"Bänke im Park{suffix}"))
        Follow.objects.create(user=user, project=Project.objects.create(title=f"Offene Daten{suffix}"))
        Follow.objects.create(user=user, lesson=make_lesson(title=f"Chatbot im Bürgerbüro{suffix}"))
        Follow.objects.create(user=user, survey=make_survey(title=f"Umfrage Mobilität{suffix}"))
        ExchangeFollow.objects.create(user=user, ars=f"{next(ARS):012d}", municipality=f"Beispielstadt{suffix}")
        ExchangeFollow.objects.create(user=user, topic=f"wohngeld{suffix}")

    def test_it_lists_what_one_follows_grouped_by_kind_and_linked(self) -> None:
        self.follow_one_of_each(self.citizen)
        self.follow_one_of_each(self.staff, " (fremd)")
        self.login(self.citizen)
        self.assertEqual(reverse("notifications:following"), URL)
        response = self.client.get(URL)
        content = response.content.decode()
        with translation.override("de"):
            headings = [str(kind.label) for kind in FollowedKind]
        self.assertIn("Projekte", headings)
        positions = [content.index(f">{heading}</h2>") for heading in headings]
        self.assertEqual(positions, sorted(positions))
        idea = IdeaFollow.objects.get(user=self.citizen).idea
        self.assertContains(response, f'href="{idea.get_absolute_url()}"')
        project = Follow.objects.get(user=self.citizen, project__isnull=False).project
        self.assertContains(response, f'href="{project.get_absolute_url()}"')
        for title in ("Bänke im Park", "Chatbot im Bürgerbüro", "Umfrage Mobilität", "Beispielstadt", "wohngeld"):
            self.assertContains(response, title)
        self.assertNotContains(response, "(fremd)")  # only one's own
        self.assertEqual(content.count('action="/notifications/following/'), 6)

    def test_it_says_so_when_one_follows_nothing(self) -> None:
        self.login(self.council)
        response = self.client.get(URL)
        self.assertContains(response, "Schaltfläche")
        self.assertNotContains(response, "<h2")
        self.assertEqual(self.client.get(URL).status_code, 200)

    def test_ones_own_ideas_are_listed_apart_without_a_button(self) -> None:
        """Of the status of one's own ideas one always hears; the page says so and offers no
        button that would pretend to end it."""
        own = make_idea(title="Meine Idee für WLAN im Rathaus", author=self.citizen)
        make_idea(title="Fremde Idee", author=self.staff)
        self.login(self.citizen)
        response = self.client.get(URL)
        heading = "Ihre eigenen Ideen (Statusänderungen erhalten Sie immer)"
        empty = "Abgesehen von Ihren eigenen Ideen folgen Sie noch nichts."
        self.assertContains(response, heading)
        self.assertContains(response, f'href="{own.get_absolute_url()}"')
        self.assertContains(response, own.get_status_display())
        self.assertNotContains(response, "Fremde Idee")
        self.assertNotContains(response, 'action="/notifications/following/')
        self.assertContains(response, empty)
        # Following it as well (as commenting does) adds a row that can be ended: for comments.
        IdeaFollow.objects.create(user=self.citizen, idea=own)
        response = self.client.get(URL)
        self.assertContains(response, heading)
        self.assertEqual(response.content.decode().count('action="/notifications/following/'), 1)

    def test_a_row_stops_following_with_a_post_and_only_ones_own(self) -> None:
        self.follow_one_of_each(self.citizen)
        self.follow_one_of_each(self.staff, " (fremd)")
        self.login(self.citizen)
        mine = Follow.objects.get(user=self.citizen, lesson__isnull=False)
        other = Follow.objects.get(user=self.staff, lesson__isnull=False)
        url = reverse("notifications:following_remove", args=["content", mine.pk])
        self.assertEqual(self.client.get(url).status_code, 405)
        self.assertRedirects(self.client.post(url, {"page": "1"}), URL)
        self.assertFalse(Follow.objects.filter(pk=mine.pk).exists())
        self.assertEqual(self.client.post(url).status_code, 404)  # gone
        other_url = reverse("notifications:following_remove", args=["content", other.pk])
        self.assertEqual(self.client.post(other_url).status_code, 404)
        self.assertTrue(Follow.objects.filter(pk=other.pk).exists())
        exchange = ExchangeFollow.objects.get(user=self.citizen, topic="wohngeld")
        self.client.post(reverse("notifications:following_remove", args=["exchange", exchange.pk]))
        self.assertFalse(ExchangeFollow.objects.filter(pk=exchange.pk).exists())
        idea_follow = IdeaFollow.objects.get(user=self.citizen)
        self.client.post(reverse("notifications:following_remove", args=["idea", idea_follow.pk]))
        self.assertFalse(IdeaFollow.objects.filter(pk=idea_follow.pk).exists())
        self.assertEqual(
            self.client.post(reverse("notifications:following_remove", args=["other", 1])).status_code, 400
        )

    def test_what_one_may_no_longer_see_is_neither_named_nor_linked_but_can_be_unfollowed(self) -> None:
        project = Project.objects.create(title="Geheimes Vorhaben", visibility=Project.Visibility.INTERNAL)
        row = Follow.objects.create(user=self.citizen, project=project)
        self.login(self.citizen)
        response = self.client.get(URL)
        self.assertNotContains(response, "Geheimes Vorhaben")
        self.assertNotContains(response, project.get_absolute_url())
        self.client.post(reverse("notifications:following_remove", args=["content", row.pk]))
        self.assertFalse(Follow.objects.filter(pk=row.pk).exists())

    def test_it_pages_and_keeps_the_page_after_unfollowing(self) -> None:
        for number in range(FOLLOWING_PAGE_SIZE + 3):
            ExchangeFollow.objects.create(user=self.citizen, topic=f"thema {number:03d}")
        self.login(self.citizen)
        first = self.client.get(URL)
        self.assertContains(first, "thema 000")
        self.assertNotContains(first, f"thema {FOLLOWING_PAGE_SIZE:03d}")
        second = self.client.get(URL + "?page=2")
        self.assertContains(second, f"thema {FOLLOWING_PAGE_SIZE + 2:03d}")
        last = ExchangeFollow.objects.get(topic=f"thema {FOLLOWING_PAGE_SIZE + 2:03d}")
        response = self.client.post(reverse("notifications:following_remove", args=["exchange", last.pk]), {"page": 2})
        self.assertRedirects(response, URL + "?page=2")

    def test_queries_do_not_grow_with_rows(self) -> None:
        self.login(self.staff)  # the administration sees all of these: every row is linked
        self.follow_one_of_each(self.staff, " 1")
        self.client.get(URL)  # warm caches
        counts = []
        for round_ in range(2, 5):
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(self.client.get(URL).status_code, 200)
            counts.append(len(captured))
            self.follow_one_of_each(self.staff, f" {round_}")
        self.assertEqual(len(set(counts)), 1, counts)
        lessons = Follow.objects.filter(user=self.staff, lesson__isnull=False).select_related("lesson")
        for each in lessons:  # authors are read for lessons the reader may see only as an author
            each.lesson.authors.add(self.lead)
        with self.assertNumQueries(counts[0]):
            self.client.get(URL)

    def test_the_notifications_page_and_the_profile_link_to_it(self) -> None:
        self.login(self.citizen)
        self.assertContains(self.client.get(reverse("notifications:list")), f'href="{URL}"')
        self.assertContains(self.client.get(reverse("accounts:profile")), f'href="{URL}"')
