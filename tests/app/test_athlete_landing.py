"""An athlete lands on the daily check-in until today's is in, then on *My recovery* (issue 14)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from data.record_writes import save_checkin
from tests.app.conftest import sign_in
from tests.factories import demo_athlete_today

StartApp = Callable[[str], AppTest]


def test_an_athlete_without_todays_check_in_lands_on_it_greeted_by_name(app_at: StartApp, demo_url: str) -> None:
    at = sign_in(app_at(demo_url), "athlete", "fascia-athlete")
    assert not at.exception
    title = at.title[0].value
    assert title.startswith("Good ") and title.endswith("how are you today?"), title
    assert any("in a row" in m.value and "this week" in m.value for m in at.markdown)
    assert at.button(key="checkin_save").label == "Save check-in"


def test_once_today_is_in_the_athlete_lands_on_my_recovery_and_the_check_in_says_what_changed(
    app_at: StartApp, own_url: str, own_engine: Engine
) -> None:
    athlete_id, today = demo_athlete_today(own_engine)
    items = {"fatigue": 1, "sleep_quality": 1, "soreness": 1, "stress": 1, "mood": 1, "availability": "modified"}
    save_checkin(own_engine, athlete_id, today, items, [{"body_region": "knee", "side": "left", "pain": 6}])

    at = sign_in(app_at(own_url), "athlete", "fascia-athlete")
    assert not at.exception
    assert at.title[0].value == "My recovery"

    at = at.switch_page("pages/checkin.py").run()
    assert at.title[0].value == "Daily check-in"
    changed = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert changed and "worse than your usual" in changed[0], changed
