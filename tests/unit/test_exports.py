"""Exports: the demo round-trips exactly through CSV and Excel, links between records included;
formulas are neutralised; notes can be left out; the .zip download; the audit entry; the CLI."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, delete, select

from analytics.lookup import looked_up
from data import queries
from data.accounts import create_user
from data.cli import main
from data.db import make_engine
from data.demo import load_demo
from data.exports import export_all, export_frames, export_zip
from data.imports import KINDS, LAYOUTS, import_file
from data.models import Injury, RomMeasurement, TherapySession
from data.queries import table_counts
from data.record_writes import save_records
from data.roster import create_athlete, create_team
from data.schema import upgrade
from tests.cli import run


def comparable(engine: Engine) -> dict[str, pd.DataFrame]:
    """Every table's frame, athletes named by external id, database ids left out, rows sorted."""
    athletes = queries.athletes(engine)
    external = athletes.set_index("athlete_id")["external_id"]
    frames = {
        "teams": queries.teams(engine).drop(columns="team_id"),
        "athletes": athletes.drop(columns=["athlete_id", "team_id"]),
        "therapy_sessions": queries.therapy_sessions(engine, include_notes=True),
        "rom_measurements": queries.rom_measurements(engine),
        "wellness_checkins": queries.wellness_checkins(engine),
        "pain_reports": queries.pain_reports(engine),
        # every health problem; the link to a training session and the clinician's index problem are
        # not carried by a file (docs/IMPORT_EXPORT.md)
        "injuries": queries.health_problems(engine, include_notes=True).drop(
            columns=["training_session_id", "index_problem_id", "index_by_clinician"]
        ),
        "training_sessions": queries.training_sessions(engine),
        "ostrc_responses": queries.ostrc_responses(engine),
    }
    _name_links(engine, frames)
    ids = {"athlete_id", "session_id", "measurement_id", "injury_id", "training_id", "therapist_id", "measured_by"}
    out = {}
    for name, frame in frames.items():
        if "athlete_id" in frame:
            frame = frame.assign(athlete=frame["athlete_id"].map(external))
        frame = frame.drop(columns=[c for c in frame.columns if c in ids])
        out[name] = frame.sort_values(list(frame.columns)).reset_index(drop=True)
    return out


def _name_links(engine: Engine, frames: dict[str, pd.DataFrame]) -> None:
    """Name each link by the linked record's natural identity (usernames; injury and session keys)."""
    users = queries.users(engine).set_index("user_id")["username"]
    with engine.connect() as connection:
        measured = dict(connection.execute(select(RomMeasurement.id, RomMeasurement.measured_by)).all())
    sessions, rom = frames["therapy_sessions"], frames["rom_measurements"]
    injuries = frames["injuries"].set_index("injury_id")
    sessions["therapist"] = looked_up(sessions["therapist_id"], users)
    for column in ("onset_date", "body_region", "side", "injury_type"):
        sessions[f"injury_{column}"] = looked_up(sessions["injury_id"].astype("Int64"), injuries[column])
    rom["measured_by"] = rom["measurement_id"].map(measured).astype("Int64")
    rom["measured_by_name"] = looked_up(rom["measured_by"], users)
    by_id = sessions.set_index("session_id")
    for column in ("date", "technique", "body_region", "side"):
        rom[f"session_{column}"] = looked_up(rom["session_id"].astype("Int64"), by_id[column])


def copy_staff_accounts(source: Engine, target: Engine) -> None:
    """Users travel separately from exports (accounts hold passwords): create the same usernames."""
    for user in queries.users(source).itertuples():
        if user.role != "athlete":
            create_user(target, user.username, "a-long-enough-password-1", user.role)


