"""Each role's first screen and main task, in the browser at 1400 px and on a 390 px phone, as a new user
meets them (issue 14): the landing page answers the role's question without an error, and the screenshots
under test-results/first-*.png are the ones the closing note lists and a person looks at.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import PHONE, assert_no_exception, screenshot, wait_for_app

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

#: Per role: the account, the heading of its landing page, and the pages of its main task (menu titles).
ROLES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "coach": ("fascia-coach", "Team today", ("Team trends",)),
    "therapist": ("fascia-therapist", "Caseload", ("Athlete progress", "Log a session")),
    "admin": ("fascia-admin", "Overview", ("Audit log",)),
}
WIDTHS = (1400, 390)


def signed_in(page: object, url: str, username: str, password: str) -> None:
    page.goto(url)  # type: ignore[attr-defined]
    wait_for_app(page)
    page.get_by_label("Username").fill(username)  # type: ignore[attr-defined]
    page.get_by_label("Password", exact=True).fill(password)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Sign in").click()  # type: ignore[attr-defined]
    wait_for_app(page)


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
