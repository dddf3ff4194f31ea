"""Every guarded API operation, called with every role its guard does not admit, is refused 403
(before the body is read), and every API operation that is not public is refused 401 without a
token: the role checks moved from Litestar's guards into `RouteMiddleware`
(`take_over_role_checks`), and none may have been lost on the way."""

import uuid

from litestar.routes import HTTPRoute

from service.auth.guards import role_guards
from service.auth.logic import ROLES
from service.auth.routes import is_public
from tests.integration.auth.test_guards import assert_refused, tokens

NOT_JSON = {"content": b"{not json", "headers": {"Content-Type": "application/json"}}


def api_operations(app):
    """(method, a path that routes to it, its declared role guard) for every API operation
    that is not public; path parameters filled with values of their type."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        values = {name: str(uuid.uuid4()) if p.type is uuid.UUID else "10000001"
                  for name, p in route.path_parameters.items()}
        path = route.path_format.format(**values)
        for handler in route.route_handlers:
            if handler.opt.get("web") or is_public(handler):
                continue
            for method in handler.http_methods - {"OPTIONS"}:
                yield method, path, role_guards(handler)[0]


async def test_every_guarded_operation_refuses_every_wrong_role(app, api, client):
    headers = await tokens(api)
    operations = list(api_operations(app))
    checked = 0
    for method, path, guard in operations:
        for role in set(ROLES) - set(guard.roles):
            response = await client.request(method, path, content=NOT_JSON["content"],
                                            headers=headers[role] | NOT_JSON["headers"])
            assert_refused(response, " or ".join(guard.roles), role)
            checked += 1
    assert len(operations) >= 85 and checked >= 130, (len(operations), checked)


async def test_every_api_operation_that_is_not_public_refuses_no_token(app, client):
    for method, path, _ in api_operations(app):
        response = await client.request(method, path, **NOT_JSON)
        assert response.status_code == 401, (method, path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
