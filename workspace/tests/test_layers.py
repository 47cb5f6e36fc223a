from django.test import SimpleTestCase

from core.tests.test_layers import PACKAGES, imported_packages, modules_of


class WorkspaceLayerTests(SimpleTestCase):
    def test_no_app_imports_the_workspace(self) -> None:
        """The start page stands above the apps it reads; only settings, URLs and the top floor may name it."""
        wrong = {
            str(path): "workspace"
            for package in sorted(PACKAGES - {"workspace", "config", "installation"})
            for path in modules_of(package)
            if "workspace" in imported_packages(path)
        }
        self.assertEqual(wrong, {})
