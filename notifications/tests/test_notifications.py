from datetime import timedelta

from django.core import mail
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from exchange.models import Follow as ExchangeFollow
from exchange.models import Peer, ReceivedItem
from ideas.models import Follow as IdeaFollow
from ideas.models import Idea, Moderation
from ideas.services import comment_add, comment_moderate
from ideas.workflow import idea_advance_to, idea_change_status
from installation.testing import BaseTestCase, make_comment, make_idea, make_survey, make_user
from lessons.models import Lesson
from lessons.services import lesson_publish
from lessons.testing import make_lesson
from notifications.models import Follow, Frequency, Notification, Subscription
from notifications.services import follow, send_digests, set_frequency, unsubscribe_token
from projects.models import LogEntry, Milestone, Project
from projects.services import log_add, log_status_change
from surveys.models import Survey

Kind = Notification.Kind


class Case(BaseTestCase):
    def committed(self):
        """Run what waits for the commit (the test's transaction never commits)."""
        return self.captureOnCommitCallbacks(execute=True)

    def kinds(self, user) -> list[str]:
        return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


class FollowTests(Case):
    def test_it_follows_and_unfollows_a_project_without_javascript(self) -> None:
        project = Project.objects.create(title="Offene Daten")
        self.login(self.citizen)
        url = reverse("notifications:follow", args=["project", project.pk])
        response = self.client.post(url, {"action": "follow"})
        self.assertRedirects(response, project.get_absolute_url())
        self.assertTrue(Follow.objects.filter(user=self.citizen, project=project).exists())
        self.client.post(url, {"action": "follow"})  # twice is once
        self.assertEqual(Follow.objects.filter(user=self.citizen).count(), 1)
        self.client.post(url, {"action": "unfollow"})
        self.assertFalse(Follow.objects.filter(user=self.citizen).exists())

    def test_it_answers_htmx_with_the_button(self) -> None:
        lesson = make_lesson()
        self.login(self.staff)
        response = self.client.post(
            reverse("notifications:follow", args=["lesson", lesson.pk]),
            {"action": "follow"},
            headers={"hx-request": "true"},
        )
        self.assertContains(response, 'aria-pressed="true"')
        self.assertNotContains(response, "<html")

    def test_it_follows_an_idea_with_the_ideas_follow(self) -> None:
        idea = make_idea()
        self.login(self.citizen)
        self.client.post(reverse("notifications:follow", args=["idea", idea.pk]), {"action": "follow"})
        self.assertTrue(IdeaFollow.objects.filter(user=self.citizen, idea=idea).exists())

    def test_the_button_is_on_the_detail_pages(self) -> None:
        targets = [make_idea(), Project.objects.create(title="P"), make_lesson(), make_survey()]
        self.login(self.citizen)
        for target in targets:
            with self.subTest(target=type(target).__name__):
                response = self.client.get(target.get_absolute_url(), headers={"accept-language": "de"})
                self.assertContains(response, "Folgen")
        self.login(None)
        self.assertContains(
            self.client.get(targets[0].get_absolute_url(), headers={"accept-language": "de"}), "um zu folgen"
        )

    def test_nobody_follows_what_they_cannot_see(self) -> None:
        internal = Project.objects.create(title="Intern", visibility=Project.Visibility.INTERNAL)
        draft = make_lesson(state=Lesson.State.DRAFT)
        invitation = make_survey(audience=Survey.Audience.INVITATION)
        pending = make_idea(moderation=Moderation.PENDING)
        self.login(self.citizen)
        for kind, pk in [
            ("project", internal.pk),
            ("lesson", draft.pk),
            ("survey", invitation.pk),
            ("idea", pending.pk),
        ]:
            with self.subTest(kind=kind):
                response = self.client.post(reverse("notifications:follow", args=[kind, pk]), {"action": "follow"})
                self.assertEqual(response.status_code, 404)
        self.assertFalse(Follow.objects.exists())
        self.assertFalse(IdeaFollow.objects.filter(user=self.citizen).exists())
        self.assertEqual(self.client.post("/notifications/follow/peer/1/", {"action": "follow"}).status_code, 404)


