"""The OpenAPI document names every status a route answers, with the problem+json body Ladder
really sends; and the answers the routes really give are the ones documented."""

import uuid
from typing import Any

import httpx
import jsonschema_rs
import pytest

from service.app import create_app
from tests.conftest import worker_body

PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
WRITES = {"post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema(app) -> dict[str, Any]:
    return app.openapi_schema.to_schema()


def operations(schema: dict[str, Any], prefix: str = "/"):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if path.startswith(prefix):
                yield method, path, operation


def problem_statuses(operation: dict[str, Any]) -> set[int]:
    return {int(s) for s, r in operation["responses"].items() if r.get("content") == PROBLEM}


def assert_documented(schema: dict[str, Any], method: str, path: str,
                      response: httpx.Response) -> None:
    """The answer's status is documented for the operation, and its body fits that schema."""
    documented = schema["paths"][path][method]["responses"]
    assert str(response.status_code) in documented, (method, path, response.status_code)
    (media_type, content), = documented[str(response.status_code)]["content"].items()
    assert response.headers["content-type"].startswith(media_type)
    jsonschema_rs.validate(content["schema"] | {"components": schema["components"]},
                           response.json())


PUBLIC_V1 = {("get", "/v1/transparency")}  # the published transparency record, for anyone


def test_every_v1_operation_documents_401_and_403_as_problems(schema):
    v1 = [op for op in operations(schema, "/v1/") if op[:2] not in PUBLIC_V1]
    assert len(v1) >= 35
    for method, path, operation in v1:
        assert {401, 403} <= problem_statuses(operation), (method, path)
        assert operation["security"] == [{"bearer": []}], (method, path)


def test_public_operations_need_no_token(schema):
    assert "security" not in schema  # not document-wide: /health and /ready are public
    for path in ("/health", "/ready", "/v1/transparency"):
        operation = schema["paths"][path]["get"]
        assert "security" not in operation
        assert not {"401", "403"} & set(operation["responses"])


def test_no_operation_keeps_litestars_own_error_body(schema):
    """Litestar's default 400 body ({status_code, detail, extra}) is never sent: every error
    response is problem+json."""
    for method, path, operation in operations(schema):
        for status, response in operation["responses"].items():
            if status.startswith("4"):
                assert response.get("content") == PROBLEM, (method, path, status)
                assert response["description"], (method, path, status)


def test_the_problem_schema_is_what_errors_send(schema):
    problem = schema["components"]["schemas"]["Problem"]
    assert set(problem["properties"]) == {"type", "title", "status", "detail", "errors"}
    assert set(problem["required"]) == {"type", "title", "status"}


def test_statuses_follow_from_what_the_route_takes(schema):
    for method, path, operation in operations(schema, "/v1/"):
        statuses = problem_statuses(operation)
        params = operation.get("parameters", [])
        if any(p["in"] == "path" for p in params):
            assert 404 in statuses, (method, path)
        if params or "requestBody" in operation:
            assert {400, 422} <= statuses, (method, path)
        if "requestBody" in operation:
            assert 413 in statuses, (method, path)
        if method in WRITES:
            assert 409 in statuses, (method, path)


def test_handlers_document_their_own_statuses(schema):
    paths = schema["paths"]
    created = paths["/v1/workers"]["post"]["responses"]
    assert "external_ref" in created["409"]["description"]
    assert {400, 413, 422} <= problem_statuses(paths["/v1/workers"]["post"])
    catalogue = paths["/v1/providers/{ukprn}/catalogue"]["put"]
    assert {404, 413, 415, 422} <= problem_statuses(catalogue)
    assert "application/xml" in catalogue["responses"]["415"]["description"]
    assert 404 in problem_statuses(paths["/v1/me"]["get"])
    assert 404 in problem_statuses(paths["/v1/skills/by-uri"]["get"])
    ready = paths["/ready"]["get"]["responses"]["503"]["content"]["application/json"]
    assert ready["schema"] == {"$ref": "#/components/schemas/Readiness"}


async def test_every_v1_operation_answers_401_as_documented(schema, client):
    """Without a token every /v1 operation answers 401, and that answer is the documented one."""
    for method, path, _ in operations(schema, "/v1/"):
        if (method, path) in PUBLIC_V1:
            continue
        url = path.format_map({name: str(uuid.uuid4()) for name in ("token_id", "worker_id",
                               "skill_id", "ukprn", "feed_id", "ref", "course_id",
                               "rep_id", "slot_id", "review_id", "entry_id",
                               "enrolment_id", "consent_id", "challenge_id", "programme_id")})
        response = await client.request(method, url)
        assert response.status_code == 401, (method, path, response.text)
        assert_documented(schema, method, path, response)


async def test_duplicate_worker_answers_the_documented_409(schema, api, client):
    body = worker_body()
    await api.create("/v1/workers", body)
    response = await client.post("/v1/workers", json=body, headers=await api.admin())
    assert response.status_code == 409
    assert_documented(schema, "post", "/v1/workers", response)


async def test_unknown_ukprn_answers_the_documented_404(schema, api, client):
    response = await client.put("/v1/providers/19999999/catalogue", json={"courses": []},
                                headers=await api.admin())
    assert response.status_code == 404
    assert_documented(schema, "put", "/v1/providers/{ukprn}/catalogue", response)


async def test_an_oversized_body_answers_the_documented_413(schema, api, settings, pool):
    small = create_app(settings.model_copy(update={"max_body_bytes": 1024}), pool=pool)
    transport = httpx.ASGITransport(app=small)
    async with httpx.AsyncClient(transport=transport, base_url="http://ladder.test") as client:
        response = await client.post("/v1/workers", json=worker_body(name="x" * 2000),
                                     headers=await api.admin())
    assert response.status_code == 413
    assert_documented(schema, "post", "/v1/workers", response)
