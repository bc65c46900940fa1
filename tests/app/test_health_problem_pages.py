"""Health problems in AppTest: the therapist opens, codes, stages and closes a problem on *Health problems*; the
coach's *Team today* shows the stage, the restrictions and who is expected back, never the diagnosis; the
athlete's *My recovery* shows their own stage, what is next and what it takes.

Rules: IOC 2020 (Bahr et al.) categories, the return-to-sport continuum (Ardern et al. 2016), the return date
derived from the stages (docs/HEALTH_PROBLEMS.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd
import pytest
import streamlit as st
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from data import access, health_problems, ostrc_health, queries
from data.models import Injury, RtsStage, User
from data.record_writes import save_records
from tests.app.conftest import APP, TIMEOUT
from ui.text import literal

PAGE = "pages/injuries.py"
TODAY = "pages/team_today.py"
MY_RECOVERY = "pages/my_recovery.py"
DIAGNOSIS = "DIAGNOSIS-MARKER-hq3 grade 2 tear"
RATIONALE = "RATIONALE-MARKER-hq3"
RESTRICTIONS = "No sprints or contact drills; 45 minutes at most"


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def user_id(engine: Engine, username: str) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(User.id).where(User.username == username)))


def viewer(engine: Engine, username: str) -> access.Viewer:
    found = access.viewer(engine, user_id(engine, username))
    assert found is not None
    return found


@pytest.fixture
def open_as(own_url: str, own_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    """Opens a page as a demo user (one run, no sign-in form), on the test's own database."""

    def start(page: str, username: str, athlete_id: int | None = None) -> AppTest:
        monkeypatch.setenv("DATABASE_URL", own_url)
        st.cache_data.clear()  # the loaders' cache is keyed by user, not by database
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        at.session_state["user_id"] = user_id(own_engine, username)
        if athlete_id is not None:
            at.session_state["filter_athlete_id"] = athlete_id
        at.switch_page(page).run()
        assert not at.exception, at.exception
        return at

    return start


def widget(elements: Any, label: str) -> Any:
    found = [e for e in elements if e.label == label]
    assert len(found) == 1, f"{label!r} among {[e.label for e in elements]}"
    return found[0]


def errors(at: AppTest) -> list[str]:
    return [str(e.value) for e in at.error]


def successes(at: AppTest) -> list[str]:
    return [str(e.value) for e in at.success]


def page_text(at: AppTest) -> str:
    """Every element's message and every table's cells."""
    parts: list[str] = []

    def walk(node: object) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                walk(child)

    walk(at._tree)
    parts += [frame.value.to_string() for frame in at.dataframe]
    return "\n".join(parts)


def problems_of(engine: Engine, athlete_id: int) -> pd.DataFrame:
    return queries.health_problems(engine, [athlete_id], include_notes=True)


def therapist_athlete(engine: Engine) -> int:
    return access.visible_athlete_ids(engine, viewer(engine, "therapist"))[0]


