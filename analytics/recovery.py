"""Recovery after injury, treatment response and chronic pain (DESIGN.md, "What the numbers mean").

Rules and sources, each implemented once here:

- **Pain** is the NPRS 0-10 (LOINC 72514-3). An improvement is *clinically important* when pain falls
  by at least 2 points **and** at least 30 % from the episode's baseline (Farrar et al. 2001, Pain
  94:149-158; Salaffi et al. 2004, Eur J Pain 8:283-291). Pain is *resolved* on the first day of three
  consecutive reports at 0-1.
- **Recovery** is the time from injury onset to pain resolution and to return to full participation.
  Episodes not finished at the data's end are censored, and summaries are Kaplan-Meier estimates
  (the numbers of ``lifelines.KaplanMeierFitter``, computed here in numpy and checked against it in the
  tests), never a mean of the finished ones.
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

The public functions check their input frames once (`analytics.validation.checked`) and hand the
checked frames to their helpers; the array tricks (trailing windows, run lengths) are `analytics.kernels`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from analytics import rom
from analytics import schemas as S
from analytics.kernels import day_numbers, day_numbers_as_dates, run_lengths, trailing_window_sums
from analytics.validation import checked, empty_frame

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
#: "No day" in day-number arrays (NaT's own int64 value).
_NO_DAY = np.iinfo(np.int64).min
KM_OUTCOMES = {"resolution": ("resolution_time", "resolved"), "return": ("return_time", "returned")}


# --------------------------------------------------------------------------- shared helpers


def _timestamp(value: object) -> pd.Timestamp:
    return pd.Timestamp(value).normalize()


def sides_compatible(a: pd.Series, b: pd.Series) -> pd.Series:
    """True where two sides can describe the same complaint: equal, or either ``central``/``bilateral``.

    Only ``left`` against ``right`` conflicts. Used to match pain reports to injuries and sessions.
    `a` and `b` are paired by position (two columns of one frame); the result has `a`'s index.
    """
    x = np.asarray(a, dtype=object)
    y = np.asarray(b, dtype=object)
    conflict = ((x == "left") & (y == "right")) | ((x == "right") & (y == "left"))
    return pd.Series(~conflict, index=a.index) if isinstance(a, pd.Series) else ~conflict


def checked_pain(pain_reports: pd.DataFrame) -> pd.DataFrame:
    """`pain_reports` checked on the columns the pain rules read (`PAIN_COLUMNS`)."""
    return checked(pain_reports, S.PainReports, PAIN_COLUMNS)


class DailyPain(NamedTuple):
    """Daily pain reports as arrays, sorted by athlete, region, side and day (see :func:`daily_pain`)."""

    athlete: np.ndarray
    region: np.ndarray  # codes into `regions` (sorted labels, so code order is label order)
    regions: np.ndarray
    side: np.ndarray  # codes into `sides`
    sides: np.ndarray
    day: np.ndarray  # days since 1970-01-01
    pain: np.ndarray
    new_key: np.ndarray  # True on the first row of each athlete, region and side


def daily_pain_arrays(pain_reports: pd.DataFrame) -> DailyPain:
    """`pain_reports`, already checked on `PAIN_COLUMNS` (`checked_pain`), as `DailyPain` arrays: one
    row per athlete, region, side and day (duplicates keep the highest pain, conservative)."""
    athlete = pain_reports["athlete_id"].to_numpy(np.int64)
    # As Python strings: factorizing an Arrow-stored column costs three times as much on a page's few rows.
    region_code, regions = pd.factorize(pain_reports["body_region"].to_numpy(dtype=object), sort=True)
    side_code, sides = pd.factorize(pain_reports["side"].to_numpy(dtype=object), sort=True)
    day = day_numbers(pain_reports["date"])
    pain = pain_reports["pain"].to_numpy(np.int64)
    order = np.lexsort((day, side_code, region_code, athlete))
    athlete, region_code, side_code, day, pain = (x[order] for x in (athlete, region_code, side_code, day, pain))
    rows = len(order)
    new_key = np.ones(rows, dtype=bool)
    new_key[1:] = (
        (athlete[1:] != athlete[:-1]) | (region_code[1:] != region_code[:-1]) | (side_code[1:] != side_code[:-1])
    )
    new_row = new_key.copy()
    new_row[1:] |= day[1:] != day[:-1]
    if rows and not new_row.all():
        starts = np.flatnonzero(new_row)
        pain = np.maximum.reduceat(pain, starts)
        athlete, region_code, side_code, day, new_key = (
            x[starts] for x in (athlete, region_code, side_code, day, new_key)
        )
    return DailyPain(
        athlete,
        region_code,
        np.asarray(regions, dtype=object),
        side_code,
        np.asarray(sides, dtype=object),
        day,
        pain,
        new_key,
    )


def _nat_dates(day: np.ndarray) -> np.ndarray:
    """Day numbers as datetime64[ns], `_NO_DAY` as NaT."""
    dates = day_numbers_as_dates(np.where(day == _NO_DAY, 0, day))
    dates[day == _NO_DAY] = np.datetime64("NaT")
    return dates


def daily_pain(pain_reports: pd.DataFrame, with_codes: bool = False) -> pd.DataFrame:
    """Validated pain reports, one row per athlete, region, side and date, sorted by them.

    Duplicate reports of the same key keep the highest pain (conservative). Columns:
    ``athlete_id, body_region, side, date, pain``; with `with_codes` also ``group`` (an integer per
    athlete, region and side, increasing in the sort order) and ``day`` (days since 1970-01-01).
    Vectorised: factorised keys, one ``np.lexsort`` and ``np.maximum.reduceat`` for duplicates.
    """
    arrays = daily_pain_arrays(checked_pain(pain_reports))
    columns = {
        "athlete_id": arrays.athlete,
        "body_region": arrays.regions[arrays.region],
        "side": arrays.sides[arrays.side],
        "date": day_numbers_as_dates(arrays.day),
        "pain": arrays.pain,
    }
    if with_codes:
        columns["group"] = np.cumsum(arrays.new_key) - 1
        columns["day"] = arrays.day
    return pd.DataFrame(columns)


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
    pain = daily_pain(pain_reports, with_codes=True)
    count, total, _ = trailing_window_sums(
        pain.pop("group").to_numpy(), pain.pop("day").to_numpy(), pain["pain"].to_numpy(float), window_days, True
    )
    pain["pain_rolling_mean"] = total / np.maximum(count, 1)
    pain["rolling_n"] = count.astype(np.int64)
    return checked(pain, S.PainTrend)


# --------------------------------------------------------------------------- injury episodes


def _compatible_reports(
    pain: DailyPain, athlete: np.ndarray, region: pd.Series, side: pd.Series, first: np.ndarray, end: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per query row i and day: the highest pain reported by ``athlete[i]`` for ``region[i]`` with a side
    compatible with ``side[i]`` (:func:`sides_compatible`), dated in days ``[first[i], end[i])``.

    Returns ``(row, day, pain)`` arrays ordered by query row, then day. Binary search in the reports
    sorted by (athlete, region, day): the cost follows the matched rows, not queries x reports.
    """
    n = len(athlete)
    a_code = np.unique(np.concatenate([athlete, pain.athlete]), return_inverse=True)[1].reshape(-1)
    r_code, regions = pd.factorize(np.concatenate([region.to_numpy(dtype=object), pain.regions]))
    query_pair = a_code[:n] * len(regions) + r_code[:n]
    report_pair = a_code[n:] * len(regions) + r_code[n:][pain.region]
    days = np.concatenate([first, end, pain.day])
    low = int(days.min()) if len(days) else 0
    span = (int(days.max()) if len(days) else 0) - low + 1
    key = report_pair * span + (pain.day - low)
    by_key = np.argsort(key, kind="stable")  # keeps the side order within a day
    key = key[by_key]
    lo = np.searchsorted(key, query_pair * span + (first - low), "left")
    hi = np.searchsorted(key, query_pair * span + (end - low), "left")
    count = np.maximum(hi - lo, 0)
    row = np.repeat(np.arange(n), count)
    pos = by_key[np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count - lo, count)]
    query_side = side.to_numpy(dtype=object)
    left, right = (query_side == "left")[row], (query_side == "right")[row]
    report_left, report_right = (pain.sides == "left")[pain.side[pos]], (pain.sides == "right")[pain.side[pos]]
    keep = ~((left & report_right) | (right & report_left))
    row, pos = row[keep], pos[keep]
    day, value = pain.day[pos], pain.pain[pos]
    if len(row):
        starts = np.flatnonzero(np.concatenate(([True], (row[1:] != row[:-1]) | (day[1:] != day[:-1]))))
        row, day, value = row[starts], day[starts], np.maximum.reduceat(value, starts)
    return row, day, value


