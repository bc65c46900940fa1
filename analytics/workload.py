"""Training load: daily session-RPE load, the acute:chronic workload ratio, monotony and strain.

Definitions (DESIGN.md, "Training load"):

- Session load = RPE (CR-10) x minutes, in arbitrary units (AU) (Foster et al. 2001).
  Daily load = the sum of that day's session loads.
- A day with some record (a check-in, a session, anything passed as ``calendar``) but no
  training has load 0: a rest day. A day with no record at all is *missing* (NaN), never 0.
- Acute:chronic workload ratio (ACWR), three methods (Williams et al. 2017; Gabbett 2016;
  the ``acwr`` package's formulas): rolling *coupled*, rolling *uncoupled* and *EWMA*.
  ACWR is descriptive, never an injury probability (Impellizzeri et al. 2020), and it is not
  given before 28 days of data.
- Weekly monotony = mean daily load / sample SD (ddof = 1); strain = weekly load x monotony
  (Foster 1998).

Frames are long format, one row per athlete and day (see `analytics.schemas.DailyLoad`).
Every function handles all athletes in one vectorised pass: no Python loop over athletes or days.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

import numpy as np
import pandas as pd

from analytics.schemas import Acwr, DailyLoad, MonotonyStrain, TrainingSessions
from analytics.validation import checked

Method = Literal["ewma", "coupled", "uncoupled"]

_SESSION_COLUMNS = ["athlete_id", "date", "minutes", "rpe"]
_LOAD_COLUMNS = ["athlete_id", "date", "load"]

#: The optional ``calendar`` of `daily_load`: the days on which an athlete has some record.
_CALENDAR_COLUMNS = ["athlete_id", "date"]


def daily_load(training_sessions: pd.DataFrame, calendar: pd.DataFrame | None = None) -> pd.DataFrame:
    """Daily session-RPE load per athlete (Foster et al. 2001): ``athlete_id, date, load``.

    Rule: load = sum over the day's sessions of RPE x minutes (AU).

    Choices:
    - Recorded days are the days with a training session plus, when given, every
      ``(athlete_id, date)`` of ``calendar`` (e.g. check-in days, or any day with a record).
      A recorded day without training has load 0 (a rest day).
    - The output is a dense daily calendar: one row for every day from each athlete's first to
      last recorded day. Days in between without any record have load NaN (missing, not 0).
      Without ``calendar`` only training days are recorded, so the days between sessions are
      missing: pass the check-in days as ``calendar`` to turn rest days into zeros.
    - Duplicate training rows are separate sessions and both count (two identical sessions on
      one day are plausible; the database gives each its own id). Duplicate calendar rows are
      harmless.
    - Dates are truncated to the day. Extra columns are ignored; rows may come in any order.
      The output is sorted by athlete and date.
    """
    sessions = checked(training_sessions, TrainingSessions, _SESSION_COLUMNS)
    athlete_id, date = sessions["athlete_id"], sessions["date"]
    load = (sessions["rpe"] * sessions["minutes"]).to_numpy()
    if calendar is not None:
        days = checked(calendar, DailyLoad, _CALENDAR_COLUMNS)
        athlete_id = pd.concat([athlete_id, days["athlete_id"]], ignore_index=True)
        date = pd.concat([date, days["date"]], ignore_index=True)
        load = np.concatenate([load, np.zeros(len(days))])  # a recorded day adds 0 to its sum
    return checked(_complete_days(athlete_id, date, load).frame, DailyLoad)


def acwr(
    daily_load: pd.DataFrame,
    method: Method = "ewma",
    acute_days: int = 7,
    chronic_days: int = 28,
) -> pd.DataFrame:
    """Acute:chronic workload ratio per athlete and day: ``athlete_id, date, acute, chronic, acwr``.

    Rules (Williams et al. 2017; the ``acwr`` package's port of them; DESIGN.md):
    - ``coupled``: acute = mean load of the last ``acute_days`` days, chronic = mean load of the
      last ``chronic_days`` days, today included in both.
    - ``uncoupled``: acute as above; chronic = mean of the ``chronic_days - acute_days`` days
      before the acute window (days t-27 .. t-7 with the defaults).
    - ``ewma``: EWMA_today = lambda x load_today + (1 - lambda) x EWMA_yesterday with
      lambda = 2 / (N + 1), N = ``acute_days`` for acute and ``chronic_days`` for chronic,
      seeded with the athlete's first recorded load (EWMA_day1 = load_day1). This reading
      reproduces the package's worked example: 28 days at 50 AU then 7 at 100 AU give 1.3394.
    - acwr = acute / chronic; NaN when chronic is 0 or missing (never inf).
    - acwr is NaN before ``chronic_days`` days of data: on the athlete's first
      ``chronic_days - 1`` calendar days counted from their first recorded (non-missing) load.
      ``acute`` and ``chronic`` are given from the first day, over the days available so far.

    Choices about missing days (load NaN, or a day absent from the input; rest days are 0):
    - The windows are calendar days. A rolling mean is the mean of the recorded days in its
      window (missing days are left out of numerator and denominator, as if they took the
      window's own mean); a window with no recorded day is NaN.
    - The EWMA skips missing days: on a missing day it keeps yesterday's value, and the next
      recorded day updates it with one ordinary step (pandas ``ignore_na=True``), i.e. a
      missing day is treated as if its load equalled the current EWMA.
    - Values are given on missing days too: they describe the windows, not the day.
    - Several rows for one athlete and day are summed (NaN only if all are NaN). The output has
      one row per calendar day from each athlete's first to last input day, sorted by athlete
      and date. All athletes are computed in one vectorised pass.
    """
    if method not in ("ewma", "coupled", "uncoupled"):
        raise ValueError(f"method must be 'ewma', 'coupled' or 'uncoupled', not {method!r}")
    if not 1 <= acute_days < chronic_days:
        raise ValueError(f"need 1 <= acute_days < chronic_days, got {acute_days} and {chronic_days}")

    days = _loads_on_every_day(daily_load)
    load = days.frame["load"].to_numpy()
    if method == "ewma":
        acute = _grouped_ewma(load, days, 2 / (acute_days + 1))
        chronic = _grouped_ewma(load, days, 2 / (chronic_days + 1))
    else:
        acute = _window_mean(load, days, 0, acute_days - 1)
        first_chronic_lag = 0 if method == "coupled" else acute_days
        chronic = _window_mean(load, days, first_chronic_lag, chronic_days - 1)

    since_first = days.day - np.repeat(_first_recorded_day(load, days), days.length)
    usable = (since_first >= chronic_days - 1) & (chronic > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(usable, acute / chronic, np.nan)
    frame = days.frame
    out = pd.DataFrame(
        {"athlete_id": frame["athlete_id"], "date": frame["date"], "acute": acute, "chronic": chronic, "acwr": ratio}
    )
    return checked(out, Acwr)


def monotony_strain(daily_load: pd.DataFrame, min_days: int = 7) -> pd.DataFrame:
    """Weekly training monotony and strain (Foster 1998): ``athlete_id, week_start, load, days, monotony, strain``.

    Rules: weeks run Monday to Sunday (``week_start`` is the Monday); ``load`` = the week's
    summed daily load; monotony = mean daily load / sample SD of the daily loads (ddof = 1);
    strain = weekly load x monotony.

    Choices:
    - ``days`` = number of recorded days in the week (rest days count, missing days do not).
      ``load`` sums the recorded days (NaN when none is recorded).
    - Monotony and strain need ``min_days`` recorded days (default 7: the full week, since a
      missing day would bias both); otherwise they are NaN. With a smaller ``min_days`` (>= 2)
      they are computed over the recorded days only.
    - SD = 0 makes monotony undefined, and it is given as NaN, never inf: an all-zero week
      (0 / 0) and a constant non-zero week (x / 0) alike, so team means and charts are not
      poisoned. A constant week is recognisable as ``days == 7``, ``load > 0``, monotony NaN.
    - Several rows for one athlete and day are summed; rows may come in any order. Output is
      sorted by athlete and week.
    """
    if not 2 <= min_days <= 7:
        raise ValueError(f"min_days must be between 2 and 7, got {min_days}")
    loads = _loads_on_every_day(daily_load).frame
    week_start = loads["date"] - pd.to_timedelta(loads["date"].dt.day_of_week, unit="D")
    # rows are sorted by athlete and date, so each athlete-week is a run of consecutive rows
    week = (loads["athlete_id"].ne(loads["athlete_id"].shift()) | week_start.ne(week_start.shift())).cumsum()
    weekly = (
        loads.assign(week_start=week_start)
        .groupby(week.to_numpy(), sort=False)
        .agg(
            athlete_id=("athlete_id", "first"),
            week_start=("week_start", "first"),
            load=("load", "sum"),
            days=("load", "count"),
            mean=("load", "mean"),
            sd=("load", "std"),
        )
        .reset_index(drop=True)
    )
    weekly["load"] = weekly["load"].where(weekly["days"] > 0)  # a week with no recorded day has no load
    defined = (weekly["days"] >= min_days) & (weekly["sd"] > 1e-9 * np.maximum(weekly["mean"], 1.0))
    weekly["monotony"] = (weekly["mean"] / weekly["sd"]).where(defined)
    weekly["strain"] = weekly["load"] * weekly["monotony"]
    return checked(weekly[["athlete_id", "week_start", "load", "days", "monotony", "strain"]], MonotonyStrain)


# --------------------------------------------------------------------------- helpers


class _Days(NamedTuple):
    """A dense daily calendar: ``frame`` (athlete_id, date, load) sorted by athlete and date,
    each athlete one contiguous block of ``length`` rows starting at row ``start``;
    ``day`` = the row's day number within its athlete's block (0 on the first day);
    ``block`` = the row's athlete block number (0, 1, ...)."""

    frame: pd.DataFrame
    start: np.ndarray
    length: np.ndarray
    day: np.ndarray
    block: np.ndarray


def _loads_on_every_day(daily_load: pd.DataFrame) -> _Days:
    """The public functions' `daily_load`, checked on its columns, on a dense daily calendar
    (see `_complete_days`)."""
    loads = checked(daily_load, DailyLoad, _LOAD_COLUMNS)
    return _complete_days(loads["athlete_id"], loads["date"], loads["load"].to_numpy())


def _complete_days(athlete_id: pd.Series, date: pd.Series, load: np.ndarray) -> _Days:
    """Put rows (any order, duplicates allowed) on a dense daily calendar per athlete.

    Each athlete gets one row for every day from their first to last date (dates truncated to
    the day). Rows falling on the same athlete and day are summed; a day is NaN when it has no
    row or only NaN loads. One O(n) pass (``np.bincount``), no sort of the input.
    """
    day_number = date.to_numpy().astype("datetime64[D]").astype(np.int64)  # days since 1970-01-01
    block, athletes = pd.factorize(athlete_id, sort=True)
    span = pd.Series(day_number).groupby(block).agg(["min", "max"])
    first = span["min"].to_numpy()
    length = span["max"].to_numpy() - first + 1
    start = np.cumsum(length) - length
    total = int(length.sum())

    row = start[block] + day_number - first[block]
    recorded = ~np.isnan(load)
    load_sum = np.bincount(row, weights=np.where(recorded, load, 0.0), minlength=total)
    load_rows = np.bincount(row, weights=recorded, minlength=total)
    day = np.arange(total) - np.repeat(start, length)
    frame = pd.DataFrame(
        {
            "athlete_id": np.repeat(np.asarray(athletes, dtype=np.int64), length),
            "date": (np.repeat(first, length) + day).astype("datetime64[D]").astype("datetime64[ns]"),
            "load": np.where(load_rows > 0, load_sum, np.nan),
        }
    )
    return _Days(frame, start, length, day, np.repeat(np.arange(len(length)), length))


def _first_recorded_day(load: np.ndarray, days: _Days) -> np.ndarray:
    """Per athlete block, the day number of the first non-missing load (the block length if none)."""
    if len(load) == 0:
        return np.zeros(0, dtype=np.int64)
    return np.minimum.reduceat(np.where(np.isnan(load), days.length.max(), days.day), days.start)


def _window_mean(load: np.ndarray, days: _Days, first_lag: int, last_lag: int) -> np.ndarray:
    """Mean of the recorded loads on days t - last_lag .. t - first_lag of the same athlete.

    Missing days (NaN) are left out; a window with no recorded day is NaN; the window is cut at
    the athlete's first day. Computed from each athlete's cumulative sums (window = sum through
    its last day - sum before its first day), so all athletes take one O(n) pass and every
    athlete's result is the same as computed alone. The sums only add non-negative loads, so a
    window of zeros is exactly 0 and no window is negative.
    """
    recorded = ~np.isnan(load)
    load_through, load_before = _cumulative(np.where(recorded, load, 0.0), days)
    count_through, count_before = _cumulative(recorded.astype(np.int64), days)

    row = np.arange(len(load))
    first = row - np.minimum(last_lag, days.day)  # first row of the window, never before the athlete's first day
    last = row - first_lag  # last row of the window; before `first` (empty window) while first_lag > day
    empty = last < first
    last = np.where(empty, first, last)
    count = np.where(empty, 0, count_through[last] - count_before[first])
    total = load_through[last] - load_before[first]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(count > 0, total / count, np.nan)


def _cumulative(values: np.ndarray, days: _Days) -> tuple[np.ndarray, np.ndarray]:
    """Per-athlete running sums: through each row, and of the rows before it (0 on the first day)."""
    through = pd.Series(values).groupby(days.block, sort=False).cumsum().to_numpy()
    before = np.concatenate((np.zeros(1, dtype=through.dtype), through[:-1]))
    before[days.start] = 0
    return through, before


def _grouped_ewma(load: np.ndarray, days: _Days, alpha: float) -> np.ndarray:
    """EWMA per athlete: EWMA_t = alpha x load_t + (1 - alpha) x EWMA_(t-1), EWMA_1 = the first
    recorded load; a missing day keeps the previous value (pandas ``adjust=False, ignore_na=True``).

    Computed on a wide frame, one column per athlete, row = day number since the athlete's first
    day (trailing rows NaN), so a single ``DataFrame.ewm`` handles every athlete independently:
    the same values as ``groupby(athlete).ewm(...)`` at a third of its cost (no per-group index).
    Memory: athletes x longest span, e.g. 1,000 x 730 floats = 6 MB.
    """
    if len(load) == 0:
        return np.zeros(0)
    wide = np.full((int(days.length.max()), len(days.length)), np.nan)
    wide[days.day, days.block] = load
    ewma = pd.DataFrame(wide).ewm(alpha=alpha, adjust=False, ignore_na=True).mean().to_numpy()
    return ewma[days.day, days.block]
