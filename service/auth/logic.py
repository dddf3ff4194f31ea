"""Bearer tokens and who may see what: the rules, free of I/O."""

import hashlib
import secrets
from dataclasses import dataclass
from typing import Literal
from uuid import UUID

from service.errors import Forbidden

Role = Literal["worker", "rep", "college", "admin"]
ROLES: tuple[Role, ...] = ("worker", "rep", "college", "admin")


def new_token() -> tuple[str, bytes]:
    """A random token (32 bytes, URL-safe) and the SHA-256 hash that is all we keep of it."""
    plain = secrets.token_urlsafe(32)
    return plain, hash_token(plain)


def hash_token(plain: str) -> bytes:
    return hashlib.sha256(plain.encode()).digest()


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200:
        return None
    return token


@dataclass(frozen=True, slots=True)
class WorkerScope:
    """The workers a caller may see: none unless `any`; then only `branch`'s and only
    `worker_id`, where those are set."""

    any: bool
    branch: str | None = None
    worker_id: UUID | None = None

    def allows(self, worker_id: UUID, worker_branch: str) -> bool:
        return (self.any and (self.branch is None or self.branch == worker_branch)
                and (self.worker_id is None or self.worker_id == worker_id))


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the token's role and the person or provider it stands for."""

    token_id: UUID
    role: Role
    name: str
    worker_id: UUID | None = None
    rep_id: UUID | None = None
    provider_id: UUID | None = None
    branch: str | None = None
    ukprn: str | None = None

    @property
    def subject_id(self) -> UUID | None:
        return self.worker_id or self.rep_id or self.provider_id

    def worker_scope(self) -> "WorkerScope":
        """Which workers this caller may see: admins everyone, reps their branch, workers
        themselves, colleges nobody. `visible_worker`'s SQL applies exactly this."""
        if self.role == "admin":
            return WorkerScope(True)
        if self.role == "rep":
            return WorkerScope(self.branch is not None, branch=self.branch)
        if self.role == "worker":
            return WorkerScope(self.worker_id is not None, worker_id=self.worker_id)
        return WorkerScope(False)

    def may_see_worker(self, worker_id: UUID, worker_branch: str) -> bool:
        return self.worker_scope().allows(worker_id, worker_branch)

    def require_branch(self, branch: str) -> None:
        """Reps act only within their own branch."""
        if self.role == "rep" and branch != self.branch:
            raise Forbidden.on_field("branch", f"a rep may only act for branch {self.branch!r}")

    def require_provider(self, provider_id: UUID) -> None:
        """A college acts only for its own provider (UKPRN); admins for any; nobody else."""
        if self.role != "admin" and provider_id != self.provider_id:
            raise Forbidden.on_field("ukprn", f"this {self.role} token may act only for UKPRN "
                                     f"{self.ukprn}" if self.ukprn else
                                     f"a {self.role} token may not act for a provider")
