"""Generic CSV / Excel import: one documented layout per kind of record (docs/IMPORT_EXPORT.md).

Athletes are named by their external id in every file (`athlete_external_id`; `external_id` in
athletes.csv), never by database ids. An import validates every row first and raises
`InvalidRecords` listing every problem by spreadsheet row (header = row 1) and column; only then
does it write, in one transaction, upserting on each kind's natural key, so importing the same file
twice changes nothing the second time.
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import itertools
import operator
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Date, Engine, String, func, insert, select, type_coerce, update
from sqlalchemy.exc import IntegrityError

from analytics.vocabulary import DOMINANT_SIDES
from data.audit import audit
from data.bulk import insert_rows, key_getter
from data.dates import DateOrder, read_dates
from data.db import write_transaction
from data.errors import ValidationError
from data.logs import logged_import
from data.models import Athlete, Injury, Team, TherapySession, User
from data.record_checks import InvalidRecords, cross_field_problems, validate_frame, with_derived_fields
from data.records import RECORD_KINDS, Field, RecordKind
from data.spreadsheet import FORMULA_STARTS, csv_text
from data.time_zones import check_timezone

Progress = Callable[[int, int], None]

# The athletes file: athletes are upserted on external_id; their team is matched by name and
# created (with sport and timezone from the file) when missing.
ATHLETE_KIND = RecordKind(
    "athletes",
    Athlete,
    (
        Field("external_id", "str", max_length=64),
        Field("display_name", "str", max_length=120),
        Field("team", "str", max_length=120),
        Field("sport", "str", required=False, max_length=60),
        Field("timezone", "str", required=False, max_length=60),
        Field("position", "str", required=False, max_length=60),
        Field("dominant_side", "str", required=False, choices=DOMINANT_SIDES),
        Field("active", "bool", required=False),
    ),
    ("external_id",),
)

# Database-id fields of the record kinds that a file never carries: the athlete is named by its
# external id, and the links below by readable columns.
_ID_FIELDS = {"athlete_id", "therapist_id", "injury_id", "session_id", "measured_by", "training_session_id"}

#: Columns a file carries that are computed from the others, never read: each is written after the
#: field named with it, and an import accepts and ignores it. A health problem's days lost are counted
#: from its onset and return dates (`data.exports`, `analytics.surveillance.days_lost`).
COMPUTED_COLUMNS: dict[str, dict[str, str]] = {"injuries": {"return_date": "days_lost"}}


@dataclass(frozen=True)
class Link:
    """A link between records, written in files as readable columns instead of a database id.

    `field` (the id column of the record kind) is resolved from the file's `columns`, matched in order
    against `matches` of `model`: a user by username, or a record of the row's own athlete by that
    record's natural key (without the athlete). All columns blank = no link. The `blank_together`
    columns may be blank together, matching a record whose fields are missing (a health problem's
    region, side and type: an illness has none); given in part they are refused.
    """

    field: str
    columns: tuple[str, ...]
    model: Any
    matches: tuple[str, ...]
    what: str
    blank_together: tuple[str, ...] = ()

    @property
    def per_athlete(self) -> bool:
        return self.model is not User


LINKS: dict[str, tuple[Link, ...]] = {
    "therapy_sessions": (
        Link("therapist_id", ("therapist_username",), User, ("username",), "user"),
        Link(
            "injury_id",
            ("injury_onset_date", "injury_body_region", "injury_side", "injury_type"),
            Injury,
            ("onset_date", "body_region", "side", "injury_type"),
            "health problem",
            blank_together=("injury_body_region", "injury_side", "injury_type"),
        ),
    ),
    "rom_measurements": (
        Link(
            "session_id",
            ("session_date", "session_technique", "session_body_region", "session_side"),
            TherapySession,
            ("date", "technique", "body_region", "side"),
            "therapy session",
        ),
        Link("measured_by", ("measured_by_username",), User, ("username",), "user"),
    ),
}
# the link columns holding dates (normalised to ISO before matching)
LINK_DATE_COLUMNS = {"injury_onset_date", "session_date"}

# Training sessions have no natural key in the database; an import matches them on all their fields,
# counting copies: a file with n identical sessions against m stored ones inserts max(0, n - m).
TRAINING_IMPORT_KEY = ("athlete_id", "date", "kind", "minutes", "rpe")


def _layout(kind: RecordKind) -> list[str]:
    """The kind's fields with the athlete first and each link's readable columns where its id would be."""
    links = {link.field: link.columns for link in LINKS.get(kind.name, ())}
    computed = COMPUTED_COLUMNS.get(kind.name, {})
    columns = ["athlete_external_id"]
    for f in kind.fields:
        if f.name in links:
            columns += links[f.name]
        elif f.name not in _ID_FIELDS:
            columns.append(f.name)
        if f.name in computed:
            columns.append(computed[f.name])
    return columns


LAYOUTS: dict[str, list[str]] = {
    "athletes": ATHLETE_KIND.columns,
    **{name: _layout(kind) for name, kind in RECORD_KINDS.items() if name != "athletes"},
}
# Import order (and export file order): a file may link to records of the files before it.
KINDS: tuple[str, ...] = (
    "athletes",
    "injuries",
    "therapy_sessions",
    "rom_measurements",
    "wellness_checkins",
    "pain_reports",
    "training_sessions",
    "ostrc_responses",
)
LAYOUTS = {k: LAYOUTS[k] for k in KINDS}

_EXAMPLES: dict[str, dict[str, Any]] = {
    "athletes": {
        "external_id": "A-0001",
        "display_name": "Ada Example",
        "team": "First team",
        "sport": "football",
        "timezone": "Europe/Oslo",
        "position": "midfielder",
        "dominant_side": "right",
        "active": "true",
    },
    "therapy_sessions": {
        "therapist_username": "therapist",
        "date": "2024-03-04",
        "technique": "active_release",
        "body_region": "thigh",
        "side": "left",
        "minutes": 30,
        "pain_before": 5,
        "pain_after": 3,
        "discomfort": 6,
        "injury_onset_date": "2024-02-10",
        "injury_body_region": "thigh",
        "injury_side": "left",
        "injury_type": "muscle_strain",
        "notes": "hamstring adhesions",
    },
    "rom_measurements": {
        "date": "2024-03-04",
        "joint": "hip",
        "movement": "flexion",
        "side": "left",
        "value": 95.0,
        "unit": "deg",
        "method": "goniometer",
        "context": "screening",
        "session_date": "2024-03-04",
        "session_technique": "active_release",
        "session_body_region": "thigh",
        "session_side": "left",
        "measured_by_username": "therapist",
    },
    "wellness_checkins": {
        "date": "2024-03-04",
        "fatigue": 3,
        "sleep_quality": 4,
        "soreness": 3,
        "stress": 4,
        "mood": 4,
        "sleep_hours": 7.5,
        "readiness": 7,
        "availability": "full",
    },
    "pain_reports": {"date": "2024-03-04", "body_region": "knee", "side": "right", "pain": 3},
    "injuries": {
        "problem_type": "injury",
        "onset_date": "2024-02-10",
        "body_region": "thigh",
        "side": "left",
        "injury_type": "muscle_strain",
        "onset_mode": "sudden",
        "contact": "non_contact",
        "activity": "match",
        "body_area": "thigh",
        "tissue": "muscle_tendon",
        "pathology": "muscle_injury",
        "diagnosis": "Hamstring strain, biceps femoris",
        "time_loss": "true",
        "return_date": "2024-03-01",
        "days_lost": 19,
        "notes": "",
    },
    "training_sessions": {"date": "2024-03-04", "minutes": 90, "rpe": 6, "kind": "training"},
    "ostrc_responses": {"week_start": "2024-03-04", "q1": 0, "q2": 8, "q3": 0, "q4": 0},
}


def template(kind: str) -> str:
    """The CSV template of `kind`: its header and one example row."""
    if kind not in LAYOUTS:
        raise ValidationError("kind", kind, f"is not one of: {', '.join(LAYOUTS)}")
    example = {"athlete_external_id": "A-0001", **_EXAMPLES[kind]}
    return csv_text(pd.DataFrame([{c: example.get(c, "") for c in LAYOUTS[kind]}]))


@dataclass
class ImportReport:
    kind: str
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    blank_rows: int = 0
    athletes_created: list[str] = field(default_factory=list)
    teams_created: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"{self.kind}: {self.rows:,} rows: {self.inserted:,} inserted, {self.updated:,} updated, "
            f"{self.unchanged:,} unchanged"
        ]
        if self.blank_rows:
            out.append(f"skipped {self.blank_rows:,} blank rows")
        if self.teams_created:
            out.append(f"created {len(self.teams_created)} teams: {', '.join(self.teams_created)}")
        if self.athletes_created:
            shown = ", ".join(self.athletes_created[:20])
            more = f" and {len(self.athletes_created) - 20} more" if len(self.athletes_created) > 20 else ""
            out.append(f"created {len(self.athletes_created)} athletes: {shown}{more}")
        return out


# ---------------------------------------------------------------- reading

#: Rows of a CSV file read, validated and written at a time (`import_file(read_rows=...)`): what an
#: import holds in memory is about one chunk of this many rows, whatever the size of the file.
READ_ROWS = 50_000
#: Most rows one import takes (counted as the file's lines, blank ones included); a larger file is
#: refused before any of it is read. Split it, or import it with the CLI in parts.
MAX_IMPORT_ROWS = 2_000_000
#: Most problems a refused file lists, beyond one per unknown athlete; the rest are counted.
MAX_LISTED_PROBLEMS = 10_000
#: The text encodings a CSV file may be in, as a refusal names them.
ENCODINGS_READ = "UTF-8 (with or without a byte-order mark) or UTF-16 with a byte-order mark (Excel's Unicode text)"
_HEAD_BYTES = 1 << 16


def _is_workbook(name: str) -> bool:
    return Path(name).suffix.lower() in (".xlsx", ".xlsm")


def _source_name(source: str | Path | IO[Any] | bytes, name: str | None) -> str:
    if name:
        return name
    if isinstance(source, str | Path):
        return Path(source).name
    return Path(str(getattr(source, "name", "") or "upload")).name


@contextmanager
def _binary(source: str | Path | IO[Any] | bytes) -> Iterator[IO[Any]]:
    """The source as a readable handle at its start (a path is opened, bytes wrapped; a buffer is read
    from where it stands)."""
    if isinstance(source, bytes):
        yield io.BytesIO(source)
    elif isinstance(source, str | Path):
        with open(source, "rb") as file:
            yield file
    else:
        yield source


def _encoding(head: bytes) -> str | None:
    """The encoding of a CSV file from its first bytes: UTF-16 with a byte-order mark, else UTF-8
    (its byte-order mark skipped when there is one); None for text no encoding read can be (a NUL byte:
    UTF-16 or UTF-32 without a byte-order mark, or a binary file)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not head.startswith(codecs.BOM_UTF32_LE):
        return "utf-16"
    if b"\x00" in head:
        return None
    return "utf-8-sig"


