"""Median-of-runs timing: one warm-up call, then `runs` timed calls (time.perf_counter)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Timing:
    """Milliseconds of each timed run, and the value the last run returned."""

    runs_ms: tuple[float, ...]
    value: Any = None

    @property
    def median_ms(self) -> float:
        return statistics.median(self.runs_ms)


def measure(
    call: Callable[[], Any], runs: int = 5, warmup: int = 1, before: Callable[[], None] | None = None
) -> Timing:
    """Time `call` `runs` times after `warmup` untimed calls; `before` (e.g. clearing a cache) runs
    untimed ahead of every call, warm-up included."""
    if runs < 1:
        raise ValueError(f"runs must be at least 1, got {runs}")
    value = None
    for _ in range(warmup):
        if before is not None:
            before()
        value = call()
    times = []
    for _ in range(runs):
        if before is not None:
            before()
        start = time.perf_counter()
        value = call()
        times.append((time.perf_counter() - start) * 1000)
    return Timing(tuple(times), value)
