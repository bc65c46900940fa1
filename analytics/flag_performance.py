"""How well the flags and the ACWR heuristic band did on a club's own history: burden, sensitivity, PPV.

A flag is a prompt to look, not a diagnosis; this module says how often each kind of flag came before a
time-loss injury, and how many flags it cost, on whatever athletes and period its inputs hold. The numbers
describe an association on this club's history: they are neither a prediction for the next athlete nor a
cause. Single screening tests do not predict injury (Bahr 2016, BJSM 50:776-777), and the acute:chronic
ratio's link to injury is partly a statistical artefact (Impellizzeri et al. 2020, IJSPP 15:907-913; Lolli
et al. 2019, BJSM 53:921-922). Few injuries give wide intervals.

Definitions (`flag_performance`, for each flag kind and window of ``w`` days; issue 16):

- *Monitored days*: the inclusive ``start_date`` .. ``end_date`` rows of `roster`. Only flags and injury
  onsets on an athlete's monitored days count (choice: the same rule for both, so a flag is never counted
  against an injury the data could not see, nor the reverse).
- ``flags``: distinct athlete-day-kind rows (several flags of one kind for one athlete on one day, e.g. two
  painful regions, are one *flag-day*). ``athlete_weeks`` = monitored days / 7, summed over the roster.
  ``flags_per_athlete_week`` = flags / athlete_weeks: the alert burden.
- ``injuries``: the injuries (one row each) whose onset is on a monitored day. An injury is *flagged* when
  the same athlete had a flag of that kind on one of the ``w`` days before onset (onset - w .. onset - 1;
  the onset day excluded: a flag raised on the day of the injury did not come before it).
  ``sensitivity`` = injuries_flagged / injuries.
- A flag-day is *followed* when the same athlete had an injury onset on one of the ``w`` days after it
  (flag day + 1 .. flag day + w; the flag day excluded, the same rule read the other way).
  ``ppv`` (positive predictive value) = flags_followed / flags.
- Each proportion has its 95 % Wilson score interval (Wilson 1927, JASA 22:209-212; recommended over the
  Wald interval for small counts by Brown, Cai and DasGupta 2001, Stat Sci 16:101-133); NaN where the
  denominator is 0.

`acwr_band_check`: for each ACWR method, the share of injuries preceded by a ratio above the heuristic 1.5
(Gabbett 2016), *preceded* meaning on the day before onset, against the share of monitored athlete-days
with a ratio above it (Wilson intervals for both). If the first share is not clearly above the second, the
band did not single out the days before injuries on this club's history.

Everything is vectorised pandas/numpy: no Python loop over athletes, days, flags or injuries.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analytics.flags import FLAG_KINDS

#: The windows (days) `flag_performance` reports by default.
WINDOWS: tuple[int, ...] = (7, 14, 28)
#: The two-sided 95 % normal quantile, scipy.stats.norm.ppf(0.975).
Z_95 = 1.959963984540054
DAYS_PER_WEEK = 7
#: The heuristic ACWR "danger zone" (Gabbett 2016), disputed (Impellizzeri et al. 2020).
ACWR_BAND = 1.5
#: The day before onset: the ratio that "preceded" an injury in `acwr_band_check`.
ACWR_DAYS_BEFORE = 1

FLAG_COLUMNS = ("athlete_id", "date", "kind")
INJURY_COLUMNS = ("athlete_id", "onset_date")
ROSTER_COLUMNS = ("athlete_id", "start_date", "end_date")
PERFORMANCE_COLUMNS = (
    "kind",
    "window_days",
    "flags",
    "athlete_weeks",
    "flags_per_athlete_week",
    "injuries",
    "injuries_flagged",
    "sensitivity",
    "sensitivity_low",
    "sensitivity_high",
    "flags_followed",
    "ppv",
    "ppv_low",
    "ppv_high",
)
BAND_COLUMNS = (
    "method",
    "injuries",
    "injuries_above",
    "injury_share",
    "injury_share_low",
    "injury_share_high",
    "athlete_days",
    "days_above",
    "day_share",
    "day_share_low",
    "day_share_high",
)


def wilson_interval(
    successes: np.ndarray | pd.Series | float, trials: np.ndarray | pd.Series | float, z: float = Z_95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(proportion, low, high): the proportion and its Wilson score interval, element by element; NaN
    where `trials` is 0.

    p = x / n; centre = (p + z²/2n) / (1 + z²/n); half-width = z / (1 + z²/n) · sqrt(p(1 - p)/n + z²/4n²).
    """
    x = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(n > 0, x / n, np.nan)
        z2 = z * z
        denominator = 1 + z2 / n
        centre = (p + z2 / (2 * n)) / denominator
        half = z / denominator * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return p, np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)


