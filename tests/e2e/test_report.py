"""The progress report opened in Chromium from a file with the network off: every chart renders from the
inline plotly.js, it prints to an A4 PDF, and the screen and print views are saved under test-results/."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import ARTIFACTS
from tests.factories import report_demo
from tests.hostile import TAG as HOSTILE
from ui import report

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

#: A4 less the report's @page margins (11 mm each side), in CSS pixels (96 per inch).
PRINT_WIDTH = round((210 - 22) / 25.4 * 96)


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, int]]:
    """The therapist's report of the demo athlete with the most sessions, written to a file, with the number
    of charts in it; the athlete's name is hostile HTML (it must show as text)."""
    folder = tmp_path_factory.mktemp("report-e2e")
    demo = report_demo(folder)
    athlete, printed, end = demo.athlete, demo.report, demo.end
    page = report.progress_report_html(
        {**athlete, "display_name": f"Ada {HOSTILE}"},
        printed,
        generated=dt.datetime(2026, 4, 1, 8, 0, tzinfo=dt.UTC),
        include_notes=True,
    )
    path = folder / report.report_file_name(athlete["external_id"], end)
    path.write_text(page, encoding="utf-8")
    yield path, page.count('class="plotly-graph-div"')


@pytest.fixture
def offline_page(browser: object) -> Iterator[object]:
    """A page whose context has the network off; any request that is not file:// is recorded and aborted."""
    context = browser.new_context(viewport={"width": 1100, "height": 1000}, offline=True)  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.requested = []  # type: ignore[attr-defined]

    def block(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if url.startswith("file://"):
            route.continue_()  # type: ignore[attr-defined]
        else:
            page.requested.append(url)  # type: ignore[attr-defined]
            route.abort()  # type: ignore[attr-defined]

    context.route("**/*", block)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.dialogs = dialogs  # type: ignore[attr-defined]
    yield page
    context.close()


def test_report_renders_offline_and_prints_to_pdf(report_file: tuple[Path, int], offline_page: object) -> None:
    path, charts = report_file
    page = offline_page
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))  # type: ignore[attr-defined]
    page.goto(path.as_uri())  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {charts}"
    )
    assert charts >= 3
    assert page.locator(".js-plotly-plot").count() == charts  # type: ignore[attr-defined]
    assert not errors, errors
    assert not page.requested, page.requested  # type: ignore[attr-defined]
    assert not page.dialogs  # the hostile name ran nothing  # type: ignore[attr-defined]
    assert HOSTILE in page.locator("h1").inner_text()  # type: ignore[attr-defined]
    assert page.locator("main img").count() == 0  # type: ignore[attr-defined]
    for heading in ("Summary", "Pain course", "Sessions and their response", "Injury episodes and recurrence"):
        assert page.get_by_role("heading", name=heading).count() == 1  # type: ignore[attr-defined]

    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "report.html").write_bytes(path.read_bytes())
    page.screenshot(path=str(ARTIFACTS / "report-screen.png"), full_page=True)  # type: ignore[attr-defined]

    page.set_viewport_size({"width": PRINT_WIDTH, "height": 1000})  # type: ignore[attr-defined]
    page.emulate_media(media="print")  # type: ignore[attr-defined]
    page.wait_for_timeout(600)  # type: ignore[attr-defined]  # plotly's responsive resize
    assert page.locator(".modebar-container:visible").count() == 0  # type: ignore[attr-defined]
    widest = page.evaluate(  # type: ignore[attr-defined]
        "Math.max(...[...document.querySelectorAll('main *:not(svg *)')].map(e => e.getBoundingClientRect().right))"
    )
    assert widest <= PRINT_WIDTH + 1, f"something is {widest:.0f}px wide on a {PRINT_WIDTH}px A4 page"
    page.screenshot(path=str(ARTIFACTS / "report-print.png"), full_page=True)  # type: ignore[attr-defined]

    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)  # type: ignore[attr-defined]
    (ARTIFACTS / "report.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert pages >= 1
