from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from installation.testing import BaseTestCase
from municipality.legal import placeholders, render_text
from municipality.legal_defaults import default_text
from municipality.models import LegalPage

IMPRINT = reverse("core:imprint")
PRIVACY = reverse("core:privacy")
EDIT_IMPRINT = reverse("municipality:edit_imprint")
EDIT_PRIVACY = reverse("municipality:edit_privacy")
COMPLETE = "## Anbieterin\n\nStadt Teststadt\nKörperschaft des öffentlichen Rechts\nMarkt 1\n12345 Teststadt"


class LegalPageTests(BaseTestCase):
    def test_it_shows_both_pages_to_anonymous_visitors_with_the_default_template_flagged_incomplete(self) -> None:
        for url, heading, phrase in [
            (IMPRINT, "Impressum", "Körperschaft des öffentlichen Rechts"),
            (PRIVACY, "Datenschutzerklärung", "Art. 6 Abs. 1 Buchst. e DSGVO"),
        ]:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, f'<h1 class="kern-heading-x-large">{heading}</h1>', html=False)
                self.assertContains(response, phrase)
                self.assertContains(response, "Diese Seite ist noch nicht vollständig")
                self.assertContains(response, '<mark class="legal-placeholder">[[')
                self.assertNotContains(response, "Zuletzt geändert")

    def test_the_privacy_template_names_this_installations_periods(self) -> None:
        with self.settings(ETAPPE_UNCONFIRMED_RETENTION_DAYS=9, ETAPPE_SESSION_MAX_HOURS=10):
            text = default_text(LegalPage.Kind.PRIVACY)
        self.assertIn("nach 9 Tagen", text)
        self.assertIn("spätestens 10 Stunden nach der Anmeldung", text)
        for required in ("Sitzungs-Cookie", "CSRF-Cookie", "Änderungsprotokoll", "keine personenbezogenen Daten"):
            self.assertIn(required, text)

    def test_the_imprint_template_asks_for_everything_section_5_ddg_requires(self) -> None:
        found = " ".join(placeholders(default_text(LegalPage.Kind.IMPRINT)))
        for part in (
            "Name der Gemeinde",
            "Straße",
            "Bürgermeister",
            "Telefonnummer",
            "E-Mail-Adresse",
            "Kommunalaufsicht",
            "Umsatzsteuer",
        ):
            self.assertIn(part, found)

    def test_every_page_links_both_in_the_footer(self) -> None:
        response = self.client.get(reverse("core:accessibility"))
        footer = response.content.decode().split("<footer", 1)[1]
        self.assertIn(f'href="{IMPRINT}"', footer)
        self.assertIn(f'href="{PRIVACY}"', footer)
        self.assertIn(">Impressum<", footer)
        self.assertIn(">Datenschutzerklärung<", footer)

    def test_the_administrator_saves_a_complete_text_and_the_page_shows_it_with_its_date(self) -> None:
        self.login(self.admin)
        form = self.client.get(EDIT_IMPRINT)
        self.assertContains(form, "Körperschaft des öffentlichen Rechts")  # the template to start from
        self.assertContains(form, "Platzhalter übrig")
        response = self.client.post(EDIT_IMPRINT, {"text": COMPLETE})
        self.assertRedirects(response, IMPRINT)
        page = LegalPage.objects.get(kind=LegalPage.Kind.IMPRINT)
        self.assertEqual(page.text, COMPLETE)
        self.login(None)
        shown = self.client.get(IMPRINT)
        self.assertContains(shown, '<h2 class="kern-heading-medium">Anbieterin</h2>', html=False)
        self.assertContains(shown, "Markt 1<br>12345 Teststadt")
        self.assertContains(shown, "Zuletzt geändert am")
        self.assertNotContains(shown, "nicht vollständig")
        self.assertNotContains(shown, "Bearbeiten")  # only the administrator gets the edit button

    def test_a_saved_text_with_placeholders_left_is_still_flagged(self) -> None:
        LegalPage.objects.create(kind=LegalPage.Kind.PRIVACY, text="Verantwortlich: [[Name der Gemeinde]]")
        response = self.client.get(PRIVACY)
        self.assertContains(response, "Diese Seite ist noch nicht vollständig")
        self.assertContains(response, '<mark class="legal-placeholder">[[Name der Gemeinde]]</mark>', html=False)

    def test_only_administrators_edit_and_others_get_403(self) -> None:
        for url in (EDIT_IMPRINT, EDIT_PRIVACY):
            for name, user in self.personas().items():
                self.login(user)
                expected = {"admin": 200, "anonymous": 302}.get(name, 403)
                self.assertEqual(self.client.get(url).status_code, expected, f"{name} GET {url}")
                if name not in ("admin", "anonymous"):
                    self.assertEqual(self.client.post(url, {"text": "Gehackt"}).status_code, 403)
        self.assertFalse(LegalPage.objects.exists())

    def test_a_first_text_saved_while_another_administrator_saved_one_updates_that_row(self) -> None:
        self.login(self.admin)
        unsaved = LegalPage(kind=LegalPage.Kind.IMPRINT, text=default_text(LegalPage.Kind.IMPRINT))
        # The form was opened before the other administrator's first text was stored.
        LegalPage.objects.create(kind=LegalPage.Kind.IMPRINT, text="Erste Fassung")
        with mock.patch.object(LegalPage.objects, "for_kind", return_value=unsaved):
            response = self.client.post(EDIT_IMPRINT, {"text": COMPLETE})
        self.assertRedirects(response, IMPRINT)
        self.assertEqual(list(LegalPage.objects.values_list("text", flat=True)), [COMPLETE])

    def test_an_empty_text_is_refused(self) -> None:
        self.login(self.admin)
        response = self.client.post(EDIT_PRIVACY, {"text": "  "})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Dieses Feld ist zwingend erforderlich.")
        self.assertFalse(LegalPage.objects.exists())

    def test_changes_are_in_the_audit_trail(self) -> None:
        from auditlog.models import LogEntry

        self.login(self.admin)
        self.client.post(EDIT_IMPRINT, {"text": COMPLETE})
        entry = LogEntry.objects.get_for_object(LegalPage.objects.get())
        self.assertEqual(entry.get().actor, self.admin)

    def test_html_is_escaped_and_only_the_structure_becomes_markup(self) -> None:
        hostile = (
            "## <script>alert(1)</script>\n\n<img src=x onerror=alert(2)> [[<b>Ort</b>]]\n"
            '- javascript:alert(3)\n- <a href="javascript:alert(4)">klick</a>\n\n'
            "Mehr unter https://www.teststadt.de und info@teststadt.de"
        )
        html = str(render_text(hostile))
        self.assertNotIn("<script", html)
        self.assertNotIn("<img", html)
        self.assertNotIn("<b>", html)
        self.assertNotIn('href="javascript', html)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", html)
        self.assertIn('<mark class="legal-placeholder">[[&lt;b&gt;Ort&lt;/b&gt;]]</mark>', html)
        self.assertIn('<ul class="kern-list kern-list--bullet"><li>javascript:alert(3)</li>', html)
        self.assertIn('<a class="kern-link" href="https://www.teststadt.de" rel="nofollow">', html)
        self.assertIn('<a class="kern-link" href="mailto:info@teststadt.de">', html)
        self.assertEqual(placeholders(hostile), ["<b>Ort</b>"])

    def test_a_stored_hostile_text_is_escaped_on_the_page(self) -> None:
        LegalPage.objects.create(kind=LegalPage.Kind.IMPRINT, text='<script>alert("x")</script>')
        response = self.client.get(IMPRINT)
        self.assertNotContains(response, '<script>alert("x")</script>', html=False)
        self.assertContains(response, "&lt;script&gt;")

    def test_the_pages_take_the_same_queries_however_long_the_text(self) -> None:
        def queries(text: str) -> int:
            LegalPage.objects.update_or_create(kind=LegalPage.Kind.PRIVACY, defaults={"text": text})
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(self.client.get(PRIVACY).status_code, 200)
            return len(captured)

        self.login(self.citizen)
        short = queries("## Kurz\n\nText")
        self.assertEqual(
            queries("\n\n".join(f"## Abschnitt {n}\n\n- Punkt [[{n}]]\n- Punkt" for n in range(200))), short
        )

    def test_english_pages_say_the_text_is_german_and_mark_it_so(self) -> None:
        with translation.override("en"):
            response = self.client.get(IMPRINT, headers={"accept-language": "en"})
        self.assertContains(response, "Legal notice (Impressum)")
        self.assertContains(response, "This text is in German")
        self.assertContains(response, "This page is not complete yet")
        self.assertContains(response, '<div class="stack" lang="de">', html=False)


class ConsentLinkTests(BaseTestCase):
    def test_every_consent_checkbox_links_the_privacy_notice(self) -> None:
        from accounts.forms import AccountSetupForm
        from ideas.forms import AnonymousIdeaForm

        for form in (AccountSetupForm(email="neu@example.org"), AnonymousIdeaForm()):
            with self.subTest(form=type(form).__name__):
                hint = str(form.fields["consent"].help_text)
                self.assertIn(f'<a class="kern-link" href="{PRIVACY}">Datenschutzerklärung</a>', hint)

    def test_the_idea_form_without_account_shows_the_link_beside_its_consent(self) -> None:
        response = self.client.get(reverse("ideas:create"))
        self.assertContains(response, f'href="{PRIVACY}">Datenschutzerklärung</a>', html=False)
