"""*Injury and illness surveillance* in AppTest: therapists and admins open it (team and period picker, rates
with their intervals, risk matrix, the HTML report's download); coaches and athletes cannot."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from data import queries
from data.db import make_engine
from tests.app.conftest import APP, TIMEOUT
from ui.menu import page_paths

PAGE = "pages/surveillance.py"
TITLE = "Injury and illness surveillance"


@pytest.fixture(scope="module")
def user_ids(demo_url: str) -> dict[str, int]:
    engine = make_engine(demo_url)
    users = queries.users(engine)
    engine.dispose()
    return dict(zip(users["username"], users["user_id"].astype(int), strict=True))


@pytest.fixture
def open_as(demo_url: str, user_ids: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> Callable[[str], AppTest]:
    """Opens the page with a demo user signed in (one run, no sign-in form)."""
    monkeypatch.setenv("DATABASE_URL", demo_url)

    def open_page(username: str) -> AppTest:
        """The user's landing page first (their navigation registered), then this page: a page outside the
        role's menu is not registered, so switching to it raises."""
        st.cache_data.clear()  # the loaders' cache is keyed by user, not by database (tests/app/conftest.py)
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        at.session_state["user_id"] = user_ids[username]
        return at.run().switch_page(PAGE).run()

    return open_page


@pytest.mark.parametrize("role", ["therapist", "admin"])
def test_therapists_and_admins_see_the_surveillance_page(open_as: Callable[[str], AppTest], role: str) -> None:
    at = open_as(role)
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == [TITLE]
    assert [m.label for m in at.metric] == ["Injuries", "Illnesses", "Training", "Matches"]
    headings = [s.value for s in at.subheader]
    assert headings[:3] == ["Incidence and burden", "By body area, tissue, mode of onset and activity", "Risk matrix"]
    rates = at.dataframe[0].value
    assert {"exposure_label", "cases", "hours", "incidence", "incidence_low", "incidence_high"} <= set(rates.columns)
    assert rates["exposure_label"].tolist() == ["Training", "Match", "Training and match"]
    shown = "\n".join(str(c.value) for c in at.caption)
    assert "exact Poisson" in shown and "Table 10" in shown
    assert at.get("download_button"), "the HTML report can be downloaded"
    assert len(at.get("plotly_chart")) >= 1  # the demo has injuries: the injuries' risk matrix


def test_the_grouping_picker_switches_the_table(open_as: Callable[[str], AppTest]) -> None:
    at = open_as("therapist")
    picker = at.selectbox(key="surveillance_grouping")
    options = picker.options
    assert options[0] == "Injuries by body area"
    at = picker.select_index(options.index("Injuries by mode of onset")).run()
    assert not at.exception
    grouped = at.dataframe[2].value
    assert set(grouped["value_label"]) <= {"Sudden onset", "Gradual onset", "Not recorded"}


@pytest.mark.parametrize("role", ["coach", "athlete"])
def test_coaches_and_athletes_cannot_open_it(open_as: Callable[[str], AppTest], role: str) -> None:
    assert PAGE not in page_paths(role)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        open_as(role)
