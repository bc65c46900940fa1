"""The persistence layer on both backends: schema, constraints, queries, validated writes."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import Engine, func, insert, inspect, select, text
from sqlalchemy.exc import IntegrityError

from data import queries
from data.access import authenticate, visible_athlete_ids
from data.accounts import create_user
from data.db import ROOT, database_url, make_engine
from data.errors import ValidationError
from data.models import Base, PainReport, RomNorm, TrainingSession, User, WellnessCheckin
from data.record_checks import InvalidRecords
from data.record_writes import save_records
from data.roster import create_athlete, create_team
from data.schema import current_revision, head_revision, upgrade
from data.time_series import TIME_SERIES

DAY = dt.date(2026, 3, 2)  # a Monday


@pytest.fixture
def team_db(db_engine: Engine) -> dict[str, int]:
    """Two teams, three athletes, a coach of team A."""
    a = create_team(db_engine, "Alpha FC", "soccer", "Europe/Oslo")
    b = create_team(db_engine, "Beta Track", "athletics", "UTC")
    ids = {
        "team_a": a,
        "team_b": b,
        "ann": create_athlete(db_engine, a, "Ann", "A-1", "midfield", "right"),
        "bob": create_athlete(db_engine, a, "Bob", "A-2", "defence", "left"),
        "cat": create_athlete(db_engine, b, "Cat", "B-1", "sprint", "right"),
    }
    return ids


def checkin(athlete_id: int, day: dt.date, **values: object) -> dict[str, object]:
    base = {
        "athlete_id": athlete_id,
        "date": day,
        "fatigue": 3,
        "sleep_quality": 4,
        "soreness": 3,
        "stress": 4,
        "mood": 4,
        "sleep_hours": 7.5,
        "readiness": 7,
        "availability": "full",
    }
    return base | values


def count(engine: Engine, model: type[Base]) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(model)))


class TestSchema:
    def test_upgrade_is_idempotent_and_reaches_head(self, db_engine: Engine) -> None:
        upgrade(db_engine)
        upgrade(db_engine)
        assert current_revision(db_engine) == head_revision()
        assert count(db_engine, RomNorm) > 0

    def test_every_model_table_exists_with_athlete_date_indexes(self, db_engine: Engine) -> None:
        inspector = inspect(db_engine)
        assert set(Base.metadata.tables) <= set(inspector.get_table_names())
        for table, date_column in [
            ("wellness_checkins", "date"),
            ("pain_reports", "date"),
            ("therapy_sessions", "date"),
            ("rom_measurements", "date"),
            ("training_sessions", "date"),
            ("injuries", "onset_date"),
            ("ostrc_responses", "week_start"),
        ]:
            indexed = [i["column_names"][:2] for i in inspector.get_indexes(table)]
            indexed += [u["column_names"][:2] for u in inspector.get_unique_constraints(table)]
            assert ["athlete_id", date_column] in indexed, table

    def test_sqlite_connections_enforce_foreign_keys_and_use_wal(self, sqlite_url: str) -> None:
        engine = make_engine(sqlite_url)
        upgrade(engine)
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 1000
        engine.dispose()

    def test_default_url_is_a_sqlite_file_inside_the_checkout(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("DATABASE_URL", raising=False)
        assert database_url() == f"sqlite:///{ROOT / 'fascia.db'}"
        monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db/fascia")
        assert database_url() == "postgresql+psycopg://u:p@db/fascia"


class TestConstraints:
    """The database itself refuses out-of-range scores, whatever code path writes them."""

    @pytest.mark.parametrize(
        ("model", "values"),
        [
            (WellnessCheckin, {"soreness": 6}),
            (WellnessCheckin, {"fatigue": 0}),
            (WellnessCheckin, {"readiness": 11}),
            (PainReport, {"pain": 11}),
            (TrainingSession, {"rpe": 10.5}),
            (TrainingSession, {"minutes": 0}),
        ],
    )
    def test_out_of_range_score_is_refused_by_the_database(
        self, db_engine: Engine, team_db: dict[str, int], model: type[Base], values: dict[str, object]
    ) -> None:
        rows = {
            WellnessCheckin: checkin(team_db["ann"], DAY),
            PainReport: {"athlete_id": team_db["ann"], "date": DAY, "body_region": "knee", "side": "left", "pain": 3},
            TrainingSession: {"athlete_id": team_db["ann"], "date": DAY, "minutes": 60, "rpe": 5, "kind": "training"},
        }
        with pytest.raises(IntegrityError), db_engine.begin() as connection:
            connection.execute(insert(model).values(**(rows[model] | values)))
        assert count(db_engine, model) == 0

    def test_unknown_athlete_is_refused_by_the_foreign_key(self, db_engine: Engine) -> None:
        with pytest.raises(IntegrityError), db_engine.begin() as connection:
            connection.execute(insert(WellnessCheckin).values(**checkin(999, DAY)))

    def test_one_checkin_per_athlete_and_date(self, db_engine: Engine, team_db: dict[str, int]) -> None:
        with db_engine.begin() as connection:
            connection.execute(insert(WellnessCheckin).values(**checkin(team_db["ann"], DAY)))
        with pytest.raises(IntegrityError), db_engine.begin() as connection:
            connection.execute(insert(WellnessCheckin).values(**checkin(team_db["ann"], DAY)))


class TestWrites:
    def test_valid_rows_are_saved_and_audited(self, db_engine: Engine, team_db: dict[str, int]) -> None:
        result = save_records(
            db_engine, "wellness_checkins", [checkin(team_db["ann"], DAY), checkin(team_db["bob"], DAY)]
        )
        assert (result.inserted, result.updated, result.unchanged) == (2, 0, 0)
        assert count(db_engine, WellnessCheckin) == 2

    def test_one_bad_row_refuses_the_whole_write_naming_row_and_field(
        self, db_engine: Engine, team_db: dict[str, int]
    ) -> None:
        rows = [checkin(team_db["ann"], DAY), checkin(team_db["bob"], DAY, soreness=7)]
        with pytest.raises(InvalidRecords) as refused:
            save_records(db_engine, "wellness_checkins", rows)
        assert str(refused.value).startswith("row 2, soreness: 7 is above 5")
        assert count(db_engine, WellnessCheckin) == 0

    def test_every_problem_is_reported_at_once(self, db_engine: Engine, team_db: dict[str, int]) -> None:
        rows = [
            {"athlete_id": team_db["ann"], "date": "2026-03-02", "body_region": "knee", "side": "left", "pain": 11},
            {"athlete_id": team_db["ann"], "date": "not a day", "body_region": "toe", "side": "left", "pain": 2},
            {"athlete_id": 999, "date": "2026-03-02", "body_region": "knee", "side": "up", "pain": 1},
        ]
        with pytest.raises(InvalidRecords) as refused:
            save_records(db_engine, "pain_reports", rows)
        found = {(e.row, e.field) for e in refused.value.errors}
        assert found == {(1, "pain"), (2, "date"), (2, "body_region"), (3, "side"), (3, "athlete_id")}
        assert count(db_engine, PainReport) == 0

    def test_saving_again_updates_by_natural_key(self, db_engine: Engine, team_db: dict[str, int]) -> None:
        save_records(db_engine, "wellness_checkins", [checkin(team_db["ann"], DAY)])
        again = save_records(db_engine, "wellness_checkins", [checkin(team_db["ann"], DAY)])
        changed = save_records(db_engine, "wellness_checkins", [checkin(team_db["ann"], DAY, soreness=1)])
        assert (again.inserted, again.unchanged) == (0, 1)
        assert (changed.inserted, changed.updated) == (0, 1)
        assert queries.wellness_checkins(db_engine)["soreness"].tolist() == [1]

    def test_rom_value_range_depends_on_unit(self, db_engine: Engine, team_db: dict[str, int]) -> None:
        row = {
            "athlete_id": team_db["ann"],
            "date": DAY,
            "joint": "ankle",
            "movement": "dorsiflexion_lunge",
            "side": "left",
            "value": 95,
            "unit": "cm",
            "method": "tape",
            "context": "screening",
        }
        with pytest.raises(InvalidRecords, match="row 1, value: 95 is outside -40..80 cm"):
            save_records(db_engine, "rom_measurements", [row])
        assert save_records(db_engine, "rom_measurements", [row | {"unit": "deg"}]).inserted == 1

    def test_return_before_onset_is_refused(self, db_engine: Engine, team_db: dict[str, int]) -> None:
        injury = {
            "athlete_id": team_db["ann"],
            "onset_date": "2026-03-10",
            "body_region": "thigh",
            "side": "left",
            "injury_type": "muscle_strain",
            "time_loss": True,
            "return_date": "2026-03-01",
        }
        with pytest.raises(InvalidRecords, match="return_date"):
            save_records(db_engine, "injuries", [injury])

    def test_writer_scope_refuses_other_athletes(self, db_engine: Engine, team_db: dict[str, int]) -> None:
        with pytest.raises(InvalidRecords, match="not an athlete you may record for"):
            save_records(
                db_engine, "wellness_checkins", [checkin(team_db["cat"], DAY)], allowed_athlete_ids=[team_db["ann"]]
            )

    def test_duplicate_team_and_external_id_are_refused(self, db_engine: Engine, team_db: dict[str, int]) -> None:
        with pytest.raises(ValidationError, match="name: 'Alpha FC' is already a team"):
            create_team(db_engine, "Alpha FC")
        with pytest.raises(ValidationError, match="external_id: 'A-1' is already used"):
            create_athlete(db_engine, team_db["team_a"], "Another", "A-1")
        with pytest.raises(ValidationError, match="timezone"):
            create_team(db_engine, "Gamma", timezone="Mars/Olympus")


class TestQueries:
    @pytest.fixture
    def series_db(self, db_engine: Engine, team_db: dict[str, int]) -> dict[str, int]:
        days = [DAY + dt.timedelta(days=i) for i in range(5)]
        save_records(
            db_engine,
            "wellness_checkins",
            [checkin(a, d, mood=None) for a in (team_db["ann"], team_db["cat"]) for d in days],
        )
        save_records(
            db_engine,
            "training_sessions",
            [{"athlete_id": team_db["ann"], "date": d, "minutes": 60, "rpe": 6, "kind": "training"} for d in days],
        )
        save_records(
            db_engine,
            "therapy_sessions",
            [
                {
                    "athlete_id": team_db["ann"],
                    "date": DAY,
                    "technique": "active_release",
                    "body_region": "thigh",
                    "side": "left",
                    "minutes": 30,
                    "pain_before": 5,
                    "pain_after": 3,
                    "notes": "ART to biceps femoris",
                }
            ],
        )
        return team_db

    def test_filters_by_athlete_and_date_range_in_sql(self, db_engine: Engine, series_db: dict[str, int]) -> None:
        frame = queries.wellness_checkins(
            db_engine, athlete_ids=[series_db["ann"]], start=DAY + dt.timedelta(days=1), end=DAY + dt.timedelta(days=3)
        )
        assert frame["athlete_id"].unique().tolist() == [series_db["ann"]]
        assert frame["date"].dt.date.tolist() == [DAY + dt.timedelta(days=i) for i in (1, 2, 3)]
        assert queries.wellness_checkins(db_engine, athlete_ids=[]).empty

    def test_dtypes(self, db_engine: Engine, series_db: dict[str, int]) -> None:
        checkins = queries.wellness_checkins(db_engine)
        assert checkins["date"].dtype == "datetime64[ns]"
        assert checkins["soreness"].dtype == "Int64"
        assert checkins["mood"].isna().all()
        training = queries.training_sessions(db_engine)
        assert training["rpe"].dtype == "float64" and training["date"].dtype == "datetime64[ns]"
        injuries = queries.injuries(db_engine)
        assert injuries["return_date"].dtype == "datetime64[ns]"
        sessions = queries.therapy_sessions(db_engine)
        assert sessions["injury_id"].dtype == "Int64" and sessions["pain_after"].tolist() == [3]

    def test_clinical_notes_only_on_request(self, db_engine: Engine, series_db: dict[str, int]) -> None:
        assert "notes" not in queries.therapy_sessions(db_engine).columns
        assert queries.therapy_sessions(db_engine, include_notes=True)["notes"].tolist() == ["ART to biceps femoris"]
        assert "notes" not in queries.injuries(db_engine).columns

    def test_athletes_and_counts(self, db_engine: Engine, series_db: dict[str, int]) -> None:
        athletes = queries.athletes(db_engine, team_ids=[series_db["team_a"]])
        assert sorted(athletes["display_name"]) == ["Ann", "Bob"]
        assert set(athletes["team"]) == {"Alpha FC"}
        counts = queries.table_counts(db_engine)
        assert counts["wellness_checkins"] == 10 and counts["athletes"] == 3
        assert queries.athlete_record_counts(db_engine, [series_db["cat"]])["wellness_checkins"] == 5

    def test_data_date_range_spans_checkins_pain_and_training(
        self, db_engine: Engine, series_db: dict[str, int]
    ) -> None:
        first, last = DAY - dt.timedelta(days=7), DAY + dt.timedelta(days=9)
        assert queries.data_date_range(db_engine) == (DAY, DAY + dt.timedelta(days=4))
        pain = {"athlete_id": series_db["bob"], "date": last, "body_region": "knee", "side": "left", "pain": 3}
        save_records(db_engine, "pain_reports", [pain])
        training = {"athlete_id": series_db["cat"], "date": first, "minutes": 45, "rpe": 5, "kind": "match"}
        save_records(db_engine, "training_sessions", [training])
        assert queries.data_date_range(db_engine) == (first, last)
        assert queries.newest_data_day(db_engine) == last

    def test_data_date_range_is_none_without_data(self, db_engine: Engine, team_db: dict[str, int]) -> None:
        assert queries.data_date_range(db_engine) == (None, None)
        assert queries.newest_data_day(db_engine) is None

    def test_missing_values_and_empty_frames_keep_the_dtypes(
        self, db_engine: Engine, series_db: dict[str, int]
    ) -> None:
        injury = {
            "athlete_id": series_db["ann"],
            "onset_date": DAY,
            "body_region": "knee",
            "side": "right",
            "injury_type": "muscle_strain",
            "time_loss": True,
        }
        save_records(db_engine, "injuries", [injury])
        injuries = queries.injuries(db_engine, include_notes=True)
        assert injuries["return_date"].isna().all() and injuries["onset_date"].tolist() == [pd.Timestamp(DAY)]
        assert injuries["onset_mode"].isna().all() and injuries["notes"].isna().all()  # missing stays missing
        assert injuries["onset_mode"].dtype == "str" and injuries["notes"].dtype == "str"
        assert injuries["time_loss"].dtype == "bool" and injuries["injury_id"].dtype == "int64"
        sessions = queries.therapy_sessions(db_engine)
        assert sessions["injury_id"].isna().all() and sessions["therapist_id"].dtype == "Int64"
        for read in (queries.wellness_checkins, queries.injuries, queries.therapy_sessions, queries.rom_measurements):
            full, empty = read(db_engine), read(db_engine, athlete_ids=[])
            assert empty.empty and empty.dtypes.to_dict() == full.dtypes.to_dict(), read.__name__
        reviews = queries.flag_reviews(db_engine)
        assert reviews.empty and reviews["date"].dtype == "datetime64[ns]" and reviews["closed_by"].dtype == "Int64"

    def test_every_time_series_reads_the_columns_its_registry_entry_names(
        self, db_engine: Engine, series_db: dict[str, int]
    ) -> None:
        """One reader per table: `queries.records` gives each table of `TIME_SERIES` exactly its columns,
        in order, and the clinical ones only on request; the named readers are that reader."""
        for table, series in TIME_SERIES.items():
            for include_notes in (False, True):
                frame = queries.records(db_engine, table, include_notes=include_notes)
                assert list(frame.columns) == list(series.dtypes(include_notes)), (table, include_notes)
                clinical = set(series.clinical or ())
                assert clinical & set(frame.columns) == (clinical if include_notes else set()), table
        assert queries.pain_reports(db_engine).equals(queries.records(db_engine, "pain_reports"))
        assert queries.injuries.__name__ == "injuries"


class TestAccess:
    def test_scope_by_role(self, db_engine: Engine, team_db: dict[str, int]) -> None:
        coach = create_user(db_engine, "coach", "whistle-and-board", "coach", team_ids=[team_db["team_a"]])
        admin = create_user(db_engine, "root", "admin-pass", "admin")
        athlete = create_user(db_engine, "cat", "athlete-pass", "athlete", athlete_id=team_db["cat"])
        viewers = {
            u: authenticate(db_engine, name, pw)
            for u, name, pw in [
                (coach, "coach", "whistle-and-board"),
                (admin, "root", "admin-pass"),
                (athlete, "cat", "athlete-pass"),
            ]
        }
        assert visible_athlete_ids(db_engine, viewers[coach]) == sorted([team_db["ann"], team_db["bob"]])
        assert len(visible_athlete_ids(db_engine, viewers[admin])) == 3
        assert visible_athlete_ids(db_engine, viewers[athlete]) == [team_db["cat"]]
        assert viewers[coach].sees_clinical_notes is False

    def test_wrong_password_or_unknown_user_get_none(self, db_engine: Engine, team_db: dict[str, int]) -> None:
        create_user(db_engine, "coach", "whistle-and-board", "coach")
        assert authenticate(db_engine, "coach", "wrong-pass") is None
        assert authenticate(db_engine, "nobody", "whistle-and-board") is None

    def test_only_an_argon2id_hash_is_stored(self, db_engine: Engine, team_db: dict[str, int]) -> None:
        create_user(db_engine, "coach", "whistle-and-board", "coach")
        with db_engine.connect() as connection:
            stored = connection.scalar(select(User.password_hash))
        assert stored.startswith("$argon2id$") and "whistle-and-board" not in stored

    def test_user_rules(self, db_engine: Engine, team_db: dict[str, int]) -> None:
        with pytest.raises(ValidationError, match="at least 8"):
            create_user(db_engine, "coach", "short", "coach")
        with pytest.raises(ValidationError, match="required for an athlete account"):
            create_user(db_engine, "ath", "long-enough", "athlete")
        with pytest.raises(ValidationError, match="role"):
            create_user(db_engine, "who", "long-enough", "superuser")
        assert count(db_engine, User) == 0


def test_query_frames_validate_against_the_analytics_schemas(db_engine: Engine, team_db: dict[str, int]) -> None:
    from analytics import schemas

    save_records(db_engine, "wellness_checkins", [checkin(team_db["ann"], DAY)])
    schemas.WellnessCheckins.validate(queries.wellness_checkins(db_engine))
    schemas.Athletes.validate(queries.athletes(db_engine))
    schemas.RomNorms.validate(queries.rom_norms(db_engine))
    assert isinstance(queries.users(db_engine), pd.DataFrame)


def test_dates_before_1900_or_in_the_future_are_refused_and_offsets_keep_the_written_date() -> None:
    from data.record_checks import validate_frame
    from data.records import RECORD_KINDS

    tomorrow_but_one = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    dates = ["1899-12-31", tomorrow_but_one, "2019-11-01T23:30:00+01:00", "2019-11-02T00:30:00+02:00", "1500-01-01"]
    frame = pd.DataFrame(
        {"athlete_id": 1, "date": dates, "body_region": "knee", "side": ["left", "left", "left", "right", "left"]}
    ).assign(pain=3)
    clean, problems = validate_frame(RECORD_KINDS["pain_reports"], frame)
    assert [str(p) for p in problems] == [
        "row 1, date: '1899-12-31' is before 1900",
        f"row 2, date: '{tomorrow_but_one}' is in the future",
        "row 5, date: '1500-01-01' is before 1900",
    ]
    assert [d.date() for d in clean["date"].iloc[2:4]] == [dt.date(2019, 11, 1), dt.date(2019, 11, 2)]


def test_a_text_field_keeps_what_was_given_and_a_date_is_no_number() -> None:
    """Text is kept as given (a whole number stays whole: the checks once let pandas turn a free-text 7
    into 7.0); a date where a number belongs is refused as not a number (it was once read as its
    nanoseconds and refused as too large)."""
    from data.record_checks import validate_frame
    from data.records import RECORD_KINDS

    injury = {"athlete_id": 1, "onset_date": "2026-03-01", "time_loss": False, "body_region": "knee"}
    injury |= {"side": "left", "injury_type": "other"}
    frame = pd.DataFrame([injury | {"diagnosis": 7}, injury | {"side": "right", "diagnosis": " Tendinopathy "}])
    clean, problems = validate_frame(RECORD_KINDS["injuries"], frame)
    assert problems == []
    assert clean["diagnosis"].tolist() == [7, "Tendinopathy"]
    assert clean["diagnosis"].dtype == object

    pain = pd.DataFrame({"athlete_id": [pd.Timestamp("2026-01-05")], "date": ["2026-01-05"], "pain": [3]})
    _, problems = validate_frame(RECORD_KINDS["pain_reports"], pain.assign(body_region="knee", side="left"))
    assert [str(p) for p in problems] == ["row 1, athlete_id: Timestamp('2026-01-05 00:00:00') is not a valid int"]


def test_one_checkin_is_checked_as_a_file_of_one_row_is() -> None:
    """A form's check-in (Python values) and the same check-in as an import's text give the same clean
    values and the same refusals."""
    from data.record_checks import to_records, validate_frame
    from data.records import RECORD_KINDS

    kind = RECORD_KINDS["wellness_checkins"]
    answers = {"athlete_id": 3, "date": dt.date(2026, 1, 2), "fatigue": 4, "sleep_quality": 11, "soreness": 2.5}
    answers |= {"stress": None, "mood": 3, "sleep_hours": 7.5, "readiness": 6, "availability": " full "}
    as_given, given_problems = validate_frame(kind, pd.DataFrame([answers]))
    as_text = pd.DataFrame([{k: "" if v is None else str(v) for k, v in answers.items()}], dtype=object)
    from_file, file_problems = validate_frame(kind, as_text)
    assert [(p.field, p.reason) for p in given_problems] == [(p.field, p.reason) for p in file_problems]
    assert [(p.field, p.reason) for p in given_problems] == [
        ("sleep_quality", "is above 5"),
        ("soreness", "is not a valid int"),
    ]
    assert to_records(kind, as_given) == to_records(kind, from_file)
    assert to_records(kind, as_given)[0]["availability"] == "full"


class TestHealthProblems:
    """The IOC 2020 rules of a health problem (Bahr et al. 2020), checked before the database sees a row."""

    @staticmethod
    def problems(*rows: dict[str, object]) -> tuple[pd.DataFrame, list[str]]:
        from data.record_checks import validate_frame
        from data.records import RECORD_KINDS

        base = {"athlete_id": 1, "time_loss": False}
        frame = pd.DataFrame([base | {"onset_date": f"2026-03-{day:02d}"} | row for day, row in enumerate(rows, 1)])
        clean, found = validate_frame(RECORD_KINDS["injuries"], frame)
        return clean, [f"{p.row} {p.field}: {p.reason}" for p in found]

    def test_an_injury_derives_its_type_area_tissue_and_pathology_never_changing_a_given_value(self) -> None:
        clean, found = self.problems(
            {"body_region": "lower_back", "side": "central", "injury_type": "muscle_strain"},
            {"body_region": "knee", "side": "left", "pathology": "chronic_instability"},
            {
                "body_region": "ankle",
                "side": "right",
                "injury_type": "other",
                "tissue": "bone",
                "pathology": "fracture",
            },
        )
        assert found == []
        assert clean["problem_type"].tolist() == ["injury"] * 3
        assert clean["body_area"].tolist() == ["lumbosacral", "knee", "ankle"]
        assert clean["tissue"].tolist() == ["muscle_tendon", "ligament_joint_capsule", "bone"]
        assert clean["pathology"].tolist() == ["muscle_injury", "chronic_instability", "fracture"]
        assert clean["injury_type"].tolist() == ["muscle_strain", "ligament_sprain", "other"]

    def test_values_that_do_not_go_together_are_refused_naming_row_and_field(self) -> None:
        _, found = self.problems(
            {"body_region": "thigh", "side": "left"},  # 1: no type, no pathology
            {"body_region": "thigh", "side": "left", "tissue": "bone", "pathology": "tendinopathy"},  # 2
            {"body_region": "thigh", "side": "left", "injury_type": "contusion", "pathology": "muscle_injury"},  # 3
            {"body_region": "thigh", "side": "left", "injury_type": "contusion", "body_area": "knee"},  # 4
            {"problem_type": "illness", "organ_system": "respiratory"},  # 5: no cause
            {"problem_type": "illness", "organ_system": "respiratory", "illness_cause": "infection", "side": "left"},
            {"body_region": "thigh", "side": "left", "injury_type": "contusion", "contact": "direct_athlete"},  # 7
            {"body_region": "thigh", "side": "left", "injury_type": "other", "osiics_code": "TM-1"},  # 8
            {"body_region": "thigh", "side": "left", "injury_type": "other", "organ_system": "respiratory"},  # 9
        )
        assert found == [
            "1 injury_type: is required for an injury",
            "2 pathology: is not a pathology of the tissue given",
            "3 injury_type: is not the injury type of the pathology given",
            "4 body_area: is not the body area of the body region given",
            "5 illness_cause: is required for an illness",
            "6 side: is for an injury only: leave it blank for an illness",
            "7 contact: is for a sudden-onset injury only",
            "8 osiics_code: is not an OSIICS code (letters and digits only)",
            "9 organ_system: is for an illness only: leave it blank for an injury",
        ]

    def test_an_illness_and_an_injury_upsert_on_their_null_safe_natural_key(
        self, db_engine: Engine, team_db: dict[str, int]
    ) -> None:
        illness = {
            "athlete_id": team_db["ann"],
            "problem_type": "illness",
            "onset_date": DAY,
            "organ_system": "respiratory",
            "illness_cause": "infection",
            "time_loss": True,
        }
        injury = {
            "athlete_id": team_db["ann"],
            "onset_date": DAY,
            "body_region": "ankle",
            "side": "left",
            "injury_type": "ligament_sprain",
            "onset_mode": "sudden",
            "contact": "non_contact",
            "time_loss": False,
        }
        first = save_records(db_engine, "injuries", [illness, injury])
        assert (first.inserted, first.updated) == (2, 0)
        again = save_records(db_engine, "injuries", [illness | {"return_date": DAY + dt.timedelta(days=4)}, injury])
        assert (again.inserted, again.updated, again.unchanged) == (0, 1, 1)
        other_system = save_records(db_engine, "injuries", [illness | {"organ_system": "gastrointestinal"}])
        assert other_system.inserted == 1
        problems = queries.health_problems(db_engine, include_notes=True).sort_values("injury_id")
        assert problems["problem_type"].tolist() == ["illness", "injury", "illness"]
        assert problems["body_area"].isna().tolist() == [True, False, True]
        assert problems["pathology"].tolist()[1] == "joint_sprain"
        assert problems["return_date"].tolist()[0] == pd.Timestamp(DAY + dt.timedelta(days=4))
        with pytest.raises(InvalidRecords, match="repeats an earlier row"):
            save_records(db_engine, "injuries", [illness, illness | {"notes": "again"}])
