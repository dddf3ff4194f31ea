import pytest

from tests.integration.courses.conftest import CORNWALL, CORNWALL_UKPRN, XML, course, presentation

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("reference_data")]


async def sync(client, ukprn, headers, courses, mode="full"):
    return await client.put(f"/v1/providers/{ukprn}/catalogue?mode={mode}", headers=headers,
                            json={"courses": courses})


async def test_json_sync_creates_then_changes_nothing(client, college):
    provider, headers = college
    first = await sync(client, provider["ukprn"], headers, [course("C1"), course("C2")])
    assert first.status_code == 200, first.text
    report = first.json()
    assert (report["created"], report["updated"], report["unchanged"]) == (2, 0, 0)
    assert report["status"] == "applied"
    second = (await sync(client, provider["ukprn"], headers, [course("C1"), course("C2")])).json()
    assert (second["created"], second["updated"], second["unchanged"]) == (0, 0, 2)


async def test_cornwall_feed(client, api):
    await api.provider(ukprn=CORNWALL_UKPRN, name="Cornwall College")
    response = await client.put(f"/v1/providers/{CORNWALL_UKPRN}/catalogue",
                                headers=await api.admin() | XML, content=CORNWALL.read_bytes())
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["created"] == 407