def _count_lines(handle: IO[Any]) -> int:
    """Newlines in the rest of `handle` (which is left where it was), read a block at a time."""
    start = handle.tell()
    lines = 0
    while block := handle.read(1 << 22):
        lines += block.count(b"\n" if isinstance(block, bytes) else "\n")
    handle.seek(start)
    return lines


def _not_read(name: str, what: str, error: Exception) -> ValidationError:
    if isinstance(error, UnicodeError):
        reason = f"is not text in an encoding Fascia reads: {ENCODINGS_READ}"
    else:
        reason = f"is not {what} ({type(error).__name__}: {str(error)[:120]})"
    return ValidationError("file", name, reason, row=None)


def _too_many_rows(name: str, rows: int) -> ValidationError:
    return ValidationError(
        "file",
        name,
        f"has {rows:,} rows, more than the {MAX_IMPORT_ROWS:,} one import takes; split it into smaller files",
        row=None,
    )


@contextmanager
def _frames(
    source: str | Path | IO[Any] | bytes, name: str, read_rows: int
) -> Iterator[tuple[Iterator[pd.DataFrame], str, int]]:
    """(the file's rows, `read_rows` at a time, every cell a stripped string ('' when empty), columns as
    in the file; the CSV delimiter found by `_delimiter`, '' for a workbook; how many rows it holds, at
    most: a CSV file's lines after the header). A workbook is read whole (it holds at most 1,048,576
    rows). A file over MAX_IMPORT_ROWS is refused before it is read; a file not read as a workbook or
    as CSV text in ENCODINGS_READ is refused naming the file, when its first rows are read or later."""
    with _binary(source) as handle:
        if _is_workbook(name):
            try:
                frame = pd.read_excel(handle, dtype=object, engine="openpyxl")
            except OSError:
                raise
            except Exception as error:  # not a workbook, a corrupt .zip inside...
                raise _not_read(name, "an .xlsx workbook", error) from error
            if len(frame) > MAX_IMPORT_ROWS:
                raise _too_many_rows(name, len(frame))
            frame = frame.astype(object).where(frame.notna(), "")
            for column in frame.columns:
                frame[column] = frame[column].map(_excel_text)
            yield iter([_cleaned(frame)]), "", len(frame)
            return
        start = handle.tell()
        head = handle.read(_HEAD_BYTES)
        handle.seek(start)
        if isinstance(head, str):  # a text buffer: already decoded
            encoding, text = None, head
        else:
            encoding = _encoding(head)
            if encoding is None:
                raise ValidationError(
                    "file", name, f"is not text in an encoding Fascia reads: {ENCODINGS_READ}", row=None
                )
            text = head.decode(encoding, errors="replace")
        rows = max(_count_lines(handle) - 1, 0)
        if rows > MAX_IMPORT_ROWS:
            raise _too_many_rows(name, rows)
        delimiter = _delimiter(text.splitlines()[0] if text else "")
        try:
            reader = pd.read_csv(
                handle,
                sep=delimiter,
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=False,
                encoding=encoding,
                na_filter=False,
                chunksize=read_rows,
            )
        except OSError:
            raise
        except Exception as error:  # any parser's refusal of the bytes
            raise _not_read(name, "a CSV file", error) from error

        def chunks() -> Iterator[pd.DataFrame]:
            while True:
                try:
                    frame = next(reader)
                except StopIteration:
                    return
                except OSError:
                    raise
                except Exception as error:  # a bad byte or a broken quote further down the file
                    raise _not_read(name, "a CSV file", error) from error
                yield _cleaned(frame)

        frames = chunks()
        try:
            yield frames, delimiter, rows
        finally:
            frames.close()
            reader.close()


