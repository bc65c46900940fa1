"""The PMSys / PMData import (data/pmsys.py; mapping in docs/PMSYS.md): synthetic participant folders per
rule, and the real PMData folder read in place from ../shared/reference/pmdata/ when it exists."""

from __future__ import annotations

import ast
import datetime as dt
import os
import time
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select

from data.errors import ValidationError
from data.models import Athlete, Injury, PainReport, Team, TrainingSession, WellnessCheckin
from data.pmsys import activity_kind, import_pmsys, injury_region, parse_codes, parse_injuries

WELLNESS_HEADER = (
    "effective_time_frame,fatigue,mood,readiness,sleep_duration_h,sleep_quality,soreness,soreness_area,stress\n"
)
SRPE_HEADER = "end_date_time,activity_names,perceived_exertion,duration_min\n"
INJURY_HEADER = "effective_time_frame,injuries\n"
PMDATA = Path(__file__).resolve().parents[3] / "shared" / "reference" / "pmdata"


def participant(root: Path, pid: str, wellness: str = "", srpe: str = "", injury: str | None = "") -> Path:
    folder = root / pid / "pmsys"
    folder.mkdir(parents=True)
    (folder / "wellness.csv").write_text(WELLNESS_HEADER + wellness)
    (folder / "srpe.csv").write_text(SRPE_HEADER + srpe)
    if injury is not None:
        (folder / "injury.csv").write_text(INJURY_HEADER + injury)
    return root


def rows(engine: Engine, model, *columns) -> list[tuple]:
    with engine.connect() as connection:
        return [
            tuple(r)
            for r in connection.execute(
                select(*[getattr(model, c) for c in columns]).order_by(*[getattr(model, c) for c in columns])
            )
        ]


def count(engine: Engine, model) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(model))


# --- parsing helpers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "codes"),
    [
        ("[]", []),
        ("", []),
        (None, []),
        ("[12921003]", ["12921003"]),
        ('"[48979004, 32696007]"', ["48979004", "32696007"]),
        ("[48979004, 32696007, 12921003, 69536005]", ["48979004", "32696007", "12921003", "69536005"]),
        ("['368208006', '368209003']", ["368208006", "368209003"]),
    ],
)
def test_parse_codes_reads_empty_quoted_and_several_codes(cell, codes):
    assert parse_codes(cell) == codes


def test_parse_injuries_reads_python_dicts_safely():
    assert parse_injuries("{}") == {}
    assert parse_injuries("") == {}
    assert parse_injuries("{'left_foot': 'minor'}") == {"left_foot": "minor"}
    assert parse_injuries("{'left_hand': 'minor', 'right_knee': 'MAJOR'}") == {
        "left_hand": "minor",
        "right_knee": "major",
    }
    with pytest.raises(ValueError):
        parse_injuries("__import__('os').system('true')")
    with pytest.raises(ValueError):
        parse_injuries("['left_foot']")


def test_injury_locations_map_to_regions_and_sides():
    assert injury_region("head_neck") == ("neck", "central")
    assert injury_region("stomach_back") == ("lower_back", "central")
    assert injury_region("groin_hip") == ("hip_groin", "bilateral")
    assert injury_region("right_thigh") == ("thigh", "right")
    assert injury_region("left_leg") == ("lower_leg_achilles", "left")
    assert injury_region("left_shoulder") == ("shoulder", "left")
    assert injury_region("left_ear") is None


def test_activity_kind_is_match_only_when_a_match_or_game_is_named():
    assert activity_kind("['team', 'soccer']") == "training"
    assert activity_kind("['team', 'match']") == "match"
    assert activity_kind("['Game']") == "match"
    assert activity_kind(None) == "training"


# --- wellness ----------------------------------------------------------------------------------


