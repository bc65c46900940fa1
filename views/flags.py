"""Open flags, shared by the screens that show them (*Team today*, *Caseload*, *Athlete progress*, *My
recovery*): the flags raised on a day less those a therapist has closed, and each flag in words.

Rules: `analytics.flags` (what raises a flag, its level), `analytics.caseload.flag_severity` (red for the
pain and injury flags, amber for the others); each athlete's flags with their team's thresholds
(`data.flag_rules`: the defaults unless the team changed them). Words: `views.words` (one label per flag kind).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics import flags
from analytics import schemas as S
from analytics.caseload import RED_KINDS
from analytics.flags import FlagRules
from analytics.validation import CheckedFrame, checked_frame, rows_of
from data.flag_rules import rules_by_team
from views import words
from views.reader import Ids, Reader, ids

#: Days of pain, check-ins, ROM and OSTRC read before the day for its flags (baselines of 28 days,
#: persistent-pain runs, the 28-day ROM and 14-day OSTRC windows all fit in it).
FLAG_LOOKBACK_DAYS = 120


@dataclass(frozen=True)
class FlagInputs:
    """What the flags of one day are computed from, each frame checked once (`checked_frame`): the
    `FLAG_LOOKBACK_DAYS` before the day of pain, check-ins, ROM and OSTRC, the whole injury history, the
    athletes (their ``active`` mark) and the ROM norms, the closed flags, and the thresholds of each athlete
    whose team changed them (`athlete_rules`; an athlete not in `rules` has the defaults)."""

    pain: CheckedFrame
    checkins: CheckedFrame
    injuries: CheckedFrame
    rom: CheckedFrame
    ostrc: CheckedFrame
    athletes: CheckedFrame
    norms: CheckedFrame
    reviews: pd.DataFrame
    rules: Mapping[int, FlagRules] = field(default_factory=dict)


def athlete_rules(reader: Reader, athletes: pd.DataFrame) -> dict[int, FlagRules]:
    """athlete id -> their team's flag thresholds, for the `athletes` (``athlete_id, team_id``) whose team
    changed them (`data.flag_rules.rules_by_team` of `Reader.flag_rules`)."""
    by_team = rules_by_team(reader.flag_rules())
    if not by_team:
        return {}
    teams = athletes["team_id"].to_numpy()
    return {
        int(a): by_team[int(t)]
        for a, t in zip(athletes["athlete_id"].to_numpy(), teams, strict=True)
        if pd.notna(t) and int(t) in by_team
    }


def _rule_groups(inputs: FlagInputs) -> list[tuple[FlagRules, np.ndarray | None]]:
    """(rules, athlete ids) of each set of thresholds in use; ids None = every athlete (one set for all)."""
    everyone = inputs.athletes["athlete_id"].to_numpy(np.int64)
    chosen = [inputs.rules.get(int(a), FlagRules()) for a in everyone]
    distinct = list(dict.fromkeys(chosen))
    if len(distinct) <= 1:
        return [(distinct[0] if distinct else FlagRules(), None)]
    return [(r, everyone[np.array([c == r for c in chosen])]) for r in distinct]


def _of(frame: CheckedFrame, athlete_ids: np.ndarray | None) -> CheckedFrame:
    """The rows of `frame` of `athlete_ids` (all rows when None), still checked."""
    if athlete_ids is None:
        return frame
    return rows_of(frame, np.flatnonzero(np.isin(frame["athlete_id"].to_numpy(), athlete_ids)))


def open_flags_of(day: dt.date, inputs: FlagInputs) -> pd.DataFrame:
    """The flags raised on `day` (`analytics.flags.compute_flags`) from `inputs`, each athlete's with their
    team's thresholds (`FlagInputs.rules`), less those a therapist has closed (`analytics.flags.open_flags`)."""
    raised = [
        flags.compute_flags(
            as_of=day,
            pain_reports=_of(inputs.pain, who),
            wellness_checkins=_of(inputs.checkins, who),
            injuries=_of(inputs.injuries, who),
            rom_measurements=_of(inputs.rom, who),
            ostrc_responses=_of(inputs.ostrc, who),
            athletes=_of(inputs.athletes, who),
            rom_norms=inputs.norms,
            rules=rules,
        )
        for rules, who in _rule_groups(inputs)
    ]
    together = (
        raised[0]
        if len(raised) == 1
        else pd.concat(raised, ignore_index=True).sort_values(
            list(flags.FLAG_IDENTITY), kind="stable", ignore_index=True
        )
    )
    return flags.open_flags(together, inputs.reviews)