def _cleaned(frame: pd.DataFrame) -> pd.DataFrame:
    """Column names and cells stripped, and the quote an export put before a formula-like cell removed."""
    frame.columns = [str(c).strip() for c in frame.columns]
    for column in frame.columns:
        # work on each column's distinct values: a 100,000-row file has few of them per column,
        # and most columns need no cleaning at all
        codes, uniques = _factorize(frame[column])
        distinct = pd.Series(uniques, dtype=object)
        cleaned = _unneutralise(distinct.astype(str).str.strip())
        if not cleaned.equals(distinct):
            frame[column] = cleaned.to_numpy(dtype=object).take(codes)
    return frame


#: The delimiters a CSV file may use: a comma, or (European Excel) a semicolon or a tab.
DELIMITERS = (",", ";", "\t")
#: Files whose numbers are written with decimal commas (5,5) without being told.
DECIMAL_COMMA_DELIMITERS = (";", "\t")


def _delimiter(header: str) -> str:
    """The one of DELIMITERS the header line holds most often (a comma when tied or none)."""
    return max(DELIMITERS, key=header.count)


def _factorize(column: pd.Series) -> tuple[np.ndarray, Any]:
    """`pd.factorize(column, use_na_sentinel=False)` (a missing value is a value of its own), without
    the scan for missing values that it runs over every text column when none is missing."""
    codes, uniques = pd.factorize(column)
    if (codes < 0).any():
        return pd.factorize(column, use_na_sentinel=False)
    return codes, uniques


def _excel_text(value: Any) -> str:
    if isinstance(value, pd.Timestamp) or hasattr(value, "isoformat"):
        iso = value.isoformat()
        return iso[:10] if iso.endswith("T00:00:00") or len(iso) == 10 else iso
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _unneutralise(column: pd.Series) -> pd.Series:
    """Strip the quote an export put before a cell a spreadsheet would run as a formula."""
    quoted = column.str.startswith("'") & (column.str[1:2].isin([*FORMULA_STARTS, "'"]))
    if not quoted.any():
        return column
    return column.where(~quoted, column.str[1:])


# ---------------------------------------------------------------- converting


def _python_values(kind: str, series: pd.Series, dates_as_text: bool = False) -> list[Any]:
    """The column as plain Python values for the driver (missing as None; dates as ISO text when
    `dates_as_text`, which is how SQLite stores them). Dates are converted once per distinct value."""
    missing = series.isna().to_numpy()
    if kind == "date":
        codes, uniques = pd.factorize(series, use_na_sentinel=False)
        distinct = uniques.strftime("%Y-%m-%d") if dates_as_text else uniques.date
        values = np.asarray(distinct, dtype=object).take(codes).tolist()
    elif kind == "int":
        values = series.fillna(0).astype("int64").tolist()
    elif kind == "float":
        values = series.fillna(0).astype("float64").tolist()
    elif kind == "bool":
        values = [bool(v) if v is not None and v == v else False for v in series]
    else:
        values = series.tolist()
    for position in np.flatnonzero(missing):
        values[position] = None
    return values


def _records(
    kind: RecordKind, clean: pd.DataFrame, columns: list[str], dates_as_text: bool = False
) -> list[tuple[Any, ...]]:
    types = {f.name: f.kind for f in kind.fields}
    values = [_python_values(types[c], clean[c], dates_as_text) for c in columns]
    return list(zip(*values, strict=True))