def test_off_scale_zero_is_stored_as_missing_and_counted(db_engine, tmp_path):
    root = participant(
        tmp_path,
        "p01",
        "2019-11-01T08:00:00.000Z,0,3,5,7,3,3,[],0\n2019-11-02T08:00:00.000Z,2,4,11,7,3,3,[],3\n"
        "2019-11-03T08:00:00.000Z,2.5,4,6,7.5,3,3,[],3\n",
    )
    report = import_pmsys(db_engine, root)
    stored = rows(db_engine, WellnessCheckin, "date", "fatigue", "mood", "readiness", "stress", "sleep_hours")
    assert stored == [
        (dt.date(2019, 11, 1), None, 3, 5, None, 7.0),
        (dt.date(2019, 11, 2), 2, 4, None, 3, 7.0),
        (dt.date(2019, 11, 3), None, 4, 6, 3, 7.5),
    ]
    assert report.off_scale["fatigue"] == 2
    assert report.off_scale["stress"] == 1
    assert report.off_scale["readiness"] == 1
    assert any("off-scale values stored as missing: 4" in line for line in report.lines())


def test_two_entries_on_one_local_date_keep_the_later_one(db_engine, tmp_path):
    # the later entry comes first in the file: order by time stamp, not by position
    root = participant(
        tmp_path,
        "p01",
        "2019-11-01T18:00:00.000Z,4,4,8,8,4,4,[],4\n2019-11-01T07:00:00.000Z,2,2,3,5,2,2,[12921003],2\n",
    )
    report = import_pmsys(db_engine, root)
    assert rows(db_engine, WellnessCheckin, "date", "fatigue", "readiness") == [(dt.date(2019, 11, 1), 4, 8)]
    assert report.duplicates["wellness"] == 1
    # the earlier entry's sore area does not survive either
    assert count(db_engine, PainReport) == 0


def test_timezone_moves_a_late_utc_entry_to_the_next_local_date(db_engine, tmp_path):
    root = participant(tmp_path, "p01", "2019-11-01T23:30:00.000Z,3,3,5,7,3,3,[],3\n")
    import_pmsys(db_engine, root, team="Oslo", timezone="Europe/Oslo")
    assert rows(db_engine, WellnessCheckin, "date") == [(dt.date(2019, 11, 2),)]
    assert rows(db_engine, Team, "name", "timezone") == [("Oslo", "Europe/Oslo")]


def test_timezone_default_is_utc(db_engine, tmp_path):
    root = participant(tmp_path, "p01", "2019-11-01T23:30:00.000Z,3,3,5,7,3,3,[],3\n")
    import_pmsys(db_engine, root, team=None)  # the CLI passes None when --team is left out
    assert rows(db_engine, WellnessCheckin, "date") == [(dt.date(2019, 11, 1),)]
    assert rows(db_engine, Team, "name", "timezone") == [("PMData", "UTC")]


def test_soreness_areas_become_pain_reports_with_region_side_and_approximate_nprs(db_engine, tmp_path):
    root = participant(
        tmp_path,
        "p01",
        '2019-11-01T08:00:00.000Z,3,3,5,7,3,1,"[48979004, 32696007, 22943007]",3\n'
        "2019-11-02T08:00:00.000Z,3,3,5,7,3,2,[12921003],3\n"
        '2019-11-03T08:00:00.000Z,3,3,5,7,3,2,"[69536005, 99999999, 368208006]",3\n',
    )
    report = import_pmsys(db_engine, root)
    assert rows(db_engine, PainReport, "date", "body_region", "side", "pain") == [
        (dt.date(2019, 11, 1), "lower_back", "central", 6),
        (dt.date(2019, 11, 1), "lower_leg_achilles", "left", 6),
        (dt.date(2019, 11, 1), "lower_leg_achilles", "right", 6),
        (dt.date(2019, 11, 2), "pelvis_sacrum", "central", 4),
        (dt.date(2019, 11, 3), "head", "central", 4),
        (dt.date(2019, 11, 3), "upper_arm", "left", 4),
    ]
    assert report.unknown == {"SNOMED 99999999": 1}


