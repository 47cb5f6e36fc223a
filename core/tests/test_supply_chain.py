"""Supply chain: production installs only runtime pins, every pin carries hashes, known vulnerabilities fail."""

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
DEVELOPMENT_ONLY = {"pytest", "pytest-django", "hypothesis", "schemathesis", "ruff", "playwright", "pip-audit"}


def _pins(lockfile: str) -> dict[str, str]:
    """Name → the whole requirement block (the pin line with its hash continuation lines)."""
    text = (ROOT / lockfile).read_text()
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text)
    pins = {}
    for block in blocks:
        match = re.match(r"([A-Za-z0-9_.-]+)==", block)
        if match:
            pins[match.group(1).lower()] = block
    return pins


def _audit_script():
    spec = importlib.util.spec_from_file_location("audit_dependencies", ROOT / "scripts" / "audit_dependencies.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_production_lock_holds_no_development_tools():
    runtime = _pins("requirements.lock")
    assert "django" in runtime
    assert not DEVELOPMENT_ONLY & runtime.keys()
    assert _pins("requirements-dev.lock").keys() >= DEVELOPMENT_ONLY


@pytest.mark.parametrize("lockfile", ["requirements.lock", "requirements-dev.lock"])
def test_every_pin_has_a_hash(lockfile):
    pins = _pins(lockfile)
    assert pins
    assert [name for name, block in pins.items() if "--hash=sha256:" not in block] == []


def test_runtime_and_development_pins_agree():
    runtime, development = _pins("requirements.lock"), _pins("requirements-dev.lock")
    for name in runtime.keys() & development.keys():
        assert runtime[name].split()[0] == development[name].split()[0], name


def test_audit_fails_on_a_known_vulnerable_pin(tmp_path):
    audit = _audit_script()
    if not audit.advisory_database_reachable():
        pytest.skip("PyPI's vulnerability data is not reachable from this machine")
    lockfile = tmp_path / "requirements.lock"
    lockfile.write_text("django==3.2\n")
    assert audit.main([str(lockfile)]) == 1