# ---------------------------------------------------------------- importing


@logged_import(kind=lambda kind, report: str(kind), rows=lambda report: report.inserted + report.updated)
def import_file(
    engine: Engine,
    kind: str,
    path_or_buffer: str | Path | IO[Any] | bytes,
    *,
    create_athletes: bool = False,
    team: str | None = None,
    actor_id: int | None = None,
    progress: Progress | None = None,
    filename: str | None = None,
    chunk_size: int = 5000,
    date_order: DateOrder = DateOrder.NONE,
    decimal_comma: bool = False,
    read_rows: int = READ_ROWS,
) -> ImportReport:
    """Import one CSV or .xlsx file of `kind` (a key of LAYOUTS) in one transaction.

    Every problem (row = spreadsheet row, header = 1) is raised at once as `InvalidRecords`, and then
    nothing is written (or what was written is rolled back). Unknown athlete external ids are refused,
    one problem per id, or created in `team` (created when missing) with `create_athletes=True`.
    `filename` names the format of a buffer (e.g. "upload.xlsx"). `progress(rows_done, total)` is
    called as rows are written (`total`: the file's lines, an upper bound until the last call).

    A CSV file is UTF-8 (with or without a byte-order mark) or UTF-16 with a byte-order mark, and is
    refused naming the file otherwise. Dates (link dates too) are read by `data.dates.read_dates`: ISO
    8601 and date cells always, other numeric forms only in the stated `date_order`. A CSV delimited by
    `;` or a tab is read as such, and its numbers may have decimal commas (5,5), as may any CSV's with
    `decimal_comma` (a workbook's numbers are number cells).

    Memory is bounded: a CSV file is read, validated and written `read_rows` rows at a time (READ_ROWS)
    inside the one write transaction, writing stopping at the first problem while the rest of the
    file is still checked, so an import holds one chunk of rows whatever the file's size, plus 8 bytes
    a row for the check of keys repeated across chunks, the athletes' ids, and the problems it lists
    (at most MAX_LISTED_PROBLEMS, plus one per unknown athlete). Measured (1,000,000 check-ins, 46 MB,
    into SQLite): peak RSS 104 MB above the process's start (279 MB in all), against 619 MB (794 MB)
    when the whole file was read at once (docs/IMPORT_EXPORT.md). A workbook is read whole. A file of more than
    MAX_IMPORT_ROWS lines is refused before any row is read.
    """
    if kind not in LAYOUTS:
        raise ValidationError("kind", kind, f"is not one of: {', '.join(LAYOUTS)}")
    if create_athletes and not (team or "").strip():
        raise ValidationError("team", team, "is required to create athletes")
    if read_rows < 1:
        raise ValueError(f"read_rows must be positive, not {read_rows}")
    name = _source_name(path_or_buffer, filename)
    with _frames(path_or_buffer, name, read_rows) as (frames, delimiter, estimate):
        # a workbook's numbers are number cells: decimal commas are a matter of CSV text
        decimal_comma = bool(delimiter) and (decimal_comma or delimiter in DECIMAL_COMMA_DELIMITERS)
        first = next(frames)  # a file with a header and no rows is one empty frame
        layout = LAYOUTS[kind]
        problems: list[ValidationError] = []
        missing_columns = [c for c in layout if c not in first.columns]
        fields = (ATHLETE_KIND if kind == "athletes" else RECORD_KINDS[kind]).fields
        required = {f.name for f in fields if f.required} | {"athlete_external_id"}
        for column in missing_columns:
            if column in required:
                problems.append(ValidationError(column, "", "is a required column missing from the header", row=1))
        for column in first.columns:
            if column not in layout:
                problems.append(ValidationError(column, "", f"is not a column of {kind} ({', '.join(layout)})", row=1))
        if problems:
            raise InvalidRecords(problems)
        # a link whose columns are all missing from the file is left alone (older files); otherwise the
        # file says what the link is, blank meaning none
        links = tuple(link for link in LINKS.get(kind, ()) if any(c in first.columns for c in link.columns))
        chunks = _prepared(itertools.chain([first], frames), layout, missing_columns, name)
        report = ImportReport(kind)
        if kind == "athletes":  # an athletes file is small: read whole
            parts = list(chunks)
            frame = pd.concat([p[0] for p in parts], ignore_index=True)
            row_numbers = np.concatenate([p[1] for p in parts])
            report.rows, report.blank_rows = len(frame), sum(p[2] for p in parts)
            return _import_athletes(engine, frame, row_numbers, report, actor_id, progress)
        return _import_records(
            engine,
            RECORD_KINDS[kind],
            chunks,
            report,
            name,
            estimate,
            create_athletes,
            team,
            actor_id,
            progress,
            chunk_size,
            links,
            date_order,
            decimal_comma,
        )


def _prepared(
    frames: Iterator[pd.DataFrame], layout: list[str], missing_columns: list[str], name: str
) -> Iterator[tuple[pd.DataFrame, np.ndarray, int]]:
    """Each frame in `layout` without its blank rows, the spreadsheet row number of each of its rows
    (header = 1, counting on across frames), and how many blank rows it had."""
    read = 0
    for frame in frames:
        frame.index = pd.RangeIndex(len(frame))
        for column in missing_columns:
            frame[column] = ""
        blank = _blank_rows(frame, layout)
        row_numbers = np.arange(read + 2, read + len(frame) + 2)[~blank]
        read += len(frame)
        if read > MAX_IMPORT_ROWS:  # the line count said less: only when the last line has no newline
            raise _too_many_rows(name, read)
        if blank.any() or list(frame.columns) != layout:
            frame = frame.loc[~blank, layout].reset_index(drop=True)
        yield frame, row_numbers, int(blank.sum())