class EventTests(Case):
    def test_an_ideas_status_reaches_author_and_followers_not_the_actor(self) -> None:
        idea = make_idea(author=self.citizen)
        IdeaFollow.objects.create(idea=idea, user=self.staff)
        IdeaFollow.objects.create(idea=idea, user=self.team)
        with self.committed():
            idea_change_status(idea=idea, to_status=Idea.Status.IN_REVIEW, reason="Wir prüfen.", by=self.team)
        self.assertEqual(self.kinds(self.citizen), [Kind.IDEA_STATUS])
        self.assertEqual(self.kinds(self.staff), [Kind.IDEA_STATUS])
        self.assertEqual(self.kinds(self.team), [])
        # The author got the workflow's mail; the digest does not repeat it.
        self.assertIsNotNone(Notification.objects.get(recipient=self.citizen).sent_at)
        self.assertIsNone(Notification.objects.get(recipient=self.staff).sent_at)

    def test_a_walk_of_several_steps_tells_once(self) -> None:
        idea = make_idea(author=self.citizen)
        with self.committed():
            idea_advance_to(idea=idea, to_status=Idea.Status.PRIORITISED, reason="Vorrang.", by=self.team)
        self.assertEqual(Notification.objects.get(recipient=self.citizen).detail, Idea.Status.PRIORITISED)

    def test_a_published_comment_reaches_followers_not_its_author(self) -> None:
        idea = make_idea(author=self.citizen)
        IdeaFollow.objects.create(idea=idea, user=self.citizen)
        with self.committed():
            comment_add(idea=idea, author=self.staff, text="Gute Idee.")
        self.assertEqual(self.kinds(self.citizen), [Kind.IDEA_COMMENT])
        self.assertEqual(self.kinds(self.staff), [])

    def test_a_comment_tells_once_it_is_published(self) -> None:
        idea = make_idea(author=self.staff)
        IdeaFollow.objects.create(idea=idea, user=self.staff)
        other = make_user(role=Role.CITIZEN)
        with self.committed():
            comment = make_comment(idea=idea, author=other, moderation=Moderation.PENDING)
        self.assertEqual(self.kinds(self.staff), [])
        with self.committed():
            comment_moderate(comment=comment, publish=True, reason="", by=self.team)
        self.assertEqual(self.kinds(self.staff), [Kind.IDEA_COMMENT])
        with self.committed():
            comment_moderate(comment=comment, publish=True, reason="", by=self.team)
        self.assertEqual(self.kinds(self.staff), [Kind.IDEA_COMMENT])

    def test_project_events_reach_followers(self) -> None:
        project = Project.objects.create(title="Digitale Akte", status=Project.Status.IN_IMPLEMENTATION)
        follow(user=self.citizen, target=project)
        follow(user=self.staff, target=project)
        milestone = Milestone.objects.create(
            project=project, title="Pilot", definition_of_done="x", due_on="2025-01-01"
        )
        with self.committed():
            milestone.done_on = timezone.localdate()
            milestone.save()
            log_add(entry=LogEntry(project=project, happened="Pilot läuft."), by=self.staff)
            project.status = Project.Status.COMPLETED
            project.save()
            log_status_change(project=project, by=self.team)
        self.assertCountEqual(self.kinds(self.citizen), [Kind.MILESTONE_DONE, Kind.PROJECT_LOG, Kind.PROJECT_STATUS])
        self.assertCountEqual(self.kinds(self.staff), [Kind.MILESTONE_DONE, Kind.PROJECT_STATUS])
        milestone.title = "Pilot umbenannt"
        with self.committed():
            milestone.save()  # done before: no news
        self.assertEqual(self.kinds(self.citizen).count(Kind.MILESTONE_DONE), 1)

    def test_an_internal_project_tells_no_citizen(self) -> None:
        project = Project.objects.create(title="Intern", visibility=Project.Visibility.INTERNAL)
        Follow.objects.create(user=self.citizen, project=project)  # followed while it was public
        Follow.objects.create(user=self.council, project=project)
        with self.committed():
            log_add(entry=LogEntry(project=project, happened="Weiter."), by=self.staff)
        self.assertEqual(self.kinds(self.citizen), [])
        self.assertEqual(self.kinds(self.council), [Kind.PROJECT_LOG])

    def test_a_published_lesson_reaches_its_and_its_projects_followers(self) -> None:
        project = Project.objects.create(title="Chatbot")
        lesson = make_lesson(state=Lesson.State.IN_REVIEW, project=project, scope=Lesson.Scope.PROJECT)
        follow(user=self.citizen, target=project)
        Follow.objects.create(user=self.staff, lesson=lesson)
        with self.committed():
            lesson_publish(lesson=lesson, by=self.team)
        self.assertEqual(self.kinds(self.citizen), [Kind.LESSON_PUBLISHED])
        self.assertEqual(self.kinds(self.staff), [Kind.LESSON_PUBLISHED])
        self.assertEqual(self.kinds(self.team), [])

    def test_surveys_tell_when_they_open_and_close(self) -> None:
        survey = make_survey(is_published=False)
        Follow.objects.create(user=self.citizen, survey=survey)
        with self.committed():
            survey.is_published = True
            survey.save()
        self.assertEqual(self.kinds(self.citizen), [Kind.SURVEY_OPENED])
        Survey.objects.filter(pk=survey.pk).update(
            opens_at=timezone.now() - timedelta(days=3), closes_at=timezone.now() - timedelta(hours=1)
        )
        from notifications.tasks import run_digests

        set_frequency(user=self.citizen, frequency=Frequency.NEVER)
        run_digests(Frequency.DAILY)
        run_digests(Frequency.DAILY)  # told once
        self.assertCountEqual(self.kinds(self.citizen), [Kind.SURVEY_OPENED, Kind.SURVEY_CLOSED])

    def test_new_items_of_followed_municipalities_and_topics(self) -> None:
        peer = Peer.objects.create(url="https://peer.example.org/")
        ExchangeFollow.objects.create(user=self.staff, ars="057660008000", municipality="Beispielstadt")
        ExchangeFollow.objects.create(user=self.citizen, topic="chatbot")
        ExchangeFollow.objects.create(user=self.council, topic="wohngeld")
        with self.committed():
            ReceivedItem.objects.create(
                peer=peer,
                kind="project",
                uid="p1",
                municipality="Beispielstadt",
                ars="057660008000",
                title="Ein Chatbot fürs Bürgerbüro",
                signature="x",
                remote_changed_at=timezone.now(),
            )
        self.assertEqual(self.kinds(self.staff), [Kind.EXCHANGE_ITEM])
        self.assertEqual(self.kinds(self.citizen), [Kind.EXCHANGE_ITEM])
        self.assertEqual(self.kinds(self.council), [])

    def test_nothing_is_written_when_the_change_is_rolled_back(self) -> None:
        idea = make_idea(author=self.citizen)
        IdeaFollow.objects.create(idea=idea, user=self.staff)
        with self.committed():
            try:
                with transaction.atomic():
                    idea_change_status(idea=idea, to_status=Idea.Status.IN_REVIEW, reason="Prüfen.", by=self.team)
                    comment_add(idea=idea, author=self.council, text="Ja.")
                    raise RuntimeError
            except RuntimeError:
                pass
        self.assertFalse(Notification.objects.exists())


