"""Retry policy of failing timers and outbox deliveries: exponential backoff, then incident."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5  # failures allowed before an incident opens
    base_delay: float = 10.0  # seconds before the first retry; doubled at each failure
    max_delay: float = 3600.0

    def delay(self, failures: int) -> timedelta:
        """How long to wait after the `failures`-th failure."""
        return timedelta(seconds=min(self.base_delay * 2 ** max(failures - 1, 0), self.max_delay))

    def exhausted(self, failures: int) -> bool:
        return failures >= self.attempts
