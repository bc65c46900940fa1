"""The therapist's entry forms: *Log a session*, *Record ROM*, *Injuries*.

Each form: a valid entry is saved and shown; an invalid one (a combination the widgets let through)
is refused with a message naming the field, and nothing is saved (rows counted before and after with
`data.queries`). Every writing test runs on its own copy of the demo database. Also: the error
mapping of `ui/forms.py` (the one way every form refuses), the injury register of `views/injuries.py`,
and `data.record_writes.save_session_with_rom` on each backend.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd
import pytest
import streamlit as st
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

import data.record_writes
from data import access, queries
from data.accounts import create_user
from data.db import make_engine
from data.errors import ValidationError
from data.models import AuditEntry, Injury, User
from data.record_checks import InvalidRecords
from data.record_writes import save_records, save_session_with_rom, update_record
from data.roster import create_athlete, create_team
from tests.app.conftest import APP, TIMEOUT
from ui import forms
from views import injuries as injuries_view
from views import words

LOG_SESSION = "pages/log_session.py"
RECORD_ROM = "pages/record_rom.py"
INJURIES = "pages/injuries.py"


# --------------------------------------------------------------------------- fixtures and helpers


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    """The loaders' cache is per process and keyed by user, not by database: start and end empty,
    so no test reads another database's frames."""
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def therapist_id(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(User.id).where(User.username == "therapist")))


def scope(engine: Engine) -> list[int]:
    who = access.viewer(engine, therapist_id(engine))
    assert who is not None
    return access.visible_athlete_ids(engine, who)


