"""The web pages' router: every page under it finds its caller from the session cookie, has
its forms checked for their CSRF token, and answers errors as pages."""

from litestar import Router
from litestar.middleware import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware

from service.settings import Settings
from service.web import pages, routes_sign_in
from service.web.routes_college import CollegePages
from service.web.routes_equality import EqualityPages
from service.web.routes_rep import RepPages
from service.web.routes_worker import WorkerPages
from service.web.routes_worker_data import WorkerDataPages
from service.web.routes_worker_more import WorkerMorePages
from service.web.routes_worker_options import WorkerOptionsPages

HANDLERS = [routes_sign_in.start, routes_sign_in.sign_in_form, routes_sign_in.ask_for_link,
            routes_sign_in.link_page, routes_sign_in.use_link, routes_sign_in.sign_out,
            WorkerPages, WorkerMorePages, RepPages, CollegePages]
HANDLERS += [WorkerDataPages, EqualityPages]  # a worker's data rights
HANDLERS.append(WorkerOptionsPages)  # the worker's options and enrolments


def web_router(settings: Settings) -> Router:
    return Router(
        path="/", route_handlers=HANDLERS, opt={"web": True}, include_in_schema=False,
        middleware=[pages.WebSessionMiddleware,
                    DefineMiddleware(CSRFMiddleware, config=pages.csrf_config(settings))],
        exception_handlers=pages.EXCEPTION_HANDLERS)


def routers(settings: Settings) -> list[Router]:
    return [web_router(settings), pages.static_router()]
