"""Export every kind of record in exactly the layout the import reads (data/imports.py LAYOUTS).

One file per kind, named after it (athletes.csv, wellness_checkins.csv, ...; athletes.xlsx, ...
for Excel: one workbook per kind, one sheet). Text cells a spreadsheet would run as a formula
(starting with =, +, -, @, tab or carriage return) get a leading single quote, which the import
strips again; numbers are left as numbers.

`include_notes=False` writes the clinical columns empty (therapy sessions' notes; a health problem's
diagnosis, tissue, pathology, organ system, cause, OSIICS code and notes:
`data.time_series.TIME_SERIES["health_problems"].clinical`), for exports by coaches and athletes.

The health problems file (injuries.csv: injuries and illnesses) carries `days_lost`, computed, never
read back: `analytics.surveillance.days_lost` of a time-loss problem (Bahr et al. 2020: the days
between onset and return to full participation, neither counted; 0 for a problem without time-loss),
blank while the problem is open (no return date), whatever the day of the export. Each export writes one audit entry (action "export") naming the
format, the athletes, whether notes were included and the row counts, never the content; without an
`actor_id` (`python -m data export`) the entry has no user and says it came from the command line.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, select

from analytics.lookup import looked_up
from analytics.surveillance import days_lost
from data import queries, spreadsheet
from data.audit import audit
from data.db import write_transaction
from data.imports import KINDS, LAYOUTS, LINK_DATE_COLUMNS, LINKS
from data.models import RomMeasurement
from data.time_series import TIME_SERIES

#: The time series each file of an export is read from (all but the flag reviews, which no file
#: imports), notes included: the injuries file holds every health problem, illnesses too.
_EXPORTED_SERIES = {
    "therapy_sessions": "therapy_sessions",
    "rom_measurements": "rom_measurements",
    "wellness_checkins": "wellness_checkins",
    "pain_reports": "pain_reports",
    "injuries": "health_problems",
    "training_sessions": "training_sessions",
    "ostrc_responses": "ostrc_responses",
}
_DATE_COLUMNS = {"date", "onset_date", "return_date", "week_start", *LINK_DATE_COLUMNS}
# the frame (and its id column) a link to a record points into
_LINK_TARGETS = {"injury_id": ("injuries", "injury_id"), "session_id": ("therapy_sessions", "session_id")}
FORMATS = ("csv", "xlsx")


def export_frames(
    engine: Engine, athlete_ids: Iterable[int] | None = None, include_notes: bool = True
) -> dict[str, pd.DataFrame]:
    """The frames export_all writes: kind -> rows in LAYOUTS[kind] order (dates as ISO text).

    `include_notes=False` leaves the clinical notes columns empty (the column stays in the layout).
    """
    ids = sorted({int(a) for a in athlete_ids}) if athlete_ids is not None else None
    athletes = queries.athletes(engine, athlete_ids=ids)
    teams = queries.teams(engine).set_index("team_id")
    athletes = athletes.assign(
        sport=athletes["team_id"].map(teams["sport"]), timezone=athletes["team_id"].map(teams["timezone"])
    ).sort_values("external_id")
    external = athletes.set_index("athlete_id")["external_id"]
    frames = {"athletes": athletes}
    for kind, series in _EXPORTED_SERIES.items():
        frame = queries.records(engine, series, ids, include_notes=True)
        frames[kind] = frame.assign(athlete_external_id=frame["athlete_id"].map(external))
    frames["injuries"] = _with_days_lost(frames["injuries"])
    frames["rom_measurements"]["measured_by"] = frames["rom_measurements"]["measurement_id"].map(
        _measured_by(engine, ids)
    )
    _add_links(frames, queries.users(engine).set_index("user_id")["username"])
    out: dict[str, pd.DataFrame] = {}
    for kind in KINDS:
        frame = frames[kind][LAYOUTS[kind]].copy()
        for column in frame.columns:
            if column in _DATE_COLUMNS:
                frame[column] = frame[column].dt.strftime("%Y-%m-%d").astype(object).where(frame[column].notna(), None)
            elif not pd.api.types.is_numeric_dtype(frame[column]):
                frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
        clinical = TIME_SERIES[_EXPORTED_SERIES[kind]].clinical if kind in _EXPORTED_SERIES else None
        if not include_notes and clinical:  # the clinical free text, written empty
            frame[list(clinical)] = None
        out[kind] = frame.reset_index(drop=True)
    return out


def _with_days_lost(problems: pd.DataFrame) -> pd.DataFrame:
    """The health problems with `days_lost` (`analytics.surveillance.days_lost`), blank while open."""
    counted = days_lost(problems)["days_lost"].astype("Int64")
    return problems.assign(days_lost=counted.where(problems["return_date"].notna()))


def _measured_by(engine: Engine, athlete_ids: list[int] | None) -> pd.Series:
    """measurement id -> the id of the user who measured it (not in queries.rom_measurements)."""
    rom = RomMeasurement
    statement = select(rom.id, rom.measured_by).where(rom.measured_by.is_not(None))
    if athlete_ids is not None:
        statement = statement.where(rom.athlete_id.in_(athlete_ids))
    with engine.connect() as connection:
        rows = connection.execute(statement).all()
    return pd.Series({int(i): int(u) for i, u in rows}, dtype="Int64")


def _add_links(frames: dict[str, pd.DataFrame], usernames: pd.Series) -> None:
    """Write each link (data.imports.LINKS) as its readable columns: a username, or the linked
    record's natural key (it is a record of the same athlete, in the same export)."""
    for kind, links in LINKS.items():
        frame = frames[kind]
        for link in links:
            ids = frame[link.field].astype("Int64")
            if link.per_athlete:
                target_kind, id_column = _LINK_TARGETS[link.field]
                target = frames[target_kind].set_index(id_column)
                for column, match in zip(link.columns, link.matches, strict=True):
                    frame[column] = looked_up(ids, target[match])
            else:
                frame[link.columns[0]] = looked_up(ids, usernames)


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r} is not csv or xlsx")


