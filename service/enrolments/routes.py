from uuid import UUID

from litestar import Controller, Response, get, post
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody, Parameter

from service.auth.guards import requires
from service.deps import Caller, Db
from service.enrolments import service
from service.enrolments.schemas import (
    CancelIn,
    Enrolment,
    EnrolmentIn,
    EnrolmentPage,
    ProviderEnrolmentPage,
    Status,
)
from service.idempotency import IdempotencyKey, once
from service.openapi import problems
from service.pagination import DEFAULT_LIMIT, Cursor, Limit

ENROL = problems({403: "Wrong role (the worker, or a rep of their branch), or another "
                  "branch's worker",
                  404: "No worker or presentation with that id",
                  409: "The presentation is withdrawn, has started or has no cost; the worker "
                  "is already enrolled or waiting on it; or the Idempotency-Key was used for "
                  "another request",
                  422: "`consent_to_share` is not true, a field is missing or malformed, or "
                  "too little available credit (`/problems/insufficient-credit`, naming the "
                  "shortfall in pounds)"})
ACT = problems({403: "Another branch's worker, or another college's enrolment",
                404: "No enrolment with that id"})


def hours(state: State) -> float:
    return state.settings.enrolment_offer_hours


class EnrolmentController(Controller):
    path = "/v1/enrolments"
    tags = ["enrolments"]

    @post("/", guards=[requires("rep", "worker")], responses=ENROL,
          summary="Enrol a worker on a presentation (the worker, or a rep of their branch), "
          "with their consent to share name and email with the college: a hold for the cost, "
          "or a place on the waiting list when it is full (`status` says which)")
    async def enrol(self, data: JSONBody[EnrolmentIn], db: Db, principal: Caller, state: State,
                    idempotency_key: IdempotencyKey = None) -> Response[Enrolment]:
        def work():
            return service.enrol(db, principal, data, service.utcnow(), hours(state))
        if idempotency_key is None:
            return Response(await work(), status_code=201)
        return await once(db, principal, idempotency_key, "enrolment", data, work)

    @get("/{enrolment_id:uuid}", guards=[requires("admin", "rep", "worker")],
         summary="An enrolment (the worker, a rep of their branch, admin; audited)",
         responses=ACT)
    async def read(self, enrolment_id: FromPath[UUID], db: Db, principal: Caller) -> Enrolment:
        return await service.read(db, principal, enrolment_id)

    @post("/{enrolment_id:uuid}/accept", status_code=200, guards=[requires("rep", "worker")],
          summary="Accept an offered place (the worker, or a rep of their branch): the hold "
          "is placed now",
          responses=ACT | problems({409: "Not offered, or the offer has lapsed",
                                    422: "Too little available credit "
                                    "(`/problems/insufficient-credit`)"}))
    async def accept(self, enrolment_id: FromPath[UUID], db: Db,
                     principal: Caller) -> Enrolment:
        return await service.accept(db, principal, enrolment_id, service.utcnow())

    @post("/{enrolment_id:uuid}/cancel", status_code=200,
          guards=[requires("admin", "rep", "worker", "college")],
          summary="Cancel: leave the waiting list, or give up the place. 7 or more days "
          "before the start the hold is released; later it is settled to the college, unless "
          "the college cancels (then released). The place is offered to the first in line",
          responses=ACT | problems({409: "Already started, completed, cancelled or expired"}))
    async def cancel(self, enrolment_id: FromPath[UUID], db: Db, principal: Caller,
                     state: State, data: JSONBody[CancelIn | None] = None) -> Enrolment:
        return await service.cancel(db, principal, enrolment_id, data.reason if data else None,
                                    service.utcnow(), hours(state))

    @post("/{enrolment_id:uuid}/start", status_code=200, guards=[requires("admin", "college")],
          summary="Confirm the worker started (the college of the presentation): the hold is "
          "settled to the college",
          responses=ACT | problems({409: "Not booked, or the presentation has not started"}))
    async def start(self, enrolment_id: FromPath[UUID], db: Db, principal: Caller) -> Enrolment:
        return await service.start(db, principal, enrolment_id, service.utcnow())

    @post("/{enrolment_id:uuid}/complete", status_code=200,
          guards=[requires("admin", "college")],
          summary="Confirm completion (the college): the course's skills enter the worker's "
          "profile at level 2 with source `course`",
          responses=ACT | problems({409: "Not started"}))
    async def complete(self, enrolment_id: FromPath[UUID], db: Db,
                       principal: Caller) -> Enrolment:
        return await service.complete(db, principal, enrolment_id, service.utcnow())


@get("/v1/workers/{worker_id:uuid}/enrolments", tags=["enrolments"],
     guards=[requires("admin", "rep", "worker")],
     summary="The worker's enrolments, newest first, with their place on any waiting list "
     "(the worker, a rep of their branch, admin; audited)")
async def worker_enrolments(worker_id: FromPath[UUID], db: Db, principal: Caller,
                            limit: Limit = DEFAULT_LIMIT,
                            cursor: Cursor = None) -> EnrolmentPage:
    return await service.for_worker(db, principal, worker_id, cursor, limit)


@get("/v1/providers/{ukprn:str}/enrolments", tags=["enrolments"],
     guards=[requires("admin", "college")],
     summary="A college's enrolments (its own only): the worker's name, their email only "
     "while their consent is in force, the course, the status and the places")
async def provider_enrolments(ukprn: FromPath[str], db: Db, principal: Caller,
                              status: Status | None = Parameter(default=None),
                              presentation: UUID | None = Parameter(default=None),
                              limit: Limit = DEFAULT_LIMIT,
                              cursor: Cursor = None) -> ProviderEnrolmentPage:
    return await service.for_provider(db, principal, ukprn, status, presentation, cursor,
                                      limit)
