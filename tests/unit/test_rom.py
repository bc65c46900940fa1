"""Unit tests of analytics.rom: the norms table, baseline/latest/change, symmetry (the sentences:
tests/unit/test_views.py).

Every expected number is worked out by hand in the test's docstring.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.errors
import pytest

from analytics.rom import NORMS_PATH, beyond, body_region, mdc_for, rom_norms, rom_status, rom_symmetry
from analytics.vocabulary import ROM_MEASURES
from tests import factories

D = pd.Timestamp
rom = factories.rom_measurements


def injuries(rows: list[tuple]) -> pd.DataFrame:
    """Injuries of any type from (injury_id, athlete_id, onset, region, side) rows."""
    return factories.injuries(rows, ("injury_id", "athlete_id", "onset_date", "body_region", "side")).assign(
        injury_type="other"
    )


# --------------------------------------------------------------------------- norms


def test_norms_table_has_one_sourced_row_per_known_measure():
    """One row per vocabulary.ROM_MEASURES entry with the same unit and method; every row names a source;
    MDC 5 deg for goniometer/inclinometer rows and 1.5 cm for the lunge (Chisholm et al. 2012)."""
    norms = rom_norms()
    assert NORMS_PATH.name == "rom_norms.csv" and NORMS_PATH.parent.name == "reference"
    assert list(norms.columns) == ["joint", "movement", "unit", "normal_value", "mdc", "method", "source"]
    assert sorted(map(tuple, norms[["joint", "movement", "unit", "method"]].values.tolist())) == sorted(ROM_MEASURES)
    assert (norms["source"].str.len() > 40).all()
    assert norms.set_index("unit")["mdc"].groupby(level=0).unique().to_dict() == {"cm": [1.5], "deg": [5.0]}
    lunge = norms[norms["movement"] == "dorsiflexion_lunge"].iloc[0]
    assert "Bennell" in lunge["source"] and "Chisholm" in lunge["source"]
    assert norms["source"].str.contains("Norkin").sum() >= 4
    assert norms[norms["joint"] == "shoulder"]["source"].str.contains("thrower", case=False).all()
    norms.loc[0, "normal_value"] = -1.0  # a copy: the cached table is untouched
    assert rom_norms().loc[0, "normal_value"] != -1.0


def test_mdc_defaults_by_unit_when_measure_not_in_norms_and_beyond_is_strict():
    """An unknown measure falls back to 5 deg / 1.5 cm; 'beyond' is strict: 5.0 is not beyond 5."""
    frame = pd.DataFrame(
        {
            "joint": ["elbow", "ankle", "hip"],
            "movement": ["flexion", "x", "internal_rotation"],
            "unit": ["deg", "cm", "deg"],
        }
    )
    assert mdc_for(frame).tolist() == [5.0, 1.5, 5.0]
    assert beyond(pd.Series([4.9, 5.0, 5.1]), 5.0).tolist() == [False, False, True]


def test_body_region_mapping_straight_leg_raise_is_thigh():
    """hip -> hip_groin except the straight leg raise -> thigh; knee, ankle and shoulder map to themselves."""
    joints = pd.Series(["hip", "hip", "knee", "ankle", "shoulder"])
    moves = pd.Series(["internal_rotation", "straight_leg_raise", "flexion", "dorsiflexion_lunge", "external_rotation"])
    assert body_region(joints, moves).tolist() == ["hip_groin", "thigh", "knee", "ankle", "shoulder"]


# --------------------------------------------------------------------------- rom_status


def status_fixture() -> pd.DataFrame:
    return rom(
        [
            # athlete 1, hip IR right: screening 30 on 01-01, baseline trials 32 and 34 on 01-05 (-> 33),
            # pre-session 38.1 on 02-01 (+5.1 -> real), post-session 45 on 02-01 (left out).
            (1, "2024-02-01", "hip", "internal_rotation", "right", 45.0, "deg", "post_session"),
            (1, "2024-01-01", "hip", "internal_rotation", "right", 30.0, "deg", "screening"),
            (1, "2024-01-05", "hip", "internal_rotation", "right", 32.0, "deg", "baseline"),
            (1, "2024-01-05", "hip", "internal_rotation", "right", 34.0, "deg", "baseline"),
            (1, "2024-02-01", "hip", "internal_rotation", "right", 38.1, "deg", "pre_session"),
            # athlete 1, hip IR left: baseline 40, then 44.9 (+4.9 -> within error)
            (1, "2024-01-05", "hip", "internal_rotation", "left", 40.0, "deg", "baseline"),
            (1, "2024-02-01", "hip", "internal_rotation", "left", 44.9, "deg", "pre_session"),
            # athlete 2, knee flexion left: no baseline context -> first (130), then 125 (-5.0 exactly -> within)
            (2, "2024-03-10", "knee", "flexion", "left", 125.0, "deg", "follow_up"),
            (2, "2024-03-01", "knee", "flexion", "left", 130.0, "deg", "screening"),
            # athlete 3, lunge: left 10.0 -> 11.6 (+1.6 > 1.5 real); right 10.0 -> 11.4 (within); right measured once more
            (3, "2024-04-01", "ankle", "dorsiflexion_lunge", "left", 10.0, "cm", "screening"),
            (3, "2024-04-15", "ankle", "dorsiflexion_lunge", "left", 11.6, "cm", "follow_up"),
            (3, "2024-04-01", "ankle", "dorsiflexion_lunge", "right", 10.0, "cm", "screening"),
            (3, "2024-04-15", "ankle", "dorsiflexion_lunge", "right", 11.4, "cm", "follow_up"),
            # athlete 4, shoulder ER right measured once: not re-measured
            (4, "2024-05-01", "shoulder", "external_rotation", "right", 95.0, "deg", "screening"),
        ]
    )


def test_rom_status_baseline_latest_change_mdc_boundary_and_percent_of_norm():
    """Hip IR right: baseline = first 'baseline' day 01-05, mean of trials (32 + 34) / 2 = 33; latest 38.1
    (post-session 45 left out); change +5.1 > 5 -> gain; % of norm 38.1 / 45 x 100 = 84.67.
    Hip IR left: 40 -> 44.9, +4.9 -> within measurement error.
    Knee flexion: no baseline context -> first day (130); 125 -> -5.0, not beyond 5 -> within error;
    % of norm 125 / 135 x 100 = 92.59.
    Lunge left +1.6 cm > 1.5 -> gain; right +1.4 -> within. Shoulder ER once -> not re-measured (change missing)."""
    out = rom_status(status_fixture())
    key = out.set_index(["athlete_id", "joint", "side"])
    right = key.loc[(1, "hip", "right")]
    assert right["baseline_date"] == D("2024-01-05") and right["baseline_value"] == 33.0
    assert right["baseline_context"] == "baseline" and right["latest_value"] == 38.1
    assert right["change"] == pytest.approx(5.1) and right["change_real"]  # a gain
    assert right["pct_of_norm"] == pytest.approx(38.1 / 45 * 100) and right["n_dates"] == 3
    left = key.loc[(1, "hip", "left")]
    assert left["change"] == pytest.approx(4.9) and not left["change_real"]  # within measurement error
    knee = key.loc[(2, "knee", "left")]
    assert knee["baseline_context"] == "first" and knee["baseline_value"] == 130.0
    assert knee["change"] == -5.0 and not knee["change_real"]  # within measurement error
    assert knee["pct_of_norm"] == pytest.approx(125 / 135 * 100)
    lunge = key.loc[(3, "ankle", "left")]
    assert lunge["change"] == pytest.approx(1.6) and lunge["change_real"] and lunge["mdc"] == 1.5  # a gain
    assert not key.loc[(3, "ankle", "right")]["change_real"]  # within measurement error
    once = key.loc[(4, "shoulder", "right")]
    assert np.isnan(once["change"]) and not once["change_real"]  # not re-measured


def test_rom_status_loss_and_post_session_option():
    """Knee flexion 130 -> 124.9 (-5.1) -> loss. With include_post_session, athlete 1 hip IR right's
    latest day (02-01) averages pre 38.1 and post 45 -> 41.55."""
    out = rom_status(
        rom(
            [
                (1, "2024-01-01", "knee", "flexion", "left", 130.0, "deg", "screening"),
                (1, "2024-01-09", "knee", "flexion", "left", 124.9, "deg", "screening"),
            ]
        )
    )
    assert out.iloc[0]["change"] == pytest.approx(-5.1) and out.iloc[0]["change_real"]  # a loss
    with_post = rom_status(status_fixture(), include_post_session=True)
    row = with_post[(with_post["athlete_id"] == 1) & (with_post["side"] == "right")].iloc[0]
    assert row["latest_value"] == pytest.approx((38.1 + 45.0) / 2)


def test_rom_status_unsorted_duplicates_and_several_athletes_match_each_alone():
    """Shuffled rows and a duplicated row (same trial twice averages to the same value) change nothing;
    each athlete's rows equal the result for that athlete alone."""
    frame = status_fixture()
    base = rom_status(frame)
    noisy = rom_status(pd.concat([frame, frame.iloc[[1]]]).sample(frac=1, random_state=7))
    pd.testing.assert_frame_equal(base, noisy)
    for athlete in (1, 2, 3, 4):
        alone = rom_status(frame[frame["athlete_id"] == athlete])
        pd.testing.assert_frame_equal(base[base["athlete_id"] == athlete].reset_index(drop=True), alone)