def assert_same(left: dict[str, pd.DataFrame], right: dict[str, pd.DataFrame]) -> None:
    assert list(left) == list(right)
    for name in left:
        pd.testing.assert_frame_equal(left[name], right[name], obj=name)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}")
    upgrade(engine)
    load_demo(engine, athletes=8, days=90, seed=3)
    return engine


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_round_trips_the_demo(demo: Engine, db_engine: Engine, tmp_path: Path, fmt: str) -> None:
    written = export_all(demo, tmp_path, fmt=fmt)
    assert [p.name for p in written.values()] == [f"{k}.{fmt}" for k in KINDS]
    copy_staff_accounts(demo, db_engine)
    for kind, path in written.items():
        import_file(db_engine, kind, path)
    source, copy = comparable(demo), comparable(db_engine)
    assert_same(source, copy)
    sessions, rom = source["therapy_sessions"], source["rom_measurements"]
    # the demo has every kind of link, so the comparison above covers them
    assert sessions["therapist"].notna().all() and sessions["injury_onset_date"].notna().any()
    assert rom["session_date"].notna().any() and rom["measured_by_name"].notna().any()
    for kind, path in written.items():  # and a second time changes nothing
        report = import_file(db_engine, kind, path)
        assert report.inserted == report.updated == 0, kind


def test_export_is_in_the_import_layout_and_scoped_to_athletes(demo: Engine, tmp_path: Path) -> None:
    one = int(queries.athletes(demo)["athlete_id"].iloc[0])
    export_all(demo, tmp_path, athlete_ids=[one])
    for kind in KINDS:
        frame = pd.read_csv(tmp_path / f"{kind}.csv", dtype=str)
        assert list(frame.columns) == LAYOUTS[kind]
        column = "external_id" if kind == "athletes" else "athlete_external_id"
        assert frame[column].nunique() <= 1, kind


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formulas_are_neutralised_and_the_import_restores_them(db_engine: Engine, tmp_path: Path, fmt: str) -> None:
    athletes = tmp_path / "in" / "athletes.csv"
    athletes.parent.mkdir()
    athletes.write_text("external_id,display_name,team\n-A7,@Ada,=Team\n")
    import_file(db_engine, "athletes", athletes)
    athlete_id = int(queries.athletes(db_engine)["athlete_id"].iloc[0])
    notes = ['=HYPERLINK("http://evil.example","click")', "-5", "+1", "'quoted", "@SUM(A1)"]
    save_records(
        db_engine,
        "injuries",
        [
            {
                "athlete_id": athlete_id,
                "onset_date": f"2024-01-0{i + 1}",
                "body_region": "knee",
                "side": "left",
                "injury_type": "other",
                "time_loss": False,
                "notes": note,
            }
            for i, note in enumerate(notes)
        ],
    )
    save_records(db_engine, "rom_measurements", [_rom(athlete_id, -5.0)])
    before = comparable(db_engine)
    out = tmp_path / "out"
    export_all(db_engine, out, fmt=fmt)
    if fmt == "csv":
        injuries = pd.read_csv(out / "injuries.csv", dtype=str, keep_default_na=False)
        rom = pd.read_csv(out / "rom_measurements.csv", dtype=str)
        athletes_out = pd.read_csv(out / "athletes.csv", dtype=str)
    else:
        injuries = pd.read_excel(out / "injuries.xlsx", dtype=str, keep_default_na=False)
        rom = pd.read_excel(out / "rom_measurements.xlsx", dtype=object)
        athletes_out = pd.read_excel(out / "athletes.xlsx", dtype=object)
    assert injuries["notes"].tolist() == ["'" + n for n in notes]
    assert set(injuries["athlete_external_id"]) == {"'-A7"}
    assert athletes_out.loc[0, ["external_id", "display_name", "team"]].tolist() == ["'-A7", "'@Ada", "'=Team"]
    assert float(rom["value"].iloc[0]) == -5.0 and not str(rom["value"].iloc[0]).startswith("'")  # numbers stay numbers
    fresh = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    upgrade(fresh)
    for kind in KINDS:
        import_file(fresh, kind, out / f"{kind}.{fmt}")
    assert_same(before, comparable(fresh))


