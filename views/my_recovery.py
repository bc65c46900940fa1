"""*My recovery* (athlete): the signed-in athlete's own pain and ROM in plain sentences, what changed since
last week, the open flags about them in friendly words, and the chart frames. The reader's scope is the
athlete alone, so every read is "everyone in scope".

Rules and words: `views.sentences`, `views.flags`, and plain words where the therapist reads clinical terms
(no LSI, MDC, recurrence categories or intervals: `views.words.flag_check_words`); charts: `analytics.recovery.pain_trend`,
`analytics.caseload.rom_history`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from analytics import caseload, recovery, recurrence
from analytics import schemas as S
from analytics.rom import rom_status, rom_symmetry
from analytics.validation import checked_frame, plain_frame
from views import sentences, words
from views.flags import athlete_flag_messages, open_flags_described
from views.reader import Reader


@dataclass(frozen=True)
class MyRecovery:
    """Everything *My recovery* shows for the dates from `start` to `end`."""

    pain_sentences: list[str]  # first vs latest report of each sore area
    rom_sentences: list[str]  # since the first measurement since the latest injury, real changes first
    week: list[str]  # what changed since last week
    week_window: tuple[dt.date, dt.date]  # the first and last day of "this week"
    flags: pd.DataFrame  # the open flags about the athlete, with ``message`` and ``explained`` (plain words)
    trend: pd.DataFrame  # `analytics.recovery.pain_trend`
    sessions: pd.DataFrame  # the athlete's therapy sessions in the dates
    injuries: pd.DataFrame  # the whole injury history, classified
    history: pd.DataFrame  # `analytics.caseload.rom_history`


@dataclass(frozen=True)
class Summary:
    """The plain sentences of *My recovery* for a period, and the ROM status table behind the ROM ones."""

    pain_sentences: list[str]
    rom_sentences: list[str]
    rom_status: pd.DataFrame  # `analytics.rom.rom_status` since the latest injury (empty without ROM)


def summary(
    reports: pd.DataFrame,
    measured: pd.DataFrame,
    injuries: pd.DataFrame,
    norms: pd.DataFrame,
    start: dt.date,
    end: dt.date,
) -> Summary:
    """The pain sentences (first vs latest report per sore area from `start` to `end`), the ROM sentences
    (change since the first measurement since the latest injury in that area, real changes first) and
    the ROM status table behind them."""
    status = rom_status(caseload.rom_since_injury(measured, injuries, start), norms) if not measured.empty else None
    return Summary(
        pain_sentences=sentences.pain_sentences(reports, end, start) if not reports.empty else [],
        rom_sentences=(
            sentences.rom_sentences_ordered(status, rom_symmetry(measured, injuries, norms))
            if status is not None
            else []
        ),
        rom_status=status if status is not None else pd.DataFrame(),
    )


def explained(flags: pd.DataFrame) -> pd.DataFrame:
    """The athlete's flags with ``explained``: how each is checked and, for a ROM flag, its numbers in plain
    words (`views.words.flag_check_words`), where the therapist's screens show the rule and values (LSI, MDC)."""
    said = [
        words.flag_check_words(k, v, s) for k, v, s in zip(flags["kind"], flags["values"], flags["side"], strict=True)
    ]
    return flags.assign(explained=pd.Series(said, index=flags.index, dtype=object))


def my_recovery(reader: Reader, start: dt.date, end: dt.date) -> MyRecovery:
    """*My recovery* of the reader's athlete from `start` to `end`; the week is the one ending on the
    newest data day."""
    day = reader.newest_day() or end
    # each read checked once, for every analytics call below
    reports = checked_frame(reader.pain(None, start, end), S.PainReports)
    measured = checked_frame(reader.rom(None, start, end), S.RomMeasurements)
    injured = checked_frame(reader.injuries(), S.Injuries)
    norms = checked_frame(reader.norms(), S.RomNorms)
    said = summary(reports, measured, injured, norms, start, end)
    first = day - dt.timedelta(days=2 * caseload.TREND_DAYS - 1)
    return MyRecovery(
        pain_sentences=said.pain_sentences,
        rom_sentences=said.rom_sentences,
        week=sentences.week_changes(
            reader.pain(None, first, day), reader.checkins(None, first, day), reader.therapy(None, first, day), day
        ),
        week_window=sentences.week_window(day),
        flags=explained(athlete_flag_messages(open_flags_described(reader))),
        trend=recovery.pain_trend(reports) if not reports.empty else plain_frame(reports),
        sessions=reader.therapy(None, start, end),
        injuries=recurrence.classify_injuries(injured) if not injured.empty else plain_frame(injured),
        history=caseload.rom_history(measured, norms) if not measured.empty else pd.DataFrame(),
    )
