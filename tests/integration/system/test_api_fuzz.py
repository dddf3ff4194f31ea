"""Schemathesis over the OpenAPI schema against a real server process: no 5xx, no status, media
type or body that the schema does not document for the operation. LADDER_FUZZ_EXAMPLES raises the
examples per operation (default 25)."""

import os
import socket
import subprocess
import sys
import time
from collections import Counter

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import ROOT

EXAMPLES = int(os.environ.get("LADDER_FUZZ_EXAMPLES", "25"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(database_url: str):
    port = free_port()
    env = os.environ | {"LADDER_DATABASE_URL": database_url}
    process = subprocess.Popen(
        [sys.executable, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1",
         "--port", str(port), "--no-ws", "service.asgi:app"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail(f"server did not start: {process.stderr.read().decode()[-2000:]}")
    yield base, env
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def admin(server) -> dict[str, str]:
    """A token per test: the database is emptied after each one."""
    _, env = server
    token = subprocess.run(
        [sys.executable, "-m", "service.cli", "token", "create", "--role", "admin",
         "--name", "fuzz"], env=env, cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.strip().splitlines()[-1]
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("mode", list(GenerationMode), ids=str)
def test_api_never_fails_on_generated_input(server, admin, mode):
    """One Hypothesis run per operation (schemathesis' own pytest plugin does not work with
    pytest 9, so the operations are walked here); every failure is collected and reported.

    Positive cases follow the schema; negative ones break a parameter or the body (reaching the
    400/404/422 answers), always with the admin token (401s are checked in test_openapi.py). An
    operation with nothing to break is left to the positive run."""
    base, _ = server
    api = schemathesis.openapi.from_url(f"{base}/schema/openapi.json")
    api.config.generation.update(with_security_parameters=False)
    failures: list[str] = []
    statuses: Counter[int] = Counter()
    operations = calls = unbreakable = 0
    for result in api.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def call(case):
            nonlocal calls
            calls += 1
            response = case.call_and_validate(base_url=base, headers=admin, checks=CHECKS)
            statuses[response.status_code] += 1

        try:
            call()
        except Unsatisfiable:
            if mode is GenerationMode.POSITIVE:
                raise
            unbreakable += 1
        # a failed check raises FailureGroup, a BaseExceptionGroup: `Exception` alone would let
        # the first failing operation end the whole run
        except (Exception, FailureGroup) as exc:  # noqa: BLE001 - collect every failure
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}"[:3000])
    print(f"{mode}: {calls} calls, statuses {dict(sorted(statuses.items()))}")
    assert not failures, f"{len(failures)} operations failed:\n\n" + "\n\n".join(failures)
    tried = operations - unbreakable
    assert tried >= 10 and calls >= tried * min(EXAMPLES, 5)
