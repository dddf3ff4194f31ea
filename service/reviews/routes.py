from datetime import datetime
from typing import Annotated
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody, Parameter, QueryParameter

from service.auth.guards import requires
from service.deps import Caller, Db
from service.openapi import problems
from service.pagination import DEFAULT_LIMIT, Cursor, Limit
from service.reviews import calendar, service, waitlist
from service.reviews.schemas import (
    BookingIn,
    CalendarToken,
    CancelIn,
    Mode,
    OfferIn,
    OutcomeIn,
    RescheduleIn,
    Review,
    ReviewPage,
    ReviewStatus,
    Slot,
    SlotIn,
    SlotPage,
    WaitlistEntry,
    WaitlistIn,
    WaitlistPage,
    WaitStatus,
)

BRANCH = Parameter(default=None, max_length=200, description="A branch")
BOOKING = problems({403: "Wrong role, another branch's worker or slot, or the worker is not "
                    "directly eligible (`/problems/not-eligible`: join the waiting list)",
                    409: "The slot is taken, cancelled, started or offered to someone else, or "
                    "the worker already has an upcoming review",
                    404: "No worker or slot with that id"})


def hours(state: State) -> float:
    return state.settings.review_offer_hours


@post("/v1/reps/{rep_id:uuid}/slots", tags=["reviews"], guards=[requires("admin", "rep")],
      summary="Publish a review slot (the rep themself, or admin); offered to the branch's "
      "waiting list", responses=problems({409: "Overlaps another open slot of this rep",
                                          422: "In the past, longer than 3 hours, ending "
                                          "before it starts, or a time without an offset"}))
async def create_slot(rep_id: FromPath[UUID], data: JSONBody[SlotIn], db: Db, principal: Caller,
                      state: State) -> Slot:
    return await service.create_slot(db, principal, rep_id, data, service.utcnow(),
                                     hours(state))


