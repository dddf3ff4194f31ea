"""What every web page shares: the Jinja environment (Ladder's templates and the GOV.UK Frontend
macros), fingerprinted static files, the session middleware, forms with their error summary,
and the HTML answers to errors (a sign-in redirect for no session, a page for the rest)."""

import hashlib
import logging
import secrets
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader, select_autoescape
from litestar import Request, Response
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import CacheControlHeader
from litestar.exceptions import HTTPException, PermissionDeniedException
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from litestar.types import ASGIApp, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState
from markupsafe import Markup

from service import db
from service.auth.middleware import BODY_METHODS
from service.errors import DomainError, NotAuthenticated
from service.settings import Settings
from service.web import logic
from service.web import service as web

log = logging.getLogger("ladder")
STATIC_DIR = Path(__file__).resolve().parent / "static"
YEAR = 365 * 24 * 3600


@cache
def fingerprint() -> str:
    """A digest of every static file: part of their URLs, so a new release's files have new
    addresses and the old ones may be cached for a year."""
    digest = hashlib.sha256()
    for path in sorted(STATIC_DIR.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(STATIC_DIR).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def asset(name: str) -> str:
    return f"/static/{fingerprint()}/{name}"


def static_router():
    return create_static_files_router(
        path=f"/static/{fingerprint()}", directories=[STATIC_DIR], name="web-static",
        cache_control=CacheControlHeader(public=True, max_age=YEAR, immutable=True),
        opt={"public": True, "web": True}, include_in_schema=False)


def environment() -> Environment:
    env = Environment(
        loader=ChoiceLoader([PackageLoader("service.web", "templates"), PrefixLoader({
            "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja", "templates")})]),
        autoescape=select_autoescape(("html",)), trim_blocks=True, lstrip_blocks=True)
    env.globals.update(asset=asset, asset_path=asset("govuk/assets"))
    env.filters.update(money=logic.money, uk_time=logic.uk_time, uk_day=logic.uk_day)
    return env


def template_config() -> TemplateConfig:
    return TemplateConfig(engine=JinjaTemplateEngine.from_environment(environment()))


def csrf_config(settings: Settings) -> CSRFConfig:
    """Litestar's double-submit CSRF check, on the web router only (the API's bearer tokens
    cannot be sent by another site's form, so it needs none)."""
    secret = settings.web_secret.get_secret_value() if settings.web_secret else (
        secrets.token_urlsafe(32))
    return CSRFConfig(secret=secret, cookie_name="ladder_csrf", cookie_httponly=True,
                      cookie_samesite="lax", cookie_secure=False, safe_methods={"GET", "HEAD"})


def page(request: Request, name: str, *, status_code: int = 200, **context: Any) -> Template:
    """The page `name` rendered with what every page needs: who is signed in and the form
    token."""
    principal = getattr(request.state, "principal", None)
    csrf = ScopeState.from_scope(request.scope).csrf_token or ""
    nonce = secrets.token_urlsafe(16)
    context |= {"principal": principal, "csrf_token": csrf, "path": request.url.path,
                "demo": request.app.state.settings.web_demo, "cspNonce": nonce}
    return Template(template_name=name, context=context, status_code=status_code,
                    headers={"Cache-Control": "no-store",
                             "Content-Security-Policy": PAGE_POLICY.format(nonce=nonce)})


# Pages are personal, so never cached. What they may load: Ladder's own static files, the one
# inline script of GOV.UK Frontend's template (by its nonce), forms posted to Ladder only; the
# other security headers (no framing, no referrer, nosniff) are the app's, service/system/.
PAGE_POLICY = ("default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; "
               "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
               "object-src 'none'")