def test_a_problem_is_opened_coded_staged_and_closed(open_as: Callable[..., AppTest], own_engine: Engine) -> None:
    athlete_id = therapist_athlete(own_engine)
    onset = dt.date.today() - dt.timedelta(days=12)
    before = len(problems_of(own_engine, athlete_id))
    at = open_as(PAGE, "therapist", athlete_id)
    assert [t.value for t in at.title] == ["Health problems"]

    # an illness: organ system and cause instead of a region
    tab = at.tabs[0]
    widget(tab.radio, "Health problem").set_value("illness")
    at = at.run()
    tab = at.tabs[0]
    assert not [s for s in tab.selectbox if s.label == "Body region"]
    widget(tab.date_input, "Onset date").set_value(onset)
    widget(tab.selectbox, "Organ system").set_value("respiratory")
    widget(tab.selectbox, "Cause").set_value("infection")
    widget(tab.text_input, "Diagnosis").input("Upper respiratory tract infection")
    at = widget(at.button, "Open problem").click().run()
    assert errors(at) == [] and successes(at), errors(at)
    assert successes(at)[0].startswith("Saved for ") and "Illness (airways and lungs)" in successes(at)[0]

    # an injury: tissue then pathology; the body area follows the region; a bad OSIICS code is refused by name
    tab = at.tabs[0]
    widget(tab.radio, "Health problem").set_value("injury")
    at = at.run()
    tab = at.tabs[0]
    widget(tab.date_input, "Onset date").set_value(onset)
    widget(tab.selectbox, "Onset").set_value("sudden")
    widget(tab.selectbox, "Body region").set_value("thigh")
    widget(tab.selectbox, "Side").set_value("left")
    widget(tab.selectbox, "Tissue").set_value("muscle_tendon")
    at = at.run()
    tab = at.tabs[0]
    assert "muscle_injury" in widget(tab.selectbox, "Pathology").options or "Muscle injury" in (
        widget(tab.selectbox, "Pathology").options
    )
    widget(tab.selectbox, "Pathology").set_value("muscle_injury")
    widget(tab.selectbox, "Contact").set_value("non_contact")
    widget(tab.text_input, "Diagnosis").input(DIAGNOSIS)
    widget(tab.text_input, "OSIICS code").input("TM HX")
    widget(tab.checkbox, "Time-loss problem").check()
    at = widget(at.button, "Open problem").click().run()
    assert any(e.startswith("OSIICS code: TM HX is not an OSIICS code") for e in errors(at)), errors(at)
    assert len(problems_of(own_engine, athlete_id)) == before + 1
    widget(at.tabs[0].text_input, "OSIICS code").input("TMHX")
    at = widget(at.button, "Open problem").click().run()
    assert errors(at) == [] and successes(at), errors(at)
    problems = problems_of(own_engine, athlete_id)
    injury = problems[problems["diagnosis"] == DIAGNOSIS].iloc[0]
    assert (injury["body_area"], injury["tissue"], injury["pathology"], injury["injury_type"]) == (
        "thigh",
        "muscle_tendon",
        "muscle_injury",
        "muscle_strain",
    )
    assert (injury["contact"], injury["osiics_code"]) == ("non_contact", "TMHX")
    injury_id = int(injury["injury_id"])

    # stage it: rehabilitation with restrictions, then return to sport sets the return date
    widget(at.tabs[1].selectbox, "Health problem").set_value(injury_id)
    at = at.run()
    tab = at.tabs[1]
    widget(tab.selectbox, "Stage").set_value("rehabilitation")
    widget(tab.date_input, "From").set_value(onset + dt.timedelta(days=1))
    widget(tab.text_area, "Restrictions, in plain words for the coach").input("No running")
    at = widget(at.button, "Record decision").click().run()
    assert errors(at) == [] and successes(at), errors(at)
    tab = at.tabs[1]
    assert widget(tab.selectbox, "Stage").value == "return_to_participation"  # the next stage is offered
    widget(tab.selectbox, "Stage").set_value("return_to_sport")
    at = at.run()
    tab = at.tabs[1]
    criteria = [c for c in tab.checkbox if c.label.startswith("Strength at least 90")]
    assert criteria, [c.label for c in tab.checkbox]
    criteria[0].check()
    widget(tab.date_input, "From").set_value(onset + dt.timedelta(days=10))
    widget(tab.radio, "Athlete agreed").set_value("yes")
    widget(tab.text_area, "Rationale (clinical; never shown to coaches or the athlete)").input(RATIONALE)
    at = widget(at.button, "Record decision").click().run()
    assert errors(at) == [] and successes(at), errors(at)
    assert "Returned to full participation on" in successes(at)[0]
    with own_engine.connect() as connection:
        returned = connection.scalar(select(Injury.return_date).where(Injury.id == injury_id))
        met = connection.scalar(
            select(RtsStage.criteria_met).where(RtsStage.injury_id == injury_id, RtsStage.stage == "return_to_sport")
        )
    assert returned == onset + dt.timedelta(days=10)
    assert "Strength at least 90" in met
    register = at.dataframe[0].value.set_index("injury_id")
    assert register.loc[injury_id, "status"] == "Returned"
    assert register.loc[injury_id, "stage_label"] == "Return to sport"

    # close it: return to performance ends the continuum
    widget(at.tabs[1].selectbox, "Health problem").set_value(injury_id)
    at = at.run()
    widget(at.tabs[1].date_input, "From").set_value(onset + dt.timedelta(days=12))
    at = widget(at.button, "Record decision").click().run()
    assert errors(at) == [] and "The return-to-sport continuum is complete." in successes(at)[0]
    labels = [o for o in widget(at.tabs[1].selectbox, "Health problem").options if "Muscle" in str(o)]
    assert not labels


