"""The coach's squad readiness board: per athlete, today's wellness against their own baseline and the
training load of the last 7 days against the 7 before.

Rules:

- Wellness total = the sum of the five wellness items (fatigue, sleep quality, soreness, stress, mood; 1-5
  each, 5 best; McLean et al. 2010), so 5-25; missing when any item is missing. The athlete's *usual* is
  the mean total of their check-ins in the `BASELINE_DAYS` days before the day (the day itself excluded),
  as the wellness-drop flag compares (`analytics.flags`); it needs at least `MIN_BASELINE` check-ins.
  Today's total is *lower than usual* when it is at least one standard deviation (ddof = 1) and at least
  `MIN_POINTS` below the usual, *higher* when as far above, else *as usual*.
- Load = RPE x minutes (AU; Foster et al. 2001), summed over the sessions recorded in the 7 days up to the
  day (the day included) and in the 7 days before those; change = (last 7 - previous 7) / previous 7,
  missing when the previous 7 days hold no load.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics import schemas as S
from analytics.flags import WELLNESS_ITEMS
from analytics.validation import checked

#: Days before the day whose check-ins make the athlete's usual wellness.
BASELINE_DAYS = 28
#: Check-ins the usual needs before today is compared with it.
MIN_BASELINE = 7
#: The smallest difference (points of the 5-25 total) called lower or higher than usual.
MIN_POINTS = 1.0
#: Days of each load window.
LOAD_DAYS = 7


def _day(value: object) -> pd.Timestamp:
    return pd.Timestamp(value).normalize()


def wellness_against_usual(checkins: pd.DataFrame, as_of: object) -> pd.DataFrame:
    """Per athlete with a check-in in the window: today's wellness total and their usual (module rules).

    Returns ``athlete_id, wellness_today, wellness_usual, wellness_sd, baseline_n, wellness_change,
    wellness_trend`` with ``wellness_change`` = today - usual and ``wellness_trend`` ``lower`` / ``usual`` /
    ``higher``, or missing when there is no total today or fewer than `MIN_BASELINE` check-ins before it.
    """
    day = _day(as_of)
    rows = checked(checkins, S.WellnessCheckins, ("athlete_id", "date", *WELLNESS_ITEMS))
    dates = rows["date"].dt.normalize()
    rows = rows.assign(date=dates)[(dates <= day) & (dates >= day - pd.Timedelta(days=BASELINE_DAYS))]
    rows = rows.drop_duplicates(["athlete_id", "date"])
    total = sum(rows[item].astype("float64") for item in WELLNESS_ITEMS)
    rows = rows.assign(total=total)
    today = rows[rows["date"] == day].set_index("athlete_id")["total"]
    before = rows[(rows["date"] < day) & rows["total"].notna()].groupby("athlete_id")["total"]
    out = pd.DataFrame({"athlete_id": np.sort(rows["athlete_id"].unique()).astype(np.int64)})
    out["wellness_today"] = out["athlete_id"].map(today).astype("float64")
    out["wellness_usual"] = out["athlete_id"].map(before.mean()).astype("float64")
    out["wellness_sd"] = out["athlete_id"].map(before.std(ddof=1)).astype("float64")
    out["baseline_n"] = out["athlete_id"].map(before.size()).fillna(0).astype(np.int64)
    enough = out["baseline_n"] >= MIN_BASELINE
    change = (out["wellness_today"] - out["wellness_usual"]).where(enough)
    out["wellness_change"] = change
    margin = np.maximum(out["wellness_sd"].fillna(0.0), MIN_POINTS)
    trend = np.select([change <= -margin, change >= margin], ["lower", "higher"], "usual").astype(object)
    out["wellness_trend"] = pd.Series(trend, index=out.index).where(change.notna(), None)
    return out


def load_change(training_sessions: pd.DataFrame, as_of: object) -> pd.DataFrame:
    """Per athlete with a session in the 14 days up to `as_of`: the load of the last `LOAD_DAYS` days, of the
    `LOAD_DAYS` before them, and the change (module rules).

    Returns ``athlete_id, load_7d, load_previous_7d, load_change`` (change as a share: 0.25 = +25 %).
    """
    day = _day(as_of)
    sessions = checked(training_sessions, S.TrainingSessions, ("athlete_id", "date", "minutes", "rpe"))
    dates = sessions["date"].dt.normalize()
    recent = (dates <= day) & (dates > day - pd.Timedelta(days=LOAD_DAYS))
    previous = (dates <= day - pd.Timedelta(days=LOAD_DAYS)) & (dates > day - pd.Timedelta(days=2 * LOAD_DAYS))
    load = sessions["rpe"].astype("float64") * sessions["minutes"].astype("float64")
    windows = pd.DataFrame(
        {
            "athlete_id": sessions["athlete_id"].astype(np.int64),
            "load_7d": load.where(recent, 0.0),
            "load_previous_7d": load.where(previous, 0.0),
        }
    )[recent | previous]
    out = windows.groupby("athlete_id", as_index=False)[["load_7d", "load_previous_7d"]].sum()
    before = out["load_previous_7d"]
    out["load_change"] = ((out["load_7d"] - before) / before.where(before > 0)).astype("float64")
    return out
