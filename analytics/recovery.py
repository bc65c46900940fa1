"""Recovery after injury, treatment response and chronic pain (DESIGN.md, "What the numbers mean").

Rules and sources, each implemented once here:

- **Pain** is the NPRS 0-10 (LOINC 72514-3). An improvement is *clinically important* when pain falls
  by at least 2 points **and** at least 30 % from the episode's baseline (Farrar et al. 2001, Pain
  94:149-158; Salaffi et al. 2004, Eur J Pain 8:283-291). Pain is *resolved* on the first day of three
  consecutive reports at 0-1.
- **Recovery** is the time from injury onset to pain resolution and to return to full participation.
  Episodes not finished at the data's end are censored, and summaries are Kaplan-Meier estimates
  (``lifelines.KaplanMeierFitter``), never a mean of the finished ones.
- **Treatment response** per session is pain before - after (positive = relief) and ROM post - pre;
  per technique and region: n, mean and a t-based 95 % interval, and whether the gain held until the
  next report.
- **Chronic pain** (IASP; Treede et al. 2019, Pain 160:19-27): pain in one region that persists or keeps
  coming back for more than 3 months, operationalised as reported in more than 6 of the last 12 weeks.

Choices common to the module (named again in each function that uses them):

- Pain reports are first reduced to one per athlete, date, region and side; duplicates keep the highest
  pain (the conservative reading). Dates are calendar days.
- A pain report belongs to an injury's region when ``body_region`` is equal and the sides are
  *compatible*: equal, or either of them ``central`` or ``bilateral`` (only left vs right conflict).
  When several compatible reports fall on one day, the day's pain is their maximum.
- An injury *episode* covers the days from its onset up to (not including) the onset of the next injury
  of the same athlete, region and side, and never beyond ``as_of``.
- ``as_of`` (the data's end, used for censoring) defaults to the latest date found in the inputs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from lifelines import KaplanMeierFitter
from lifelines.utils import median_survival_times
from scipy import stats

from analytics import rom
from analytics import schemas as S
from analytics.validation import empty_frame, validate_columns

#: Clinically important improvement: at least this many NPRS points ...
IMPORTANT_POINTS = 2
#: ... and at least this percentage of the baseline (Farrar et al. 2001; Salaffi et al. 2004).
IMPORTANT_PERCENT = 30
#: Pain is resolved on the first day of `RESOLVED_RUN` consecutive reports at or below `RESOLVED_MAX`.
RESOLVED_MAX = 1
RESOLVED_RUN = 3

PAIN_COLUMNS = ("athlete_id", "date", "body_region", "side", "pain")
INJURY_COLUMNS = ("injury_id", "athlete_id", "onset_date", "body_region", "side", "injury_type", "return_date")
SESSION_COLUMNS = (
    "session_id",
    "athlete_id",
    "date",
    "technique",
    "body_region",
    "side",
    "pain_before",
    "pain_after",
    "injury_id",
)
_DAY = pd.Timedelta(days=1)
_OUTCOMES = {"resolution": ("resolution_time", "resolved"), "return": ("return_time", "returned")}


# --------------------------------------------------------------------------- shared helpers


def _day_numbers(dates: pd.Series) -> np.ndarray:
    """Days since 1970-01-01 as int64 (dates are calendar days)."""
    return dates.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)


def _timestamp(value: object) -> pd.Timestamp:
    return pd.Timestamp(value).normalize()


def sides_compatible(a: pd.Series, b: pd.Series) -> pd.Series:
    """True where two sides can describe the same complaint: equal, or either ``central``/``bilateral``.

    Only ``left`` against ``right`` conflicts. Used to match pain reports to injuries and sessions.
    """
    a = a.astype(str)
    b = b.astype(str)
    conflict = ((a == "left") & (b == "right")) | ((a == "right") & (b == "left"))
    return ~conflict


def _group_codes(df: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """Integer code per group, nondecreasing when `df` is sorted by `keys`."""
    if df.empty:
        return np.zeros(0, dtype=np.int64)
    return df.groupby(keys, sort=False).ngroup().to_numpy(dtype=np.int64)


def window_sums(
    group: np.ndarray, day: np.ndarray, values: np.ndarray, days: int, include_current: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Count, sum and sum of squares of `values` (NaN ignored) over a trailing window of calendar days.

    Rows must be sorted by (group, day) with at most one row per (group, day). The window of a row covers
    days ``[day - days + 1, day]`` of its group when `include_current`, else ``[day - days, day - 1]``.
    Vectorised with cumulative sums and binary search (no loop over groups or rows). With integer
    scores the sums are exact in float64.
    """
    n = len(day)
    if n == 0:
        empty = np.zeros(0)
        return empty.astype(np.int64), empty, empty
    span = np.int64(1) << 22
    rel = day.astype(np.int64) - day.min()
    base = group.astype(np.int64) * span
    key = base + rel
    ok = ~np.isnan(values)
    v = np.where(ok, values, 0.0)
    c0 = np.concatenate(([0], np.cumsum(ok)))
    s0 = np.concatenate(([0.0], np.cumsum(v)))
    q0 = np.concatenate(([0.0], np.cumsum(v * v)))
    start = np.searchsorted(key, base, "left")
    if include_current:
        lo = np.searchsorted(key, key - (days - 1), "left")
        hi = np.arange(1, n + 1)
    else:
        lo = np.searchsorted(key, key - days, "left")
        hi = np.arange(n)
    lo = np.maximum(lo, start)
    return c0[hi] - c0[lo], s0[hi] - s0[lo], q0[hi] - q0[lo]


