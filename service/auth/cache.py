"""A short-lived cache of who a bearer token stands for, per app (one per server process: each
of `ladder serve --workers N` has its own).

Looking a token up costs every request a round trip. Kept for at most `ttl` seconds (one by
default, `LADDER_TOKEN_CACHE_SECONDS`, never more than two), a token revoked in another process
is refused there within that time; in the process that revokes it, by the next request. A token
is never kept past its own expiry, and a token that is unknown is not kept at all.

A lookup that started before a revocation in this process may still read the token live: each
`forget` raises `generation`, and `put` drops what a lookup begun at an older generation
found."""

import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from uuid import UUID

from service.auth.logic import Principal

MAX_TTL_SECONDS = 2.0


class TokenCache:
    __slots__ = ("_ttl", "_max_entries", "_clock", "_wall", "_entries", "generation")

    def __init__(self, ttl: float, max_entries: int = 10_000,
                 clock: Callable[[], float] = time.monotonic,
                 wall: Callable[[], float] = time.time) -> None:
        if not 0 <= ttl <= MAX_TTL_SECONDS:
            raise ValueError(f"a token may be cached for 0 to {MAX_TTL_SECONDS} seconds")
        self._ttl = ttl
        self._max_entries = max_entries
        self._clock = clock
        self._wall = wall
        self._entries: OrderedDict[bytes, tuple[float, Principal]] = OrderedDict()
        self.generation = 0

    def get(self, token_hash: bytes) -> Principal | None:
        entry = self._entries.get(token_hash)
        if entry is None:
            return None
        if entry[0] <= self._clock():
            del self._entries[token_hash]
            return None
        return entry[1]

    def put(self, token_hash: bytes, principal: Principal, expires_at: datetime | None,
            generation: int) -> None:
        """Keep what a lookup begun at `generation` (read before it) found, unless a token was
        revoked here since."""
        if self._ttl <= 0 or generation != self.generation:
            return
        keep = self._ttl
        if expires_at is not None:
            keep = min(keep, expires_at.timestamp() - self._wall())
        if keep <= 0:
            return
        self._entries[token_hash] = (self._clock() + keep, principal)
        self._entries.move_to_end(token_hash)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    def forget(self, token_id: UUID) -> None:
        """A token revoked here (and committed) is refused here by the next request."""
        self.generation += 1
        for token_hash, (_, principal) in list(self._entries.items()):
            if principal.token_id == token_id:
                del self._entries[token_hash]

    def forget_worker(self, worker_id: UUID) -> None:
        """Every token of a worker whose tokens were revoked here (and committed): an erasure."""
        self.generation += 1
        for token_hash, (_, principal) in list(self._entries.items()):
            if principal.worker_id == worker_id:
                del self._entries[token_hash]
