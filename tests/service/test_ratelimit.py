"""The token bucket behind per-client rate limits (a fake clock: the maths, not the waiting)."""

from __future__ import annotations

import pytest

from service.api.ratelimit import RateLimiter, retry_after_header


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_burst_then_refill() -> None:
    clock = Clock()
    limiter = RateLimiter(60, clock=clock)  # one per second on average, bursts of 60
    assert all(limiter.acquire("k") == 0.0 for _ in range(60))
    wait = limiter.acquire("k")
    assert wait == pytest.approx(1.0)
    clock.now += 0.5
    assert limiter.acquire("k") == pytest.approx(0.5)
    clock.now += 0.5
    assert limiter.acquire("k") == 0.0
    assert limiter.acquire("k") > 0.0


def test_keys_have_separate_buckets() -> None:
    limiter = RateLimiter(2, clock=Clock())
    assert limiter.acquire("a") == 0.0
    assert limiter.acquire("a") == 0.0
    assert limiter.acquire("a") > 0.0
    assert limiter.acquire("b") == 0.0


def test_bucket_never_exceeds_its_capacity() -> None:
    clock = Clock()
    limiter = RateLimiter(3, clock=clock)
    clock.now += 3600
    assert [limiter.acquire("k") == 0.0 for _ in range(4)] == [True, True, True, False]


def test_retry_after_is_whole_seconds_at_least_one() -> None:
    assert retry_after_header(0.01) == "1"
    assert retry_after_header(1.0) == "1"
    assert retry_after_header(19.2) == "20"


def test_invalid_rate() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        RateLimiter(0)
