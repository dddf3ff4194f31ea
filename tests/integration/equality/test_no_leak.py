"""Equality answers are returned by no route but the worker's own `/equality` (the equality
report shows only suppressed aggregates): every GET route of the OpenAPI schema is called, by
the worker, their rep and an admin, about a worker who has answered, and no answer appears."""

import json
import re
import uuid

from tests.conftest import Api

ANSWERS = {"sex": "female", "ethnicity": "white_gypsy_or_irish_traveller",
           "disability": "not_disabled_condition_not_limiting", "consent": True}
# The export is the worker's own copy of everything Ladder holds (issue 13): it shows their
# answers to them alone, which tests/integration/datarights/test_export.py checks.
OWN_ROUTES = {"/v1/workers/{worker_id}/equality", "/v1/reports/equality",
              "/v1/workers/{worker_id}/export"}
KEYS = {"sex", "ethnicity", "ethnicity_group", "disability", "consented_at"}


def keys_of(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_of(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_of(v)}
    return set()


async def test_no_other_get_route_returns_equality_answers(api: Api, client, app):
    worker = await api.worker(branch="Leeds UNISON")
    me = await api.worker_token(worker)
    rep = await api.rep_token(await api.rep(branch="Leeds UNISON"))
    provider = await api.provider()
    given = await client.put(f"/v1/workers/{worker['id']}/equality", headers=me, json=ANSWERS)
    assert given.status_code == 200
    raised = await client.post(f"/v1/workers/{worker['id']}/challenges", headers=me,
                               json={"decision": "priority", "reason": "I work 16 hours"})
    assert raised.status_code == 201
    values = {v for k, v in ANSWERS.items() if k != "consent"}
    consented_at = given.json()["consented_at"]

    schema = app.openapi_schema.to_schema()
    fill = {"worker_id": worker["id"], "ukprn": provider["ukprn"], "filename": "x.ics",
            "ref": worker["id"], "skill_id": worker["id"], "course_id": worker["id"],
            "review_id": worker["id"], "enrolment_id": worker["id"],
            "programme_id": worker["id"]}
    queries = {"worker": worker["id"], "uri": "http://data.europa.eu/esco/occupation/x"}
    called = 0
    for route, operations in schema["paths"].items():
        if "get" not in operations or route in OWN_ROUTES:
            continue
        # any other id (an enrolment's, a programme's) names nothing: a 404 is fine
        url = re.sub(r"\{(\w+)\}", lambda m: str(fill.get(m.group(1), uuid.uuid4())), route)
        params = {p["name"]: queries[p["name"]] for p in operations["get"].get("parameters", [])
                  if p["in"] == "query" and p["name"] in queries}
        for who in (me, rep, await api.admin()):
            answer = await client.get(url, params=params, headers=who)
            assert answer.status_code < 500, (route, answer.text)
            text = answer.text
            for value in (*values, consented_at):
                assert value not in text, (route, value)
            if answer.headers.get("content-type", "").startswith("application/json"):
                assert not keys_of(json.loads(text)) & KEYS, route
            called += 1
    assert called >= 3 * 30  # every GET route was walked, not a handful


ANSWER_FIELDS = {"sex", "ethnicity", "ethnicity_group", "disability"}
# the worker's own answers (PUT, GET, DELETE); the report, whose `dimensions.sex` (and so on)
# are lists of suppressed counts by group, not anyone's answer (tests/integration/reports)
ANSWER_ROUTES = {"/v1/workers/{worker_id}/equality", "/v1/reports/equality"}


def properties(schema: dict, node, seen: set[str]) -> set[str]:
    """Every property name a response schema can hold, following $refs into the components."""
    if isinstance(node, list):
        return {k for item in node for k in properties(schema, item, seen)}
    if not isinstance(node, dict):
        return set()
    found: set[str] = set()
    ref = node.get("$ref")
    if ref and ref not in seen:
        seen.add(ref)
        target = schema
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        found |= properties(schema, target, seen)
    if isinstance(node.get("properties"), dict):
        found |= set(node["properties"])
    for key, value in node.items():
        if key != "properties" or not isinstance(value, dict):
            found |= properties(schema, value, seen)
        else:
            found |= {k for v in value.values() for k in properties(schema, v, seen)}
    return found


def test_no_other_operation_can_answer_with_an_equality_field(app):
    """Every operation of every route (writes too) is checked by its documented answers: none
    but the worker's own equality routes and the report's dimensions has a field for an answer.
    The export's sections are a map, not fields: its answers are the worker's own copy
    (tests/integration/datarights/test_export.py)."""
    schema = app.openapi_schema.to_schema()
    leaks, checked = {}, 0
    for route, operations in schema["paths"].items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            checked += 1
            fields = properties(schema, operation["responses"], set()) & ANSWER_FIELDS
            if fields and route not in ANSWER_ROUTES:
                leaks[f"{method.upper()} {route}"] = sorted(fields)
    assert leaks == {}
    assert checked >= 90  # every operation, not a handful
    # the check sees the fields where they are: the worker's own route has all of them
    own = schema["paths"]["/v1/workers/{worker_id}/equality"]["get"]["responses"]
    assert properties(schema, own, set()) >= ANSWER_FIELDS


async def test_priority_and_matches_are_the_same_before_and_after_answers(api, client):
    """No decision reads the answers: a worker's priority and matches do not move when they
    answer (test_equality_isolation.py proves it of the code; this of the answers)."""
    worker = await api.worker(branch="Leeds UNISON", weekly_hours=16, contract_type="zero_hours")
    me = await api.worker_token(worker)

    async def decisions():
        got = []
        for path in ("priority", "matches"):
            answer = await client.get(f"/v1/workers/{worker['id']}/{path}", headers=me)
            assert answer.status_code == 200, answer.text
            got.append(answer.json())
        return got

    before = await decisions()
    assert (await client.put(f"/v1/workers/{worker['id']}/equality", headers=me,
                             json=ANSWERS)).status_code == 200
    assert await decisions() == before
