"""The viewer's scoped reads, as the views take them: a `Reader` protocol and `ScopedReader`, the reads of
`data.scoped` bound to an engine and a `data.access.Viewer`.

Every time series is read the same way: ``(athlete_ids, start, end)``, athlete ids as a sorted tuple
(`ids`; None = everyone in the viewer's scope) and the dates inclusive (None = unbounded). Ids outside
the scope are dropped by `data.scoped`, never an error. `ui.loaders.CachedReader` is the same protocol
with each table read cached per user and scope, so the views' reads are shared across screens.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

import pandas as pd
from sqlalchemy import Engine

from data import access, scoped

#: Athlete ids as the readers (and their caches) take them: a sorted tuple, None = everyone in scope.
Ids = tuple[int, ...] | None


def ids(values: Iterable[int] | None) -> Ids:
    """A hashable, sorted athlete-id key (None = everyone in scope)."""
    return None if values is None else tuple(sorted({int(v) for v in values}))


class Reader(Protocol):
    """What a view may read: the viewer's athletes, teams and user directory, each time series by athletes and dates, the
    injuries (the whole history: recurrence needs it), the return-to-sport stages and the club's checklists,
    the closed flags, the teams' own flag thresholds, the ROM norms and the newest data day. Clinical notes are in the frames only for those who may read them (`data.scoped`)."""

    def athletes(self) -> pd.DataFrame: ...

    def teams(self) -> pd.DataFrame: ...

    def users(self) -> pd.DataFrame: ...

    def checkins(
        self, athlete_ids: Ids = None, start: dt.date | None = None, end: dt.date | None = None
    ) -> pd.DataFrame: ...

    def pain(
        self, athlete_ids: Ids = None, start: dt.date | None = None, end: dt.date | None = None
    ) -> pd.DataFrame: ...

    def therapy(
        self, athlete_ids: Ids = None, start: dt.date | None = None, end: dt.date | None = None
    ) -> pd.DataFrame: ...

    def rom(
        self, athlete_ids: Ids = None, start: dt.date | None = None, end: dt.date | None = None
    ) -> pd.DataFrame: ...

    def training(
        self, athlete_ids: Ids = None, start: dt.date | None = None, end: dt.date | None = None
    ) -> pd.DataFrame: ...

    def ostrc(
        self, athlete_ids: Ids = None, start: dt.date | None = None, end: dt.date | None = None
    ) -> pd.DataFrame: ...

    def injuries(self, athlete_ids: Ids = None) -> pd.DataFrame: ...

    def health_problems(
        self, athlete_ids: Ids = None, start: dt.date | None = None, end: dt.date | None = None
    ) -> pd.DataFrame: ...

    def rts_stages(self, athlete_ids: Ids = None) -> pd.DataFrame: ...

    def rts_criteria(self) -> pd.DataFrame: ...

    def flag_reviews(self, athlete_ids: Ids = None) -> pd.DataFrame: ...

    def flag_rules(self) -> pd.DataFrame: ...

    def norms(self) -> pd.DataFrame: ...

    def newest_day(self) -> dt.date | None: ...


@dataclass(frozen=True)
class ScopedReader:
    """`Reader` over `data.scoped`: every read as `viewer`, on `engine`, uncached."""

    engine: Engine
    viewer: access.Viewer

    def athletes(self) -> pd.DataFrame:
        return scoped.athletes(self.engine, self.viewer)

    def teams(self) -> pd.DataFrame:
        return scoped.teams(self.engine, self.viewer)

    def users(self) -> pd.DataFrame:
        return scoped.users(self.engine, self.viewer)

    def checkins(
        self, athlete_ids: Ids = None, start: dt.date | None = None, end: dt.date | None = None
    ) -> pd.DataFrame:
        return scoped.checkins(self.engine, self.viewer, athlete_ids, start, end)

    def pain(self, athlete_ids: Ids = None, start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
        return scoped.pain_reports(self.engine, self.viewer, athlete_ids, start, end)

    def therapy(
        self, athlete_ids: Ids = None, start: dt.date | None = None, end: dt.date | None = None
    ) -> pd.DataFrame:
        return scoped.therapy_sessions(self.engine, self.viewer, athlete_ids, start, end)

    def rom(self, athlete_ids: Ids = None, start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
        return scoped.rom_measurements(self.engine, self.viewer, athlete_ids, start, end)

    def training(
        self, athlete_ids: Ids = None, start: dt.date | None = None, end: dt.date | None = None
    ) -> pd.DataFrame:
        return scoped.training_sessions(self.engine, self.viewer, athlete_ids, start, end)

    def ostrc(self, athlete_ids: Ids = None, start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
        return scoped.ostrc_responses(self.engine, self.viewer, athlete_ids, start, end)

    def injuries(self, athlete_ids: Ids = None) -> pd.DataFrame:
        return scoped.injuries(self.engine, self.viewer, athlete_ids)

    def health_problems(
        self, athlete_ids: Ids = None, start: dt.date | None = None, end: dt.date | None = None
    ) -> pd.DataFrame:
        return scoped.health_problems(self.engine, self.viewer, athlete_ids, start, end)

    def rts_stages(self, athlete_ids: Ids = None) -> pd.DataFrame:
        return scoped.rts_stages(self.engine, self.viewer, athlete_ids)

    def rts_criteria(self) -> pd.DataFrame:
        return scoped.rts_criteria(self.engine)

    def flag_reviews(self, athlete_ids: Ids = None) -> pd.DataFrame:
        return scoped.flag_reviews(self.engine, self.viewer, athlete_ids)

    def flag_rules(self) -> pd.DataFrame:
        return scoped.flag_rules(self.engine, self.viewer)

    def norms(self) -> pd.DataFrame:
        return scoped.rom_norms(self.engine)

    def newest_day(self) -> dt.date | None:
        return scoped.newest_data_day(self.engine)
