"""A real `streamlit run dashboard.py` on localhost, and Debian's Chromium driven by playwright.

Waiting follows Streamlit's own e2e suite: `/_stcore/health`, then the app's
`stApp` element in script state `notRunning`.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from data.db import ROOT
from tests.conftest import in_ci

CHROMIUM = Path(os.environ.get("FASCIA_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = ROOT / "test-results"
#: A phone as the browser context sees it: a 390 px wide touch screen with a phone's user agent (Streamlit
#: decides from the user agent that it runs on a phone, e.g. to close the menu once a page is chosen).
PHONE: dict[str, object] = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Mobile Safari/537.36"
    ),
}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(database_url: str, log_path: Path, demo: bool = False) -> Iterator[str]:
    """`streamlit run dashboard.py` on a free localhost port against `database_url`; yields its URL. `demo`:
    the server may load the demo on an empty database (`FASCIA_DEMO=1`, as the README's try-out command)."""
    port = free_port()
    env = os.environ | {"DATABASE_URL": database_url} | ({"FASCIA_DEMO": "1"} if demo else {})
    log = log_path.open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "dashboard.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail(f"streamlit did not become healthy: {log_path.read_text()[-2000:]}")
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture
def app_server(tmp_path: Path) -> Iterator[str]:
    """The dashboard on a fresh, empty SQLite file, allowed to load the demo (the README's try-out)."""
    yield from serve(f"sqlite:///{tmp_path / 'e2e.db'}", tmp_path / "streamlit.log", demo=True)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard on a SQLite file holding the default demo, loaded by the CLI as a user would."""
    folder = tmp_path_factory.mktemp("e2e-demo")
    url = f"sqlite:///{folder / 'demo.db'}"
    loaded = subprocess.run(
        [sys.executable, "-m", "data", "demo"],
        cwd=ROOT,
        env=os.environ | {"DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert loaded.returncode == 0, loaded.stderr
    yield from serve(url, folder / "streamlit.log")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium under playwright; a failure under CI=true, a skip elsewhere, when missing."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (.ci/run installs Debian's chromium)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def wait_for_app(page: object) -> None:
    """Wait until the script has finished running (Streamlit's own e2e convention), twice a little
    apart so that a rerun started by the script itself (st.rerun) is waited for too."""
    for _ in range(2):
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")  # type: ignore[attr-defined]
        page.wait_for_timeout(400)  # type: ignore[attr-defined]


def submit_sign_in(page: object, username: str, password: str) -> None:
    """Type `username` and `password` into the sign-in form and press Sign in."""
    page.get_by_label("Username").fill(username)  # type: ignore[attr-defined]
    page.get_by_label("Password", exact=True).fill(password)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Sign in").click()  # type: ignore[attr-defined]


def sign_in(page: object, username: str, password: str) -> None:
    """Sign in and wait until the signed-in page has replaced the form.

    Waiting for the script state alone raced a slow submit on a loaded machine (CI, stop 25): the form
    was still on screen when the test looked. The form's heading going away is the signal: every copy of
    it, since Streamlit keeps the stale one on screen beside the new while a run redraws the page.
    """
    from playwright.sync_api import expect

    submit_sign_in(page, username, password)
    form_heading = page.locator("h1", has_text="Sign in to Fascia")  # type: ignore[attr-defined]
    expect(form_heading).to_have_count(0, timeout=60_000)
    wait_for_app(page)


def assert_no_exception(page: object) -> None:
    """Fail on any Streamlit exception box on the page."""
    boxes = page.locator("[data-testid='stException']")  # type: ignore[attr-defined]
    if boxes.count():
        pytest.fail(f"exception on {page.url}: {boxes.first.inner_text()[:1500]}")  # type: ignore[attr-defined]


def screenshot(page: object, name: str) -> Path:
    """A screenshot of the whole page under test-results/ (git-ignored).

    Streamlit scrolls inside its main container, so the window is stretched to the content's
    height for the shot and put back afterwards.
    """
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    viewport = page.viewport_size  # type: ignore[attr-defined]
    height = page.evaluate(  # type: ignore[attr-defined]
        "() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], [data-testid=stSidebarContent]')]"
        ".map(e => e.scrollHeight), document.body.scrollHeight)"
    )
    page.set_viewport_size({"width": viewport["width"], "height": min(max(int(height), viewport["height"]), 16000)})  # type: ignore[attr-defined]
    page.wait_for_timeout(500)  # type: ignore[attr-defined]
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    page.set_viewport_size(viewport)  # type: ignore[attr-defined]
    return path
