"""Export every kind of record in exactly the layout the import reads (data/imports.py LAYOUTS).

One file per kind, named after it (athletes.csv, wellness_checkins.csv, ...; athletes.xlsx, ...
for Excel: one workbook per kind, one sheet). Text cells a spreadsheet would run as a formula
(starting with =, +, -, @, tab or carriage return) get a leading single quote, which the import
strips again; numbers are left as numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine

from data import queries
from data.imports import FORMULA_STARTS, KINDS, LAYOUTS

_QUERIES = {
    "therapy_sessions": lambda e, ids: queries.therapy_sessions(e, ids, include_notes=True),
    "rom_measurements": queries.rom_measurements,
    "wellness_checkins": queries.wellness_checkins,
    "pain_reports": queries.pain_reports,
    "injuries": lambda e, ids: queries.injuries(e, ids, include_notes=True),
    "training_sessions": queries.training_sessions,
    "ostrc_responses": queries.ostrc_responses,
}
_DATE_COLUMNS = {"date", "onset_date", "return_date", "week_start"}


def neutralise(column: pd.Series) -> pd.Series:
    """Prefix with ' the text cells a spreadsheet would run as a formula (and those already starting
    with ', so that the import's stripping is exact). Non-text values are returned unchanged."""
    text = column.map(lambda v: v if isinstance(v, str) else None)
    risky = text.notna() & (text.str[:1].isin([*FORMULA_STARTS, "'"]))
    if not risky.any():
        return column
    return column.where(~risky, "'" + text)


def export_frames(engine: Engine, athlete_ids: Iterable[int] | None = None) -> dict[str, pd.DataFrame]:
    """The frames export_all writes: kind -> rows in LAYOUTS[kind] order (dates as ISO text)."""
    ids = sorted({int(a) for a in athlete_ids}) if athlete_ids is not None else None
    athletes = queries.athletes(engine, athlete_ids=ids)
    teams = queries.teams(engine).set_index("team_id")
    athletes = athletes.assign(
        sport=athletes["team_id"].map(teams["sport"]), timezone=athletes["team_id"].map(teams["timezone"])
    ).sort_values("external_id")
    external = athletes.set_index("athlete_id")["external_id"]
    frames = {"athletes": athletes}
    for kind, query in _QUERIES.items():
        frame = query(engine, ids)
        frames[kind] = frame.assign(athlete_external_id=frame["athlete_id"].map(external))
    out: dict[str, pd.DataFrame] = {}
    for kind in KINDS:
        frame = frames[kind][LAYOUTS[kind]].copy()
        for column in frame.columns:
            if column in _DATE_COLUMNS:
                frame[column] = frame[column].dt.strftime("%Y-%m-%d").astype(object).where(frame[column].notna(), None)
            elif frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
                frame[column] = neutralise(frame[column].astype(object).where(frame[column].notna(), None))
        out[kind] = frame.reset_index(drop=True)
    return out


def export_all(
    engine: Engine, outdir: str | Path, fmt: str = "csv", athlete_ids: Iterable[int] | None = None
) -> dict[str, Path]:
    """Write one file per kind into `outdir` (created if missing); returns kind -> path.

    `athlete_ids` restricts every file to those athletes (one athlete's or one team's records).
    """
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"format {fmt!r} is not csv or xlsx")
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for kind, frame in export_frames(engine, athlete_ids).items():
        path = outdir / f"{kind}.{fmt}"
        if fmt == "csv":
            frame.to_csv(path, index=False, lineterminator="\n")
        else:
            frame.to_excel(path, index=False, sheet_name=kind[:31], engine="openpyxl")
        written[kind] = path
    return written
