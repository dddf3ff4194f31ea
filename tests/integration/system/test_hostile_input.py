"""Hostile request bodies, parameters and headers: each is a 4xx problem naming what is at
fault, never a 500 (issue 9)."""

import json
import logging

import pytest

from tests.conftest import worker_body

pytestmark = pytest.mark.asyncio

DEEP = b"[" * 100_000 + b"]" * 100_000
HUGE_INTEGER = b"9" * 5000


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    return body


def fields(body: dict) -> list[str]:
    return [e["field"] for e in body["errors"]]


def with_field(field: str, raw: bytes) -> bytes:
    """A valid worker body with one field's value replaced by raw JSON."""
    encoded = json.dumps(worker_body() | {field: "@@"}).encode()
    return encoded.replace(b'"@@"', raw)


async def test_a_deeply_nested_body_is_400_naming_body_without_a_traceback(api, client, caplog):
    admin = await api.admin()
    worker = await api.worker()
    contribution = f"/v1/workers/{worker['id']}/account/contributions"
    cases = [
        ("POST", "/v1/workers", DEEP, {}),
        ("POST", "/v1/workers", DEEP, {"Content-Type": "application/json"}),
        ("POST", "/v1/reps", DEEP, {}),
        ("PATCH", f"/v1/workers/{worker['id']}", DEEP, {}),
        ("POST", contribution, DEEP, {"Idempotency-Key": "deep-1"}),
        ("POST", "/v1/tokens", b'{"role": "admin", "name": ' + DEEP + b"}", {}),
        ("POST", "/v1/workers", with_field("occupation", DEEP), {}),
        ("POST", "/v1/workers", with_field("name", b'{"a": ' + DEEP + b"}"), {}),
    ]
    with caplog.at_level(logging.ERROR, logger="ladder"):
        for method, url, body, headers in cases:
            response = await client.request(method, url, content=body, headers=admin | headers)
            got = problem(response, 400)
            assert fields(got) == ["body"], (url, got)
            assert "nested" in got["detail"], got
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_nul_in_a_parameter_names_that_parameter(api, client):
    admin = await api.admin()
    cases = [
        ("/v1/courses?q=care%00", "q"),
        ("/v1/occupations?q=ab%00", "q"),
        ("/v1/skills?q=ab%00", "q"),
        ("/v1/courses?skill=ab%00", "skill"),
        ("/v1/courses?q=care&band=introductory&skill=x%00y", "skill"),
        ("/v1/providers/1%000000000/syncs", "ukprn"),
    ]
    for url, field in cases:
        got = problem(await client.get(url, headers=admin), 422)
        assert fields(got) == [field], (url, got)
        assert "NUL" in got["detail"]


async def test_a_nul_in_a_header_or_a_body_string_names_it(api, client):
    admin = await api.admin()
    worker = await api.worker()
    contribution = f"/v1/workers/{worker['id']}/account/contributions"
    body = {"amount_pence": 100, "source": "employer", "reference": "ref-1"}
    header = await client.post(contribution, json=body,
                               headers=admin | {"Idempotency-Key": "key\x00one"})
    assert fields(problem(header, 422)) == ["Idempotency-Key"]
    named = await client.post("/v1/workers", json=worker_body(name="Pat\x00Example"),
                              headers=admin)
    assert fields(problem(named, 422)) == ["name"]
    token = await client.post("/v1/tokens", json={"role": "admin", "name": "a\x00b"},
                              headers=admin)
    assert fields(problem(token, 422)) == ["name"]
    # A backslash followed by "u0000" is not a NUL: the worker is created.
    escaped = await client.post("/v1/workers", json=worker_body(name="Pat \\u0000"),
                                headers=admin)
    assert escaped.status_code == 201, escaped.text
    assert escaped.json()["name"] == "Pat \\u0000"


@pytest.mark.parametrize(("raw", "field"), [
    (b"1e400", "weekly_hours"),
    (b"-1e400", "weekly_hours"),
    (HUGE_INTEGER, "weekly_hours"),
])
async def test_out_of_range_numbers_are_422_naming_the_field(api, client, raw, field):
    got = problem(await client.post("/v1/workers", content=with_field(field, raw),
                                    headers=await api.admin()), 422)
    assert fields(got) == [field]


async def test_out_of_range_money_is_422_naming_the_field(api, client):
    admin = await api.admin()
    worker = await api.worker()
    url = f"/v1/workers/{worker['id']}/account/contributions"
    for i, raw in enumerate((b"1e400", HUGE_INTEGER, b"-" + HUGE_INTEGER, b"1.5")):
        body = b'{"amount_pence": ' + raw + b', "source": "employer", "reference": "r"}'
        got = problem(await client.post(url, content=body,
                                        headers=admin | {"Idempotency-Key": f"big-{i}"}), 422)
        assert fields(got) == ["amount_pence"], got