def run_lengths(group: np.ndarray, cond: np.ndarray) -> np.ndarray:
    """Length of the run of consecutive True `cond` rows ending at each row, restarting at each group.

    Rows must be sorted by group (and by date within it); a False row has run length 0.
    """
    n = len(cond)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    idx = np.arange(n)
    new_group = np.ones(n, dtype=bool)
    new_group[1:] = group[1:] != group[:-1]
    last_break = np.where(~cond, idx, np.where(new_group, idx - 1, -1))
    last_break = np.maximum.accumulate(last_break)
    return np.where(cond, idx - last_break, 0)


def daily_pain(pain_reports: pd.DataFrame, with_codes: bool = False) -> pd.DataFrame:
    """Validated pain reports, one row per athlete, region, side and date, sorted by them.

    Duplicate reports of the same key keep the highest pain (conservative). Columns:
    ``athlete_id, body_region, side, date, pain``; with `with_codes` also ``group`` (an integer per
    athlete, region and side, increasing in the sort order) and ``day`` (days since 1970-01-01).
    Vectorised: factorised keys, one ``np.lexsort`` and ``np.maximum.reduceat`` for duplicates.
    """
    p = validate_columns(pain_reports, S.PainReports, PAIN_COLUMNS)
    athlete = p["athlete_id"].to_numpy(np.int64)
    region_code, regions = pd.factorize(p["body_region"], sort=True)
    side_code, sides = pd.factorize(p["side"], sort=True)
    day = _day_numbers(p["date"])
    pain = p["pain"].to_numpy(np.int64)
    order = np.lexsort((day, side_code, region_code, athlete))
    athlete, region_code, side_code, day, pain = (x[order] for x in (athlete, region_code, side_code, day, pain))
    n = len(order)
    new_key = np.ones(n, dtype=bool)
    new_key[1:] = (
        (athlete[1:] != athlete[:-1]) | (region_code[1:] != region_code[:-1]) | (side_code[1:] != side_code[:-1])
    )
    new_row = new_key.copy()
    new_row[1:] |= day[1:] != day[:-1]
    if n and not new_row.all():
        starts = np.flatnonzero(new_row)
        pain = np.maximum.reduceat(pain, starts)
        athlete, region_code, side_code, day, new_key = (
            x[starts] for x in (athlete, region_code, side_code, day, new_key)
        )
    out = pd.DataFrame(
        {
            "athlete_id": athlete,
            "body_region": np.asarray(regions, dtype=object)[region_code],
            "side": np.asarray(sides, dtype=object)[side_code],
            "date": day.astype("datetime64[D]").astype("datetime64[ns]"),
            "pain": pain,
        }
    )
    if with_codes:
        out["group"] = np.cumsum(new_key) - 1
        out["day"] = day
    return out


def _latest_date(*series: pd.Series) -> pd.Timestamp:
    dates = [s.max() for s in series if s is not None and len(s) and pd.notna(s.max())]
    if not dates:
        raise ValueError("as_of cannot be inferred from empty inputs; pass it explicitly")
    return _timestamp(max(dates))


# --------------------------------------------------------------------------- pain trend


def pain_trend(pain_reports: pd.DataFrame, window_days: int = 7) -> pd.DataFrame:
    """Per athlete, region, side and report date: the pain and its trailing rolling mean.

    Rule: the rolling mean of a day is the mean of the reports of that athlete, region and side dated in
    the `window_days` calendar days ending on that day (today included; default 7). Days without a
    report are missing, not 0: the mean is over the reports present (``rolling_n`` of them).
    Duplicate reports of a key keep the highest pain.

    Returns ``PainTrend``: ``athlete_id, body_region, side, date, pain, pain_rolling_mean, rolling_n``,
    sorted by athlete, region, side and date.
    """
    d = daily_pain(pain_reports, with_codes=True)
    count, total, _ = window_sums(
        d.pop("group").to_numpy(), d.pop("day").to_numpy(), d["pain"].to_numpy(float), window_days, True
    )
    d["pain_rolling_mean"] = total / np.maximum(count, 1)
    d["rolling_n"] = count.astype(np.int64)
    return S.PainTrend.validate(d)


# --------------------------------------------------------------------------- injury episodes