def _audit_export(
    engine: Engine,
    actor_id: int | None,
    fmt: str,
    athlete_ids: list[int] | None,
    include_notes: bool,
    frames: dict[str, pd.DataFrame],
) -> None:
    scope = "all athletes" if athlete_ids is None else f"athletes {','.join(map(str, athlete_ids))}"
    counts = ", ".join(f"{kind} {len(frame)}" for kind, frame in frames.items())
    notes = "with notes" if include_notes else "without notes"
    by = "" if actor_id is not None else "; by the command line (no signed-in user)"
    with write_transaction(engine) as connection:
        audit(connection, actor_id, "export", "all", None, f"{fmt}; {scope}; {notes}; rows: {counts}{by}")


def _ids(athlete_ids: Iterable[int] | None) -> list[int] | None:
    return sorted({int(a) for a in athlete_ids}) if athlete_ids is not None else None


def export_all(
    engine: Engine,
    outdir: str | Path,
    fmt: str = "csv",
    athlete_ids: Iterable[int] | None = None,
    include_notes: bool = True,
    actor_id: int | None = None,
) -> dict[str, Path]:
    """Write one file per kind into `outdir` (created if missing); returns kind -> path.

    `athlete_ids` restricts every file to those athletes (one athlete's or one team's records).
    """
    _check_format(fmt)
    ids = _ids(athlete_ids)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    frames = export_frames(engine, ids, include_notes=include_notes)
    written: dict[str, Path] = {}
    for kind, frame in frames.items():
        path = outdir / f"{kind}.{fmt}"
        spreadsheet.write(frame, path, fmt, kind)
        written[kind] = path
    _audit_export(engine, actor_id, fmt, ids, include_notes, frames)
    return written


def export_zip(
    engine: Engine,
    fmt: str = "csv",
    athlete_ids: Iterable[int] | None = None,
    include_notes: bool = True,
    actor_id: int | None = None,
) -> bytes:
    """A .zip (for UI downloads) holding the files export_all writes: athletes.csv, ... (or .xlsx)."""
    _check_format(fmt)
    ids = _ids(athlete_ids)
    frames = export_frames(engine, ids, include_notes=include_notes)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for kind, frame in frames.items():
            member = io.BytesIO()
            spreadsheet.write(frame, member, fmt, kind)
            archive.writestr(f"{kind}.{fmt}", member.getvalue())
    _audit_export(engine, actor_id, fmt, ids, include_notes, frames)
    return buffer.getvalue()