#: Health problems with every field a file carries: a coded sudden injury in a match, a gradual one
#: still open, an illness (IOC 2020 categories, Bahr et al. 2020).
PROBLEMS = (
    {
        "onset_date": "2024-02-10",
        "body_region": "thigh",
        "side": "left",
        "injury_type": "muscle_strain",
        "onset_mode": "sudden",
        "contact": "non_contact",
        "activity": "match",
        "osiics_code": "TMHX",
        "diagnosis": "Hamstring strain, biceps femoris",
        "time_loss": True,
        "return_date": "2024-03-01",
        "notes": "sprinting",
    },
    {
        "onset_date": "2024-02-12",
        "body_region": "knee",
        "side": "right",
        "tissue": "muscle_tendon",
        "pathology": "tendinopathy",
        "onset_mode": "gradual",
        "activity": "training",
        "time_loss": False,
    },
    {
        "problem_type": "illness",
        "onset_date": "2024-02-12",
        "organ_system": "respiratory",
        "illness_cause": "infection",
        "onset_mode": "sudden",
        "activity": "outside_sport",
        "diagnosis": "Upper respiratory tract infection",
        "time_loss": True,
        "return_date": "2024-02-16",
    },
)


def test_health_problems_round_trip_with_every_field_and_days_lost(db_engine: Engine, tmp_path: Path) -> None:
    team = create_team(db_engine, "Alpha FC", "soccer", "Europe/Oslo")
    athlete_id = create_athlete(db_engine, team, "Ann", "A-1")
    ids = save_records(db_engine, "injuries", [{"athlete_id": athlete_id, **p} for p in PROBLEMS]).ids
    session = {"athlete_id": athlete_id, "date": "2024-02-13", "technique": "other", "minutes": 20}
    treated = [session | {"body_region": "upper_back", "side": "central", "injury_id": ids[2]}]  # the illness
    save_records(db_engine, "therapy_sessions", [*treated, session | {"body_region": "knee", "side": "right"}])
    before = comparable(db_engine)
    export_all(db_engine, tmp_path)
    written = pd.read_csv(tmp_path / "injuries.csv", dtype=str, keep_default_na=False)
    assert list(written.columns) == LAYOUTS["injuries"]
    assert written["problem_type"].tolist() == ["injury", "injury", "illness"]
    # return - onset - 1 (Bahr et al. 2020, Table 10: neither the onset nor the return day counts); blank while open
    assert written["days_lost"].tolist() == ["19", "", "3"]
    assert written["body_area"].tolist() == ["thigh", "knee", ""]
    assert written["injury_type"].tolist()[1] == "tendinopathy"
    with db_engine.begin() as connection:
        connection.execute(delete(TherapySession))
        connection.execute(delete(Injury))
    written.assign(days_lost="999").to_csv(tmp_path / "edited.csv", index=False)  # computed: never read
    assert import_file(db_engine, "injuries", tmp_path / "edited.csv").inserted == 3
    assert import_file(db_engine, "therapy_sessions", tmp_path / "therapy_sessions.csv").inserted == 2
    after = comparable(db_engine)
    for kind in ("injuries", "therapy_sessions"):
        pd.testing.assert_frame_equal(before[kind], after[kind], obj=kind)
    assert after["therapy_sessions"]["injury_onset_date"].notna().sum() == 1  # the illness's session is linked again
    again = import_file(db_engine, "injuries", tmp_path / "injuries.csv")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)


def _rom(athlete_id: int, value: float) -> dict[str, object]:
    return {
        "athlete_id": athlete_id,
        "date": "2024-01-02",
        "joint": "ankle",
        "movement": "dorsiflexion",
        "side": "left",
        "value": value,
        "unit": "deg",
        "method": "goniometer",
        "context": "screening",
    }


# ---------------------------------------------------------------- the CLI


