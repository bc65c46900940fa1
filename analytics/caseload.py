"""The computations behind the therapist's *Caseload*, one athlete's *Athlete progress* and the
athlete's own *My recovery* screen (issue 4). Pure pandas over the frames `data/queries.py` returns
and the outputs of the other analytics modules; the rules are stated once here and repeated in the
captions of the screens.

Rules and choices:

- **Flag severity.** Flags about pain and injury that the athlete reported (``pain_spike``,
  ``persistent_pain``, ``new_pain_injured_region``, ``ostrc_substantial``) are *red*: they are the
  "first hint of pain" DESIGN.md wants in front of the therapist. ``rom_asymmetry``, ``wellness_drop``
  and ``missing_checkin`` are *amber* (a caution to look at, not a complaint).
- **Pain trend** (7-day arrow). Per athlete, region and side: the mean of the reports in the 7 days
  ending on `as_of` against the mean of the reports in the 7 days before them (the 7-day rolling mean
  today vs a week ago). ``worse`` (↑) when it rose by >= 1 NPRS point, ``better`` (↓) when it fell by
  >= 1 point, ``steady`` (→) otherwise; ``new`` (↑) with reports this week and none the week before;
  ``no report this week`` (–) the other way round; ``no recent report`` (–) with neither. Days without
  a report are missing, not 0 (pain is reported where it hurts).
- **Caseload.** Athletes in scope with an open injury (no return date, onset on or before `as_of`) or
  an open flag. The pain shown is the latest report of an injured or flagged region (compatible side:
  equal, or either ``central``/``bilateral``); with several, the most recent report, then the highest.
  **Attention order**: more red flags first, then a rising pain trend (↑ worse or ↑ new), then higher
  current pain, then longer since the last therapy session (never treated first), then name.
- **ROM history.** The mean of each day's trials per side (``post_session`` left out: its immediate
  effect is the treatment response). Each value is compared with the previous measured day of the same
  side; the change is *real* only beyond the measure's minimal detectable change (`analytics.rom`),
  otherwise "within measurement error".
- **Plain sentences** (athlete page): the words are the views' (`views.sentences`); the windows are
  these: `SENTENCE_DAYS` by default, the week is the `TREND_DAYS` ending on `as_of` against the 7 before.

Rules and numbers only: every word a person reads is written in `views/` (`views.words`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics import recovery, rom
from analytics import schemas as S
from analytics.availability import open_injuries
from analytics.flags import FLAG_LEVEL
from analytics.recurrence import classify_injuries
from analytics.validation import checked, rows_of

RED_KINDS: tuple[str, ...] = tuple(kind for kind, level in FLAG_LEVEL.items() if level == "red")
AMBER_KINDS: tuple[str, ...] = ("rom_asymmetry", "wellness_drop", "missing_checkin")
TREND_DAYS = 7
TREND_POINTS = 1.0
#: The 7-day pain trends of `pain_direction`, rising ones first.
TRENDS: tuple[str, ...] = ("worse", "new", "steady", "better", "no report this week", "no recent report")
RISING = ("worse", "new")
SENTENCE_DAYS = 28
_DAY = pd.Timedelta(days=1)
_NAT = np.datetime64("NaT", "ns")


def _as_of(value: object) -> pd.Timestamp:
    return pd.Timestamp(value).normalize()


def _sort_codes(values: pd.Series | np.ndarray, ascending: bool = True) -> np.ndarray:
    """Integer sort keys for `np.lexsort` that order like ``sort_values`` (missing values last)."""
    codes, uniques = pd.factorize(values, sort=True)
    n = len(uniques)
    return np.where(codes < 0, n, codes if ascending else n - 1 - codes)


# --------------------------------------------------------------------------- flags


def flag_severity(kinds: pd.Series) -> pd.Series:
    """``"red"`` for the pain and injury flags (:data:`RED_KINDS`), ``"amber"`` for the others."""
    return pd.Series(np.where(kinds.isin(RED_KINDS), "red", "amber"), index=kinds.index, dtype=object)


# --------------------------------------------------------------------------- pain trend and caseload


def pain_direction(
    pain_reports: pd.DataFrame, as_of: object, days: int = TREND_DAYS, points: float = TREND_POINTS
) -> pd.DataFrame:
    """Per athlete, region and side: the latest report and the 7-day trend (module docstring).

    ``mean_now`` / ``n_now``: the mean and count of the reports dated in the `days` days ending on
    `as_of`; ``mean_before`` / ``n_before``: the `days` days before those; ``change`` = mean_now -
    mean_before; ``trend`` one of :data:`TRENDS`. Reports after
    `as_of` are ignored; duplicates of a day keep the highest pain.

    Returns ``athlete_id, body_region, side, latest_date, latest_pain, mean_now, n_now, mean_before,
    n_before, change, trend``, one row per key with any report on or before `as_of`.
    """
    as_of_ts = _as_of(as_of)
    p = recovery.daily_pain(pain_reports)
    p = p[p["date"] <= as_of_ts]
    keys = ["athlete_id", "body_region", "side"]
    back = (as_of_ts - p["date"]).dt.days
    now = p[back < days].groupby(keys)["pain"].agg(["mean", "size"])
    before = p[(back >= days) & (back < 2 * days)].groupby(keys)["pain"].agg(["mean", "size"])
    latest = p.groupby(keys, as_index=False).last()[keys + ["date", "pain"]]
    out = latest.rename(columns={"date": "latest_date", "pain": "latest_pain"}).set_index(keys)
    out["mean_now"] = now["mean"].astype(float)
    out["n_now"] = now["size"].reindex(out.index).fillna(0).astype(np.int64)
    out["mean_before"] = before["mean"].astype(float)
    out["n_before"] = before["size"].reindex(out.index).fillna(0).astype(np.int64)
    out = out.reset_index()
    out["change"] = out["mean_now"] - out["mean_before"]
    has_now, has_before = out["n_now"] > 0, out["n_before"] > 0
    out["trend"] = np.select(
        [
            has_now & has_before & (out["change"] >= points - 1e-9),
            has_now & has_before & (out["change"] <= -points + 1e-9),
            has_now & has_before,
            has_now,
            has_before,
        ],
        ["worse", "better", "steady", "new", "no report this week"],
        "no recent report",
    )
    return out.sort_values(keys).reset_index(drop=True)


def caseload(
    athletes: pd.DataFrame,
    injuries: pd.DataFrame,
    flags: pd.DataFrame,
    pain_reports: pd.DataFrame,
    therapy_sessions: pd.DataFrame,
    chronic: pd.DataFrame | None,
    as_of: object,
    days: int = TREND_DAYS,
    points: float = TREND_POINTS,
) -> pd.DataFrame:
    """The therapist's caseload: athletes with an open injury or an open flag, in attention order.

    `flags` are the flags still open (``analytics.flags.open_flags``); `chronic` is
    ``analytics.recovery.chronic_pain`` (its ``chronic`` rows mark the athlete); `athletes` is the
    scope (athletes outside it are left out). Rules: see the module docstring (caseload, pain trend,
    attention order).

    Returns one row per athlete: ``athlete_id, display_name, team, n_red, n_amber, n_open_injuries,
    region_named`` (an open injury or flag names a region), ``pain_region, pain_side, current_pain,
    current_pain_date, trend, trend_change, chronic, last_session_date, last_technique,
    days_since_session`` and ``attention`` (1 = the athlete to see first). The words are the view's
    (`views.caseload`).
    """
    as_of_ts = _as_of(as_of)
    people = athletes[["athlete_id", "display_name", "team"]].drop_duplicates("athlete_id")
    inj = open_injuries(injuries, as_of_ts)
    inj = inj[inj["athlete_id"].isin(people["athlete_id"])]
    fl = flags[flags["athlete_id"].isin(people["athlete_id"])]
    ids = np.union1d(inj["athlete_id"].to_numpy(np.int64), fl["athlete_id"].to_numpy(np.int64))
    out = people[people["athlete_id"].isin(ids)].set_index("athlete_id")

    severity = flag_severity(fl["kind"])
    out["n_red"] = (severity == "red").groupby(fl["athlete_id"]).sum().reindex(out.index).fillna(0).astype(np.int64)
    out["n_amber"] = (severity == "amber").groupby(fl["athlete_id"]).sum().reindex(out.index).fillna(0).astype(int)
    out["n_open_injuries"] = inj.groupby("athlete_id").size().reindex(out.index).fillna(0).astype(np.int64)

    # Current pain: the latest report of an injured or flagged region with a compatible side.
    focus = pd.concat(
        [inj[["athlete_id", "body_region", "side"]], fl[["athlete_id", "body_region", "side"]].dropna()],
        ignore_index=True,
    ).drop_duplicates()
    out["region_named"] = out.index.isin(focus["athlete_id"])
    trend = pain_direction(pain_reports, as_of_ts, days, points)
    m = trend.merge(focus.rename(columns={"side": "focus_side"}), on=["athlete_id", "body_region"])
    m = m[recovery.sides_compatible(m["side"], m["focus_side"])].drop_duplicates(["athlete_id", "body_region", "side"])
    m = m.sort_values(["athlete_id", "latest_date", "latest_pain"]).groupby("athlete_id").tail(1)
    m = m.set_index("athlete_id").reindex(out.index)
    out["pain_region"] = m["body_region"].astype(object)
    out["pain_side"] = m["side"].astype(object)
    out["current_pain"] = m["latest_pain"].astype(float)
    out["current_pain_date"] = pd.to_datetime(m["latest_date"])
    out["trend"] = m["trend"].fillna("no recent report")
    out["trend_change"] = m["change"].astype(float)

    if chronic is not None and not chronic.empty:
        marked = chronic.loc[chronic["chronic"].astype(bool), "athlete_id"]
        out["chronic"] = out.index.isin(marked)
    else:
        out["chronic"] = False

    s = therapy_sessions[therapy_sessions["athlete_id"].isin(out.index)]
    s = s[pd.to_datetime(s["date"]) <= as_of_ts].sort_values(["athlete_id", "date", "session_id"])
    last = s.groupby("athlete_id").tail(1).set_index("athlete_id").reindex(out.index)
    out["last_session_date"] = pd.to_datetime(last["date"])
    out["last_technique"] = last["technique"].astype(object)
    out["days_since_session"] = (as_of_ts - out["last_session_date"]).dt.days.astype(float)

    out = out.reset_index()
    order = pd.DataFrame(
        {
            "red": -out["n_red"],
            "rising": ~out["trend"].isin(RISING),
            "pain": -out["current_pain"].fillna(-1),
            "since": -out["days_since_session"].fillna(np.inf),
            "name": out["display_name"],
        }
    )
    out = out.loc[order.sort_values(list(order.columns), kind="stable").index].reset_index(drop=True)
    out["attention"] = np.arange(1, len(out) + 1)
    columns = [
        "athlete_id",
        "display_name",
        "team",
        "n_red",
        "n_amber",
        "n_open_injuries",
        "region_named",
        "pain_region",
        "pain_side",
        "current_pain",
        "current_pain_date",
        "trend",
        "trend_change",
        "chronic",
        "last_session_date",
        "last_technique",
        "days_since_session",
        "attention",
    ]
    return out[columns]


# --------------------------------------------------------------------------- ROM history


def rom_history(
    rom_measurements: pd.DataFrame, norms: pd.DataFrame | None = None, include_post_session: bool = False
) -> pd.DataFrame:
    """Every measured day per athlete, measure and side, with the change since the previous measured day.

    Rules (module docstring): the day's value is the mean of its trials; ``post_session`` is left out
    unless `include_post_session`; ``change`` = value - the previous measured day's value of the same
    side (missing on the first day); ``change_real`` when |change| exceeds the measure's ``mdc``
    (strictly, `analytics.rom.beyond`): a gain when positive, a loss when negative, otherwise within
    measurement error. ``normal_value`` is the norm (missing when the measure has none); ``contexts`` the
    day's contexts, comma-separated.

    ``first_date`` / ``change_from_first`` / ``from_first_real``: the same against the first day in the
    input (several changes each within error can add up to a real one).

    Returns ``athlete_id, joint, movement, unit, side, date, value, n_trials, contexts, previous_date,
    change, mdc, change_real, normal_value, first_date, change_from_first, from_first_real``, sorted by
    athlete, measure, side and date.
    """
    r = checked(rom_measurements, S.RomMeasurements, rom.ROM_COLUMNS)
    if not include_post_session:
        r = r[r["context"].to_numpy(dtype=object) != "post_session"]
    # Sort the trials by athlete, measure, side and day (factorised labels sort like the labels): each
    # measured day is then a run of trials and each athlete-measure-side a run of days, so the rules
    # are a few numpy passes rather than grouped pandas operations on a small frame.
    labels = {c: pd.factorize(r[c].to_numpy(dtype=object), sort=True) for c in ("joint", "movement", "unit", "side")}
    athlete = r["athlete_id"].to_numpy(np.int64)
    day = r["date"].to_numpy().astype("datetime64[D]").astype("datetime64[ns]")  # the day (normalised)
    order = np.lexsort((day, *(labels[c][0] for c in reversed(labels)), athlete))
    codes = [athlete[order]] + [labels[c][0][order] for c in labels]
    day = day[order]
    new_series = np.ones(len(order), dtype=bool)  # first trial of an athlete, measure and side
    new_series[1:] = np.any([c[1:] != c[:-1] for c in codes], axis=0)
    new_day = new_series.copy()  # first trial of a measured day
    new_day[1:] |= day[1:] != day[:-1]
    starts = np.flatnonzero(new_day)

    # One row per measured day from here on.
    first = new_series[starts]  # the first measured day of its athlete, measure and side
    values = pd.Series(r["value"].to_numpy(float)[order])
    value = values.groupby(np.cumsum(new_day) - 1).mean().to_numpy(float)  # pandas' grouped mean, as before
    date = day[starts]
    previous = np.arange(len(starts)) - 1
    series_start = np.maximum.accumulate(np.where(first, np.arange(len(starts)), 0))
    change = np.where(first, np.nan, value - value[previous])
    contexts = np.split(r["context"].to_numpy(dtype=object)[order], starts[1:]) if len(order) else []
    measure = {c: np.asarray(labels[c][1], dtype=object).take(labels[c][0][order][starts]) for c in labels}
    mdc, normal = rom.norm_values(measure["joint"], measure["movement"], measure["unit"], norms)  # one look-up
    real = rom.beyond(np.abs(change), mdc)  # the first day (NaN change) is never real
    from_first = value - value[series_start]
    return pd.DataFrame(
        {
            "athlete_id": codes[0][starts],
            **measure,
            "date": date,
            "value": value,
            "n_trials": np.diff(np.append(starts, len(order))).astype(np.int64),
            "contexts": np.array([", ".join(sorted(set(c))) for c in contexts], dtype=object),
            "previous_date": np.where(first, np.datetime64("NaT", "ns"), date[previous]).astype(date.dtype),
            "change": change,
            "mdc": mdc,
            "change_real": real,
            "normal_value": normal,
            "first_date": date[series_start],
            "change_from_first": from_first,
            "from_first_real": rom.beyond(np.abs(from_first), mdc),
        }
    )


def rom_since_injury(
    rom_measurements: pd.DataFrame, injuries: pd.DataFrame | None, start: object | None = None
) -> pd.DataFrame:
    """The measurements an athlete's "is my ROM coming back" sentences compare: per athlete and measure,
    those on or after the onset of the most recent injury in the measure's body region (any side; hip ->
    hip/groin, knee, ankle, shoulder, straight leg raise -> thigh, as `analytics.rom`) that began on or
    after `start`; for measures without such an injury, all of them. Pass the result to
    ``analytics.rom.rom_status``, whose baseline is then the first measurement since that injury."""
    if injuries is None or injuries.empty or rom_measurements.empty:
        return rom_measurements
    onsets = pd.to_datetime(injuries["onset_date"]).dt.normalize().to_numpy()
    chosen = ~np.isnat(onsets)
    if start is not None:
        chosen &= onsets >= _as_of(start).to_datetime64()
    latest: dict[tuple[object, object], np.datetime64] = {}  # (athlete, region) -> latest onset
    athletes, regions = injuries["athlete_id"].to_numpy()[chosen], injuries["body_region"].to_numpy()[chosen]
    for athlete, region, onset in zip(athletes, regions, onsets[chosen], strict=True):  # a few injuries
        if pd.isna(athlete) or pd.isna(region):  # as a groupby, which leaves out missing keys
            continue
        if (athlete, region) not in latest or onset > latest[(athlete, region)]:
            latest[(athlete, region)] = onset
    measured = rom.body_region(rom_measurements["joint"], rom_measurements["movement"]).to_numpy()
    since = np.array(
        [latest.get(k, _NAT) for k in zip(rom_measurements["athlete_id"].to_numpy(), measured, strict=True)],
        dtype="datetime64[ns]",
    )
    dates = pd.to_datetime(rom_measurements["date"]).dt.normalize().to_numpy()
    return rows_of(rom_measurements, np.flatnonzero(np.isnat(since) | (dates >= since)), renumber=False)


# --------------------------------------------------------------------------- episodes and Kaplan-Meier


def episode_table(
    injuries: pd.DataFrame, episodes: pd.DataFrame, as_of: object, classified: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One athlete's (or any) injuries with their Fuller category and recovery: classify_injuries
    (on all the given injuries: pass the athlete's whole history) joined to recovery_episodes on
    ``injury_id``, newest onset first, with ``days_since_onset`` (to
    `as_of`) and ``status``: "returned" (to full participation by `as_of`) or "open"; whether the pain
    resolved is in ``resolved`` / ``days_to_resolution``.

    `classified`: ``classify_injuries(injuries)`` when the caller has it already (not computed twice).
    """
    if classified is None:
        classified = classify_injuries(injuries)
    keep = ["injury_id", "resolved", "resolution_date", "days_to_resolution", "days_to_return", "n_reports"]
    ep = checked(episodes, S.RecoveryEpisodes)
    order = np.lexsort(  # newest onset first, then the higher injury id
        (_sort_codes(classified["injury_id"], ascending=False), _sort_codes(classified["onset_date"], ascending=False))
    )
    ids = pd.Index(ep["injury_id"].to_numpy())
    if ids.is_unique and not classified.columns.isin(keep[1:]).any():
        # the left join on a unique key as a look-up (no merge): one episode per injury, or none
        out = classified.take(order).reset_index(drop=True)
        found = ep[keep[1:]].set_axis(ids).reindex(out["injury_id"].to_numpy())
        out = pd.concat([out, found.set_axis(out.index)], axis=1)
    else:
        out = classified.take(order).merge(ep[keep], on="injury_id", how="left")
    as_of_day = _as_of(as_of).to_datetime64().astype("datetime64[D]")
    out["days_since_onset"] = (as_of_day - out["onset_date"].to_numpy().astype("datetime64[D]")).astype(np.int64)
    returned = out["return_date"].to_numpy() <= as_of_day  # a missing return date: False
    out["status"] = np.where(returned, "returned", "open").astype(object)
    return out


