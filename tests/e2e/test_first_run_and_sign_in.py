"""A new user's first minutes in a real browser: first run, load the demo, sign in, every page of every role."""

from __future__ import annotations

import pytest

from data.demo import DEMO_ACCOUNTS
from tests.e2e.conftest import assert_no_exception, screenshot, sign_in, submit_sign_in, wait_for_app
from ui.menu import MENUS

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_first_run_loads_the_demo_and_refuses_a_wrong_password(app_server: str, page: object) -> None:
    page.goto(app_server)  # type: ignore[attr-defined]
    wait_for_app(page)
    page.get_by_text("Welcome to Fascia").wait_for()  # type: ignore[attr-defined]
    screenshot(page, "00-first-run")

    page.get_by_role("button", name="Load the demo team").click()  # type: ignore[attr-defined]
    page.get_by_text("The demo teams are loaded").wait_for(timeout=180_000)  # type: ignore[attr-defined]
    wait_for_app(page)
    screenshot(page, "00-demo-loaded")

    submit_sign_in(page, DEMO_ACCOUNTS[0][0], "wrong-password")
    page.get_by_text("Wrong username or password.").wait_for()  # type: ignore[attr-defined]
    assert_no_exception(page)


@pytest.mark.parametrize(("username", "role", "password"), DEMO_ACCOUNTS, ids=[a[1] for a in DEMO_ACCOUNTS])
def test_every_page_of_each_role(demo_server: str, page: object, username: str, role: str, password: str) -> None:
    page.goto(demo_server)  # type: ignore[attr-defined]
    wait_for_app(page)
    sign_in(page, username, password)
    page.get_by_text(f"({role})").first.wait_for()  # type: ignore[attr-defined]
    nav = page.locator("[data-testid='stSidebarNav']")  # type: ignore[attr-defined]
    specs = [spec for section in MENUS[role].values() for spec in section]
    if len(specs) > 1:
        nav.locator("a").nth(len(specs) - 1).wait_for()
        titles = nav.locator("a").all_inner_texts()
        assert [t.strip().splitlines()[-1] for t in titles] == [spec.title for spec in specs]  # after the icon
    for number, spec in enumerate(specs, start=1):
        if len(specs) > 1:
            nav.get_by_role("link", name=spec.title).click()
            wait_for_app(page)
        page.locator("h1").first.wait_for()  # type: ignore[attr-defined]
        assert_no_exception(page)
        screenshot(page, f"{role}-{number:02d}-{spec.url_path}")

    page.get_by_role("button", name="Sign out").click()  # type: ignore[attr-defined]
    page.get_by_text("Sign in to Fascia").wait_for()  # type: ignore[attr-defined]
