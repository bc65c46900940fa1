"""Untrusted text in a real browser: an athlete named like an HTML tag, and notes holding a script,
show literally on every page that shows names and notes, and nothing of it runs.

The name `<img src=x onerror=alert(1)>` would fire an alert if any page put it into the DOM as
HTML; the test fails on any dialog, on any <img src="x"> element, and when the literal text is
not visible where the name is shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from data.db import make_engine
from data.demo import load_demo
from data.models import User, user_teams
from data.schema import upgrade
from data.writes import create_athlete, save_checkin, save_records, save_session_with_rom
from tests.e2e.conftest import assert_no_exception, screenshot, serve, wait_for_app

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

EVIL_NAME = "<img src=x onerror=alert(1)>"
EVIL_NOTE = "<script>alert(2)</script> felt <b>better</b>"


@pytest.fixture(scope="module")
def evil_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A small demo plus one athlete with a hostile name, a flagged check-in today and a hostile note."""
    folder = tmp_path_factory.mktemp("e2e-untrusted")
    url = f"sqlite:///{folder / 'untrusted.db'}"
    engine = make_engine(url)
    upgrade(engine)
    today = dt.date.today()
    load_demo(engine, athletes=6, days=40, seed=4, end=today)
    with engine.connect() as connection:
        coach = connection.scalar(select(User.id).where(User.username == "coach"))
        therapist = connection.scalar(select(User.id).where(User.username == "therapist"))
        team = connection.scalar(select(user_teams.c.team_id).where(user_teams.c.user_id == coach).limit(1))
    athlete = create_athlete(engine, team, EVIL_NAME, "EVIL-1", position="<i>wing</i>")
    for back in range(21, 0, -1):  # a calm baseline, then a bad day: a flag on the caseload
        day = today - dt.timedelta(days=back)
        save_checkin(engine, athlete, day, {"fatigue": 3, "soreness": 2, "availability": "full"}, [])
    save_checkin(
        engine,
        athlete,
        today,
        {"fatigue": 1, "soreness": 5, "availability": "modified"},
        [{"body_region": "knee", "side": "left", "pain": 8}],
    )
    save_records(  # an open injury puts them on the therapist's caseload
        engine,
        "injuries",
        [
            {
                "athlete_id": athlete,
                "onset_date": today - dt.timedelta(days=5),
                "body_region": "knee",
                "side": "left",
                "injury_type": "ligament_sprain",
                "time_loss": False,
                "notes": EVIL_NOTE,
            }
        ],
    )
    save_session_with_rom(
        engine,
        {
            "athlete_id": athlete,
            "date": today,
            "technique": "myofascial_release",
            "body_region": "knee",
            "side": "left",
            "minutes": 30,
            "pain_before": 7,
            "pain_after": 4,
            "notes": EVIL_NOTE,
        },
        actor_id=therapist,
    )
    engine.dispose()
    yield from ((base, athlete) for base in serve(url, folder / "streamlit.log"))


def sign_in(page: object, username: str, password: str) -> None:
    page.get_by_label("Username").fill(username)  # type: ignore[attr-defined]
    page.get_by_label("Password", exact=True).fill(password)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Sign in").click()  # type: ignore[attr-defined]
    wait_for_app(page)


def assert_inert(page: object, dialogs: list[str], name: str) -> None:
    """Nothing ran and no hostile element exists; the name is visible as text."""
    assert_no_exception(page)
    page.wait_for_timeout(500)  # type: ignore[attr-defined]
    screenshot(page, f"untrusted-{name}")
    assert dialogs == [], f"a dialog fired: {dialogs}"
    assert page.locator("img[src='x']").count() == 0  # type: ignore[attr-defined]
    assert page.locator("script:text('alert(2)')").count() == 0  # type: ignore[attr-defined]
    assert name_shown(page), f"{name}: the name is not shown literally"


def name_shown(page: object) -> bool:
    """Whether the hostile name is visible as literal text: in the page's text or a chart's labels, or
    else (a data frame draws on a canvas, out of the DOM's reach) among the options of the page's first
    picker."""
    height = page.evaluate(  # type: ignore[attr-defined]
        "() => Math.max(document.querySelector('[data-testid=stMain]').scrollHeight, document.body.scrollHeight)"
    )
    viewport = page.viewport_size  # type: ignore[attr-defined]
    page.set_viewport_size({"width": viewport["width"], "height": min(int(height), 16000)})  # type: ignore[attr-defined]
    texts = page.get_by_text(EVIL_NAME, exact=False)  # type: ignore[attr-defined]
    try:
        for _ in range(20):  # charts draw their labels a moment after the script ends
            if any(texts.nth(i).is_visible() for i in range(texts.count())):
                return True
            page.wait_for_timeout(1000)  # type: ignore[attr-defined]
    finally:
        page.set_viewport_size(viewport)  # type: ignore[attr-defined]
    pickers = page.locator("[data-testid='stSelectbox']")  # type: ignore[attr-defined]
    if not pickers.count():
        return False
    pickers.first.click()
    option = page.get_by_role("option", name=EVIL_NAME, exact=False)  # type: ignore[attr-defined]
    option.first.wait_for()
    shown = bool(option.first.is_visible())
    page.keyboard.press("Escape")  # type: ignore[attr-defined]
    return shown


@pytest.mark.parametrize(
    ("username", "password", "titles"),
    [
        ("coach", "fascia-coach", ["Team today", "Team trends"]),
        ("therapist", "fascia-therapist", ["Caseload", "Athlete progress"]),
    ],
    ids=["coach", "therapist"],
)
def test_hostile_names_and_notes_render_as_text(
    evil_server: tuple[str, int], page: object, username: str, password: str, titles: list[str]
) -> None:
    base, _ = evil_server
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))  # type: ignore[attr-defined]
    page.goto(base)  # type: ignore[attr-defined]
    wait_for_app(page)
    sign_in(page, username, password)
    page.get_by_text(f"({username})").first.wait_for()  # type: ignore[attr-defined]
    nav = page.locator("[data-testid='stSidebarNav']")  # type: ignore[attr-defined]
    for title in titles:  # through the menu: a fresh page load would start a new, signed-out session
        nav.get_by_role("link", name=title).click()
        wait_for_app(page)
        page.locator("h1").first.wait_for()  # type: ignore[attr-defined]
        assert_inert(page, dialogs, f"{username}-{title.lower().replace(' ', '-')}")
