"""Supply chain: production installs only runtime pins, every pin carries hashes, known vulnerabilities fail."""

import importlib.util
import re
import subprocess
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


def test_the_audit_tells_vulnerabilities_from_its_own_failures(monkeypatch):
    audit = _audit_script()
    answers = {
        "found": subprocess.CompletedProcess([], 1, "", "Found 2 known vulnerabilities in 1 package\n"),
        "broken": subprocess.CompletedProcess([], 1, "", "ERROR: could not parse requirements\n"),
        "clean": subprocess.CompletedProcess([], 0, "", "No known vulnerabilities found\n"),
    }
    for kind, expected in (("found", 1), ("broken", 2), ("clean", 0)):
        monkeypatch.setattr(audit.subprocess, "run", lambda *args, answer=answers[kind], **kwargs: answer)
        assert audit.audit(ROOT / "requirements.lock") == expected, kind


def test_an_unreachable_advisory_database_skips_with_a_notice(monkeypatch, capsys):
    audit = _audit_script()
    monkeypatch.setattr(audit, "advisory_database_reachable", lambda: False)
    assert audit.main([]) == 0
    assert "SKIPPED" in capsys.readouterr().out