class PageTests(Case):
    def make_notifications(self, user, number: int) -> None:
        idea = make_idea()
        Notification.objects.bulk_create(
            Notification(recipient=user, kind=Kind.IDEA_COMMENT, title=f"Idee {n}", path=idea.get_absolute_url())
            for n in range(number)
        )

    def test_the_list_shows_newest_first_and_marks_read(self) -> None:
        idea = make_idea(title="Neue Bänke")
        old = Notification.objects.create(
            recipient=self.citizen,
            kind=Kind.IDEA_COMMENT,
            title="Alt",
            path="/ideas/",
            created_at=timezone.now() - timedelta(days=1),
        )
        new = Notification.objects.create(
            recipient=self.citizen, kind=Kind.IDEA_COMMENT, title=idea.title, path=idea.get_absolute_url()
        )
        Notification.objects.create(recipient=self.staff, kind=Kind.IDEA_COMMENT, title="Fremd", path="/")
        self.login(self.citizen)
        response = self.client.get(reverse("notifications:list"), headers={"accept-language": "de"})
        self.assertContains(response, "Neuer Kommentar zur Idee „Neue Bänke“")
        self.assertNotContains(response, "Fremd")
        text = response.content.decode()
        self.assertLess(text.index("Neue Bänke"), text.index("Alt"))
        response = self.client.post(reverse("notifications:open", args=[new.pk]))
        self.assertRedirects(response, idea.get_absolute_url())
        new.refresh_from_db()
        self.assertIsNotNone(new.read_at)
        self.client.post(reverse("notifications:read_all"))
        old.refresh_from_db()
        self.assertIsNotNone(old.read_at)
        other = Notification.objects.get(recipient=self.staff)
        self.assertEqual(self.client.post(reverse("notifications:open", args=[other.pk])).status_code, 404)

    def test_the_navigation_counts_unread(self) -> None:
        self.make_notifications(self.citizen, 3)
        self.login(self.citizen)
        response = self.client.get(reverse("ideas:list"), headers={"accept-language": "de"})
        self.assertContains(response, "(3 ungelesen)")

    def test_queries_do_not_grow_with_rows(self) -> None:
        """The list page and the navigation's count: the same number of queries for 2 rows and for 42."""
        self.login(self.citizen)
        self.make_notifications(self.citizen, 2)
        self.client.get(reverse("notifications:list"))  # warm caches
        counts = []
        for more in (0, 40):
            self.make_notifications(self.citizen, more)
            for url in (reverse("notifications:list"), reverse("ideas:list")):
                with CaptureQueriesContext(connection) as captured:
                    self.client.get(url)
                counts.append((url, more and 1, len(captured)))
        self.assertEqual([c[2] for c in counts[:2]], [c[2] for c in counts[2:]])

    def test_settings_page_saves_the_frequency(self) -> None:
        self.login(self.citizen)
        response = self.client.get(reverse("notifications:settings"))
        self.assertRegex(response.content.decode(), r'value="weekly"[^>]*checked')  # citizens: weekly
        self.client.post(reverse("notifications:settings"), {"frequency": "immediately"})
        self.assertEqual(Subscription.objects.get(user=self.citizen).frequency, Frequency.IMMEDIATELY)
        self.assertEqual(self.client.post(reverse("notifications:settings"), {"frequency": "x"}).status_code, 400)