class _Episodes(NamedTuple):
    """Injuries (one row per ``injury_id``, onset on or before `as_of`, in ``injury_id`` order) and
    their episode reports: one entry per injury and day with a compatible report, by injury then day."""

    injuries: pd.DataFrame  # validated INJURY_COLUMNS, RangeIndex
    onset: np.ndarray  # day numbers
    end: np.ndarray  # day number the episode window ends before (exclusive)
    of: np.ndarray  # per report day: position of its injury in `injuries`
    day: np.ndarray  # per report day: day number
    pain: np.ndarray  # per report day: the day's highest compatible report
    baseline: np.ndarray  # per injury: the worst report in the first `baseline_days` days (NaN if none)


def _episodes(injured: pd.DataFrame, pain: DailyPain, as_of: pd.Timestamp, baseline_days: int) -> _Episodes:
    """Episode windows and reports, on arrays (binary search, no merge of injuries x reports); `injured`
    are the injuries, already checked on `INJURY_COLUMNS`.

    Window: from the onset up to (not including) the onset of the next injury of the same athlete,
    region and side (a later one; one on the same day does not end it), and never beyond `as_of`.
    Reports: the region's reports dated in the window whose side is compatible
    (:func:`sides_compatible`); several on one day count as the day's maximum.
    """
    onset = day_numbers(injured["onset_date"])
    limit = int(day_numbers(pd.Series([as_of]))[0]) + 1
    kept = np.flatnonzero(~injured["injury_id"].duplicated().to_numpy() & (onset < limit))
    kept = kept[np.argsort(injured["injury_id"].to_numpy()[kept], kind="stable")]
    injured = injured.take(kept).reset_index(drop=True)  # in injury_id order from here on
    onset = onset[kept]
    # The next onset of the same athlete, region and side, in onset (then injury_id) order.
    keys = (injured["athlete_id"].to_numpy(), pd.factorize(injured["body_region"])[0], pd.factorize(injured["side"])[0])
    order = np.lexsort((np.arange(len(injured)), onset, *keys[::-1]))
    same_key = np.logical_and.reduce([k[order][1:] == k[order][:-1] for k in keys]) if len(order) > 1 else []
    nxt = np.full(len(order), limit, dtype=np.int64)
    nxt[:-1] = np.where(same_key, onset[order][1:], limit)
    nxt = np.where((nxt > onset[order]) & (nxt < limit), nxt, limit)
    end = np.empty_like(nxt)
    end[order] = nxt
    of, day, value = _compatible_reports(
        pain, injured["athlete_id"].to_numpy(np.int64), injured["body_region"], injured["side"], onset, end
    )
    n_inj = len(injured)
    # Baseline: the worst (highest) report in the first `baseline_days` days of the episode.
    early = day - onset[of] < baseline_days
    worst = np.full(n_inj, -1, dtype=np.int64)
    np.maximum.at(worst, of[early], value[early])
    baseline = np.where(worst >= 0, worst, np.nan)
    return _Episodes(injured, onset, end, of, day, value, baseline)


