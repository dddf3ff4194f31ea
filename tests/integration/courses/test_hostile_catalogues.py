"""Catalogues built to break a sync (huge numbers, huge texts, over-long URLs, odd media
types): one bad record is rejected with its reason, a bad body is a stored failed sync, and
nothing is a 500 (issue 9)."""

import random

import pytest

from service.courses import logic
from tests.integration.courses.conftest import XML, answer, course, presentation

pytestmark = pytest.mark.asyncio

HUGE = "9" * 5000
JSON = {"Content-Type": "application/json"}


def xcri(*courses: str) -> bytes:
    return ('<catalog xmlns="http://xcri.org/profiles/1.2/catalog" '
            'xmlns:mlo="http://purl.org/net/mlo" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f'<provider>{"".join(courses)}</provider></catalog>').encode()


def xcri_course(ref: str, places: str = "12", cost: str = "£100") -> str:
    return (f"<course><dc:identifier>{ref}</dc:identifier><dc:title>Welding {ref}</dc:title>"
            f"<presentation><dc:identifier>{ref}-P1</dc:identifier>"
            f"<mlo:places>{places}</mlo:places><mlo:cost>{cost}</mlo:cost>"
            "</presentation></course>")


async def put(client, ukprn, headers, body: bytes, content_type=JSON):
    return await client.put(f"/v1/providers/{ukprn}/catalogue", headers=headers | content_type,
                            content=body)


async def syncs(client, ukprn, headers):
    return (await client.get(f"/v1/providers/{ukprn}/syncs", headers=headers)).json()["items"]


@pytest.mark.parametrize(("places", "cost", "reason"), [
    (HUGE, "£100", "presentations[0].places: must be at most"),
    (f"{HUGE} places", "£100", "presentations[0].places: must be at most"),
    ("12", f"£{HUGE}", "presentations[0].cost_pence: must be at most"),
    ("12", f"£{HUGE}.50", "presentations[0].cost_pence: must be at most"),
    ("12", "£1" + ",999" * 2000, "presentations[0].cost_pence: must be at most"),
    ("12", f"UK fee: £{HUGE}", "presentations[0].cost_pence: must be at most"),
])
async def test_xcri_numbers_of_thousands_of_digits_reject_only_their_record(
        client, college, places, cost, reason):
    provider, headers = college
    body = xcri(xcri_course("GOOD"), xcri_course("BAD", places=places, cost=cost))
    response = await put(client, provider["ukprn"], headers, body, XML)
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["status"], report["created"], report["rejected"]) == ("applied", 1, 1)
    (rejected,) = report["rejected_records"]
    assert rejected["ref"] == "BAD" and any(r.startswith(reason) for r in rejected["reasons"])


async def test_leading_zeros_are_not_digits_too_many(client, college):
    provider, headers = college
    body = xcri(xcri_course("ZEROS", places="0" * 5000 + "7", cost="£" + "0" * 5000 + "5"))
    report = (await put(client, provider["ukprn"], headers, body, XML)).json()
    assert (report["created"], report["rejected"]) == (1, 0), report


async def test_json_catalogue_numbers_out_of_range(client, college):
    """Beyond 64 bits a JSON number cannot be decoded at all: the whole body is a stored failed
    sync naming the field. Within 64 bits but over the maximum, only that record is rejected."""
    provider, headers = college
    ukprn = provider["ukprn"]
    for raw in (HUGE, "1e400", f"-{HUGE}"):
        body = (b'{"courses": [{"ref": "C1", "title": "T", "presentations": [{"ref": "P", '
                b'"cost_pence": ' + raw.encode() + b"}]}]}")
        response = await put(client, ukprn, headers, body)
        assert response.status_code == 422, response.text
        problem = response.json()
        assert problem["errors"][0]["field"] == "courses[0].presentations[0].cost_pence"
        assert "stored as failed sync" in problem["detail"]
    assert [s["status"] for s in await syncs(client, ukprn, headers)] == ["failed"] * 3
    big = {"courses": [course("BIG", presentations=[presentation(places=2**64 - 1)]),
                       course("OK")]}
    report = (await client.put(f"/v1/providers/{ukprn}/catalogue", headers=headers,
                               json=big)).json()
    assert (report["status"], report["created"], report["rejected"]) == ("applied", 1, 1)
    assert report["rejected_records"][0]["reasons"] == [
        "presentations[0].places: must be at most 100000"]


