"""The scheduler's programmes job: six and eleven months after a programme's last day, each rep
of a branch with members who have no destination recorded is sent (outbox) the list of them, once
per programme and month (a dedupe key, and the programme's `reminded_month`)."""

from collections import defaultdict
from datetime import date

import asyncpg

from service import clock
from service.actor import SYSTEM
from service.console import Progress
from service.outbox import service as outbox
from service.oversight import service as audit
from service.people import service as people
from service.programmes import logic, store
from service.settings import Settings

KIND = "programme.destination_reminder"
LISTED = 200  # names in one message; the rest are counted


def message(programme_name: str, month: int, names: list[str]) -> tuple[str, str]:
    subject = f"{programme_name}: {len(names)} with no destination recorded, {month} months on"
    shown = "\n".join(f"- {name}" for name in names[:LISTED])
    more = f"\n...and {len(names) - LISTED} more." if len(names) > LISTED else ""
    body = (f"It is {month} months since the last day of the programme {programme_name!r}. "
            f"These members of your branch have no destination recorded yet:\n\n{shown}{more}"
            "\n\nRecord where each went with POST /v1/workers/{id}/destinations (the latest "
            "within twelve months of the last day counts).\n")
    return subject, body


async def remind_reps(conn: asyncpg.Connection, today: date) -> int:
    """Enqueue the reminders due today; how many messages. In the caller's transaction."""
    sent = 0
    for programme in await store.due_reminders(conn, today, max(logic.REMINDER_MONTHS)):
        month = logic.reminder_due(programme["last_day"], today)
        if month is None or (programme["reminded_month"] or 0) >= month:
            continue
        ids = await store.members_without_destination(conn, programme["id"])
        by_branch = defaultdict(list)
        for worker in await people.get_workers(conn, ids):
            by_branch[worker.branch].append(worker)
        told = []
        for rep in await people.reps_of_branches(conn, sorted(by_branch)):
            workers = by_branch[rep.branch]
            subject, body = message(programme["name"], month, [
                f"{w.name} ({w.external_ref})" for w in workers])
            key = f"programme:{programme['id']}:month-{month}:rep:{rep.id}"
            if await outbox.enqueue(conn, kind=KIND, to=rep.email, subject=subject, body=body,
                                    dedupe_key=key):
                sent += 1
                told.extend(w.id for w in workers)
        await audit.record(conn, SYSTEM, "programmes.reminder", sorted(set(told)),
                           {"programme_id": str(programme["id"]), "month": month})
        await store.set_reminded(conn, programme["id"], month)
    return sent


async def scheduled_round(pool: asyncpg.Pool, settings: Settings, progress: Progress) -> None:
    async with pool.acquire() as conn, conn.transaction():
        sent = await remind_reps(conn, clock.today())
    if sent:
        progress(f"programmes: {sent} destination reminders to reps")
