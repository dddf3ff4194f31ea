"""The Litestar application: `create_app(settings)`."""

import asyncio
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager

import asyncpg
from litestar import Litestar, Router
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme

from service import db
from service.accounts.routes import AccountController, accrue
from service.auth.cache import TokenCache
from service.auth.guards import take_over_role_checks
from service.auth.middleware import RouteMiddleware
from service.auth.routes import TokenController, provide_principal
from service.bodies import strict_json_body
from service.challenges.routes import ChallengeController, raise_challenge
from service.consents.routes import ConsentController
from service.courses import syncs
from service.courses.inference_job import LexiconCache
from service.courses.routes import CatalogueController, CourseController
from service.datarights.routes import DataRightsController, erasure_requests
from service.enrolments.routes import (
    EnrolmentController,
    provider_enrolments,
    worker_enrolments,
)
from service.equality.routes import EqualityController
from service.errors import EXCEPTION_HANDLERS
from service.matching.routes import MatchingController
from service.openapi import ProblemResponses
from service.oversight.routes import AuditController
from service.people.routes import ProviderController, RepController, WorkerController, me
from service.policy.routes import PolicyController, transparency
from service.programmes.routes import DestinationController, ProgrammeController
from service.reference.routes import OccupationController, SkillController
from service.reference.service import SearchCache
from service.reports.routes import equality_report
from service.reviews.routes import (
    ReviewController,
    SlotController,
    WaitlistController,
    calendar_feed,
    calendar_token,
    create_slot,
)
from service.scheduler import scheduler_lifespan
from service.settings import Settings
from service.skills.routes import WorkerSkillController
from service.system.front import FrontMiddleware
from service.system.routes import health, ready
from service.web import pages as web_pages
from service.web.routes import routers as web_routers

ROUTE_HANDLERS = [
    health, ready, me,
    TokenController, WorkerController, RepController, ProviderController, AuditController,
    AccountController, accrue, PolicyController,
    OccupationController, SkillController, WorkerSkillController,
    CatalogueController, CourseController,
    create_slot, SlotController, WaitlistController, ReviewController, calendar_token,
    calendar_feed, MatchingController,
    EnrolmentController, worker_enrolments, provider_enrolments, ConsentController,
    EqualityController, raise_challenge, ChallengeController, equality_report, transparency,
    DataRightsController, erasure_requests,
    ProgrammeController, DestinationController,
]


def create_app(settings: Settings | None = None, pool: asyncpg.Pool | None = None,
               lease_pool: asyncpg.Pool | None = None) -> Litestar:
    """Build the app. With `pool` given (tests, benchmarks) the caller owns the pools, and
    `pool` serves the syncs' leases too unless `lease_pool` is given; otherwise the app opens
    its request pool and its lease pool (`syncs.create_pool`) at start-up and closes them at
    shutdown."""
    settings = settings or Settings()

    @asynccontextmanager
    async def pool_lifespan(app: Litestar) -> AsyncGenerator[None, None]:
        if pool is not None:
            app.state.pool, app.state.lease_pool = pool, lease_pool or pool
            yield
            return
        url = await asyncio.to_thread(db.database_url, settings)
        app.state.pool = await db.create_app_pool(url, settings)
        try:
            app.state.lease_pool = await syncs.create_pool(url, settings)
            try:
                yield
            finally:
                await app.state.lease_pool.close()
        finally:
            await app.state.pool.close()

    app = Litestar(
        route_handlers=[*ROUTE_HANDLERS, *web_routers(settings)],
        template_config=web_pages.template_config(),
        dependencies={
            "db": Provide(db.provide_connection),
            "principal": Provide(provide_principal, sync_to_thread=False),
        },
        middleware=[RouteMiddleware],
        before_request=strict_json_body,
        exception_handlers=EXCEPTION_HANDLERS,
        plugins=[ProblemResponses()],
        lifespan=[pool_lifespan, scheduler_lifespan(settings)],
        request_max_body_size=settings.max_body_bytes,
        openapi_config=OpenAPIConfig(
            title="Ladder",
            version="1",
            description="Lifelong-learning accounts, mid-life career reviews and training "
            "matching for public-sector workers. This service uses the ESCO classification of "
            "the European Commission.",
            path="/schema",
            openapi_router=Router("/schema", route_handlers=[], include_in_schema=False,
                                  opt={"public": True}),
            render_plugins=[ScalarRenderPlugin()],
            components=Components(security_schemes={
                "bearer": SecurityScheme(type="http", scheme="bearer",
                                         description="A Ladder API token"),
            }),
        ),
        debug=settings.debug,
    )
    # Outside Litestar's app-level exception handler (see FrontMiddleware): request id,
    # security headers and the access-log line.
    app.asgi_handler = FrontMiddleware(app.asgi_handler, log=settings.request_log)
    take_over_role_checks(app)
    app.state.settings = settings
    app.state.search_cache = SearchCache()
    app.state.token_cache = TokenCache(settings.token_cache_seconds)
    app.state.lexicons = LexiconCache()
    app.state.rate_secret = web_pages.rate_secret(settings)
    if pool is not None:
        app.state.pool, app.state.lease_pool = pool, lease_pool or pool
    return app