def test_cli_export_then_import_into_an_empty_database(tmp_path: Path) -> None:
    source = f"sqlite:///{tmp_path / 'source.db'}"
    assert main(["--database-url", source, "demo", "--athletes", "2", "--days", "28", "--seed", "2"]) == 0
    out = tmp_path / "out"
    exported = run(source, "export", "--format", "csv", str(out))  # as a user runs it: a separate process
    assert exported.returncode == 0, exported.stderr
    target = f"sqlite:///{tmp_path / 'target.db'}"
    assert main(["--database-url", target, "init"]) == 0
    copy_staff_accounts(make_engine(source), make_engine(target))
    done = run(target, "import", "--kind", "athletes", str(out / "athletes.csv"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("athletes: 2 rows: 2 inserted")
    for kind in KINDS[1:]:
        assert main(["--database-url", target, "import", "--kind", kind, str(out / f"{kind}.csv")]) == 0
    source_engine, target_engine = make_engine(source), make_engine(target)
    assert_same(comparable(source_engine), comparable(target_engine))
    assert main(["--database-url", source, "export", str(tmp_path / "one"), "--athlete", "DEMO-00001"]) == 0
    assert set(pd.read_csv(tmp_path / "one" / "athletes.csv")["external_id"]) == {"DEMO-00001"}
    assert (
        main(["--database-url", source, "export", "--format", "xlsx", str(tmp_path / "x"), "--team", "Nordvik FC"]) == 0
    )
    assert (tmp_path / "x" / "wellness_checkins.xlsx").exists()


def test_cli_refuses_a_bad_file_listing_rows_and_changes_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.db'}"
    athletes = tmp_path / "athletes.csv"
    athletes.write_text("external_id,display_name,team\nA1,Ada,Team A\n")
    assert main(["--database-url", url, "import", "--kind", "athletes", str(athletes)]) == 0
    rows = ["athlete_external_id,date,body_region,side,pain"]
    rows += [f"A1,2024-01-{d:02d},knee,left,11" for d in range(1, 29)]
    rows += [f"A1,2024-02-{d:02d},knee,left,{'x' if d % 2 else 12}" for d in range(1, 29)]
    rows += ["A1,2024-03-01,knee,left,3"]
    bad = tmp_path / "pain.csv"
    bad.write_text("\n".join(rows) + "\n")
    before = table_counts(make_engine(url))
    refused = run(url, "import", "--kind", "pain_reports", str(bad))
    assert refused.returncode == 2
    lines = refused.stderr.strip().splitlines()
    assert lines[0].startswith("error: pain.csv was not imported") and "56 problems" in lines[0]
    assert lines[1] == "row 2, pain: '11' is above 10"
    assert len(lines) == 1 + 50 + 1 and lines[-1] == "and 6 more"
    assert table_counts(make_engine(url)) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("import", "--kind", "teams", "x.csv"), "unknown kind"),
        (("import", "--kind", "athletes", "missing.csv"), "no such file"),
        (("import", "--format", "json", "x"), "unknown format"),
        (("import", "--format", "pmsys", "missing-dir"), "not a folder"),
        (("export", "--format", "pdf", "out"), "unknown format"),
        (("export", "out", "--athlete", "NOBODY"), "no athlete"),
        (("export", "out", "--team", "Nobody"), "no team"),
    ],
)
def test_cli_refusals_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    assert main(["--database-url", f"sqlite:///{tmp_path / 'db.db'}", *args]) != 0
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and message in err, err


