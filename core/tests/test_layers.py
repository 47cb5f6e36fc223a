"""Every import runs downwards: ground (core) → apps → top floor (installation).

Read from the source with `ast`, so a lazy import inside a function counts as well. Tests stand
above everything and are not checked; an import under `if TYPE_CHECKING:` only names a type.
"""

import ast
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

ROOT = Path(settings.BASE_DIR)
PACKAGES = {path.parent.name for path in ROOT.glob("*/__init__.py")}
TOP = {"installation"}


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imported_packages(path: Path) -> set[str]:
    """The top-level packages of the project that the module imports (at any depth, not for types)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking_only(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    return found & PACKAGES


def modules_of(package: str) -> list[Path]:
    return [
        path
        for path in sorted((ROOT / package).rglob("*.py"))
        if "tests" not in path.relative_to(ROOT).parts and "migrations" not in path.relative_to(ROOT).parts
    ]


class LayerTests(SimpleTestCase):
    def test_core_imports_no_other_app(self) -> None:
        """core is the ground: it knows no app, apps reach it through its registries and hooks."""
        self.assertTrue(modules_of("core"))
        wrong = {
            str(path.relative_to(ROOT)): sorted(imported_packages(path) - {"core"})
            for path in modules_of("core")
            if imported_packages(path) - {"core"}
        }
        self.assertEqual(wrong, {})

    def test_no_app_imports_the_top_floor(self) -> None:
        """Demo, generator, benchmarks and export of everything use the apps, never the other way."""
        wrong = {
            str(path.relative_to(ROOT)): sorted(imported_packages(path) & TOP)
            for package in sorted(PACKAGES - TOP - {"config"})  # settings, URLs and the API object
            for path in modules_of(package)
            if imported_packages(path) & TOP
        }
        self.assertEqual(wrong, {})

    def test_the_check_sees_imports(self) -> None:
        path = ROOT / "installation" / "demo.py"
        self.assertIn("ideas", imported_packages(path))
