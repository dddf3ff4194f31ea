"""Signing in and out: the email form, the emailed link, the start page."""

from datetime import UTC, datetime

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from service.deps import Db
from service.web import logic, pages
from service.web import service as web
from service.web.demo import demo_people

DEMO_PEOPLE = demo_people()

PUBLIC = {"public": True}
HOMES = {"worker": "/account", "rep": "/branch", "college": "/college"}


def home_of(request: Request) -> str | None:
    principal = getattr(request.state, "principal", None)
    return HOMES.get(principal.role) if principal else None


def safe_next(value: str | None) -> str | None:
    """Only a path of this site (never //elsewhere or a scheme) is followed after sign-in."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value[:500]
    return None


@get("/", opt=PUBLIC)
async def start(request: Request) -> Response:
    return Redirect(home_of(request) or "/sign-in", status_code=303)


@get("/sign-in", opt=PUBLIC)
async def sign_in_form(request: Request, next: FromQuery[str | None] = None) -> Response:
    if home_of(request):
        return Redirect(home_of(request), status_code=303)
    return pages.page(request, "sign_in.html", title="Sign in", form=pages.Form(),
                      next=safe_next(next), demo_people=DEMO_PEOPLE)


@post("/sign-in", opt=PUBLIC)
async def ask_for_link(request: Request, db: Db) -> Template:
    form = await pages.form_of(request)
    email = form.get("email")
    problem = logic.email_problem(email)
    if problem:
        form.error("email", problem)
        return pages.page(request, "sign_in.html", title="Sign in", form=form,
                          status_code=422, next=safe_next(form.get("next")),
                          demo_people=DEMO_PEOPLE)
    settings = request.app.state.settings
    try:
        await web.request_link(db, settings, request.app.state.rate_secret, email,
                               pages.client_address(request), pages.link_base(request),
                               safe_next(form.get("next")))
    except web.RateLimited:
        form.error("email", "You have asked for too many sign-in links. Wait 15 minutes, "
                   "then try again")
        return pages.page(request, "sign_in.html", title="Sign in", form=form,
                          status_code=429, next=None, demo_people=DEMO_PEOPLE)
    return pages.page(request, "sign_in_sent.html", title="Check your email", email=email,
                      minutes=f"{settings.web_link_minutes:g}")


@get("/sign-in/{secret:str}", opt=PUBLIC)
async def link_page(request: Request, secret: FromPath[str],
                    next: FromQuery[str | None] = None) -> Template:
    """Opening the link shows a button that signs in: a mail scanner that fetches links does
    not use it up."""
    return pages.page(request, "sign_in_link.html", title="Sign in to Ladder", secret=secret,
                      next=safe_next(next))


@post("/sign-in/{secret:str}", opt=PUBLIC)
async def use_link(request: Request, secret: FromPath[str], db: Db) -> Response:
    opened = await web.sign_in(db, request.app.state.settings, secret)
    if opened is None:
        return pages.page(request, "sign_in_link.html", title="This link has expired",
                          status_code=410, expired=True)
    plain, expires_at, role = opened
    seconds = int((expires_at - datetime.now(UTC)).total_seconds())
    form = await pages.form_of(request)
    return Redirect(safe_next(form.get("next")) or HOMES[role], status_code=303, cookies=[
        Cookie(key=logic.SESSION_COOKIE, value=plain, path="/", httponly=True, samesite="lax",
               max_age=seconds)])


@post("/sign-out", opt=PUBLIC)
async def sign_out(request: Request, db: Db) -> Response:
    await web.sign_out(db, pages.session_cookie(request.scope) or "")
    request.state.principal = None
    response = pages.page(request, "signed_out.html", title="You have signed out")
    response.delete_cookie(logic.SESSION_COOKIE, path="/")
    return response
