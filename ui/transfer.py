"""Data in and out for the pages: uploads made safe, imports run, exports scoped to the user.

The functions here take an engine and plain values, so the pages and the tests call the same code:
- `import_pmsys_zip` unpacks an uploaded PMSys / PMData .zip into a temporary folder (refusing
  zip-slip paths, links, encrypted members and absurd sizes) and runs `data.pmsys.import_pmsys` on it,
  exactly as `python -m data import --format pmsys DIR` does on a folder;
- `import_records` runs `data.imports.import_file` on an uploaded CSV / .xlsx file;
- `export_scope` / `build_export` decide which athletes and whether clinical notes go into an export
  (`data.access` decides the scope; coaches and athletes never get notes, DESIGN.md) and build the .zip
  with `data.exports.export_zip`.
`export_panel` is the export widget both export screens show.
"""

from __future__ import annotations

import datetime as dt
import io
import lzma
import re
import shutil
import stat
import tempfile
import tomllib
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from data import access, scoped
from data.dates import DateOrder
from data.db import ROOT
from data.errors import ValidationError
from data.exports import export_zip
from data.import_failures import failure_recorded
from data.imports import KINDS, ImportReport, import_file
from data.pmsys import PmsysReport, import_pmsys, participant_folders
from data.record_checks import InvalidRecords
from ui.text import literal
from views import words

Progress = Callable[[int, int], None]


def _max_upload_mb(config: Path = ROOT / ".streamlit" / "config.toml") -> int:
    """Streamlit's `server.maxUploadSize` (MB) as .streamlit/config.toml sets it (200, Streamlit's
    default, when it does not)."""
    try:
        return int(tomllib.loads(config.read_text())["server"]["maxUploadSize"])
    except (OSError, KeyError, ValueError, TypeError):
        return 200


#: Largest upload taken: Streamlit's `server.maxUploadSize` (.streamlit/config.toml), so a file the
#: uploader takes is never refused here for its size, and a direct call is held to the same limit.
MAX_UPLOAD_MB = _max_upload_mb()
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 2**20
#: Largest total size of the files unpacked from a .zip, and the most members it may list.
MAX_UNPACKED_BYTES = 500 * 2**20
MAX_MEMBERS = 20_000
#: A member that unpacks to more than this many times its compressed size is a zip bomb.
MAX_RATIO = 200
#: The files a PMSys import reads; every other member of the .zip is left packed.
PMSYS_FILES = ("wellness.csv", "srpe.csv", "injury.csv")
RECORD_SUFFIXES = (".csv", ".xlsx")


# --------------------------------------------------------------------------- PMSys .zip


def _refuse(name: str, reason: str) -> ValidationError:
    return ValidationError("zip", name, reason)


def _member_path(raw: str) -> PurePosixPath | None:
    """The member's relative path, or None for a member that names a place outside the folder."""
    path = PurePosixPath(raw.replace("\\", "/"))
    if path.is_absolute() or raw.startswith(("/", "\\")) or ".." in path.parts:
        return None
    if path.parts and re.match(r"^[A-Za-z]:", path.parts[0]):
        return None
    return path


def _wanted(path: PurePosixPath) -> bool:
    """A PMSys file (`<participant>/pmsys/<file>.csv`), not macOS metadata."""
    return (
        len(path.parts) >= 3
        and path.parts[-2] == "pmsys"
        and path.name in PMSYS_FILES
        and "__MACOSX" not in path.parts
        and not path.name.startswith("._")
    )


def _folder_name(upload_name: str) -> str:
    stem = Path(upload_name or "upload.zip").stem
    return re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._") or "upload"


#: What reading a damaged member raises: zipfile's BadZipFile (bad CRC, bad header), zlib's and
#: lzma's errors on a broken stream, EOFError when it is cut short, NotImplementedError for an
#: unknown compression method. (Not OSError: that is the disk's, e.g. a full one, and says so.)
DAMAGED = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, NotImplementedError)


def too_large(size: int) -> str:
    """Why an upload of `size` bytes is refused: it is over Streamlit's `server.maxUploadSize`."""
    return (
        f"is {size / 2**20:,.0f} MB, larger than the {MAX_UPLOAD_MB} MB an upload may be; split it, or "
        "import it on the server with `python -m data import`"
    )


