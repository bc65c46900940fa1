"""Flags are closable wherever they are shown, one at a time: *Caseload* and *Athlete progress* on hand-made
data with several flags of one kind for one athlete on one day (two asymmetric shoulder measures of the same
region and side, persistent pain in two regions); and `ui.flag_cards`' key and literal text."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from data import queries
from data.accounts import create_user
from data.db import make_engine
from data.record_writes import save_records
from data.roster import create_athlete, create_team
from data.schema import upgrade
from tests.app.conftest import sign_in
from ui.flag_cards import CLOSE_KEY_PREFIX, flag_key, literal

StartApp = Callable[[str], AppTest]
DAY = dt.date(2026, 11, 2)
PASSWORD = "long-password"
INTERNAL = "shoulder/internal_rotation"
EXTERNAL = "shoulder/external_rotation"


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    """The loaders' cache is keyed by user id, not by database: empty before and after each test."""
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture
def crowded_url(tmp_path: Path) -> str:
    """One team, one athlete, one therapist. On DAY the athlete's shoulder internal rotation (L 60 / R 45)
    and external rotation (L 90 / R 75) are both asymmetric, right side smaller: two ROM flags of one day,
    region and side. Knee left and lower back at 4 on the 5 days up to DAY: two persistent-pain flags."""
    url = f"sqlite:///{tmp_path / 'crowded.db'}"
    engine = make_engine(url)
    upgrade(engine)
    team = create_team(engine, "Alpha FC", "handball")
    athlete = create_athlete(engine, team, "Martin Dahl", "A-10", "wing", "right")
    create_user(engine, "physio", PASSWORD, "therapist", team_ids=[team])
    measured = [("internal_rotation", 60.0, 45.0), ("external_rotation", 90.0, 75.0)]
    rom = [
        {
            "athlete_id": athlete,
            "date": DAY,
            "joint": "shoulder",
            "movement": movement,
            "side": side,
            "value": value,
            "unit": "deg",
            "method": "goniometer",
            "context": "screening",
        }
        for movement, left, right in measured
        for side, value in (("left", left), ("right", right))
    ]
    save_records(engine, "rom_measurements", rom)
    pain = [
        {"athlete_id": athlete, "date": DAY - dt.timedelta(days=back), "body_region": region, "side": side, "pain": 4}
        for back in range(5)
        for region, side in (("knee", "left"), ("lower_back", "central"))
    ]
    save_records(engine, "pain_reports", pain)
    engine.dispose()
    return url


def identities(at: AppTest) -> list[list[object]]:
    """The identity of each flag with a Close button on the page (athlete, day, kind, region, side, measure)."""
    return [json.loads(b.key.removeprefix(CLOSE_KEY_PREFIX)) for b in at.button if b.key.startswith(CLOSE_KEY_PREFIX)]


def measures(at: AppTest, kind: str = "rom_asymmetry") -> list[str]:
    """The measures of the flags of `kind` with a Close button, sorted ("" for kinds without one)."""
    return sorted(str(i[5]) for i in identities(at) if i[2] == kind)


def close(at: AppTest, measure: str) -> AppTest:
    """Click the Close button of the ROM flag of `measure`."""
    closers = [b for b in at.button if b.key.startswith(CLOSE_KEY_PREFIX)]
    [button] = [b for b in closers if json.loads(b.key.removeprefix(CLOSE_KEY_PREFIX))[5] == measure]
    return button.click().run()


def reviewed(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        return sorted(queries.flag_reviews(engine)["measure"])
    finally:
        engine.dispose()


def test_caseload_shows_both_rom_flags_of_one_day_and_closes_one(app_at: StartApp, crowded_url: str) -> None:
    at = sign_in(app_at(crowded_url), "physio", PASSWORD)  # lands on the Caseload
    assert not at.exception
    assert [t.value for t in at.title] == ["Caseload"]
    assert measures(at) == [EXTERNAL, INTERNAL]
    assert sorted(str(i[3]) for i in identities(at) if i[2] == "persistent_pain") == ["knee", "lower_back"]
    cards = [m for m in at.markdown if "ROM asymmetry" in m.value]
    assert len(cards) == 2 and not [m for m in cards if m.proto.allow_html]

    at = close(at, INTERNAL)
    assert not at.exception
    assert [m.value for m in at.success if m.value.startswith("Closed:")] == [
        "Closed: “ROM asymmetry — shoulder internal rotation” for Martin Dahl (2026-11-02)."
    ]
    assert measures(at) == [EXTERNAL]
    assert measures(at, "persistent_pain") == ["", ""], "the pain flags stay open"
    assert reviewed(crowded_url) == [INTERNAL]


def test_athlete_progress_offers_close_buttons_and_closes_one_flag(app_at: StartApp, crowded_url: str) -> None:
    at = sign_in(app_at(crowded_url), "physio", PASSWORD).switch_page("pages/athlete_progress.py").run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Athlete progress"]
    assert measures(at) == [EXTERNAL, INTERNAL]

    at = close(at, EXTERNAL)
    assert not at.exception
    assert any(m.value.startswith("Closed: “ROM asymmetry — shoulder external rotation”") for m in at.success)
    assert measures(at) == [INTERNAL]
    assert reviewed(crowded_url) == [EXTERNAL]
    at = at.switch_page("pages/caseload.py").run()
    assert not at.exception and measures(at) == [INTERNAL], "closed on one page, closed everywhere"


def test_flag_key_names_the_whole_identity_and_literal_text_is_not_markup() -> None:
    flag = {
        "athlete_id": 7,
        "date": dt.date(2026, 11, 2),
        "kind": "rom_asymmetry",
        "body_region": "shoulder",
        "side": "right",
        "measure": INTERNAL,
    }
    assert json.loads(flag_key(flag)) == [7, "2026-11-02", "rom_asymmetry", "shoulder", "right", INTERNAL]
    assert flag_key(flag) != flag_key(flag | {"measure": EXTERNAL})
    regionless = flag | {"kind": "wellness_drop", "body_region": None, "side": float("nan"), "measure": ""}
    assert json.loads(flag_key(regionless))[2:] == ["wellness_drop", "", "", ""]
    assert literal("<b>*Dahl*</b> [x](y) :red[z] $1$") == r"\<b\>\*Dahl\*\<\/b\> \[x\]\(y\) \:red\[z\] \$1\$"
