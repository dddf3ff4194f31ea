"""Every route says on itself which roles may call it (see service.auth.guards)."""

import pytest
from litestar.routes import HTTPRoute

from service.app import create_app
from service.auth.guards import ROLE_CHECK, RoleGuard, requires, requires_any_role, role_guards
from service.auth.logic import ROLES
from service.auth.routes import is_public
from service.settings import Settings


def handlers():
    app = create_app(Settings())
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if handler.http_methods == {"OPTIONS"}:  # Litestar's own; Ladder defines none
                continue
            yield route.path, handler


def test_every_route_that_is_not_public_declares_one_role_guard():
    found = list(handlers())
    assert len(found) >= 40
    unguarded, doubled, guarded_public = [], [], []
    for path, handler in found:
        name = f"{sorted(handler.http_methods)} {path}"
        guards = role_guards(handler)
        if is_public(handler):
            if guards:
                guarded_public.append(name)
        elif not guards:
            unguarded.append(name)
        elif len(guards) > 1:
            doubled.append(name)
    assert not unguarded, f"routes without guards=[requires(...)]: {unguarded}"
    assert not doubled, f"routes with more than one requires guard: {doubled}"
    assert not guarded_public, f"public routes with a role guard: {guarded_public}"


def test_the_guards_say_what_each_route_admits():
    admits = {(path, method): role_guards(h)[0].roles for path, h in handlers()
              if not is_public(h) for method in h.http_methods}
    assert admits[("/v1/tokens", "POST")] == ("admin",)
    assert admits[("/v1/workers", "POST")] == ("admin", "rep")
    assert admits[("/v1/workers/{worker_id:uuid}/account/contributions", "POST")] == (
        "admin", "rep")
    assert admits[("/v1/workers/{worker_id:uuid}/account/adjustments", "POST")] == ("admin",)
    assert admits[("/v1/providers/{ukprn:str}/catalogue", "PUT")] == ("admin", "college")
    assert set(admits[("/v1/me", "GET")]) == set(ROLES)
    assert set(admits[("/v1/courses", "GET")]) == set(ROLES)


def test_requires_refuses_no_roles_and_unknown_roles():
    with pytest.raises(ValueError):
        requires()
    with pytest.raises(ValueError):
        requires("admin", "king")  # type: ignore[arg-type]
    assert requires("rep", "admin", "rep") == RoleGuard(("rep", "admin"))
    assert requires_any_role().any_role and not requires("admin").any_role


def test_the_documented_403_names_the_roles_of_the_guard():
    paths = create_app(Settings()).openapi_schema.to_schema()["paths"]
    assert paths["/v1/workers"]["post"]["responses"]["403"]["description"].startswith(
        "Needs the role admin or rep;")
    assert paths["/v1/audit"]["get"]["responses"]["403"]["description"].startswith(
        "Needs the role admin;")
    assert "role" not in paths["/v1/me"]["get"]["responses"]["403"]["description"]
    assert "403" not in paths["/health"]["get"]["responses"]


def test_litestar_runs_no_role_guard_on_api_routes_and_the_middleware_has_each():
    """The API's role checks are RouteMiddleware's (take_over_role_checks): Litestar copies
    the handler for every guard it calls. The web pages keep theirs as Litestar guards."""
    web_guarded = 0
    for path, handler in handlers():
        if is_public(handler):
            continue
        run_by_litestar = [g for g in handler.resolve_guards() if isinstance(g, RoleGuard)]
        (declared,) = role_guards(handler)
        if handler.opt.get("web"):
            assert run_by_litestar == [declared], path
            web_guarded += 1
            continue
        assert not run_by_litestar, path
        assert handler.opt[ROLE_CHECK] == (None if declared.any_role else declared), path
    assert web_guarded >= 10
