"""ui/transfer.py, the UI side of data in and out, without Streamlit: the PMSys .zip unpacked safely and
imported exactly as the CLI imports a folder (the issue's "done when", on the real PMData folder when it
exists), CSV refusals listed whole, and exports scoped to the user."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select

from data.access import Viewer, viewer
from data.dates import DateOrder
from data.db import ROOT, make_engine
from data.demo import load_demo
from data.errors import ValidationError
from data.models import Athlete, AuditEntry, Base, Team, User, WellnessCheckin
from data.record_checks import InvalidRecords
from data.schema import upgrade
from tests.conftest import REFERENCE, in_ci
from ui import transfer

PMDATA = REFERENCE / "pmdata"
WELLNESS = (
    "effective_time_frame,fatigue,mood,readiness,sleep_duration_h,sleep_quality,soreness,soreness_area,stress\n"
    "2019-11-01T08:00:00.000Z,3,3,6,7.5,3,3,[],3\n"
    "2019-11-02T08:00:00.000Z,4,0,7,8,4,2,[12921003],4\n"
)
SRPE = "end_date_time,activity_names,perceived_exertion,duration_min\n2019-11-01T18:00:00.000Z,['running'],5,60\n"
INJURY = "effective_time_frame,injuries\n2019-11-01T08:00:00.000Z,{}\n"


def make_zip(members: dict[str, str | bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def participant(prefix: str, pid: str) -> dict[str, str]:
    return {
        f"{prefix}{pid}/pmsys/wellness.csv": WELLNESS,
        f"{prefix}{pid}/pmsys/srpe.csv": SRPE,
        f"{prefix}{pid}/pmsys/injury.csv": INJURY,
    }


def zip_folder(folder: Path, top: str) -> bytes:
    """`folder` zipped with every member under `top/`, as a user zips a folder."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            archive.write(path, f"{top}/{path.relative_to(folder).as_posix()}")
    return buffer.getvalue()


def count(engine: Engine, model: type) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(model)))


# --------------------------------------------------------------------------- unpacking


@pytest.mark.parametrize("prefix", ["", "pmdata/", "export/pmdata/"])
def test_participants_are_found_at_the_top_or_inside_folders(tmp_path: Path, prefix: str) -> None:
    data = make_zip(
        {
            **participant(prefix, "p01"),
            **participant(prefix, "p02"),
            f"{prefix}p01/fitbit/steps.json": "[]",
            f"__MACOSX/{prefix}p01/pmsys/._wellness.csv": "junk",
            f"{prefix}README.txt": "hello",
        }
    )
    folder = transfer.unpack_pmsys_zip(data, tmp_path, "pmdata.zip")
    assert sorted(p.name for p in folder.iterdir()) == ["p01", "p02"]
    assert sorted(p.name for p in (folder / "p01").iterdir()) == ["pmsys"]  # fitbit left packed
    assert (folder / "p01" / "pmsys" / "wellness.csv").read_text() == WELLNESS
    assert folder.name == "pmdata"  # the folder name the CLI would have seen
    assert folder.resolve().is_relative_to(tmp_path.resolve())


@pytest.mark.parametrize(
    "name",
    ["../p01/pmsys/wellness.csv", "/tmp/p01/pmsys/wellness.csv", "p01/../../pmsys/wellness.csv", "C:/p01/x.csv"],
)
def test_a_member_outside_the_folder_is_refused(tmp_path: Path, name: str) -> None:
    data = make_zip({**participant("", "p01"), name: "x"})
    with pytest.raises(ValidationError, match="outside its folder"):
        transfer.unpack_pmsys_zip(data, tmp_path / "in", "evil.zip")
    assert not (tmp_path / "p01").exists()


def test_a_link_member_is_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo("p01/pmsys/wellness.csv")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    with pytest.raises(ValidationError, match="a link"):
        transfer.unpack_pmsys_zip(buffer.getvalue(), tmp_path, "link.zip")


