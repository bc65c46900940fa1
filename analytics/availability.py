"""The coach's screens: today's availability board, flag board, compliance summary and season helpers.

Availability (DESIGN.md, "wellness check-in"): each athlete reports ``full``, ``modified`` or
``unavailable`` on the daily check-in. The board reads *today's* check-in only; an active athlete
without one today (or who left the item blank) is ``unknown`` ("not reported"), never assumed full.

"Why in one word" for the coach is the open injury's body region and status, never a clinical note
or diagnosis (those columns are not read here):

- an injury is *open* on a day when its onset is on or before that day and it has not returned to
  full participation by then (``return_date`` missing or later than the day);
- its *status* is ``acute`` in the first ``ACUTE_DAYS`` days from onset (days 0-6) and ``rehab``
  after that;
- with several open injuries, the one with the latest onset is named (ties: the higher
  ``injury_id``) and ``open_injuries`` counts them all;
- without an open injury, the region with the highest pain reported today (NPRS >= 1) is named with
  the status ``pain``; without either, the three are missing.

Flags are coloured in two levels, everywhere on the coach's screens (``FLAG_LEVEL``): *red* for a
current pain or health problem (pain spike, persistent pain, new pain in a previously injured region,
OSTRC substantial problem), *amber* for a caution to follow up (ROM asymmetry, wellness drop, missing
check-ins).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics import schemas as S
from analytics.flags import FLAG_LEVEL
from analytics.lookup import looked_up
from analytics.recurrence import RECURRENT
from analytics.soreness import daily_compliance, soreness_score, weekly_compliance
from analytics.surveillance import burden, days_lost, exposure_hours, incidence
from analytics.validation import checked
from analytics.workload import Method, acwr, daily_load

#: Days from onset during which an open injury is ``acute``; ``rehab`` after that.
ACUTE_DAYS = 7
#: Board order: the athletes who need the coach's attention first.
AVAILABILITY_ORDER: tuple[str, ...] = ("unavailable", "modified", "unknown", "full")


def _day(value: object) -> pd.Timestamp:
    return pd.Timestamp(value).normalize()


def athlete_names(athletes: pd.DataFrame) -> pd.Series:
    """Display name per ``athlete_id``, made unique (a repeated name gets its external id in brackets)."""
    roster = checked(athletes, S.Athletes, ("athlete_id", "display_name", "external_id"))
    roster = roster.drop_duplicates("athlete_id")
    repeated = roster["display_name"].duplicated(keep=False)
    names = roster["display_name"].where(~repeated, roster["display_name"] + " (" + roster["external_id"] + ")")
    return pd.Series(names.to_numpy(), index=roster["athlete_id"].to_numpy(), name="athlete")


def open_injuries(injuries: pd.DataFrame, as_of: object) -> pd.DataFrame:
    """The injuries open on `as_of`, with ``days_since_onset`` and ``status`` (``acute`` / ``rehab``).

    Open: onset on or before `as_of` and no return to full participation by then (``return_date``
    missing or after `as_of`). Status: ``acute`` when ``days_since_onset < ACUTE_DAYS``, else
    ``rehab``. Only the injury columns of the contract are kept (never notes). Sorted by athlete,
    then latest onset first.
    """
    day = _day(as_of).to_datetime64()
    columns = ("injury_id", "athlete_id", "onset_date", "body_region", "side", "injury_type", "return_date")
    injured = checked(injuries, S.Injuries, columns)
    onset = injured["onset_date"].to_numpy("datetime64[ns]")
    returned = injured["return_date"].to_numpy("datetime64[ns]") <= day  # a missing return date: False
    rows = np.flatnonzero((onset <= day) & ~returned)
    onset = onset[rows]
    # athlete ascending, then the latest onset and the higher injury id first (a stable sort, as sort_values)
    order = np.lexsort(
        (
            -injured["injury_id"].to_numpy(np.int64)[rows],
            -onset.view(np.int64),
            injured["athlete_id"].to_numpy(np.int64)[rows],
        )
    )
    out = injured.take(rows[order]).reset_index(drop=True)
    days = ((day - onset[order]) // np.timedelta64(1, "D")).astype(np.int64)
    out["days_since_onset"] = days
    out["status"] = np.where(days < ACUTE_DAYS, "acute", "rehab")
    return out


def availability_board(
    checkins: pd.DataFrame,
    athletes: pd.DataFrame,
    injuries: pd.DataFrame,
    pain_reports: pd.DataFrame,
    as_of: object,
) -> pd.DataFrame:
    """Today's availability per active athlete, with the "why in one word".

    Rules: see the module docstring. ``availability`` is today's check-in answer, ``unknown`` when
    there is no check-in today or the item is blank. Every active athlete of `athletes` has a row,
    whatever their availability (pick the rows you show). The "why in one word" is ``body_region``,
    ``side`` and ``status`` (``acute`` / ``rehab`` / ``pain``), codes a view puts in words
    (`views.words.why_label`: "Left thigh · rehab"); all three missing when neither an open injury nor
    today's pain explains it.

    Returns ``athlete_id, athlete, availability, body_region, side, status, onset_date,
    days_since_onset, open_injuries``, sorted unavailable, modified, unknown, full, then by name.
    """
    day = _day(as_of)
    roster = checked(athletes, S.Athletes, ("athlete_id", "display_name", "external_id", "active"))
    roster = roster[roster["active"]].drop_duplicates("athlete_id")
    names = athlete_names(roster)

    checked_in = checked(checkins, S.WellnessCheckins, ("athlete_id", "date", "availability"))
    checked_in = checked_in[checked_in["date"].dt.normalize() == day].drop_duplicates("athlete_id")
    answered = checked_in.set_index("athlete_id")["availability"]

    board = pd.DataFrame({"athlete_id": roster["athlete_id"].to_numpy(np.int64)})
    board["athlete"] = board["athlete_id"].map(names)
    board["availability"] = board["athlete_id"].map(answered).fillna("unknown").astype(str)

    current = open_injuries(injuries, day)
    counts = current.groupby("athlete_id").size()
    latest = current.drop_duplicates("athlete_id").set_index("athlete_id")

    reports = checked(pain_reports, S.PainReports, ("athlete_id", "date", "body_region", "side", "pain"))
    reports = reports[(reports["date"].dt.normalize() == day) & (reports["pain"] >= 1)]
    reports = reports.sort_values(["athlete_id", "pain", "body_region", "side"], ascending=[True, False, True, True])
    worst = reports.drop_duplicates("athlete_id").set_index("athlete_id")

    ids = board["athlete_id"]
    has_injury = ids.isin(latest.index)
    has_pain = ~has_injury & ids.isin(worst.index)
    board["body_region"] = looked_up(ids, latest["body_region"]).where(has_injury, looked_up(ids, worst["body_region"]))
    board["side"] = looked_up(ids, latest["side"]).where(has_injury, looked_up(ids, worst["side"]))
    board["status"] = looked_up(ids, latest["status"]).where(has_injury, np.where(has_pain, "pain", None))
    board["onset_date"] = looked_up(ids, latest["onset_date"]).astype("datetime64[ns]")
    board["days_since_onset"] = looked_up(ids, latest["days_since_onset"]).astype("Int64")
    board["open_injuries"] = ids.map(counts).fillna(0).astype(np.int64)
    explained = board["status"].notna()
    board["body_region"] = board["body_region"].astype(object).where(explained, None)
    board["side"] = board["side"].astype(object).where(explained, None)
    rank = board["availability"].map({k: position for position, k in enumerate(AVAILABILITY_ORDER)})
    board = board.assign(_rank=rank).sort_values(["_rank", "athlete"], kind="stable").drop(columns="_rank")
    columns = [
        "athlete_id",
        "athlete",
        "availability",
        "body_region",
        "side",
        "status",
        "onset_date",
        "days_since_onset",
        "open_injuries",
    ]
    return board[columns].reset_index(drop=True)


def availability_counts(board: pd.DataFrame) -> dict[str, int]:
    """Athletes per availability on the board, every state present (0 when nobody): full, modified,
    unavailable, unknown."""
    counts = board["availability"].value_counts()
    return {k: int(counts.get(k, 0)) for k in ("full", "modified", "unavailable", "unknown")}


def flag_board(flags: pd.DataFrame, athletes: pd.DataFrame) -> pd.DataFrame:
    """Flags ready for the coach: ``level`` (red / amber, ``FLAG_LEVEL``), ``athlete`` (name), the flag's
    ``kind``, ``body_region`` and ``side`` (codes; missing for flags without a region; a view puts them
    in words with `views.words`), ``rule``, ``values`` (as `analytics.flags` wrote them; `views.words.values_words`
    puts their codes in words) and ``baseline_n``.

    Flags of athletes not in `athletes` are left out. Sorted red first, then by athlete and kind (in
    ``FLAG_LEVEL`` order).
    """
    board = checked(
        flags, S.Flags, ("athlete_id", "date", "kind", "rule", "values", "baseline_n", "body_region", "side")
    )
    names = athlete_names(athletes)
    board = board[board["athlete_id"].isin(names.index)].copy()
    board["athlete"] = board["athlete_id"].map(names)
    board["level"] = board["kind"].map(FLAG_LEVEL)
    board["_level"] = (board["level"] != "red").astype(int)
    board["_kind"] = board["kind"].map({k: i for i, k in enumerate(FLAG_LEVEL)})
    board = board.sort_values(["_level", "athlete", "_kind", "date"], kind="stable")
    columns = ["athlete_id", "athlete", "level", "kind", "body_region", "side", "date", "rule", "values", "baseline_n"]
    return board[columns].reset_index(drop=True)


def flag_counts(board: pd.DataFrame) -> dict[str, int]:
    """Red and amber flags on a `flag_board`, and the number of athletes they are about."""
    level = board["level"].value_counts()
    return {
        "red": int(level.get("red", 0)),
        "amber": int(level.get("amber", 0)),
        "athletes": int(board["athlete_id"].nunique()),
    }


def compliance_summary(checkins: pd.DataFrame, athletes: pd.DataFrame, as_of: object) -> dict[str, object]:
    """Check-in compliance today, this week so far and last week (DESIGN.md: athletes who checked in /
    active athletes), from `analytics.soreness.daily_compliance` and `weekly_compliance`.

    Keys: ``today`` (compliance), ``today_checked_in``, ``active``; ``week_start`` (this week's
    Monday), ``week_days`` (Monday to `as_of`), ``week`` (check-ins / athlete-days this week so
    far), ``week_checkins``, ``week_athlete_days``; ``last_week`` (the full previous week's
    compliance) and ``week_change`` (this week - last week). Compliances are floats in 0-1, NaN without active athletes.
    """
    day = _day(as_of)
    monday = day - pd.Timedelta(days=day.weekday())
    today = daily_compliance(checkins, athletes, start=day, end=day).iloc[0]
    weeks = weekly_compliance(checkins, athletes, start=monday - pd.Timedelta(days=7), end=day).set_index("week_start")
    this_week = weeks.loc[monday]
    last = weeks.loc[monday - pd.Timedelta(days=7)]
    return {
        "today": float(today["compliance"]),
        "today_checked_in": int(today["n_checked_in"]),
        "active": int(today["n_active"]),
        "week_start": monday,
        "week_days": int(this_week["days"]),
        "week": float(this_week["compliance"]),
        "week_checkins": int(this_week["n_checkins"]),
        "week_athlete_days": int(this_week["athlete_days"]),
        "last_week": float(last["compliance"]),
        "week_change": float(this_week["compliance"]) - float(last["compliance"]),
    }


def named_matrix(matrix: pd.DataFrame, athletes: pd.DataFrame) -> pd.DataFrame:
    """`analytics.soreness.soreness_matrix` with athlete names as the index, sorted by name."""
    names = athlete_names(athletes)
    out = matrix.copy()
    out.index = pd.Index(out.index.map(names), name="athlete")
    return out.sort_index(kind="stable")


# --------------------------------------------------------------------------- season (Team trends)


def weekly_soreness(checkins: pd.DataFrame) -> pd.DataFrame:
    """Team soreness per Monday-to-Sunday week: the distribution across athletes of their week's mean.

    Rules: soreness_score = 6 - the soreness item (1 = not sore ... 5 = very sore, as in
    `analytics.soreness`); per athlete and week, the mean score of the check-ins with the item answered
    (one check-in per athlete and day; duplicates count once); per week, the median and quartiles of
    those athlete means (pandas' linear interpolation), so each athlete counts once whatever the number
    of check-ins. Weeks without an answered item are absent.

    Returns ``week_start, n_athletes, n_checkins, soreness_score_median, soreness_score_q1,
    soreness_score_q3``, sorted by week.
    """
    answers = checked(checkins, S.WellnessCheckins, ("athlete_id", "date", "soreness"))
    answers = answers.assign(date=answers["date"].dt.normalize()).drop_duplicates(["athlete_id", "date"])
    answers = answers[answers["soreness"].notna()]
    answers = answers.assign(
        score=soreness_score(answers["soreness"]),
        week_start=answers["date"] - pd.to_timedelta(answers["date"].dt.day_of_week, unit="D"),
    )
    athlete_weeks = answers.groupby(["week_start", "athlete_id"], as_index=False).agg(
        score=("score", "mean"), checkins=("score", "size")
    )
    weeks = athlete_weeks.groupby("week_start")
    out = pd.DataFrame(
        {
            "n_athletes": weeks.size().astype(np.int64),
            "n_checkins": weeks["checkins"].sum().astype(np.int64),
            "soreness_score_median": weeks["score"].median(),
            "soreness_score_q1": weeks["score"].quantile(0.25),
            "soreness_score_q3": weeks["score"].quantile(0.75),
        }
    )
    return out.reset_index()


def injuries_between(classified: pd.DataFrame, start: object, end: object) -> pd.DataFrame:
    """The (classified) injuries with onset from `start` to `end`, both included. Classify the full
    history first: a category depends on the earlier injuries."""
    onset = pd.to_datetime(classified["onset_date"]).dt.normalize()
    return classified[(onset >= _day(start)) & (onset <= _day(end))].reset_index(drop=True)


def injuries_per_month(classified: pd.DataFrame, start: object, end: object) -> pd.DataFrame:
    """Injuries per onset month and Fuller category, for a stacked bar chart.

    Rules: injuries with onset from `start` to `end` (`injuries_between`); ``month`` = the first day
    of the onset month; every month touching the range is listed with every category (0 when none),
    so the stacks have no gaps. ``recurrent`` is true for the three recurrence categories.

    Returns ``month, category, injuries, recurrent``.
    """
    injured = injuries_between(classified, start, end)
    months = pd.date_range(_day(start).to_period("M").to_timestamp(), _day(end), freq="MS", name="month")
    categories = list(S.RECURRENCE_CATEGORIES)
    counts = (
        injured.assign(month=injured["onset_date"].dt.to_period("M").dt.to_timestamp())
        .groupby(["month", "category"])
        .size()
    )
    grid = pd.MultiIndex.from_product([months, categories], names=["month", "category"])
    out = counts.reindex(grid, fill_value=0).rename("injuries").reset_index()
    out["injuries"] = out["injuries"].astype(np.int64)
    out["recurrent"] = out["category"].isin(RECURRENT)
    return out


def surveillance_summary(
    injuries: pd.DataFrame, training_sessions: pd.DataFrame, start: object, end: object
) -> dict[str, float]:
    """Incidence and burden per 1000 h over [`start`, `end`] (Bahr et al. 2020; DESIGN.md).

    Rules: injuries = those with onset in the range; exposure hours = the range's training and match
    minutes / 60 (pass the range's sessions); incidence = injuries / exposure h x 1000; burden = days
    lost / exposure h x 1000, days lost by `analytics.surveillance.days_lost` with ``as_of=end``
    (time-loss injuries only; open ones count up to `end`). Rates are NaN without exposure.

    Keys: ``injuries``, ``time_loss_injuries``, ``exposure_hours``, ``incidence``, ``days_lost``,
    ``burden``.
    """
    injured = injuries_between(injuries, start, end)
    hours = float(exposure_hours(training_sessions))
    lost = days_lost(injured, as_of=_day(end))
    return {
        "injuries": len(injured),
        "time_loss_injuries": int(injured["time_loss"].astype(bool).sum()),
        "exposure_hours": hours,
        "incidence": float(incidence(injured, hours)),
        "days_lost": float(lost["days_lost"].sum()),
        "burden": float(burden(injured, hours, as_of=_day(end))),
    }


def load_and_acwr(
    training_sessions: pd.DataFrame,
    checkins: pd.DataFrame,
    start: object,
    end: object,
    method: Method = "ewma",
) -> pd.DataFrame:
    """Daily load (AU) and ACWR per athlete and day from `start` to `end`.

    Rules: `analytics.workload.daily_load` with the check-in days as calendar (a check-in day without
    training is a rest day at 0; a day with no record is missing), then `analytics.workload.acwr`
    with `method` (7 and 28 days). Pass the sessions and check-ins from at least 27 days before
    `start` so the windows are full; ACWR is missing before 28 days of data. Days outside the range
    are dropped after the computation.

    Returns ``athlete_id, date, load, acute, chronic, acwr``.
    """
    columns = ["athlete_id", "date", "load", "acute", "chronic", "acwr"]
    if training_sessions.empty and checkins.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in columns}).astype(
            {"athlete_id": "int64", "date": "datetime64[ns]"}
        )
    loads = daily_load(training_sessions, calendar=checkins[["athlete_id", "date"]])
    ratio = acwr(loads, method=method)
    out = loads.merge(ratio[["athlete_id", "date", "acute", "chronic", "acwr"]], on=["athlete_id", "date"])
    out = out[(out["date"] >= _day(start)) & (out["date"] <= _day(end))]
    return out[columns].reset_index(drop=True)
