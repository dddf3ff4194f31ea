import pytest

from service.app import create_app

pytestmark = pytest.mark.asyncio


async def test_health_and_ready(client):
    assert (await client.get("/health")).json() == {"status": "ok"}
    ready = await client.get("/ready")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"


async def test_ready_reports_pending_migrations(settings, pool, tmp_path):
    import httpx

    (tmp_path / "9999_future.sql").write_text("SELECT 1;")
    for existing in settings.migrations_dir.glob("*.sql"):
        (tmp_path / existing.name).write_text(existing.read_text())
    app = create_app(settings.model_copy(update={"migrations_dir": tmp_path}), pool=pool)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://t") as client:
        response = await client.get("/ready")
    assert response.status_code == 503
    assert response.json()["pending_migrations"] == ["9999_future"]


async def test_openapi_schema_is_served(client):
    schema = (await client.get("/schema/openapi.json")).json()
    assert "/v1/workers" in schema["paths"]
    assert schema["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


async def test_unknown_route_is_problem_json(client):
    response = await client.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