def staged_problem(engine: Engine, athlete_id: int, next_in_days: int = 5) -> int:
    """An open injury of the athlete with a diagnosis and a return-to-participation decision of today."""
    onset = dt.date.today() - dt.timedelta(days=10)
    injury_id = save_records(
        engine,
        "injuries",
        [
            {
                "athlete_id": athlete_id,
                "onset_date": onset,
                "body_region": "knee",
                "side": "right",
                "injury_type": "ligament_sprain",
                "time_loss": True,
                "diagnosis": DIAGNOSIS,
                "notes": "clinical note of the knee",
            }
        ],
    ).ids[0]
    therapist = viewer(engine, "therapist")
    health_problems.record_stage(engine, therapist, injury_id, onset + dt.timedelta(days=1), "rehabilitation")
    health_problems.record_stage(
        engine,
        therapist,
        injury_id,
        dt.date.today(),
        "return_to_participation",
        criteria_met=["Walks and jogs without limping"],
        restrictions=RESTRICTIONS,
        rationale=RATIONALE,
        expected_next_date=dt.date.today() + dt.timedelta(days=next_in_days),
    )
    return injury_id


def test_the_coach_board_shows_stage_restrictions_and_forecast_not_the_diagnosis(
    open_as: Callable[..., AppTest], own_engine: Engine
) -> None:
    coach = viewer(own_engine, "coach")
    # an athlete of the coach's first team by name: the team *Team today* opens on
    mine = queries.athletes(own_engine, athlete_ids=access.visible_athlete_ids(own_engine, coach))
    athlete_id = int(mine.sort_values(["team", "display_name"])["athlete_id"].iloc[0])
    staged_problem(own_engine, athlete_id)
    day = queries.newest_data_day(own_engine)
    save_records(own_engine, "wellness_checkins", [{"athlete_id": athlete_id, "date": day, "availability": "modified"}])
    name = queries.athletes(own_engine, athlete_ids=[athlete_id])["display_name"].iloc[0]
    at = open_as(TODAY, "coach")
    attention = next(f.value for f in at.dataframe if "stage_label" in f.value.columns)
    row = attention[attention["athlete"] == name].iloc[0]
    assert (row["stage_label"], row["restrictions"]) == ("Return to participation", RESTRICTIONS)
    forecast = next(f.value for f in at.dataframe if "days_to_go" in f.value.columns)
    assert 5 in forecast.loc[forecast["athlete"] == name, "days_to_go"].tolist(), "this problem, beside the demo's"
    shown = page_text(at)
    for secret in (DIAGNOSIS, RATIONALE, "clinical note of the knee", "Walks and jogs without limping"):
        assert secret not in shown


