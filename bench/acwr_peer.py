"""ACWR for every athlete: Fascia's `analytics.workload` beside the `acwr` package (PyPI), per athlete.

The peer is called as its docs show for a squad: ``acwr.by_athlete(activities, acwr.acwr,
method=...)``, which builds each athlete's daily series with ``acwr.daily_load`` and computes the
ratio athlete by athlete. Fascia computes every athlete in one vectorised pass.

Where the definitions differ, and the comparable one used here:
- Days without any record. Fascia's daily load (`workload.daily_load`) runs from each athlete's first
  to last recorded day; a day with neither a session nor a calendar record (a check-in in the app) is
  *missing* (NaN), left out of the rolling means and skipped by the EWMA. The package fills every day
  without an activity with 0 (``missing="zero"``, its default) or lets NaN poison every window touching
  it (``missing="na"``). Aligned on: every day between an athlete's first and last session is recorded,
  0 when there was no session (Fascia: ``daily_load(sessions)`` with NaN filled by 0; the package: its
  default). On such a dense series both read the same windows.
- Chronic load 0. Fascia gives NaN (never inf); the package divides, giving inf when acute > 0
  (possible only for the uncoupled form) and NaN for 0/0. Aligned on: the package's inf read as NaN.
- Method names and windows: Fascia's ``coupled``/``uncoupled``/``ewma`` are the package's
  ``rac``/``rau``/``ewma``, 7 and 28 days; EWMA lambda = 2/(N+1) (the package's ``decay="span"``),
  seeded with the first day's load (pandas ``adjust=False`` in both). The first 27 days have no ratio in
  either (Fascia's rule; the package's full-window ``min_periods``).
The timing is for the app's default method (EWMA); the differences are checked for all three.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from bench.timing import Timing, measure

#: Fascia's method name -> the package's.
METHODS = {"ewma": "ewma", "coupled": "rac", "uncoupled": "rau"}


def fascia_acwr(training_sessions: pd.DataFrame, method: str = "ewma") -> pd.DataFrame:
    """athlete_id, date, acwr by `analytics.workload` on the zero-filled daily load."""
    from analytics import workload

    loads = workload.daily_load(training_sessions)
    dense = loads.assign(load=loads["load"].fillna(0.0))
    return workload.acwr(dense, method=method)[["athlete_id", "date", "acwr"]]  # type: ignore[arg-type]


def peer_acwr(training_sessions: pd.DataFrame, method: str = "ewma") -> pd.DataFrame:
    """athlete_id, date, acwr by the `acwr` package, athlete by athlete."""
    import acwr

    activities = pd.DataFrame(
        {
            "athlete": training_sessions["athlete_id"].to_numpy(),
            "date": training_sessions["date"].to_numpy(),
            "load": (training_sessions["rpe"] * training_sessions["minutes"]).to_numpy(dtype=float),
        }
    )
    out = acwr.by_athlete(activities, acwr.acwr, method=METHODS[method])
    return pd.DataFrame(
        {
            "athlete_id": out["athlete"].astype(np.int64),
            "date": pd.to_datetime(out["date"]).astype("datetime64[ns]"),
            "acwr": out["acwr"].replace([np.inf, -np.inf], np.nan).astype(float),
        }
    )


@dataclass(frozen=True)
class Agreement:
    """How two ACWR frames agree: rows compared, rows where only one has a value, the largest
    absolute difference where both have one."""

    rows: int
    one_sided: int
    max_abs_diff: float


def compare(ours: pd.DataFrame, theirs: pd.DataFrame) -> Agreement:
    both = ours.merge(theirs, on=["athlete_id", "date"], how="outer", suffixes=("_ours", "_theirs"), indicator=True)
    if not (both["_merge"] == "both").all():
        missing = int((both["_merge"] != "both").sum())
        raise RuntimeError(f"the two ACWR frames cover different athlete-days ({missing} rows differ)")
    a, b = both["acwr_ours"].to_numpy(dtype=float), both["acwr_theirs"].to_numpy(dtype=float)
    valued = ~np.isnan(a) & ~np.isnan(b)
    one_sided = int((np.isnan(a) != np.isnan(b)).sum())
    diff = float(np.max(np.abs(a[valued] - b[valued]))) if valued.any() else 0.0
    return Agreement(rows=len(both), one_sided=one_sided, max_abs_diff=diff)


@dataclass(frozen=True)
class AcwrComparison:
    ours: Timing
    theirs: Timing
    agreement: dict[str, Agreement]  # per Fascia method name

    @property
    def worst_diff(self) -> float:
        return max(a.max_abs_diff for a in self.agreement.values())

    @property
    def one_sided(self) -> int:
        return sum(a.one_sided for a in self.agreement.values())


def compare_with_peer(training_sessions: pd.DataFrame, runs: int, peer_runs: int) -> AcwrComparison:
    """Time both on the app's default method; check agreement on all three methods."""
    ours = measure(lambda: fascia_acwr(training_sessions, "ewma"), runs=runs)
    theirs = measure(lambda: peer_acwr(training_sessions, "ewma"), runs=peer_runs)
    agreement = {"ewma": compare(ours.value, theirs.value)}
    for method in ("coupled", "uncoupled"):
        agreement[method] = compare(fascia_acwr(training_sessions, method), peer_acwr(training_sessions, method))
    return AcwrComparison(ours, theirs, agreement)
