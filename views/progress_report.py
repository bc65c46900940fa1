"""The progress report (the HTML file of `ui.report`, from *Athlete progress* and *My recovery*): the frames
of *Athlete progress* with the plain sentences of *My recovery* and the ROM status table behind them.
Clinical notes are in the frames only for those who may read them (the reader's scope)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from views.athlete_progress import AthleteProgress, athlete_progress
from views.my_recovery import Summary, summary
from views.reader import Reader, ids


@dataclass(frozen=True)
class ProgressReport:
    """What the progress report prints for one athlete and date range."""

    start: dt.date
    end: dt.date
    progress: AthleteProgress  # the frames of *Athlete progress*
    summary: Summary  # the sentences of *My recovery* and the ROM status


def progress_report(
    reader: Reader, athlete_id: int, start: dt.date, end: dt.date, progress: AthleteProgress | None = None
) -> ProgressReport:
    """The progress report of one athlete from `start` to `end`; `progress`: the athlete's
    `athlete_progress` for these dates when the caller has it (a cached view), computed here otherwise."""
    me = ids([athlete_id])
    said = summary(
        reader.pain(me, start, end), reader.rom(me, start, end), reader.injuries(me), reader.norms(), start, end
    )
    if progress is None:
        progress = athlete_progress(reader, athlete_id, start, end)
    return ProgressReport(start=start, end=end, progress=progress, summary=said)
