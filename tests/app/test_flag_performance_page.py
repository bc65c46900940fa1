"""*Flag performance* in AppTest (issue 16): therapists and admins see each flag's burden, sensitivity and PPV
with intervals, the ACWR band check, the injuries behind the numbers with names, and the team's rules with a
form; a coach sees the numbers without any athlete name and no form; an athlete cannot open it. Saving rules
from the page is audited and changes the flags; the store refuses a coach."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import streamlit as st
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from data import access, queries
from data.db import make_engine
from data.errors import ValidationError
from data.flag_rules import save_team_rules, team_rules
from data.models import AuditEntry
from tests.app.conftest import APP, TIMEOUT
from ui.menu import page_paths

PAGE = "pages/flag_performance.py"
TITLE = "Flag performance"


def user_ids_of(url: str) -> dict[str, int]:
    engine = make_engine(url)
    users = queries.users(engine)
    engine.dispose()
    return dict(zip(users["username"], users["user_id"].astype(int), strict=True))


def opener(url: str, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], AppTest]:
    monkeypatch.setenv("DATABASE_URL", url)
    ids = user_ids_of(url)

    def open_page(username: str) -> AppTest:
        """The user's landing page first (their navigation registered), then this page."""
        st.cache_data.clear()  # the loaders' cache is keyed by user, not by database (tests/app/conftest.py)
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        at.session_state["user_id"] = ids[username]
        return at.run().switch_page(PAGE).run()

    return open_page


@pytest.fixture
def open_as(demo_url: str, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], AppTest]:
    return opener(demo_url, monkeypatch)


def shown_text(at: AppTest) -> str:
    parts = [str(e.value) for kind in ("markdown", "caption", "info", "warning") for e in at.get(kind)]
    for frame in at.dataframe:
        parts.extend(str(v) for v in frame.value.astype(str).to_numpy().ravel())
    return "\n".join(parts)


@pytest.mark.parametrize("role", ["therapist", "admin"])
def test_therapists_and_admins_see_numbers_names_and_the_rules_form(
    open_as: Callable[[str], AppTest], role: str
) -> None:
    at = open_as(role)
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == [TITLE]
    assert [m.label for m in at.metric] == ["Athletes monitored", "Athlete-weeks", "Time-loss injuries"]
    table = at.dataframe[0].value
    assert {
        "kind_label",
        "flags_per_athlete_week",
        "sensitivity",
        "sensitivity_interval",
        "ppv",
        "ppv_interval",
    } <= set(table.columns)
    assert len(at.get("plotly_chart")) == 1  # burden beside sensitivity and PPV, one row per kind
    text = shown_text(at)
    assert "not a prediction" in text and "Bahr 2016" in text and "Impellizzeri" in text
    injuries = at.dataframe[2].value
    assert "athlete" in injuries.columns  # therapists and admins see who
    labels = [b.label for b in at.button]  # the rules form of the team picked first
    assert any("Preview" in label for label in labels) and any("Save" in label for label in labels)


def test_a_coach_sees_no_athlete_name_and_no_form(open_as: Callable[[str], AppTest], demo_url: str) -> None:
    at = open_as("coach")
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == [TITLE]
    injuries = at.dataframe[2].value
    assert "athlete" not in injuries.columns
    engine = make_engine(demo_url)
    names = set(queries.athletes(engine)["display_name"])
    engine.dispose()
    text = shown_text(at)
    assert not [n for n in names if n in text], "an athlete's name reached a coach"
    assert not [b for b in at.button if "Save" in b.label]
    assert "Athletes are not named on this page." in text


def test_an_athlete_cannot_open_it(open_as: Callable[[str], AppTest]) -> None:
    assert PAGE not in page_paths("athlete")
    with pytest.raises(Exception):  # noqa: B017 - AppTest raises when switching to an unregistered page
        open_as("athlete")


def test_saving_rules_from_the_page_is_audited_and_used(own_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    open_page = opener(own_url, monkeypatch)
    at = open_page("therapist")
    assert not at.exception, at.exception
    spike = next(n for n in at.number_input if n.key.endswith("-pain_spike_points"))
    team_id = int(spike.key.split("-")[1])
    spike.set_value(3.0)
    at = next(b for b in at.button if "Preview" in b.label).click().run()
    assert not at.exception, at.exception
    assert any("Preview" in m.value for m in at.markdown)
    at = next(b for b in at.button if "Save" in b.label).click().run()
    assert not at.exception, at.exception
    assert any("Saved" in s.value for s in at.success)
    engine = make_engine(own_url)
    try:
        assert team_rules(engine, team_id).pain_spike_points == 3.0
        with engine.connect() as connection:
            entry = connection.execute(
                select(AuditEntry.action, AuditEntry.record_id, AuditEntry.detail).where(
                    AuditEntry.table_name == "flag_rules"
                )
            ).one()
        assert entry.action == "update" and entry.record_id == team_id
        assert '"pain_spike_points": [2.0, 3.0]' in entry.detail
    finally:
        engine.dispose()
    changed = [r for r in at.dataframe[3].value.itertuples() if r.changed]
    assert [r.kind_label for r in changed] == ["Pain spike"]


def test_a_coach_may_not_save_rules(own_engine: Engine) -> None:
    ids = user_ids_of(str(own_engine.url))
    coach = access.viewer(own_engine, ids["coach"])
    assert coach is not None and coach.team_ids
    with pytest.raises(ValidationError, match="may change"):
        save_team_rules(own_engine, coach, coach.team_ids[0], {"pain_spike_points": 3.0})
    assert team_rules(own_engine, coach.team_ids[0]).pain_spike_points == 2.0