def test_a_zip_bomb_and_oversized_uploads_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = make_zip({**participant("", "p01"), "p02/pmsys/wellness.csv": b"0" * (5 * 2**20)})
    with pytest.raises(ValidationError, match="implausible size"):
        transfer.unpack_pmsys_zip(bomb, tmp_path / "bomb", "bomb.zip")
    plain = make_zip(participant("", "p01"), compression=zipfile.ZIP_STORED)
    monkeypatch.setattr(transfer, "MAX_UNPACKED_BYTES", 100)
    with pytest.raises(ValidationError, match="unpacks to more than"):
        transfer.unpack_pmsys_zip(plain, tmp_path / "big", "big.zip")
    monkeypatch.setattr(transfer, "MAX_UPLOAD_BYTES", 10)
    with pytest.raises(ValidationError, match="larger than"):
        transfer.unpack_pmsys_zip(plain, tmp_path / "upload", "big.zip")
    monkeypatch.setattr(transfer, "MAX_UPLOAD_BYTES", 2**30)
    monkeypatch.setattr(transfer, "MAX_MEMBERS", 2)
    with pytest.raises(ValidationError, match="lists 3 files"):
        transfer.unpack_pmsys_zip(plain, tmp_path / "many", "many.zip")


def test_not_a_zip_or_no_participants_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="is not a .zip file"):
        transfer.unpack_pmsys_zip(b"PK not really", tmp_path / "a", "x.zip")
    with pytest.raises(ValidationError, match="holds no participant folders"):
        transfer.unpack_pmsys_zip(make_zip({"a/b.csv": "x", "c/d.csv": "y"}), tmp_path / "b", "x.zip")