def test_blank_wellness_row_is_skipped_and_counted(db_engine, tmp_path):
    root = participant(
        tmp_path, "p01", "2019-11-01T08:00:00.000Z,,,,,,,[],\n2019-11-02T08:00:00.000Z,3,3,5,7,3,3,[],3\n"
    )
    report = import_pmsys(db_engine, root)
    assert count(db_engine, WellnessCheckin) == 1
    assert report.blank_rows["wellness"] == 1


# --- sRPE --------------------------------------------------------------------------------------


def test_srpe_rows_become_training_sessions_and_bad_rows_are_skipped(db_engine, tmp_path):
    root = participant(
        tmp_path,
        "p01",
        srpe=(
            "2019-11-05T22:51:54.710Z,\"['individual', 'running']\",7,30\n"
            "2019-11-06T10:00:00.000Z, {},,\n"  # blank but for the time stamp
            "2019-11-07T10:00:00.000Z,\"['team', 'match']\",8,90\n"
            "2019-11-08T10:00:00.000Z,\"['team', 'soccer']\",11,60\n"  # off the CR-10 scale
            "2019-11-09T10:00:00.000Z,\"['team', 'soccer']\",5,0\n"  # no duration
        ),
    )
    report = import_pmsys(db_engine, root, timezone="Europe/Oslo")
    assert rows(db_engine, TrainingSession, "date", "minutes", "rpe", "kind") == [
        (dt.date(2019, 11, 5), 30, 7.0, "training"),
        (dt.date(2019, 11, 7), 90, 8.0, "match"),
    ]
    assert report.blank_rows["srpe"] == 1
    assert report.skipped == {
        "srpe: perceived_exertion off the CR-10 scale": 1,
        "srpe: duration_min not in 1..1440": 1,
    }


def test_identical_training_sessions_are_kept_and_not_duplicated_on_reimport(db_engine, tmp_path):
    same = "2019-11-05T10:00:00.000Z,\"['individual', 'running']\",6,30\n"
    root = participant(tmp_path, "p01", srpe=same + same.replace("10:00", "12:00"))
    first = import_pmsys(db_engine, root)
    second = import_pmsys(db_engine, root)
    assert first.tables["training_sessions"].inserted == 2
    assert (second.tables["training_sessions"].inserted, second.tables["training_sessions"].unchanged) == (0, 2)
    assert count(db_engine, TrainingSession) == 2


# --- injury.csv --------------------------------------------------------------------------------


def test_weekly_injury_reports_become_pain_reports_and_major_runs_become_injuries(db_engine, tmp_path):
    root = participant(
        tmp_path,
        "p01",
        injury=(
            "2019-11-04T08:00:00.000Z,{}\n"
            "2019-11-11T08:00:00.000Z,\"{'left_foot': 'minor', 'stomach_back': 'major'}\"\n"
            "2019-11-18T08:00:00.000Z,{'stomach_back': 'major'}\n"
            "2019-11-25T08:00:00.000Z,{'stomach_back': 'minor'}\n"
            "2019-12-02T08:00:00.000Z,\"{'right_knee': 'major', 'left_ear': 'minor'}\"\n"
        ),
    )
    report = import_pmsys(db_engine, root)
    assert rows(db_engine, PainReport, "date", "body_region", "side", "pain") == [
        (dt.date(2019, 11, 11), "foot", "left", 3),
        (dt.date(2019, 11, 11), "lower_back", "central", 6),
        (dt.date(2019, 11, 18), "lower_back", "central", 6),
        (dt.date(2019, 11, 25), "lower_back", "central", 3),
        (dt.date(2019, 12, 2), "knee", "right", 6),
    ]
    assert rows(db_engine, Injury, "onset_date", "body_region", "side", "injury_type", "return_date") == [
        (dt.date(2019, 11, 11), "lower_back", "central", "other", dt.date(2019, 11, 25)),
        (dt.date(2019, 12, 2), "knee", "right", "other", None),
    ]
    # health problems of type injury, their IOC fields derived as migration 0007 derives them
    assert rows(db_engine, Injury, "problem_type", "onset_mode", "body_area", "tissue", "pathology") == [
        ("injury", None, "knee", "non_specific", "non_specific"),
        ("injury", None, "lumbosacral", "non_specific", "non_specific"),
    ]
    assert report.unknown == {"injury location left_ear": 1}


