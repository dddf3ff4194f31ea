"""Who did a thing, as audit rows record it."""

from uuid import UUID

from service.actor import Actor


def audit_columns(actor: Actor) -> tuple[str, UUID | None, str, UUID | None]:
    """Who did it, as audit rows record it (and `audit_record` takes it): role, subject id,
    name, token id."""
    return (actor.role, actor.subject_id, actor.name, actor.token_id)
