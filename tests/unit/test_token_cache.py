"""The token cache keeps a caller for at most its time-to-live, never past the token's expiry,
and forgets a revoked token at once."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from service.auth.cache import TokenCache
from service.auth.logic import Principal

WALL = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def caller(name: str = "a") -> Principal:
    return Principal(token_id=uuid.uuid4(), role="admin", name=name)


def make(ttl: float = 1.0, **kw) -> tuple[TokenCache, Clock, Clock]:
    mono, wall = Clock(100.0), Clock(WALL.timestamp())
    return TokenCache(ttl, clock=mono, wall=wall, **kw), mono, wall


def test_a_caller_is_kept_for_the_time_to_live_and_not_after():
    cache, mono, _ = make()
    who = caller()
    cache.put(b"h", who, None, cache.generation)
    assert cache.get(b"h") is who
    mono.now += 0.999
    assert cache.get(b"h") is who
    mono.now += 0.001
    assert cache.get(b"h") is None


def test_a_token_is_not_kept_past_its_expiry():
    cache, mono, _ = make()
    cache.put(b"h", caller(), WALL + timedelta(seconds=0.25), cache.generation)
    mono.now += 0.25
    assert cache.get(b"h") is None
    cache.put(b"gone", caller(), WALL - timedelta(seconds=1), cache.generation)
    assert cache.get(b"gone") is None


def test_forget_drops_every_entry_of_a_revoked_token_and_no_other():
    cache, _, _ = make()
    revoked, kept = caller("revoked"), caller("kept")
    cache.put(b"r", revoked, None, cache.generation)
    cache.put(b"k", kept, None, cache.generation)
    cache.forget(revoked.token_id)
    assert cache.get(b"r") is None
    assert cache.get(b"k") is kept


def test_the_oldest_entry_goes_when_the_cache_is_full():
    cache, _, _ = make(max_entries=2)
    first, second, third = caller("1"), caller("2"), caller("3")
    cache.put(b"1", first, None, cache.generation)
    cache.put(b"2", second, None, cache.generation)
    cache.put(b"3", third, None, cache.generation)
    assert cache.get(b"1") is None
    assert cache.get(b"2") is second and cache.get(b"3") is third


def test_a_time_to_live_of_zero_keeps_nothing():
    cache, _, _ = make(ttl=0)
    cache.put(b"h", caller(), None, cache.generation)
    assert cache.get(b"h") is None


@pytest.mark.parametrize("ttl", [-0.1, 2.01])
def test_a_time_to_live_outside_zero_to_two_seconds_is_refused(ttl):
    with pytest.raises(ValueError):
        TokenCache(ttl)


def test_what_a_lookup_begun_before_a_revocation_found_is_not_kept():
    """A request read the token live while it was being revoked here: its answer may be served
    once, but not kept for the next requests."""
    cache, _, _ = make()
    who = caller()
    begun = cache.generation
    cache.forget(who.token_id)  # the revocation commits while that lookup is in flight
    cache.put(b"h", who, None, begun)
    assert cache.get(b"h") is None
    cache.put(b"h", who, None, cache.generation)  # a lookup begun after it is kept
    assert cache.get(b"h") is who