def km_athlete_vs_team(
    episodes: pd.DataFrame,
    athlete_id: int,
    outcome: str = "resolution",
    athlete_label: str = "This athlete",
    team_label: str = "Team",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Kaplan-Meier curves and medians of one athlete's episodes against all episodes of `episodes`
    (the team's, the athlete's own included), via `analytics.recovery.km_curves` / `km_medians`.

    The groups are named `athlete_label` and `team_label`; an athlete without episodes gives only the
    team's curve. Returns ``(curves, medians)`` in the ``KmCurve`` / ``KmMedian`` layouts, the team's
    rows first. Each group's estimate is computed once (`analytics.recovery`'s Kaplan-Meier, the
    numbers of `km_curves` / `km_medians` grouped by team and athlete) and both tables built from it.
    """
    ep = checked(episodes, S.RecoveryEpisodes)
    if ep.empty or outcome not in recovery.KM_OUTCOMES:  # the empty tables, or km_curves' error
        return recovery.km_curves(ep, outcome), recovery.km_medians(ep, outcome)
    time_col, event_col = recovery.KM_OUTCOMES[outcome]
    times, observed = ep[time_col].to_numpy(float), ep[event_col].to_numpy(bool)
    mine = ep["athlete_id"].to_numpy() == athlete_id
    groups = [(team_label, np.ones(len(ep), dtype=bool))] + ([(athlete_label, mine)] if mine.any() else [])
    fits = [(label, rows, recovery.kaplan_meier(times[rows], observed[rows])) for label, rows in groups]
    curves = pd.DataFrame(
        {
            "group": np.concatenate([np.full(len(km.days), label, dtype=object) for label, _, km in fits]),
            **{
                column: np.concatenate([getattr(km, column) for _, _, km in fits])
                for column in ("days", "survival", "ci_lower", "ci_upper", "at_risk", "events", "censored")
            },
        }
    )
    n = np.array([int(rows.sum()) for _, rows, _ in fits], dtype=np.int64)
    events = np.array([int(observed[rows].sum()) for _, rows, _ in fits], dtype=np.int64)
    medians = pd.DataFrame(
        {
            "group": np.array([label for label, _, _ in fits], dtype=object),
            "n": n,
            "events": events,
            "censored": n - events,
            **{
                column: np.array([np.nan if np.isinf(v) else v for v in (getattr(km, column) for _, _, km in fits)])
                for column in ("median", "median_ci_lower", "median_ci_upper")
            },
        }
    ).rename(columns={"median": "median_days"})
    return S.KmCurve.validate(curves), S.KmMedian.validate(medians)
