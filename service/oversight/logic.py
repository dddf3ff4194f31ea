"""Who did a thing, as audit rows record it."""

from uuid import UUID

from service.auth.logic import Principal

AuditActor = tuple[str, UUID | None, str, UUID | None]  # role, subject id, name, token id


def audit_actor(principal: Principal | None) -> AuditActor:
    """Who did it, as audit rows record it; `None` is the system itself (command line, jobs)."""
    if principal is None:
        return ("system", None, "ladder", None)
    return (principal.role, principal.subject_id, principal.name, principal.token_id)
