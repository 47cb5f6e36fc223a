from django.core import mail
from django.urls import reverse

from ideas.models import Comment, Follow, Idea, Moderation, Report, StatusChange, Support
from ideas.permissions import is_supportable, supportable_ideas
from ideas.services import WorkflowError, idea_merge, idea_support
from ideas.workflow import idea_change_status
from installation.testing import BaseTestCase, make_comment, make_idea


class StatusTests(BaseTestCase):
    def test_the_team_changes_the_status_with_a_public_reason_and_the_author_hears_of_it(self) -> None:
        idea = make_idea(author=self.citizen)
        self.login(self.team)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("ideas:status", args=[idea.pk]), {"to_status": "in_pool", "reason": "Passt zum Handlungsfeld."}
            )
        self.assertRedirects(response, idea.get_absolute_url())
        idea.refresh_from_db()
        self.assertEqual(idea.status, Idea.Status.IN_POOL)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["citizen@example.org"])
        self.login(None)
        page = self.client.get(idea.get_absolute_url())
        self.assertContains(page, "Passt zum Handlungsfeld.")

    def test_a_reason_is_required_and_wrong_transitions_are_refused(self) -> None:
        idea = make_idea()
        with self.assertRaisesMessage(WorkflowError, "Jede Statusänderung braucht eine Begründung."):
            idea_change_status(idea=idea, to_status=Idea.Status.IN_POOL, reason=" ", by=self.team)
        with self.assertRaises(WorkflowError):
            idea_change_status(idea=idea, to_status=Idea.Status.REALISED, reason="Sofort fertig", by=self.team)
        self.assertEqual(StatusChange.objects.filter(idea=idea).count(), 0)

    def test_the_status_form_offers_only_allowed_steps(self) -> None:
        idea = make_idea(status=Idea.Status.IN_POOL)
        self.login(self.team)
        response = self.client.post(reverse("ideas:status", args=[idea.pk]), {"to_status": "realised", "reason": "x"})
        self.assertEqual(response.status_code, 200)
        idea.refresh_from_db()
        self.assertEqual(idea.status, Idea.Status.IN_POOL)

    def test_only_the_team_changes_status(self) -> None:
        idea = make_idea()
        for user in (self.citizen, self.staff, self.council):
            self.login(user)
            self.assertEqual(
                self.client.post(
                    reverse("ideas:status", args=[idea.pk]), {"to_status": "in_pool", "reason": "x"}
                ).status_code,
                404,
            )


