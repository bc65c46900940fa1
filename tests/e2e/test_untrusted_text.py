"""Untrusted text in a real browser: every piece of text people type (athlete names, team names, positions,
usernames, e-mails, injury and session notes) holds hostile Markdown, HTML, a long, a right-to-left-override
and a zero-width-joiner string (`tests.hostile.HOSTILE_TEXTS`), and on every page of every role, and
in the HTML progress report opened from a file, each shows literally:

- the visible part of each string planted where the page shows it is in the page's text (the RTL override
  is stripped, so the override character itself never is);
- no link or image was made of them (no <a>/<img> pointing at 127.0.0.2 or "phish", no <img src="x">), no
  <strong>/<del>/KaTeX made of their "**bold** ~~strike~~ $x^2$", no :red[...] directive took effect;
- nothing ran (no dialog) and the browser asked nothing of any origin but the app's (the report's: none).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from data import access, queries
from data.accounts import create_user, set_user_email
from data.db import make_engine
from data.record_writes import save_checkin, save_records, save_session_with_rom
from data.roster import create_athlete, create_team
from data.schema import upgrade
from tests.e2e.conftest import ARTIFACTS, assert_no_exception, screenshot, serve, sign_in, wait_for_app
from tests.hostile import BARE, EMPHASIS, HOSTILE_TEXTS, IMAGE, LINK, LONG, RTL, TAG, ZWJ
from ui import report
from ui.text import WORD_JOINER, visible
from views.progress_report import progress_report
from views.reader import ScopedReader

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PASSWORD = "correct horse battery"
#: Usernames hold no spaces: the hostile strings without them.
USERS = {
    "admin": "http://127.0.0.2:9/bare",
    "coach": LINK,
    "therapist": IMAGE,
    "athlete": "**bold**~~strike~~$x^2$:red[alarm]",
}
TEAMS = (f"{LINK} FC", f"{TAG} {EMPHASIS}")
#: The athlete the athlete account is; its name is the tracking pixel.
OWN = IMAGE
POSITION = f"{BARE} wing"
INJURY_NOTE = f"{TAG} {LINK}"

# What each page shows, by role: (menu title, strings that must be in its text). Every page shows the
# signed-in username in the sidebar.
ALL_NAMES = HOSTILE_TEXTS
#: A coach's pages open on the first of their teams by name (`ui.filters.team_picker`); athlete i is in team i % 2.
OPENED_TEAM_NAMES = HOSTILE_TEXTS[min(range(len(TEAMS)), key=lambda i: TEAMS[i]) :: len(TEAMS)]
PAGES: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "coach": [
        ("Team today", OPENED_TEAM_NAMES),  # the heatmap names every athlete of the team it opens on
        ("Team trends", (sorted(OPENED_TEAM_NAMES)[0],)),  # the picked athlete, in the load chart's title
        ("Flag performance", ()),
        ("Export data", ()),
    ],
    "therapist": [
        ("Caseload", (*ALL_NAMES, *TEAMS)),  # everyone has an open injury: a card each, with the team
        ("Athlete progress", (POSITION, TEAMS[0])),  # + the picked athlete and its session notes (below)
        ("Injury and illness surveillance", ()),
        ("Flag performance", ()),
        ("Log a session", ()),
        ("Record ROM", ()),
        ("Health problems", ()),
        ("Export data", ()),
    ],
    "admin": [
        ("Overview", ()),
        ("Injury and illness surveillance", ()),
        ("Flag performance", ()),
        ("Users and teams", ()),
        ("Import and export", ()),
        ("Audit log", ()),
    ],
    "athlete": [
        ("My recovery", (OWN,)),
        ("Daily check-in", (OWN,)),
        ("Weekly health questions", (OWN,)),
        ("Export data", ()),
    ],
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """A hand-made database: two teams, an athlete per hostile string (each with an open injury, check-ins
    until yesterday and, for the first by name, sessions whose notes are the hostile strings), the four
    roles under hostile usernames and e-mails; the app served on it; and the therapist's progress report
    of that athlete written to a file."""
    folder = tmp_path_factory.mktemp("e2e-untrusted")
    url = f"sqlite:///{folder / 'untrusted.db'}"
    engine = make_engine(url)
    upgrade(engine)
    today = dt.date.today()
    teams = [create_team(engine, name) for name in TEAMS]
    athletes = {
        text: create_athlete(
            engine, teams[i % 2], text, f"E{i + 1}", position=POSITION if i == 0 else None, dominant_side="right"
        )
        for i, text in enumerate(HOSTILE_TEXTS)
    }
    first = athletes[sorted(HOSTILE_TEXTS)[0]]
    for text, athlete in athletes.items():
        for back in range(14, 0, -1):  # until yesterday, the newest day: a pain spike, a red flag each
            day = today - dt.timedelta(days=back)
            pain = [{"body_region": "knee", "side": "left", "pain": 2 if back > 1 else 8}]
            save_checkin(engine, athlete, day, {"fatigue": 3, "soreness": 3, "availability": "full"}, pain)
        save_records(
            engine,
            "injuries",
            [
                {
                    "athlete_id": athlete,
                    "onset_date": today - dt.timedelta(days=10),
                    "body_region": "knee",
                    "side": "left",
                    "injury_type": "ligament_sprain",
                    "time_loss": False,
                    "notes": INJURY_NOTE if athlete == first else text,
                }
            ],
        )
    users = {
        role: create_user(
            engine,
            username,
            PASSWORD,
            role,
            athlete_id=athletes[OWN] if role == "athlete" else None,
            team_ids=teams if role in ("coach", "therapist") else (),
        )
        for role, username in USERS.items()
    }
    for role, user_id in users.items():
        set_user_email(engine, user_id, f"{USERS[role]}@example.org")
    for i, text in enumerate(HOSTILE_TEXTS):  # the progress page lists the ten newest sessions with notes
        save_session_with_rom(
            engine,
            {
                "athlete_id": first,
                "date": today - dt.timedelta(days=len(HOSTILE_TEXTS) - i),
                "technique": "myofascial_release",
                "body_region": "knee",
                "side": "left",
                "minutes": 30,
                "pain_before": 6,
                "pain_after": 3,
                "notes": text,
            },
            actor_id=users["therapist"],
        )
    start, end = today - dt.timedelta(days=89), today
    athlete = queries.athletes(engine, athlete_ids=[first]).iloc[0].to_dict()
    therapist = access.viewer(engine, users["therapist"])
    assert therapist is not None
    page = report.progress_report_html(
        athlete,
        progress_report(ScopedReader(engine, therapist), first, start, end),
        generated=dt.datetime.now(dt.UTC),
        include_notes=True,
    )
    report_path = folder / report.report_file_name(athlete["external_id"], end)
    report_path.write_text(page, encoding="utf-8")
    engine.dispose()
    for base in serve(url, folder / "streamlit.log"):
        yield {"base": base, "report": report_path, "first": sorted(HOSTILE_TEXTS)[0]}


def page_text(page: object) -> str:
    """The page's visible text plus the text of its charts (SVG), once the charts have drawn."""
    page.wait_for_timeout(300)  # type: ignore[attr-defined]
    return str(
        page.evaluate(  # type: ignore[attr-defined]
            "() => document.body.innerText + '\\n' + "
            "[...document.querySelectorAll('svg text')].map(t => t.textContent).join('\\n')"
        )
    )


