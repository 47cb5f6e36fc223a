from django.test import SimpleTestCase

from core.tests.test_layers import PACKAGES, imported_packages, modules_of


class NotificationsLayerTests(SimpleTestCase):
    def test_no_app_imports_the_notifications(self) -> None:
        """Notifications listen to the content apps; only settings, URLs and the top floor may name them."""
        wrong = {
            str(path): "notifications"
            for package in sorted(PACKAGES - {"notifications", "config", "installation"})
            for path in modules_of(package)
            if "notifications" in imported_packages(path)
        }
        self.assertEqual(wrong, {})