class SlotController(Controller):
    path = "/v1/slots"
    tags = ["reviews"]

    @get("/", guards=[requires("admin", "rep", "worker")],
         summary="Review slots, soonest first (workers: their branch's open slots; reps: "
         "their branch's; admins: any)",
         responses=problems({404: "The worker this token stands for no longer exists"}))
    async def list_slots(self, db: Db, principal: Caller, branch: str | None = BRANCH,
                         from_at: Annotated[datetime | None, QueryParameter(
                             name="from", description="Ending after this")] = None,
                         to_at: Annotated[datetime | None, QueryParameter(
                             name="to", description="Starting before this")] = None,
                         mode: Mode | None = Parameter(default=None),
                         available: bool | None = Parameter(
                             default=None, description="Open, still to come and unbooked"),
                         limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> SlotPage:
        return await service.list_slots(db, principal, branch=branch, from_at=from_at,
                                        to_at=to_at, mode=mode, available=available,
                                        cursor=cursor, limit=limit, now=service.utcnow())

    @post("/{slot_id:uuid}/cancel", status_code=200, guards=[requires("admin", "rep")],
          summary="Cancel a slot (its rep, or admin); a booking on it is cancelled and the "
          "worker told", responses=problems({409: "Already cancelled or started"}))
    async def cancel(self, slot_id: FromPath[UUID], data: JSONBody[CancelIn], db: Db,
                     principal: Caller, state: State) -> Slot:
        return await service.cancel_slot(db, principal, slot_id, data.reason, service.utcnow(),
                                         hours(state))


class ReviewController(Controller):
    path = "/v1/reviews"
    tags = ["reviews"]

    @post("/", guards=[requires("admin", "rep", "worker")],
          summary="Book a review (the worker for themself, a rep of their branch, or admin)",
          responses=BOOKING)
    async def book(self, data: JSONBody[BookingIn], db: Db, principal: Caller,
                   state: State) -> Review:
        return await service.book(db, principal, data.worker_id, data.slot_id,
                                  service.utcnow(), hours(state))

    @get("/", guards=[requires("admin", "rep", "worker")],
         summary="Reviews by scope, soonest first (a worker their own, a rep their branch's)",
         responses=problems({404: "No worker with the id given in `worker`"}))
    async def list_reviews(self, db: Db, principal: Caller,
                           worker: UUID | None = Parameter(default=None),
                           rep: UUID | None = Parameter(default=None),
                           status: ReviewStatus | None = Parameter(default=None),
                           limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> ReviewPage:
        return await service.list_reviews(db, principal, worker_id=worker, rep_id=rep,
                                          status=status, cursor=cursor, limit=limit)

    @get("/{review_id:uuid}", guards=[requires("admin", "rep", "worker")], summary="A review")
    async def read(self, review_id: FromPath[UUID], db: Db, principal: Caller) -> Review:
        return await service.read(db, principal, review_id)

    @post("/{review_id:uuid}/cancel", status_code=200,
          guards=[requires("admin", "rep", "worker")],
          summary="Cancel a review; less than 24 hours before the start is recorded as late",
          responses=problems({409: "Not booked, or already started"}))
    async def cancel(self, review_id: FromPath[UUID], data: JSONBody[CancelIn], db: Db,
                     principal: Caller, state: State) -> Review:
        return await service.cancel(db, principal, review_id, data.reason, service.utcnow(),
                                    hours(state))

    @post("/{review_id:uuid}/reschedule", status_code=200,
          guards=[requires("admin", "rep", "worker")],
          summary="Move a review to another slot: cancel and book in one transaction",
          responses=BOOKING)
    async def reschedule(self, review_id: FromPath[UUID], data: JSONBody[RescheduleIn], db: Db,
                         principal: Caller, state: State) -> Review:
        return await service.reschedule(db, principal, review_id, data.slot_id,
                                        service.utcnow(), hours(state))

    @post("/{review_id:uuid}/outcome", status_code=200, guards=[requires("admin", "rep")],
          summary="Record the outcome after the start (a rep of the worker's branch, or "
          "admin): attended with an action plan, skills and target occupations, or no_show",
          responses=problems({409: "Not started yet, or the outcome is already recorded",
                              422: "A field is not allowed: an unknown ESCO id, a level "
                              "outside 1-4, no action plan"}))
    async def outcome(self, review_id: FromPath[UUID], data: JSONBody[OutcomeIn], db: Db,
                      principal: Caller) -> Review:
        return await service.record_outcome(db, principal, review_id, data, service.utcnow())


class WaitlistController(Controller):
    path = "/v1/reviews/waitlist"
    tags = ["reviews"]

    @post("/", guards=[requires("admin", "rep", "worker")],
          summary="Join the waiting list (the worker, a rep of their branch, or admin)",
          responses=problems({404: "No worker with that id",
                              409: "Already waiting, or already has an upcoming review"}))
    async def join(self, data: JSONBody[WaitlistIn], db: Db, principal: Caller,
                   state: State) -> WaitlistEntry:
        return await waitlist.join(db, principal, data.worker_id, service.utcnow(),
                                   hours(state))

    @get("/", guards=[requires("admin", "rep")],
         summary="The waiting list in order, with position, priority score and reasons")
    async def list_entries(self, db: Db, principal: Caller, branch: str | None = BRANCH,
                           status: WaitStatus | None = Parameter(default=None),
                           limit: Limit = DEFAULT_LIMIT,
                           cursor: Cursor = None) -> WaitlistPage:
        return await waitlist.list_entries(db, principal, branch, status, cursor, limit)

    @post("/{entry_id:uuid}/offer", status_code=200, guards=[requires("admin", "rep")],
          summary="Offer a slot out of priority order, with a written reason (audited)",
          responses=problems({409: "The entry is not waiting, or the slot is not free"}))
    async def offer(self, entry_id: FromPath[UUID], data: JSONBody[OfferIn], db: Db,
                    principal: Caller, state: State) -> WaitlistEntry:
        return await waitlist.offer_out_of_order(db, principal, entry_id, data,
                                                 service.utcnow(), hours(state))

    @post("/{entry_id:uuid}/withdraw", status_code=200,
          guards=[requires("admin", "rep", "worker")],
          summary="Leave the waiting list; a slot offered is passed on",
          responses=problems({409: "The entry is no longer waiting"}))
    async def withdraw(self, entry_id: FromPath[UUID], db: Db, principal: Caller,
                       state: State) -> WaitlistEntry:
        return await waitlist.withdraw(db, principal, entry_id, service.utcnow(), hours(state))


@post("/v1/reps/{rep_id:uuid}/calendar-token", tags=["reviews"],
      guards=[requires("admin", "rep")],
      summary="Issue the rep's calendar feed address (again: the old one stops working)")
async def calendar_token(rep_id: FromPath[UUID], db: Db, principal: Caller,
                         request: Request) -> CalendarToken:
    token = await calendar.issue_token(db, principal, rep_id, service.utcnow())
    path = f"/calendar/{token}.ics"
    return CalendarToken(token, str(request.base_url).rstrip("/") + path)


@get("/calendar/{filename:str}", tags=["reviews"], opt={"public": True},
     media_type="text/calendar", summary="A rep's bookings as an iCalendar feed (the secret "
     "address from POST /v1/reps/{id}/calendar-token; no bearer token)",
     responses=problems({404: "The address is wrong, or was replaced by a new one"}))
async def calendar_feed(filename: FromPath[str], db: Db, request: Request) -> Response[bytes]:
    body = await calendar.feed(db, filename, service.utcnow())
    tag = calendar.etag(body)
    headers = {"ETag": tag, "Cache-Control": "private, max-age=300"}
    if tag in request.headers.get("if-none-match", ""):
        return Response(b"", status_code=304, headers=headers)
    return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)
