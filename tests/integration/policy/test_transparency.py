"""The policy in words and the public Algorithmic Transparency Recording Standard record, checked
against the JSON schema in tests/fixtures/transparency.schema.json."""

import json
from datetime import date

import httpx
import jsonschema_rs
import pytest

from service import clock
from service.app import create_app
from tests.conftest import ROOT

SCHEMA = json.loads((ROOT / "tests" / "fixtures" / "transparency.schema.json").read_text())
VALIDATOR = jsonschema_rs.validator_for(SCHEMA, validate_formats=True)


def errors(document) -> list[str]:
    return [f"{e.instance_path}: {e.message}" for e in VALIDATOR.iter_errors(document)]


async def test_the_record_needs_no_token_and_follows_the_schema(client):
    answer = await client.get("/v1/transparency")
    assert answer.status_code == 200, answer.text
    record = answer.json()
    assert errors(record) == []
    assert record["tier_1"]["website"] == "http://ladder.test"
    assert record["tier_1"]["contact_email"] == "ladder@localhost"  # LADDER_MAIL_FROM's
    assert record["policy_version"] == 1


async def test_the_record_comes_from_the_live_policy(api, client, pool):
    async with pool.acquire() as conn:  # a version in force today, as if published before
        await conn.execute(
            "INSERT INTO policies (version, effective_from, rules, note, created_by) "
            "SELECT 2, $1, jsonb_set(jsonb_set(rules, '{priority,part_time}', '7'), "
            "'{annual_credit_pence}', '61000'), 'test', 'test' FROM policies WHERE version = 1",
            clock.today())
    record = (await client.get("/v1/transparency")).json()
    assert errors(record) == []
    assert record["policy_version"] == 2
    models = {m["name"]: m for m in record["tier_2"]["tool_specification"]["models"]}
    assert models["priority score"]["points"]["part_time"] == 7
    assert any("7 points" in line for line in models["priority score"]["description"])
    assert models["learning-account credit"]["annual_credit_pence"] == 61000
    assert any("£610" in line for line in models["learning-account credit"]["description"])
    policy = (await client.get("/v1/policy", headers=await api.admin())).json()
    assert policy["in_words"]["priority"] == models["priority score"]["description"]


async def test_the_website_and_contact_are_settings(settings, pool):
    configured = settings.model_copy(update={
        "transparency_website": "https://learning.example.org/ladder",
        "transparency_contact": "ladder-team@example.org"})
    transport = httpx.ASGITransport(app=create_app(configured, pool=pool))
    async with httpx.AsyncClient(transport=transport, base_url="http://x.test") as client:
        record = (await client.get("/v1/transparency")).json()
    assert record["tier_1"]["website"] == "https://learning.example.org/ladder"
    assert record["tier_1"]["contact_email"] == "ladder-team@example.org"
    assert errors(record) == []


@pytest.mark.parametrize("broken", [
    lambda r: r["tier_1"].pop("contact_email"),
    lambda r: r["tier_2"].pop("risks_and_mitigations"),
    lambda r: r["tier_2"]["tool_specification"]["data"]["sensitive_attributes_excluded"]
    .remove("ethnicity"),
    lambda r: r["tier_1"].update(website="not a url"),
])
async def test_the_schema_refuses_a_record_missing_what_the_standard_asks(client, broken):
    record = (await client.get("/v1/transparency")).json()
    broken(record)
    assert errors(record) != []


async def test_the_policy_says_its_rules_in_words(api, client):
    answer = await client.get("/v1/policy", headers=await api.worker_token(await api.worker()))
    words = answer.json()["in_words"]
    assert set(words) == {"priority", "credits", "eligibility", "matching"}
    assert "Aged 50 or over: 3 points; aged 45 to 49: 2 points." in words["priority"]
    assert any("£500, up to a balance of £5,000" in line for line in words["credits"])
    assert any("aged 45 or over" in line for line in words["eligibility"])
    assert any("above 0.2" in line for line in words["matching"])
    versions = (await client.get("/v1/policy/versions", headers=await api.admin())).json()
    assert versions["items"][0]["in_words"]["priority"] == words["priority"]
    assert date.fromisoformat(answer.json()["effective_from"]) <= clock.today()
