"""Unit tests of the therapist forms' views: the injury register (`views.injuries`), the session log
(`views.log_session`) and the ROM grid and overview (`views.record_rom`), each built from a reader over
fixed frames (no database, no Streamlit).

Every expected value is worked out by hand in the test's docstring.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd
import pytest

from analytics.rom import rom_norms
from analytics.vocabulary import ROM_MEASURES
from tests import factories
from views import injuries, log_session, record_rom
from views.reader import Ids

AS_OF = dt.date(2026, 11, 15)
ATHLETE = 7


def of(frame: pd.DataFrame, athlete_ids: Ids) -> pd.DataFrame:
    return frame if athlete_ids is None else frame[frame["athlete_id"].isin(athlete_ids)].reset_index(drop=True)


@dataclass(frozen=True)
class Tables:
    """The reads of `views.reader.Reader` these views make, over fixed frames (dates are not filtered: the
    views read every date)."""

    injured: pd.DataFrame
    sessions: pd.DataFrame
    measured: pd.DataFrame

    def injuries(self, athlete_ids: Ids = None) -> pd.DataFrame:
        return of(self.injured, athlete_ids)

    def therapy(
        self, athlete_ids: Ids = None, start: dt.date | None = None, end: dt.date | None = None
    ) -> pd.DataFrame:
        return of(self.sessions, athlete_ids)

    def rom(self, athlete_ids: Ids = None, start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
        return of(self.measured, athlete_ids)

    def norms(self) -> pd.DataFrame:
        return rom_norms()


@pytest.fixture
def reader() -> Tables:
    """Athlete 7: a left thigh strain 3-20 Oct (time loss), the same again from 1 Nov (open, time loss), a right
    knee sprain from 10 Nov (open, no time loss); three sessions; at a screening on 1 Nov hip internal rotation
    L 30 / R 44 and knee flexion L 120 / R 130, hip internal rotation around session 1 (2 Nov), and at a
    follow-up on 3 Nov knee flexion R 131 and the right knee-to-wall lunge 9.5 cm. Athlete 8 has one of each,
    which must never show."""
    injured = factories.injuries(
        [
            (1, ATHLETE, "2026-10-03", "thigh", "left", "muscle_strain", True, "2026-10-20"),
            (2, ATHLETE, "2026-11-01", "thigh", "left", "muscle_strain", True, None),
            (3, ATHLETE, "2026-11-10", "knee", "right", "ligament_sprain", False, None),
            (4, 8, "2026-11-01", "ankle", "left", "ligament_sprain", True, None),
        ],
        ("injury_id", "athlete_id", "onset_date", "body_region", "side", "injury_type", "time_loss", "return_date"),
    )
    sessions = factories.therapy_sessions(
        [
            (1, ATHLETE, "2026-11-02", "dry_needling", "thigh", "left", 7, 3, 2),
            (2, ATHLETE, "2026-11-05", "active_release", "knee", "right", None, None, None),
            (3, ATHLETE, "2026-11-05", "active_release", "thigh", "left", 4, 4, None),
            (4, 8, "2026-11-06", "active_release", "ankle", "left", 5, 2, 4),
        ],
        (
            "session_id",
            "athlete_id",
            "date",
            "technique",
            "body_region",
            "side",
            "pain_before",
            "pain_after",
            "injury_id",
        ),
    )
    measured = factories.rom_measurements(
        [
            (ATHLETE, "2026-11-01", "hip", "internal_rotation", "left", 30.0, "deg", "screening", None),
            (ATHLETE, "2026-11-01", "hip", "internal_rotation", "right", 44.0, "deg", "screening", None),
            (ATHLETE, "2026-11-01", "knee", "flexion", "left", 120.0, "deg", "screening", None),
            (ATHLETE, "2026-11-01", "knee", "flexion", "right", 130.0, "deg", "screening", None),
            (ATHLETE, "2026-11-03", "knee", "flexion", "right", 131.0, "deg", "follow_up", None),
            (ATHLETE, "2026-11-03", "ankle", "dorsiflexion_lunge", "right", 9.5, "cm", "follow_up", None),
            (ATHLETE, "2026-11-02", "hip", "internal_rotation", "left", 32.0, "deg", "pre_session", 1),
            (ATHLETE, "2026-11-02", "hip", "internal_rotation", "left", 38.0, "deg", "post_session", 1),
            (ATHLETE, "2026-11-02", "hip", "internal_rotation", "right", 40.0, "deg", "pre_session", 1),
            (ATHLETE, "2026-11-02", "hip", "internal_rotation", "right", 41.0, "deg", "post_session", 1),
            (8, "2026-11-01", "knee", "flexion", "left", 90.0, "deg", "screening", None),
        ],
        ("athlete_id", "date", "joint", "movement", "side", "value", "unit", "context", "session_id"),
    )
    return Tables(injured, sessions, measured)


def no_code_names(frame: pd.DataFrame, columns: list[str]) -> bool:
    """No snake_case code name in the text a person reads."""
    return not any(re.search(r"\b[a-z]+_[a-z_]+\b", str(v)) for c in columns for v in frame[c])


# --------------------------------------------------------------------------- views.injuries


def test_the_register_lists_open_injuries_first_with_days_out_and_words(reader: Tables) -> None:
    """Open first, newest first: 3 (10 Nov), 2 (1 Nov), then the returned 1. Days out on 15 Nov: injury 2 is
    open with time loss, 1 Nov to 15 Nov = 14; injury 1, 3 Oct to 20 Oct = 16 (IOC 2020: neither the onset
    day nor the return day is a day lost); injury 3 has no time loss = 0.
    Injury 2 began 12 days after injury 1's return at the same site: an early recurrence (≤ 60 days)."""
    register = injuries.injury_register(reader, ATHLETE, AS_OF)
    assert register["injury_id"].tolist() == [3, 2, 1]
    by_id = register.set_index("injury_id")
    assert by_id["days_out"].to_dict() == {3: 0, 2: 14, 1: 16}
    assert by_id["status"].to_dict() == {3: "Open", 2: "Open", 1: "Returned"}
    assert by_id.at[2, "label"] == "Left thigh muscle strain since 1 Nov"
    assert by_id.at[1, "label"] == "Left thigh muscle strain, 3 Oct – 20 Oct"
    assert by_id.at[3, "region"] == "Right knee" and by_id.at[3, "type_label"] == "Ligament sprain"
    assert by_id["category_label"].to_dict() == {3: "New", 2: "Early recurrence", 1: "New"}
    assert list(register.columns) == injuries.REGISTER_COLUMNS
    assert no_code_names(register, ["label", "status", "region", "type_label", "category_label"])
    assert injuries.recurrence_sentence(register, 2, AS_OF) == (
        "This is an early recurrence of the left thigh muscle strain of 3 Oct (returned to full participation "
        "on 20 Oct, 12 days before this onset)."
    )