def test_rom_status_refuses_unknown_side():
    bad = rom([(1, "2024-01-01", "knee", "flexion", "middle", 130.0, "deg", "screening")])
    with pytest.raises(pandera.errors.SchemaError):
        rom_status(bad)


# --------------------------------------------------------------------------- rom_symmetry


def symmetry_fixture() -> pd.DataFrame:
    return rom(
        [
            # A: athlete 1 hip IR: L 40, R 34 -> diff 6 > 5 and > 4 (10 % of 40) -> asymmetric
            (1, "2024-01-10", "hip", "internal_rotation", "left", 40.0, "deg", "screening"),
            (1, "2024-01-10", "hip", "internal_rotation", "right", 34.0, "deg", "screening"),
            # B: athlete 1 shoulder ER: L 120, R 114 -> diff 6 > 5 but not > 12 (10 % of 120) -> not
            (1, "2024-01-10", "shoulder", "external_rotation", "left", 120.0, "deg", "screening"),
            (1, "2024-01-10", "shoulder", "external_rotation", "right", 114.0, "deg", "screening"),
            # C: athlete 2 lunge: L 4.0, R 3.0 -> diff 1.0 > 0.4 but not > 1.5 cm -> not
            (2, "2024-01-10", "ankle", "dorsiflexion_lunge", "left", 4.0, "cm", "screening"),
            (2, "2024-01-10", "ankle", "dorsiflexion_lunge", "right", 3.0, "cm", "screening"),
            # D: athlete 2 lunge later: L 12.0, R 10.4 -> diff 1.6 > 1.5 and > 1.2 -> asymmetric
            (2, "2024-02-10", "ankle", "dorsiflexion_lunge", "left", 12.0, "cm", "screening"),
            (2, "2024-02-10", "ankle", "dorsiflexion_lunge", "right", 10.4, "cm", "screening"),
            # E: athlete 3 knee: only the left side on 01-10, both on 01-20 (50 / 50 -> equal)
            (3, "2024-01-10", "knee", "flexion", "left", 140.0, "deg", "screening"),
            (3, "2024-01-20", "knee", "flexion", "left", 130.0, "deg", "screening"),
            (3, "2024-01-20", "knee", "flexion", "right", 130.0, "deg", "screening"),
            # F: athlete 4 straight leg raise: L 70, R 80
            (4, "2024-03-01", "hip", "straight_leg_raise", "left", 70.0, "deg", "screening"),
            (4, "2024-03-01", "hip", "straight_leg_raise", "right", 80.0, "deg", "screening"),
        ]
    )