class Form:
    """A submitted form's values and the problems found in them, in the order of the fields,
    for the error summary (each links to its field's id) and the messages beside the fields."""

    def __init__(self, values: Mapping[str, Any] | None = None) -> None:
        self.values = {key: value for key, value in (values or {}).items()
                       if key != "_csrf_token"}
        self.errors: dict[str, str] = {}

    def get(self, name: str, default: str = "") -> str:
        value = self.values.get(name, default)
        return value.strip() if isinstance(value, str) else default

    def error(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def error_of(self, field: str) -> dict[str, str] | None:
        return {"text": self.errors[field]} if field in self.errors else None

    @property
    def summary(self) -> list[dict[str, str]]:
        return [{"text": message, "href": f"#{field}"} for field, message in self.errors.items()]

    def __bool__(self) -> bool:
        return not self.errors

    def take(self, error: DomainError, fields: Mapping[str, str]) -> None:
        """A service's refusal shown on the form: on the field it names (mapped from the API's
        field names to the form's), else on the first field."""
        first = next(iter(fields.values()), "main-content")
        named = [fields.get(e.field, first) for e in (error.errors or [])]
        self.error(named[0] if named else first, plain(error.detail))


def plain(detail: str | None) -> str:
    text = (detail or "Something was wrong with what you entered").strip()
    return text[0].upper() + text[1:] if text else text


async def form_of(request: Request) -> Form:
    return Form(dict(await request.form()))


class WebSessionMiddleware:
    """For the web routes, the caller comes from the session cookie instead of a bearer token:
    a live session leaves its Principal on the request as a token would, no session leaves
    none (the route's role guard then refuses, and the web's handler sends the browser to sign
    in). Like authentication, a request with a body gives its connection back while the body
    streams in."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            if logic.secure_cookie(host_of(scope)):
                send = secure_cookies(send)
            secret = session_cookie(scope)
            if secret:
                holder = db.request_connection(scope)
                principal = await web.principal_for(await holder.get(), secret)
                if scope["method"] in BODY_METHODS:
                    await holder.release()
                if principal is not None:
                    scope["state"]["principal"] = principal
        await self.app(scope, receive, send)


def host_of(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == b"host":
            return value.decode("latin-1")
    server = scope.get("server")
    return server[0] if server else ""


def secure_cookies(send: Send) -> Send:
    """Every cookie the web pages set (the session's, the form token's) is marked Secure, but
    for a page served to this machine itself (plain http on localhost)."""

    async def wrapped(message: Any) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [
                (name, value + b"; Secure" if name.lower() == b"set-cookie"
                 and b"secure" not in value.lower() else value)
                for name, value in message.get("headers", [])]
        await send(message)

    return wrapped


def session_cookie(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"cookie":
            for part in value.decode("latin-1").split(";"):
                key, _, val = part.strip().partition("=")
                if key == logic.SESSION_COOKIE:
                    return val
    return None


def to_sign_in(request: Request, _: Exception) -> Response:
    wanted = request.url.path
    query = f"?next={quote(wanted)}" if wanted.startswith("/") and wanted != "/" else ""
    return Redirect(f"/sign-in{query}", status_code=303)


def problem_page(request: Request, error: Exception) -> Response:
    """Any other refusal or failure on a web route, as a page in plain English."""
    if isinstance(error, DomainError):
        status, detail = error.status, plain(error.detail)
    elif isinstance(error, PermissionDeniedException):
        status, detail = 403, ("The form had expired or was not sent from this site. Go back, "
                               "reload the page and try again.")
    elif isinstance(error, HTTPException):
        status, detail = error.status_code, plain(error.detail)
    else:
        log.exception("web page failed", exc_info=error)
        status, detail = 500, "Try again later."
    titles = {403: "You cannot see this page", 404: "Page not found",
              500: "Sorry, there is a problem with the service"}
    title = titles.get(status, "Sorry, that did not work")
    return page(request, "problem.html", status_code=status, title=title, detail=detail)


EXCEPTION_HANDLERS = {NotAuthenticated: to_sign_in, DomainError: problem_page,
                      HTTPException: problem_page, Exception: problem_page}


def link_base(request: Request) -> str:
    configured = request.app.state.settings.web_base_url
    return (configured or str(request.base_url)).rstrip("/")


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def as_markup(svg: str) -> Markup:
    """SVG built by `logic.balance_chart` from escaped text only."""
    return Markup(svg)  # noqa: S704


def rate_secret(settings: Settings) -> bytes:
    """Keys the rate-limit counters' hashes of emails and addresses: the same in every process
    given the same LADDER_WEB_SECRET (which `ladder serve` shares among its processes)."""
    secret = settings.web_secret.get_secret_value() if settings.web_secret else ""
    return hashlib.sha256(b"ladder-web-rate:" + secret.encode()).digest()



def convert(form: Form, values: dict[str, Any], struct: type, fields: Mapping[str, str]) -> Any:
    """`values` decoded into the API's Struct with the API's own constraints (strings from a
    form are converted leniently: "37" is 37); a failure is put on the form, mapped from the
    Struct's field names to the form's, and None returned."""
    import msgspec

    try:
        return msgspec.convert(values, struct, strict=False)
    except msgspec.ValidationError as error:
        text = str(error)
        field = text.rsplit("`$.", 1)[1].split("`")[0].split("[")[0] if "`$." in text else ""
        message = text.split(" - at ")[0]
        form.error(fields.get(field, next(iter(fields.values()))), plain(message))
        return None
