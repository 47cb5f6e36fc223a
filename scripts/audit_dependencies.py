"""Check the locked runtime dependencies against known vulnerabilities (pip-audit, PyPI's advisory data).

Run with the project's Python: `.venv/bin/python scripts/audit_dependencies.py [LOCKFILE]`.

Exit codes: 0 no known vulnerability (or the advisory database is not reachable: a notice says the
audit was skipped, so an offline machine can still run the tests), 1 a locked pin has a known
vulnerability, 2 pip-audit itself failed. Reachability is probed with a release that has published
advisories (Django 3.2.0): when PyPI answers without advisories for it, the audit would prove
nothing, so it is skipped with the same notice instead of passing silently.
"""

import json
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE_URL = "https://pypi.org/pypi/django/3.2/json"


def advisory_database_reachable(timeout: float = 8.0) -> bool:
    try:
        with urllib.request.urlopen(PROBE_URL, timeout=timeout) as response:
            document = json.load(response)
    except (OSError, ValueError):
        return False
    return bool(document.get("vulnerabilities"))


def audit(lockfile: Path) -> int:
    command = [
        str(Path(sys.executable).with_name("pip-audit")),
        "--requirement",
        str(lockfile),
        "--disable-pip",
        "--no-deps",
        "--progress-spinner",
        "off",
        "--strict",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 -- fixed arguments
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    if result.returncode == 0:
        return 0
    # pip-audit answers 1 both for "vulnerabilities found" and for its own errors; tell them apart.
    if re.search(r"Found \d+ known vulnerabilit", result.stdout + result.stderr):  # pip-audit's summary (stderr)
        return 1
    return 2


def main(argv: list[str]) -> int:
    lockfile = Path(argv[0]) if argv else ROOT / "requirements.lock"
    if not lockfile.is_file():
        print(f"{lockfile}: no such file", file=sys.stderr)
        return 2
    if not advisory_database_reachable():
        print(
            "\033[33mNOTICE: PyPI's vulnerability data is not reachable from this machine; "
            "the dependency audit was SKIPPED.\033[0m"
        )
        return 0
    return audit(lockfile)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
