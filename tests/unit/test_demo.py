"""The demo generator: deterministic, realistic where the dashboard looks, inside every CHECK,
and loaded only into an empty database."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import Engine, func, insert, select, text

from analytics.recurrence import classify_injuries
from analytics.vocabulary import OSTRC_SCORES, ROM_MEASURES, RTS_STAGES, TECHNIQUES
from data.auth import verify_password
from data.demo import DEMO_ACCOUNTS, TABLES, generate_demo, load_demo
from data.errors import DatabaseNotEmpty
from data.models import Athlete, Team, User

END = dt.date(2025, 6, 30)
ONE_YEAR = {"athletes": 12, "days": 365, "seed": 3, "end": END}
TWO_YEARS = {"athletes": 12, "days": 730, "seed": 3, "end": END}


@pytest.fixture(scope="module")
def demo() -> dict[str, pd.DataFrame]:
    return generate_demo(**ONE_YEAR)


@pytest.fixture(scope="module")
def demo_two_years() -> dict[str, pd.DataFrame]:
    return generate_demo(**TWO_YEARS)


def injuries_of(problems: pd.DataFrame) -> pd.DataFrame:
    """The health problems of type injury (the demo's `injuries` table holds the illnesses too)."""
    return problems[problems["problem_type"] == "injury"]


def categories(problems: pd.DataFrame) -> pd.Series:
    """DESIGN.md "Recurrence" category of each injury, by analytics.recurrence."""
    classified = classify_injuries(injuries_of(problems).rename(columns={"id": "injury_id"}))
    return classified.set_index("injury_id")["category"]


def count_rows(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {name: connection.scalar(select(func.count()).select_from(table)) for name, table in TABLES.items()}


# --------------------------------------------------------------------------- generation


def test_same_seed_gives_identical_frames_and_another_seed_differs(demo: dict[str, pd.DataFrame]) -> None:
    again = generate_demo(**ONE_YEAR)
    assert list(again) == list(TABLES)
    for name in TABLES:
        pd.testing.assert_frame_equal(again[name], demo[name], obj=name)
    other = generate_demo(**(ONE_YEAR | {"seed": 4}))
    assert not other["wellness_checkins"].equals(demo["wellness_checkins"])
    assert not other["injuries"].equals(demo["injuries"])


def test_every_table_has_rows_and_the_columns_of_its_table(demo: dict[str, pd.DataFrame]) -> None:
    for name, table in TABLES.items():
        frame = demo[name]
        assert len(frame) > 0, name
        assert set(frame.columns) <= set(table.c.keys()), name
        if "id" in frame.columns:
            assert frame["id"].tolist() == list(range(1, len(frame) + 1)), name


def test_default_size_is_two_teams_split_60_40_and_large_sizes_are_squads_of_40() -> None:
    frames = generate_demo(athletes=40, days=30, end=END)
    teams, athletes = frames["teams"], frames["athletes"]
    assert teams["sport"].tolist() == ["soccer", "track and field"]
    assert athletes.groupby("team_id").size().tolist() == [24, 16]
    assert teams["timezone"].str.startswith("Europe/").all()
    assert athletes["external_id"].is_unique
    big = generate_demo(athletes=120, days=30, end=END)
    assert big["athletes"].groupby("team_id").size().tolist() == [40, 40, 40]
    assert big["teams"]["sport"].tolist() == ["soccer", "track and field", "soccer"]
    assert big["teams"]["name"].is_unique


def test_injuries_cover_every_recurrence_category_the_period_allows(
    demo: dict[str, pd.DataFrame], demo_two_years: dict[str, pd.DataFrame]
) -> None:
    one = set(categories(demo["injuries"]))
    assert {"new", "exacerbation", "recurrent_early", "recurrent_late"} <= one
    assert "recurrent_delayed" not in one  # impossible within 365 days
    two = set(categories(demo_two_years["injuries"]))
    assert {"new", "exacerbation", "recurrent_early", "recurrent_late", "recurrent_delayed"} <= two


def test_injuries_are_realistic_and_some_are_still_open(demo_two_years: dict[str, pd.DataFrame]) -> None:
    injuries = injuries_of(demo_two_years["injuries"])
    per_athlete_year = len(injuries) / 12 / 2
    assert 1 <= per_athlete_year <= 2.5
    assert {"thigh", "ankle", "knee", "hip_groin", "lower_back", "lower_leg_achilles"} <= set(injuries["body_region"])
    assert injuries["return_date"].isna().any()
    returned = injuries.dropna(subset=["return_date"])
    assert (returned["return_date"] >= returned["onset_date"]).all()
    assert (injuries.loc[injuries["body_region"] == "lower_back", "side"] == "central").all()


def test_check_in_compliance_is_between_80_and_90_percent(demo: dict[str, pd.DataFrame]) -> None:
    checkins = demo["wellness_checkins"]
    compliance = len(checkins) / (ONE_YEAR["athletes"] * ONE_YEAR["days"])
    assert 0.80 <= compliance <= 0.90
    assert not checkins.duplicated(["athlete_id", "date"]).any()


def test_some_athletes_pause_and_some_have_not_checked_in_for_three_days(demo: dict[str, pd.DataFrame]) -> None:
    checkins = demo["wellness_checkins"]
    last = checkins.groupby("athlete_id")["date"].max()
    assert (last <= pd.Timestamp(END) - pd.Timedelta(days=3)).any()
    gaps = checkins.sort_values(["athlete_id", "date"]).groupby("athlete_id")["date"].diff().dt.days
    assert (gaps >= 4).sum() >= 5  # 3+ days without a check-in, inside the period


def test_pain_falls_over_each_resolved_episode(demo_two_years: dict[str, pd.DataFrame]) -> None:
    injuries, pain = demo_two_years["injuries"], demo_two_years["pain_reports"]
    checked = 0
    for injury in injuries.dropna(subset=["return_date"]).itertuples():
        if (injury.return_date - injury.onset_date).days < 14:
            continue
        same = pain[
            (pain["athlete_id"] == injury.athlete_id)
            & (pain["body_region"] == injury.body_region)
            & (pain["side"] == injury.side)
        ]
        first = same[same["date"].between(injury.onset_date, injury.onset_date + pd.Timedelta(days=6))]
        last = same[same["date"].between(injury.return_date - pd.Timedelta(days=6), injury.return_date)]
        if len(first) >= 2 and len(last) >= 2:
            assert first["pain"].mean() > last["pain"].mean(), injury
            checked += 1
    assert checked >= 10


def test_therapy_sessions_treat_injuries_about_twice_a_week_and_relieve_pain(demo: dict[str, pd.DataFrame]) -> None:
    sessions = demo["therapy_sessions"]
    assert (sessions["pain_after"] <= sessions["pain_before"]).all()
    painful = sessions[sessions["injury_id"].notna() & (sessions["pain_before"] >= 3)]
    assert (painful["pain_after"] < painful["pain_before"]).mean() > 0.7
    assert set(sessions["technique"]) <= set(TECHNIQUES)
    assert sessions["technique"].value_counts().idxmax() == "active_release"
    assert {"myofascial_release", "instrument_assisted", "stretching"} <= set(sessions["technique"])
    assert sessions["discomfort"].between(0, 10).all() and sessions["discomfort"].mean() > 3
    assert sessions["notes"].str.len().gt(10).all()
    assert sessions.loc[sessions["technique"] == "active_release", "notes"].str.startswith("ART").mean() > 0.3
    therapist = next(i for i, (_, role, _) in enumerate(DEMO_ACCOUNTS, start=1) if role == "therapist")
    assert (sessions["therapist_id"] == therapist).all()
    treated = sessions.dropna(subset=["injury_id"])
    assert treated["injury_id"].isin(demo["injuries"]["id"]).all()
    days_between = treated.sort_values("date").groupby("injury_id")["date"].diff().dt.days.dropna()
    assert 2.5 <= days_between.median() <= 4.5
    assert sessions["injury_id"].isna().any()  # maintenance sessions too


def test_session_rom_is_measured_before_and_after_and_the_injured_side_recovers(demo: dict[str, pd.DataFrame]) -> None:
    rom, sessions, injuries = demo["rom_measurements"], demo["therapy_sessions"], demo["injuries"]
    around = rom[rom["context"].isin(["pre_session", "post_session"])]
    assert around["session_id"].notna().all()
    assert around["session_id"].isin(sessions["id"]).all()
    assert rom.loc[rom["context"] == "screening", "session_id"].isna().all()
    pre = around[around["context"] == "pre_session"].set_index(["session_id", "side"])["value"]
    post = around[around["context"] == "post_session"].set_index(["session_id", "side"])["value"]
    gain = (post - pre.reindex(post.index)).dropna()
    assert len(gain) > 20 and gain.mean() > 1
    # at the first session of a one-sided injury the injured side is below the other side
    with_injury = sessions.dropna(subset=["injury_id"]).merge(
        injuries[["id", "side"]].rename(columns={"id": "injury_id", "side": "injured_side"}), on="injury_id"
    )
    first = with_injury[with_injury["injured_side"].isin(["left", "right"])].sort_values("date")
    first = first.groupby("injury_id").head(1)
    values = around[around["context"] == "pre_session"].merge(first, left_on="session_id", right_on="id")
    injured = values[values["side_x"] == values["injured_side"]].set_index("session_id")["value"]
    other = values[values["side_x"] != values["injured_side"]].set_index("session_id")["value"]
    assert (other - injured).dropna().mean() > 3


def test_monthly_screening_covers_every_measure_and_shows_some_hip_asymmetry(demo: dict[str, pd.DataFrame]) -> None:
    rom, athletes = demo["rom_measurements"], demo["athletes"]
    screening = rom[rom["context"] == "screening"]
    assert screening["date"].dt.month.nunique() == 12
    assert set(zip(screening["joint"], screening["movement"], strict=True)) == {(j, m) for j, m, _, _ in ROM_MEASURES}
    throwers = athletes.loc[athletes["position"].isin(["goalkeeper", "thrower"]), "id"]
    assert screening.loc[screening["joint"] == "shoulder", "athlete_id"].isin(throwers).all()
    assert set(screening["side"]) == {"left", "right"}
    assert screening.loc[screening["unit"] == "cm", "movement"].eq("dorsiflexion_lunge").all()
    hip_ir = screening[(screening["joint"] == "hip") & (screening["movement"] == "internal_rotation")]
    sides = hip_ir.pivot_table(index="athlete_id", columns="side", values="value", aggfunc="mean")
    assert ((sides["left"] - sides["right"]).abs() > 7).any()
    assert ((sides["left"] - sides["right"]).abs() < 3).sum() >= 6


def test_availability_follows_the_injuries(demo: dict[str, pd.DataFrame]) -> None:
    checkins, injuries = demo["wellness_checkins"], demo["injuries"]
    end = pd.Timestamp(END) + pd.Timedelta(days=1)
    open_days = set()
    for injury in injuries.itertuples():
        until = injury.return_date if pd.notna(injury.return_date) else end
        # hurt in a session, the athlete took full part that day: out from the next
        first = injury.onset_date + pd.Timedelta(days=int(pd.notna(injury.training_session_id)))
        for day in pd.date_range(first, until - pd.Timedelta(days=1)):
            open_days.add((injury.athlete_id, day))
    injured = pd.Series([(a, d) in open_days for a, d in zip(checkins["athlete_id"], checkins["date"], strict=True)])
    availability = checkins["availability"].reset_index(drop=True)
    assert (availability[~injured] == "full").all()
    assert (availability[injured] != "full").all()
    assert {"modified", "unavailable"} <= set(availability[injured])


def test_soreness_follows_training_load(demo: dict[str, pd.DataFrame]) -> None:
    sessions, checkins = demo["training_sessions"], demo["wellness_checkins"]
    load = (sessions["rpe"] * sessions["minutes"]).groupby([sessions["athlete_id"], sessions["date"]]).sum()
    yesterday = load.rename("load").reset_index()
    yesterday["date"] += pd.Timedelta(days=1)
    merged = checkins.merge(yesterday, on=["athlete_id", "date"], how="left").fillna({"load": 0})
    assert merged["soreness"].corr(merged["load"]) < -0.2  # 5 best: heavier load, lower score
    for item in ("fatigue", "sleep_quality", "soreness", "stress", "mood"):
        assert checkins[item].between(1, 5).all() and checkins[item].nunique() >= 4
    assert checkins["readiness"].between(0, 10).all()
    assert checkins["sleep_hours"].between(3, 12).all()


def test_training_has_rest_days_rpe_and_weekly_soccer_matches(demo: dict[str, pd.DataFrame]) -> None:
    sessions, athletes, teams = demo["training_sessions"], demo["athletes"], demo["teams"]
    assert sessions["rpe"].between(0, 10).all() and (sessions["minutes"] > 0).all()
    soccer_team = teams.loc[teams["sport"] == "soccer", "id"].item()
    soccer = athletes.loc[athletes["team_id"] == soccer_team, "id"]
    matches = sessions[sessions["kind"] == "match"]
    assert matches["athlete_id"].isin(soccer).all()
    assert (matches["date"].dt.day_of_week == 5).all()
    assert matches["date"].nunique() >= 40  # weekly, less the breaks
    assert matches["minutes"].max() == 90 and matches["rpe"].mean() > 6
    days_trained = sessions.drop_duplicates(["athlete_id", "date"]).groupby("athlete_id").size()
    assert (days_trained < 0.9 * ONE_YEAR["days"]).all()  # rest days


def test_ostrc_is_weekly_and_higher_in_injured_weeks(demo: dict[str, pd.DataFrame]) -> None:
    ostrc, injuries = demo["ostrc_responses"], demo["injuries"]
    assert (ostrc["week_start"].dt.day_of_week == 0).all()
    for q in ("q1", "q2", "q3", "q4"):
        assert set(ostrc[q]) <= set(OSTRC_SCORES)
    assert not ostrc.duplicated(["athlete_id", "week_start"]).any()
    severity = ostrc[["q1", "q2", "q3", "q4"]].sum(axis=1)
    end = pd.Timestamp(END)
    injured = pd.Series(False, index=ostrc.index)
    for injury in injuries.itertuples():
        until = injury.return_date if pd.notna(injury.return_date) else end
        injured |= (
            (ostrc["athlete_id"] == injury.athlete_id)
            & (ostrc["week_start"] <= until)
            & (ostrc["week_start"] + pd.Timedelta(days=6) >= injury.onset_date)
        )
    assert severity[injured].mean() > severity[~injured].mean() + 20
    assert (ostrc["q1"] == 25).any() and (severity == 0).mean() > 0.5


def test_pain_reports_include_low_grade_soreness_outside_injuries(demo: dict[str, pd.DataFrame]) -> None:
    pain, injuries = demo["pain_reports"], demo["injuries"]
    assert pain["pain"].between(0, 10).all()
    assert not pain.duplicated(["athlete_id", "date", "body_region", "side"]).any()
    injured_sites = set(zip(injuries["athlete_id"], injuries["body_region"], injuries["side"], strict=True))
    sites = zip(pain["athlete_id"], pain["body_region"], pain["side"], strict=True)
    elsewhere = pain[[site not in injured_sites for site in sites]]
    assert len(elsewhere) > 20 and elsewhere["pain"].median() <= 3


# --------------------------------------------------------------------------- health problems (IOC 2020)


def test_illnesses_have_an_organ_system_and_a_cause_and_keep_athletes_out(
    demo_two_years: dict[str, pd.DataFrame],
) -> None:
    problems = demo_two_years["injuries"]
    illnesses = problems[problems["problem_type"] == "illness"]
    assert 0.5 <= len(illnesses) / 12 / 2 <= 2.5  # per athlete-year
    assert {"respiratory", "gastrointestinal"} <= set(illnesses["organ_system"])
    assert illnesses["illness_cause"].notna().all() and (illnesses["illness_cause"] == "infection").any()
    injury_only = ["body_region", "side", "injury_type", "tissue", "pathology", "contact", "training_session_id"]
    assert illnesses[injury_only].isna().all().all()
    assert illnesses["time_loss"].any() and not illnesses["time_loss"].all()
    checkins = demo_two_years["wellness_checkins"].set_index(["athlete_id", "date"])["availability"]
    out = illnesses[illnesses["time_loss"] & illnesses["return_date"].notna()]
    days = [(i.athlete_id, i.onset_date) for i in out.itertuples() if (i.athlete_id, i.onset_date) in checkins.index]
    assert days and all(checkins[day] == "unavailable" for day in days)


def test_injuries_have_onset_mode_area_tissue_pathology_and_sudden_ones_contact_and_their_session(
    demo_two_years: dict[str, pd.DataFrame],
) -> None:
    injuries = injuries_of(demo_two_years["injuries"])
    assert injuries[["onset_mode", "body_area", "tissue", "pathology", "activity"]].notna().all().all()
    sudden = injuries["onset_mode"] == "sudden"
    assert injuries.loc[sudden, "contact"].notna().all() and injuries.loc[~sudden, "contact"].isna().all()
    assert {"non_contact", "direct_athlete"} <= set(injuries["contact"])
    sessions = demo_two_years["training_sessions"].set_index("id")
    linked = injuries[injuries["training_session_id"].notna()]
    assert len(linked) > 10 and sudden[linked.index].all()
    session = sessions.loc[linked["training_session_id"].astype(int)]
    assert (session["athlete_id"].to_numpy() == linked["athlete_id"].to_numpy()).all()
    assert (session["date"].to_numpy() == linked["onset_date"].to_numpy()).all()
    assert (session["kind"].to_numpy() == linked["activity"].to_numpy()).all()
    assert set(linked["activity"]) == {"training", "match"}


def test_injuries_go_through_the_return_to_sport_stages(demo: dict[str, pd.DataFrame]) -> None:
    stages, problems = demo["rts_stages"], demo["injuries"].set_index("id")
    assert set(stages["injury_id"]) == set(injuries_of(demo["injuries"])["id"])
    order = {stage: i for i, stage in enumerate(RTS_STAGES)}
    for injury_id, history in stages.groupby("injury_id"):
        assert history["date"].is_monotonic_increasing and history["date"].is_unique
        assert history["stage"].map(order).is_monotonic_increasing
        problem = problems.loc[injury_id]
        assert history["date"].iloc[0] == problem["onset_date"]
        back = history.loc[history["stage"] == "return_to_sport", "date"]
        assert back.tolist() == ([problem["return_date"]] if pd.notna(problem["return_date"]) else [])
    modified = stages[stages["stage"] == "return_to_participation"]
    assert modified["restrictions"].notna().all()
    assert stages.loc[stages["stage"] == "return_to_performance", "restrictions"].isna().all()
    assert (stages["expected_next_date"].dropna() >= stages.loc[stages["expected_next_date"].notna(), "date"]).all()
    current = stages.sort_values("date").groupby("injury_id").tail(1)
    end = pd.Timestamp(END)
    expected_back = current["expected_next_date"].between(end, end + pd.Timedelta(days=14))
    assert expected_back.any()  # the coach's forecast has someone to show


def test_ostrc_h2_reports_follow_the_health_problems(demo: dict[str, pd.DataFrame]) -> None:
    reports, problems = demo["ostrc_health_problems"], demo["injuries"].set_index("id")
    assert (reports["week_start"].dt.day_of_week == 0).all()
    for q in ("q1", "q2", "q3", "q4"):
        assert set(reports[q]) <= set(OSTRC_SCORES)
    assert reports["days_lost"].between(0, 7).all() and (reports["days_lost"] > 0).any()
    assert set(reports["problem_type"]) == {"injury", "illness"}
    key = ["athlete_id", "week_start", "problem_type", "body_region", "organ_system"]
    assert not reports.duplicated(key).any()
    linked = reports[reports["injury_id"].notna()]
    assert (problems.loc[linked["injury_id"].astype(int), "athlete_id"].to_numpy() == linked["athlete_id"]).all()
    recent = reports["week_start"] + pd.Timedelta(days=6) > pd.Timestamp(END) - pd.Timedelta(days=14)
    assert reports.loc[recent, "injury_id"].isna().all() and reports.loc[~recent, "injury_id"].notna().all()
    answered = demo["ostrc_responses"].set_index(["athlete_id", "week_start"])["q1"]
    assert (answered.loc[list(zip(reports["athlete_id"], reports["week_start"], strict=True))] > 0).all()


def test_accounts_one_per_role_with_working_passwords(demo: dict[str, pd.DataFrame]) -> None:
    users, user_teams = demo["users"], demo["user_teams"]
    assert [role for _, role, _ in DEMO_ACCOUNTS] == ["admin", "coach", "therapist", "athlete"]
    assert users["username"].tolist() == [name for name, _, _ in DEMO_ACCOUNTS]
    for (_, _, password), stored in zip(DEMO_ACCOUNTS, users["password_hash"], strict=True):
        assert stored.startswith("$argon2id$") and verify_password(stored, password)
    athlete_user = users.set_index("role").loc["athlete"]
    assert athlete_user["athlete_id"] in set(demo["athletes"]["id"])
    assert users.loc[users["role"] != "athlete", "athlete_id"].isna().all()
    staff = users.loc[users["role"].isin(["coach", "therapist"]), "id"]
    assert set(zip(user_teams["user_id"], user_teams["team_id"], strict=True)) == {
        (u, t) for u in staff for t in demo["teams"]["id"]
    }


# --------------------------------------------------------------------------- loading


def test_load_demo_inserts_every_row_within_the_check_constraints(db_engine: Engine) -> None:
    counts = load_demo(db_engine, **ONE_YEAR)
    frames = generate_demo(**ONE_YEAR)
    assert counts == {name: len(frame) for name, frame in frames.items()}
    assert count_rows(db_engine) == counts  # every row passed the CHECK constraints
    with db_engine.connect() as connection:
        stored = pd.read_sql(
            text("SELECT * FROM injuries ORDER BY id"), connection, parse_dates=["onset_date", "return_date"]
        )
        linked = connection.scalar(text("SELECT count(*) FROM rom_measurements WHERE session_id IS NOT NULL"))
    assert stored["return_date"].isna().sum() == frames["injuries"]["return_date"].isna().sum()
    assert (stored["onset_date"] == frames["injuries"]["onset_date"]).all()
    assert linked == frames["rom_measurements"]["session_id"].notna().sum()
    with db_engine.connect() as connection:  # the stages meet the checklist migration 0007 seeded
        criteria = dict(connection.execute(text("SELECT stage, criteria_met FROM rts_stages")).all())
    assert '"Strength at least 90 % of the other side"' in criteria["return_to_sport"]
    assert criteria["rehabilitation"] == "[]"
    with db_engine.begin() as connection:  # ids were given explicitly: new rows still get fresh ids
        new_id = connection.execute(
            insert(Team).values(name="Late FC", sport="soccer", timezone="UTC").returning(Team.id)
        ).scalar_one()
    assert new_id == len(frames["teams"]) + 1


def test_load_demo_refuses_a_database_that_is_not_empty_and_leaves_it_unchanged(db_engine: Engine) -> None:
    load_demo(db_engine, athletes=4, days=60, seed=1, end=END)
    before = count_rows(db_engine)
    with pytest.raises(DatabaseNotEmpty, match="not empty"):
        load_demo(db_engine, athletes=4, days=60, seed=1, end=END)
    assert count_rows(db_engine) == before


def test_load_demo_refuses_a_database_with_only_a_user(db_engine: Engine) -> None:
    with db_engine.begin() as connection:
        connection.execute(insert(User).values(username="root", password_hash="x", role="admin"))
    with pytest.raises(DatabaseNotEmpty, match="1 users"):
        load_demo(db_engine, athletes=4, days=60, seed=1, end=END)
    with db_engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Athlete)) == 0