def unpack_pmsys_zip(data: bytes, dest: Path, upload_name: str = "upload.zip") -> Path:
    """Unpack the PMSys files of an uploaded .zip into `dest` and return the folder of participant folders.

    Only `<participant>/pmsys/{wellness,srpe,injury}.csv` members are unpacked (a full PMData archive's
    Fitbit and other files are left packed). Refused, with nothing imported: a file that is not a
    .zip, an upload over MAX_UPLOAD_BYTES, more than MAX_MEMBERS members, a member naming a path
    outside the folder (absolute, `..`, a drive letter), a link, an encrypted member, members unpacking
    to more than MAX_UNPACKED_BYTES in all or more than MAX_RATIO times their packed size. The files
    may sit at the top of the .zip or inside one top-level folder (or several nested ones).
    """
    name = upload_name or "upload.zip"
    if len(data) > MAX_UPLOAD_BYTES:
        raise _refuse(name, too_large(len(data)))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as error:
        raise _refuse(name, "is not a .zip file, or is damaged (cut short?); make the .zip again") from error
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise _refuse(name, f"lists {len(members):,} files, more than the {MAX_MEMBERS:,} taken")
        chosen: list[tuple[zipfile.ZipInfo, PurePosixPath]] = []
        for info in members:
            path = _member_path(info.filename)
            if path is None:
                raise _refuse(name, f"holds {info.filename!r}, a path outside its folder")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise _refuse(name, f"holds {info.filename!r}, a link")
            if info.is_dir() or not _wanted(path):
                continue
            if info.flag_bits & 0x1:
                raise _refuse(name, f"holds {info.filename!r}, which is encrypted")
            if info.file_size > MAX_RATIO * max(info.compress_size, 1024):
                raise _refuse(name, f"holds {info.filename!r}, which unpacks to an implausible size")
            chosen.append((info, path))
        if sum(info.file_size for info, _ in chosen) > MAX_UNPACKED_BYTES:
            raise _refuse(name, f"unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MB")
        root = (Path(dest) / _folder_name(name)).resolve()
        root.mkdir(parents=True, exist_ok=True)
        written = 0
        try:
            for info, path in chosen:
                target = root.joinpath(*path.parts).resolve()
                if not target.is_relative_to(root):
                    raise _refuse(name, f"holds {info.filename!r}, a path outside its folder")
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    with archive.open(info) as source, target.open("wb") as out:
                        size = 0
                        while chunk := source.read(1 << 16):
                            size += len(chunk)
                            written += len(chunk)
                            if size > info.file_size or written > MAX_UNPACKED_BYTES:
                                raise _refuse(name, f"holds {info.filename!r}, which unpacks to more than it declares")
                            out.write(chunk)
                except DAMAGED as error:  # a bad CRC, a broken header or compressed stream, a cut-short file
                    raise _refuse(
                        name, f"is damaged: {info.filename!r} in it cannot be read ({error}); make the .zip again"
                    ) from error
        except ValidationError:
            shutil.rmtree(root, ignore_errors=True)  # nothing half unpacked is left behind
            raise
    folder = root
    while not participant_folders(folder):
        inner = [p for p in folder.iterdir() if p.is_dir()]
        if len(inner) != 1:
            raise _refuse(name, "holds no participant folders (each with pmsys/wellness.csv, srpe.csv and injury.csv)")
        folder = inner[0]
    return folder


def import_pmsys_zip(
    engine: Engine,
    data: bytes,
    upload_name: str,
    team: str = "PMData",
    timezone: str = "UTC",
    progress: Progress | None = None,
    actor_id: int | None = None,
) -> PmsysReport:
    """Import an uploaded PMSys / PMData .zip: unpacked into a temporary folder, then the very
    import the CLI runs on a folder (`data.pmsys.import_pmsys`), in one transaction."""
    scratch = Path(tempfile.mkdtemp(prefix="fascia-pmsys-"))
    try:
        with failure_recorded(engine, actor_id, "teams", upload_name):
            folder = unpack_pmsys_zip(data, scratch, upload_name)
            report = import_pmsys(engine, folder, team=team, timezone=timezone, progress=progress, actor_id=actor_id)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    report.folder = upload_name
    return report


