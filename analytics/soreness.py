"""Team soreness, regional pain share and check-in compliance (DESIGN.md, "Soreness").

The wellness soreness item is on 1-5 with **5 best** (McLean et al. 2010; soreness 1 = very sore).
So that "more sore" reads as worse on every chart, this module reports

    soreness_score = 6 - soreness        (1 = not sore ... 5 = very sore; higher = more sore)

and every column built from it is named ``soreness_score_*``. An athlete is *sore* on a day when the
item is 1-2 (soreness_score 4-5).

Choices common to the module:

- Check-ins are one per athlete and day; duplicates count once (the first row's values).
- Days are calendar days; weeks run Monday to Sunday (``week_start`` is the Monday).
- Compliance = athletes who checked in / active athletes (``athletes.active``; the current flag, as the
  data holds no activity history). Only active athletes count in the numerator, so it is at most 1.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analytics import schemas as S
from analytics.validation import checked

#: soreness_score = SCORE_FLIP - soreness, so that higher = more sore.
SCORE_FLIP = 6
#: soreness item values that count as "sore" (1 = very sore, 2 = sore).
SORE_ITEMS = (1, 2)


def _checked_checkins(wellness_checkins: pd.DataFrame, columns: Sequence[str] = ("athlete_id", "date")) -> pd.DataFrame:
    """The public functions' check-ins, checked on `columns`: one per athlete and day."""
    checkins = checked(wellness_checkins, S.WellnessCheckins, tuple(columns))
    checkins["date"] = checkins["date"].dt.normalize()
    return checkins.drop_duplicates(["athlete_id", "date"]).reset_index(drop=True)


def _checked_roster(athletes: pd.DataFrame) -> pd.DataFrame:
    """The public functions' athletes, checked on ``athlete_id, team_id, active``: each once."""
    roster = checked(athletes, S.Athletes, ("athlete_id", "team_id", "active"))
    return roster.drop_duplicates("athlete_id")


def soreness_score(soreness: pd.Series) -> pd.Series:
    """``6 - soreness`` as float (1 = not sore ... 5 = very sore); missing stays missing."""
    return (SCORE_FLIP - soreness.astype("Float64")).astype(float)