def test_asymmetry_needs_both_mdc_and_ten_percent_of_larger_side():
    """A: 6 > 5 and 6 > 4 -> asymmetric. B: 6 > 5 but 6 <= 12 -> not. C: 1.0 <= 1.5 cm -> not (though > 0.4).
    D (history): 1.6 > 1.5 and > 1.2 -> asymmetric."""
    out = rom_symmetry(symmetry_fixture(), latest_only=False)
    got = {
        (r.athlete_id, r.joint, r.date.month): (r.exceeds_mdc, r.exceeds_fraction, r.asymmetric)
        for r in out.itertuples()
    }
    assert got[(1, "hip", 1)] == (True, True, True)
    assert got[(1, "shoulder", 1)] == (True, False, False)
    assert got[(2, "ankle", 1)] == (False, True, False)
    assert got[(2, "ankle", 2)] == (True, True, True)
    latest = rom_symmetry(symmetry_fixture())
    assert latest[latest["athlete_id"] == 2]["date"].tolist() == [D("2024-02-10")]


def test_lsi_involved_is_smaller_side_without_injury_and_same_day_pairs_only():
    """A without injury: involved = the smaller (right 34) -> LSI 34 / 40 x 100 = 85.0.
    E: 01-10 has only the left side -> not compared; 01-20 both 130 -> equal, no involved side, LSI 100.
    F: SLR left 70 smaller -> 70 / 80 x 100 = 87.5."""
    out = rom_symmetry(symmetry_fixture()).set_index(["athlete_id", "joint", "movement"])
    a = out.loc[(1, "hip", "internal_rotation")]
    assert (a["involved_side"], a["involved_basis"], a["lsi"]) == ("right", "smaller", 85.0)
    e = out.loc[(3, "knee", "flexion")]
    assert (
        e["date"] == D("2024-01-20")
        and pd.isna(e["involved_side"])
        and e["involved_basis"] == "equal"
        and e["lsi"] == 100.0
    )
    assert out.loc[(4, "hip", "straight_leg_raise")]["lsi"] == 87.5