def _columns(frame: pd.DataFrame, columns: Sequence[str], name: str) -> pd.DataFrame:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks the column(s) {', '.join(missing)}")
    return frame[list(columns)]


def _days(values: pd.Series) -> np.ndarray:
    """Dates as day numbers (days since 1970-01-01), the time of day dropped."""
    return pd.to_datetime(values).to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)


def _roster(roster: pd.DataFrame) -> pd.DataFrame:
    """``athlete_id, start, end`` (day numbers) of the monitored periods; refused when one athlete's overlap."""
    rows = _columns(roster, ROSTER_COLUMNS, "roster")
    out = pd.DataFrame(
        {
            "athlete_id": rows["athlete_id"].to_numpy(np.int64),
            "start": _days(rows["start_date"]),
            "end": _days(rows["end_date"]),
        }
    ).sort_values(["athlete_id", "start"], ignore_index=True)
    if (out["end"] < out["start"]).any():
        raise ValueError("roster: end_date before start_date")
    same = out["athlete_id"].to_numpy()[1:] == out["athlete_id"].to_numpy()[:-1]
    if (same & (out["start"].to_numpy()[1:] <= out["end"].to_numpy()[:-1])).any():
        raise ValueError("roster: one athlete's monitored periods overlap")
    return out


def _monitored(athlete_id: np.ndarray, day: np.ndarray, roster: pd.DataFrame) -> np.ndarray:
    """Whether each (athlete, day) lies on one of the athlete's monitored days."""
    events = pd.DataFrame({"athlete_id": athlete_id, "day": day, "row": np.arange(len(day))})
    pairs = events.merge(roster, on="athlete_id", how="inner")
    inside = pairs.loc[(pairs["day"] >= pairs["start"]) & (pairs["day"] <= pairs["end"]), "row"]
    mask = np.zeros(len(day), dtype=bool)
    mask[inside.to_numpy()] = True
    return mask


def _kind_order(kinds: np.ndarray) -> list[str]:
    """The kinds present, in `analytics.flags.FLAG_KINDS` order, any other kind after them alphabetically."""
    present = set(kinds.tolist())
    return [k for k in FLAG_KINDS if k in present] + sorted(present.difference(FLAG_KINDS))


