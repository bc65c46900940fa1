"""Import a PMSys / PMData folder (one sub-folder per participant, each with `pmsys/wellness.csv`,
`pmsys/srpe.csv` and `pmsys/injury.csv`) into one team. The mapping is documented in docs/PMSYS.md.

Everything is read and validated first; the writes happen in ONE transaction, and importing the
same folder twice changes nothing the second time.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, insert, select

from analytics.vocabulary import WELLNESS_ITEMS
from data.audit import audit
from data.dates import read_instants
from data.db import write_transaction
from data.errors import ValidationError
from data.logs import logged_import
from data.models import Athlete, Team, TrainingSession
from data.record_checks import InvalidRecords, to_records, validate_frame
from data.record_writes import SaveResult, upsert_records
from data.records import RECORD_KINDS
from data.time_zones import check_timezone

#: SNOMED CT body-structure codes of `soreness_area` -> (body region, side).
SNOMED_REGIONS: dict[str, tuple[str, str]] = {
    "12921003": ("pelvis_sacrum", "central"),  # pelvic structure
    "22943007": ("lower_back", "central"),  # trunk structure (PMSys body map: trunk soreness; approximation)
    "69536005": ("head", "central"),  # head structure
    "368208006": ("upper_arm", "left"),  # left upper arm structure
    "368209003": ("upper_arm", "right"),  # right upper arm structure
    "48979004": ("lower_leg_achilles", "left"),  # structure of left lower leg
    "32696007": ("lower_leg_achilles", "right"),  # structure of right lower leg
}

#: Wellness soreness item (1 = very sore ... 5 = not sore) -> approximate NPRS of a listed sore area.
SORENESS_TO_NPRS: dict[int, int] = {1: 6, 2: 4, 3: 2, 4: 1, 5: 1}

#: injury.csv locations without a side -> (body region, side).
INJURY_LOCATIONS: dict[str, tuple[str, str]] = {
    "head_neck": ("neck", "central"),
    "chest": ("chest", "central"),
    "stomach_back": ("lower_back", "central"),
    "groin_hip": ("hip_groin", "bilateral"),
}
#: injury.csv sided locations (`left_<part>` / `right_<part>`): part -> body region.
INJURY_PARTS: dict[str, str] = {
    "shoulder": "shoulder",
    "elbow": "elbow",
    "hand": "hand",
    "thigh": "thigh",
    "leg": "lower_leg_achilles",
    "knee": "knee",
    "foot": "foot",
}
#: injury.csv severity -> approximate NPRS of the weekly pain report.
SEVERITY_TO_NPRS: dict[str, int] = {"minor": 3, "major": 6}

MATCH_WORDS = re.compile(r"match|game", re.IGNORECASE)
WELLNESS_COLUMNS = ("fatigue", "mood", "readiness", "sleep_duration_h", "sleep_quality", "soreness", "stress")
#: Source column -> (target field, low, high); values outside are stored as missing and counted.
WELLNESS_SCALES: dict[str, tuple[str, float, float]] = {
    **{item: (item, 1, 5) for item in WELLNESS_ITEMS},
    "readiness": ("readiness", 0, 10),
    "sleep_duration_h": ("sleep_hours", 0, 24),
}


@dataclass
class PmsysReport:
    """What an import did; `lines()` is the human report."""

    folder: str = ""
    team: str = ""
    timezone: str = "UTC"
    participants: int = 0
    athletes_created: int = 0
    athletes_matched: int = 0
    team_created: bool = False
    tables: dict[str, SaveResult] = field(default_factory=dict)
    blank_rows: Counter[str] = field(default_factory=Counter)
    off_scale: Counter[str] = field(default_factory=Counter)
    duplicates: Counter[str] = field(default_factory=Counter)
    unknown: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    missing_files: list[str] = field(default_factory=list)
    merged_pain: int = 0

    def lines(self) -> list[str]:
        out = [
            f"PMSys import of {self.folder} into team {self.team!r} (dates in {self.timezone})",
            f"participants: {self.participants}",
            f"athletes: {self.athletes_created} created, {self.athletes_matched} matched"
            + (" (team created)" if self.team_created else ""),
        ]
        for table, result in self.tables.items():
            out.append(f"{table}: {result.inserted} inserted, {result.updated} updated, {result.unchanged} unchanged")
        sections = (
            ("blank rows skipped", self.blank_rows),
            ("off-scale values stored as missing", self.off_scale),
            ("same-day duplicates resolved to the later entry", self.duplicates),
            ("unknown codes/locations skipped", self.unknown),
            ("rows skipped", self.skipped),
        )
        for title, counts in sections:
            total = sum(counts.values())
            detail = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            out.append(f"{title}: {total}" + (f" ({detail})" if detail else ""))
        if self.merged_pain:
            out.append(f"pain reports of one date, region and side merged (highest pain kept): {self.merged_pain}")
        for name in self.missing_files:
            out.append(f"not present (nothing imported from it): {name}")
        return out


def _blank_rows(frame: pd.DataFrame) -> pd.Series:
    """Rows whose every column is blank (empty, `[]` or `{}`)."""
    return frame.apply(_blank).all(axis=1)


def _blank(series: pd.Series) -> pd.Series:
    return series.isna() | series.astype(str).str.strip().isin(["", "nan", "None", "[]", "{}"])


def _local_dates(raw: pd.Series, timezone: str, label: str) -> tuple[pd.Series, pd.Series]:
    """(the local dates in `timezone` of ISO 8601 time stamps, read by `data.dates.read_instants`;
    the instants); a value that is not a time stamp is a problem (raised)."""
    stamps, bad = read_instants(raw)
    if bad.any():
        raise InvalidRecords(
            [ValidationError(label, raw[i], "is not an ISO-8601 time stamp", row=int(i) + 2) for i in raw.index[bad]]
        )
    return stamps.dt.tz_convert(timezone).dt.tz_localize(None).dt.normalize(), stamps


def _numbers(frame: pd.DataFrame, columns: tuple[str, ...], label: str) -> pd.DataFrame:
    """Numeric columns; a present value that is not a number is a real problem (raised)."""
    out = pd.DataFrame(index=frame.index)
    problems: list[ValidationError] = []
    for column in columns:
        raw = frame[column] if column in frame else pd.Series([None] * len(frame), index=frame.index, dtype=object)
        parsed = pd.to_numeric(raw.where(~_blank(raw)), errors="coerce")
        bad = parsed.isna() & ~_blank(raw)
        problems += [
            ValidationError(f"{label} {column}", raw[i], "is not a number", row=int(i) + 2) for i in raw.index[bad]
        ]
        out[column] = parsed
    if problems:
        raise InvalidRecords(problems)
    return out


def parse_codes(value: Any) -> list[str]:
    """SNOMED codes of a `soreness_area` cell: `[]`, `[12921003]`, `"[48979004, 32696007]"`, `'12921003'`."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    return re.findall(r"\d+", str(value))


