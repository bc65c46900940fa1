"""*Flag performance* in Chromium at 1400 px (issue 16): a therapist opens it from the menu on the default
demo, the chart and the tables draw without an error, a preview of a higher wellness-drop threshold shows, and the screenshots
test-results/flag-performance-1400.png and flag-performance-preview-1400.png are saved for a person to look at."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_no_exception, screenshot, sign_in, wait_for_app

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_a_therapist_opens_flag_performance_and_previews_rules(demo_server: str, browser: object) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(90_000)
    try:
        page.goto(demo_server)
        wait_for_app(page)
        sign_in(page, "therapist", "fascia-therapist")
        page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Flag performance").click()
        wait_for_app(page)
        page.locator("h1").filter(has_text="Flag performance").first.wait_for()
        page.locator(".js-plotly-plot").first.wait_for()
        assert_no_exception(page)
        assert page.get_by_text("not a prediction", exact=False).count() >= 1
        screenshot(page, "flag-performance-1400")
        threshold = "Wellness drop: wellness total below the athlete's usual by at least (SD)"
        page.get_by_label(threshold, exact=True).fill("2.0")
        page.get_by_role("button", name="Preview on this team's history").click()
        wait_for_app(page)
        page.get_by_text("against the new values", exact=False).first.wait_for()
        assert_no_exception(page)
        screenshot(page, "flag-performance-preview-1400")
    finally:
        context.close()