def open_flags_on(reader: Reader, athlete_ids: Ids, day: dt.date) -> pd.DataFrame:
    """The flags raised on `day` for the athletes in scope (of `athlete_ids`, None = all), less those a
    therapist has closed (`open_flags_of`), each table read and checked once."""
    people = reader.athletes()
    if athlete_ids is not None:
        people = people[people["athlete_id"].isin(athlete_ids)]
    who = ids(people["athlete_id"])
    first = day - dt.timedelta(days=FLAG_LOOKBACK_DAYS)
    inputs = FlagInputs(
        pain=checked_frame(reader.pain(who, first, day), S.PainReports),
        checkins=checked_frame(reader.checkins(who, first, day), S.WellnessCheckins, flags.CHECKIN_COLUMNS),
        injuries=checked_frame(reader.injuries(who), S.Injuries),
        rom=checked_frame(reader.rom(who, first, day), S.RomMeasurements),
        ostrc=checked_frame(reader.ostrc(who, first, day), S.OstrcResponses),
        athletes=checked_frame(people, S.Athletes, flags.ATHLETE_COLUMNS),
        norms=checked_frame(reader.norms(), S.RomNorms),
        reviews=reader.flag_reviews(who),
        rules=athlete_rules(reader, people),
    )
    return open_flags_of(day, inputs)


def _sort_codes(values: pd.Series | np.ndarray, ascending: bool = True) -> np.ndarray:
    """Integer sort keys for `np.lexsort` that order like ``sort_values`` (missing values last)."""
    codes, uniques = pd.factorize(values, sort=True)
    n = len(uniques)
    return np.where(codes < 0, n, codes if ascending else n - 1 - codes)


def _measure_words(measure: object) -> str:
    """A flag's ``measure`` (``joint/movement``, "" for kinds without one) in words."""
    if not isinstance(measure, str) or "/" not in measure:
        return ""
    joint, movement = measure.split("/", 1)
    return words.measure_words(joint, movement)


def describe_flags(raised: pd.DataFrame) -> pd.DataFrame:
    """`raised` (``analytics.flags`` rows) with ``severity`` (red / amber), ``label`` (`views.words.FLAGS`)
    and ``where``: the region and side in words, or for a ROM flag the measure named by its ``measure``
    column ("shoulder internal rotation"); red first, then newest first; the rule, values and baseline
    size are kept as they are."""
    kinds = raised["kind"].to_numpy(dtype=object)
    red = np.array([k in RED_KINDS for k in kinds], dtype=bool)
    where = words.where_column(raised["body_region"], raised["side"])
    measures = raised["measure"].to_numpy(dtype=object)
    named = np.array([_measure_words(m) for m in measures], dtype=object) if len(measures) else measures
    has_measure = named != ""
    where[has_measure] = named[has_measure]
    order = np.lexsort(  # red first, then newest, athlete and kind; ties keep their order
        (_sort_codes(kinds), _sort_codes(raised["athlete_id"]), _sort_codes(raised["date"], ascending=False), ~red)
    )
    f = raised.take(order).reset_index(drop=True)
    f["severity"] = np.where(red, "red", "amber").astype(object)[order]
    f["label"] = np.array([words.word(words.FLAGS, k) for k in kinds], dtype=object)[order]
    f["where"] = where[order]
    return f


def athlete_flag_messages(raised: pd.DataFrame) -> pd.DataFrame:
    """Each flag in words for the athlete it is about: `describe_flags` plus ``message``
    (`views.words.FLAG_MESSAGES`).

    E.g. a ``persistent_pain`` flag of the left thigh -> "Your left thigh has hurt on several reports in
    a row." No threshold in the sentence: the team may change it (`data.flag_rules`); the rule and the
    values stay beside it (no black boxes)."""
    f = describe_flags(raised)
    if f.empty:
        return f.assign(message=pd.Series(dtype=object))
    templates = f["kind"].map(words.FLAG_MESSAGES).fillna("A flag about you: {where}.")
    where = f["where"].where(f["where"] != "", "body")
    f["message"] = [t.format(where=w) for t, w in zip(templates, where, strict=True)]
    return f


def open_flags_described(reader: Reader, athlete_ids: Ids = None) -> pd.DataFrame:
    """The open flags (`open_flags_on`) of the newest data day in words (`describe_flags`), for the
    athletes in scope of `athlete_ids` (None = all); no rows (the same columns) before any data."""
    day = reader.newest_day()
    if day is None:
        return no_open_flags()
    return describe_flags(open_flags_on(reader, athlete_ids, day))


def no_open_flags() -> pd.DataFrame:
    """No flag, with the columns of `describe_flags` (before any data)."""
    return describe_flags(flags.compute_flags(as_of=dt.date.today()))