def test_lsi_involved_is_the_injured_side_of_the_region_before_the_measurement():
    """Athlete 1 injured the left hip/groin on 01-01 (before 01-10) -> involved left: LSI 40 / 34 x 100 = 117.65.
    Athlete 4 injured the right thigh on 02-01 -> the SLR (thigh) involved side is right: 80 / 70 x 100 = 114.29.
    A right-knee injury after athlete 3's 01-20 measurement and a bilateral one do not count."""
    inj = injuries(
        [
            (1, 1, "2024-01-01", "hip_groin", "left"),
            (2, 4, "2024-02-01", "thigh", "right"),
            (3, 3, "2024-02-01", "knee", "right"),
            (4, 3, "2024-01-01", "knee", "bilateral"),
        ]
    )
    out = rom_symmetry(symmetry_fixture(), inj).set_index(["athlete_id", "joint", "movement"])
    a = out.loc[(1, "hip", "internal_rotation")]
    assert (a["involved_side"], a["involved_basis"], a["injury_id"]) == ("left", "injury", 1)
    assert a["lsi"] == pytest.approx(40 / 34 * 100)
    f = out.loc[(4, "hip", "straight_leg_raise")]
    assert f["involved_side"] == "right" and f["lsi"] == pytest.approx(80 / 70 * 100)
    assert out.loc[(3, "knee", "flexion")]["involved_basis"] == "equal"
    # the shoulder of athlete 1 is not in the hip/groin region
    assert out.loc[(1, "shoulder", "external_rotation")]["involved_basis"] == "smaller"
