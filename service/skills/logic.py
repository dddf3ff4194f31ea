"""Who may record which skill levels: the rules, free of I/O."""

from service.auth.logic import Role
from service.errors import Forbidden

LEVEL_NAMES = {1: "aware", 2: "practised", 3: "skilled", 4: "expert"}
SOURCES = ("occupation", "self", "review", "course")


def level_name(level: int | None) -> str | None:
    return LEVEL_NAMES.get(level) if level is not None else None


def check_may_write(role: Role, source: str, current_source: str | None) -> None:
    """Admins and reps (for their branch; checked with the worker) record any source; a college
    only `course`, when one of its courses is completed. A worker
    records only their own view (`self`) and cannot overwrite what a review or course set."""
    if role in ("admin", "rep"):
        return
    if role == "college" and source == "course":
        return  # a course of theirs completed (enrolments checks that it is theirs)
    if role != "worker":
        raise Forbidden(f"a {role} token may not change skills profiles")
    if source != "self":
        raise Forbidden.on_field("source", "a worker records their own skills with source "
                                 "'self'; reviews and courses set the others")
    if current_source not in (None, "self"):
        raise Forbidden.on_field("source", f"this level was set by a {current_source}; ask "
                                 "your union learning rep to change it")


def check_may_remove(role: Role, current_source: str) -> None:
    if role == "worker" and current_source != "self":
        raise Forbidden(f"this level was set by a {current_source}; ask your union learning rep "
                        "to remove it")
    if role not in ("admin", "rep", "worker"):
        raise Forbidden(f"a {role} token may not change skills profiles")


def is_change(current: tuple[int, str, str | None] | None, level: int, source: str,
              evidence: str | None) -> bool:
    """A PUT that repeats the current entry is not a change and leaves no history."""
    return current != (level, source, evidence)


def keeps_higher(current_level: int | None, level: int, raise_only: bool) -> bool:
    """With `raise_only` (e.g. a course completed), a level already above stays as it is."""
    return raise_only and current_level is not None and current_level >= level