def _important(baseline: np.ndarray, pain: np.ndarray) -> np.ndarray:
    """Clinically important improvement: >= 2 points and >= 30 % below the baseline (False without one).

    Integer arithmetic for the 30 % rule: 100 * fall >= 30 * baseline (no float rounding at the boundary).
    """
    fall = baseline - pain
    return (fall >= IMPORTANT_POINTS) & (100 * fall >= IMPORTANT_PERCENT * baseline)


def _first_day(episodes: _Episodes, rows: np.ndarray, back: int = 0) -> np.ndarray:
    """Per injury: the day of its first report day among `rows` (ascending positions in `e`), or of the
    report day `back` positions before it; `_NO_DAY` for an injury without one."""
    found = np.full(len(episodes.injuries), _NO_DAY)
    injury, first = np.unique(episodes.of[rows], return_index=True)
    found[injury] = episodes.day[rows[first] - back]
    return found


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
    pain = daily_pain_arrays(checked_pain(pain_reports))
    injuries = checked(injuries, S.Injuries, INJURY_COLUMNS)
    as_of_ts = (
        _timestamp(as_of)
        if as_of is not None
        else _latest_date(pd.Series(day_numbers_as_dates(pain.day)), injuries["onset_date"])
    )
    episodes = _episodes(injuries, pain, as_of_ts, baseline_days)
    injured = episodes.injuries
    count, total, _ = trailing_window_sums(episodes.of, episodes.day, episodes.pain.astype(float), window_days, True)
    baseline = episodes.baseline[episodes.of]
    change = episodes.pain - baseline
    out = pd.DataFrame(
        {
            "injury_id": injured["injury_id"].to_numpy()[episodes.of],
            "athlete_id": injured["athlete_id"].to_numpy()[episodes.of],
            "body_region": injured["body_region"].to_numpy(dtype=object)[episodes.of],
            "side": injured["side"].to_numpy(dtype=object)[episodes.of],
            "onset_date": day_numbers_as_dates(episodes.onset[episodes.of]),
            "date": day_numbers_as_dates(episodes.day),
            "day": episodes.day - episodes.onset[episodes.of],
            "pain": episodes.pain,
            "pain_rolling_mean": total / np.maximum(count, 1),
            "baseline_pain": baseline,
            "change": change,
            "pct_change": change / np.where(baseline > 0, baseline, np.nan) * 100.0,
            "important_improvement": _important(baseline, episodes.pain),
        }
    )
    return checked(out, S.EpisodePain)