def assert_literal(page: object, shown: tuple[str, ...], where: str) -> None:
    """Each of `shown` is in the page's text as typed (less the RTL controls), and nothing hostile was made."""
    text = page_text(page).replace(WORD_JOINER, "")  # the invisible joiner that keeps a bare URL unlinked
    for planted in shown:
        assert visible(planted) in text, f"{where}: not shown literally: {planted!r}"
    assert "\u202e" not in text, f"{where}: a right-to-left override reached the screen"
    made = page.evaluate(  # type: ignore[attr-defined]
        """() => ({
          links: [...document.querySelectorAll('a[href]')]
                 .filter(a => /127[.]0[.]0[.]2|phish/.test(a.getAttribute('href')))
                 .map(a => (a.closest('[data-testid]') || {}).outerHTML?.slice(0, 300)),
          images: [...document.querySelectorAll('img')]
                 .filter(i => /^x$|127[.]0[.]0[.]2/.test(i.getAttribute('src') || ''))
                 .map(i => (i.closest('[data-testid]') || {}).outerHTML?.slice(0, 300)),
          strong: [...document.querySelectorAll('strong, b')].map(e => e.textContent)
                 .filter(t => t === 'bold' || t.startsWith('bold')),
          struck: [...document.querySelectorAll('del, s')].map(e => e.textContent),
          katex: document.querySelectorAll('.katex').length,
          red: [...document.querySelectorAll('[data-testid=stMarkdownContainer] span')]
                 .filter(e => e.textContent === 'alarm').length,
        })"""
    )
    assert made == {"links": [], "images": [], "strong": [], "struck": [], "katex": 0, "red": 0}, f"{where}: {made}"