def flag_performance(
    flags: pd.DataFrame, injuries: pd.DataFrame, roster: pd.DataFrame, windows: Sequence[int] = WINDOWS
) -> pd.DataFrame:
    """Burden, sensitivity and PPV of each flag kind for each window (definitions: the module docstring).

    Inputs: `flags` ``athlete_id, date, kind`` (e.g. `analytics.flags.compute_flags` of a history);
    `injuries` ``athlete_id, onset_date`` (the time-loss injuries, one row each); `roster` ``athlete_id,
    start_date, end_date`` (the monitored days, inclusive; one athlete's rows must not overlap). Extra
    columns are ignored, rows may come in any order.

    Returns one row per kind present in `flags` and per window, kinds in `analytics.flags.FLAG_KINDS`
    order: ``kind, window_days, flags, athlete_weeks, flags_per_athlete_week, injuries, injuries_flagged,
    sensitivity, sensitivity_low, sensitivity_high, flags_followed, ppv, ppv_low, ppv_high``.
    """
    windows = sorted({int(w) for w in windows})
    if not windows or windows[0] < 1:
        raise ValueError("windows must be whole days, at least 1")
    periods = _roster(roster)
    flag_rows = _columns(flags, FLAG_COLUMNS, "flags")
    injury_rows = _columns(injuries, INJURY_COLUMNS, "injuries")
    kinds = _kind_order(flag_rows["kind"].astype(str).to_numpy(dtype=object))
    if not kinds:
        return pd.DataFrame({c: pd.Series(dtype=object if c == "kind" else float) for c in PERFORMANCE_COLUMNS})

    # Flag-days: distinct athlete-day-kind, on monitored days only.
    fd = pd.DataFrame(
        {
            "athlete_id": flag_rows["athlete_id"].to_numpy(np.int64),
            "day": _days(flag_rows["date"]),
            "kind": flag_rows["kind"].astype(str).to_numpy(dtype=object),
        }
    ).drop_duplicates(ignore_index=True)
    fd = fd[_monitored(fd["athlete_id"].to_numpy(), fd["day"].to_numpy(), periods)].reset_index(drop=True)
    fd["flag"] = np.arange(len(fd))
    onsets = pd.DataFrame(
        {"athlete_id": injury_rows["athlete_id"].to_numpy(np.int64), "onset": _days(injury_rows["onset_date"])}
    )
    onsets = onsets[_monitored(onsets["athlete_id"].to_numpy(), onsets["onset"].to_numpy(), periods)]
    onsets = onsets.reset_index(drop=True).assign(injury=lambda f: np.arange(len(f)))

    # Every (flag-day, injury) pair of one athlete with the onset 1 .. max(window) days after the flag.
    pairs = fd.merge(onsets, on="athlete_id", how="inner")
    pairs["lag"] = pairs["onset"] - pairs["day"]
    pairs = pairs[(pairs["lag"] >= 1) & (pairs["lag"] <= windows[-1])]
    first_onset = pairs.groupby("flag")["lag"].min()  # per flag-day: days to the next onset
    first_flag = pairs.groupby(["injury", "kind"])["lag"].min()  # per injury and kind: days since the nearest flag

    follow = np.full(len(fd), np.inf)
    follow[first_onset.index.to_numpy()] = first_onset.to_numpy()
    near = first_flag.rename("lag").reset_index()

    grid = pd.MultiIndex.from_product([kinds, windows], names=["kind", "window_days"]).to_frame(index=False)
    flag_kind = fd["kind"].to_numpy(dtype=object)
    flag_lag = np.broadcast_to(follow, (len(windows), len(fd)))
    followed = pd.DataFrame(
        (flag_lag <= np.asarray(windows)[:, None]).T, columns=windows, index=pd.Index(flag_kind, name="kind")
    )
    followed_counts = followed.groupby(level="kind").sum().stack().rename("flags_followed")
    flag_counts = fd.groupby("kind").size().rename("flags")
    caught = pd.DataFrame(
        {w: near["lag"].to_numpy() <= w for w in windows}, index=pd.Index(near["kind"].to_numpy(), name="kind")
    )
    caught_counts = caught.groupby(level="kind").sum().stack().rename("injuries_flagged")

    out = grid.join(flag_counts, on="kind")
    out = out.join(followed_counts.rename_axis(["kind", "window_days"]), on=["kind", "window_days"])
    out = out.join(caught_counts.rename_axis(["kind", "window_days"]), on=["kind", "window_days"])
    for column in ("flags", "flags_followed", "injuries_flagged"):
        out[column] = out[column].fillna(0).astype(np.int64)
    weeks = float(((periods["end"] - periods["start"] + 1).sum()) / DAYS_PER_WEEK)
    out["athlete_weeks"] = weeks
    out["flags_per_athlete_week"] = out["flags"] / weeks if weeks > 0 else np.nan
    out["injuries"] = np.int64(len(onsets))
    sens, sens_low, sens_high = wilson_interval(out["injuries_flagged"], out["injuries"])
    ppv, ppv_low, ppv_high = wilson_interval(out["flags_followed"], out["flags"])
    out = out.assign(
        sensitivity=sens,
        sensitivity_low=sens_low,
        sensitivity_high=sens_high,
        ppv=ppv,
        ppv_low=ppv_low,
        ppv_high=ppv_high,
    )
    return out[list(PERFORMANCE_COLUMNS)].reset_index(drop=True)