def _main_technique(therapy_sessions: pd.DataFrame) -> pd.Series:
    """Per injury_id: the technique used most often in its sessions (ties: earliest first use, then name);
    `therapy_sessions` already checked on ``injury_id, technique, date``."""
    sessions = therapy_sessions[therapy_sessions["injury_id"].notna()]
    if sessions.empty:
        return pd.Series(dtype=object)
    sessions = sessions.assign(injury_id=sessions["injury_id"].astype(np.int64))
    agg = sessions.groupby(["injury_id", "technique"], as_index=False).agg(n=("date", "size"), first=("date", "min"))
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
    pain = daily_pain_arrays(checked_pain(pain_reports))
    injuries = checked(injuries, S.Injuries, INJURY_COLUMNS)
    if as_of is not None:
        as_of_ts = _timestamp(as_of)
    else:
        pain_dates = pd.Series(day_numbers_as_dates(pain.day))
        as_of_ts = _latest_date(pain_dates, injuries["onset_date"], injuries["return_date"])
    episodes = _episodes(injuries, pain, as_of_ts, baseline_days)
    injured = episodes.injuries
    count = len(injured)
    as_of_day = int(day_numbers(pd.Series([as_of_ts]))[0])
    n_reports = np.bincount(episodes.of, minlength=count).astype(np.int64)
    last_pain = np.full(count, np.nan)
    if len(episodes.of):
        last = np.flatnonzero(np.append(episodes.of[1:] != episodes.of[:-1], True))  # each injury's last report day
        last_pain[episodes.of[last]] = episodes.pain[last]
    improved = _first_day(episodes, np.flatnonzero(_important(episodes.baseline[episodes.of], episodes.pain)))
    # Resolution: the first day of RESOLVED_RUN consecutive reports at or below RESOLVED_MAX.
    runs = run_lengths(episodes.of, episodes.pain <= RESOLVED_MAX)
    resolved_on = _first_day(episodes, np.flatnonzero(runs >= RESOLVED_RUN), RESOLVED_RUN - 1)
    resolved = resolved_on != _NO_DAY
    days_to_resolution = np.where(resolved, resolved_on - episodes.onset, np.nan)

    return_day = day_numbers(injured["return_date"])  # NaT: _NO_DAY
    returned = (return_day != _NO_DAY) & (return_day <= as_of_day)  # a later return is not yet known
    return_day = np.where(returned, return_day, _NO_DAY)
    days_to_return = np.where(returned, return_day - episodes.onset, np.nan)

    team_id = pd.arrays.IntegerArray(np.zeros(count, dtype=np.int64), np.ones(count, dtype=bool))  # all missing
    team = np.full(count, None, dtype=object)
    if athletes is not None:
        roster = checked(athletes, S.Athletes, ("athlete_id", "team_id", "team"))
        roster = roster[~roster["athlete_id"].duplicated().to_numpy()]
        roster_row = pd.Index(roster["athlete_id"]).get_indexer(injured["athlete_id"].to_numpy())
        team_id = pd.array(roster["team_id"].to_numpy()[roster_row], dtype="Int64")
        team_id[roster_row < 0] = pd.NA
        team = np.where(roster_row >= 0, roster["team"].to_numpy(dtype=object)[roster_row], np.nan)
    out = pd.DataFrame(
        {
            "injury_id": injured["injury_id"].to_numpy(),
            "athlete_id": injured["athlete_id"].to_numpy(),
            "body_region": injured["body_region"].to_numpy(),
            "side": injured["side"].to_numpy(),
            "injury_type": injured["injury_type"].to_numpy(),
            "onset_date": day_numbers_as_dates(episodes.onset),
            "end_date": day_numbers_as_dates(episodes.end - 1),
            "n_reports": n_reports,
            "baseline_pain": episodes.baseline,
            "last_pain": last_pain,
            "improvement_date": _nat_dates(improved),
            "resolution_date": _nat_dates(resolved_on),
            "resolved": resolved,
            "days_to_resolution": days_to_resolution,
            # Censored at the last observed day: as_of, or the day before the next injury's onset.
            "resolution_time": np.where(
                resolved, days_to_resolution, (episodes.end - 1 - episodes.onset).astype(float)
            ),
            "return_date": _nat_dates(return_day),
            "returned": returned,
            "days_to_return": days_to_return,
            "return_time": np.where(returned, days_to_return, (as_of_day - episodes.onset).astype(float)),
            "team_id": team_id,
            "team": team,
            "technique": np.full(count, None, dtype=object),
        }
    )
    if therapy_sessions is not None:
        main = _main_technique(checked(therapy_sessions, S.TherapySessions, ("injury_id", "technique", "date")))
        out["technique"] = out["injury_id"].map(main).fillna("none").astype(object)
    return checked(out, S.RecoveryEpisodes)


# --------------------------------------------------------------------------- Kaplan-Meier


#: Kaplan-Meier bands are 95 %: lifelines' ``alpha=0.05``, z = Phi^-1(1 - alpha / 2).
KM_ALPHA = 0.05
#: float(scipy.stats.norm.ppf(1 - KM_ALPHA / 2)) written out: importing scipy.stats costs the first page 0.7-1 s.
_KM_Z = 1.959963984540054


class KaplanMeier(NamedTuple):
    """One group's Kaplan-Meier estimate: per time point (0 and every distinct duration), and the median."""

    days: np.ndarray
    survival: np.ndarray
    ci_lower: np.ndarray
    ci_upper: np.ndarray
    at_risk: np.ndarray
    events: np.ndarray
    censored: np.ndarray
    median: float
    median_ci_lower: float
    median_ci_upper: float


def _first_at_or_below_half(days: np.ndarray, curve: np.ndarray) -> float:
    """lifelines' ``qth_survival_time(0.5, ...)``: inf when the curve ends above 0.5, else the time at
    the binary search of 0.5 in the curve (the first point at or below 0.5 on a non-increasing curve)."""
    if curve[-1] > 0.5:
        return np.inf
    return float(days[np.searchsorted(-curve, -0.5, "left")])