@pytest.mark.parametrize("role", list(PAGES))
def test_every_page_of_every_role_shows_hostile_text_literally(
    hostile: dict[str, object], page: object, role: str
) -> None:
    base = str(hostile["base"])
    dialogs: list[str] = []
    foreign: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))  # type: ignore[attr-defined]
    page.on(  # type: ignore[attr-defined]
        "request",
        lambda request: None if request.url.startswith((base, "data:", "blob:")) else foreign.append(request.url),
    )
    page.goto(base)  # type: ignore[attr-defined]
    wait_for_app(page)
    sign_in(page, USERS[role], PASSWORD)
    nav = page.locator("[data-testid='stSidebarNav']")  # type: ignore[attr-defined]
    nav.wait_for()
    extra = {"Athlete progress": (str(hostile["first"]), *HOSTILE_TEXTS)}  # the picked athlete; its notes
    for title, shown in PAGES[role]:  # through the menu: a fresh page load would start a new, signed-out session
        nav.get_by_role("link", name=title).click()
        wait_for_app(page)
        page.locator("h1").first.wait_for()  # type: ignore[attr-defined]
        assert_no_exception(page)
        where = f"{role} / {title}"
        assert_literal(page, (USERS[role], *shown, *extra.get(title, ())), where)
        if title in ("Team today", "Caseload", "My recovery", "Users and teams"):
            screenshot(page, f"untrusted-{role}-{title.lower().replace(' ', '-')}")
    if role == "admin":  # the e-mail of the user picked on Users and teams, in its input as typed
        nav.get_by_role("link", name="Users and teams").click()
        wait_for_app(page)
        values = page.locator("input[type='text']").evaluate_all("els => els.map(e => e.value)")  # type: ignore[attr-defined]
        assert any(v.endswith("@example.org") and v.removesuffix("@example.org") in USERS.values() for v in values)
    assert dialogs == [], f"a dialog opened: {dialogs}"
    assert foreign == [], f"requests to another origin: {foreign}"


def test_the_report_file_shows_hostile_text_literally(hostile: dict[str, object], browser: object) -> None:
    context = browser.new_context(viewport={"width": 1100, "height": 1000}, offline=True)  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        foreign: list[str] = []
        dialogs: list[str] = []
        errors: list[str] = []
        page.on("request", lambda r: None if r.url.startswith(("file:", "data:")) else foreign.append(r.url))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: errors.append(str(e)))
        path = Path(str(hostile["report"]))
        page.goto(path.as_uri())
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 1")
        assert_literal(page, (str(hostile["first"]), *TEAMS[:1], POSITION, *HOSTILE_TEXTS, INJURY_NOTE), "report")
        assert (foreign, dialogs, errors) == ([], [], [])
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "untrusted-report.png"), full_page=True)
    finally:
        context.close()


def test_the_hostile_strings_cover_what_the_issue_names() -> None:
    planted = " ".join(HOSTILE_TEXTS)
    for piece in ("![x](http://", "[phish](http://", "http://127.0.0.2:9/bare", "**bold**", "~~strike~~", "$x^2$"):
        assert piece in planted
    assert TAG in HOSTILE_TEXTS and len(LONG) == 300 and "\u202e" in RTL and "\u200d" in ZWJ