def test_an_athlete_without_injuries_has_an_empty_register_with_its_columns(reader: Tables) -> None:
    register = injuries.injury_register(reader, 99, AS_OF)
    assert register.empty and list(register.columns) == injuries.REGISTER_COLUMNS


# --------------------------------------------------------------------------- views.log_session


def test_the_session_log_lists_the_newest_sessions_with_pain_rom_and_injury(reader: Tables) -> None:
    """Newest first by date, then by id: 3 and 2 (both 5 Nov) with the limit of 2; all three without it.
    Session 1: pain 7 → 3, the ROM around it L 32 → 38, R 40 → 41, treating injury 2 (its label);
    session 2 recorded no pain: "– → –"."""
    assert log_session.session_log(reader, ATHLETE, AS_OF, limit=2)["session_id"].tolist() == [3, 2]
    log = log_session.session_log(reader, ATHLETE, AS_OF).set_index("session_id")
    assert log.index.tolist() == [3, 2, 1]
    assert log.at[1, "pain"] == "7 → 3" and log.at[2, "pain"] == "– → –"
    assert log.at[1, "rom"] == "Hip internal rotation (°): L 32 → 38, R 40 → 41"
    assert log.at[2, "rom"] == "" and log.at[3, "rom"] == ""
    assert log.at[1, "injury"] == "Left thigh muscle strain since 1 Nov" and log.at[3, "injury"] == ""
    assert log.at[1, "region"] == "Left thigh" and log.at[1, "date"] == dt.date(2026, 11, 2)
    assert list(log.reset_index().columns) == log_session.SESSION_COLUMNS
    assert no_code_names(log, ["technique", "region", "pain", "rom", "injury"])