def test_the_athlete_sees_their_own_stage_and_what_the_next_takes(
    open_as: Callable[..., AppTest], own_engine: Engine
) -> None:
    with own_engine.connect() as connection:
        own = int(connection.scalar(select(User.athlete_id).where(User.username == "athlete")))
    other = next(a for a in access.visible_athlete_ids(own_engine, viewer(own_engine, "therapist")) if a != own)
    staged_problem(own_engine, own)
    health_problems.record_stage(
        own_engine,
        viewer(own_engine, "therapist"),
        staged_problem(own_engine, other),
        dt.date.today() + dt.timedelta(days=1),
        "rehabilitation",
        restrictions="OTHER-ATHLETE-RESTRICTION",
    )
    at = open_as(MY_RECOVERY, "athlete")
    shown = "\n".join(str(m.value) for m in at.markdown)
    assert "Your return to sport: Return to participation" in shown
    assert literal(RESTRICTIONS) in shown  # as the athlete reads it (Markdown, shown as written)
    assert "Next: Return to sport" in shown and "What it takes:" in shown
    checklist = health_problems.criteria(own_engine, "return_to_sport")["text"].tolist()
    assert all(literal(item) in shown for item in checklist)
    everything = page_text(at)
    for secret in (DIAGNOSIS, RATIONALE, "OTHER-ATHLETE-RESTRICTION", "clinical note of the knee"):
        assert secret not in everything


def test_the_therapist_sees_the_stages_along_the_timeline(open_as: Callable[..., AppTest], own_engine: Engine) -> None:
    athlete_id = therapist_athlete(own_engine)
    staged_problem(own_engine, athlete_id)
    at = open_as("pages/athlete_progress.py", "therapist", athlete_id)
    charts = "\n".join(str(c.proto) for c in at.get("plotly_chart"))
    assert "Rehabilitation" in charts  # the decision within the page's dates (the newer one is after them)


def test_a_substantial_weekly_report_opens_a_prefilled_record_and_is_linked(
    open_as: Callable[..., AppTest], own_engine: Engine
) -> None:
    """OSTRC-H2 (Clarsen et al. 2020): a substantial problem without a record is listed for the therapist;
    *Open a record* fills the new-problem form from it, and saving links the report to the new problem."""
    athlete_id = therapist_athlete(own_engine)
    today = dt.date.today()
    monday = today - dt.timedelta(days=today.weekday() + 7)
    [report_id] = ostrc_health.save_week(
        own_engine,
        athlete_id,
        monday,
        [{"problem_type": "injury", "body_region": "knee", "q1": 25, "q2": 17, "q3": 17, "q4": 8, "days_lost": 2}],
    )
    assert report_id in set(ostrc_health.unrecorded_substantial(own_engine, [athlete_id])["report_id"])
    at = open_as(PAGE, "therapist")
    at = next(b for b in at.button if b.key == f"ostrc_open_{report_id}").click().run()
    assert not at.exception, at.exception
    tab = at.tabs[0]
    assert widget(tab.radio, "Health problem").value == "injury"
    assert widget(tab.selectbox, "Body region").value == "knee"
    assert widget(tab.date_input, "Onset date").value == monday
    assert widget(tab.checkbox, "Time-loss problem").value
    widget(tab.selectbox, "Side").set_value("right")
    widget(tab.selectbox, "Tissue").set_value("ligament_joint_capsule")
    at = at.run()
    widget(at.tabs[0].selectbox, "Pathology").set_value("joint_sprain")
    at = widget(at.button, "Open problem").click().run()
    assert errors(at) == [] and successes(at), errors(at)
    assert "Linked to the weekly health report" in successes(at)[0]
    assert report_id not in set(ostrc_health.unrecorded_substantial(own_engine, [athlete_id])["report_id"])


def test_a_decision_recorded_by_mistake_is_removed(open_as: Callable[..., AppTest], own_engine: Engine) -> None:
    athlete_id = therapist_athlete(own_engine)
    injury_id = staged_problem(own_engine, athlete_id)
    at = open_as(PAGE, "therapist", athlete_id)
    widget(at.tabs[1].selectbox, "Health problem").set_value(injury_id)
    at = at.run()
    removal = [b for b in at.tabs[1].button if b.label.startswith("Remove the decision of ")]
    assert len(removal) == 1
    at = removal[0].click().run()
    assert not at.exception and errors(at) == []
    assert any(s.startswith("Removed the decision of ") for s in successes(at))
    with own_engine.connect() as connection:
        left = connection.scalars(select(RtsStage.stage).where(RtsStage.injury_id == injury_id)).all()
    assert left == ["rehabilitation"]