async def test_invalid_utf8_is_400_naming_body(api, client):
    admin = await api.admin()
    for body in (b'{"name": "\xff"}', with_field("name", b'"Pat \xc3\x28"'), b"\xef\xbb\xbf{}"):
        got = problem(await client.post("/v1/workers", content=body, headers=admin), 400)
        assert fields(got) == ["body"]


async def test_duplicate_keys_are_400_naming_the_key(api, client, pool):
    """msgspec keeps the last of two equal keys; for money that is a silent overwrite, so
    a body with a repeated key is refused, and nothing is written."""
    admin = await api.admin()
    worker = await api.worker()
    url = f"/v1/workers/{worker['id']}/account/contributions"
    body = b'{"amount_pence": 1, "source": "employer", "reference": "r", "amount_pence": 900000}'
    got = problem(await client.post(url, content=body,
                                    headers=admin | {"Idempotency-Key": "dup-1"}), 400)
    assert fields(got) == ["amount_pence"]
    assert "more than once" in got["detail"]
    twice = with_field("name", b'"A", "name": "B"')
    assert fields(problem(await client.post("/v1/workers", content=twice, headers=admin),
                          400)) == ["name"]
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM ledger_entries WHERE worker_id = $1",
                                   __import__("uuid").UUID(worker["id"])) == 0
        assert await conn.fetchval("SELECT count(*) FROM workers") == 1


@pytest.mark.parametrize("content_type", [
    "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
    "application/xml", "text/json-ish",
])
async def test_a_json_route_refuses_a_non_json_media_type_with_415(api, client, pool,
                                                                   content_type):
    admin = await api.admin()
    worker = await api.worker()
    url = f"/v1/workers/{worker['id']}/account/contributions"
    body = b'{"amount_pence": "100", "source": "employer", "reference": "r"}'
    got = problem(await client.post(url, content=body, headers=admin | {
        "Content-Type": content_type, "Idempotency-Key": "media-1"}), 415)
    assert fields(got) == ["Content-Type"]
    deep = await client.post("/v1/workers", content=DEEP,
                             headers=admin | {"Content-Type": content_type})
    assert fields(problem(deep, 415)) == ["Content-Type"]
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM ledger_entries") == 0


@pytest.mark.parametrize("content_type", [
    None, "application/json", "application/json; charset=utf-8", "Application/JSON",
    "application/merge-patch+json",
])
async def test_json_media_types_and_none_are_read_strictly_as_json(api, client, content_type):
    admin = await api.admin()
    worker = await api.worker()
    url = f"/v1/workers/{worker['id']}/account/contributions"
    headers = admin | ({"Content-Type": content_type} if content_type else {})
    loose = b'{"amount_pence": "100", "source": "employer", "reference": "r"}'
    got = problem(await client.post(url, content=loose,
                                    headers=headers | {"Idempotency-Key": "loose"}), 422)
    assert fields(got) == ["amount_pence"]
    strict = b'{"amount_pence": 100, "source": "employer", "reference": "r"}'
    made = await client.post(url, content=strict, headers=headers | {"Idempotency-Key": "ok"})
    assert made.status_code == 201, made.text


async def test_an_empty_body_is_400_naming_body(api, client):
    admin = await api.admin()
    for headers in ({}, {"Content-Type": "application/json"}):
        got = problem(await client.post("/v1/workers", content=b"", headers=admin | headers),
                      400)
        assert fields(got) == ["body"]


async def test_a_cursor_number_beyond_bigint_is_422_naming_cursor(api, client):
    worker = await api.worker()
    cursor = "Wzk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5XQ"  # [99999999999999999999999999999]
    got = problem(await client.get(f"/v1/workers/{worker['id']}/account/entries?cursor={cursor}",
                                   headers=await api.admin()), 422)
    assert fields(got) == ["cursor"]


@pytest.mark.parametrize(("url", "field"), [
    ("/v1/policy?version=1099511627776", "version"),
    ("/v1/policy?version=9223372036854775808", "version"),
    ("/v1/policy/versions?cursor=WzEwOTk1MTE2Mjc3NzZd", "cursor"),  # [1099511627776]
])
async def test_an_integer_beyond_its_column_names_the_parameter(api, client, url, field):
    got = problem(await client.get(url, headers=await api.admin()), 422)
    assert fields(got) == [field]
