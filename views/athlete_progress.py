"""*Athlete progress* (therapist, coach, admin): one athlete's pain trend with the treatments on it, ROM left
vs right against the norm and its symmetry, injury episodes with their recurrence category and recovery,
Kaplan-Meier recovery against the team, treatment response per technique, chronic pain, open flags and the
return-to-sport stages along the charts.

Rules: `analytics.recovery` (pain trend, episodes, treatment response, chronic pain), `analytics.caseload`
(ROM history, episode table, Kaplan-Meier of athlete vs team), `analytics.recurrence`, `analytics.rom`
(symmetry). Words: `views.words`, `views.sentences`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics import caseload, recovery, recurrence
from analytics import schemas as S
from analytics.availability import open_injuries
from analytics.rom import rom_symmetry
from analytics.validation import CheckedFrame, checked_frame, plain_frame, rows_of
from views import words
from views.flags import (
    FLAG_LOOKBACK_DAYS,
    FlagInputs,
    athlete_rules,
    describe_flags,
    no_open_flags,
    open_flags_of,
)
from views.reader import Reader, ids
from views.return_to_sport import progress_stages
from views.sentences import chronic_words

#: The next check-in after a therapy session counts for "held" within this many days.
RESPONSE_DAYS = 7
#: Days of pain read for the chronic-pain mark (IASP: reported in most of the last 12 weeks).
CHRONIC_DAYS = 84


@dataclass(frozen=True)
class AthleteProgress:
    """Everything *Athlete progress* draws for one athlete and date range."""

    athlete_id: int
    athlete_name: str  # the athlete's display name ("This athlete" outside the scope)
    newest_day: dt.date  # the newest data day (the end of the dates before any data)
    shown_reports: pd.DataFrame  # the pain reports in the dates
    trend: pd.DataFrame  # `analytics.recovery.pain_trend` of them
    sessions: pd.DataFrame  # therapy sessions in the dates, ``technique_label`` and ``where`` in words (notes
    # for those who may read them)
    injuries: pd.DataFrame  # the whole injury history, classified (Fuller et al. 2006)
    open_injuries: int  # injuries open on the newest data day
    episodes: pd.DataFrame  # `episode_table`: category, recovery and status per injury, with their words
    history: pd.DataFrame  # `analytics.caseload.rom_history` of the dates
    symmetry: pd.DataFrame  # `symmetry_table`: the latest day both sides were measured, per measure
    km_curves: pd.DataFrame  # Kaplan-Meier to pain resolution, the athlete against the team
    km_medians: pd.DataFrame
    treatment: pd.DataFrame  # `analytics.recovery.treatment_summary` per technique, with ``technique_label``
    # and ``outcome_label``
    chronic_where: str  # the chronic regions in words ("" when none)
    flags: pd.DataFrame  # the athlete's open flags in words (`views.flags.describe_flags`)
    stages: pd.DataFrame  # the return-to-sport stage bands of the dates (`views.return_to_sport.progress_stages`)

    @property
    def open_episodes(self) -> pd.DataFrame:
        """The rows of `episodes` still open (not returned to full participation by the newest data day)."""
        return self.episodes[self.episodes["status"] == "open"] if not self.episodes.empty else self.episodes

    @property
    def last_sessions(self) -> pd.DataFrame:
        """The ten newest sessions of `sessions`, newest first."""
        return self.sessions.sort_values(["date", "session_id"], ascending=False).head(10)


def between(frame: CheckedFrame, start: dt.date, end: dt.date) -> CheckedFrame:
    """The rows of a checked, dated frame from `start` to `end` (inclusive), renumbered as a read of those
    dates is, and still checked (`analytics.validation.rows_of`)."""
    dates = frame["date"].to_numpy()
    keep = np.flatnonzero((dates >= np.datetime64(start, "ns")) & (dates <= np.datetime64(end, "ns")))
    return rows_of(frame, keep)


def symmetry_table(symmetry: pd.DataFrame) -> pd.DataFrame:
    """`analytics.rom.rom_symmetry` rows with ``measure`` (words and unit, "Hip internal rotation (°)")
    and ``why`` (why that side is the involved one: "injured side (#12)" when an injury of that side in
    the measure's region began on or before the day, else "smaller value", or "sides equal")."""
    sym = symmetry.copy()  # `rom_symmetry` checked it on the way out
    sym["measure"] = np.array(
        [words.measure_option(j, m, u) for j, m, u in zip(sym["joint"], sym["movement"], sym["unit"], strict=True)],
        dtype=object,
    )
    sym["why"] = np.array(
        [
            f"{words.INVOLVED_BASIS[b]} (#{'' if pd.isna(i) else i})" if b == "injury" else words.INVOLVED_BASIS[b]
            for b, i in zip(sym["involved_basis"], sym["injury_id"], strict=True)
        ],
        dtype=object,
    )
    return sym


def episode_table(
    injuries: pd.DataFrame, episodes: pd.DataFrame, as_of: dt.date, classified: pd.DataFrame
) -> pd.DataFrame:
    """`analytics.caseload.episode_table` with its words: ``where`` (region and side), ``type`` (the injury
    type's label) and ``category_label`` (the recurrence category's)."""
    out = caseload.episode_table(injuries, episodes, as_of, classified=classified)
    out["where"] = words.where_column(out["body_region"], out["side"])
    out["type"] = out["injury_type"].map(lambda t: words.word(words.INJURY_TYPES, t)).astype(object)
    out["category_label"] = out["category"].map(lambda c: words.word(words.RECURRENCE, c)).astype(object)
    return out


def _sessions_in_words(sessions: pd.DataFrame) -> pd.DataFrame:
    """Therapy sessions with ``technique_label`` and ``where`` (region and side in words)."""
    return sessions.assign(
        technique_label=sessions["technique"].map(lambda t: words.word(words.TECHNIQUES, t)).astype(object),
        where=words.where_column(sessions["body_region"], sessions["side"]),
    )


def _treatment_in_words(summary: pd.DataFrame) -> pd.DataFrame:
    """`analytics.recovery.treatment_summary` rows with ``technique_label`` and ``outcome_label``."""
    if summary.empty:
        return summary
    return summary.assign(
        technique_label=summary["technique"].map(lambda t: words.word(words.TECHNIQUES, t)).astype(object),
        outcome_label=summary["outcome"].map(words.outcome_label).astype(object),
    )


def team_episodes(reader: Reader, team_id: int, day: dt.date) -> pd.DataFrame:
    """Every injury episode of one team in the viewer's scope (`analytics.recovery.recovery_episodes` on
    the whole history, censored at `day`), for the athlete-vs-team Kaplan-Meier."""
    people = reader.athletes()
    members = people[people["team_id"] == team_id]
    team = ids(members["athlete_id"])
    return recovery.recovery_episodes(reader.injuries(team), reader.pain(team), as_of=day, athletes=members)


def _flag_inputs(reader: Reader, athlete: CheckedFrame, day: dt.date, frames: dict[str, CheckedFrame]) -> FlagInputs:
    """The open flags' inputs (`views.flags.FlagInputs`) of one athlete on `day`, from the frames the page
    has read and checked (`frames`: pain, checkins, rom over at least the flags' look-back; injuries,
    norms); only the OSTRC answers and the closed flags are read here."""
    me = ids(athlete["athlete_id"])
    first = day - dt.timedelta(days=FLAG_LOOKBACK_DAYS)
    return FlagInputs(
        pain=between(frames["pain"], first, day),
        checkins=between(frames["checkins"], first, day),
        injuries=frames["injuries"],
        rom=between(frames["rom"], first, day),
        ostrc=checked_frame(reader.ostrc(me, first, day), S.OstrcResponses),
        athletes=athlete,
        norms=frames["norms"],
        reviews=reader.flag_reviews(me),
        rules=athlete_rules(reader, athlete),
    )


def athlete_progress(
    reader: Reader, athlete_id: int, start: dt.date, end: dt.date, episodes_of_team: pd.DataFrame | None = None
) -> AthleteProgress:
    """*Athlete progress* of one athlete from `start` to `end`.

    `episodes_of_team`: `team_episodes` of the athlete's team when the caller has it (a cached read);
    computed here otherwise."""
    me = ids([athlete_id])
    people = checked_frame(reader.athletes(), S.Athletes)
    athlete = rows_of(people, np.flatnonzero(people["athlete_id"].to_numpy() == athlete_id))
    newest = reader.newest_day()
    day = newest or end
    after = end + dt.timedelta(days=RESPONSE_DAYS)
    # One read per table, over the dates shown and the flags' look-back, each checked once here and
    # handed as it is to every analytics call (`analytics.validation.checked_frame`). Pain and check-ins
    # are read up to the newest data day, which counts them (nothing is newer); each use takes its dates
    # from it.
    first = min(start, day - dt.timedelta(days=FLAG_LOOKBACK_DAYS))
    all_reports = checked_frame(reader.pain(me, first, day), S.PainReports)
    all_wellness = checked_frame(reader.checkins(me, first, day), S.WellnessCheckins)
    all_measured = checked_frame(reader.rom(me, first, max(end, day)), S.RomMeasurements)
    reports = between(all_reports, start, after)
    shown = between(all_reports, start, end)
    sessions = checked_frame(reader.therapy(me, start, end), S.TherapySessions, recovery.SESSION_COLUMNS)
    injured = checked_frame(reader.injuries(me), S.Injuries)
    measured = between(all_measured, start, end)
    norms = checked_frame(reader.norms(), S.RomNorms)
    frames = {"pain": all_reports, "checkins": all_wellness, "rom": all_measured, "injuries": injured, "norms": norms}
    if episodes_of_team is None:
        episodes_of_team = (
            team_episodes(reader, int(athlete["team_id"].iloc[0]), day) if not athlete.empty else pd.DataFrame()
        )
    if not episodes_of_team.empty:  # checked once here for the two calls that read it
        episodes_of_team = checked_frame(episodes_of_team, S.RecoveryEpisodes)
    name = str(athlete["display_name"].iloc[0]) if not athlete.empty else "This athlete"
    team = f"{athlete['team'].iloc[0]} (all)" if not athlete.empty else "Team"
    curves, medians = (
        caseload.km_athlete_vs_team(episodes_of_team, athlete_id, athlete_label=name, team_label=team)
        if not episodes_of_team.empty
        else (pd.DataFrame(), pd.DataFrame())
    )
    summary = pd.DataFrame()
    if not sessions.empty:
        responses = recovery.session_response(
            sessions, reports, between(all_wellness, start, after), max_gap_days=RESPONSE_DAYS
        )
        rom_changes = recovery.session_rom_change(measured, norms) if not measured.empty else None
        summary = recovery.treatment_summary(responses, rom_changes, by=("technique",))
    recent = between(all_reports, day - dt.timedelta(days=CHRONIC_DAYS - 1), day)
    classified = recurrence.classify_injuries(injured) if not injured.empty else injured
    return AthleteProgress(
        athlete_id=athlete_id,
        athlete_name=name,
        newest_day=day,
        shown_reports=plain_frame(shown),
        trend=recovery.pain_trend(shown) if not shown.empty else plain_frame(shown),
        sessions=_sessions_in_words(sessions),
        injuries=plain_frame(classified),
        open_injuries=len(open_injuries(injured, day)),
        episodes=(episode_table(injured, episodes_of_team, day, classified) if not injured.empty else pd.DataFrame()),
        history=caseload.rom_history(measured, norms) if not measured.empty else pd.DataFrame(),
        symmetry=symmetry_table(rom_symmetry(measured, injured, norms)) if not measured.empty else pd.DataFrame(),
        km_curves=curves,
        km_medians=medians,
        treatment=_treatment_in_words(summary),
        chronic_where=chronic_words(recovery.chronic_pain(recent, as_of=day)) if not recent.empty else "",
        flags=(
            describe_flags(open_flags_of(day, _flag_inputs(reader, athlete, day, frames)))
            if newest is not None
            else no_open_flags()
        ),
        stages=progress_stages(reader, athlete_id, start, end),
    )