def words(count: int) -> str:
    """Distinct words, so that the full-text vector grows with the text."""
    rng = random.Random(9)
    return " ".join("".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(8))
                    for _ in range(count))


@pytest.mark.parametrize(("fields", "reason"), [
    ({"description": words(40_000)}, "description: must be at most 100000 characters"),
    ({"learning_outcomes": "x" * 100_001}, "learning_outcomes: must be at most 100000"),
    ({"subjects": [f"subject {i}" for i in range(201)]}, "subjects: at most 200"),
    ({"subjects": ["s" * 201]}, "subjects[0]: must be at most 200 characters"),
    ({"qualification": "q" * 501}, "qualification: must be at most 500 characters"),
    ({"url": "https://example.org/" + "a" * 2000}, "url: must be at most 2000 characters"),
])
async def test_over_long_course_texts_reject_only_their_record(client, college, fields, reason):
    provider, headers = college
    body = {"courses": [course("LONG", **fields), course("OK")]}
    response = await client.put(f"/v1/providers/{provider['ukprn']}/catalogue",
                                headers=headers, json=body)
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["created"], report["rejected"]) == (1, 1), report
    assert any(r.startswith(reason) for r in report["rejected_records"][0]["reasons"]), report


async def test_a_database_limit_during_a_sync_is_a_stored_failed_sync(client, college,
                                                                      monkeypatch):
    """Were validation to let through a text PostgreSQL cannot index, the sync fails as a
    whole, is stored as failed with PostgreSQL's reason, and the catalogue is unchanged."""
    provider, headers = college
    ukprn = provider["ukprn"]
    first = await client.put(f"/v1/providers/{ukprn}/catalogue", headers=headers,
                             json={"courses": [course("KEPT")]})
    assert first.status_code == 200
    monkeypatch.setattr(logic, "MAX_DESCRIPTION_LENGTH", 10**9)
    body = {"courses": [course("HUGE", description=words(200_000))]}
    response = await client.put(f"/v1/providers/{ukprn}/catalogue", headers=headers, json=body)
    assert response.status_code == 422, response.text
    assert "tsvector" in response.json()["detail"]
    stored = await syncs(client, ukprn, headers)
    assert stored[0]["status"] == "failed" and "tsvector" in stored[0]["error"]
    assert stored[0]["id"] in response.json()["detail"]
    courses = (await client.get(f"/v1/courses?provider={ukprn}", headers=headers)).json()
    assert [c["ref"] for c in courses["items"]] == ["KEPT"]


async def test_a_feed_url_is_limited_in_characters_and_bytes(client, college):
    provider, headers = college
    url = f"/v1/providers/{provider['ukprn']}/feeds"
    rng = random.Random(1)
    wide = "https://example.org/" + "".join(chr(rng.randrange(0x4E00, 0x9FFF))
                                            for _ in range(1970))
    assert len(wide) <= 2000 < len(wide.encode())
    response = await client.post(url, headers=headers, json={"url": wide})
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "url"
    assert "bytes" in response.json()["detail"]
    long = await client.post(url, headers=headers,
                             json={"url": "https://example.org/" + "a" * 1981})
    assert long.status_code == 422 and long.json()["errors"][0]["field"] == "url"
    fits = await client.post(url, headers=headers,
                             json={"url": "https://example.org/" + "é" * 990})
    assert fits.status_code == 201, fits.text


@pytest.mark.parametrize("content_type", [None, "application/json; charset=utf-8",
                                          "application/vnd.ladder.catalogue+json"])