def kaplan_meier(durations: np.ndarray, observed: np.ndarray) -> KaplanMeier:
    """The Kaplan-Meier product-limit estimate, computed as ``lifelines.KaplanMeierFitter`` (0.30) does.

    Same operations in the same order, so the same float64 numbers (the unit tests compare every
    column with lifelines on tied, censored and fully-resolved samples), without its pandas overhead
    (~15 ms a fit on 100 episodes; this takes well under 1 ms). With d events and n at risk at time t:
    S(t) = exp(cumsum(log(n - d) - log(n))); exponential Greenwood band with v = log S(t) and
    var = cumsum(d / (n (n - d))) (0 where n = d): exp(-exp(log(-v) -/+ z sqrt(var) / v)), 1 where
    undefined (S = 1). Median and its bounds: see :func:`_first_at_or_below_half`.
    """
    if not np.isfinite(durations).all():
        raise TypeError("Kaplan-Meier durations must be finite numbers (no NaN or inf)")
    days, at = np.unique(np.append(durations, 0.0), return_inverse=True)
    at = at[:-1]  # the appended 0 is the time everyone enters (lifelines' birth time)
    removed = np.bincount(at, minlength=len(days))
    events = np.bincount(at, weights=observed.astype(float), minlength=len(days)).astype(np.int64)
    at_risk = len(durations) - np.concatenate(([0], np.cumsum(removed)[:-1]))
    with np.errstate(divide="ignore", invalid="ignore"):
        log_survival = np.cumsum(np.log(at_risk - events) - np.log(at_risk))
        population = at_risk.astype(np.uint64)
        step = events / (population * (population - events))
        variance = np.cumsum(np.where(step == np.inf, 0.0, step))
        survival = np.exp(log_survival)
        v = np.log(survival)
        spread = _KM_Z * np.sqrt(variance) / v
        lower = np.exp(-np.exp(np.log(-v) - spread))
        upper = np.exp(-np.exp(np.log(-v) + spread))
    lower = np.where(np.isnan(lower), 1.0, lower)
    upper = np.where(np.isnan(upper), 1.0, upper)
    return KaplanMeier(
        days,
        survival,
        lower,
        upper,
        at_risk.astype(np.int64),
        events,
        removed - events,
        _first_at_or_below_half(days, survival),
        _first_at_or_below_half(days, lower),
        _first_at_or_below_half(days, upper),
    )


def _km_groups(episodes: pd.DataFrame, outcome: str, by: str | None):
    """Per group of `by` (sorted by name): name, number of episodes, events and the estimate."""
    if outcome not in KM_OUTCOMES:
        raise ValueError(f"outcome must be one of {sorted(KM_OUTCOMES)}, not {outcome!r}")
    time_col, event_col = KM_OUTCOMES[outcome]
    # Validated on the columns read (the time, the event and `by`), not the whole episodes frame.
    used = [time_col, event_col] + ([by] if by in S.RecoveryEpisodes.to_schema().columns else [])
    checked_episodes = checked(episodes, S.RecoveryEpisodes, used)
    times = checked_episodes[time_col].to_numpy(float)
    observed = checked_episodes[event_col].to_numpy(bool)
    if by is None:
        groups = [("all", np.ones(len(checked_episodes), dtype=bool))] if len(checked_episodes) else []
    else:
        labels = (
            (checked_episodes[by] if by in checked_episodes.columns else episodes[by])
            .astype("string")
            .fillna("unknown")
        )
        groups = [(str(name), (labels == name).to_numpy()) for name in sorted(labels.unique())]
    for name, rows in groups:
        yield name, int(rows.sum()), int(observed[rows].sum()), kaplan_meier(times[rows], observed[rows])


def km_curves(episodes: pd.DataFrame, outcome: str = "resolution", by: str | None = None) -> pd.DataFrame:
    """Kaplan-Meier curves of time to pain resolution or to return to full participation.

    Rule: the Kaplan-Meier product-limit estimate (``lifelines.KaplanMeierFitter``'s numbers, see
    :func:`kaplan_meier`) over the episodes of :func:`recovery_episodes`; unfinished episodes are censored at their last observed day (never
    dropped, never averaged). ``survival`` is the proportion **not yet** resolved (or returned) after
    ``days`` days; the 95 % band is lifelines' exponential Greenwood interval.

    `outcome`: ``"resolution"`` (``resolution_time``/``resolved``) or ``"return"``
    (``return_time``/``returned``). `by`: a column of `episodes` to group on, e.g. ``body_region``,
    ``team`` or ``technique`` (missing values form the group ``"unknown"``); None = one group ``"all"``.

    Returns ``KmCurve``: ``group, days, survival, ci_lower, ci_upper, at_risk, events, censored``, one
    row per group and time point (time 0 included), sorted by group and days.
    """
    frames = [
        pd.DataFrame(
            {
                "group": name,
                "days": km.days,
                "survival": km.survival,
                "ci_lower": km.ci_lower,
                "ci_upper": km.ci_upper,
                "at_risk": km.at_risk,
                "events": km.events,
                "censored": km.censored,
            }
        )
        for name, _n, _events, km in _km_groups(episodes, outcome, by)
    ]
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0] if frames else empty_frame(S.KmCurve)
    return checked(out, S.KmCurve)


