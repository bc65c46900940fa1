"""Import and export (admin) and Export data (coach, therapist, athlete) under AppTest.

Here: who reaches which page, what the admin page offers, that the export each page builds is the user's
scope, and that an uploaded file is imported off the page's thread with its result shown after reruns
(the browser side of uploads is in tests/e2e/test_data_io.py).
"""

from __future__ import annotations

import io
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from data import queries
from data.access import viewer
from data.dates import DateOrder
from data.db import ROOT, make_engine
from data.imports import KINDS
from data.models import Athlete, PainReport, User
from tests.app.conftest import reload
from ui import background, transfer

StartApp = Callable[[str], AppTest]
DATA_IO = "pages/data_io.py"
EXPORT = "pages/export.py"


def user_ids(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with engine.connect() as connection:
        found = dict(connection.execute(select(User.username, User.id)).all())
    engine.dispose()
    return found


def open_as(app_at: StartApp, url: str, username: str, page: str) -> AppTest:
    st.cache_data.clear()
    at = app_at(url)
    at.session_state["user_id"] = user_ids(url)[username]
    return at.run().switch_page(page).run()


def download_buttons(at: AppTest) -> dict[str, str]:
    return {button.key: button.label for button in at.get("download_button")}


def test_the_admin_page_offers_imports_templates_and_the_export(app_at: StartApp, demo_url: str) -> None:
    at = open_as(app_at, demo_url, "admin", DATA_IO)
    assert not at.exception
    assert [t.value for t in at.title] == ["Import and export"]
    assert [t.label for t in at.tabs] == ["Import records", "Import PMSys / PMData", "Export"]
    assert len(at.get("file_uploader")) == 2
    buttons = download_buttons(at)
    assert buttons == {"template_athletes": "Download template", "export_download": "Download the export"}
    assert at.button(key="records_import").disabled and at.button(key="pmsys_import").disabled  # no file yet
    assert at.text_input(key="pmsys_team").value == "PMData"
    assert at.selectbox(key="pmsys_timezone").value == "UTC"
    dates = at.radio(key="records_date_order")  # other date forms are refused until an order is chosen
    assert dates.label == "Dates written" and dates.value == DateOrder.NONE
    assert dates.options == ["YYYY-MM-DD only", "Day first (31/12/2025)", "Month first (12/31/2025)"]
    assert at.checkbox(key="records_decimal_comma").value is False
    assert at.radio(key="export_what").options == ["Every table", "One team", "One athlete"]
    assert (
        "Clinical notes (therapy sessions, injuries) are included" in at.caption[-2].value
    )  # the last caption lists the abbreviations (ui.glossary)

    for kind in KINDS[1:]:
        at.selectbox(key="records_kind").set_value(kind)
        at = at.run()
        assert download_buttons(at).get(f"template_{kind}") == "Download template", kind
    at.selectbox(key="records_kind").set_value("pain_reports")
    at = at.run()
    assert any(c.value.endswith("`athlete_external_id`, `date`, `body_region`, `side`, `pain`") for c in at.caption)

    at.radio(key="export_what").set_value("One athlete").run()
    assert not at.exception
    assert len(at.selectbox(key="export_athlete").options) == 12
    at.checkbox(key="records_create").check().run()
    assert at.text_input(key="records_team").label == "Team the new athletes join"


@pytest.mark.parametrize("username", ["coach", "therapist", "athlete"])
def test_staff_and_athletes_cannot_open_the_import_page(app_at: StartApp, demo_url: str, username: str) -> None:
    st.cache_data.clear()
    at = app_at(demo_url)
    at.session_state["user_id"] = user_ids(demo_url)[username]
    at = reload(at)
    assert [t.value for t in at.title]  # the role's landing page
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(DATA_IO)
    # and the page itself refuses them, should it ever be reached
    direct = AppTest.from_file(str(ROOT / DATA_IO), default_timeout=60)
    direct.session_state["user_id"] = user_ids(demo_url)[username]
    direct = direct.run()
    assert not direct.exception
    assert [w.value for w in direct.warning] == ["This page is not open to you. Go to Fascia's start page and sign in."]
    assert not direct.get("file_uploader") and not direct.get("download_button")


def test_the_admin_has_no_separate_export_page(app_at: StartApp, demo_url: str) -> None:
    at = app_at(demo_url)
    at.session_state["user_id"] = user_ids(demo_url)["admin"]
    at = reload(at)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(EXPORT)


@pytest.mark.parametrize(
    ("username", "title", "notes"),
    [
        ("coach", "Export data", "Clinical notes are left out"),
        ("therapist", "Export data", "Clinical notes (therapy sessions, injuries) are included"),
    ],
)
def test_staff_export_their_teams(app_at: StartApp, demo_url: str, username: str, title: str, notes: str) -> None:
    at = open_as(app_at, demo_url, username, EXPORT)
    assert not at.exception
    assert [t.value for t in at.title] == [title]
    assert at.radio(key="export_what").options == ["All my teams", "One team", "One athlete"]
    assert download_buttons(at) == {"export_download": "Download the export"}
    assert notes in at.caption[-2].value  # the last caption lists the abbreviations (ui.glossary)
    engine = make_engine(demo_url)
    who = viewer(engine, user_ids(demo_url)[username])
    assert who is not None
    at.radio(key="export_what").set_value("One team").run()
    assert sorted(at.selectbox(key="export_team").options) == sorted(queries.teams(engine, who.team_ids)["name"])
    scope = transfer.export_scope(engine, who)
    assert scope.include_notes == (username == "therapist")
    engine.dispose()


def test_the_athlete_downloads_only_their_own_rows(app_at: StartApp, demo_url: str, tmp_path: Path) -> None:
    at = open_as(app_at, demo_url, "athlete", EXPORT)
    assert not at.exception
    assert [t.value for t in at.title] == ["Download my data"]
    assert download_buttons(at) == {"export_download": "Download my data"}
    assert not at.get("radio") and not at.selectbox  # no choice of whom to export
    assert "your own records only" in at.caption[-2].value  # the last caption lists the abbreviations (ui.glossary)

    copy = tmp_path / "copy.db"  # building the export writes an audit entry: use a copy
    copy.write_bytes(Path(demo_url.removeprefix("sqlite:///")).read_bytes())
    engine = make_engine(f"sqlite:///{copy}")
    who = viewer(engine, user_ids(demo_url)["athlete"])
    assert who is not None and who.athlete_id is not None
    with engine.connect() as connection:
        mine = connection.scalar(select(Athlete.external_id).where(Athlete.id == who.athlete_id))
        others = connection.scalars(select(Athlete.id).where(Athlete.id != who.athlete_id)).all()
    scope = transfer.export_scope(engine, who, athlete_id=others[0])  # what the page builds, asking for another
    data = transfer.build_export(engine, who, scope, "csv")
    engine.dispose()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {
            Path(name).stem: pd.read_csv(archive.open(name), dtype=str, keep_default_na=False)
            for name in archive.namelist()
        }
    assert sorted(files) == sorted(KINDS)
    assert list(files["athletes"]["external_id"]) == [mine]
    rows = 0
    for kind, frame in files.items():
        if kind != "athletes":
            assert set(frame["athlete_external_id"]) <= {mine}, kind
            rows += len(frame)
    assert rows > 100
    assert (files["therapy_sessions"]["notes"] == "").all()


@pytest.fixture
def fresh_jobs() -> Iterator[None]:
    """The process's import registry emptied before and after: tests share one admin user id."""
    background.jobs.clear()
    yield
    background.jobs.clear()


def until(at: AppTest, done: Callable[[AppTest], bool], seconds: float = 60) -> AppTest:
    """Rerun `at` (as the page's polling fragment does) until `done(at)` or `seconds` have passed."""
    deadline = time.monotonic() + seconds
    while not done(at):
        assert time.monotonic() < deadline, [e.value for e in at.error] + [p.proto.text for p in at.get("progress")]
        time.sleep(0.2)
        at = at.run()
    return at


def test_an_upload_imports_off_the_page_thread_and_its_result_shows(
    app_at: StartApp, own_url: str, fresh_jobs: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(background, "INLINE_BYTES", 0)  # every upload goes to the pool, as a large one does
    engine = make_engine(own_url)
    with engine.connect() as connection:
        known = connection.scalar(select(Athlete.external_id).order_by(Athlete.id))
        before = connection.scalar(select(func.count()).select_from(PainReport))
    rows = "".join(f"{known},2001-0{1 + day // 28}-{1 + day % 28:02d},knee,left,3\n" for day in range(40))
    at = open_as(app_at, own_url, "admin", DATA_IO)
    at.selectbox(key="records_kind").set_value("pain_reports").run()
    at.file_uploader(key="records_file").set_value(
        ("pain.csv", f"athlete_external_id,date,body_region,side,pain\n{rows}".encode(), "text/csv")
    )
    at = at.run()
    go = threading.Event()
    background.jobs().start(-1, "records", "someone-else.csv", lambda progress: go.wait(30))  # holds the pool
    at = at.button(key="records_import").click().run()
    assert not at.exception and not at.success
    (bar,) = at.get("progress")  # queued behind the other import; the page polls
    assert bar.proto.text == "pain\\.csv: waiting for another import to finish…"
    assert at.button(key="records_import").disabled  # one import at a time per user
    go.set()
    at = until(at, lambda at: bool(at.success))
    assert [s.value for s in at.success] == [
        "Imported pain\\.csv: 40 rows of pain reports. 40 inserted, 0 updated, 0 unchanged."
    ]
    assert not at.get("progress")
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(PainReport)) == before + 40
    # a rerun, and a second tab of the same user, still see the result (the registry, not session state)
    other = open_as(app_at, own_url, "admin", DATA_IO)
    assert [s.value for s in other.success] == [s.value for s in at.success]

    # a refused file: nothing written, every problem listed, through the same worker
    at.file_uploader(key="records_file").set_value(
        (
            "bad.csv",
            f"athlete_external_id,date,body_region,side,pain\n{known},2001-01-01,knee,up,11\n".encode(),
            "text/csv",
        )
    )
    at = at.run()
    at = at.button(key="records_import").click().run()
    at = until(at, lambda at: bool(at.error))
    assert at.error[0].value.startswith("Nothing was imported: bad\\.csv has 2 problems in 1 row.")
    assert not at.success
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(PainReport)) == before + 40
    engine.dispose()


def test_a_small_upload_is_imported_inline(app_at: StartApp, own_url: str, fresh_jobs: None) -> None:
    at = open_as(app_at, own_url, "admin", DATA_IO)
    at.file_uploader(key="records_file").set_value(
        ("one.csv", b"external_id,display_name,team\nNEW-9,New Nine,Inline\n", "text/csv")
    )
    at = at.run()
    at = at.button(key="records_import").click().run()  # the result in the same run: no polling
    assert not at.exception and not at.get("progress")
    assert [s.value for s in at.success] == [
        "Imported one\\.csv: 1 row of athletes. 1 inserted, 0 updated, 0 unchanged."
    ]