async def test_a_catalogue_without_content_type_or_as_json_suffix_is_json(
        client, college, content_type):
    provider, headers = college
    extra = {"Content-Type": content_type} if content_type else {}
    response = await client.put(f"/v1/providers/{provider['ukprn']}/catalogue",
                                headers=headers | extra,
                                content=b'{"courses": [{"ref": "C1", "title": "T"}]}')
    assert response.status_code == 200, response.text
    assert response.json()["format"] == "json"


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
async def test_a_catalogue_of_another_media_type_is_415_naming_content_type(
        client, college, content_type):
    provider, headers = college
    response = await client.put(f"/v1/providers/{provider['ukprn']}/catalogue",
                                headers=headers | {"Content-Type": content_type},
                                content=b'{"courses": []}')
    assert response.status_code == 415
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["field"] == "Content-Type"


async def test_deep_nesting_in_a_json_catalogue_is_a_stored_failed_sync(client, college):
    provider, headers = college
    deep = b"[" * 100_000 + b"]" * 100_000
    for body in (deep, b'{"courses": [], "provider_name": ' + deep + b"}"):
        response = await put(client, provider["ukprn"], headers, body)
        assert response.status_code in (400, 422), response.text
        assert response.json()["errors"][0]["field"] in ("body", "provider_name")
    assert [s["status"] for s in await syncs(client, provider["ukprn"], headers)] == [
        "failed", "failed"]


async def test_a_pulled_feed_with_a_huge_number_rejects_only_that_record(
        feed_client, college, feed_server):
    provider, headers = college
    feed_server.routes["/feed.xml"] = answer(200, xcri(xcri_course("GOOD"),
                                                       xcri_course("BAD", places=HUGE)),
                                             Content_Type="application/xml")
    feed = (await feed_client.post(f"/v1/providers/{provider['ukprn']}/feeds", headers=headers,
                                   json={"url": feed_server.url("/feed.xml")})).json()
    response = await feed_client.post(
        f"/v1/providers/{provider['ukprn']}/feeds/{feed['id']}/pull", headers=headers)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["outcome"] == "synced", result
    assert (result["sync"]["created"], result["sync"]["rejected"]) == (1, 1)


async def test_a_latin1_etag_does_not_break_the_next_pull(feed_client, college, feed_server):
    """httpx reads a Latin-1 ETag as text it cannot send back in If-None-Match; kept, it made
    every later pull of the feed a 500."""
    provider, headers = college
    feed_server.routes["/feed.xml"] = answer(200, xcri(xcri_course("GOOD")),
                                             Content_Type="application/xml", ETag='W/"caf\xe9"')
    feed = (await feed_client.post(f"/v1/providers/{provider['ukprn']}/feeds", headers=headers,
                                   json={"url": feed_server.url("/feed.xml")})).json()
    url = f"/v1/providers/{provider['ukprn']}/feeds/{feed['id']}/pull"
    for outcome in ("synced", "synced"):
        response = await feed_client.post(url, headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["outcome"] == outcome
    assert feed_server.headers_seen[-1].get("If-None-Match") is None


async def test_a_key_repeated_in_a_json_catalogue_is_a_stored_failed_sync(client, college):
    provider, headers = college
    body = (b'{"courses": [{"ref": "C1", "title": "T", "presentations": [{"ref": "P", '
            b'"cost_pence": 100, "cost_pence": 100000}]}]}')
    response = await put(client, provider["ukprn"], headers, body)
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["field"] == "cost_pence"
    assert "more than once" in response.json()["detail"]
    assert [s["status"] for s in await syncs(client, provider["ukprn"], headers)] == ["failed"]


async def test_a_postgresql_size_limit_is_a_422_not_a_500(client, college, monkeypatch):
    """The mapping behind the validation: were a too-wide URL let through, PostgreSQL's index
    limit (ProgramLimitExceededError) is still a client error."""
    from service.courses import service

    monkeypatch.setattr(service, "check_feed_url", lambda url: None)
    provider, headers = college
    rng = random.Random(2)
    wide = "https://example.org/" + "".join(chr(rng.randrange(0x4E00, 0x9FFF))
                                            for _ in range(1970))
    response = await client.post(f"/v1/providers/{provider['ukprn']}/feeds", headers=headers,
                                 json={"url": wide})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "too large" in response.json()["detail"]
    assert response.json()["errors"][0]["field"] == "url"