def test_a_refused_zip_writes_nothing_and_leaves_no_files(db_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[Path] = []
    real = transfer.tempfile.mkdtemp

    def spy(**kwargs: str) -> str:
        made.append(Path(real(**kwargs)))
        return str(made[-1])

    monkeypatch.setattr(transfer.tempfile, "mkdtemp", spy)
    bad = participant("", "p01") | {"p01/pmsys/srpe.csv": SRPE.replace(",5,60", ",hard,60")}
    with pytest.raises(InvalidRecords) as refused:
        transfer.import_pmsys_zip(db_engine, make_zip(bad), "bad.zip")
    assert "is not a number" in str(refused.value.errors[0])
    assert count(db_engine, Athlete) == count(db_engine, WellnessCheckin) == 0
    assert made and not made[0].exists()


def test_a_small_zip_imports_and_reimports_unchanged(db_engine: Engine) -> None:
    data = make_zip(participant("pmdata/", "p01") | participant("pmdata/", "p02"))
    first = transfer.import_pmsys_zip(db_engine, data, "pmdata.zip", team="Rowers", timezone="Europe/Oslo")
    assert (first.participants, first.athletes_created, first.folder) == (2, 2, "pmdata.zip")
    assert first.off_scale["mood"] == 2
    tables = transfer.pmsys_tables(first).set_index("Records")
    assert tables.at["Check-ins", "Inserted"] == 4 == count(db_engine, WellnessCheckin)
    fixes = transfer.pmsys_fixes(first).set_index("What")
    assert fixes.at["Off-scale values stored as missing", "Count"] == 2
    assert fixes.at["Off-scale values stored as missing", "Details"] == "mood 2"
    second = transfer.import_pmsys_zip(db_engine, data, "pmdata.zip", team="Rowers", timezone="Europe/Oslo")
    assert transfer.pmsys_tables(second)[["Inserted", "Updated"]].to_numpy().sum() == 0
    assert count(db_engine, WellnessCheckin) == 4


# --------------------------------------------------------------------------- the real PMData folder


@pytest.fixture
def pmdata() -> Path:
    if not PMDATA.is_dir():
        message = f"the PMData reference folder is not at {PMDATA} (CI has it)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return PMDATA


def table_rows(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows, without primary keys and time stamps of when a row was written, sorted."""
    skip = {"id", "at", "created_at", "closed_at"}
    out: dict[str, list[tuple[object, ...]]] = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if c.name not in skip]
            rows = connection.execute(select(*columns)).all()
            out[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return out


def cli_import(url: str, folder: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "data", "--database-url", url, "import", "--format", "pmsys", str(folder)],
        cwd=ROOT,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.slow  # all of PMData, four times: a big import
def test_the_ui_zip_import_and_the_cli_give_the_same_database_twice(pmdata: Path, tmp_path: Path) -> None:
    """The issue's "done when": all of PMData through the UI's .zip upload and through
    `python -m data import --format pmsys DIR`, each twice in a row, leave the same rows."""
    folder = tmp_path / "pmdata"
    shutil.copytree(pmdata, folder)  # the CLI reads a folder named like the zip's top-level one
    upload = zip_folder(pmdata, "pmdata")
    ui_engine = make_engine(f"sqlite:///{tmp_path / 'ui.db'}")
    cli_url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade(ui_engine)
    try:
        first = transfer.import_pmsys_zip(ui_engine, upload, "pmdata.zip")
        assert first.participants == 16 and first.athletes_created == 16
        assert sum(first.off_scale.values()) > 0 and sum(first.blank_rows.values()) > 0
        after_one = table_rows(ui_engine)
        second = transfer.import_pmsys_zip(ui_engine, upload, "pmdata.zip")
        for table, result in second.tables.items():
            assert (result.inserted, result.updated) == (0, 0), table
            assert result.unchanged == first.tables[table].inserted, table
        cli_first = cli_import(cli_url, folder)
        cli_second = cli_import(cli_url, folder)
        assert "athletes: 16 created" in cli_first and "athletes: 0 created, 16 matched" in cli_second
        for table in first.tables:
            assert f"{table}: 0 inserted, 0 updated" in cli_second
        cli_engine = make_engine(cli_url)
        ui_rows, cli_rows = table_rows(ui_engine), table_rows(cli_engine)
        cli_engine.dispose()
        data_tables = [t for t in ui_rows if t != "audit_entries"]
        assert {t: len(ui_rows[t]) for t in data_tables} == {t: len(cli_rows[t]) for t in data_tables}
        for table in data_tables:
            assert ui_rows[table] == cli_rows[table], table
            assert ui_rows[table] == after_one[table], table  # the second import changed nothing
        assert len(ui_rows["wellness_checkins"]) > 1000
        assert ui_rows["audit_entries"] == cli_rows["audit_entries"]  # same actions, same details
    finally:
        ui_engine.dispose()


# --------------------------------------------------------------------------- CSV / Excel records


def test_a_bad_file_lists_every_problem_and_unknown_athletes(db_engine: Engine) -> None:
    with db_engine.begin() as connection:
        team = connection.execute(
            Team.__table__.insert().values(name="T", sport="", timezone="UTC")
        ).inserted_primary_key
        connection.execute(
            Athlete.__table__.insert().values(team_id=team[0], display_name="Known", external_id="K1", active=True)
        )
    csv = (
        "athlete_external_id,date,body_region,side,pain\n"
        "K1,2024-03-01,knee,left,3\n"
        "K1,2024-03-02,knee,left,11\n"
        "NEW1,2024-03-02,elbow,up,2\n"
        "NEW2,2024-03-02,knee,left,2\n"
    )
    with pytest.raises(InvalidRecords) as refused:
        transfer.import_records(db_engine, "pain_reports", csv.encode(), "pain.csv")
    table = transfer.problem_table(refused.value)
    assert list(table.columns) == ["Row", "Column", "Value", "Problem"]
    assert ("pain", "11") in set(zip(table["Column"], table["Value"], strict=True))
    assert ("side", "up") in set(zip(table["Column"], table["Value"], strict=True))
    assert set(table["Row"].dropna()) >= {3, 4, 5}
    assert transfer.unknown_athletes(refused.value) == ["NEW1", "NEW2"]
    with db_engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Athlete)) == 1
    with pytest.raises(ValidationError, match="is not a .csv or .xlsx"):
        transfer.import_records(db_engine, "pain_reports", csv.encode(), "pain.json")

    good = csv.replace(",11\n", ",6\n").replace(",up,", ",right,")
    report = transfer.import_records(
        db_engine, "pain_reports", good.encode(), "pain.csv", create_athletes=True, team="New team"
    )
    assert (report.inserted, report.athletes_created, report.teams_created) == (4, ["NEW1", "NEW2"], ["New team"])


def test_an_upload_is_read_in_the_date_order_and_with_the_decimal_commas_chosen(db_engine: Engine) -> None:
    transfer.import_records(db_engine, "athletes", b"external_id,display_name,team\nK1,Known,T\n", "a.csv")
    csv = b'athlete_external_id,date,sleep_hours\nK1,03/04/2025,"7,5"\n'
    with pytest.raises(InvalidRecords) as refused:
        transfer.import_records(db_engine, "wellness_checkins", csv, "w.csv")
    assert {(p.field, p.value) for p in refused.value.errors} == {("date", "03/04/2025"), ("sleep_hours", "7,5")}
    transfer.import_records(
        db_engine, "wellness_checkins", csv, "w.csv", date_order=DateOrder.MONTH_FIRST, decimal_comma=True
    )
    with db_engine.connect() as connection:
        stored = connection.execute(select(WellnessCheckin.date, WellnessCheckin.sleep_hours)).one()
    assert (pd.Timestamp(stored.date).date(), stored.sleep_hours) == (dt.date(2025, 3, 4), 7.5)


# --------------------------------------------------------------------------- exports


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}")
    upgrade(engine)
    load_demo(engine, athletes=8, days=40, seed=3)
    with engine.begin() as connection:  # a team no demo account is assigned to
        (team,) = connection.execute(
            Team.__table__.insert().values(name="Elsewhere", sport="", timezone="UTC")
        ).inserted_primary_key
        connection.execute(
            Athlete.__table__.insert().values(team_id=team, display_name="Stranger", external_id="S-1", active=True)
        )
    return engine


def unzip(data: bytes) -> dict[str, pd.DataFrame]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            Path(n).stem: pd.read_csv(archive.open(n), dtype=str, keep_default_na=False) for n in archive.namelist()
        }


def viewer_of(engine: Engine, username: str) -> Viewer:
    with engine.connect() as connection:
        user_id = connection.scalar(select(User.id).where(User.username == username))
    who = viewer(engine, user_id)
    assert who is not None
    return who


def people(engine: Engine) -> tuple[list[tuple[int, int, str]], list[int]]:
    with engine.connect() as connection:
        athletes = [tuple(r) for r in connection.execute(select(Athlete.id, Athlete.team_id, Athlete.external_id))]
        teams = sorted(connection.scalars(select(Team.id)).all())
    return athletes, teams


def test_an_athletes_export_holds_only_their_rows_and_no_notes(demo: Engine) -> None:
    athletes, _ = people(demo)
    who = viewer_of(demo, "athlete")
    me = next(a for a in athletes if a[0] == who.athlete_id)
    other = next(a for a in athletes if a[0] != who.athlete_id)
    scope = transfer.export_scope(demo, who, athlete_id=other[0], team_id=other[1])  # asked for someone else
    assert scope.athlete_ids == [me[0]] and not scope.include_notes
    files = unzip(transfer.build_export(demo, who, scope, "csv"))
    assert list(files["athletes"]["external_id"]) == [me[2]]
    for kind, frame in files.items():
        if kind != "athletes" and len(frame):
            assert set(frame["athlete_external_id"]) == {me[2]}, kind
    assert len(files["wellness_checkins"]) > 0
    assert (files["therapy_sessions"]["notes"] == "").all() and (files["injuries"]["notes"] == "").all()
    with demo.connect() as connection:
        entry = connection.execute(
            select(AuditEntry.user_id, AuditEntry.action, AuditEntry.detail).order_by(AuditEntry.id.desc())
        ).first()
    assert entry is not None
    assert entry.user_id == who.user_id and entry.action == "export" and "without notes" in entry.detail


def test_staff_exports_stay_in_their_teams_and_notes_follow_the_role(demo: Engine) -> None:
    athletes, teams = people(demo)
    coach, therapist, admin = (viewer_of(demo, name) for name in ("coach", "therapist", "admin"))
    mine = coach.team_ids[0]
    theirs = next(t for t in teams if t not in coach.team_ids)
    own_teams = sorted(a for a, t, _ in athletes if t in coach.team_ids)
    assert sorted(transfer.export_scope(demo, coach).athlete_ids or []) == own_teams
    assert sorted(transfer.export_scope(demo, coach, team_id=mine).athlete_ids or []) == sorted(
        a for a, t, _ in athletes if t == mine
    )
    assert transfer.export_scope(demo, coach, team_id=theirs).athlete_ids == []
    stranger = next(a for a, t, _ in athletes if t == theirs)
    assert transfer.export_scope(demo, coach, athlete_id=stranger).athlete_ids == []
    assert not transfer.export_scope(demo, coach).include_notes
    assert transfer.export_scope(demo, therapist).include_notes
    everything = transfer.export_scope(demo, admin)
    assert everything.athlete_ids is None and everything.include_notes
    assert transfer.export_file_name(everything, "xlsx").startswith("fascia-all-xlsx-")
    with_notes = unzip(transfer.build_export(demo, therapist, transfer.export_scope(demo, therapist), "csv"))
    assert (with_notes["therapy_sessions"]["notes"] != "").any()


# --------------------------------------------------------------------------- damaged files (issue 19)


def damaged_zips() -> dict[str, bytes]:
    """A PMSys .zip damaged as files people actually have are: a bad CRC, a broken member header, a
    broken compressed stream, and cut short."""
    members = participant("pmdata/", "p01")
    stored = make_zip(members, compression=zipfile.ZIP_STORED)
    assert stored.count(b"2019-11-02T08") == 1
    deflated = make_zip(members)
    start = deflated.index(b"PK\x03\x04") + 30 + len("pmdata/p01/pmsys/wellness.csv")
    return {
        "bad-crc.zip": stored.replace(b"2019-11-02T08", b"2019-11-03T08"),
        "bad-header.zip": stored.replace(b"PK\x03\x04", b"PK\x03\x05", 1),
        "bad-stream.zip": deflated[:start]
        + bytes(b ^ 0x5A for b in deflated[start : start + 40])
        + deflated[start + 40 :],
        "cut-short.zip": stored[: len(stored) // 2],
    }


@pytest.mark.parametrize("name", sorted(damaged_zips()))
def test_a_damaged_zip_is_refused_with_a_sentence_naming_it_and_writes_nothing(
    db_engine: Engine, tmp_path: Path, name: str
) -> None:
    data = damaged_zips()[name]
    with pytest.raises(ValidationError) as refused:
        transfer.import_pmsys_zip(db_engine, data, name)
    error = refused.value
    assert not isinstance(error, InvalidRecords)
    assert (error.field, error.value) == ("zip", name)
    assert "damaged" in error.reason and "Traceback" not in error.reason
    assert "BadZipFile" not in error.reason and "make the .zip again" in error.reason
    assert count(db_engine, Athlete) == count(db_engine, WellnessCheckin) == count(db_engine, Team) == 0
    with pytest.raises(ValidationError):
        transfer.unpack_pmsys_zip(data, tmp_path / "out", name)
    assert not any(path.is_file() for path in (tmp_path / "out").rglob("*"))


def test_the_upload_limit_is_streamlits_as_configured_and_refused_in_words(
    db_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == transfer.MAX_UPLOAD_MB
    assert transfer.MAX_UPLOAD_BYTES == transfer.MAX_UPLOAD_MB * 2**20
    monkeypatch.setattr(transfer, "MAX_UPLOAD_BYTES", 2**20)
    monkeypatch.setattr(transfer, "MAX_UPLOAD_MB", 1)
    big = b"athlete_external_id,date\n" + b"A1,2024-03-04\n" * 100_000
    with pytest.raises(ValidationError) as refused:
        transfer.import_records(db_engine, "wellness_checkins", big, "big.csv")
    assert refused.value.reason.startswith("is 1 MB, larger than the 1 MB an upload may be; split it")
    assert count(db_engine, WellnessCheckin) == 0
