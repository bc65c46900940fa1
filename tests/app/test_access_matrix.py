"""The access matrix: every account × every page × every record type, plus tampering.

The app runs in this process (AppTest), so the test watches what the data layer HANDS to the pages:
every cached loader of `ui/loaders.py` (what a page receives, cached or not), every function of
`data/scoped.py` and any `data.queries` function called from outside `data/` is wrapped to record
what it returns. Each case then checks every recorded frame and everything the page rendered:
- rows: an `athlete_id` outside the account's scope never appears (the scope is worked out from the
  organisation `build_org` made, not from `data.access`), nor a `team_id` of a team it may not see;
- fields: for coaches and athletes no `notes`/`note` column, and the clinical marker text planted in
  every note is in no frame and nowhere on the page (tables, charts, text);
- names: no athlete outside the scope is named anywhere on the page.

Cases (parametrised from `ui.menu.MENUS`, so new pages join automatically):
- `menu`: each account opens each page of its role's menu;
- `url`: each account asks for each page NOT in its menu (and the first-run page) by URL, both by its
  menu URL and by its file name, the URL Streamlit gives a script in a `pages/` folder while it runs
  in its old "pages directory" mode (AppTest runs every run in that mode; a real server does until the
  process first runs `st.navigation`): the app must either fall back to the landing page, or the page
  must read nothing and draw no data (and the first-run form is never offered once users exist);
- `state`: an athlete outside the scope planted in session state under the athlete picker's key;
- `param`: the same athlete as `?athlete=` in the URL;
- `anonymous`: nobody signed in asks for every page, by both URLs: no data read, nothing drawn but the
  sign-in page, no traceback.
The count and the result go to test-results/reliability.json under "access_matrix" (docs/RELIABILITY.md).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

import data.queries
import data.scoped
import ui.loaders
from data.db import make_engine
from data.schema import upgrade
from tests.app.conftest import APP, TIMEOUT
from tests.factories import CLINICAL, NOTE_MARKER, Org, build_org
from tests.reliability import record_figures
from ui.filters import ATHLETE_KEY, ATHLETE_PARAM
from ui.menu import CHECKIN, MENUS, PageSpec, landing

#: Every account on every page, by menu, URL and tampering: outside the quick loop; CI runs it.
pytestmark = pytest.mark.slow

ROLE_OF = {
    "admin": "admin",
    "coach": "coach",
    "coach_b": "coach",
    "therapist": "therapist",
    "therapist_a": "therapist",
    "athlete": "athlete",
    "athlete_b": "athlete",
}
#: Every page any menu holds, once, in menu order.
PAGES: list[PageSpec] = list(
    dict.fromkeys(spec for sections in MENUS.values() for specs in sections.values() for spec in specs)
)
#: Pages no menu holds, asked for by URL too: the first-run screen (an admin account for anyone).
UNLISTED = [PageSpec("pages/first_run.py", "Welcome", "", "first_run")]
#: Pages that read no records at all (fixed text), so reading nothing is right for them.
STATIC = {"pages/glossary.py"}
NOWHERE = 999_999  # an athlete id that does not exist, for an admin's tampering (an admin sees everyone)
FIRST_RUN_BUTTONS = {"Load the demo team", "Create admin account"}
#: Elements that draw records: a page refused by URL must draw none of them.
DATA_ELEMENTS = ("dataframe", "table", "metric", "plotly_chart", "arrow_vega_lite_chart", "download_button")


def menu_of(account: str) -> list[PageSpec]:
    return [spec for specs in MENUS[ROLE_OF[account]].values() for spec in specs]


def build_cases() -> list[tuple[str, str, str]]:
    cases = []
    for account in ROLE_OF:
        for spec in [*PAGES, *UNLISTED]:
            cases.append((account, spec.path, "menu" if spec in menu_of(account) else "url"))
        for spec in menu_of(account):
            cases += [(account, spec.path, "state"), (account, spec.path, "param")]
    cases += [("anonymous", spec.path, "anonymous") for spec in [*PAGES, *UNLISTED]]
    return cases


CASES = build_cases()


@dataclass
class Tally:
    run: int = 0
    passed: int = 0
    frames: int = 0


TALLY = Tally()


@pytest.fixture(scope="module", autouse=True)
def report_matrix() -> Iterator[None]:
    """After the module: the matrix size and result into test-results/reliability.json, when every case ran."""
    yield
    if TALLY.run == len(CASES):
        record_figures("access_matrix", cases=len(CASES), passed=TALLY.passed, frames_checked=TALLY.frames)


@pytest.fixture(scope="module")
def org_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Org]]:
    """A SQLite organisation from `build_org` (three teams, seven accounts, planted notes).

    The loaders' cache is cleared once here: it is keyed by user, so each account's cached frames are
    reused across its cases, and the recorder sees them because it wraps the loaders themselves."""
    url = f"sqlite:///{tmp_path_factory.mktemp('access') / 'access.db'}"
    engine = make_engine(url)
    upgrade(engine)
    org = build_org(engine)
    engine.dispose()
    st.cache_data.clear()
    yield url, org
    st.cache_data.clear()


@dataclass
class Recorder:
    """What the data layer returned to the app during one run."""

    values: list[tuple[str, object]] = field(default_factory=list)
    direct: list[str] = field(default_factory=list)  # data.queries functions called from outside data/

    def clear(self) -> None:
        self.values.clear()
        self.direct.clear()

    def frames(self) -> Iterator[tuple[str, pd.DataFrame]]:
        def walk(name: str, value: object) -> Iterator[tuple[str, pd.DataFrame]]:
            if isinstance(value, pd.DataFrame):
                yield name, value
            elif isinstance(value, dict):
                for key, item in value.items():
                    yield from walk(f"{name}.{key}", item)
            elif isinstance(value, list | tuple):
                for item in value:
                    yield from walk(name, item)

        for name, value in self.values:
            yield from walk(name, value)


def _public_functions(module: object) -> dict[str, Callable[..., object]]:
    return {
        name: value
        for name, value in vars(module).items()
        if callable(value)
        and not name.startswith("_")
        and not isinstance(value, type)
        and getattr(value, "__module__", "") == module.__name__
    }


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    """Every loader's, every scoped function's and every direct (outside data/) `data.queries` answer."""
    seen = Recorder()

    def wrapper(label: str, function: Callable[..., object], direct_only: bool) -> Callable[..., object]:
        def recorded(*args: object, **kwargs: object) -> object:
            value = function(*args, **kwargs)
            if direct_only:
                caller = sys._getframe(1).f_globals.get("__name__", "")
                if caller.startswith("data."):
                    return value
                seen.direct.append(f"{caller} -> {label}")
            seen.values.append((label, value))
            return value

        return recorded

    for module, direct_only in ((ui.loaders, False), (data.scoped, False), (data.queries, True)):
        for name, function in _public_functions(module).items():
            if module is ui.loaders and name in ("clear", "ids"):
                continue
            label = f"{module.__name__.rsplit('.', 1)[-1]}.{name}"
            monkeypatch.setattr(module, name, wrapper(label, function, direct_only))
    return seen


def rendered(at: AppTest) -> bytes:
    """Every element the run drew (main and sidebar), serialised: tables' Arrow data, chart specs, text."""
    chunks: list[bytes] = []

    def walk(node: object) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "SerializeToString"):
            chunks.append(proto.SerializeToString())
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    walk(at.sidebar)
    return b"\n".join(chunks)