def pmsys_tables(report: PmsysReport) -> pd.DataFrame:
    """What a PMSys import wrote, one row per kind of record."""
    return pd.DataFrame(
        [
            {
                "Records": words.word(words.RECORD_KINDS, table),
                "Inserted": result.inserted,
                "Updated": result.updated,
                "Unchanged": result.unchanged,
            }
            for table, result in report.tables.items()
        ],
        columns=["Records", "Inserted", "Updated", "Unchanged"],
    )


def pmsys_fixes(report: PmsysReport) -> pd.DataFrame:
    """What a PMSys import skipped or fixed (docs/PMSYS.md), one row per rule, with the details."""
    sections = (
        ("Blank rows skipped", report.blank_rows),
        ("Off-scale values stored as missing", report.off_scale),
        ("Same-day duplicates resolved to the later entry", report.duplicates),
        ("Unknown codes or locations skipped", report.unknown),
        ("Rows skipped", report.skipped),
    )
    rows = [
        {
            "What": title,
            "Count": sum(counts.values()),
            "Details": ", ".join(f"{key} {value}" for key, value in sorted(counts.items()) if value),
        }
        for title, counts in sections
    ]
    rows.append(
        {
            "What": "Pain reports of one date, region and side merged (highest kept)",
            "Count": report.merged_pain,
            "Details": "",
        }
    )
    rows.append(
        {"What": "Files not present", "Count": len(report.missing_files), "Details": ", ".join(report.missing_files)}
    )
    return pd.DataFrame(rows, columns=["What", "Count", "Details"])


# --------------------------------------------------------------------------- CSV / Excel records


def import_records(
    engine: Engine,
    kind: str,
    data: bytes,
    upload_name: str,
    *,
    create_athletes: bool = False,
    team: str | None = None,
    actor_id: int | None = None,
    progress: Progress | None = None,
    date_order: DateOrder = DateOrder.NONE,
    decimal_comma: bool = False,
) -> ImportReport:
    """Import an uploaded CSV / .xlsx file of `kind` (`data.imports.import_file`, one transaction), its
    dates not written YYYY-MM-DD read in `date_order`, its numbers with decimal commas if `decimal_comma`."""
    with failure_recorded(engine, actor_id, kind, upload_name):  # a failed import is listed on *Overview*
        if not upload_name.lower().endswith(RECORD_SUFFIXES):
            raise ValidationError("file", upload_name, "is not a .csv or .xlsx file")
        if len(data) > MAX_UPLOAD_BYTES:
            raise ValidationError("file", upload_name, too_large(len(data)))
        return import_file(
            engine,
            kind,
            data,
            create_athletes=create_athletes,
            team=team,
            actor_id=actor_id,
            progress=progress,
            filename=upload_name,
            date_order=date_order,
            decimal_comma=decimal_comma,
        )


def problem_table(error: InvalidRecords) -> pd.DataFrame:
    """Every problem of a refused import: spreadsheet row (header = 1), column, value and reason."""
    return pd.DataFrame(
        [
            {
                "Row": problem.row,
                "Column": problem.field,
                "Value": "" if problem.value is None else str(problem.value),
                "Problem": problem.reason,
            }
            for problem in error.errors
        ],
        columns=["Row", "Column", "Value", "Problem"],
    ).astype({"Row": "Int64"})


def unknown_athletes(error: InvalidRecords) -> list[str]:
    """The external ids a refused import did not know (the importer names each once)."""
    return sorted(
        {
            str(problem.value)
            for problem in error.errors
            if problem.field == "athlete_external_id" and problem.reason.startswith("is not a known athlete")
        }
    )


# --------------------------------------------------------------------------- exports


@dataclass(frozen=True)
class ExportScope:
    """Which athletes an export holds (None = every table, admins only) and whether it carries notes."""

    description: str
    athlete_ids: list[int] | None
    include_notes: bool
    slug: str


