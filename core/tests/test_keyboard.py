"""Keyboard only, end to end: submit an idea, support one, answer a survey.

Every step reaches its control with Tab (never a click or a focus() call) and acts with
Enter, Space, arrow keys or typing, in Debian's headless Chromium.
"""

from django.conf import settings

from accounts.models import User
from ideas.models import Idea, Support
from installation.testing_browser import BrowserTestCase
from surveys.models import Answer, Response, Survey

MAX_TABS = 80


class KeyboardOnlyTests(BrowserTestCase):
    skip_message = "Keyboard suite SKIPPED: no Chromium found (apt install chromium)."

    def setUp(self) -> None:
        super().setUp()
        self.citizen = User.objects.get(email="buergerin@lindenfeld.example")
        self.client.force_login(self.citizen, backend="django.contrib.auth.backends.ModelBackend")
        self.context = self.browser.new_context(locale="de")
        self.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": self.client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": self.live_server_url,
                }
            ]
        )
        self.page = self.context.new_page()

    def tearDown(self) -> None:
        self.context.close()

    def open(self, path: str) -> None:
        self.page.goto(self.live_server_url + path)

    def tab_to(self, selector: str) -> None:
        """Press Tab until the focused element matches selector; fail if the tab order never gets there."""
        for _ in range(MAX_TABS):
            self.page.keyboard.press("Tab")
            if self.page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
                return
        self.fail(f"{selector} is not reachable with Tab on {self.page.url}")

    def test_submit_an_idea(self) -> None:
        self.open("/ideas/new/")
        self.tab_to("#id_title")
        self.page.keyboard.type("Sitzbänke mit QR-Code für Schadensmeldungen")
        self.tab_to("#id_description")
        self.page.keyboard.type("Wer eine kaputte Bank sieht, scannt den Code und meldet es sofort.")
        self.tab_to("main button[type=submit]")
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")
        idea = Idea.objects.get(title="Sitzbänke mit QR-Code für Schadensmeldungen")
        self.assertEqual(idea.author, self.citizen)

    def test_support_an_idea(self) -> None:
        idea = Idea.objects.public().exclude(supports__user=self.citizen).exclude(status=Idea.Status.MERGED).first()
        self.open(idea.get_absolute_url())
        self.tab_to("#support button[type=submit]")
        self.page.keyboard.press("Enter")
        self.page.wait_for_selector("#support button[aria-pressed=true]")
        self.assertTrue(Support.objects.filter(idea=idea, user=self.citizen).exists())

    def test_answer_a_survey(self) -> None:
        survey = Survey.objects.get(audience=Survey.Audience.OPEN)
        single, multiple, scale, text = survey.questions.all()
        self.open(survey.get_absolute_url())
        self.tab_to(f"input[name=q{single.pk}]")
        self.page.keyboard.press("ArrowDown")  # radio groups move and select with the arrow keys
        self.tab_to(f"input[name=q{multiple.pk}]")
        self.page.keyboard.press("Space")
        self.tab_to(f"input[name=q{scale.pk}]")
        self.page.keyboard.press("ArrowDown")
        self.page.keyboard.press("ArrowDown")
        self.tab_to(f"textarea[name=q{text.pk}]")
        self.page.keyboard.type("Bitte auch samstags Termine anbieten.")
        self.tab_to("main button[type=submit]")
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")
        self.assertEqual(Response.objects.filter(survey=survey).count(), 1)
        answers = Answer.objects.filter(response__survey=survey)
        self.assertEqual(answers.get(question=single).choice, single.choices.all()[1])
        self.assertEqual(answers.get(question=multiple).choice, multiple.choices.first())
        self.assertEqual(answers.get(question=scale).value, 3)
        self.assertEqual(answers.get(question=text).text, "Bitte auch samstags Termine anbieten.")
