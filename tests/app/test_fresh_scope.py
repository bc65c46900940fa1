"""A user's scope is read afresh on every run, never from a cache (issue 19, §5 "Stale scope").

An admin moves a coach to another team from another process (here: `data.accounts` on an engine of its
own, which clears no cache of the app's); the coach's next run shows the new team's athletes only, on
both backends, though every loader's frame of the first run is still cached.
"""

from __future__ import annotations

from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from data.accounts import create_user, set_user_teams
from data.db import make_engine
from data.record_writes import save_records
from data.roster import create_athlete, create_team
from tests.app.conftest import APP, TIMEOUT
from ui import loaders


def two_teams(engine: Engine) -> tuple[int, int, int]:
    """(coach id, team A, team B): a coach of team A; two athletes each, with an injury in team A."""
    team_a, team_b = create_team(engine, "Team A"), create_team(engine, "Team B")
    a1 = create_athlete(engine, team_a, "Ada", "A1")
    create_athlete(engine, team_a, "Arne", "A2")
    create_athlete(engine, team_b, "Bo", "B1")
    create_athlete(engine, team_b, "Britt", "B2")
    save_records(
        engine,
        "injuries",
        [
            {
                "athlete_id": a1,
                "onset_date": "2026-03-02",
                "body_region": "thigh",
                "side": "left",
                "injury_type": "muscle_strain",
                "time_loss": True,
            }
        ],
    )
    coach = create_user(engine, "coach", "a-long-enough-password-1", "coach", team_ids=[team_a])
    return coach, team_a, team_b


def test_loaders_show_the_new_team_on_the_next_call_after_a_move_elsewhere(app_database: str) -> None:
    elsewhere = make_engine(app_database)  # the admin's process
    coach, team_a, team_b = two_teams(elsewhere)
    assert sorted(loaders.scope_athletes(coach)["external_id"]) == ["A1", "A2"]
    assert sorted(loaders.scope_teams(coach)["team_id"]) == [team_a]
    assert len(loaders.injuries(coach)) == 1
    assert loaders.viewer_of(coach).team_ids == (team_a,)  # type: ignore[union-attr]

    set_user_teams(elsewhere, coach, [team_b])  # clears no cache of this process
    assert loaders.viewer_of(coach).team_ids == (team_b,)  # type: ignore[union-attr]
    assert sorted(loaders.scope_athletes(coach)["external_id"]) == ["B1", "B2"]
    assert sorted(loaders.scope_teams(coach)["team_id"]) == [team_b]
    assert loaders.injuries(coach).empty
    assert sorted(loaders.coach_team_athletes(coach, None)["external_id"]) == ["B1", "B2"]
    elsewhere.dispose()


def athlete_options(at: AppTest) -> list[str]:
    return sorted(option for box in at.selectbox for option in box.options if " · " in option)


def test_the_coachs_next_run_shows_the_new_teams_athletes_only(app_database: str) -> None:
    elsewhere = make_engine(app_database)
    coach, _, team_b = two_teams(elsewhere)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["user_id"] = coach
    at.switch_page("pages/team_trends.py").run()
    assert not at.exception, at.exception
    assert athlete_options(at) == ["Ada · Team A", "Arne · Team A"]

    set_user_teams(elsewhere, coach, [team_b])
    at.run()
    assert not at.exception, at.exception
    assert athlete_options(at) == ["Bo · Team B", "Britt · Team B"]
    assert "Team A" not in str([c.value for c in at.caption])
    elsewhere.dispose()