def acwr_band_check(
    ratios: pd.DataFrame, injuries: pd.DataFrame, roster: pd.DataFrame, band: float = ACWR_BAND
) -> pd.DataFrame:
    """For each ACWR method: the share of injuries whose ratio on the day before onset was above `band`,
    against the share of monitored athlete-days whose ratio was above it, each with its 95 % Wilson interval.

    Inputs: `ratios` ``athlete_id, date, method, acwr`` (`analytics.workload.acwr` of each method, stacked;
    NaN before 28 days of data); `injuries` ``athlete_id, onset_date``; `roster` as `flag_performance`.
    Counted: the injuries with an onset on a monitored day and a ratio on the day before (``injuries``), and
    the monitored athlete-days with a ratio (``athlete_days``). Returns one row per method present, in
    the order they first appear: the `BAND_COLUMNS`.
    """
    periods = _roster(roster)
    rows = _columns(ratios, ("athlete_id", "date", "method", "acwr"), "ratios")
    r = pd.DataFrame(
        {
            "athlete_id": rows["athlete_id"].to_numpy(np.int64),
            "day": _days(rows["date"]),
            "method": rows["method"].astype(str).to_numpy(dtype=object),
            "acwr": rows["acwr"].to_numpy(dtype=float, na_value=np.nan),
        }
    )
    r = r[np.isfinite(r["acwr"].to_numpy())]
    r = r[_monitored(r["athlete_id"].to_numpy(), r["day"].to_numpy(), periods)]
    r["above"] = r["acwr"] > band
    methods = list(dict.fromkeys(rows["method"].astype(str)))
    days = r.groupby("method")["above"].agg(["size", "sum"]).reindex(methods, fill_value=0)

    injury_rows = _columns(injuries, INJURY_COLUMNS, "injuries")
    onsets = pd.DataFrame(
        {"athlete_id": injury_rows["athlete_id"].to_numpy(np.int64), "onset": _days(injury_rows["onset_date"])}
    )
    onsets = onsets[_monitored(onsets["athlete_id"].to_numpy(), onsets["onset"].to_numpy(), periods)]
    before = onsets.assign(day=onsets["onset"] - ACWR_DAYS_BEFORE).merge(r, on=["athlete_id", "day"], how="inner")
    hurt = before.groupby("method")["above"].agg(["size", "sum"]).reindex(methods, fill_value=0)

    share, share_low, share_high = wilson_interval(hurt["sum"], hurt["size"])
    day_share, day_low, day_high = wilson_interval(days["sum"], days["size"])
    return pd.DataFrame(
        {
            "method": methods,
            "injuries": hurt["size"].to_numpy(np.int64),
            "injuries_above": hurt["sum"].to_numpy(np.int64),
            "injury_share": share,
            "injury_share_low": share_low,
            "injury_share_high": share_high,
            "athlete_days": days["size"].to_numpy(np.int64),
            "days_above": days["sum"].to_numpy(np.int64),
            "day_share": day_share,
            "day_share_low": day_low,
            "day_share_high": day_high,
        },
        columns=list(BAND_COLUMNS),
    )