def drawn_data(at: AppTest) -> list[str]:
    """The kinds of data-drawing element on the page."""
    return [kind for kind in DATA_ELEMENTS if len(at.get(kind))]


def foreign_athlete(org: Org, account: str) -> int:
    """An athlete with records whom `account` may not see (a non-existent id for the admin)."""
    everyone = {a for ids in org.teams.values() for a in ids}
    outside = sorted(everyone - org.athletes_of(account))
    return outside[0] if outside else NOWHERE


def scope_of(org: Org, account: str) -> tuple[set[int], set[int]]:
    """The athletes and teams `account` may see (none when nobody is signed in)."""
    if account == "anonymous":
        return set(), set()
    return org.athletes_of(account), org.teams_of(account)


def check_frames(seen: Recorder, org: Org, account: str) -> int:
    """Assert every recorded frame stays in the account's rows and fields; the number of frames checked."""
    athletes, teams = scope_of(org, account)
    checked = 0
    for name, frame in seen.frames():
        checked += 1
        if "athlete_id" in frame.columns:
            got = set(frame["athlete_id"].dropna().astype(int))
            assert got <= athletes, f"{account} received athletes {sorted(got - athletes)} from {name}"
        if "team_id" in frame.columns:
            got = set(frame["team_id"].dropna().astype(int))
            assert got <= teams, f"{account} received teams {sorted(got - teams)} from {name}"
        if account not in CLINICAL:
            notes = [c for c in ("notes", "note") if c in frame.columns and frame[c].notna().any()]
            assert not notes, f"{account} received clinical {notes} from {name}"
            text = frame.select_dtypes(include=["object", "string"]).astype(str)
            assert not text.apply(lambda c: c.str.contains(NOTE_MARKER, regex=False)).any().any(), (
                f"{account} received a clinical note from {name}"
            )
    assert not seen.direct, f"pages read data.queries directly: {sorted(set(seen.direct))}"
    return checked


