"""Every answer carries the security headers: JSON, problems, the calendar feed, the API
reference page (with a policy it can work under), and HSTS only over https."""

import httpx
import pytest

from service.system.headers import DOCS_POLICY, JSON_POLICY

COMMON = {"x-content-type-options": "nosniff", "referrer-policy": "no-referrer",
          "x-frame-options": "DENY"}


def assert_common(response: httpx.Response) -> None:
    for name, value in COMMON.items():
        assert response.headers[name] == value, (response.url, name)


@pytest.mark.parametrize("path", ["/health", "/ready", "/v1/me", "/v1/nothing-here",
                                  "/schema/openapi.json", "/calendar/nope.ics"])
async def test_every_answer_carries_the_headers(client, path):
    response = await client.get(path)
    assert_common(response)
    assert response.headers["content-security-policy"] == JSON_POLICY
    assert "strict-transport-security" not in response.headers


async def test_the_api_reference_page_gets_a_policy_it_works_under(client):
    page = await client.get("/schema")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert_common(page)
    assert page.headers["content-security-policy"] == DOCS_POLICY
    # what the page loads is allowed by its policy: scripts and styles from its CDN only
    for url in ("https://cdn.jsdelivr.net/npm/@scalar/api-reference",
                "https://cdn.jsdelivr.net/gh/litestar-org/branding"):
        assert url in page.text
    assert "script-src https://cdn.jsdelivr.net;" in DOCS_POLICY
    assert "connect-src 'self'" in DOCS_POLICY  # it fetches /schema/openapi.json


async def test_hsts_only_over_https(app, api):
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://ladder.test") as tls:
        response = await tls.get("/v1/me", headers=await api.admin())
    assert response.status_code == 200
    assert_common(response)
    assert response.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
