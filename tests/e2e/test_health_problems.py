"""Health problems in a real browser: the therapist opens an illness (the form shows organ system and cause
instead of a region), records its first return-to-sport decision, and the coach's *Team today* shows the stage
and the restrictions of an athlete in modified training and who is expected back, never the diagnosis; the
database is checked after each step."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, select

from data import access, health_problems, queries
from data.db import make_engine
from data.demo import load_demo
from data.models import Injury, RtsStage, User
from data.record_writes import save_records
from data.schema import upgrade
from tests.e2e.conftest import assert_no_exception, screenshot, serve, sign_in, wait_for_app

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

DIAGNOSIS = "DIAGNOSIS-MARKER-e2e"
RESTRICTIONS = "Non-contact drills only"
#: The message of a recorded decision (on the first open problem offered: the next stage of its own).
DECIDED = re.compile("^(Rehabilitation|Return to participation|Return to sport|Return to performance) from ")
#: The page's link in the menu, by its old or new name.
MENU_LINK = re.compile("^(Injuries|Health problems)$")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Engine]]:
    """The dashboard on a small demo database of its own, and an engine on that database."""
    folder = tmp_path_factory.mktemp("e2e-health-problems")
    url = f"sqlite:///{folder / 'demo.db'}"
    engine = make_engine(url)
    upgrade(engine)
    load_demo(engine, athletes=8, days=40, seed=5)
    for address in serve(url, folder / "streamlit.log"):
        yield address, engine
    engine.dispose()


def signed_in(page: object, address: str, username: str) -> None:
    page.goto(address)  # type: ignore[attr-defined]
    wait_for_app(page)
    sign_in(page, username, f"fascia-{username}")


def choose(page: object, label: str, option: str) -> None:
    page.get_by_label(label).first.click()  # type: ignore[attr-defined]
    page.get_by_role("option", name=option, exact=True).click()  # type: ignore[attr-defined]
    wait_for_app(page)


def viewer(engine: Engine, username: str) -> access.Viewer:
    with engine.connect() as connection:
        user_id = int(connection.scalar(select(User.id).where(User.username == username)))
    found = access.viewer(engine, user_id)
    assert found is not None
    return found


def test_therapist_opens_and_stages_a_problem_and_the_coach_sees_the_stage(
    site: tuple[str, Engine], page: object
) -> None:
    address, engine = site
    with engine.connect() as connection:
        illnesses = int(connection.scalar(select(func.count()).where(Injury.problem_type == "illness")))
        stages = int(connection.scalar(select(func.count()).select_from(RtsStage)))

    signed_in(page, address, "therapist")
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=MENU_LINK).click()  # type: ignore[attr-defined]
    wait_for_app(page)
    page.get_by_role("heading", name="Health problems", exact=True).wait_for()  # type: ignore[attr-defined]
    # the new-problem tab comes first; the edit tab's inputs (same labels) come after it
    kind = page.get_by_role("radiogroup", name="Health problem").first  # type: ignore[attr-defined]
    kind.get_by_text("Illness", exact=True).click()
    wait_for_app(page)
    choose(page, "Organ system", "Airways and lungs")
    choose(page, "Cause", "Infection")
    page.get_by_label("Diagnosis", exact=True).first.fill("Upper respiratory tract infection")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Open problem").click()  # type: ignore[attr-defined]
    wait_for_app(page)
    page.get_by_text("Saved for").wait_for()  # type: ignore[attr-defined]
    assert_no_exception(page)
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).where(Injury.problem_type == "illness")) == illnesses + 1

    page.get_by_role("tab", name="Return to sport").click()  # type: ignore[attr-defined]
    wait_for_app(page)
    page.get_by_role("button", name="Record decision").click()  # type: ignore[attr-defined]
    wait_for_app(page)
    page.get_by_text(DECIDED).wait_for()  # type: ignore[attr-defined]
    assert_no_exception(page)
    screenshot(page, "health-problems-therapist")
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(RtsStage)) == stages + 1

    # a staged athlete in modified training, seen by the coach
    coach = viewer(engine, "coach")
    athlete_id = access.visible_athlete_ids(engine, coach)[0]
    onset = dt.date.today() - dt.timedelta(days=8)
    injury_id = save_records(
        engine,
        "injuries",
        [
            {
                "athlete_id": athlete_id,
                "onset_date": onset,
                "body_region": "ankle",
                "side": "left",
                "injury_type": "ligament_sprain",
                "time_loss": True,
                "diagnosis": DIAGNOSIS,
            }
        ],
    ).ids[0]
    health_problems.record_stage(
        engine,
        viewer(engine, "therapist"),
        injury_id,
        dt.date.today(),
        "return_to_participation",
        restrictions=RESTRICTIONS,
        expected_next_date=dt.date.today() + dt.timedelta(days=4),
    )
    day = queries.newest_data_day(engine)
    save_records(engine, "wellness_checkins", [{"athlete_id": athlete_id, "date": day, "availability": "modified"}])
    page.context.clear_cookies()  # type: ignore[attr-defined]
    signed_in(page, address, "coach")
    page.get_by_role("heading", name="Team today", exact=True).wait_for()  # type: ignore[attr-defined]
    page.get_by_text("Expected back to full training in the next 14 days").wait_for()  # type: ignore[attr-defined]
    assert_no_exception(page)
    screenshot(page, "health-problems-coach")
    text = page.locator("[data-testid='stMain']").inner_text()  # type: ignore[attr-defined]
    assert DIAGNOSIS not in text