def check_page(at: AppTest, org: Org, account: str) -> None:
    """No traceback; nothing on the page names an athlete outside the scope, shows a clinical note to a
    coach or athlete, or offers the first-run form on a database that has users."""
    assert not at.exception, f"{account}: {[e.value for e in at.exception]}"
    page = rendered(at)
    outside = set(org.names) - scope_of(org, account)[0]
    named = [org.names[a] for a in sorted(outside) if org.names[a].encode() in page]
    assert not named, f"{account}'s page names athletes outside the scope: {named}"
    if account not in CLINICAL:
        assert NOTE_MARKER.encode() not in page, f"{account}'s page shows a clinical note"
    offered = FIRST_RUN_BUTTONS & {b.label for b in at.button}
    assert not offered, f"{account} is offered the first-run form ({offered}) on a database with users"


def run_by_url(at: AppTest, url_name: str) -> AppTest:
    """Run the app as a browser asking for /<url_name> (AppTest.switch_page refuses unregistered pages)."""
    at._page_hash = calc_hash(url_name)
    return at.run()


@pytest.mark.parametrize(("account", "path", "how"), CASES, ids=[f"{a}:{Path(p).stem}:{h}" for a, p, h in CASES])
def test_access_matrix(
    org_db: tuple[str, Org],
    recorder: Recorder,
    monkeypatch: pytest.MonkeyPatch,
    account: str,
    path: str,
    how: str,
) -> None:
    TALLY.run += 1
    url, org = org_db
    spec = next(s for s in [*PAGES, *UNLISTED] if s.path == path)
    monkeypatch.setenv("DATABASE_URL", url)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if how in ("anonymous", "url"):
        home = None if how == "anonymous" else landing(ROLE_OF[account])
        if home is not None:
            at.session_state["user_id"] = org.users[account]
        for url_name in dict.fromkeys((spec.url_path, Path(path).stem)):
            recorder.clear()
            run_by_url(at, url_name)
            check_page(at, org, account)
            TALLY.frames += check_frames(recorder, org, account)  # rows and fields first, wherever it landed
            # an athlete who has not checked in today lands on the check-in instead (dashboard.landing_path)
            homes = {home.url_path, CHECKIN.url_path} if home is not None and ROLE_OF[account] == "athlete" else set()
            homes |= {home.url_path} if home is not None else set()
            on_landing = any(at._finished_page_script_hash == calc_hash(h) for h in homes)
            if not on_landing:
                read = sorted({name for name, _ in recorder.values})
                assert not read, f"{account} asking for /{url_name} got a page that read {read}"
                assert not drawn_data(at), f"{account} asking for /{url_name} got a page drawing {drawn_data(at)}"
        TALLY.passed += 1
        return

    at.session_state["user_id"] = org.users[account]
    other = foreign_athlete(org, account)
    if how == "state":
        at.session_state[ATHLETE_KEY] = other
    elif how == "param":
        at.query_params[ATHLETE_PARAM] = str(other)
    run_by_url(at, spec.url_path)
    assert at._finished_page_script_hash == calc_hash(spec.url_path), f"{path} did not run for {account}"
    check_page(at, org, account)
    assert recorder.values or path in STATIC, f"{account} on {path} read nothing through ui/loaders.py"
    TALLY.frames += check_frames(recorder, org, account)
    # the scope picker (ui.filters.athlete_picker, remembered under ATHLETE_KEY, no widget key of its own),
    # not a form's athlete field such as the admin's new-account or erase form
    pickers = [box for box in at.selectbox if box.label == "Athlete" and box.key is None]
    if how in ("state", "param") and pickers:
        assert all(box.value in org.athletes_of(account) for box in pickers), "the picker shows an athlete out of scope"
        assert at.session_state[ATHLETE_KEY] in org.athletes_of(account), "the picker kept an athlete out of scope"
    TALLY.passed += 1


def test_a_link_to_an_athlete_in_scope_picks_them_once(
    org_db: tuple[str, Org], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`?athlete=<id>` in the scope selects that athlete and is then dropped from the URL, so the
    user's own later choice is not overridden."""
    url, org = org_db
    monkeypatch.setenv("DATABASE_URL", url)
    mine = sorted(org.athletes_of("therapist_a"))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["user_id"] = org.users["therapist_a"]
    at.query_params[ATHLETE_PARAM] = str(mine[-1])
    run_by_url(at, "progress")
    assert not at.exception
    picker = next(box for box in at.selectbox if box.label == "Athlete")
    assert picker.value == mine[-1]
    assert ATHLETE_PARAM not in at.query_params
    at = picker.select(mine[0]).run()
    assert next(box for box in at.selectbox if box.label == "Athlete").value == mine[0]