def _blank_rows(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Mask of the rows whose `columns` are all empty, narrowed column by column (few rows are blank)."""
    candidates = np.arange(len(frame))
    for column in columns:
        values = frame[column].to_numpy()
        candidates = candidates[values[candidates] == ""]
    blank = np.zeros(len(frame), dtype=bool)
    blank[candidates] = True
    return blank


def _validate(
    kind: RecordKind, frame: pd.DataFrame, date_order: DateOrder = DateOrder.NONE, decimal_comma: bool = False
) -> tuple[pd.DataFrame, list[ValidationError]]:
    """`validate_frame` (rows numbered from 0), run on each column's distinct values and spread back
    to the rows: the same rules and messages, at a fraction of the cost on large files."""
    codes: dict[str, np.ndarray] = {}
    distinct: dict[str, pd.Series] = {}
    kind = replace(kind, fields=tuple(f for f in kind.fields if f.name in frame.columns))
    for f in kind.fields:
        codes[f.name], uniques = _factorize(frame[f.name])
        distinct[f.name] = pd.Series(uniques, dtype=object)
    width = max(len(u) for u in distinct.values())
    # shorter columns are padded with their first value, not with blanks: a blank of a required
    # column would be a problem to build and throw away, for every padded row of every chunk
    padded = pd.DataFrame(
        {c: u.reindex(range(width), fill_value=u.iloc[0] if len(u) else None) for c, u in distinct.items()}
    )
    values_kind = replace(kind, name=f"{kind.name}:values", natural_key=None)
    values_clean, found = validate_frame(
        values_kind, padded, first_row=0, date_order=date_order, decimal_comma=decimal_comma
    )
    problems: list[ValidationError] = []
    for p in found:
        if p.row is None or p.row >= len(distinct[p.field]):
            continue
        for row in np.flatnonzero(codes[p.field] == p.row):
            problems.append(ValidationError(p.field, p.value, p.reason, int(row)))
    clean = pd.DataFrame({c: values_clean[c].take(codes[c]).reset_index(drop=True) for c in kind.columns})
    clean = with_derived_fields(kind, clean)
    problems += cross_field_problems(kind, clean, 0)
    if kind.natural_key:
        key = list(kind.natural_key)
        repeated = clean.duplicated(subset=key, keep="first") & clean[kind.required_key].notna().all(axis=1)
        problems += [
            ValidationError("+".join(key), frame[key[0]].iloc[r], REPEATED, int(r))
            for r in np.flatnonzero(repeated.to_numpy())
        ]
    return clean, problems


def _renumber(problems: list[ValidationError], row_numbers: np.ndarray) -> list[ValidationError]:
    return [
        ValidationError(p.field, p.value, p.reason, int(row_numbers[p.row]) if p.row is not None else None)
        for p in problems
    ]


def _raise(problems: list[ValidationError]) -> None:
    if problems:
        raise InvalidRecords(sorted(problems, key=lambda e: e.row or 0))


def _import_records(
    engine: Engine,
    kind: RecordKind,
    chunks: Iterator[tuple[pd.DataFrame, np.ndarray, int]],
    report: ImportReport,
    name: str,
    estimate: int,
    create_athletes: bool,
    team: str | None,
    actor_id: int | None,
    progress: Progress | None,
    chunk_size: int,
    links: tuple[Link, ...] = (),
    date_order: DateOrder = DateOrder.NONE,
    decimal_comma: bool = False,
) -> ImportReport:
    """Validate and write `chunks` one after the other in one write transaction, opened at the first
    write (at once when the file has links to resolve). Once a problem is found nothing more is
    written, the rest is still checked, and the problems are raised, rolling back what was written."""
    link_columns = [c for link in LINKS.get(kind.name, ()) for c in link.columns]
    key = list(kind.natural_key or TRAINING_IMPORT_KEY)
    columns = [c for c in kind.columns if c not in _ID_FIELDS or c == "athlete_id" or c in {k.field for k in links}]
    with engine.connect() as connection:
        known = dict(connection.execute(select(Athlete.external_id, Athlete.id)).all())
    unknown_ids = _UnknownAthletes()
    created: dict[str, int] = {}
    seen_keys = np.empty(0, dtype=np.uint64)  # hashes of the natural keys read so far, sorted
    copies: Counter[tuple[Any, ...]] = Counter()  # training sessions: each key's copies in the file so far
    problems: list[ValidationError] = []
    unlisted = 0
    with ExitStack() as stack:
        opened: list[tuple[Connection, int]] = []

        def transaction() -> tuple[Connection, int]:
            """The write transaction, and the largest id of the table before this import wrote to it."""
            if not opened:
                connection = stack.enter_context(write_transaction(engine))
                before = connection.scalar(select(func.max(kind.model.id))) or 0
                opened.append((connection, int(before)))
            return opened[0]

        if links:
            transaction()
        for frame, row_numbers, blank in chunks:
            report.rows += len(frame)
            report.blank_rows += blank
            if frame.empty:
                continue
            named_links = frame[link_columns]
            if link_columns:
                frame = frame.drop(columns=link_columns)
            external = frame["athlete_external_id"]
            athlete_ids = external.map(known)
            unknown = (external != "") & athlete_ids.isna()
            if unknown.any():
                # unknown athletes get a placeholder id so that validation reports only their other problems
                placeholders = unknown_ids.add(external[unknown], row_numbers[unknown.to_numpy()])
                athlete_ids = athlete_ids.where(~unknown, placeholders)
            frame["athlete_id"] = athlete_ids  # validated; the external id is not a field
            frame.loc[external == "", "athlete_id"] = None
            clean, found = _validate(kind, frame, date_order, decimal_comma)
            found = [
                ValidationError(
                    p.field.replace("athlete_id", "athlete_external_id"), external.iloc[p.row], p.reason, p.row
                )
                if p.field.startswith("athlete_id+") and p.row is not None
                else p
                for p in found
                if not (p.field == "athlete_id" and p.reason == "is required")
            ]
            if kind.natural_key:
                found, seen_keys = _repeated_across_chunks(kind, clean, external, found, seen_keys)
            chunk_problems = _renumber(found, row_numbers)
            chunk_problems += _errors_at(external == "", external, "athlete_external_id", "is required", row_numbers)
            resolved: dict[str, pd.Series] = {}
            if links:
                # rows of athletes that are not known cannot link to their records; their athlete is
                # reported already, unless it is to be created (then a named link matches nothing)
                linkable = frame["athlete_id"].notna() & (~unknown | create_athletes)
                resolved, link_problems = _resolve_links(
                    transaction()[0], links, named_links, frame["athlete_id"], linkable, row_numbers, date_order
                )
                chunk_problems += link_problems
            room = max(MAX_LISTED_PROBLEMS - len(problems), 0)
            problems += chunk_problems[:room]
            unlisted += len(chunk_problems[room:])
            if problems or unlisted or (unknown_ids and not create_athletes):
                continue  # the file is refused: nothing more is written, the rest is still checked
            connection, before = transaction()
            for field_name, ids in resolved.items():
                clean[field_name] = ids.to_numpy()
            if unknown.any():
                new = sorted(set(external[unknown].unique()) - created.keys())
                if new:
                    created.update(_create_athletes(connection, new, str(team).strip(), report, actor_id))
                clean.loc[unknown.to_numpy(), "athlete_id"] = external[unknown].map(created).to_numpy()
            records = _records(kind, clean, columns, dates_as_text=_dates_as_text(connection))
            done = report.inserted + report.updated + report.unchanged
            chunk_progress = (
                None
                if progress is None
                else lambda rows, _total, done=done: progress(done + rows, max(estimate, done + rows))
            )
            try:
                _write(connection, kind, records, key, columns, report, chunk_progress, chunk_size, before, copies)
            except IntegrityError as error:
                raise ValidationError(kind.name, "file", f"was refused by the database: {error.orig}") from error
        if not create_athletes:
            problems += unknown_ids.problems()
        if unlisted:
            problems.append(
                ValidationError("file", name, f"has {unlisted:,} more problems than the {len(problems):,} listed")
            )
        _raise(problems)  # in the transaction when one is open: what was written is rolled back
        connection, _ = transaction()
        if report.athletes_created:
            report.athletes_created.sort()
            audit(
                connection,
                actor_id,
                "import",
                "athletes",
                None,
                f"created {len(report.athletes_created)} athletes in {str(team).strip()}",
            )
        audit(
            connection,
            actor_id,
            "import",
            kind.model.__tablename__,
            None,
            f"{report.inserted} inserted, {report.updated} updated, {report.unchanged} unchanged",
        )
    if progress is not None:
        progress(report.rows, report.rows)
    return report


class _UnknownAthletes:
    """The external ids a file names that the database does not hold, in one grouped pass per chunk:
    each id's placeholder athlete id (negative), first row and number of rows."""

    def __init__(self) -> None:
        self.seen: dict[str, list[int]] = {}  # external id -> [placeholder, first row, rows]

    def __bool__(self) -> bool:
        return bool(self.seen)

    def add(self, external: pd.Series, row_numbers: np.ndarray) -> pd.Series:
        """Count the rows of `external` (rows of unknown athletes, at `row_numbers`); their placeholders."""
        grouped = pd.DataFrame({"id": external.to_numpy(), "row": row_numbers}).groupby("id", sort=False)["row"]
        for external_id, first, rows in zip(grouped.min().index, grouped.min(), grouped.size(), strict=True):
            entry = self.seen.get(external_id)
            if entry is None:
                self.seen[external_id] = [-1 - len(self.seen), int(first), int(rows)]
            else:
                entry[2] += int(rows)
        placeholder = {external_id: float(entry[0]) for external_id, entry in self.seen.items()}
        return external.map(placeholder)

    def problems(self) -> list[ValidationError]:
        return [
            ValidationError(
                "athlete_external_id",
                external_id,
                f"is not a known athlete ({rows} row{'s' if rows != 1 else ''} in this file; "
                "import athletes.csv first or create athletes)",
                row=first,
            )
            for external_id, (_, first, rows) in sorted(self.seen.items())
        ]


def _repeated_across_chunks(
    kind: RecordKind, clean: pd.DataFrame, external: pd.Series, found: list[ValidationError], seen: np.ndarray
) -> tuple[list[ValidationError], np.ndarray]:
    """`found` and a problem for each row of this chunk whose natural key a row of an earlier chunk
    had (a repeat within the chunk is found by `_validate`), matched on a 64-bit hash of the key; and
    `seen` (sorted) with this chunk's keys added."""
    key = list(kind.natural_key or ())
    complete = clean[kind.required_key].notna().all(axis=1).to_numpy()
    hashes = pd.util.hash_pandas_object(clean.loc[complete, key], index=False).to_numpy()
    if len(seen):
        nearest = np.minimum(np.searchsorted(seen, hashes), len(seen) - 1)  # where each hash would sort in
        flagged = {p.row for p in found if p.reason == REPEATED}
        field_name = "+".join(key).replace("athlete_id", "athlete_external_id")
        found = found + [
            ValidationError(field_name, external.iloc[row], REPEATED, int(row))
            for row in np.flatnonzero(complete)[seen[nearest] == hashes]
            if row not in flagged
        ]
    # both runs sorted: the stable sort merges them in linear time
    return found, np.sort(np.concatenate([seen, np.sort(hashes)]), kind="stable")


REPEATED = "repeats an earlier row of this file"


def _iso_dates(column: pd.Series, date_order: DateOrder) -> tuple[pd.Series, pd.Series]:
    """(the column's dates as ISO text, None where empty or refused; why each refused cell is
    refused, '' for the others), read by `data.dates.read_dates` in `date_order`."""
    codes, uniques = pd.factorize(column)  # text cells: never missing
    distinct = pd.Series(uniques, dtype=object)
    days, refusals = read_dates(distinct.where(distinct != ""), date_order)
    iso = days.dt.strftime("%Y-%m-%d").astype(object).where(days.notna(), None).to_numpy(dtype=object)
    return (
        pd.Series(iso.take(codes), index=column.index),
        pd.Series(refusals.to_numpy(dtype=object).take(codes), index=column.index),
    )


def _link_candidates(connection: Connection, link: Link, wanted: pd.DataFrame) -> pd.DataFrame:
    """The stored records `wanted` may name: columns _athlete (per-athlete links), link.columns, _id."""
    model = link.model
    key = list(link.columns)
    selected = [getattr(model, c) for c in link.matches]
    rows: list[tuple[Any, ...]] = []
    if link.per_athlete:
        athletes = sorted({int(a) for a in wanted["_athlete"].unique() if a > 0})
        for start in range(0, len(athletes), 500):
            statement = select(model.athlete_id, *selected, model.id).where(
                model.athlete_id.in_(athletes[start : start + 500])
            )
            rows += map(tuple, connection.execute(statement).all())
        key = ["_athlete", *key]
    else:
        names = sorted(wanted[key[0]].unique())
        for start in range(0, len(names), 500):
            statement = select(*selected, model.id).where(selected[0].in_(names[start : start + 500]))
            rows += map(tuple, connection.execute(statement).all())
    candidates = pd.DataFrame(rows, columns=[*key, "_id"])
    for column in link.columns:
        candidates[column] = candidates[column].map(lambda value: "" if pd.isna(value) else str(value))
    if link.per_athlete:
        candidates["_athlete"] = candidates["_athlete"].astype("float64")
    return candidates.groupby(key, as_index=False).agg(_id=("_id", "first"), _n=("_id", "size"))


def _link_errors(
    link: Link, named: pd.DataFrame, mask: pd.Series, reason: str, row_numbers: np.ndarray
) -> list[ValidationError]:
    """One error per masked row, naming the link's columns and the values given in them."""
    if not mask.any():
        return []
    values = named.loc[mask, list(link.columns)].astype(str).agg(", ".join, axis=1).reindex(named.index)
    return _errors_at(mask, values, "+".join(link.columns), reason, row_numbers)


def _resolve_links(
    connection: Connection,
    links: tuple[Link, ...],
    named: pd.DataFrame,
    athlete_ids: pd.Series,
    linkable: pd.Series,
    row_numbers: np.ndarray,
    date_order: DateOrder = DateOrder.NONE,
) -> tuple[dict[str, pd.Series], list[ValidationError]]:
    """Each link's ids (NaN = no link) from its readable columns, and the rows whose link is
    incomplete, not a date (read in `date_order`), or matches nothing or more than one record."""
    resolved: dict[str, pd.Series] = {}
    problems: list[ValidationError] = []
    for link in links:
        given = named[list(link.columns)].copy()
        filled = given != ""
        together = list(link.blank_together)
        complete = filled.all(axis=1)
        if together:
            others = [c for c in link.columns if c not in together]
            complete |= filled[others].all(axis=1) & ~filled[together].any(axis=1)
        partly = filled.any(axis=1) & ~complete
        needed = partly & filled[together].any(axis=1) if together else partly
        for column in link.columns:
            reason = f"is needed to name the {link.what} ({', '.join(link.columns)})"
            wanted = needed if column in together else partly
            problems += _errors_at(wanted & ~filled[column], given[column], column, reason, row_numbers)
        for column in set(link.columns) & LINK_DATE_COLUMNS:
            given[column], refusals = _iso_dates(given[column], date_order)
            for reason in refusals[complete & (refusals != "")].unique():
                problems += _errors_at(complete & (refusals == reason), named[column], column, reason, row_numbers)
            complete &= refusals == ""
        if link.per_athlete:
            complete &= linkable
        wanted = given.loc[complete].assign(_athlete=athlete_ids[complete].astype("float64"))
        ids = pd.Series(np.nan, index=named.index)
        if wanted.empty:
            resolved[link.field] = ids
            continue
        key = [*(["_athlete"] if link.per_athlete else []), *link.columns]
        found = wanted.merge(_link_candidates(connection, link, wanted), on=key, how="left")
        found.index = wanted.index
        ids.loc[wanted.index] = found["_id"].astype("float64")
        where = "of this athlete " if link.per_athlete else ""
        missing = pd.Series(False, index=named.index)
        missing.loc[wanted.index] = found["_n"].isna().to_numpy()
        several = pd.Series(False, index=named.index)
        several.loc[wanted.index] = (found["_n"] > 1).to_numpy()
        unknown = (
            "is not a known user"
            if link.model is User
            else f"matches no {link.what} {where}(stored or imported earlier)"
        )
        problems += _link_errors(link, named, missing, unknown, row_numbers)
        problems += _link_errors(
            link, named, several, f"matches more than one {link.what} {where}".strip(), row_numbers
        )
        resolved[link.field] = ids
    return resolved, problems


def _errors_at(
    mask: pd.Series, values: pd.Series, column: str, reason: str, row_numbers: np.ndarray
) -> list[ValidationError]:
    positions = mask.to_numpy().nonzero()[0]
    return [ValidationError(column, values.iloc[p], reason, row=int(row_numbers[p])) for p in positions]


def _create_athletes(
    connection: Connection, external_ids: list[str], team: str, report: ImportReport, actor_id: int | None
) -> dict[str, int]:
    """Create `external_ids` in `team` (created when missing), named after their external ids; their ids.
    The import audits the athletes it created once, when it ends."""
    team_id = connection.scalar(select(Team.id).where(Team.name == team))
    if team_id is None:
        team_id = connection.execute(
            insert(Team).values(name=team, sport="", timezone="UTC").returning(Team.id)
        ).scalar_one()
        report.teams_created.append(team)
        audit(connection, actor_id, "create", "teams", team_id, team)
    rows = [
        {
            "team_id": team_id,
            "display_name": e,
            "external_id": e,
            "position": None,
            "dominant_side": None,
            "active": True,
        }
        for e in external_ids
    ]
    connection.execute(insert(Athlete), rows)
    created: dict[str, int] = {}
    for start in range(0, len(external_ids), 500):
        batch = external_ids[start : start + 500]
        created.update(
            connection.execute(select(Athlete.external_id, Athlete.id).where(Athlete.external_id.in_(batch))).all()
        )
    report.athletes_created += external_ids
    return created


def _dates_as_text(connection: Connection) -> bool:
    """SQLite stores dates as ISO text: reading and writing them as text skips the conversions."""
    return connection.dialect.name == "sqlite"


def _column(connection: Connection, model: Any, name: str, labelled: bool = True) -> Any:
    column = getattr(model, name)
    if _dates_as_text(connection) and isinstance(column.type, Date):
        as_text = type_coerce(column, String)
        return as_text.label(name) if labelled else as_text
    return column


def _write(
    connection: Connection,
    kind: RecordKind,
    records: list[tuple[Any, ...]],
    key: list[str],
    columns: list[str],
    report: ImportReport,
    progress: Progress | None,
    chunk_size: int,
    before: int | None = None,
    seen: Counter[tuple[Any, ...]] | None = None,
) -> None:
    """Upsert `records` (tuples in `columns` order) on `key`; inserts go in chunks of `chunk_size`
    (progress reported after each) by `data.bulk.insert_rows`.

    `records` may be one chunk of a file: only the stored records of its athletes within its range of
    key dates are read, and only those of ids up to `before` (stored before the import began).
    Training sessions count copies in `seen` (every key's copies in the file so far)."""
    model = kind.model
    total = len(records)
    position_of = {c: i for i, c in enumerate(columns)}
    key_positions = [position_of[k] for k in key]
    athlete_ids = sorted(set(map(operator.itemgetter(position_of["athlete_id"]), records)))
    key_of = key_getter(key_positions)
    where = []
    if before is not None:
        where.append(model.id <= before)
    dated = [c for c in key if isinstance(getattr(model, c).type, Date)]
    if dated and records:
        days = [d for d in map(operator.itemgetter(position_of[dated[0]]), records) if d is not None]
        if days and len(days) == len(records):
            where.append(_column(connection, model, dated[0], labelled=False).between(min(days), max(days)))
    rows: list[tuple[Any, ...]] = []
    for start in range(0, len(athlete_ids), 500):
        found = connection.execute(
            select(*[_column(connection, model, c) for c in columns], model.id).where(
                model.athlete_id.in_(athlete_ids[start : start + 500]), *where
            )
        )
        rows += map(tuple, found.all())
    to_insert: list[tuple[Any, ...]] = []
    changes: list[tuple[int, dict[str, Any]]] = []
    unchanged = 0
    if not rows:
        to_insert = records
    elif kind.natural_key is None:
        stored = Counter(map(key_of, rows))
        seen = Counter() if seen is None else seen
        for record in records:
            record_key = key_of(record)
            seen[record_key] += 1
            if seen[record_key] <= stored[record_key]:
                unchanged += 1
            else:
                to_insert.append(record)
    else:
        existing = dict(zip(map(key_of, rows), rows, strict=True))  # unique in the database
        for record, current in zip(records, map(existing.get, map(key_of, records)), strict=True):
            if current is None:
                to_insert.append(record)
            elif current[:-1] == record:
                unchanged += 1
            else:
                changes.append((current[-1], {c: record[i] for c, i in position_of.items() if record[i] != current[i]}))
    report.unchanged += unchanged
    done = unchanged
    date_columns = {f.name for f in kind.fields if f.kind == "date"} if _dates_as_text(connection) else set()
    for record_id, diff in changes:
        for column in date_columns & set(diff):
            diff[column] = dt.date.fromisoformat(diff[column]) if diff[column] is not None else None
        connection.execute(update(model).where(model.id == record_id).values(**diff))
        report.updated += 1
        done += 1
    if progress is not None:
        progress(done, total)
    if not to_insert:
        return

    def inserted(rows: int) -> None:
        nonlocal done
        report.inserted += rows
        done += rows
        if progress is not None:
            progress(done, total)

    insert_rows(connection, model, columns, to_insert, chunk_size, inserted)


def _import_athletes(
    engine: Engine,
    frame: pd.DataFrame,
    row_numbers: np.ndarray,
    report: ImportReport,
    actor_id: int | None,
    progress: Progress | None,
) -> ImportReport:
    clean, found = _validate(ATHLETE_KIND, frame)
    problems = _renumber(found, row_numbers)
    for zone in clean["timezone"].dropna().unique():
        try:
            check_timezone(zone)
        except ValidationError:
            problems += _errors_at(
                clean["timezone"] == zone, frame["timezone"], "timezone", "is not a known time zone", row_numbers
            )
    _raise(problems)
    clean["active"] = clean["active"].where(clean["active"].notna(), True)
    records = [
        dict(zip(ATHLETE_KIND.columns, r, strict=True)) for r in _records(ATHLETE_KIND, clean, ATHLETE_KIND.columns)
    ]
    with write_transaction(engine) as connection:
        teams = dict(connection.execute(select(Team.name, Team.id)).all())
        for record in records:
            if record["team"] not in teams:
                teams[record["team"]] = connection.execute(
                    insert(Team)
                    .values(name=record["team"], sport=record["sport"] or "", timezone=record["timezone"] or "UTC")
                    .returning(Team.id)
                ).scalar_one()
                report.teams_created.append(record["team"])
                audit(connection, actor_id, "create", "teams", teams[record["team"]], record["team"])
        fields = ["team_id", "display_name", "external_id", "position", "dominant_side", "active"]
        rows = [{**{k: r[k] for k in fields if k != "team_id"}, "team_id": teams[r["team"]]} for r in records]
        existing = {
            row["external_id"]: dict(row)
            for row in connection.execute(select(Athlete.id, *[getattr(Athlete, c) for c in fields])).mappings()
        }
        to_insert = []
        for row in rows:
            current = existing.get(row["external_id"])
            if current is None:
                to_insert.append(row)
                continue
            diff = {c: row[c] for c in fields if row[c] != current[c]}
            if diff:
                connection.execute(update(Athlete).where(Athlete.id == current["id"]).values(**diff))
                report.updated += 1
            else:
                report.unchanged += 1
        if to_insert:
            connection.execute(insert(Athlete), to_insert)
            report.inserted = len(to_insert)
        if progress is not None:
            progress(len(rows), len(rows))
        audit(
            connection,
            actor_id,
            "import",
            "athletes",
            None,
            f"{report.inserted} inserted, {report.updated} updated, {report.unchanged} unchanged",
        )
    return report
