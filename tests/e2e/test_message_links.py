"""A message's link and two tabs, in Chromium (issue 15): the therapist's inbox shows a pain alert; its link,
opened in a new page of the same browser, lands signed in on the athlete's progress with the athlete
selected; signing out in one tab signs the other out at its next click."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from data.accounts import create_user
from data.db import make_engine
from data.record_writes import save_checkin
from data.roster import create_athlete, create_team
from data.schema import upgrade
from tests.e2e.conftest import assert_no_exception, screenshot, serve, sign_in, wait_for_app

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

USERNAME, PASSWORD = "physio", "kettle-drum-sunrise"


def test_a_messages_link_lands_on_the_athlete_and_sign_out_reaches_the_other_tab(tmp_path: Path, page: object) -> None:
    url = f"sqlite:///{tmp_path / 'links.db'}"
    engine = make_engine(url)
    upgrade(engine)
    team = create_team(engine, "Alpha FC", "soccer", "UTC")
    create_athlete(engine, team, "Ann Example", "A-1")
    bea = create_athlete(engine, team, "Bea Second", "A-2")
    create_user(engine, USERNAME, PASSWORD, "therapist", team_ids=[team])
    save_checkin(engine, bea, dt.date.today(), {"mood": 3}, [{"body_region": "knee", "side": "left", "pain": 6}])
    engine.dispose()
    for base in serve(url, tmp_path / "streamlit.log"):
        page.goto(base)  # type: ignore[attr-defined]
        wait_for_app(page)
        sign_in(page, USERNAME, PASSWORD)
        page.get_by_role("link", name="Inbox (1)").click()  # type: ignore[attr-defined]
        wait_for_app(page)
        page.get_by_text("Pain reported: Bea Second").wait_for()  # type: ignore[attr-defined]
        assert_no_exception(page)
        screenshot(page, "messages-01-inbox")

        with page.context.expect_page() as opened:  # type: ignore[attr-defined]
            page.get_by_role("link", name="Open in Fascia").click()  # type: ignore[attr-defined]
        other = opened.value
        other.set_default_timeout(60_000)
        wait_for_app(other)
        other.locator("h1", has_text="Athlete progress").first.wait_for()
        other.get_by_text("Signed in as physio").wait_for()
        screenshot(other, "messages-02-link-opened")
        assert_no_exception(other)
        # Ann is first alphabetically and would be picked without the link's athlete
        assert other.get_by_text("Bea Second").count() >= 1 and other.get_by_text("Ann Example").count() == 0

        other.get_by_role("button", name="Sign out").click()
        wait_for_app(other)
        other.get_by_label("Username").wait_for()

        page.get_by_role("link", name="Caseload").click()  # type: ignore[attr-defined]
        wait_for_app(page)
        page.get_by_label("Username").wait_for()  # type: ignore[attr-defined]
        assert page.get_by_text("Signed in as physio").count() == 0  # type: ignore[attr-defined]
