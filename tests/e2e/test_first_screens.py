"""Each role's first screen and main task, in the browser at 1400 px and on a 390 px phone, as a new user
meets them (issue 14): the landing page answers the role's question without an error, and the screenshots
under test-results/first-*.png are the ones the closing note lists and a person looks at. The first page
after a server start says it is starting while it loads (its seconds in test-results/first-page.json), and
the coach's board reads the same under a deuteranopia simulation (first-coach-1400-deuteranopia.png).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import ARTIFACTS, PHONE, assert_no_exception, screenshot, serve, sign_in, wait_for_app
from ui.starting import MESSAGE

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

#: Per role: the account, the heading of its landing page, and the pages of its main task (menu titles).
#: The athlete lands on the check-in until today's is in, then on *My recovery*.
ROLES: dict[str, tuple[str, re.Pattern[str], tuple[str, ...]]] = {
    "coach": ("fascia-coach", re.compile("Team today"), ("Team trends",)),
    "therapist": ("fascia-therapist", re.compile("Caseload"), ("Athlete progress", "Log a session", "Health problems")),
    "admin": ("fascia-admin", re.compile("Overview"), ("Audit log",)),
    "athlete": ("fascia-athlete", re.compile("how are you today|My recovery"), ("My recovery", "Daily check-in")),
}
#: What each first screen answers at a glance, on the page once it has landed.
ANSWERS: dict[str, tuple[str, ...]] = {
    "coach": ("Squad readiness", "Flags"),
    "therapist": ("Who needs attention first",),
    "admin": ("Needs your attention",),
    "athlete": (),
}
#: Deuteranopia (Machado et al. 2009, severity 1) as an SVG colour matrix over the whole page.
DEUTERANOPIA = "0.367 0.861 -0.228 0 0  0.280 0.673 0.047 0 0  -0.012 0.043 0.969 0 0  0 0 0 1 0"
WIDTHS = (1400, 390)


def signed_in(page: object, url: str, username: str, password: str) -> None:
    page.goto(url)  # type: ignore[attr-defined]
    wait_for_app(page)
    sign_in(page, username, password)


def open_from_menu(page: object, title: str, width: int) -> None:
    """Open a page through the sidebar menu, as a person does (on a phone the menu is opened first, and it
    closes again once a page is chosen)."""
    if width < 640:
        page.locator("[data-testid='stExpandSidebarButton']").click()  # type: ignore[attr-defined]
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=title).click()  # type: ignore[attr-defined]
    wait_for_app(page)
    if width < 640:
        sidebar = page.locator("[data-testid='stSidebar']")  # type: ignore[attr-defined]
        right = sidebar.evaluate("e => e.getBoundingClientRect().right")
        assert right <= 0, "on a phone the menu closes (slides out) once a page is chosen"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_lands_on_its_first_screen_and_does_its_main_task(
    demo_server: str, browser: object, role: str, width: int
) -> None:
    password, heading, task = ROLES[role]
    options = PHONE if width == PHONE["viewport"]["width"] else {"viewport": {"width": width, "height": 1000}}  # type: ignore[index]
    context = browser.new_context(**options)  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(90_000)
    try:
        signed_in(page, demo_server, role, password)
        page.locator("h1").filter(has_text=heading).first.wait_for()
        assert_no_exception(page)
        for answer in ANSWERS[role]:
            page.get_by_role("heading", name=answer).first.wait_for()
        screenshot(page, f"first-{role}-{width}")
        for title in task:
            open_from_menu(page, title, width)
            page.locator("h1").first.wait_for()
            assert_no_exception(page)
            screenshot(page, f"first-{role}-{width}-{title.lower().replace(' ', '-')}")
    finally:
        context.close()


def test_dark_mode_follows_the_browser(demo_server: str, browser: object) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, color_scheme="dark")  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(90_000)
    try:
        signed_in(page, demo_server, "coach", "fascia-coach")
        page.locator("h1").filter(has_text="Team today").first.wait_for()
        background = page.evaluate(  # type: ignore[attr-defined]
            "() => getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor"
        )
        red, green, blue = (int(v) for v in background.removeprefix("rgb(").removesuffix(")").split(",")[:3])
        assert red + green + blue < 3 * 80, f"a dark background, not {background}"
        screenshot(page, "first-coach-1400-dark")
    finally:
        context.close()


#: The pages offering the progress report, the account that opens each, and whether its copy is the athlete's.
REPORT_PAGES = {"Athlete progress": ("therapist", False), "My recovery": ("athlete", True)}


@pytest.mark.parametrize("title", list(REPORT_PAGES))
def test_the_progress_report_is_made_when_its_button_is_clicked(demo_server: str, browser: object, title: str) -> None:
    """The pages read the report only when the download is asked for, in the server's own thread for it
    (outside any run of the page): the file arrives, whole, for the page's athlete and dates."""
    role, athletes_copy = REPORT_PAGES[title]
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(90_000)
    try:
        signed_in(page, demo_server, role, ROLES[role][0])
        open_from_menu(page, title, 1400)
        assert_no_exception(page)
        with page.expect_download() as download:
            page.get_by_role("button", name="Download progress report (HTML)").click()
        made = Path(download.value.path()).read_text(encoding="utf-8")
    finally:
        context.close()
    assert download.value.suggested_filename.startswith("progress-")
    assert "Progress report — " in made
    assert ("athlete copy, without clinical notes" in made) == athletes_copy
    for section in ("summary", "pain", "rom", "episodes"):
        assert f'<section id="{section}">' in made


