"""A new user's first minutes in a real browser: first run, load the demo, sign in as each role."""

from __future__ import annotations

import pytest

from data.demo import DEMO_ACCOUNTS
from tests.e2e.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.e2e


def sign_in(page: object, username: str, password: str) -> None:
    page.get_by_label("Username").fill(username)  # type: ignore[attr-defined]
    page.get_by_label("Password", exact=True).fill(password)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Sign in").click()  # type: ignore[attr-defined]
    wait_for_app(page)


def test_first_run_demo_and_every_role(app_server: str, page: object) -> None:
    page.goto(app_server)  # type: ignore[attr-defined]
    wait_for_app(page)
    assert page.get_by_text("Welcome to Fascia").is_visible()  # type: ignore[attr-defined]
    screenshot(page, "01-first-run")

    page.get_by_role("button", name="Load the demo team").click()  # type: ignore[attr-defined]
    page.get_by_text("Sign in to Fascia").wait_for(timeout=180_000)  # type: ignore[attr-defined]
    wait_for_app(page)
    assert page.get_by_text("The demo teams are loaded").is_visible()  # type: ignore[attr-defined]
    screenshot(page, "02-demo-loaded")

    sign_in(page, DEMO_ACCOUNTS[0][0], "wrong-password")
    assert page.get_by_text("Wrong username or password.").is_visible()  # type: ignore[attr-defined]

    for username, role, password in DEMO_ACCOUNTS:
        sign_in(page, username, password)
        page.get_by_text(f"({role})").first.wait_for()  # type: ignore[attr-defined]
        assert page.get_by_text("Check-ins").first.is_visible()  # type: ignore[attr-defined]
        screenshot(page, f"03-{role}-landing")
        page.get_by_role("button", name="Sign out").click()  # type: ignore[attr-defined]
        page.get_by_text("Sign in to Fascia").wait_for()  # type: ignore[attr-defined]
        wait_for_app(page)