def _prepared_injuries(injuries: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    inj = validate_columns(injuries, S.Injuries, INJURY_COLUMNS)
    inj["onset_date"] = inj["onset_date"].dt.normalize()
    inj["return_date"] = inj["return_date"].dt.normalize()
    inj = inj.drop_duplicates("injury_id")
    inj = inj[inj["onset_date"] <= as_of]
    inj = inj.sort_values(["athlete_id", "body_region", "side", "onset_date", "injury_id"], kind="stable")
    nxt = inj.groupby(["athlete_id", "body_region", "side"], sort=False)["onset_date"].shift(-1)
    limit = as_of + _DAY
    nxt = nxt.where(nxt.notna() & (nxt > inj["onset_date"]) & (nxt < limit))
    inj["window_end"] = nxt.fillna(limit)
    return inj.reset_index(drop=True)


def _episode_reports(inj: pd.DataFrame, pain: pd.DataFrame, baseline_days: int, window_days: int) -> pd.DataFrame:
    """One row per injury and day with a compatible pain report inside the episode window."""
    left = inj[["injury_id", "athlete_id", "body_region", "side", "onset_date", "window_end"]]
    right = pain.rename(columns={"side": "report_side"})
    m = left.merge(right, on=["athlete_id", "body_region"], how="inner")
    keep = (
        sides_compatible(m["side"], m["report_side"]) & (m["date"] >= m["onset_date"]) & (m["date"] < m["window_end"])
    )
    m = m[keep]
    ep = (
        m.groupby(["injury_id", "date"], as_index=False, sort=True)
        .agg(pain=("pain", "max"))
        .merge(left.drop(columns="window_end"), on="injury_id", how="left")
    )
    ep["day"] = (ep["date"] - ep["onset_date"]).dt.days.astype(np.int64)
    # Baseline: the worst (highest) report in the first `baseline_days` days of the episode.
    early = ep[ep["day"] < baseline_days]
    baseline = early.groupby("injury_id")["pain"].max().astype(float)
    ep["baseline_pain"] = ep["injury_id"].map(baseline).astype(float)
    ep["change"] = ep["pain"] - ep["baseline_pain"]
    ep["pct_change"] = (ep["change"] / ep["baseline_pain"].where(ep["baseline_pain"] > 0) * 100.0).astype(float)
    fall = ep["baseline_pain"] - ep["pain"]
    # Integer arithmetic for the 30 % rule: 100 * fall >= 30 * baseline (no float rounding at the boundary).
    ep["important_improvement"] = (
        (fall >= IMPORTANT_POINTS) & (100 * fall >= IMPORTANT_PERCENT * ep["baseline_pain"])
    ).fillna(False)
    group = _group_codes(ep, ["injury_id"])
    count, total, _ = window_sums(group, _day_numbers(ep["date"]), ep["pain"].to_numpy(float), window_days, True)
    ep["pain_rolling_mean"] = total / np.maximum(count, 1)
    return ep


def episode_pain(
    pain_reports: pd.DataFrame,
    injuries: pd.DataFrame,
    as_of: object | None = None,
    baseline_days: int = 3,
    window_days: int = 7,
) -> pd.DataFrame:
    """The pain course of every injury episode: one row per injury and day with a report.

    Rules and choices:

    - Episode: reports of the injured region with a compatible side (equal, or either ``central`` or
      ``bilateral``), dated from the onset up to (not including) the next injury of the same athlete,
      region and side, and up to `as_of` (default: the latest date in the inputs). Several compatible
      reports on one day count as the day's maximum.
    - Baseline: the **worst** (highest) report within the first `baseline_days` days of the episode
      (default 3: onset day and the two after), because the first report may precede the peak. Missing
      when there is no report in those days; change and improvement are then missing/False.
    - ``change`` = pain - baseline (negative = better); ``pct_change`` = change / baseline x 100.
    - ``important_improvement``: pain fell by >= 2 points **and** >= 30 % of the baseline, report by
      report (Farrar et al. 2001; Salaffi et al. 2004).
    - ``pain_rolling_mean``: mean of the episode's reports in the `window_days` days ending that day.

    Returns ``EpisodePain``: ``injury_id, athlete_id, body_region, side, onset_date, date, day, pain,
    pain_rolling_mean, baseline_pain, change, pct_change, important_improvement``.
    """
    pain = daily_pain(pain_reports)
    as_of_ts = _timestamp(as_of) if as_of is not None else _latest_date(pain["date"], injuries.get("onset_date"))
    inj = _prepared_injuries(injuries, as_of_ts)
    ep = _episode_reports(inj, pain, baseline_days, window_days)
    columns = list(S.EpisodePain.to_schema().columns)
    return S.EpisodePain.validate(ep[columns].sort_values(["injury_id", "date"]).reset_index(drop=True))


def _main_technique(therapy_sessions: pd.DataFrame) -> pd.Series:
    """Per injury_id: the technique used most often in its sessions (ties: earliest first use, then name)."""
    s = validate_columns(therapy_sessions, S.TherapySessions, ("injury_id", "technique", "date"))
    s = s[s["injury_id"].notna()]
    if s.empty:
        return pd.Series(dtype=object)
    s = s.assign(injury_id=s["injury_id"].astype(np.int64))
    agg = s.groupby(["injury_id", "technique"], as_index=False).agg(n=("date", "size"), first=("date", "min"))
    agg = agg.sort_values(["injury_id", "n", "first", "technique"], ascending=[True, False, True, True])
    return agg.drop_duplicates("injury_id").set_index("injury_id")["technique"]


def recovery_episodes(
    injuries: pd.DataFrame,
    pain_reports: pd.DataFrame,
    as_of: object | None = None,
    baseline_days: int = 3,
    athletes: pd.DataFrame | None = None,
    therapy_sessions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per injury: baseline, first clinically important improvement, pain resolution, return.

    Rules and choices:

    - Episode, baseline and improvement as in :func:`episode_pain` (worst report in the first
      `baseline_days` days; >= 2 points and >= 30 % below it).
    - Resolution: the first day of three consecutive episode reports (reports, not calendar days) at
      NPRS 0-1. ``days_to_resolution`` = resolution date - onset date; missing when unresolved.
    - Censoring (for Kaplan-Meier): ``resolution_time`` is days_to_resolution when ``resolved``, else the
      last day the episode was observed - onset: `as_of`, or the day before the next injury of the same
      athlete, region and side when that ends the episode first.
    - Return: ``returned`` when ``return_date`` is on or before `as_of`; ``days_to_return`` = return -
      onset; ``return_time`` is that, or `as_of` - onset when not (yet) returned (censored). A return
      date after `as_of` is treated as not yet known and shown as missing.
    - `as_of` defaults to the latest date among pain report dates, onsets and return dates. Injuries with
      onset after `as_of` are left out; duplicate injury rows (same ``injury_id``) count once.
    - ``team_id``/``team`` come from `athletes` when given; ``technique`` from `therapy_sessions` when
      given: the technique used most often in sessions linked by ``injury_id`` (ties: earliest first
      use, then name), ``"none"`` when the injury has no linked session. Otherwise these are missing.

    Returns ``RecoveryEpisodes`` (one row per injury, sorted by ``injury_id``).
    """
    pain = daily_pain(pain_reports)
    if as_of is not None:
        as_of_ts = _timestamp(as_of)
    else:
        as_of_ts = _latest_date(pain["date"], injuries.get("onset_date"), injuries.get("return_date"))
    inj = _prepared_injuries(injuries, as_of_ts)
    ep = _episode_reports(inj, pain, baseline_days, window_days=7)
    ep = ep.sort_values(["injury_id", "date"]).reset_index(drop=True)

    out = inj[["injury_id", "athlete_id", "body_region", "side", "injury_type", "onset_date", "window_end"]].copy()
    out["end_date"] = out.pop("window_end") - _DAY
    by_injury = ep.groupby("injury_id")
    out["n_reports"] = out["injury_id"].map(by_injury.size()).fillna(0).astype(np.int64)
    out["baseline_pain"] = out["injury_id"].map(by_injury["baseline_pain"].first()).astype(float)
    out["last_pain"] = out["injury_id"].map(by_injury["pain"].last()).astype(float)
    improved = ep[ep["important_improvement"]].groupby("injury_id")["date"].min()
    out["improvement_date"] = pd.to_datetime(out["injury_id"].map(improved))

    group = _group_codes(ep, ["injury_id"])
    runs = run_lengths(group, (ep["pain"] <= RESOLVED_MAX).to_numpy())
    hits = np.flatnonzero(runs >= RESOLVED_RUN)
    first_hit = pd.DataFrame({"injury_id": ep["injury_id"].to_numpy()[hits], "pos": hits}).drop_duplicates("injury_id")
    resolved_on = pd.Series(
        ep["date"].to_numpy()[first_hit["pos"].to_numpy() - (RESOLVED_RUN - 1)], index=first_hit["injury_id"]
    )
    out["resolution_date"] = pd.to_datetime(out["injury_id"].map(resolved_on))
    out["resolved"] = out["resolution_date"].notna()
    out["days_to_resolution"] = (out["resolution_date"] - out["onset_date"]).dt.days.astype(float)
    censored_at = (out["end_date"] - out["onset_date"]).dt.days.astype(float)
    out["resolution_time"] = out["days_to_resolution"].where(out["resolved"], censored_at)

    ret = inj.set_index("injury_id")["return_date"]
    ret = ret.where(ret <= as_of_ts)
    out["return_date"] = pd.to_datetime(out["injury_id"].map(ret))
    out["returned"] = out["return_date"].notna()
    out["days_to_return"] = (out["return_date"] - out["onset_date"]).dt.days.astype(float)
    out["return_time"] = out["days_to_return"].where(
        out["returned"], (as_of_ts - out["onset_date"]).dt.days.astype(float)
    )

    out["team_id"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out["team"] = pd.Series([None] * len(out), dtype=object, index=out.index)
    if athletes is not None:
        a = validate_columns(athletes, S.Athletes, ("athlete_id", "team_id", "team")).drop_duplicates("athlete_id")
        a = a.set_index("athlete_id")
        out["team_id"] = out["athlete_id"].map(a["team_id"]).astype("Int64")
        out["team"] = out["athlete_id"].map(a["team"]).astype(object)
    out["technique"] = pd.Series([None] * len(out), dtype=object, index=out.index)
    if therapy_sessions is not None:
        main = _main_technique(therapy_sessions)
        out["technique"] = out["injury_id"].map(main).fillna("none").astype(object)
    columns = list(S.RecoveryEpisodes.to_schema().columns)
    return S.RecoveryEpisodes.validate(out[columns].sort_values("injury_id").reset_index(drop=True))


# --------------------------------------------------------------------------- Kaplan-Meier


def _km_groups(episodes: pd.DataFrame, outcome: str, by: str | None):
    if outcome not in _OUTCOMES:
        raise ValueError(f"outcome must be one of {sorted(_OUTCOMES)}, not {outcome!r}")
    time_col, event_col = _OUTCOMES[outcome]
    ep = S.RecoveryEpisodes.validate(episodes)
    labels = pd.Series("all", index=ep.index) if by is None else ep[by].astype("string").fillna("unknown")
    for name in sorted(labels.unique()):
        g = ep[labels == name]
        kmf = KaplanMeierFitter(alpha=0.05)
        kmf.fit(g[time_col].to_numpy(float), g[event_col].to_numpy(bool), label=str(name))
        yield str(name), g, kmf, event_col


def km_curves(episodes: pd.DataFrame, outcome: str = "resolution", by: str | None = None) -> pd.DataFrame:
    """Kaplan-Meier curves of time to pain resolution or to return to full participation.

    Rule: the Kaplan-Meier product-limit estimate (``lifelines.KaplanMeierFitter``) over the episodes of
    :func:`recovery_episodes`; unfinished episodes are censored at their last observed day (never
    dropped, never averaged). ``survival`` is the proportion **not yet** resolved (or returned) after
    ``days`` days; the 95 % band is lifelines' exponential Greenwood interval.

    `outcome`: ``"resolution"`` (``resolution_time``/``resolved``) or ``"return"``
    (``return_time``/``returned``). `by`: a column of `episodes` to group on, e.g. ``body_region``,
    ``team`` or ``technique`` (missing values form the group ``"unknown"``); None = one group ``"all"``.

    Returns ``KmCurve``: ``group, days, survival, ci_lower, ci_upper, at_risk, events, censored``, one
    row per group and time point (time 0 included), sorted by group and days.
    """
    frames = []
    for name, _g, kmf, _event in _km_groups(episodes, outcome, by):
        sf = kmf.survival_function_.iloc[:, 0]
        ci = kmf.confidence_interval_survival_function_
        table = kmf.event_table.reindex(sf.index)
        frames.append(
            pd.DataFrame(
                {
                    "group": name,
                    "days": sf.index.to_numpy(float),
                    "survival": sf.to_numpy(float),
                    "ci_lower": ci.iloc[:, 0].to_numpy(float),
                    "ci_upper": ci.iloc[:, 1].to_numpy(float),
                    "at_risk": table["at_risk"].fillna(0).to_numpy(np.int64),
                    "events": table["observed"].fillna(0).to_numpy(np.int64),
                    "censored": table["censored"].fillna(0).to_numpy(np.int64),
                }
            )
        )
    columns = list(S.KmCurve.to_schema().columns)
    out = pd.concat(frames, ignore_index=True) if frames else empty_frame(S.KmCurve)
    return S.KmCurve.validate(out[columns])


def km_medians(episodes: pd.DataFrame, outcome: str = "resolution", by: str | None = None) -> pd.DataFrame:
    """Kaplan-Meier median time to pain resolution or return, with counts and 95 % interval.

    Rule: the median is the first time the Kaplan-Meier curve (see :func:`km_curves`, same `outcome` and
    `by`) falls to 0.5 or below (``KaplanMeierFitter.median_survival_time_``); its 95 % interval is where
    the exponential Greenwood band crosses 0.5 (``lifelines.utils.median_survival_times``). A median or
    bound that is never reached (too many episodes unfinished) is missing, not infinite. Censored
    episodes count in ``n`` and ``censored``; this is not the mean of the finished episodes.

    Returns ``KmMedian``: ``group, n, events, censored, median_days, median_ci_lower, median_ci_upper``.
    """
    rows = []
    for name, g, kmf, event_col in _km_groups(episodes, outcome, by):
        ci = median_survival_times(kmf.confidence_interval_)
        events = int(g[event_col].sum())
        rows.append(
            {
                "group": name,
                "n": len(g),
                "events": events,
                "censored": len(g) - events,
                "median_days": float(kmf.median_survival_time_),
                "median_ci_lower": float(np.asarray(ci).ravel()[0]),
                "median_ci_upper": float(np.asarray(ci).ravel()[1]),
            }
        )
    out = pd.DataFrame(rows) if rows else empty_frame(S.KmMedian)
    for c in ("median_days", "median_ci_lower", "median_ci_upper"):
        out[c] = out[c].astype(float).replace([np.inf, -np.inf], np.nan)
    return S.KmMedian.validate(out)


# --------------------------------------------------------------------------- treatment response


def session_response(
    therapy_sessions: pd.DataFrame,
    pain_reports: pd.DataFrame | None = None,
    wellness_checkins: pd.DataFrame | None = None,
    max_gap_days: int = 7,
) -> pd.DataFrame:
    """Per therapy session: pain relief and whether it held until the next report.

    Rules and choices:

    - ``pain_relief`` = pain_before - pain_after (NPRS points; positive = less pain after the session);
      missing when either is missing.
    - *Next report*: without `wellness_checkins`, the first pain report of the session's region with a
      compatible side (equal, or either ``central``/``bilateral``) dated **after** the session day (a
      report on the session day may precede the session, so it is not used), at most `max_gap_days`
      days later (default 7; a later report says little about this session). ``next_pain`` is the
      day's highest compatible report.
      With `wellness_checkins`, the next report is the athlete's first check-in after the session day
      (within `max_gap_days`), and ``next_pain`` is the region's pain reported that day, or **0** when
      the athlete checked in without reporting pain there (pain is reported only where it hurts).
    - ``held`` = next_pain <= pain_after; missing when pain_after or the next report is missing.

    Returns ``SessionResponse``: ``session_id, athlete_id, date, technique, body_region, side,
    injury_id, pain_before, pain_after, pain_relief, next_date, next_pain, held`` (sorted by session_id;
    duplicate session rows count once).
    """
    s = validate_columns(therapy_sessions, S.TherapySessions, SESSION_COLUMNS)
    s["date"] = s["date"].dt.normalize()
    s = s.drop_duplicates("session_id").sort_values("session_id").reset_index(drop=True)
    s["pain_relief"] = (s["pain_before"] - s["pain_after"]).astype("Float64").astype(float)
    s["next_date"] = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    s["next_pain"] = np.nan
    pain = daily_pain(pain_reports) if pain_reports is not None else None
    if wellness_checkins is not None:
        w = validate_columns(wellness_checkins, S.WellnessCheckins, ("athlete_id", "date"))
        w = w.assign(date=w["date"].dt.normalize()).drop_duplicates().sort_values("date")
        w = w.rename(columns={"date": "next_date"})
        left = s[["session_id", "athlete_id", "date"]].sort_values("date")
        nxt = pd.merge_asof(
            left,
            w.assign(_on=w["next_date"]),
            left_on="date",
            right_on="_on",
            by="athlete_id",
            direction="forward",
            allow_exact_matches=False,
            tolerance=pd.Timedelta(days=max_gap_days),
        ).set_index("session_id")["next_date"]
        s["next_date"] = s["session_id"].map(nxt)
        if pain is not None:  # without pain reports the next pain is unknown, not 0
            m = s[["session_id", "athlete_id", "body_region", "side", "next_date"]].merge(
                pain.rename(columns={"side": "report_side", "date": "next_date"}),
                on=["athlete_id", "body_region", "next_date"],
            )
            m = m[sides_compatible(m["side"], m["report_side"])]
            s["next_pain"] = s["session_id"].map(m.groupby("session_id")["pain"].max()).astype(float)
            s["next_pain"] = s["next_pain"].where(s["next_date"].isna(), s["next_pain"].fillna(0.0))
    elif pain is not None:
        m = s[["session_id", "athlete_id", "body_region", "side", "date"]].merge(
            pain.rename(columns={"side": "report_side", "date": "report_date"}), on=["athlete_id", "body_region"]
        )
        gap = (m["report_date"] - m["date"]).dt.days
        m = m[sides_compatible(m["side"], m["report_side"]) & (gap >= 1) & (gap <= max_gap_days)]
        first = m.groupby("session_id")["report_date"].transform("min")
        m = m[m["report_date"] == first]
        nxt = m.groupby("session_id").agg(next_date=("report_date", "first"), next_pain=("pain", "max"))
        s["next_date"] = s["session_id"].map(nxt["next_date"])
        s["next_pain"] = s["session_id"].map(nxt["next_pain"]).astype(float)
    s["next_date"] = pd.to_datetime(s["next_date"])
    known = s["next_pain"].notna() & s["pain_after"].notna()
    held = pd.array([pd.NA] * len(s), dtype="boolean")
    held[known.to_numpy()] = (s.loc[known, "next_pain"] <= s.loc[known, "pain_after"].astype(float)).to_numpy()
    s["held"] = held
    columns = list(S.SessionResponse.to_schema().columns)
    return S.SessionResponse.validate(s[columns])


def session_rom_change(rom_measurements: pd.DataFrame, norms: pd.DataFrame | None = None) -> pd.DataFrame:
    """ROM post - pre around a therapy session, per session, joint, movement and side.

    Rule: a ``pre_session`` and a ``post_session`` measurement that share ``session_id``, joint,
    movement, side and unit form a pair; repeated trials of one context are averaged (usual clinical
    practice). ``change`` = post - pre; ``real_change`` when ``|change|`` exceeds the measure's minimal
    detectable change (from `norms`, default the shipped table; 5 deg goniometry/inclinometry, 1.5 cm
    lunge, Chisholm et al. 2012, when the measure is not in it). ``date`` is the pre measurement's day.

    Returns ``SessionRomChange``: ``session_id, athlete_id, date, joint, movement, side, unit, pre, post,
    change, mdc, real_change``.
    """
    if "session_id" not in rom_measurements.columns:
        raise KeyError("rom_measurements needs a session_id column")
    r = validate_columns(rom_measurements, S.RomMeasurements, rom.ROM_COLUMNS)
    r["session_id"] = pd.array(rom_measurements["session_id"].to_numpy(), dtype="Int64")  # same row order
    r = r[r["session_id"].notna() & r["context"].isin(["pre_session", "post_session"])]
    r = r.drop_duplicates(["session_id", "joint", "movement", "side", "unit", "context", "date", "value"])
    keys = ["session_id", "athlete_id", "joint", "movement", "side", "unit"]
    agg = r.groupby(keys + ["context"], as_index=False).agg(value=("value", "mean"), date=("date", "min"))
    wide = agg.pivot_table(index=keys, columns="context", values=["value", "date"], aggfunc="first")
    columns = list(S.SessionRomChange.to_schema().columns)
    if wide.empty or ("value", "pre_session") not in wide.columns or ("value", "post_session") not in wide.columns:
        return S.SessionRomChange.validate(empty_frame(S.SessionRomChange))
    out = pd.DataFrame(
        {
            "pre": wide[("value", "pre_session")],
            "post": wide[("value", "post_session")],
            "date": wide[("date", "pre_session")],
        }
    ).dropna(subset=["pre", "post"])
    out = out.reset_index()
    out["session_id"] = out["session_id"].astype(np.int64)
    out["date"] = pd.to_datetime(out["date"]).dt.normalize()
    out["change"] = out["post"] - out["pre"]
    out["mdc"] = rom.mdc_for(out, norms)
    out["real_change"] = rom.beyond(out["change"].abs(), out["mdc"])
    return S.SessionRomChange.validate(out[columns].sort_values(keys).reset_index(drop=True))


def _t_interval(n: pd.Series, mean: pd.Series, sd: pd.Series, confidence: float) -> tuple[pd.Series, pd.Series]:
    """Student-t interval mean +/- t(1 - alpha/2, n - 1) x sd / sqrt(n); missing when n < 2."""
    dof = (n - 1).where(n >= 2)
    t = pd.Series(stats.t.ppf(0.5 + confidence / 2.0, dof.to_numpy(float)), index=n.index)
    half = t * sd / np.sqrt(n)
    return mean - half, mean + half


def treatment_summary(
    responses: pd.DataFrame,
    rom_changes: pd.DataFrame | None = None,
    by: Sequence[str] = ("technique", "body_region"),
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Treatment response aggregated per technique and region (or any columns of `responses`).

    Rules and choices:

    - Outcome ``pain_relief`` (unit ``NPRS points``): the per-session pain before - after of
      :func:`session_response`; sessions where it is missing are left out.
    - ROM outcomes (from :func:`session_rom_change`, joined to the session by ``session_id``): one per
      joint and movement, named ``"<joint> <movement>"`` in the measure's unit; left and right pairs
      are pooled (each pair is one observation).
    - ``mean`` and sample ``sd`` (ddof = 1); the interval is **t-based**: mean +/- t(0.975, n - 1) x
      sd / sqrt(n) for `confidence` 0.95; missing when n < 2.
    - ``n_held_known``: pain outcomes whose ``held`` is known; ``n_held``: of them, held (next report
      <= pain after); ``share_held`` = n_held / n_held_known. Not defined for ROM outcomes (0, 0, NA).

    Returns ``TreatmentSummary``: the `by` columns, then ``outcome, unit, n, mean, sd, ci_lower,
    ci_upper, n_held_known, n_held, share_held``; sorted by `by` and outcome.
    """
    by = list(by)
    missing = [c for c in by if c not in responses.columns]
    if missing:
        raise KeyError(f"by columns {missing} are not in responses")
    r = S.SessionResponse.validate(responses)
    pain = r[by + ["pain_relief", "held"]].dropna(subset=["pain_relief"])
    pain = pain.assign(outcome="pain_relief", unit="NPRS points", value=pain["pain_relief"])
    pain["held_known"] = pain["held"].notna().astype(np.int64)
    pain["held_yes"] = pain["held"].fillna(False).astype(np.int64)
    parts = [pain[by + ["outcome", "unit", "value", "held_known", "held_yes"]]]
    if rom_changes is not None:
        rc = S.SessionRomChange.validate(rom_changes)
        rc = rc.merge(r[["session_id"] + by].drop_duplicates("session_id"), on="session_id", how="inner")
        rc = rc.assign(outcome=rc["joint"] + " " + rc["movement"], value=rc["change"], held_known=0, held_yes=0)
        parts.append(rc[by + ["outcome", "unit", "value", "held_known", "held_yes"]])
    data = pd.concat(parts, ignore_index=True)
    keys = by + ["outcome", "unit"]
    columns = keys + [c for c in S.TreatmentSummary.to_schema().columns if c not in keys]
    if data.empty:
        return S.TreatmentSummary.validate(
            pd.concat(
                [pd.DataFrame({c: pd.Series(dtype=object) for c in by}), empty_frame(S.TreatmentSummary)], axis=1
            )[columns]
        )
    g = data.groupby(keys, as_index=False, sort=True, dropna=False).agg(
        n=("value", "size"),
        mean=("value", "mean"),
        sd=("value", "std"),
        n_held_known=("held_known", "sum"),
        n_held=("held_yes", "sum"),
    )
    g["ci_lower"], g["ci_upper"] = _t_interval(g["n"], g["mean"], g["sd"], confidence)
    g["share_held"] = (g["n_held"] / g["n_held_known"].where(g["n_held_known"] > 0)).astype(float)
    return S.TreatmentSummary.validate(g[columns])


# --------------------------------------------------------------------------- chronic pain


def chronic_pain(
    pain_reports: pd.DataFrame,
    as_of: object | None = None,
    athlete_ids: Sequence[int] | None = None,
    weeks: int = 12,
    min_weeks: int = 7,
) -> pd.DataFrame:
    """Pain per athlete, region and side over the last `weeks` weeks, marked chronic per IASP.

    Rule (IASP, Treede et al. 2019): pain that persists or recurs for more than 3 months is chronic.
    Operationalised as the brief asks: pain reported in **more than half** the weeks of the last 12
    (``weeks_with_pain >= min_weeks``, default 7 of 12).

    Choices: the window is the `weeks` x 7 days ending on `as_of` (default: the latest report date),
    cut into 7-day blocks counted back from `as_of` (not calendar weeks); a block counts when it holds at
    least one report with NPRS >= 1 (a report of 0 is no pain). Region and side are kept apart (left
    and right knee are two complaints; ``bilateral`` is its own side). `athlete_ids` restricts the result
    to a caseload (see :func:`therapist_caseload`). ``mean_pain`` and ``max_pain`` are over all reports
    of the key in the window (zeros included). Keys without any painful week are left out.

    Returns ``ChronicPain``: ``athlete_id, body_region, side, weeks, weeks_with_pain, n_reports,
    mean_pain, max_pain, first_date, last_date, chronic``; chronic first, then by weeks with pain.
    """
    p = daily_pain(pain_reports)
    as_of_ts = _timestamp(as_of) if as_of is not None else _latest_date(p["date"])
    if athlete_ids is not None:
        p = p[p["athlete_id"].isin(list(athlete_ids))]
    back = (as_of_ts - p["date"]).dt.days
    p = p[(back >= 0) & (back < 7 * weeks)].assign(block=(back // 7))
    keys = ["athlete_id", "body_region", "side"]
    painful = p[p["pain"] >= 1]
    g = p.groupby(keys, as_index=False).agg(
        n_reports=("pain", "size"),
        mean_pain=("pain", "mean"),
        max_pain=("pain", "max"),
        first_date=("date", "min"),
        last_date=("date", "max"),
    )
    wk = painful.groupby(keys)["block"].nunique().rename("weeks_with_pain").reset_index()
    out = g.merge(wk, on=keys, how="inner")
    out["weeks"] = weeks
    out["chronic"] = out["weeks_with_pain"] >= min_weeks
    out = out.sort_values(["chronic", "weeks_with_pain"] + keys, ascending=[False, False, True, True, True])
    columns = list(S.ChronicPain.to_schema().columns)
    return S.ChronicPain.validate(out[columns].reset_index(drop=True))


def therapist_caseload(
    therapy_sessions: pd.DataFrame, therapist_id: int, as_of: object | None = None, days: int = 84
) -> list[int]:
    """Athletes a therapist treated in the `days` days ending on `as_of` (default 84 = the 12 weeks).

    Choice: the caseload is whoever had at least one session with that therapist in the window;
    `as_of` defaults to the latest session date. Sorted athlete ids.
    """
    if "therapist_id" not in therapy_sessions.columns:
        raise KeyError("therapy_sessions needs a therapist_id column")
    s = validate_columns(therapy_sessions, S.TherapySessions, ("athlete_id", "date"))
    s["therapist_id"] = therapy_sessions["therapist_id"].to_numpy()  # same row order
    if s.empty:
        return []
    as_of_ts = _timestamp(as_of) if as_of is not None else _latest_date(s["date"])
    back = (as_of_ts - s["date"].dt.normalize()).dt.days
    mine = s[(s["therapist_id"] == therapist_id) & (back >= 0) & (back < days)]
    return sorted(int(a) for a in mine["athlete_id"].unique())