class SupportTests(BaseTestCase):
    def test_one_support_per_person_and_a_second_click_is_a_no_op(self) -> None:
        idea = make_idea()
        self.login(self.citizen)
        url = reverse("ideas:support", args=[idea.pk])
        self.assertRedirects(self.client.post(url), idea.get_absolute_url())
        self.assertRedirects(self.client.post(url), idea.get_absolute_url())
        idea.refresh_from_db()
        self.assertEqual(idea.support_count, 1)
        self.assertEqual(Support.objects.filter(idea=idea).count(), 1)

    def test_htmx_support_returns_the_updated_fragment(self) -> None:
        idea = make_idea()
        self.login(self.staff)
        response = self.client.post(reverse("ideas:support", args=[idea.pk]), headers={"hx-request": "true"})
        self.assertContains(response, 'class="support-count">1<')
        self.assertNotContains(response, "<html")
        response = self.client.post(
            reverse("ideas:support", args=[idea.pk]), {"action": "withdraw"}, headers={"hx-request": "true"}
        )
        self.assertContains(response, 'class="support-count">0<')

    def test_the_service_counts_a_repeated_support_once(self) -> None:
        idea = make_idea()
        self.assertTrue(idea_support(idea=idea, user=self.staff))
        self.assertFalse(idea_support(idea=idea, user=self.staff))
        idea.refresh_from_db()
        self.assertEqual(idea.support_count, 1)

    def test_the_service_leaves_the_stored_count_on_the_idea_even_when_it_was_stale(self) -> None:
        idea = make_idea()
        stale = Idea.objects.get(pk=idea.pk)
        before = stale.last_activity_at
        self.assertTrue(idea_support(idea=idea, user=self.staff))
        self.assertEqual(idea.support_count, 1)
        self.assertTrue(idea_support(idea=stale, user=self.citizen))  # still believes there are none
        self.assertEqual(stale.support_count, 2)
        self.assertFalse(idea_support(idea=stale, user=self.citizen))
        self.assertEqual(stale.support_count, 2)
        stale.refresh_from_db()
        self.assertEqual(stale.support_count, 2)
        self.assertGreater(stale.last_activity_at, before)
        self.assertEqual(Support.objects.filter(idea=idea).count(), 2)

    def test_the_supportable_rule_is_the_same_for_the_query_and_for_a_loaded_idea(self) -> None:
        for moderation in Moderation.values:
            for status in Idea.Status.values:
                make_idea(moderation=moderation, status=status, author=self.citizen)
        in_query = set(supportable_ideas().values_list("pk", flat=True))
        self.assertTrue(in_query)
        for idea in Idea.objects.all():
            with self.subTest(moderation=idea.moderation, status=idea.status):
                self.assertEqual(is_supportable(idea), idea.pk in in_query)

    def test_a_merged_or_hidden_idea_is_refused_and_one_the_person_cannot_see_is_not_found(self) -> None:
        kept = make_idea()
        merged = make_idea(status=Idea.Status.MERGED, merged_into=kept)
        others_pending = make_idea(moderation=Moderation.PENDING, author=self.staff)
        self.login(self.citizen)
        self.assertEqual(self.client.post(reverse("ideas:support", args=[merged.pk])).status_code, 403)
        self.assertEqual(self.client.post(reverse("ideas:support", args=[others_pending.pk])).status_code, 404)
        self.assertEqual(self.client.post(reverse("ideas:support", args=[999999])).status_code, 404)
        self.assertFalse(Support.objects.exists())
        self.assertEqual(Idea.objects.get(pk=merged.pk).support_count, 0)

    def test_visitors_must_log_in_and_unpublished_ideas_cannot_be_supported(self) -> None:
        idea = make_idea()
        response = self.client.post(reverse("ideas:support", args=[idea.pk]))
        self.assertEqual(response.status_code, 302)
        pending = make_idea(moderation=Moderation.PENDING, author=self.citizen)
        self.login(self.citizen)
        self.assertEqual(self.client.post(reverse("ideas:support", args=[pending.pk])).status_code, 403)
        self.assertFalse(Support.objects.exists())


class CommentTests(BaseTestCase):
    def test_citizen_comments_wait_staff_comments_appear(self) -> None:
        idea = make_idea()
        self.login(self.citizen)
        self.client.post(reverse("ideas:comment", args=[idea.pk]), {"text": "Gute Sache!"})
        self.login(self.staff)
        self.client.post(reverse("ideas:comment", args=[idea.pk]), {"text": "Wir prüfen das."})
        self.login(None)
        page = self.client.get(idea.get_absolute_url())
        self.assertContains(page, "Wir prüfen das.")
        self.assertNotContains(page, "Gute Sache!")
        idea.refresh_from_db()
        self.assertEqual(idea.comment_count, 1)

    def test_replies_are_one_level_deep(self) -> None:
        idea = make_idea()
        top = make_comment(idea=idea)
        reply = make_comment(idea=idea, parent=top)
        self.login(self.staff)
        self.client.post(reverse("ideas:comment", args=[idea.pk]), {"text": "Antwort auf Antwort", "parent": reply.pk})
        self.assertEqual(Comment.objects.get(text="Antwort auf Antwort").parent, top)

    def test_no_reply_to_a_hidden_or_waiting_comment_or_one_of_another_idea(self) -> None:
        idea, other = make_idea(), make_idea()
        hidden = make_comment(idea=idea, moderation=Moderation.HIDDEN)
        waiting = make_comment(idea=idea, moderation=Moderation.PENDING)
        elsewhere = make_comment(idea=other)
        self.login(self.citizen)
        for parent in (hidden, waiting, elsewhere):
            response = self.client.post(
                reverse("ideas:comment", args=[idea.pk]), {"text": "Antwort", "parent": parent.pk}
            )
            self.assertEqual(response.status_code, 404)
        self.assertFalse(Comment.objects.filter(text="Antwort").exists())

    def test_comments_are_escaped(self) -> None:
        idea = make_idea()
        make_comment(idea=idea, text="<img src=x onerror=alert(1)>")
        self.assertContains(self.client.get(idea.get_absolute_url()), "&lt;img src=x onerror=alert(1)&gt;")