def test_an_athlete_without_sessions_has_an_empty_log_with_its_columns(reader: Tables) -> None:
    log = log_session.session_log(reader, 99, AS_OF)
    assert log.empty and list(log.columns) == log_session.SESSION_COLUMNS


# --------------------------------------------------------------------------- views.record_rom


def test_the_rom_overview_compares_each_side_with_the_norm_and_the_other_side(reader: Tables) -> None:
    """Hip internal rotation (norm 45°): the latest values are the pre-session ones of 2 Nov, L 32 (71 % of
    45), R 40 (89 %); the post-session 38 and 41 are left out. They differ by 8°, more than the 5° error and
    10 % of 40: asymmetric, the smaller (left) side involved as no injury is at the hip; LSI 32 / 40 = 80 %.
    Knee flexion: latest L 120 (1 Nov), R 131 (3 Nov); both sides were last measured on 1 Nov, 120 vs 130:
    10° is more than 5° but not more than 13° (10 % of 130): symmetric, said with its day as it is older
    than the 3 Nov measurement; the knee sprain began after it, so the smaller side is involved, LSI 92 %.
    The lunge has only the right side: no symmetry yet. Rows in the order of ROM_MEASURES."""
    overview = record_rom.rom_overview(reader, ATHLETE)
    assert overview["measure"].tolist() == [
        "Hip internal rotation (°)",
        "Knee flexion (°)",
        "Ankle dorsiflexion (knee-to-wall lunge) (cm)",
    ]
    hip, knee, ankle = (overview.iloc[i] for i in range(3))
    assert (hip["left"], hip["right"], hip["normal"]) == (32.0, 40.0, 45.0)
    assert hip["left_pct"] == pytest.approx(100 * 32 / 45) and hip["right_pct"] == pytest.approx(100 * 40 / 45)
    assert hip["lsi"] == pytest.approx(80.0) and hip["symmetry"] == "Asymmetric, left involved"
    assert hip["measured"] == dt.date(2026, 11, 2)
    assert (knee["left"], knee["right"], knee["measured"]) == (120.0, 131.0, dt.date(2026, 11, 3))
    assert knee["symmetry"] == "Symmetric (within error) (1 Nov)" and knee["lsi"] == pytest.approx(100 * 120 / 130)
    assert ankle["symmetry"] == "Needs both sides on one day" and pd.isna(ankle["left"]) and pd.isna(ankle["lsi"])
    assert list(overview.columns) == record_rom.OVERVIEW_COLUMNS
    assert record_rom.rom_overview(reader, 99).empty


def test_the_rom_grid_gives_its_rows_names_and_the_saved_values_in_words() -> None:
    """The grid has one row per ROM measure with the norm; a left hip internal rotation of 38 and a right knee
    flexion of 131 become two rows named "Hip internal rotation, left" and "Knee flexion, right"."""
    grid = record_rom.rom_grid(rom_norms())
    assert len(grid) == len(ROM_MEASURES) and grid["left"].isna().all() and grid["right"].isna().all()
    assert grid.iloc[0][["measure", "unit", "normal", "method"]].tolist() == [
        "Hip internal rotation",
        "°",
        45.0,
        "goniometer",
    ]
    knee = [j for j, *_ in ROM_MEASURES].index("knee")
    grid.loc[0, "left"] = 38.0
    grid.loc[knee, "right"] = 131.0
    records, names = record_rom.grid_records(grid)
    assert [(r["joint"], r["movement"], r["side"], r["value"]) for r in records] == [
        ("hip", "internal_rotation", "left", 38.0),
        ("knee", "flexion", "right", 131.0),
    ]
    assert names == {1: "Hip internal rotation, left", 2: "Knee flexion, right"}
    assert record_rom.saved_rom_text(records) == "Hip internal rotation L 38°; Knee flexion R 131°"