def test_cli_create_athletes_needs_a_team(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "t.csv"
    path.write_text("athlete_external_id,date,minutes,rpe,kind\nN1,2024-01-01,60,5,training\n")
    cli = ["--database-url", f"sqlite:///{tmp_path / 'db.db'}", "import", "--kind", "training_sessions", str(path)]
    assert main(cli) == 2 and "N1" in capsys.readouterr().err
    assert main([*cli, "--create-athletes"]) == 2
    capsys.readouterr()
    assert main([*cli, "--create-athletes", "--team", "New"]) == 0
    assert "created 1 athletes: N1" in capsys.readouterr().out


# ---------------------------------------------------------------- notes, the .zip, the audit entry


def test_without_notes_the_clinical_notes_are_written_empty(demo: Engine, tmp_path: Path) -> None:
    with_notes = export_frames(demo)
    without = export_frames(demo, include_notes=False)
    clinical = {
        "therapy_sessions": ["notes"],
        "injuries": ["tissue", "pathology", "organ_system", "illness_cause", "osiics_code", "diagnosis", "notes"],
    }
    for kind, columns in clinical.items():
        assert with_notes[kind]["notes"].notna().any(), kind
        assert without[kind][columns].isna().all().all(), kind
        pd.testing.assert_frame_equal(with_notes[kind].drop(columns=columns), without[kind].drop(columns=columns))
    export_all(demo, tmp_path, include_notes=False)
    written = pd.read_csv(tmp_path / "therapy_sessions.csv", dtype=str, keep_default_na=False)
    assert list(written.columns) == LAYOUTS["therapy_sessions"] and (written["notes"] == "").all()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_zip_holds_the_files_export_all_writes(demo: Engine, tmp_path: Path, fmt: str) -> None:
    one_team = queries.athletes(demo).query("team_id == team_id.min()")["athlete_id"].tolist()
    written = export_all(demo, tmp_path, fmt=fmt, athlete_ids=one_team, include_notes=False)
    archive = zipfile.ZipFile(io.BytesIO(export_zip(demo, fmt, athlete_ids=one_team, include_notes=False)))
    assert archive.namelist() == [p.name for p in written.values()]
    for path in written.values():
        member = archive.read(path.name)
        if fmt == "csv":
            assert member == path.read_bytes(), path.name
        else:  # a workbook stamps its creation time: compare the cells
            pd.testing.assert_frame_equal(
                pd.read_excel(io.BytesIO(member), dtype=object), pd.read_excel(path, dtype=object), obj=path.name
            )


def test_an_export_by_a_user_is_audited_once(db_engine: Engine, tmp_path: Path) -> None:
    admin = create_user(db_engine, "exporter", "a-long-enough-password-1", "admin")
    athletes = tmp_path / "athletes.csv"
    athletes.write_text("external_id,display_name,team\nA1,Ada,Team A\nA2,Bo,Team A\n")
    import_file(db_engine, "athletes", athletes)
    export_zip(db_engine, "xlsx", include_notes=False, actor_id=admin)
    first = int(queries.athletes(db_engine)["athlete_id"].min())
    export_all(db_engine, tmp_path / "out", athlete_ids=[first], actor_id=admin)
    entries = queries.audit_entries(db_engine)
    exports = entries[entries["action"] == "export"].sort_values("at", kind="stable")
    assert len(exports) == 2 and set(exports["username"]) == {"exporter"}
    details = sorted(exports["detail"])
    assert details[0].startswith(f"csv; athletes {first}; with notes; rows: athletes 1, injuries 0,")
    assert details[1].startswith("xlsx; all athletes; without notes; rows: athletes 2, injuries 0,")


def test_an_export_without_a_user_is_audited_too(db_engine: Engine, tmp_path: Path) -> None:
    """`python -m data export` reads every clinical note with no signed-in user: it still leaves one entry,
    naming the athletes and what was read, never the content (issue 19)."""
    team = create_team(db_engine, "Team A")
    first = create_athlete(db_engine, team, "Ada", "A1")
    injury = {
        "athlete_id": first,
        "onset_date": "2026-01-05",
        "body_region": "thigh",
        "side": "left",
        "injury_type": "muscle_strain",
        "time_loss": True,
        "notes": "secret tear",
    }
    save_records(db_engine, "injuries", [injury])
    before = len(queries.audit_entries(db_engine))
    export_all(db_engine, tmp_path / "anonymous", athlete_ids=[first])
    entries = queries.audit_entries(db_engine)
    assert len(entries) == before + 1
    [entry] = entries[entries["action"] == "export"].to_dict("records")
    assert pd.isna(entry["username"])
    assert entry["detail"].startswith(f"csv; athletes {first}; with notes; rows: athletes 1, injuries 1,")
    assert entry["detail"].endswith("by the command line (no signed-in user)")
    assert "secret tear" not in entry["detail"]


def test_the_cli_export_is_audited(db_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", db_engine.url.render_as_string(hide_password=False))
    create_team(db_engine, "Team A")
    before = len(queries.audit_entries(db_engine))
    assert main(["export", str(tmp_path / "cli")]) in (0, None)
    entries = queries.audit_entries(db_engine)
    assert len(entries) == before + 1 and entries.iloc[0]["action"] == "export"