def parse_injuries(value: Any) -> dict[str, str]:
    """The `injuries` cell (a Python-style dict string) as {location: severity}; `{}` or blank -> {}."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or not str(value).strip():
        return {}
    parsed = ast.literal_eval(str(value).strip())
    if not isinstance(parsed, dict):
        raise ValueError("is not a dict")
    return {str(k).strip(): str(v).strip().lower() for k, v in parsed.items()}


def injury_region(location: str) -> tuple[str, str] | None:
    """(body region, side) of an injury.csv location, or None when unknown."""
    if location in INJURY_LOCATIONS:
        return INJURY_LOCATIONS[location]
    side, _, part = location.partition("_")
    if side in ("left", "right") and part in INJURY_PARTS:
        return INJURY_PARTS[part], side
    return None


def activity_kind(value: Any) -> str:
    """`match` when the activity names mention a match or game, else `training`."""
    return "match" if isinstance(value, str) and MATCH_WORDS.search(value) else "training"


@dataclass
class _Participant:
    external_id: str
    wellness: pd.DataFrame
    pains: pd.DataFrame
    sessions: pd.DataFrame
    injuries: pd.DataFrame


#: Columns a file must have (the others are optional: missing means missing values).
REQUIRED_COLUMNS = {
    "wellness.csv": ("effective_time_frame",),
    "srpe.csv": ("end_date_time",),
    "injury.csv": ("effective_time_frame", "injuries"),
}


def _read_csv(path: Path) -> pd.DataFrame:
    frame = _read_csv_text(path)
    missing = [c for c in REQUIRED_COLUMNS.get(path.name, ()) if c not in frame]
    if missing:
        label = "/".join(path.parts[-3:])
        raise ValidationError(label, ", ".join(missing), "is a required column that the file lacks")
    return frame


def _read_csv_text(path: Path) -> pd.DataFrame:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)  # more fields than the header names
            return pd.read_csv(path, dtype=str, keep_default_na=False, skip_blank_lines=True, index_col=False)
    except pd.errors.EmptyDataError as error:
        label = "/".join(path.parts[-3:])
        raise ValidationError(label, path.name, "is empty: not even a header row") from error
    except (pd.errors.ParserError, pd.errors.ParserWarning, UnicodeDecodeError) as error:
        label = "/".join(path.parts[-3:])
        raise ValidationError(label, path.name, f"is not a readable CSV file ({error})") from error


def _wellness(path: Path, label: str, timezone: str, report: PmsysReport) -> tuple[pd.DataFrame, pd.DataFrame]:
    raw = _read_csv(path)
    if raw.empty:
        return pd.DataFrame(), pd.DataFrame()
    present = [c for c in (*WELLNESS_COLUMNS, "soreness_area") if c in raw]
    blank = _blank_rows(raw[present]) if present else pd.Series(True, index=raw.index)
    report.blank_rows["wellness"] += int(blank.sum())
    raw = raw[~blank]
    if raw.empty:
        return pd.DataFrame(), pd.DataFrame()
    dates, stamps = _local_dates(raw["effective_time_frame"], timezone, f"{label} effective_time_frame")
    values = _numbers(raw, WELLNESS_COLUMNS, label)
    frame = pd.DataFrame({"date": dates, "stamp": stamps, "row": raw.index + 2})
    for column, (target, low, high) in WELLNESS_SCALES.items():
        value = values[column]
        off = value.notna() & ((value < low) | (value > high))
        if column != "sleep_duration_h":  # scores are whole numbers: 2.5 is not on the scale
            off |= value.notna() & (value != value.round())
        report.off_scale[target] += int(off.sum())
        frame[target] = value.where(~off)
    frame["availability"] = None
    frame["areas"] = raw.get("soreness_area", "")
    frame = frame.sort_values(["date", "stamp"], kind="stable")
    repeated = frame.duplicated("date", keep="last")
    report.duplicates["wellness"] += int(repeated.sum())
    frame = frame[~repeated]
    pains = []
    for _, row in frame.iterrows():
        seen: set[tuple[str, str]] = set()
        for code in parse_codes(row["areas"]):
            if code not in SNOMED_REGIONS:
                report.unknown[f"SNOMED {code}"] += 1
                continue
            region = SNOMED_REGIONS[code]
            if region in seen:
                continue
            seen.add(region)
            if pd.isna(row["soreness"]):
                report.skipped["soreness area without a soreness value"] += 1
                continue
            pains.append(
                {
                    "date": row["date"],
                    "body_region": region[0],
                    "side": region[1],
                    "pain": SORENESS_TO_NPRS[int(row["soreness"])],
                    "row": row["row"],
                    "file": "wellness.csv",
                }
            )
    return frame.drop(columns=["stamp", "areas"]), pd.DataFrame(pains)


def _srpe(path: Path, label: str, timezone: str, report: PmsysReport) -> pd.DataFrame:
    raw = _read_csv(path)
    if raw.empty:
        return pd.DataFrame()
    value_columns = [c for c in ("activity_names", "perceived_exertion", "duration_min") if c in raw]
    blank = _blank_rows(raw[value_columns]) if value_columns else pd.Series(True, index=raw.index)
    blank |= _blank(raw.get("perceived_exertion", pd.Series("", index=raw.index))) & _blank(
        raw.get("duration_min", pd.Series("", index=raw.index))
    )
    report.blank_rows["srpe"] += int(blank.sum())
    raw = raw[~blank]
    if raw.empty:
        return pd.DataFrame()
    dates, _ = _local_dates(raw["end_date_time"], timezone, f"{label} end_date_time")
    values = _numbers(raw, ("perceived_exertion", "duration_min"), label)
    rpe, minutes = values["perceived_exertion"], values["duration_min"]
    reasons = pd.Series("", index=raw.index)
    reasons[rpe.isna()] = "srpe: perceived_exertion missing"
    reasons[rpe.notna() & ((rpe < 0) | (rpe > 10))] = "srpe: perceived_exertion off the CR-10 scale"
    reasons[(reasons == "") & minutes.isna()] = "srpe: duration_min missing"
    reasons[(reasons == "") & minutes.notna() & ((minutes <= 0) | (minutes > 1440))] = (
        "srpe: duration_min not in 1..1440"
    )
    for reason, count in reasons[reasons != ""].value_counts().items():
        report.skipped[str(reason)] += int(count)
    keep = reasons == ""
    names = raw["activity_names"] if "activity_names" in raw else pd.Series("", index=raw.index)
    return pd.DataFrame(
        {
            "date": dates[keep],
            "minutes": minutes[keep].round(),
            "rpe": rpe[keep],
            "kind": names[keep].map(activity_kind),
            "row": raw.index[keep] + 2,
        }
    )


def _injury(path: Path, label: str, timezone: str, report: PmsysReport) -> tuple[pd.DataFrame, pd.DataFrame]:
    raw = _read_csv(path)
    if raw.empty:
        return pd.DataFrame(), pd.DataFrame()
    blank = _blank(raw["effective_time_frame"])
    report.blank_rows["injury"] += int(blank.sum())
    raw = raw[~blank]
    dates, stamps = _local_dates(raw["effective_time_frame"], timezone, f"{label} effective_time_frame")
    parsed: list[dict[str, str]] = []
    problems = []
    for i, cell in raw["injuries"].items():
        try:
            parsed.append(parse_injuries(cell))
        except (ValueError, SyntaxError) as error:
            problems.append(
                ValidationError(f"{label} injuries", cell, f"is not a dict of location: severity ({error})", int(i) + 2)
            )
    if problems:
        raise InvalidRecords(problems)
    weeks = pd.DataFrame({"date": dates, "stamp": stamps, "row": raw.index + 2, "injuries": parsed})
    weeks = weeks.sort_values(["date", "stamp"], kind="stable")
    repeated = weeks.duplicated("date", keep="last")
    report.duplicates["injury"] += int(repeated.sum())
    weeks = weeks[~repeated]
    pains, episodes = [], []
    open_major: dict[tuple[str, str], dict[str, Any]] = {}
    for _, week in weeks.iterrows():
        majors_now: set[tuple[str, str]] = set()
        for location, severity in week["injuries"].items():
            region = injury_region(location)
            if region is None:
                report.unknown[f"injury location {location}"] += 1
                continue
            if severity not in SEVERITY_TO_NPRS:
                report.unknown[f"injury severity {severity}"] += 1
                continue
            pains.append(
                {
                    "date": week["date"],
                    "body_region": region[0],
                    "side": region[1],
                    "pain": SEVERITY_TO_NPRS[severity],
                    "row": week["row"],
                    "file": "injury.csv",
                }
            )
            if severity == "major":
                majors_now.add(region)
        for region in list(open_major):
            if region not in majors_now:
                episodes.append({**open_major.pop(region), "return_date": week["date"]})
        for region in sorted(majors_now):
            if region not in open_major:
                open_major[region] = {
                    "problem_type": "injury",
                    "onset_date": week["date"],
                    "body_region": region[0],
                    "side": region[1],
                    "injury_type": "other",
                    "onset_mode": None,
                    "time_loss": False,
                    "notes": "PMSys weekly injury report: major",
                    "row": week["row"],
                }
    episodes += [{**episode, "return_date": None} for episode in open_major.values()]
    return pd.DataFrame(pains), pd.DataFrame(episodes)


def _read_participant(directory: Path, timezone: str, report: PmsysReport) -> _Participant:
    pid = directory.name
    pmsys = directory / "pmsys"
    parts: dict[str, Any] = {}
    for name in ("wellness.csv", "srpe.csv", "injury.csv"):
        path = pmsys / name
        if not path.is_file():
            report.missing_files.append(f"{pid}/pmsys/{name}")
            parts[name] = None
    label = f"{pid}/pmsys/"
    wellness, soreness_pains = (
        _wellness(pmsys / "wellness.csv", label + "wellness.csv", timezone, report)
        if "wellness.csv" not in parts
        else (pd.DataFrame(), pd.DataFrame())
    )
    sessions = (
        _srpe(pmsys / "srpe.csv", label + "srpe.csv", timezone, report) if "srpe.csv" not in parts else pd.DataFrame()
    )
    injury_pains, injuries = (
        _injury(pmsys / "injury.csv", label + "injury.csv", timezone, report)
        if "injury.csv" not in parts
        else (pd.DataFrame(), pd.DataFrame())
    )
    found = [p for p in (soreness_pains, injury_pains) if not p.empty]
    pains = pd.concat(found, ignore_index=True) if found else pd.DataFrame()
    if not pains.empty:
        pains = pains.sort_values("pain", ascending=False, kind="stable")
        repeated = pains.duplicated(["date", "body_region", "side"], keep="first")
        report.merged_pain += int(repeated.sum())
        pains = pains[~repeated].sort_values(["date", "body_region", "side"]).reset_index(drop=True)
    return _Participant(pid, wellness, pains, sessions, injuries)


DEFAULT_TEAM = "PMData"
TABLES = ("wellness_checkins", "pain_reports", "training_sessions", "injuries")


def _validated(participant: _Participant, kind_name: str, frame: pd.DataFrame, file: str) -> pd.DataFrame:
    """The frame parsed by the record spec (athlete id 0 as a placeholder); problems raise with the CSV row."""
    kind = RECORD_KINDS[kind_name]
    if frame.empty:
        return pd.DataFrame(columns=kind.columns)
    frame = frame.reset_index(drop=True)
    clean, problems = validate_frame(kind, frame.assign(athlete_id=0))
    if problems:
        files = frame["file"] if "file" in frame else pd.Series(file, index=frame.index)
        raise InvalidRecords(
            [
                ValidationError(
                    f"{participant.external_id}/pmsys/{files[p.row - 1]} ({kind_name}) {p.field}",
                    p.value,
                    p.reason,
                    row=int(frame["row"][p.row - 1]) if p.row else None,
                )
                for p in problems
            ]
        )
    return clean


def _no_nan(record: dict[str, Any]) -> dict[str, Any]:
    """Missing as None: `to_records` can leave float NaN where an int column mixes values and None."""
    return {k: None if isinstance(v, float) and v != v else v for k, v in record.items()}


def _sessions_upsert(connection: Connection, records: list[dict[str, Any]]) -> SaveResult:
    """Training sessions have no natural key: match on (athlete, date, minutes, rpe, kind) as a multiset,
    so identical rows are left alone and only the surplus is inserted."""
    if not records:
        return SaveResult(0, 0, 0, [])
    key = ("athlete_id", "date", "minutes", "rpe", "kind")
    athletes = sorted({r["athlete_id"] for r in records})
    found = connection.execute(
        select(TrainingSession.id, *[getattr(TrainingSession, c) for c in key]).where(
            TrainingSession.athlete_id.in_(athletes)
        )
    )
    existing: dict[tuple[Any, ...], list[int]] = {}
    for row in found.mappings():
        existing.setdefault(tuple(row[c] if c != "rpe" else float(row[c]) for c in key), []).append(row["id"])
    to_insert, ids = [], []
    for record in records:
        matches = existing.get(tuple(record[c] for c in key))
        if matches:
            ids.append(matches.pop())
        else:
            to_insert.append(record)
    if to_insert:
        ids = list(connection.execute(insert(TrainingSession).returning(TrainingSession.id), to_insert).scalars()) + ids
    return SaveResult(len(to_insert), 0, len(records) - len(to_insert), ids)


def _team(connection: Connection, team: str, timezone: str, actor_id: int | None, report: PmsysReport) -> int:
    team_id = connection.scalar(select(Team.id).where(Team.name == team))
    if team_id is None:
        team_id = connection.execute(
            insert(Team).values(name=team, sport="", timezone=timezone).returning(Team.id)
        ).scalar_one()
        audit(connection, actor_id, "create", "teams", team_id, team)
        report.team_created = True
    return team_id


def _athlete(connection: Connection, team_id: int, external_id: str, actor_id: int | None, report: PmsysReport) -> int:
    athlete_id = connection.scalar(select(Athlete.id).where(Athlete.external_id == external_id))
    if athlete_id is not None:
        report.athletes_matched += 1
        return athlete_id
    athlete_id = connection.execute(
        insert(Athlete)
        .values(team_id=team_id, display_name=f"PMData {external_id}", external_id=external_id, active=True)
        .returning(Athlete.id)
    ).scalar_one()
    audit(connection, actor_id, "create", "athletes", athlete_id, external_id)
    report.athletes_created += 1
    return athlete_id


def participant_folders(folder: Path) -> list[Path]:
    """The participant sub-folders (those holding a `pmsys/` folder), sorted by name."""
    return sorted(p for p in folder.iterdir() if p.is_dir() and (p / "pmsys").is_dir())


@logged_import(
    kind=lambda folder, report: "pmsys", rows=lambda report: sum(t.inserted + t.updated for t in report.tables.values())
)
def import_pmsys(
    engine: Engine,
    folder: Path,
    team: str = "PMData",
    timezone: str = "UTC",
    progress: Callable[[int, int], None] | None = None,
    actor_id: int | None = None,
) -> PmsysReport:
    """Import a PMSys / PMData folder into `team` (created with `timezone` if missing) in one transaction.

    Raises `ValidationError` / `InvalidRecords` (naming participant, file and CSV row) for a real problem
    in the files, and then writes nothing.
    """
    folder = Path(folder)
    team = (team if team is not None else DEFAULT_TEAM).strip()  # a CLI may pass None for "not given"
    if not team:
        raise ValidationError("team", team, "is required")
    check_timezone(timezone)
    if not folder.is_dir():
        raise ValidationError("folder", str(folder), "is not a folder")
    directories = participant_folders(folder)
    if not directories:
        raise ValidationError("folder", str(folder), "holds no participant folders with a pmsys/ folder")
    report = PmsysReport(folder=str(folder), team=team, timezone=timezone, participants=len(directories))
    participants = []
    for directory in directories:
        participant = _read_participant(directory, timezone, report)
        participants.append(
            (
                participant,
                {
                    "wellness_checkins": _validated(
                        participant, "wellness_checkins", participant.wellness, "wellness.csv"
                    ),
                    "pain_reports": _validated(participant, "pain_reports", participant.pains, "wellness.csv"),
                    "training_sessions": _validated(participant, "training_sessions", participant.sessions, "srpe.csv"),
                    "injuries": _validated(participant, "injuries", participant.injuries, "injury.csv"),
                },
            )
        )
    totals = {table: [0, 0, 0] for table in TABLES}
    with write_transaction(engine) as connection:
        team_id = _team(connection, team, timezone, actor_id, report)
        for done, (participant, frames) in enumerate(participants, start=1):
            athlete_id = _athlete(connection, team_id, participant.external_id, actor_id, report)
            for table in TABLES:
                kind = RECORD_KINDS[table]
                records = [_no_nan({**r, "athlete_id": athlete_id}) for r in to_records(kind, frames[table])]
                if table == "training_sessions":
                    result = _sessions_upsert(connection, records)
                else:
                    result = upsert_records(connection, kind, records)
                for i, n in enumerate((result.inserted, result.updated, result.unchanged)):
                    totals[table][i] += n
            if progress is not None:
                progress(done, len(participants))
        report.tables = {table: SaveResult(*totals[table], []) for table in TABLES}
        audit(
            connection,
            actor_id,
            "import_pmsys",
            "teams",
            team_id,
            f"{folder.name}: {len(participants)} participants; "
            + "; ".join(f"{t} {r.inserted} inserted, {r.updated} updated" for t, r in report.tables.items()),
        )
    return report
