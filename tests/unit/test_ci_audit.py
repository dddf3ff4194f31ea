"""The CI's dependency check fails on a known vulnerability with a fix, and only warns on one
without a fix or a dependency it could not audit."""

import json
import subprocess
import sys

from tests.conftest import ROOT

AUDIT = ROOT / ".ci" / "audit.py"


def run(report: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(AUDIT)], input=json.dumps(report), text=True,
                          capture_output=True, check=False)


def test_a_fixed_vulnerability_fails_the_run():
    result = run({"dependencies": [
        {"name": "litestar", "version": "2.0.0",
         "vulns": [{"id": "GHSA-xxxx", "fix_versions": ["2.0.1"]}]},
        {"name": "msgspec", "version": "0.18.0", "vulns": []}]})
    assert result.returncode == 1
    assert "litestar 2.0.0: GHSA-xxxx (fixed in 2.0.1)" in result.stderr


def test_no_fix_yet_and_unaudited_dependencies_only_warn():
    result = run({"dependencies": [
        {"name": "granian", "version": "1.0", "vulns": [{"id": "PYSEC-1", "fix_versions": []}]},
        {"name": "asyncpg", "skip_reason": "Dependency not found on PyPI"}]})
    assert result.returncode == 0
    assert "PYSEC-1 (no fix released yet)" in result.stderr
    assert "1 dependencies could not be audited: asyncpg" in result.stderr
