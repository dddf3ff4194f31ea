"""Schemathesis over the OpenAPI schema against a real server process: no 5xx, and no response
that breaks the schema. LADDER_FUZZ_EXAMPLES raises the examples per operation (default 25)."""

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.conftest import ROOT

EXAMPLES = int(os.environ.get("LADDER_FUZZ_EXAMPLES", "25"))


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
    token = subprocess.run(
        [sys.executable, "-m", "service.cli", "token", "create", "--role", "admin",
         "--name", "fuzz"], env=env, cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.strip().splitlines()[-1]
    yield base, {"Authorization": f"Bearer {token}"}
    process.terminate()
    process.wait(timeout=10)


def test_api_never_fails_on_generated_input(server):
    """One Hypothesis run per operation (schemathesis' own pytest plugin does not work with
    pytest 9, so the operations are walked here); every failure is collected and reported."""
    base, admin = server
    api = schemathesis.openapi.from_url(f"{base}/schema/openapi.json")
    failures: list[str] = []
    operations = calls = 0
    for result in api.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def call(case):
            nonlocal calls
            calls += 1
            case.call_and_validate(base_url=base, headers=admin,
                                   checks=[not_a_server_error, response_schema_conformance])

        try:
            call()
        except Exception as exc:  # noqa: BLE001 - collect every operation's failure
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}"[:3000])
    assert operations >= 10 and calls >= operations * min(EXAMPLES, 5)
    assert not failures, "\n\n".join(failures)