def export_scope(
    engine: Engine, who: access.Viewer, team_id: int | None = None, athlete_id: int | None = None
) -> ExportScope:
    """The export `who` may have: one athlete's or one team's records, or everything in their scope.

    The scope is `data.access`'s: an athlete gets only themself, whatever is asked; a coach or therapist
    only athletes of their teams (an id outside it gives an empty export). Clinical notes go only to
    those who may read them (therapists and admins).
    """
    notes = who.sees_clinical_notes
    if who.role == "athlete":
        return ExportScope("your own records", access.allowed_athlete_ids(engine, who), notes, "my-data")
    if athlete_id is not None:
        found = scoped.athletes(engine, who, athlete_ids=[athlete_id])
        name = found["external_id"].iloc[0] if len(found) else str(athlete_id)
        return ExportScope(f"athlete {name}", found["athlete_id"].tolist(), notes, f"athlete-{_slug(name)}")
    if team_id is not None:
        members = scoped.athletes(engine, who, team_ids=[team_id])
        teams = scoped.teams(engine, who, team_ids=[team_id])
        name = teams["name"].iloc[0] if len(teams) else str(team_id)
        return ExportScope(f"team {name}", members["athlete_id"].tolist(), notes, f"team-{_slug(name)}")
    if who.role == "admin":
        return ExportScope("every table", None, notes, "all")
    return ExportScope("all athletes of your teams", access.allowed_athlete_ids(engine, who), notes, "my-teams")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "x"


def export_file_name(scope: ExportScope, fmt: str, day: dt.date | None = None) -> str:
    return f"fascia-{scope.slug}-{fmt}-{(day or dt.date.today()).isoformat()}.zip"


def build_export(engine: Engine, who: access.Viewer, scope: ExportScope, fmt: str) -> bytes:
    """The .zip of `scope` (one file per kind, the import's layout); audited with `who` as the actor."""
    return export_zip(
        engine, fmt, athlete_ids=scope.athlete_ids, include_notes=scope.include_notes, actor_id=who.user_id
    )


FORMATS = {"csv": "CSV", "xlsx": "Excel (.xlsx)"}


def export_panel(engine: Engine, who: access.Viewer, athletes: pd.DataFrame, teams: pd.DataFrame) -> None:
    """The export widget: scope (within `athletes` / `teams`, the user's), format and the download.

    The .zip is built when the button is pressed (a deferred download), so opening the page costs
    nothing and each download is one audit entry.
    """
    team_id = athlete_id = None
    if who.role != "athlete":
        everything = "Every table" if who.role == "admin" else "All my teams"
        choices = [everything, "One team", "One athlete"]
        picked = st.radio("What to export", choices, horizontal=True, key="export_what")
        if picked == "One team":
            names = dict(zip(teams["team_id"].astype(int), teams["name"], strict=True))
            team_id = st.selectbox("Team", list(names), format_func=names.get, key="export_team")
            if team_id is None:
                st.info("There are no teams to export.")
                return
        elif picked == "One athlete":
            labels = {
                int(row.athlete_id): f"{row.display_name} ({row.external_id}, {row.team})"
                for row in athletes.itertuples()
            }
            athlete_id = st.selectbox("Athlete", list(labels), format_func=labels.get, key="export_athlete")
            if athlete_id is None:
                st.info("There are no athletes to export.")
                return
    fmt = st.segmented_control(
        "Format", list(FORMATS), format_func=FORMATS.get, default="csv", key="export_format", required=True
    )
    fmt = fmt or "csv"
    scope = export_scope(engine, who, team_id=team_id, athlete_id=athlete_id)
    label = "Download my data" if who.role == "athlete" else "Download the export"
    st.download_button(
        label,
        data=lambda: build_export(engine, who, scope, fmt),
        file_name=export_file_name(scope, fmt),
        mime="application/zip",
        icon=":material/download:",
        type="primary",
        key="export_download",
        on_click="ignore",
    )
    kinds = ", ".join(f"{kind}.{fmt}" for kind in KINDS)
    if who.role == "athlete":
        st.caption(
            f"A .zip with one file per kind of record ({kinds}), holding your own records only. The files "
            "are in the layout Fascia's import reads, so another Fascia can import them as they are. "
            "Your therapist's clinical notes are not included."
        )
        return
    notes = (
        "Clinical notes (therapy sessions, injuries) are included."
        if scope.include_notes
        else "Clinical notes are left out: the notes columns are empty."
    )
    st.caption(
        f"A .zip of {literal(scope.description)}: one file per kind of record ({kinds}), in exactly the layout "
        "the import reads, so it re-imports into Fascia as it is (Import and export, or "
        f"`python -m data import --kind KIND FILE`). {notes} Cells a spreadsheet would run as a formula are "
        "neutralised. User accounts and passwords are never exported."
    )