@pytest.fixture
def open_page(own_url: str, own_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    """A function opening one of the forms as the demo therapist, on the test's own database."""

    def start(page: str, athlete_id: int | None = None) -> AppTest:
        monkeypatch.setenv("DATABASE_URL", own_url)
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        at.session_state["user_id"] = therapist_id(own_engine)
        if athlete_id is not None:
            at.session_state["filter_athlete_id"] = athlete_id
        at.switch_page(page).run()
        assert not at.exception, at.exception
        return at

    return start


def counts(engine: Engine) -> dict[str, int]:
    return queries.table_counts(engine)


def widget(elements: Any, label: str) -> Any:
    """The one widget of a kind with this label."""
    found = [e for e in elements if e.label == label]
    assert len(found) == 1, f"{label!r} among {[e.label for e in elements]}"
    return found[0]


def button(at: AppTest, label: str) -> Any:
    return widget(at.button, label)


def errors(at: AppTest) -> list[str]:
    return [str(e.value) for e in at.error]


def successes(at: AppTest) -> list[str]:
    return [str(e.value) for e in at.success]


def shown_tables(at: AppTest) -> list[pd.DataFrame]:
    return [d.value for d in at.dataframe]


def an_athlete(engine: Engine) -> int:
    return scope(engine)[0]


def returned_injury(engine: Engine) -> pd.Series:
    """An injury in the therapist's scope that has returned at least 10 days ago, with no later injury
    at the same site (so a new one 5 days after its return is an early recurrence of it)."""
    injuries = queries.injuries(engine, scope(engine))
    done = injuries[
        injuries["return_date"].notna() & (injuries["return_date"] <= pd.Timestamp.today() - pd.Timedelta(days=10))
    ]
    site = ["athlete_id", "body_region", "side", "injury_type"]
    latest = injuries.sort_values("onset_date").groupby(site).tail(1)
    candidates = done.merge(latest[["injury_id"]], on="injury_id")
    assert not candidates.empty, "the demo has no returned injury to recur"
    return candidates.iloc[0]


# --------------------------------------------------------------------------- ui/forms.py: refusals beside the field


def test_field_errors_map_each_field_to_a_message_naming_it() -> None:
    refusals = [
        ValidationError("return_date", dt.date(2026, 10, 1), "is before the onset date"),
        ValidationError("body_region", None, "is required"),
        ValidationError("minutes", 0, "must be more than 0"),
        ValidationError("minutes", 900, "is above 600"),
    ]
    messages = forms.field_errors(refusals)
    assert messages == {
        "return_date": "Return to full participation: 1 Oct 2026 is before the onset date.",
        "body_region": "Body region is required.",
        "minutes": "Minutes: 0 must be more than 0. Minutes: 900 is above 600.",
    }
    assert forms.field_errors(refusals, first_only=True)["minutes"] == "Minutes: 0 must be more than 0."


def test_field_errors_name_grid_rows_and_custom_inputs() -> None:
    refusals = [
        ValidationError("value", 95.0, "is outside -40..80 cm", row=2),
        ValidationError("method", None, "is required", row=1),
    ]
    names = {1: "Hip internal rotation, left", 2: "Ankle dorsiflexion (knee-to-wall lunge), right"}
    messages = forms.field_errors(refusals, row_names=names, key=lambda e: "grid")
    assert messages == {
        "grid": "Ankle dorsiflexion (knee-to-wall lunge), right: 95 is outside -40 to 80 cm. "
        "Hip internal rotation, left — method is required."
    }
    rom = [ValidationError("rom.value", 95.0, "is outside -40..80 cm", row=1)]
    keyed = forms.field_errors(rom, key=lambda e: "rom_pre", labels={"rom_pre": "ROM before the session"})
    assert keyed == {"rom_pre": "ROM before the session: 95 is outside -40 to 80 cm."}


def test_error_slots_put_each_message_under_its_field_and_the_rest_in_the_catch_all() -> None:
    def page() -> None:
        import streamlit as st

        from ui.forms import ErrorSlots

        slots = ErrorSlots()
        slots.under("*")
        st.text_input("Onset")
        slots.under("onset_date")
        st.text_input("Return")
        slots.under("return_date")
        slots.show({"return_date": "Return: before the onset.", "athlete_id": "Athlete: not yours."})

    at = AppTest.from_function(page).run()
    assert not at.exception
    order = [type(e).__name__ for e in at.main.children.values()]
    assert order == ["Error", "TextInput", "UnknownElement", "TextInput", "Error"]  # the onset slot stays empty
    assert [e.value for e in at.error] == ["Athlete: not yours.", "Return: before the onset."]


def test_refuse_writes_the_nothing_saved_line_under_the_button_with_what_found_no_slot() -> None:
    def page() -> None:
        import streamlit as st

        from ui.forms import ErrorSlots

        slots = ErrorSlots()
        st.text_input("Username")
        slots.under("username")
        st.button("Create")
        slots.refuse({"username": "Username is already taken.", "team": "Teams is not a known team."}, "Nothing.")

    at = AppTest.from_function(page).run()
    assert not at.exception
    order = [type(e).__name__ for e in at.main.children.values()]
    assert order == ["TextInput", "Error", "Button", "Error"]
    assert [e.value for e in at.error] == ["Username is already taken.", "Nothing.\n\nTeams is not a known team."]


def test_account_refusals_leave_the_value_out_and_unpack_invalid_records() -> None:
    secret = ValidationError("password", "(hidden)", "must be at least 8 characters")
    assert forms.field_errors([secret], labels=forms.ACCOUNT_FIELDS, show_values=False) == {
        "password": "Password must be at least 8 characters."
    }
    several = InvalidRecords([ValidationError("minutes", 0, "must be more than 0"), secret])
    assert forms.refusals(several) == several.errors
    assert forms.refusals(secret) == [secret]


def test_labels_read_as_a_therapist_writes_them() -> None:
    assert injuries_view.injury_label(
        "thigh", "left", "muscle_strain", pd.Timestamp("2026-10-03"), pd.NaT, dt.date(2026, 11, 1)
    ) == ("Left thigh muscle strain since 3 Oct")
    assert injuries_view.injury_label(
        "hip_groin",
        "right",
        "tendinopathy",
        pd.Timestamp("2025-10-03"),
        pd.Timestamp("2025-11-20"),
        dt.date(2026, 1, 5),
    ) == ("Right hip / groin tendinopathy, 3 Oct 2025 – 20 Nov 2025")


def test_recurrence_sentence_names_the_index_injury() -> None:
    injuries = pd.DataFrame(
        {
            "injury_id": [1, 2, 3],
            "athlete_id": [7, 7, 7],
            "onset_date": pd.to_datetime(["2026-10-03", "2026-11-01", "2026-11-10"]),
            "body_region": ["thigh", "thigh", "knee"],
            "side": ["left", "left", "right"],
            "injury_type": ["muscle_strain", "muscle_strain", "ligament_sprain"],
            "onset_mode": ["sudden", "sudden", None],
            "time_loss": [True, True, False],
            "return_date": pd.to_datetime(["2026-10-20", None, None]),
        }
    )
    register = injuries_view.register(injuries, dt.date(2026, 11, 15))
    assert register["injury_id"].tolist() == [3, 2, 1]  # open first, newest first
    assert register.set_index("injury_id").loc[2, "days_out"] == 14
    assert register.set_index("injury_id").loc[3, "days_out"] == 0  # no time loss
    assert injuries_view.recurrence_sentence(register, 2, dt.date(2026, 11, 15)) == (
        "This is an early recurrence of the left thigh muscle strain of 3 Oct (returned to full participation "
        "on 20 Oct, 12 days before this onset)."
    )
    assert injuries_view.recurrence_sentence(register, 3).startswith("This is a new injury")


# --------------------------------------------------------------------------- save_session_with_rom, both backends


@pytest.fixture
def clinic(db_engine: Engine) -> dict[str, int]:
    """A team, two athletes, a therapist and an injury of the first athlete."""
    team = create_team(db_engine, "Clinic FC")
    first = create_athlete(db_engine, team, "Ada", "ada-1")
    second = create_athlete(db_engine, team, "Bo", "bo-2")
    therapist = create_user(db_engine, "physio", "long-password", "therapist", team_ids=[team])
    injury = save_records(
        db_engine,
        "injuries",
        [
            {
                "athlete_id": first,
                "onset_date": dt.date(2026, 10, 1),
                "body_region": "thigh",
                "side": "left",
                "injury_type": "muscle_strain",
                "time_loss": True,
            }
        ],
    ).ids[0]
    return {"first": first, "second": second, "therapist": therapist, "injury": injury}


def session_for(athlete_id: int, injury_id: int | None = None) -> dict[str, Any]:
    return {
        "athlete_id": athlete_id,
        "date": dt.date(2026, 10, 5),
        "technique": "active_release",
        "body_region": "thigh",
        "side": "left",
        "minutes": 30,
        "pain_before": 6,
        "pain_after": 3,
        "discomfort": 7,
        "injury_id": injury_id,
        "notes": "ART to biceps femoris",
    }


def rom_pair(pre: float | None = 60.0, post: float | None = 68.0, unit: str = "deg") -> list[dict[str, Any]]:
    rows = []
    for context, value in (("pre_session", pre), ("post_session", post)):
        if value is not None:
            rows.append(
                {
                    "joint": "hip",
                    "movement": "straight_leg_raise",
                    "side": "left",
                    "value": value,
                    "unit": unit,
                    "method": "inclinometer",
                    "context": context,
                }
            )
    return rows


def test_save_session_with_rom_saves_the_session_and_its_linked_rom(db_engine: Engine, clinic: dict[str, int]) -> None:
    saved = save_session_with_rom(
        db_engine,
        session_for(clinic["first"], clinic["injury"]),
        rom_pair(),
        actor_id=clinic["therapist"],
        allowed_athlete_ids=[clinic["first"], clinic["second"]],
    )
    sessions = queries.therapy_sessions(db_engine, [clinic["first"]], include_notes=True)
    assert sessions["session_id"].tolist() == [saved.session_id]
    assert sessions["therapist_id"].tolist() == [clinic["therapist"]]
    assert sessions["injury_id"].tolist() == [clinic["injury"]]
    rom = queries.rom_measurements(db_engine, [clinic["first"]])
    assert sorted(rom["measurement_id"]) == sorted(saved.rom_ids)
    assert rom.set_index("context")["value"].to_dict() == {"pre_session": 60.0, "post_session": 68.0}
    assert rom["session_id"].tolist() == [saved.session_id, saved.session_id]
    assert set(rom["date"].dt.date) == {dt.date(2026, 10, 5)}


@pytest.mark.parametrize(
    ("session_change", "rom", "field", "row"),
    [
        ({}, rom_pair(pre=60.0, post=95.0, unit="cm"), "rom.value", 2),  # 95 cm is outside -40..80 cm
        ({}, rom_pair(pre=None, post=68.0), "rom.value", 1),  # a value after needs one before
        ({"side": None}, rom_pair(), "side", None),  # a required session field
        ({"pain_after": 11}, [], "pain_after", None),
    ],
    ids=["rom-out-of-unit-range", "post-without-pre", "missing-side", "pain-11"],
)
def test_save_session_with_rom_refuses_everything_for_one_bad_value(
    db_engine: Engine,
    clinic: dict[str, int],
    session_change: dict[str, Any],
    rom: list[dict[str, Any]],
    field: str,
    row: int | None,
) -> None:
    before = queries.table_counts(db_engine)
    with pytest.raises(InvalidRecords) as refusal:
        save_session_with_rom(
            db_engine, {**session_for(clinic["first"]), **session_change}, rom, actor_id=clinic["therapist"]
        )
    assert [(e.field, e.row) for e in refusal.value.errors] == [(field, row)]
    assert queries.table_counts(db_engine) == before


def test_save_session_with_rom_refuses_another_athletes_injury_and_athletes_out_of_scope(
    db_engine: Engine, clinic: dict[str, int]
) -> None:
    before = queries.table_counts(db_engine)
    with pytest.raises(InvalidRecords) as refusal:
        save_session_with_rom(db_engine, session_for(clinic["second"], clinic["injury"]), actor_id=clinic["therapist"])
    assert [(e.field, e.reason) for e in refusal.value.errors] == [("injury_id", "is not an injury of this athlete")]
    with pytest.raises(InvalidRecords) as refusal:
        save_session_with_rom(
            db_engine,
            session_for(clinic["second"]),
            actor_id=clinic["therapist"],
            allowed_athlete_ids=[clinic["first"]],
        )
    assert [e.field for e in refusal.value.errors] == ["athlete_id"]
    assert queries.table_counts(db_engine) == before


def test_save_session_with_rom_is_one_transaction(
    db_engine: Engine, clinic: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure while writing the ROM (after the session row went in) leaves no session behind."""
    real = data.record_writes.upsert_records

    def failing(connection: Any, kind: Any, records: list[dict[str, Any]]) -> Any:
        if kind.name == "rom_measurements":
            raise RuntimeError("disk full")
        return real(connection, kind, records)

    monkeypatch.setattr(data.record_writes, "upsert_records", failing)
    before = queries.table_counts(db_engine)
    with pytest.raises(RuntimeError):
        save_session_with_rom(db_engine, session_for(clinic["first"]), rom_pair(), actor_id=clinic["therapist"])
    assert queries.table_counts(db_engine) == before


def test_save_session_with_rom_updates_the_same_session_instead_of_doubling_it(
    db_engine: Engine, clinic: dict[str, int]
) -> None:
    first = save_session_with_rom(db_engine, session_for(clinic["first"]), rom_pair(), actor_id=clinic["therapist"])
    again = save_session_with_rom(
        db_engine, {**session_for(clinic["first"]), "pain_after": 2}, rom_pair(post=70.0), actor_id=clinic["therapist"]
    )
    assert again.session_id == first.session_id
    assert sorted(again.rom_ids) == sorted(first.rom_ids)
    counted = queries.table_counts(db_engine)
    assert (counted["therapy_sessions"], counted["rom_measurements"]) == (1, 2)


# --------------------------------------------------------------------------- Log a session


def fill_session(at: AppTest, region: str = "thigh", side: str | None = "left") -> None:
    widget(at.selectbox, "Technique").set_value("active_release")
    widget(at.selectbox, "Body region").set_value(region)
    if side is not None:
        widget(at.selectbox, "Side").set_value(side)
    widget(at.number_input, "Minutes").set_value(25)
    widget(at.number_input, "Pain before (NPRS 0–10)").set_value(6)
    widget(at.number_input, "Pain after (NPRS 0–10)").set_value(3)
    widget(at.number_input, "Discomfort during (0–10)").set_value(7)
    widget(at.text_area, "Notes (clinical; never shown to coaches)").input("Released adhesions, tone down")


def fill_rom(at: AppTest, measure: tuple[str, str, str, str] | None, pre: float | None, post: float | None) -> None:
    if measure is not None:
        widget(at.selectbox, "Measure (unit)").set_value(measure)
    widget(at.selectbox, "ROM side").set_value("left")
    if pre is not None:
        widget(at.number_input, "Before the session").set_value(pre)
    if post is not None:
        widget(at.number_input, "After the session").set_value(post)


SLR = ("hip", "straight_leg_raise", "deg", "inclinometer")
LUNGE = ("ankle", "dorsiflexion_lunge", "cm", "tape")


def test_log_session_saves_the_session_with_its_rom_and_shows_it(
    open_page: Callable[..., AppTest], own_engine: Engine
) -> None:
    athlete_id = an_athlete(own_engine)
    at = open_page(LOG_SESSION, athlete_id)
    before = counts(own_engine)
    fill_session(at)
    fill_rom(at, SLR, 62.0, 70.0)
    at = button(at, "Save session").click().run()
    assert not at.exception
    assert errors(at) == []
    assert len(successes(at)) == 1 and "Active release to the left thigh" in successes(at)[0]
    assert "62° → 70°" in successes(at)[0]
    after = counts(own_engine)
    assert after["therapy_sessions"] == before["therapy_sessions"] + 1
    assert after["rom_measurements"] == before["rom_measurements"] + 2
    last = shown_tables(at)[-1]
    newest = last.iloc[0]
    assert newest["pain"] == "6 → 3"
    assert newest["rom"] == "Straight leg raise (°): L 62 → 70"
    assert newest["notes"] == "Released adhesions, tone down"
    rom = queries.rom_measurements(own_engine, [athlete_id])
    linked = rom[rom["session_id"].notna()].sort_values("measurement_id").tail(2)
    assert set(linked["context"]) == {"pre_session", "post_session"}
    assert linked["session_id"].nunique() == 1


def test_log_session_refuses_a_missing_side_beside_the_field(
    open_page: Callable[..., AppTest], own_engine: Engine
) -> None:
    at = open_page(LOG_SESSION, an_athlete(own_engine))
    before = counts(own_engine)
    fill_session(at, side=None)
    at = button(at, "Save session").click().run()
    assert "Side is required." in errors(at)
    assert any(e.startswith("Nothing was saved") for e in errors(at))
    assert successes(at) == []
    assert counts(own_engine) == before


def test_log_session_a_bad_rom_value_leaves_no_session(open_page: Callable[..., AppTest], own_engine: Engine) -> None:
    at = open_page(LOG_SESSION, an_athlete(own_engine))
    before = counts(own_engine)
    fill_session(at)
    fill_rom(at, LUNGE, 95.0, 10.0)  # 95 cm: the widget allows it (degrees go to 200), the lunge does not
    at = button(at, "Save session").click().run()
    assert "ROM before the session: 95 is outside -40 to 80 cm." in errors(at)
    assert counts(own_engine) == before


@pytest.mark.parametrize(
    ("measure", "pre", "post", "message"),
    [
        (None, None, 70.0, "Measure is required."),
        (SLR, None, 70.0, "ROM after the session: 70 after the session needs a value before it (same measure, side)."),
    ],
    ids=["rom-without-a-measure", "post-without-pre"],
)
def test_log_session_refuses_a_post_session_rom_it_cannot_pair(
    open_page: Callable[..., AppTest],
    own_engine: Engine,
    measure: tuple[str, str, str, str] | None,
    pre: float | None,
    post: float | None,
    message: str,
) -> None:
    at = open_page(LOG_SESSION, an_athlete(own_engine))
    before = counts(own_engine)
    fill_session(at)
    fill_rom(at, measure, pre, post)
    at = button(at, "Save session").click().run()
    assert message in errors(at)
    assert counts(own_engine) == before


def test_log_session_lists_the_athletes_injuries_open_first(
    open_page: Callable[..., AppTest], own_engine: Engine
) -> None:
    injury = returned_injury(own_engine)
    athlete_id = int(injury["athlete_id"])
    save_records(
        own_engine,
        "injuries",
        [
            {
                "athlete_id": athlete_id,
                "onset_date": dt.date.today() - dt.timedelta(days=2),
                "body_region": "knee",
                "side": "right",
                "injury_type": "contusion",
                "time_loss": False,
            }
        ],
    )
    at = open_page(LOG_SESSION, athlete_id)
    picker = widget(at.selectbox, "Injury treated (optional)")
    assert picker.options[0].startswith("Right knee contusion since ")


# --------------------------------------------------------------------------- Record ROM


def edit_grid(at: AppTest, athlete_id: int, edits: dict[int, dict[str, Any]]) -> None:
    """Type into the ROM grid (AppTest seeds a keyed data_editor's edit state)."""
    at.session_state[f"rom_grid_{athlete_id}"] = {"edited_rows": edits, "added_rows": [], "deleted_rows": []}


def test_record_rom_saves_the_grid_and_shows_latest_against_norm_and_other_side(
    open_page: Callable[..., AppTest], own_engine: Engine
) -> None:
    athlete_id = an_athlete(own_engine)
    at = open_page(RECORD_ROM, athlete_id)
    before = counts(own_engine)
    widget(at.selectbox, "Context").set_value("follow_up")
    edit_grid(at, athlete_id, {0: {"left": 38.0, "right": 44.0}, 4: {"left": 9.5}})
    at = button(at, "Save measurements").click().run()
    assert not at.exception
    assert errors(at) == []
    assert successes(at) and "Saved 3 follow-up measurements" in successes(at)[0]
    assert "Hip internal rotation L 38°, R 44°" in successes(at)[0]
    assert counts(own_engine)["rom_measurements"] == before["rom_measurements"] + 3
    overview = shown_tables(at)[-1].set_index("measure")
    hip = overview.loc["Hip internal rotation (°)"]
    assert (hip["left"], hip["right"], hip["normal"]) == (38.0, 44.0, 45.0)
    assert round(hip["left_pct"]) == 84
    assert round(hip["lsi"]) == 86  # 38 / 44: the smaller side is the involved one without an injury there
    saved = queries.rom_measurements(own_engine, [athlete_id])
    saved = saved[saved["context"] == "follow_up"]
    assert set(saved["method"]) == {"goniometer", "tape"}  # the norms table's method by default


def test_record_rom_refuses_the_whole_grid_for_one_value_out_of_its_units_range(
    open_page: Callable[..., AppTest], own_engine: Engine
) -> None:
    athlete_id = an_athlete(own_engine)
    at = open_page(RECORD_ROM, athlete_id)
    before = counts(own_engine)
    edit_grid(at, athlete_id, {0: {"left": 38.0}, 4: {"right": 95.0}})
    at = button(at, "Save measurements").click().run()
    assert "Ankle dorsiflexion (knee-to-wall lunge), right: 95 is outside -40 to 80 cm." in errors(at)
    assert counts(own_engine) == before  # the valid hip value was not saved either


def test_record_rom_refuses_an_empty_grid_and_a_missing_method(
    open_page: Callable[..., AppTest], own_engine: Engine
) -> None:
    athlete_id = an_athlete(own_engine)
    at = open_page(RECORD_ROM, athlete_id)
    before = counts(own_engine)
    at = button(at, "Save measurements").click().run()
    assert "Left and right are empty: enter at least one value." in errors(at)
    edit_grid(at, athlete_id, {3: {"right": 131.0, "method": None}})
    at = button(at, "Save measurements").click().run()
    assert "Knee flexion, right — method is required." in errors(at)
    assert counts(own_engine) == before


# --------------------------------------------------------------------------- Injuries


def fill_injury(at: AppTest, onset: dt.date, region: str, side: str, injury_type: str) -> None:
    tab = at.tabs[0]
    widget(tab.date_input, "Onset date").set_value(onset)
    widget(tab.selectbox, "Body region").set_value(region)
    widget(tab.selectbox, "Side").set_value(side)
    widget(tab.selectbox, "Injury type").set_value(injury_type)
    widget(tab.selectbox, "Onset").set_value("sudden")
    widget(tab.checkbox, "Time-loss problem").check()


def test_new_injury_is_saved_shown_and_classified(open_page: Callable[..., AppTest], own_engine: Engine) -> None:
    index = returned_injury(own_engine)
    athlete_id = int(index["athlete_id"])
    onset = (index["return_date"] + pd.Timedelta(days=5)).date()
    at = open_page(INJURIES, athlete_id)
    before = counts(own_engine)
    fill_injury(at, onset, index["body_region"], index["side"], index["injury_type"])
    at = button(at, "Open problem").click().run()
    assert not at.exception
    assert errors(at) == []
    assert successes(at) and successes(at)[0].startswith("Saved for ")
    sentence = [i.value for i in at.info if str(i.value).startswith("This ")]
    assert sentence and " is an early recurrence of the " in sentence[0]
    assert sentence[0].endswith("(by the rule).")
    assert counts(own_engine)["injuries"] == before["injuries"] + 1
    register = shown_tables(at)[0]
    newest = register.iloc[0]
    assert (newest["status"], newest["category_label"]) == ("Open", "Early recurrence")
    assert newest["onset_date"] == pd.Timestamp(onset)


@pytest.mark.parametrize("mistake", ["return-before-onset", "missing-region"])
def test_new_injury_refuses_a_bad_entry_beside_the_field(
    open_page: Callable[..., AppTest], own_engine: Engine, mistake: str
) -> None:
    athlete_id = an_athlete(own_engine)
    at = open_page(INJURIES, athlete_id)
    before = counts(own_engine)
    onset = dt.date.today() - dt.timedelta(days=3)
    fill_injury(at, onset, "thigh", "left", "muscle_strain")
    if mistake == "return-before-onset":
        widget(at.tabs[0].date_input, "Return to full participation").set_value(onset - dt.timedelta(days=1))
        shown = words.short_day(onset - dt.timedelta(days=1), with_year=True)
        expected = f"Return to full participation: {shown} is before the onset date."
    else:
        widget(at.tabs[0].selectbox, "Body region").set_value(None)
        expected = "Body region is required for an injury."
    at = button(at, "Open problem").click().run()
    assert expected in errors(at)
    assert successes(at) == []
    assert counts(own_engine) == before


def open_injury(engine: Engine, athlete_id: int, onset: dt.date) -> int:
    return save_records(
        engine,
        "injuries",
        [
            {
                "athlete_id": athlete_id,
                "onset_date": onset,
                "body_region": "ankle",
                "side": "right",
                "injury_type": "ligament_sprain",
                "time_loss": True,
            }
        ],
    ).ids[0]


def return_date_of(engine: Engine, injury_id: int) -> dt.date | None:
    with engine.connect() as connection:
        return connection.scalar(select(Injury.return_date).where(Injury.id == injury_id))


def test_return_to_sport_refuses_a_decision_before_onset_and_a_valid_one_sets_the_return(
    open_page: Callable[..., AppTest], own_engine: Engine
) -> None:
    """The return date is not typed: the stage decision of return to sport sets it (Ardern et al. 2016)."""
    athlete_id = an_athlete(own_engine)
    onset = dt.date.today() - dt.timedelta(days=6)
    injury_id = open_injury(own_engine, athlete_id, onset)
    at = open_page(INJURIES, athlete_id)
    widget(at.tabs[1].selectbox, "Health problem").set_value(injury_id)
    at = at.run()
    widget(at.tabs[1].selectbox, "Stage").set_value("return_to_sport")
    widget(at.tabs[1].date_input, "From").set_value(onset - dt.timedelta(days=2))
    at = button(at, "Record decision").click().run()
    assert any(e.startswith("Date: ") and "is before the problem's onset" in e for e in errors(at))
    assert return_date_of(own_engine, injury_id) is None

    widget(at.tabs[1].date_input, "From").set_value(onset + dt.timedelta(days=4))
    at = button(at, "Record decision").click().run()
    assert errors(at) == []
    assert successes(at) and "Returned to full participation on" in successes(at)[0]
    assert return_date_of(own_engine, injury_id) == onset + dt.timedelta(days=4)
    register = shown_tables(at)[0].set_index("injury_id")
    assert register.loc[injury_id, "status"] == "Returned"


def test_edit_injury_saves_a_change_and_refuses_an_onset_after_the_return(
    open_page: Callable[..., AppTest], own_engine: Engine
) -> None:
    athlete_id = an_athlete(own_engine)
    onset = dt.date.today() - dt.timedelta(days=20)
    injury_id = open_injury(own_engine, athlete_id, onset)
    update_record(own_engine, "injuries", injury_id, {"return_date": onset + dt.timedelta(days=10)})
    at = open_page(INJURIES, athlete_id)
    widget(at.selectbox, "Health problem to edit").set_value(injury_id)
    at = at.run()
    tab = at.tabs[2]
    widget(tab.date_input, "Onset date").set_value(onset + dt.timedelta(days=12))
    at = button(at, "Save changes").click().run()
    assert any(e.startswith("Return to full participation: ") and "is before the onset date" in e for e in errors(at))
    with own_engine.connect() as connection:
        assert connection.scalar(select(Injury.onset_date).where(Injury.id == injury_id)) == onset

    tab = at.tabs[2]
    widget(tab.date_input, "Onset date").set_value(onset)
    widget(tab.selectbox, "Onset").set_value("gradual")
    widget(tab.text_area, "Notes (clinical; never shown to coaches)").input("ATFL, grade 1")
    at = button(at, "Save changes").click().run()
    assert errors(at) == []
    assert successes(at) and successes(at)[0].startswith("Changed onset, notes:")
    with own_engine.connect() as connection:
        onset_mode, notes = connection.execute(
            select(Injury.onset_mode, Injury.notes).where(Injury.id == injury_id)
        ).one()
    assert (onset_mode, notes) == ("gradual", "ATFL, grade 1")


NOTES = "Notes (clinical; never shown to coaches)"


def notes_of(engine: Engine, injury_id: int) -> str | None:
    with engine.connect() as connection:
        return connection.scalar(select(Injury.notes).where(Injury.id == injury_id))


def test_edit_injury_refuses_a_save_over_someone_elses_change_and_keeps_the_text(
    open_page: Callable[..., AppTest], own_engine: Engine
) -> None:
    """Two therapists edit one injury's notes: the second save is refused under the form with the
    conflict sentence, the first text stays, what was typed stays in the form, and saving again
    (having been shown the other change) goes through; the audit holds old and new (issue 19)."""
    athlete_id = an_athlete(own_engine)
    injury_id = open_injury(own_engine, athlete_id, dt.date.today() - dt.timedelta(days=20))
    at = open_page(INJURIES, athlete_id)
    widget(at.selectbox, "Health problem to edit").set_value(injury_id)
    at = at.run()
    update_record(own_engine, "injuries", injury_id, {"notes": "first therapist's text"}, read_version=1)

    widget(at.tabs[2].text_area, NOTES).input("second therapist's text")
    widget(at.tabs[2].selectbox, "Onset").set_value("sudden")
    at = button(at, "Save changes").click().run()
    assert not at.exception, at.exception
    assert errors(at) == [
        "Someone else changed this injury since you opened it: reload to see their change; your text is kept below."
    ]
    assert not successes(at)
    assert notes_of(own_engine, injury_id) == "first therapist's text"
    assert widget(at.tabs[2].text_area, NOTES).value == "second therapist's text", "what was typed is kept"
    assert widget(at.tabs[2].selectbox, "Onset").value == "sudden"
    register = shown_tables(at)[0].set_index("injury_id")
    assert register.loc[injury_id, "notes"] == "first therapist's text", "their change is shown"

    at = button(at, "Save changes").click().run()
    assert errors(at) == [] and successes(at)
    assert notes_of(own_engine, injury_id) == "second therapist's text"
    with own_engine.connect() as connection:
        details = connection.scalars(
            select(AuditEntry.detail)
            .where(AuditEntry.table_name == "injuries", AuditEntry.action == "update")
            .order_by(AuditEntry.id)
        ).all()
    assert json.loads(details[-1]) == {
        "onset_mode": [None, "sudden"],
        "notes": ["first therapist's text", "second therapist's text"],
    }


def test_log_session_refuses_to_replace_a_session_someone_else_saved_since(
    open_page: Callable[..., AppTest], own_engine: Engine
) -> None:
    athlete_id = an_athlete(own_engine)
    at = open_page(LOG_SESSION, athlete_id)
    fill_session(at)
    day = widget(at.date_input, "Date").value  # the club's today, which is not the machine's near midnight
    save_session_with_rom(  # another therapist saves the same session first
        own_engine,
        {
            "athlete_id": athlete_id,
            "date": day,
            "technique": "active_release",
            "body_region": "thigh",
            "side": "left",
            "minutes": 40,
            "notes": "the other therapist's notes",
        },
        read_version=0,
    )
    at = button(at, "Save session").click().run()
    assert not at.exception, at.exception
    assert len(errors(at)) == 1 and errors(at)[0].startswith("Someone else saved a session of this athlete")
    assert widget(at.text_area, NOTES).value == "Released adhesions, tone down", "what was typed is kept"
    sessions = queries.therapy_sessions(own_engine, [athlete_id], include_notes=True)
    today = sessions[sessions["date"] == pd.Timestamp(day)]
    assert today["notes"].tolist() == ["the other therapist's notes"]

    at = button(at, "Save session").click().run()  # shown it, saving again replaces it
    assert errors(at) == [] and successes(at)
    sessions = queries.therapy_sessions(own_engine, [athlete_id], include_notes=True)
    today = sessions[sessions["date"] == pd.Timestamp(day)]
    assert today["notes"].tolist() == ["Released adhesions, tone down"]


def test_forms_read_from_the_shared_demo_without_writing(demo_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each form opens for the therapist on the shared demo, with its table, and writes nothing."""
    engine = make_engine(demo_url)
    before = counts(engine)
    monkeypatch.setenv("DATABASE_URL", demo_url)
    for page, heading in ((LOG_SESSION, "last sessions"), (RECORD_ROM, "latest ROM"), (INJURIES, "health problems")):
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        at.session_state["user_id"] = therapist_id(engine)
        at.switch_page(page).run()
        assert not at.exception, page
        assert any(heading in str(s.value) for s in at.subheader), page
        assert at.dataframe or at.info, page
    assert counts(engine) == before
    engine.dispose()