def km_medians(episodes: pd.DataFrame, outcome: str = "resolution", by: str | None = None) -> pd.DataFrame:
    """Kaplan-Meier median time to pain resolution or return, with counts and 95 % interval.

    Rule: the median is the first time the Kaplan-Meier curve (see :func:`km_curves`, same `outcome` and
    `by`) falls to 0.5 or below (as ``KaplanMeierFitter.median_survival_time_``); its 95 % interval is
    where the exponential Greenwood band crosses 0.5 (as ``lifelines.utils.median_survival_times``). A median or
    bound that is never reached (too many episodes unfinished) is missing, not infinite. Censored
    episodes count in ``n`` and ``censored``; this is not the mean of the finished episodes.

    Returns ``KmMedian``: ``group, n, events, censored, median_days, median_ci_lower, median_ci_upper``.
    """
    rows = [
        (name, n, events, n - events, km.median, km.median_ci_lower, km.median_ci_upper)
        for name, n, events, km in _km_groups(episodes, outcome, by)
    ]
    if not rows:
        return empty_frame(S.KmMedian)
    group, n, events, censored, *times = (np.array(column) for column in zip(*rows, strict=True))
    median, lower, upper = (np.where(np.isinf(t), np.nan, t).astype(float) for t in times)
    out = pd.DataFrame(
        {
            "group": group.astype(object),
            "n": n.astype(np.int64),
            "events": events.astype(np.int64),
            "censored": censored.astype(np.int64),
            "median_days": median,
            "median_ci_lower": lower,
            "median_ci_upper": upper,
        }
    )
    return checked(out, S.KmMedian)


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
    sessions = checked(therapy_sessions, S.TherapySessions, SESSION_COLUMNS)
    rows = np.flatnonzero(~sessions["session_id"].duplicated().to_numpy())
    sessions = sessions.take(
        rows[np.argsort(sessions["session_id"].to_numpy()[rows], kind="stable")]
    )  # read by position only
    day = day_numbers(sessions["date"])
    athlete = sessions["athlete_id"].to_numpy(np.int64)
    pain = daily_pain_arrays(checked_pain(pain_reports)) if pain_reports is not None else None
    next_day = np.full(len(sessions), _NO_DAY)
    next_pain = np.full(len(sessions), np.nan)
    if wellness_checkins is not None:
        checkins = checked(wellness_checkins, S.WellnessCheckins, ("athlete_id", "date"))
        # The athlete's first check-in after the session day, within max_gap_days.
        checkin_athlete, checkin_day = checkins["athlete_id"].to_numpy(np.int64), day_numbers(checkins["date"])
        codes = np.unique(np.concatenate([athlete, checkin_athlete]), return_inverse=True)[1].reshape(-1)
        days = np.concatenate([day, checkin_day])
        low, span = (int(days.min()), int(days.max()) - int(days.min()) + 2) if len(days) else (0, 1)
        checkin_key = np.sort(codes[len(sessions) :] * span + (checkin_day - low))
        session_key = codes[: len(sessions)] * span + (day - low)
        position = np.searchsorted(checkin_key, session_key, "right")
        found = np.append(checkin_key, -1)[position]
        ok = (
            (position < len(checkin_key))
            & (found - session_key <= max_gap_days)
            & (found // span == session_key // span)
        )
        next_day = np.where(ok, found % span + low, _NO_DAY)
        if pain is not None:  # without pain reports the next pain is unknown, not 0
            on = np.where(ok, next_day, day)  # an empty range [day, day) where there is no next check-in
            row, _day, value = _compatible_reports(
                pain, athlete, sessions["body_region"], sessions["side"], on, on + ok
            )
            next_pain = np.where(ok, 0.0, np.nan)  # checked in without reporting pain there: 0
            np.maximum.at(next_pain, row, value.astype(float))
    elif pain is not None:
        # The first compatible report 1 to max_gap_days days after the session day, the day's highest.
        row, report_day, value = _compatible_reports(
            pain, athlete, sessions["body_region"], sessions["side"], day + 1, day + max_gap_days + 1
        )
        first = np.flatnonzero(np.concatenate(([True], row[1:] != row[:-1]))) if len(row) else row
        next_day[row[first]] = report_day[first]
        next_pain[row[first]] = value[first]
    before = sessions["pain_before"].to_numpy("float64", na_value=np.nan)
    after = sessions["pain_after"].to_numpy("float64", na_value=np.nan)
    known = ~np.isnan(next_pain) & ~np.isnan(after)
    held = pd.array(np.where(known, next_pain <= after, False), dtype="boolean")
    held[~known] = pd.NA
    out = pd.DataFrame(
        {
            "session_id": sessions["session_id"].to_numpy(),
            "athlete_id": athlete,
            "date": day_numbers_as_dates(day),
            "technique": sessions["technique"].to_numpy(),
            "body_region": sessions["body_region"].to_numpy(),
            "side": sessions["side"].to_numpy(),
            "injury_id": sessions["injury_id"].array,
            "pain_before": sessions["pain_before"].array,
            "pain_after": sessions["pain_after"].array,
            "pain_relief": before - after,
            "next_date": _nat_dates(next_day),
            "next_pain": next_pain,
            "held": held,
        }
    )
    return checked(out, S.SessionResponse)


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
    measurements = checked(rom_measurements, S.RomMeasurements, rom.ROM_COLUMNS)
    session = pd.array(rom_measurements["session_id"].to_numpy(), dtype="Int64")  # same row order
    context = measurements["context"].to_numpy()
    kept = np.flatnonzero(~session.isna() & ((context == "pre_session") | (context == "post_session")))
    values = {
        c: measurements[c].to_numpy()[kept]
        for c in ("athlete_id", "joint", "movement", "side", "unit", "date", "value")
    }
    values["session_id"] = session[kept].to_numpy(np.int64)
    values["context"] = context[kept]
    # Codes per column, in sorted value order; a combination of codes names a row's value tuple.
    codes = {c: pd.factorize(deduplicated, sort=True) for c, deduplicated in values.items()}

    def combined(columns: Sequence[str], rows: np.ndarray) -> np.ndarray:
        """One code per distinct tuple of `columns` over `rows`, in the tuples' sort order."""
        code = np.zeros(len(rows), dtype=np.int64)
        for c in columns:
            part, uniques = codes[c]
            code = np.unique(code * len(uniques) + part[rows], return_inverse=True)[1].reshape(-1)
        return code

    # Repeated rows (same session, measure, context, date and value) count once: the first is kept.
    every = np.arange(len(kept))
    repeats = ("session_id", "joint", "movement", "side", "unit", "context", "date", "value")
    first = np.sort(np.unique(combined(repeats, every), return_index=True)[1])
    # One code per measure in key order; per measure and context: mean value, first date.
    measure = combined(("session_id", "athlete_id", "joint", "movement", "side", "unit"), first)
    deduplicated = {c: x[first] for c, x in values.items()}
    cell = measure * 2 + (deduplicated["context"] == "pre_session")
    # The groupby mean (Kahan-compensated in pandas), so repeated trials average to the same floats.
    mean = pd.Series(deduplicated["value"].astype(float)).groupby(cell, sort=True).mean().to_numpy()
    order = np.argsort(cell, kind="stable")
    starts = np.flatnonzero(np.concatenate(([True], cell[order][1:] != cell[order][:-1]))) if len(first) else order
    cells = cell[order][starts]
    day = deduplicated["date"].astype("datetime64[ns]").astype("datetime64[D]").astype(np.int64)
    first_date = np.minimum.reduceat(day[order], starts) if len(first) else order
    # A measure with both contexts: its post cell (even code) is followed by its pre cell (odd).
    pair = np.flatnonzero((cells[:-1] % 2 == 0) & (cells[1:] == cells[:-1] + 1))
    rows = order[starts[pair]]
    out = pd.DataFrame(
        {
            "session_id": deduplicated["session_id"][rows],
            "athlete_id": deduplicated["athlete_id"][rows],
            "date": day_numbers_as_dates(first_date[pair + 1]),
            "joint": deduplicated["joint"][rows],
            "movement": deduplicated["movement"][rows],
            "side": deduplicated["side"][rows],
            "unit": deduplicated["unit"][rows],
            "pre": mean[pair + 1],
            "post": mean[pair],
        }
    )
    out["change"] = out["post"] - out["pre"]
    out["mdc"] = rom.mdc_for(out, norms).to_numpy()
    out["real_change"] = rom.beyond(out["change"].abs(), out["mdc"])
    return checked(out, S.SessionRomChange)


def _t_interval(n: np.ndarray, mean: np.ndarray, sd: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Student-t interval mean +/- t(1 - alpha/2, n - 1) x sd / sqrt(n); missing when n < 2."""
    dof = np.where(n >= 2, n - 1, np.nan)
    from scipy import stats  # here, not at the top: scipy.stats costs the first page 0.7-1 s to import

    half = stats.t.ppf(0.5 + confidence / 2.0, dof) * sd / np.sqrt(n)
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
    checked_responses = checked(responses, S.SessionResponse)
    known = checked_responses["pain_relief"].notna().to_numpy()
    held = checked_responses["held"].array[known]
    parts = [
        pd.DataFrame(
            {
                **{c: checked_responses[c].array[known] for c in by},
                "outcome": "pain_relief",
                "unit": "NPRS points",
                "value": checked_responses["pain_relief"].to_numpy()[known],
                "held_known": (~held.isna()).astype(np.int64),
                "held_yes": held.fillna(False).astype(np.int64),
            }
        )
    ]
    if rom_changes is not None:
        checked_rom_changes = checked(rom_changes, S.SessionRomChange)
        first = checked_responses[~checked_responses["session_id"].duplicated().to_numpy()]
        position = pd.Index(first["session_id"]).get_indexer(checked_rom_changes["session_id"])
        checked_rom_changes = checked_rom_changes[position >= 0]
        position = position[position >= 0]
        parts.append(
            pd.DataFrame(
                {
                    **{c: first[c].array[position] for c in by},
                    "outcome": checked_rom_changes["joint"].to_numpy(object)
                    + " "
                    + checked_rom_changes["movement"].to_numpy(object),
                    "unit": checked_rom_changes["unit"].to_numpy(),
                    "value": checked_rom_changes["change"].to_numpy(),
                    "held_known": 0,
                    "held_yes": 0,
                }
            )
        )
    data = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    keys = by + ["outcome", "unit"]
    columns = keys + [c for c in S.TreatmentSummary.to_schema().columns if c not in keys]
    if data.empty:
        empty = pd.concat(
            [pd.DataFrame({c: pd.Series(dtype=object) for c in by}), empty_frame(S.TreatmentSummary)], axis=1
        )
        return checked(empty[columns], S.TreatmentSummary)
    # One code per group, in the sort order of the keys (missing last), as groupby(sort=True, dropna=False).
    code = np.zeros(len(data), dtype=np.int64)
    for c in keys:
        part, uniques = pd.factorize(data[c], sort=True, use_na_sentinel=False)
        code = np.unique(code * len(uniques) + part, return_inverse=True)[1].reshape(-1)
    _, first_row = np.unique(code, return_index=True)
    values = pd.Series(data["value"].to_numpy(float)).groupby(code, sort=True)  # pandas' mean and sd algorithms
    n = np.bincount(code).astype(np.int64)
    mean, sd = values.mean().to_numpy(), values.std().to_numpy()
    n_held_known = np.bincount(code, weights=data["held_known"].to_numpy()).astype(np.int64)
    n_held = np.bincount(code, weights=data["held_yes"].to_numpy()).astype(np.int64)
    lower, upper = _t_interval(n, mean, sd, confidence)
    out = pd.DataFrame(
        {
            **{c: data[c].array.take(first_row) for c in keys},
            "n": n,
            "mean": mean,
            "sd": sd,
            "ci_lower": lower,
            "ci_upper": upper,
            "n_held_known": n_held_known,
            "n_held": n_held,
            "share_held": n_held / np.where(n_held_known > 0, n_held_known, np.nan),
        }
    )
    return checked(out, S.TreatmentSummary)


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
    to a caseload. ``mean_pain`` and ``max_pain`` are over all reports
    of the key in the window (zeros included). Keys without any painful week are left out.

    Returns ``ChronicPain``: ``athlete_id, body_region, side, weeks, weeks_with_pain, n_reports,
    mean_pain, max_pain, first_date, last_date, chronic``; chronic first, then by weeks with pain.
    """
    daily = daily_pain_arrays(checked_pain(pain_reports))
    last = day_numbers(pd.Series([_timestamp(as_of)]))[0] if as_of is not None else None
    if last is None:
        if not len(daily.day):
            raise ValueError("as_of cannot be inferred from empty inputs; pass it explicitly")
        last = daily.day.max()
    back = last - daily.day
    rows = (back >= 0) & (back < 7 * weeks)
    if athlete_ids is not None:
        rows &= np.isin(daily.athlete, np.asarray(list(athlete_ids), dtype=np.int64))
    rows = np.flatnonzero(rows)
    # Rows stay sorted by athlete, region, side and day: a key's rows are one run.
    group = np.cumsum(daily.new_key)[rows]
    starts = np.flatnonzero(np.concatenate(([True], group[1:] != group[:-1]))) if len(rows) else rows
    bounds = np.append(starts, len(rows))
    pain, block = daily.pain[rows], back[rows] // 7
    n_reports = np.diff(bounds)
    # Weeks with pain: distinct 7-day blocks among the painful (NPRS >= 1) reports of the key.
    painful = np.flatnonzero(pain >= 1)
    new_week = np.concatenate(
        ([True], (group[painful][1:] != group[painful][:-1]) | (block[painful][1:] != block[painful][:-1]))
    )
    key_of = np.searchsorted(starts, painful, "right") - 1
    weeks_with_pain = np.bincount(key_of[new_week] if len(painful) else key_of, minlength=len(starts))
    first_row = rows[starts]
    out = pd.DataFrame(
        {
            "athlete_id": daily.athlete[first_row],
            "body_region": daily.regions[daily.region[first_row]],
            "side": daily.sides[daily.side[first_row]],
            "weeks": np.full(len(starts), weeks, dtype=np.int64),
            "weeks_with_pain": weeks_with_pain.astype(np.int64),
            "n_reports": n_reports.astype(np.int64),
            "mean_pain": (np.add.reduceat(pain, starts) if len(rows) else pain) / n_reports,
            "max_pain": np.maximum.reduceat(pain, starts) if len(rows) else pain,
            "first_date": day_numbers_as_dates(daily.day[first_row]),
            "last_date": day_numbers_as_dates(daily.day[rows[bounds[1:] - 1]]),
            "chronic": weeks_with_pain >= min_weeks,
        }
    )
    keep = weeks_with_pain > 0  # keys without any painful week are left out
    order = np.lexsort((np.arange(len(out)), -weeks_with_pain, ~out["chronic"].to_numpy()))
    order = order[keep[order]]
    return checked(out.take(order).reset_index(drop=True), S.ChronicPain)