@override_settings(ETAPPE_BASE_URL="https://etappe.example.org")
class DigestTests(Case):
    def notify_all(self, users, number: int = 3) -> None:
        idea = make_idea(title="Mehr Bänke")
        Notification.objects.bulk_create(
            Notification(recipient=u, kind=Kind.IDEA_COMMENT, title=idea.title, path=idea.get_absolute_url())
            for u in users
            for _ in range(number)
        )

    def test_each_person_gets_at_most_one_mail_with_links(self) -> None:
        self.notify_all([self.citizen, self.staff, self.team])
        set_frequency(user=self.team, frequency=Frequency.NEVER)
        run = send_digests(Frequency.WEEKLY)
        self.assertEqual(run.mails, 1)
        self.assertEqual([m.to for m in mail.outbox], [[self.citizen.email]])
        body = mail.outbox[0].body
        self.assertIn("https://etappe.example.org/ideas/", body)
        self.assertIn("https://etappe.example.org/notifications/unsubscribe/", body)
        self.assertEqual(send_digests(Frequency.WEEKLY).mails, 0)  # marked sent
        send_digests(Frequency.DAILY)
        self.assertEqual([m.to for m in mail.outbox][1:], [[self.staff.email]])
        self.assertTrue(Notification.objects.filter(recipient=self.team, sent_at__isnull=True).exists())

    def test_read_notifications_are_not_mailed(self) -> None:
        self.notify_all([self.citizen])
        Notification.objects.update(read_at=timezone.now())
        self.assertEqual(send_digests(Frequency.WEEKLY).mails, 0)
        self.assertFalse(Notification.objects.filter(sent_at__isnull=True).exists())

    def test_immediately_sends_after_the_commit(self) -> None:
        set_frequency(user=self.staff, frequency=Frequency.IMMEDIATELY)
        project = Project.objects.create(title="Schnell")
        follow(user=self.staff, target=project)
        with self.committed():
            log_add(entry=LogEntry(project=project, happened="Weiter."), by=self.team)
            self.assertEqual(mail.outbox, [])
        self.assertEqual([m.to for m in mail.outbox], [[self.staff.email]])
        self.assertIn("/projects/", mail.outbox[0].body)

    def test_the_unsubscribe_link_works_without_login(self) -> None:
        url = reverse("notifications:unsubscribe", args=[unsubscribe_token(self.citizen)])
        response = self.client.get(url, headers={"accept-language": "de"})
        self.assertContains(response, "citizen@example.org")
        self.assertFalse(Subscription.objects.exists())  # GET only asks
        self.client.post(url)
        self.assertEqual(Subscription.objects.get(user=self.citizen).frequency, Frequency.NEVER)

    def test_a_tampered_token_is_refused(self) -> None:
        token = unsubscribe_token(self.citizen)
        tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
        for bad in (tampered, "nonsense"):
            response = self.client.post(
                reverse("notifications:unsubscribe", args=[bad]), headers={"accept-language": "de"}
            )
            self.assertContains(response, "Dieser Link funktioniert nicht", status_code=400)
        self.assertFalse(Subscription.objects.exists())
