"""Who did something, as every record of it keeps it: audit rows, ledger entries, skill history,
catalogue sync reports and policy versions. One shape in the code; each store turns it into its
own columns in one place. Imports no domain, so any domain may use it."""

from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

if TYPE_CHECKING:
    from service.auth.logic import Principal


@dataclass(frozen=True, slots=True)
class Actor:
    """A token's holder (`Actor.of(principal)`) or the system itself (`Actor.system(name)`:
    the command line, scheduled jobs), whose role is `system` and which has no ids."""

    role: str
    name: str
    subject_id: UUID | None = None
    token_id: UUID | None = None

    @classmethod
    def of(cls, principal: "Principal") -> "Actor":
        return cls(principal.role, principal.name, principal.subject_id, principal.token_id)

    @classmethod
    def system(cls, name: str = "ladder") -> "Actor":
        return cls("system", name)

    @property
    def is_system(self) -> bool:
        return self.role == "system"


SYSTEM = Actor.system()  # the command line and jobs, where nothing more specific is said