def test_missing_injury_file_is_reported_not_fatal(db_engine, tmp_path):
    root = participant(tmp_path, "p08", "2019-11-01T08:00:00.000Z,3,3,5,7,3,3,[],3\n", injury=None)
    report = import_pmsys(db_engine, root)
    assert count(db_engine, WellnessCheckin) == 1
    assert any("p08/pmsys/injury.csv" in line for line in report.lines())


# --- the import as a whole ---------------------------------------------------------------------


def test_athletes_are_created_once_then_matched_and_reimport_changes_nothing(db_engine, tmp_path):
    participant(tmp_path, "p01", "2019-11-01T08:00:00.000Z,0,3,5,7,3,2,[12921003],3\n")
    participant(tmp_path, "p02", srpe="2019-11-05T10:00:00.000Z,\"['individual', 'running']\",6,30\n")
    calls = []
    first = import_pmsys(db_engine, tmp_path, team="PMData", progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 2), (2, 2)]
    assert rows(db_engine, Athlete, "external_id", "display_name") == [("p01", "PMData p01"), ("p02", "PMData p02")]
    assert (first.athletes_created, first.athletes_matched) == (2, 0)
    second = import_pmsys(db_engine, tmp_path, team="PMData")
    assert (second.athletes_created, second.athletes_matched) == (0, 2)
    for result in second.tables.values():
        assert (result.inserted, result.updated) == (0, 0)
    assert second.tables["wellness_checkins"].unchanged == 1
    assert any(line.startswith("wellness_checkins: 0 inserted, 0 updated, 1 unchanged") for line in second.lines())


def test_a_real_problem_names_participant_file_and_row_and_writes_nothing(db_engine, tmp_path):
    participant(tmp_path, "p01", "2019-11-01T08:00:00.000Z,3,3,5,7,3,3,[],3\n")
    participant(tmp_path, "p02", "2019-11-01T08:00:00.000Z,3,3,5,7,3,3,[],3\nnot a time,3,3,5,7,3,3,[],3\n")
    with pytest.raises(ValidationError) as caught:
        import_pmsys(db_engine, tmp_path)
    assert "p02/pmsys/wellness.csv" in str(caught.value)
    assert caught.value.row == 3
    assert count(db_engine, Athlete) == 0
    assert count(db_engine, Team) == 0


def test_a_malformed_csv_is_refused_with_its_name(db_engine, tmp_path):
    participant(tmp_path, "p01", "2019-11-01T08:00:00.000Z,3,3,5,7,3,2,[69536005, 368208006],3\n")
    with pytest.raises(ValidationError, match="p01/pmsys/wellness.csv"):
        import_pmsys(db_engine, tmp_path)


def test_a_file_without_its_time_stamp_column_is_refused(db_engine, tmp_path):
    participant(tmp_path, "p01", injury=None)
    (tmp_path / "p01" / "pmsys" / "injury.csv").write_text("when,injuries\n2019-11-01,{}\n")
    with pytest.raises(ValidationError, match="p01/pmsys/injury.csv"):
        import_pmsys(db_engine, tmp_path)


def test_non_numeric_item_is_refused(db_engine, tmp_path):
    participant(tmp_path, "p01", "2019-11-01T08:00:00.000Z,three,3,5,7,3,3,[],3\n")
    with pytest.raises(ValidationError, match="fatigue"):
        import_pmsys(db_engine, tmp_path)
    assert count(db_engine, WellnessCheckin) == 0


