"""Challenges: a worker (or their rep) asks a person to look again at an automated decision
(priority, eligibility, matches, waiting-list order); a rep of the worker's branch or an admin
answers. Every worker is reached through people's `visible_worker` (audited)."""

import logging
from datetime import datetime
from uuid import UUID

import asyncpg

from service.actor import Actor
from service.auth.logic import Principal
from service.challenges import logic, store
from service.challenges.schemas import AnswerIn, Challenge, ChallengeIn, ChallengePage
from service.errors import Conflict, Forbidden, NotFound
from service.outbox.service import enqueue
from service.oversight import service as audit
from service.pagination import page, time_id_cursor
from service.people import service as people
from service.people.schemas import Worker

log = logging.getLogger("ladder")


async def raise_challenge(conn: asyncpg.Connection, principal: Principal, worker_id: UUID,
                          data: ChallengeIn, now: datetime) -> Challenge:
    """The worker themself or a rep of their branch (the route admits no other role)."""
    await people.visible_worker(conn, principal, worker_id, "challenges.raise")
    challenge_id = await store.insert(conn, worker_id, data.decision, data.reason,
                                      logic.who(principal.role, principal.name), principal.role)
    return await store.get(conn, challenge_id, now)


async def answer(conn: asyncpg.Connection, principal: Principal, challenge_id: UUID,
                 data: AnswerIn, now: datetime) -> Challenge:
    """A rep of the worker's branch or an admin; once (a second answer is 409)."""
    status = await store.lock(conn, challenge_id)
    if status is None:
        raise NotFound(f"no challenge with id {challenge_id}")
    challenge = await store.get(conn, challenge_id, now)
    worker = await people.visible_worker(conn, principal, challenge.worker_id,
                                         "challenges.answer")
    if status != "open":
        raise Conflict.on_field("challenge_id", "the challenge is already answered")
    await store.answer(conn, challenge_id, data.outcome, data.explanation,
                       logic.who(principal.role, principal.name), now)
    await audit.record(conn, Actor.of(principal), "challenges.answered", [challenge.worker_id],
                       {"challenge_id": str(challenge_id), "outcome": data.outcome})
    await _tell(conn, worker, challenge, data)
    return await store.get(conn, challenge_id, now)


async def _tell(conn: asyncpg.Connection, worker: Worker, challenge: Challenge,
                data: AnswerIn) -> None:
    """The worker is told by the outbox, in the answer's transaction (nothing without an
    email address, or with one mail cannot take)."""
    if not worker.email:
        return
    subject, body = logic.answer_message(worker.name.split()[0] if worker.name else "",
                                         challenge.decision, data.outcome, data.explanation)
    try:
        await enqueue(conn, kind="challenge.answered", to=worker.email, subject=subject,
                      body=body, dedupe_key=f"challenge:{challenge.id}:answered",
                      worker_id=worker.id)
    except ValueError as exc:
        log.warning("challenges: answer not enqueued for worker %s: %s", worker.id, exc)


async def list_challenges(conn: asyncpg.Connection, principal: Principal, *,
                          branch: str | None, status: str | None, cursor: str | None,
                          limit: int, now: datetime) -> ChallengePage:
    """Newest first: admins any (or one branch's), reps their branch's, workers their own;
    `status=overdue` is the open ones past their 14 days. The workers shown are audited."""
    after = time_id_cursor(cursor)
    worker_id = None
    if principal.role == "rep":
        principal.require_branch(branch or principal.branch or "")
        branch = principal.branch
    elif principal.role == "worker":
        if branch is not None:
            raise Forbidden.on_field("branch", "a worker sees only their own challenges")
        worker_id = principal.worker_id
    open_before = now - logic.ANSWER_WITHIN if status == "overdue" else None
    rows = await store.list_challenges(
        conn, branch=branch, worker_id=worker_id,
        status=None if status == "overdue" else status, open_before=open_before,
        after=after if after[0] else None, limit=limit + 1, now=now)
    items, following = page(rows, limit, lambda c: (c.created_at, c.id))
    await audit.record(conn, Actor.of(principal), "challenges.list",
                       list(dict.fromkeys(c.worker_id for c in items)))
    return ChallengePage(items, following)
