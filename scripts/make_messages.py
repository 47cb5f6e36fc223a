"""Update the German message catalogues: `locale/` for the older apps, `<app>/locale/` for apps with their own.

Run with the project's Python: `.venv/bin/python scripts/make_messages.py`. Then translate the
new entries (no entry may stay empty or fuzzy: core/tests/test_translations.py checks it).
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALWAYS_IGNORED = [".venv", "static_vendor", "var", "staticfiles", "node_modules"]


def makemessages(cwd: Path, ignored: list[str]) -> None:
    command = [sys.executable, str(ROOT / "manage.py"), "makemessages", "-l", "de", "--no-obsolete"]
    command += [f"--ignore={name}/*" for name in ignored]
    subprocess.run(command, cwd=cwd, check=True)  # noqa: S603 -- our own manage.py, fixed arguments


def main() -> None:
    own = sorted(path.parent.parent.parent.name for path in ROOT.glob("*/locale/de/LC_MESSAGES"))
    makemessages(ROOT, ALWAYS_IGNORED + own)
    for app in own:
        makemessages(ROOT / app, [])


if __name__ == "__main__":
    main()