def test_unknown_timezone_and_empty_folder_are_refused(db_engine, tmp_path):
    with pytest.raises(ValidationError, match="time zone"):
        import_pmsys(db_engine, tmp_path, timezone="Mars/Olympus")
    with pytest.raises(ValidationError, match="participant"):
        import_pmsys(db_engine, tmp_path)


# --- the real PMData folder ------------------------------------------------------------------


def expected_checkins(folder: Path, timezone: str) -> int:
    """Distinct local dates with a non-blank wellness entry, per participant, from the raw CSVs."""
    total = 0
    for path in sorted(folder.glob("p*/pmsys/wellness.csv")):
        frame = pd.read_csv(path)
        values = frame.drop(columns=["effective_time_frame", "soreness_area"])
        frame = frame[values.notna().any(axis=1)]
        local = pd.to_datetime(frame["effective_time_frame"], utc=True).dt.tz_convert(timezone).dt.date
        total += local.nunique()
    return total


def expected_off_scale(folder: Path) -> int:
    total = 0
    for path in sorted(folder.glob("p*/pmsys/wellness.csv")):
        frame = pd.read_csv(path)
        items = frame[["fatigue", "mood", "sleep_quality", "soreness", "stress"]]
        total += int(((items < 1) | (items > 5)).sum().sum())
    return total


def expected_sessions(folder: Path) -> int:
    total = 0
    for path in sorted(folder.glob("p*/pmsys/srpe.csv")):
        frame = pd.read_csv(path)
        ok = frame["perceived_exertion"].between(0, 10) & (frame["duration_min"] > 0)
        total += int(ok.sum())
    return total


def expected_major_weeks(folder: Path) -> int:
    return sum(
        list(ast.literal_eval(cell).values()).count("major")
        for path in sorted(folder.glob("p*/pmsys/injury.csv"))
        for cell in pd.read_csv(path)["injuries"]
    )


@pytest.fixture
def pmdata() -> Path:
    if not PMDATA.is_dir():
        message = f"the PMData reference folder is not at {PMDATA} (CI has it)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    return PMDATA


@pytest.mark.slow
def test_the_real_pmdata_folder_imports_with_counts_and_is_idempotent(db_engine, pmdata):
    timezone = "Europe/Oslo"
    started = time.perf_counter()
    first = import_pmsys(db_engine, pmdata, team="PMData", timezone=timezone)
    seconds = time.perf_counter() - started
    print(f"PMData import: {seconds:.1f} s on {db_engine.dialect.name}")
    print("\n".join(first.lines()))
    assert seconds < 30
    assert first.participants == 16
    assert count(db_engine, Athlete) == 16 == first.athletes_created
    assert count(db_engine, WellnessCheckin) == expected_checkins(pmdata, timezone)
    assert first.tables["wellness_checkins"].inserted == count(db_engine, WellnessCheckin)
    assert count(db_engine, TrainingSession) == expected_sessions(pmdata)
    assert first.blank_rows["srpe"] > 0
    assert (
        sum(first.off_scale[item] for item in ("fatigue", "mood", "sleep_quality", "soreness", "stress"))
        == (expected_off_scale(pmdata))
        > 0
    )
    assert sum(first.duplicates.values()) > 0
    assert count(db_engine, PainReport) > 0
    assert 0 < count(db_engine, Injury) <= expected_major_weeks(pmdata)
    counts = {model: count(db_engine, model) for model in (WellnessCheckin, PainReport, TrainingSession, Injury)}

    second = import_pmsys(db_engine, pmdata, team="PMData", timezone=timezone)
    assert (second.athletes_created, second.athletes_matched) == (0, 16)
    for table, result in second.tables.items():
        assert (result.inserted, result.updated) == (0, 0), table
        assert result.unchanged == first.tables[table].inserted, table
    assert {model: count(db_engine, model) for model in counts} == counts