def team_soreness(wellness_checkins: pd.DataFrame, athletes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Daily distribution of the soreness item across the athletes who checked in.

    Rules and choices: values are ``soreness_score`` = 6 - soreness (higher = more sore). Per day:
    ``n_checkins`` (check-ins with the item answered), median and quartiles (pandas' linear
    interpolation, "type 7"), ``n_sore`` / ``share_sore`` = athletes at soreness 1-2 (score 4-5) over
    n_checkins. Days without any answered item are absent. With `athletes`, the distribution is per
    ``team_id`` and day (a leading ``team_id`` column); otherwise the check-ins given form one group.

    Returns ``TeamSoreness``: [``team_id``,] ``date, n_checkins, soreness_score_median,
    soreness_score_q1, soreness_score_q3, n_sore, share_sore``.
    """
    checkins = _checked_checkins(wellness_checkins, ("athlete_id", "date", "soreness"))
    checkins = checkins[checkins["soreness"].notna()]
    checkins = checkins.assign(
        score=soreness_score(checkins["soreness"]), sore=checkins["soreness"].isin(SORE_ITEMS).astype(np.int64)
    )
    keys = ["date"]
    if athletes is not None:
        checkins = checkins.merge(_checked_roster(athletes)[["athlete_id", "team_id"]], on="athlete_id", how="inner")
        keys = ["team_id", "date"]
    scores = checkins.groupby(keys, sort=True)["score"]
    out = pd.DataFrame(
        {
            "n_checkins": scores.size(),
            "soreness_score_median": scores.median(),
            "soreness_score_q1": scores.quantile(0.25),
            "soreness_score_q3": scores.quantile(0.75),
            "n_sore": checkins.groupby(keys, sort=True)["sore"].sum(),
        }
    )
    out["share_sore"] = out["n_sore"] / out["n_checkins"]
    out = out.reset_index()
    columns = keys + [c for c in S.TeamSoreness.to_schema().columns if c not in keys]
    return checked(out[columns], S.TeamSoreness)


def soreness_matrix(
    wellness_checkins: pd.DataFrame,
    days: int = 28,
    as_of: object | None = None,
    athletes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Athlete x day matrix of ``soreness_score`` (6 - soreness; higher = more sore) for a heatmap.

    Rules and choices: the columns are every calendar day of the `days` days ending on `as_of` (default:
    the latest check-in), including days nobody checked in; a cell is missing (NaN) when the athlete did
    not check in or skipped the item. Rows: the active athletes of `athletes` when given (athletes
    without a check-in get an empty row), else every athlete with a check-in in the window; sorted by
    ``athlete_id``. Wide by design (index ``athlete_id``, columns the dates), so not a pandera frame; its
    shape and value range are checked here.
    """
    checkins = _checked_checkins(wellness_checkins, ("athlete_id", "date", "soreness"))
    if as_of is None:
        if checkins.empty:
            raise ValueError("as_of cannot be inferred from empty check-ins; pass it explicitly")
        as_of = checkins["date"].max()
    end = pd.Timestamp(as_of).normalize()
    dates = pd.date_range(end - pd.Timedelta(days=days - 1), end, freq="D")
    checkins = checkins[(checkins["date"] >= dates[0]) & (checkins["date"] <= end)]
    if athletes is not None:
        roster = _checked_roster(athletes)
        ids = np.sort(roster.loc[roster["active"], "athlete_id"].to_numpy())
    else:
        ids = np.sort(checkins["athlete_id"].unique())
    checkins = checkins.assign(score=soreness_score(checkins["soreness"]))
    wide = checkins.pivot_table(index="athlete_id", columns="date", values="score", aggfunc="first", dropna=False)
    wide = wide.reindex(index=pd.Index(ids, name="athlete_id"), columns=dates).astype(float)
    wide.columns.name = "date"
    values = wide.to_numpy()
    if not np.all(np.isnan(values) | ((values >= 1) & (values <= 5))):
        raise ValueError("soreness_score outside 1-5")
    return wide


def region_pain_share(
    pain_reports: pd.DataFrame, wellness_checkins: pd.DataFrame, freq: str = "D", min_pain: int = 1
) -> pd.DataFrame:
    """Share of the athletes who checked in that reported pain in each body region, per day or week.

    Rules and choices: denominator ``n_checked_in`` = athletes with a check-in in the period (the
    brief's definition); numerator ``n_with_pain`` = of those athletes, the ones with a pain report of
    NPRS >= `min_pain` (default 1; a 0 is no pain) in the region, any side, in the period. A pain report
    from an athlete without a check-in in that period is not counted (there is no denominator for it).
    `freq`: ``"D"`` per day, ``"W"`` per Monday-to-Sunday week. Every region that occurs anywhere in
    the result is listed for every period with check-ins (0 where nobody reported it), so lines have no
    gaps.

    Returns ``RegionPainShare``: ``period_start, body_region, n_with_pain, n_checked_in, share``.
    """
    if freq not in ("D", "W"):
        raise ValueError("freq must be 'D' or 'W'")
    checkins = _checked_checkins(wellness_checkins)
    reports = checked(pain_reports, S.PainReports, ("athlete_id", "date", "body_region", "side", "pain"))
    reports["date"] = reports["date"].dt.normalize()
    reports = reports[reports["pain"] >= min_pain]

    def period(dates: pd.Series) -> pd.Series:
        return dates if freq == "D" else dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")

    checkins = checkins.assign(period_start=period(checkins["date"]))[["athlete_id", "period_start"]].drop_duplicates()
    reports = reports.assign(period_start=period(reports["date"]))[
        ["athlete_id", "period_start", "body_region"]
    ].drop_duplicates()
    reports = reports.merge(checkins, on=["athlete_id", "period_start"], how="inner")
    denom = checkins.groupby("period_start").size().rename("n_checked_in")
    num = reports.groupby(["period_start", "body_region"]).size().rename("n_with_pain")
    regions = sorted(reports["body_region"].unique())
    grid = pd.MultiIndex.from_product([denom.index, regions], names=["period_start", "body_region"])
    out = num.reindex(grid, fill_value=0).reset_index()
    out["n_checked_in"] = out["period_start"].map(denom).astype(np.int64)
    out["n_with_pain"] = out["n_with_pain"].astype(np.int64)
    out["share"] = out["n_with_pain"] / out["n_checked_in"]
    columns = list(S.RegionPainShare.to_schema().columns)
    return checked(out[columns], S.RegionPainShare)


def _compliance_days(
    wellness_checkins: pd.DataFrame, athletes: pd.DataFrame, start: object | None, end: object | None, by_team: bool
) -> pd.DataFrame:
    """Per [team and] day in [start, end]: n_checked_in (active athletes) and n_active."""
    checkins = _checked_checkins(wellness_checkins)
    roster = _checked_roster(athletes)
    roster = roster[roster["active"]]
    if (start is None or end is None) and checkins.empty:
        raise ValueError("start and end cannot be inferred from empty check-ins; pass them explicitly")
    lo = pd.Timestamp(start).normalize() if start is not None else checkins["date"].min()
    hi = pd.Timestamp(end).normalize() if end is not None else checkins["date"].max()
    days = pd.date_range(lo, hi, freq="D", name="date")
    checkins = checkins[(checkins["date"] >= lo) & (checkins["date"] <= hi)].merge(
        roster[["athlete_id", "team_id"]], on="athlete_id", how="inner"
    )
    if by_team:
        teams = np.sort(roster["team_id"].unique())
        grid = pd.MultiIndex.from_product([teams, days], names=["team_id", "date"])
        checked = checkins.groupby(["team_id", "date"]).size().reindex(grid, fill_value=0)
        active = roster.groupby("team_id").size()
        out = checked.rename("n_checked_in").reset_index()
        out["n_active"] = out["team_id"].map(active).astype(np.int64)
    else:
        out = checkins.groupby("date").size().reindex(days, fill_value=0).rename("n_checked_in").reset_index()
        out["n_active"] = len(roster)
    out["n_checked_in"] = out["n_checked_in"].astype(np.int64)
    return out


def daily_compliance(
    wellness_checkins: pd.DataFrame,
    athletes: pd.DataFrame,
    start: object | None = None,
    end: object | None = None,
    by_team: bool = False,
) -> pd.DataFrame:
    """Check-in compliance per day: active athletes who checked in / active athletes.

    Rules and choices: every calendar day from `start` to `end` (default: first and last check-in) is
    listed, days without check-ins at 0. Active = ``athletes.active`` (the current flag); check-ins of
    inactive or unknown athletes are ignored. ``compliance`` is missing when there is no active athlete.
    `by_team` adds a leading ``team_id`` column (each team over its own active athletes).

    Returns ``DailyCompliance``: [``team_id``,] ``date, n_checked_in, n_active, compliance``.
    """
    out = _compliance_days(wellness_checkins, athletes, start, end, by_team)
    out["compliance"] = (out["n_checked_in"] / out["n_active"].where(out["n_active"] > 0)).astype(float)
    keys = ["team_id", "date"] if by_team else ["date"]
    columns = keys + [c for c in S.DailyCompliance.to_schema().columns if c not in keys]
    return checked(out[columns], S.DailyCompliance)


def weekly_compliance(
    wellness_checkins: pd.DataFrame,
    athletes: pd.DataFrame,
    start: object | None = None,
    end: object | None = None,
    by_team: bool = False,
) -> pd.DataFrame:
    """Check-in compliance per Monday-to-Sunday week, two ways.

    Rules and choices:

    - ``compliance`` = check-ins / athlete-days = n_checkins / (n_active x days): the mean of the daily
      compliance over the week's days inside [`start`, `end`] (``days``; a partial first or last week
      counts only its days in range). This is the headline figure.
    - ``share_any`` = active athletes with at least one check-in that week / active athletes (the
      brief's "athletes who checked in / active athletes" read per week).

    Returns ``WeeklyCompliance``: [``team_id``,] ``week_start, days, n_checkins, athlete_days,
    compliance, n_athletes_any, share_any``.
    """
    days = _compliance_days(wellness_checkins, athletes, start, end, by_team)
    days["week_start"] = days["date"] - pd.to_timedelta(days["date"].dt.day_of_week, unit="D")
    keys = ["team_id", "week_start"] if by_team else ["week_start"]
    out = days.groupby(keys, as_index=False).agg(
        days=("date", "size"), n_checkins=("n_checked_in", "sum"), n_active=("n_active", "first")
    )
    out["athlete_days"] = (out["days"] * out["n_active"]).astype(np.int64)
    out["compliance"] = (out["n_checkins"] / out["athlete_days"].where(out["athlete_days"] > 0)).astype(float)
    # Athletes with at least one check-in in the week (recomputed from the check-ins, not the day counts).
    checkins = _checked_checkins(wellness_checkins)
    roster = _checked_roster(athletes)
    roster = roster[roster["active"]]
    lo, hi = days["date"].min(), days["date"].max()
    checkins = checkins[(checkins["date"] >= lo) & (checkins["date"] <= hi)].merge(
        roster[["athlete_id", "team_id"]], on="athlete_id", how="inner"
    )
    checkins["week_start"] = checkins["date"] - pd.to_timedelta(checkins["date"].dt.day_of_week, unit="D")
    anyone = checkins.groupby(keys)["athlete_id"].nunique().rename("n_athletes_any")
    out = out.merge(anyone.reset_index(), on=keys, how="left")
    out["n_athletes_any"] = out["n_athletes_any"].fillna(0).astype(np.int64)
    out["share_any"] = (out["n_athletes_any"] / out["n_active"].where(out["n_active"] > 0)).astype(float)
    columns = keys + [c for c in S.WeeklyCompliance.to_schema().columns if c not in keys]
    return checked(out[columns], S.WeeklyCompliance)
