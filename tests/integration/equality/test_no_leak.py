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
