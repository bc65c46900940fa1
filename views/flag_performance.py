"""*Flag performance* (therapist, admin; coach without names): how each kind of flag did on the team's own
history — burden, sensitivity and PPV with their intervals — the ACWR heuristic band checked the same way, the
team's flag thresholds beside their defaults, and a preview of new thresholds replayed on the same history.

Rules: `analytics.flag_performance` (definitions, Wilson intervals), `analytics.flags.compute_flags` (the
flags, in history mode, with the team's thresholds: `data.flag_rules`), `analytics.workload` (ACWR, three
methods). Choices (`FLAG_PERFORMANCE_SCOPE` in `views.words`): an athlete is monitored from their first
check-in (or the start of the dates) to the end of the dates (to their last check-in when no longer active);
injuries are the time-loss injuries; every flag raised counts, closed or not. Words: `views.words`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics import flags, workload
from analytics.flag_performance import acwr_band_check, flag_performance
from analytics.flags import FlagRules
from data.flag_rules import DEFAULTS, rules_from
from views import words
from views.flags import FLAG_LOOKBACK_DAYS, athlete_rules
from views.reader import Reader, ids

#: The window the preview and the injury list use (days before onset).
PREVIEW_WINDOW = 14
#: Training read before the dates, so the ACWR (28 days of data) is there from their first day.
LOAD_LOOKBACK_DAYS = 56
ACWR_METHODS: tuple[workload.Method, ...] = ("coupled", "uncoupled", "ewma")


@dataclass(frozen=True)
class History:
    """What one team's flags are replayed from: its athletes and their monitored days, the dates with the
    flags' look-back before them, the time-loss injuries and each athlete's current thresholds."""

    team: str
    start: dt.date
    end: dt.date
    athletes: pd.DataFrame
    roster: pd.DataFrame  # athlete_id, start_date, end_date
    injuries: pd.DataFrame  # the time-loss injuries of the athletes (every onset; the analytics picks)
    inputs: dict[str, pd.DataFrame]  # pain, checkins, injuries (all), rom, ostrc, norms, training
    rules: dict[int, FlagRules]  # athlete id -> their team's thresholds, where the team changed them


@dataclass(frozen=True)
class FlagPerformance:
    """Everything *Flag performance* shows for one team (or every team in scope) and period."""

    team: str
    start: dt.date
    end: dt.date
    athletes: int  # athletes with monitored days
    athlete_weeks: float
    injuries: int  # time-loss injuries with onset on a monitored day
    performance: pd.DataFrame  # `analytics.flag_performance` rows plus ``kind_label``
    band: pd.DataFrame  # `analytics.flag_performance.acwr_band_check` rows plus ``method_label``
    injury_list: pd.DataFrame  # per injury: onset, where, the flags of the 14 days before ("athlete" if names)
    names_shown: bool


def team_history(reader: Reader, team_id: int | None, start: dt.date, end: dt.date) -> History:
    """The history of team `team_id` (None: every team in the reader's scope) from `start` to `end`."""
    people = reader.athletes()
    if team_id is not None:
        people = people[people["team_id"] == team_id].reset_index(drop=True)
    teams = reader.teams()
    named = teams.loc[teams["team_id"] == team_id, "name"] if team_id is not None else pd.Series(dtype=object)
    team = str(named.iloc[0]) if not named.empty else "All teams"
    who = ids(people["athlete_id"])
    first = start - dt.timedelta(days=FLAG_LOOKBACK_DAYS)
    checkins = reader.checkins(who, first, end)
    injuries = reader.injuries(who)
    inputs = {
        "pain": reader.pain(who, first, end),
        "checkins": checkins,
        "injuries": injuries,
        "rom": reader.rom(who, first, end),
        "ostrc": reader.ostrc(who, first, end),
        "norms": reader.norms(),
        "training": reader.training(who, start - dt.timedelta(days=LOAD_LOOKBACK_DAYS), end),
    }
    time_loss = injuries["time_loss"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    return History(
        team=team,
        start=start,
        end=end,
        athletes=people,
        roster=monitored_days(people, checkins, start, end),
        injuries=injuries[time_loss].reset_index(drop=True),
        inputs=inputs,
        rules=athlete_rules(reader, people),
    )


def monitored_days(athletes: pd.DataFrame, checkins: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """``athlete_id, start_date, end_date``: from the later of `start` and the athlete's first check-in to
    `end` (an athlete no longer active: to their last check-in); athletes without a check-in by `end`, or
    whose days fall outside the dates, are left out."""
    seen = checkins.groupby("athlete_id")["date"].agg(["min", "max"])
    frame = athletes[["athlete_id", "active"]].join(seen, on="athlete_id", how="inner")
    first = pd.to_datetime(frame["min"]).dt.normalize().clip(lower=pd.Timestamp(start))
    last = pd.to_datetime(frame["max"]).dt.normalize().where(~frame["active"].astype(bool), pd.Timestamp(end))
    last = last.clip(upper=pd.Timestamp(end))
    roster = pd.DataFrame({"athlete_id": frame["athlete_id"].to_numpy(np.int64), "start_date": first, "end_date": last})
    return roster[roster["start_date"] <= roster["end_date"]].reset_index(drop=True)


def _of(frame: pd.DataFrame, athlete_ids: np.ndarray) -> pd.DataFrame:
    """The rows of `frame` of `athlete_ids`."""
    return frame[frame["athlete_id"].isin(athlete_ids)].reset_index(drop=True)


def history_flags(history: History, rules: Mapping[int, FlagRules] | FlagRules) -> pd.DataFrame:
    """Every flag raised from the history's start to its end (`analytics.flags.compute_flags` in history mode),
    closed or not: with one set of thresholds for everyone, or each athlete's (athlete id -> thresholds, the
    defaults for an athlete not in it)."""
    athlete_ids = history.athletes["athlete_id"].to_numpy(np.int64)
    chosen = [rules if isinstance(rules, FlagRules) else rules.get(int(a), DEFAULTS) for a in athlete_ids]
    frames = []
    for these in dict.fromkeys(chosen) or [DEFAULTS]:
        group = athlete_ids[np.array([c == these for c in chosen], dtype=bool)] if chosen else athlete_ids
        frames.append(
            flags.compute_flags(
                as_of=history.end,
                start=history.start,
                pain_reports=_of(history.inputs["pain"], group),
                wellness_checkins=_of(history.inputs["checkins"], group),
                injuries=_of(history.inputs["injuries"], group),
                rom_measurements=_of(history.inputs["rom"], group),
                ostrc_responses=_of(history.inputs["ostrc"], group),
                athletes=_of(history.athletes, group),
                rom_norms=history.inputs["norms"],
                rules=these,
            )
        )
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def _labelled(performance: pd.DataFrame) -> pd.DataFrame:
    return performance.assign(kind_label=[words.word(words.FLAGS, k) for k in performance["kind"]])


def _acwr_ratios(history: History) -> pd.DataFrame:
    """``athlete_id, date, method, acwr`` of the three methods, rest days (check-ins without training) as 0."""
    sessions = history.inputs["training"]
    if sessions.empty:
        return pd.DataFrame({"athlete_id": [], "date": [], "method": [], "acwr": []})
    loads = workload.daily_load(sessions, calendar=history.inputs["checkins"][["athlete_id", "date"]])
    return pd.concat(
        [workload.acwr(loads, method=m)[["athlete_id", "date", "acwr"]].assign(method=m) for m in ACWR_METHODS],
        ignore_index=True,
    )


def _injury_list(history: History, raised: pd.DataFrame, names: bool) -> pd.DataFrame:
    """Each time-loss injury on a monitored day with the flags of the `PREVIEW_WINDOW` days before onset."""
    injured = history.injuries.merge(history.roster, on="athlete_id")
    onset = pd.to_datetime(injured["onset_date"]).dt.normalize()
    injured = injured[(onset >= injured["start_date"]) & (onset <= injured["end_date"])].reset_index(drop=True)
    pairs = injured[["injury_id", "athlete_id", "onset_date"]].merge(
        raised[["athlete_id", "date", "kind"]], on="athlete_id"
    )
    lag = (pd.to_datetime(pairs["onset_date"]).dt.normalize() - pd.to_datetime(pairs["date"]).dt.normalize()).dt.days
    before = pairs[(lag >= 1) & (lag <= PREVIEW_WINDOW)].drop_duplicates(["injury_id", "kind"])
    kinds = before.groupby("injury_id")["kind"].agg(lambda k: ", ".join(words.word(words.FLAGS, x) for x in k))
    out = pd.DataFrame(
        {
            "onset_date": pd.to_datetime(injured["onset_date"]).dt.date,
            "where": words.where_column(injured["body_region"], injured["side"]),
            "flags_before": injured["injury_id"].map(kinds).fillna("none").to_numpy(dtype=object),
        }
    )
    if names:
        named = history.athletes.set_index("athlete_id")["display_name"]
        out.insert(0, "athlete", injured["athlete_id"].map(named).to_numpy(dtype=object))
    return out.sort_values("onset_date", ignore_index=True)


def flag_performance_screen(
    reader: Reader, team_id: int | None, start: dt.date, end: dt.date, names: bool
) -> FlagPerformance:
    """*Flag performance* of team `team_id` (None: every team in scope) from `start` to `end`, with each
    athlete's current thresholds; athlete names in the injury list only when `names` (therapists, admins)."""
    history = team_history(reader, team_id, start, end)
    raised = history_flags(history, history.rules)
    performance = flag_performance(raised, history.injuries, history.roster)
    band = acwr_band_check(_acwr_ratios(history), history.injuries, history.roster)
    weeks = float((history.roster["end_date"] - history.roster["start_date"]).dt.days.add(1).sum() / 7)
    injured = _injury_list(history, raised, names)
    return FlagPerformance(
        team=history.team,
        start=start,
        end=end,
        athletes=len(history.roster),
        athlete_weeks=weeks,
        injuries=len(injured),
        performance=_labelled(performance),
        band=band.assign(method_label=[words.word(words.ACWR_METHODS, m) for m in band["method"]]),
        injury_list=injured,
        names_shown=names,
    )


def rule_table(current: FlagRules) -> pd.DataFrame:
    """Every threshold in words, in `views.words.FLAG_RULE_WORDS` order: ``rule`` (its name, for the form's
    keys), ``kind_label``, ``what``, ``value`` and ``default`` (numbers as stored), ``value_words`` and
    ``default_words`` (with their units), ``changed``."""
    rows = []
    for name, (kind, what, _) in words.FLAG_RULE_WORDS.items():
        value, default = getattr(current, name), getattr(DEFAULTS, name)
        rows.append(
            {
                "rule": name,
                "kind_label": words.word(words.FLAGS, kind),
                "what": what,
                "value": value,
                "default": default,
                "value_words": words.rule_value_words(name, value),
                "default_words": words.rule_value_words(name, default),
                "changed": value != default,
            }
        )
    return pd.DataFrame(rows)


def rules_preview(
    reader: Reader, team_id: int, start: dt.date, end: dt.date, new_values: tuple[tuple[str, float], ...]
) -> pd.DataFrame:
    """The team's history replayed with its current thresholds and with `new_values` (threshold name -> value,
    the others at their defaults), per flag kind at `PREVIEW_WINDOW` days: flags per athlete-week, injuries
    flagged before onset and PPV, now against new (`views.words.FLAG_PREVIEW_COLUMNS`)."""
    history = team_history(reader, team_id, start, end)
    current = history.rules
    proposed = rules_from(dict(new_values))
    now = flag_performance(history_flags(history, current), history.injuries, history.roster, (PREVIEW_WINDOW,))
    new = flag_performance(history_flags(history, proposed), history.injuries, history.roster, (PREVIEW_WINDOW,))
    both = now.merge(new, on=["kind", "window_days"], how="outer", suffixes=("_now", "_new"))
    kinds = [k for k in flags.FLAG_KINDS if k in set(both["kind"])]
    both = both.set_index("kind").reindex(kinds).reset_index()
    injuries = both["injuries_now"].fillna(both["injuries_new"]).fillna(0).astype(int)

    def caught(column: str) -> list[str]:
        return [f"{int(c)} of {n}" if pd.notna(c) else "–" for c, n in zip(both[column], injuries, strict=True)]

    return pd.DataFrame(
        {
            "kind_label": [words.word(words.FLAGS, k) for k in both["kind"]],
            "per_week_now": both["flags_per_athlete_week_now"].to_numpy(dtype=float),
            "per_week_new": both["flags_per_athlete_week_new"].to_numpy(dtype=float),
            "caught_now": caught("injuries_flagged_now"),
            "caught_new": caught("injuries_flagged_new"),
            "ppv_now": both["ppv_now"].to_numpy(dtype=float),
            "ppv_new": both["ppv_new"].to_numpy(dtype=float),
        }
    )


def team_rules_of(reader: Reader, team_id: int) -> FlagRules:
    """The current thresholds of team `team_id` (the defaults unless it changed them)."""
    stored = reader.flag_rules()
    rows = stored[stored["team_id"] == team_id]
    return rules_from(dict(zip(rows["rule"], rows["value"], strict=True)))
