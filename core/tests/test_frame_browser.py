"""The page frame in a real browser: the menus on a phone and with the keyboard, nothing
sideways at 320 px. Debian's headless Chromium, as the accessibility suite."""

from django.conf import settings
from django.urls import reverse

from accounts.models import User
from installation.testing_browser import BrowserTestCase
from maturity.models import Round
from prioritisation.models import PriorityRound
from service_inventory.models import LocalService

MAX_TABS = 40


class FrameInTheBrowserTests(BrowserTestCase):
    skip_message = "Frame browser suite SKIPPED: no Chromium found (apt install chromium)."

    def page_for(self, email: str | None, width: int):
        context = self.browser.new_context(locale="de", viewport={"width": width, "height": 800})
        if email:
            self.client.force_login(User.objects.get(email=email), backend="django.contrib.auth.backends.ModelBackend")
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": self.client.cookies[settings.SESSION_COOKIE_NAME].value,
                        "url": self.live_server_url,
                    }
                ]
            )
        self.addCleanup(context.close)
        return context.new_page()

    def tab_to(self, page, selector: str) -> None:
        for _ in range(MAX_TABS):
            page.keyboard.press("Tab")
            if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
                return
        self.fail(f"{selector} is not reachable with Tab on {page.url}")

    def test_the_menu_on_a_phone_opens_and_closes_with_the_keyboard(self) -> None:
        page = self.page_for(None, 375)
        page.goto(self.live_server_url + "/")
        strategy = page.locator(".site-nav a[href='/strategy/']")
        self.assertFalse(strategy.is_visible())
        self.tab_to(page, "summary.site-menu__toggle")
        page.keyboard.press("Enter")
        self.assertTrue(strategy.is_visible())
        self.assertTrue(page.locator("label[for=site-search-q]").is_visible())
        self.tab_to(page, ".site-nav a[href='/strategy/']")
        page.keyboard.press("Escape")
        self.assertFalse(strategy.is_visible())
        self.assertTrue(page.evaluate("document.activeElement.matches('summary.site-menu__toggle')"))

    def test_on_a_wide_screen_the_menu_is_always_open_and_the_work_areas_open_by_keyboard(self) -> None:
        page = self.page_for("cdo@lindenfeld.example", 1280)
        page.goto(self.live_server_url + "/")
        self.assertFalse(page.locator("summary.site-menu__toggle").is_visible())
        self.assertTrue(page.locator(".site-nav a[href='/strategy/']").is_visible())
        self.assertTrue(page.locator("label[for=site-search-q]").is_visible())
        ranking = page.locator(".site-worknav a[href='/prioritisation/']")
        self.assertFalse(ranking.is_visible())
        self.tab_to(page, ".worknav-group summary")
        page.keyboard.press("Enter")
        self.assertTrue(ranking.is_visible())
        self.tab_to(page, ".site-worknav a[href='/prioritisation/']")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        self.assertTrue(page.url.endswith("/prioritisation/"))
        self.assertEqual(page.locator(".worknav-group summary[aria-current=true]").inner_text(), "Planen")

    def test_nothing_scrolls_sideways_at_320_pixels(self) -> None:
        closed = PriorityRound.objects.get(state=PriorityRound.State.CLOSED)
        paths = [
            "/",
            reverse("projects:since"),
            reverse("services:overview"),
            reverse("services:list"),
            reverse("prioritisation:ranking", args=[closed.pk]),
            reverse("maturity:results", args=[Round.objects.order_by("-pk").first().pk]),
            reverse("core:audit_log"),
            reverse("accounts:tokens"),
            # a fact list with a long web address, a backlog with "Remove" buttons
            reverse("services:detail", args=[LocalService.objects.order_by("pk").first().service_id]),
            "/gibt-es-nicht/",
        ]
        page = self.page_for("cdo@lindenfeld.example", 320)
        for path in paths:
            page.goto(self.live_server_url + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            self.assertLessEqual(width, 320, path)
            squeezed = page.evaluate(
                "[...document.querySelectorAll('main .kern-btn')].filter(b => b.querySelector('.kern-label')"
                " && b.querySelector('.kern-label').getBoundingClientRect().width > b.getBoundingClientRect().width + 1)"
                ".map(b => b.textContent.trim())"
            )
            self.assertEqual(squeezed, [], f"buttons narrower than their label on {path}")

    def test_the_people_list_on_a_phone_shows_every_column_without_scrolling(self) -> None:
        """Each person is a block of labelled lines below 40em, so role, status, second factor and
        last login are visible at 375 px, not hidden to the right of a scrolling table."""
        page = self.page_for("admin@lindenfeld.example", 375)
        page.goto(self.live_server_url + reverse("accounts:people"))
        self.assertLessEqual(page.evaluate("document.documentElement.scrollWidth"), 375)
        outside = page.evaluate(
            "[...document.querySelector('.people-table tbody tr').querySelectorAll('th, td')]"
            ".filter(cell => cell.getBoundingClientRect().right > window.innerWidth + 1)"
            ".map(cell => cell.dataset.label || cell.textContent.trim())"
        )
        self.assertEqual(outside, [])
        labels = page.evaluate(
            "[...document.querySelectorAll('.people-table tbody tr:first-child td')]"
            ".map(cell => getComputedStyle(cell, '::before').content)"
        )
        self.assertIn('"Rolle: "', labels)
        self.assertIn('"Zweiter Faktor: "', labels)
