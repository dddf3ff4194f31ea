"""An app that is dropped is freed once another is built (Litestar's module-level route
handlers point at the app that registered them last): nothing else process-wide keeps hold of
it. One process builds one app in production, but the test suite builds hundreds, and each
holds its own caches (the skill lexicons, the OpenAPI schema); a module-level cache keyed by
route handlers once kept them all, and the suite's heap grew to millions of objects."""

import gc
import weakref

import httpx
import pytest

from service.app import create_app
from tests.conftest import worker_body

pytestmark = pytest.mark.asyncio


class Marker:
    """Put in the app's state: freed with the app (a Litestar app takes no weak reference)."""


async def test_an_app_that_served_json_bodies_is_freed_once_dropped_and_another_built(
        settings, pool, lease_pool, api):
    headers = await api.admin()

    async def serve_once() -> weakref.ref:
        app = create_app(settings, pool=pool, lease_pool=lease_pool)
        app.state.marker = marker = Marker()
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://ladder.test") as client:
            created = await client.post("/v1/workers", json=worker_body(), headers=headers)
            refused = await client.post("/v1/workers", content=b"{", headers={
                **headers, "Content-Type": "application/json"})
        assert (created.status_code, refused.status_code) == (201, 400), created.text
        return weakref.ref(marker)

    first = await serve_once()
    await serve_once()
    gc.collect()
    assert first() is None
