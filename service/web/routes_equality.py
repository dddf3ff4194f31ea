"""Equality monitoring on the web: the worker gives, changes, reads and deletes their answers
(ONS 2021 categories, each with "prefer not to say") with their consent, through the equality
service, which refuses anyone but the worker. The only web module that imports the equality
package (tests/unit/test_equality_isolation.py), and these the only pages that show the
answers."""

from datetime import UTC, datetime

from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect, Template

from service.auth.guards import requires
from service.deps import Caller, Db
from service.equality import logic as equality_logic
from service.equality import service as equality
from service.equality.schemas import EqualityIn
from service.errors import DomainError, NotFound
from service.web import pages

QUESTIONS = {"sex": "What is your sex?", "ethnicity": "What is your ethnic group?",
             "disability": "Are you disabled under the Equality Act?"}
MISSING = {"sex": "Select your sex, or that you prefer not to say",
           "ethnicity": "Select your ethnic group, or that you prefer not to say",
           "disability": "Select whether you are disabled, or that you prefer not to say"}


def _now() -> datetime:
    return datetime.now(UTC)


def labels() -> dict[str, dict[str, str]]:
    """Every answer's wording by field (the equality service's ONS 2021 lists)."""
    found = {field: {item["value"]: item["label"] for item in items}
             for field, items in equality_logic.categories().items()}
    for field in found:
        found[field][equality_logic.PREFER_NOT_TO_SAY] = "Prefer not to say"
    return found


def ethnic_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The ethnicity choices by high-level group, each group's own code first (for someone
    who would say only the group)."""
    return [(label, [(group, f"{label}: any background, or I would rather not say which"),
                     *codes.items()])
            for group, (label, codes) in equality_logic.ETHNIC_GROUPS.items()]


class EqualityPages(Controller):
    guards = [requires("worker")]

    @get("/your-data/equality")
    async def equality_page(self, request: Request, db: Db, principal: Caller) -> Template:
        try:
            answers = await equality.get(db, principal, principal.worker_id)
        except NotFound:
            return self._equality_form(request, pages.Form())
        return pages.page(request, "worker/equality.html", title="Equality monitoring",
                          answers=answers, labels=labels(),
                          saved=request.query_params.get("saved"))

    @get("/your-data/equality/change")
    async def change_equality(self, request: Request, db: Db, principal: Caller) -> Template:
        try:
            answers = await equality.get(db, principal, principal.worker_id)
            values = {field: getattr(answers, field) for field in QUESTIONS}
        except NotFound:
            values = {}
        return self._equality_form(request, pages.Form(values))

    @post("/your-data/equality")
    async def save_equality(self, request: Request, db: Db, principal: Caller) -> Response:
        form = await pages.form_of(request)
        for field in QUESTIONS:
            if form.get(field) not in equality_logic.ALLOWED[field]:
                form.error(field, MISSING[field])
        if form.get("consent") != "yes":
            form.error("consent", "Tick the box to agree that Ladder keeps your answers for "
                       "equality monitoring")
        fields = {field: field for field in (*QUESTIONS, "consent")}
        data = pages.convert(form, {field: form.get(field) for field in QUESTIONS} |
                             {"consent": True}, EqualityIn, fields) if form else None
        if data is not None:
            try:
                await equality.put(db, principal, principal.worker_id, data, _now())
                return Redirect("/your-data/equality?saved=1", status_code=303)
            except DomainError as error:
                form.take(error, fields)
        return self._equality_form(request, form, status_code=422)

    def _equality_form(self, request: Request, form: pages.Form, *,
                       status_code: int = 200) -> Template:
        return pages.page(request, "worker/equality_form.html", title="Equality monitoring",
                          form=form, labels=labels(), groups=ethnic_groups(),
                          questions=QUESTIONS, status_code=status_code)

    @get("/your-data/equality/delete")
    async def check_delete_equality(self, request: Request, db: Db,
                                    principal: Caller) -> Template:
        await equality.get(db, principal, principal.worker_id)  # none to delete: 404
        return pages.page(request, "worker/equality_delete.html",
                          title="Delete your equality answers")

    @post("/your-data/equality/delete")
    async def delete_equality(self, request: Request, db: Db, principal: Caller) -> Template:
        await equality.withdraw(db, principal, principal.worker_id)
        return pages.page(request, "worker/equality_deleted.html",
                          title="Your equality answers are deleted")
