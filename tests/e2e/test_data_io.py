"""Import and export in a real browser: a PMSys .zip uploaded twice, a CSV with bad rows refused whole,
unknown athletes created on request, the export downloaded, and a large CSV imported off the page's thread
with its progress shown while the server keeps answering; the database checked after each step."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from data.db import make_engine
from data.demo import load_demo
from data.models import Athlete, PainReport, TrainingSession, WellnessCheckin
from data.pmsys import import_pmsys
from data.schema import upgrade
from tests.conftest import REFERENCE, in_ci
from tests.e2e.conftest import assert_no_exception, screenshot, serve, sign_in, wait_for_app

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PMDATA = REFERENCE / "pmdata"
PARTICIPANTS = ("p01", "p02", "p03")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Engine]]:
    """The dashboard on a small demo database of its own, and an engine on that database."""
    folder = tmp_path_factory.mktemp("e2e-data-io")
    url = f"sqlite:///{folder / 'demo.db'}"
    engine = make_engine(url)
    upgrade(engine)
    load_demo(engine, athletes=8, days=40, seed=5)
    for address in serve(url, folder / "streamlit.log"):
        yield address, engine
    engine.dispose()


def count(engine: Engine, model: type, *where: object) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(model).where(*where)))


def open_data_page(page: object, address: str) -> None:
    page.goto(address)  # type: ignore[attr-defined]
    wait_for_app(page)
    sign_in(page, "admin", "fascia-admin")
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Import and export").click()  # type: ignore[attr-defined]
    wait_for_app(page)
    page.get_by_role("heading", name="Import and export").wait_for()  # type: ignore[attr-defined]


def uploader(page: object, label: str) -> object:
    widget = page.locator("[data-testid='stFileUploader']").filter(has_text=label)  # type: ignore[attr-defined]
    return widget.locator("input[type='file']")


def upload(page: object, label: str, path: Path) -> None:
    uploader(page, label).set_input_files(str(path))  # type: ignore[attr-defined]
    page.get_by_text(path.name).first.wait_for()  # type: ignore[attr-defined]
    wait_for_app(page)


def pick_kind(page: object, label: str) -> None:
    page.get_by_label("Kind of record").click()  # type: ignore[attr-defined]
    page.get_by_role("option", name=label, exact=True).click()  # type: ignore[attr-defined]
    wait_for_app(page)


@pytest.fixture
def small_pmdata(tmp_path: Path) -> Path:
    """A .zip of three PMData participants inside a top-level folder, as a user zips a folder."""
    if not PMDATA.is_dir():
        message = f"the PMData reference folder is not at {PMDATA} (CI has it)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    folder = tmp_path / "pmdata"
    for pid in PARTICIPANTS:
        shutil.copytree(PMDATA / pid, folder / pid)
    path = tmp_path / "pmdata-small.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member in sorted(folder.rglob("*")):
            archive.write(member, member.relative_to(tmp_path).as_posix())
    return path


def test_a_pmsys_zip_uploads_twice_into_the_same_rows(
    site: tuple[str, Engine], page: object, small_pmdata: Path, tmp_path: Path
) -> None:
    address, engine = site
    expected = make_engine(f"sqlite:///{tmp_path / 'expected.db'}")
    upgrade(expected)
    import_pmsys(expected, small_pmdata.parent / "pmdata", team="PMData")
    ours = Athlete.external_id.in_(PARTICIPANTS)
    mine = select(Athlete.id).where(ours).scalar_subquery()
    want = {
        model: count(expected, model, model.athlete_id.in_(select(Athlete.id).where(ours).scalar_subquery()))
        for model in (WellnessCheckin, PainReport, TrainingSession)
    }
    expected.dispose()
    assert want[WellnessCheckin] > 100

    open_data_page(page, address)
    page.get_by_role("tab", name="Import PMSys / PMData").click()  # type: ignore[attr-defined]
    for attempt in (1, 2):
        upload(page, "PMSys .zip", small_pmdata)
        page.get_by_role("button", name="Import PMSys data").click()  # type: ignore[attr-defined]
        page.get_by_text(f"Imported {small_pmdata.name}: 3 participants").wait_for()  # type: ignore[attr-defined]
        wait_for_app(page)
        assert_no_exception(page)
        screenshot(page, f"data-io-pmsys-{attempt}")
        created = "3 athletes created, 0 matched" if attempt == 1 else "0 athletes created, 3 matched"
        page.get_by_text(created).wait_for()  # type: ignore[attr-defined]
        assert count(engine, Athlete, ours) == 3
        got = {model: count(engine, model, model.athlete_id.in_(mine)) for model in want}
        assert got == want, attempt


def test_a_csv_with_bad_rows_is_refused_whole_then_unknown_athletes_are_created(
    site: tuple[str, Engine], page: object, tmp_path: Path
) -> None:
    address, engine = site
    with engine.connect() as connection:
        known = connection.scalar(select(Athlete.external_id).order_by(Athlete.id))
    bad = tmp_path / "pain-bad.csv"
    bad.write_text(
        "athlete_external_id,date,body_region,side,pain\n"
        f"{known},2001-01-01,knee,left,3\n"
        f"{known},2001-01-02,knee,up,11\n"
        "NEW-1,2001-01-02,elbow,left,2\n"
        f"{known},2001-01-03,shin,left,4\n"
    )
    before = count(engine, PainReport)
    athletes = count(engine, Athlete)

    open_data_page(page, address)
    pick_kind(page, "Pain reports")
    upload(page, "File to import", bad)
    page.get_by_role("button", name="Import", exact=True).click()  # type: ignore[attr-defined]
    page.get_by_text("Nothing was imported: pain-bad.csv has 4 problems in 3 rows").wait_for()  # type: ignore[attr-defined]
    wait_for_app(page)
    assert_no_exception(page)
    grid = page.locator("[data-testid='stDataFrame']").first  # type: ignore[attr-defined]
    grid.wait_for()
    screenshot(page, "data-io-csv-refused")
    page.get_by_text("1 athlete not on file yet.").wait_for()  # type: ignore[attr-defined]
    assert count(engine, PainReport) == before and count(engine, Athlete) == athletes  # nothing written

    good = tmp_path / "pain-new.csv"
    good.write_text("athlete_external_id,date,body_region,side,pain\nNEW-1,2001-01-02,elbow,left,2\n")
    uploader(page, "File to import").set_input_files(str(good))  # type: ignore[attr-defined]
    page.get_by_text(good.name).first.wait_for()  # type: ignore[attr-defined]
    wait_for_app(page)
    assert page.get_by_text("athlete not on file yet").count() == 0  # type: ignore[attr-defined]  # the offer was pain-bad.csv's
    page.get_by_role("button", name="Import", exact=True).click()  # type: ignore[attr-defined]
    page.get_by_text("Nothing was imported: pain-new.csv has 1 problem in 1 row").wait_for()  # type: ignore[attr-defined]
    wait_for_app(page)
    page.get_by_role("button", name="Create this athlete and import").click()  # type: ignore[attr-defined]
    page.get_by_text("Imported pain-new.csv: 1 row of pain reports").wait_for()  # type: ignore[attr-defined]
    wait_for_app(page)
    assert_no_exception(page)
    screenshot(page, "data-io-csv-created")
    assert count(engine, Athlete) == athletes + 1
    assert count(engine, PainReport) == before + 1


def test_the_admin_downloads_every_table(site: tuple[str, Engine], page: object) -> None:
    address, engine = site
    open_data_page(page, address)
    page.get_by_role("tab", name="Export").click()  # type: ignore[attr-defined]
    wait_for_app(page)
    with page.expect_download() as started:  # type: ignore[attr-defined]
        page.get_by_role("button", name="Download the export").click()  # type: ignore[attr-defined]
    data = Path(started.value.path()).read_bytes()
    assert started.value.suggested_filename.startswith("fascia-all-csv-")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = sorted(archive.namelist())
        athletes = archive.read("athletes.csv").decode().splitlines()
    assert "athletes.csv" in names and "pain_reports.csv" in names and len(names) == 8
    assert len(athletes) - 1 == count(engine, Athlete)
    assert_no_exception(page)


def test_a_large_csv_imports_with_progress_while_the_server_answers(
    site: tuple[str, Engine], page: object, tmp_path: Path
) -> None:
    """Last in this file: the rows it writes would slow the export above."""
    address, engine = site
    with engine.connect() as connection:
        known = connection.scalars(select(Athlete.external_id).order_by(Athlete.id)).all()
    rows = 400_000
    start = dt.date(1900, 1, 1)
    big = tmp_path / "pain-large.csv"
    with big.open("w") as out:
        out.write("athlete_external_id,date,body_region,side,pain\n")
        for n in range(rows):
            out.write(f"{known[n % len(known)]},{start + dt.timedelta(days=n // len(known))},knee,left,{n % 11}\n")
    before = count(engine, PainReport)

    open_data_page(page, address)
    pick_kind(page, "Pain reports")
    upload(page, "File to import", big)
    page.get_by_role("button", name="Import", exact=True).click()  # type: ignore[attr-defined]
    bar = page.locator("[data-testid='stProgress']").filter(has_text="rows written")  # type: ignore[attr-defined]
    bar.wait_for()
    screenshot(page, "data-io-csv-progress")
    with urllib.request.urlopen(f"{address}/_stcore/health", timeout=5) as response:  # the server answers meanwhile
        assert response.status == 200
    page.get_by_text(f"Imported pain-large.csv: {rows:,} rows of pain reports").wait_for(timeout=120_000)  # type: ignore[attr-defined]
    wait_for_app(page)
    assert_no_exception(page)
    assert not page.locator("[data-testid='stProgress']").count()  # type: ignore[attr-defined]
    screenshot(page, "data-io-csv-large")
    assert count(engine, PainReport) == before + rows