@pytest.fixture
def fresh_demo_server(tmp_path: Path) -> Iterator[str]:
    """A server just started, on an empty database it may fill with the demo: nobody has opened a page yet."""
    yield from serve(f"sqlite:///{tmp_path / 'fresh.db'}", tmp_path / "streamlit.log", demo=True)


def test_the_first_page_after_a_start_says_it_is_starting(fresh_demo_server: str, browser: object) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(90_000)
    try:
        started = time.monotonic()
        page.goto(fresh_demo_server)
        page.get_by_text(MESSAGE).wait_for()
        message = time.monotonic() - started
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "first-page-starting.png"))
        # Streamlit's own list of the pages/ folder ("users teams", "first run") is not shown meanwhile.
        assert not page.locator("[data-testid='stSidebarNav']").count()
        assert not page.get_by_text("users teams").count()
        page.locator("h1").first.wait_for()
        heading = time.monotonic() - started
        wait_for_app(page)
        assert_no_exception(page)
        assert not page.get_by_text(MESSAGE).count(), "the message goes once the page has run"
        screenshot(page, "first-page-after-start")
    finally:
        context.close()
    measured = {"message_seconds": round(message, 2), "first_heading_seconds": round(heading, 2)}
    (ARTIFACTS / "first-page.json").write_text(json.dumps(measured, indent=2))
    assert message < heading


def test_the_coach_board_reads_without_colour(demo_server: str, browser: object) -> None:
    """Under a deuteranopia simulation red and green look alike: the board says availability with a shape
    and a word, and the flag groups say their level in words beside an icon."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(90_000)
    try:
        signed_in(page, demo_server, "coach", "fascia-coach")
        page.get_by_role("heading", name="Squad readiness").wait_for()
        groups = page.locator("[data-testid='stExpander'] summary")
        labels = [groups.nth(i).inner_text() for i in range(groups.count())]
        assert labels and all(re.search(r"(Red|Amber): ", label) for label in labels), labels
        page.evaluate(
            """matrix => {
                const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
                svg.setAttribute('style', 'position:absolute;width:0;height:0');
                svg.innerHTML = `<filter id="deuteranopia"><feColorMatrix type="matrix" values="${matrix}"/></filter>`;
                document.body.appendChild(svg);
                document.querySelector('[data-testid=stMain]').style.filter = 'url(#deuteranopia)';
            }""",
            DEUTERANOPIA,
        )
        page.wait_for_timeout(500)
        # the window as it is (the board and the flags): a filter over a whole stretched page takes minutes to draw
        page.screenshot(path=str(ARTIFACTS / "first-coach-1400-deuteranopia.png"))
    finally:
        context.close()
