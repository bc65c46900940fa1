"""The Kaplan-Meier samples that `analytics.recovery` is checked on against lifelines (numpy only, so
`km_lifelines.py` can make the reference figures in an environment without Fascia's dependencies)."""

from __future__ import annotations

import numpy as np


def km_samples() -> list[tuple[np.ndarray, np.ndarray]]:
    """(durations, resolved) samples: ties of events and censorings, time 0, all resolved, none resolved,
    one episode, a curve that reaches 0, and random cohorts of 2-200 episodes."""
    rng = np.random.default_rng(7)
    samples = [
        (np.array([5.0, 10.0, 20.0, 60.0, 60.0]), np.array([True, True, True, False, False])),
        (np.array([0.0, 0.0, 3.0, 3.0, 3.0, 8.0]), np.array([True, False, True, True, False, True])),
        (np.array([4.0, 4.0, 9.0]), np.array([True, True, True])),
        (np.array([4.0, 12.0, 12.0]), np.array([False, False, False])),
        (np.array([7.0]), np.array([True])),
    ]
    for n in (2, 5, 17, 60, 200):
        samples.append((rng.integers(0, 90, n).astype(float), rng.random(n) < 0.7))
    return samples