class ModerationTests(BaseTestCase):
    def test_anyone_reports_and_a_moderator_hides_with_a_public_reason(self) -> None:
        idea = make_idea(title="Beleidigender Titel")
        self.client.post(
            reverse("ideas:report", args=["idea", idea.pk]),
            {"reason": "Beleidigung", "submission": "report-form-token-0123456789"},
        )
        self.assertEqual(Report.objects.get().idea, idea)
        self.login(self.team)
        self.assertContains(self.client.get(reverse("ideas:moderation")), "Beleidigung")
        self.client.post(
            reverse("ideas:moderate", args=["idea", idea.pk]),
            {"action": "hide", "reason": "Verstößt gegen die Netiquette."},
        )
        idea.refresh_from_db()
        self.assertEqual(idea.moderation, Moderation.HIDDEN)
        self.assertIsNotNone(Report.objects.get().resolved_at)
        self.assertTrue(Idea.objects.filter(pk=idea.pk).exists())
        self.login(None)
        self.assertEqual(self.client.get(idea.get_absolute_url()).status_code, 404)

    def test_hiding_needs_a_reason(self) -> None:
        idea = make_idea()
        self.login(self.team)
        self.client.post(reverse("ideas:moderate", args=["idea", idea.pk]), {"action": "hide", "reason": ""})
        idea.refresh_from_db()
        self.assertEqual(idea.moderation, Moderation.PUBLISHED)

    def test_a_hidden_comment_shows_its_reason_in_place(self) -> None:
        idea = make_idea()
        comment = make_comment(idea=idea, text="Spam-Link")
        self.login(self.team)
        self.client.post(
            reverse("ideas:moderate", args=["comment", comment.pk]), {"action": "hide", "reason": "Werbung"}
        )
        page = self.client.get(idea.get_absolute_url())
        self.assertContains(page, "Werbung")
        self.assertNotContains(page, "Spam-Link")

    def test_moderation_redirects_only_to_this_site(self) -> None:
        idea = make_idea(moderation=Moderation.PENDING)
        self.login(self.team)
        response = self.client.post(
            reverse("ideas:moderate", args=["idea", idea.pk]), {"action": "publish", "next": "https://evil.example/"}
        )
        self.assertRedirects(response, reverse("ideas:moderation"))

    def test_others_cannot_moderate(self) -> None:
        idea = make_idea(moderation=Moderation.PENDING)
        for user in (self.citizen, self.staff, self.council):
            self.login(user)
            self.assertEqual(
                self.client.post(reverse("ideas:moderate", args=["idea", idea.pk]), {"action": "publish"}).status_code,
                403,
            )
        idea.refresh_from_db()
        self.assertEqual(idea.moderation, Moderation.PENDING)


class MergeTests(BaseTestCase):
    def test_merging_moves_supports_comments_and_followers_and_counts_people_once(self) -> None:
        kept = make_idea(title="Behalten")
        duplicate = make_idea(title="Dublette", author=self.citizen)
        for user in (self.staff, self.lead):
            idea_support(idea=duplicate, user=user)
        idea_support(idea=kept, user=self.staff)
        make_comment(idea=duplicate, text="Kommentar zur Dublette")
        Follow.objects.create(idea=duplicate, user=self.council)
        idea_merge(duplicate=duplicate, into=kept, reason="Gleicher Vorschlag.", by=self.team)
        kept.refresh_from_db()
        duplicate.refresh_from_db()
        self.assertEqual(kept.support_count, 2)
        self.assertEqual(
            set(Support.objects.filter(idea=kept).values_list("user", flat=True)), {self.staff.pk, self.lead.pk}
        )
        self.assertEqual(Comment.objects.get(text="Kommentar zur Dublette").idea, kept)
        self.assertTrue(Follow.objects.filter(idea=kept, user=self.council).exists())
        self.assertEqual(duplicate.status, Idea.Status.MERGED)
        self.assertEqual(duplicate.merged_into, kept)
        self.assertContains(self.client.get(duplicate.get_absolute_url()), "Behalten")

    def test_merge_form_refuses_itself_and_unknown_ideas(self) -> None:
        idea = make_idea()
        self.login(self.team)
        response = self.client.post(reverse("ideas:merge", args=[idea.pk]), {"into": idea.pk, "reason": "x"})
        self.assertContains(response, "Eine Idee kann nicht mit sich selbst zusammengeführt werden.")
        response = self.client.post(reverse("ideas:merge", args=[idea.pk]), {"into": 999999, "reason": "x"})
        self.assertContains(response, "Es gibt keine veröffentlichte Idee mit dieser Nummer.")
