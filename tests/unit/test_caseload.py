"""Unit tests of analytics.caseload: flag severity, the 7-day pain trend, the caseload and its attention
order, ROM history, episodes and Kaplan-Meier athlete vs team (their words: tests/unit/test_views.py).

Every expected number is worked out by hand in the test's docstring.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics import caseload as C
from analytics.recovery import recovery_episodes
from analytics.recurrence import classify_injuries

D = pd.Timestamp
AS_OF = D("2025-10-20")
METHOD = {"deg": "goniometer", "cm": "tape"}


def pain(rows: list[tuple]) -> pd.DataFrame:
    """Pain reports from (athlete_id, date, body_region, side, pain) rows."""
    frame = pd.DataFrame(rows, columns=["athlete_id", "date", "body_region", "side", "pain"])
    return frame.assign(date=pd.to_datetime(frame["date"]))


def injuries(rows: list[tuple]) -> pd.DataFrame:
    """Injuries from (injury_id, athlete_id, onset, region, side, return_date or None) rows, muscle strains."""
    frame = pd.DataFrame(rows, columns=["injury_id", "athlete_id", "onset_date", "body_region", "side", "return_date"])
    return frame.assign(
        onset_date=pd.to_datetime(frame["onset_date"]),
        return_date=pd.to_datetime(frame["return_date"]),
        injury_type="muscle_strain",
    )


def flags(rows: list[tuple]) -> pd.DataFrame:
    """Flags from (athlete_id, date, kind, body_region, side) rows, with a rule and values text."""
    frame = pd.DataFrame(rows, columns=["athlete_id", "date", "kind", "body_region", "side"])
    return frame.assign(
        date=pd.to_datetime(frame["date"]),
        rule="the rule",
        values=frame["kind"] + " values",
        baseline_n=pd.array([pd.NA] * len(frame), dtype="Int64"),
    )[["athlete_id", "date", "kind", "rule", "values", "baseline_n", "body_region", "side"]]


def sessions(rows: list[tuple]) -> pd.DataFrame:
    """Therapy sessions from (session_id, athlete_id, date, technique, region, side, before, after) rows."""
    frame = pd.DataFrame(
        rows,
        columns=["session_id", "athlete_id", "date", "technique", "body_region", "side", "pain_before", "pain_after"],
    )
    return frame.assign(
        date=pd.to_datetime(frame["date"]),
        minutes=30,
        pain_before=frame["pain_before"].astype("Int64"),
        pain_after=frame["pain_after"].astype("Int64"),
    )


def rom(rows: list[tuple]) -> pd.DataFrame:
    """Measurements from (athlete, date, joint, movement, side, value, unit, context) rows."""
    frame = pd.DataFrame(rows, columns=["athlete_id", "date", "joint", "movement", "side", "value", "unit", "context"])
    return frame.assign(date=pd.to_datetime(frame["date"]), method=frame["unit"].map(METHOD))


def athletes(ids_names: list[tuple[int, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "athlete_id": [a for a, _ in ids_names],
            "display_name": [n for _, n in ids_names],
            "team": "Team A",
            "team_id": 1,
        }
    )


# --------------------------------------------------------------------------- flags and pain trend


def test_flag_severity_is_red_for_pain_and_injury_flags():
    kinds = pd.Series(["pain_spike", "persistent_pain", "new_pain_injured_region", "ostrc_substantial"])
    assert list(C.flag_severity(kinds)) == ["red"] * 4
    assert list(C.flag_severity(pd.Series(["rom_asymmetry", "wellness_drop", "missing_checkin"]))) == ["amber"] * 3


def test_pain_direction_compares_this_week_with_the_week_before():
    """as_of 20 Oct: this week = 14-20 Oct, the week before = 7-13 Oct.

    - left thigh: before 6 (8 Oct), 4 (10 Oct) -> 5.0; now 3 (15 Oct), 1 (20 Oct) -> 2.0; change -3 -> better.
      The 9 on 21 Oct is after as_of and ignored (latest stays 1 on 20 Oct).
    - right knee: before 2 (12 Oct), now 3 (19 Oct): +1.0 exactly -> worse (the rule is >= 1 point).
    - left knee: before 2; now 3 and 2 -> 2.5; +0.5 -> steady.
    - lower back: only this week -> new; right ankle: only the week before -> no report this week;
      left foot: last report 1 Oct (19 days back) -> no recent report.
    """
    p = pain(
        [
            (1, "2025-10-08", "thigh", "left", 6),
            (1, "2025-10-10", "thigh", "left", 4),
            (1, "2025-10-15", "thigh", "left", 3),
            (1, "2025-10-20", "thigh", "left", 1),
            (1, "2025-10-21", "thigh", "left", 9),
            (1, "2025-10-12", "knee", "right", 2),
            (1, "2025-10-19", "knee", "right", 3),
            (1, "2025-10-12", "knee", "left", 2),
            (1, "2025-10-18", "knee", "left", 3),
            (1, "2025-10-19", "knee", "left", 2),
            (1, "2025-10-20", "lower_back", "central", 4),
            (1, "2025-10-09", "ankle", "right", 5),
            (1, "2025-10-01", "foot", "left", 2),
        ]
    )
    out = C.pain_direction(p, AS_OF).set_index(["body_region", "side"])
    thigh = out.loc[("thigh", "left")]
    assert (thigh["mean_before"], thigh["mean_now"], thigh["change"]) == (5.0, 2.0, -3.0)
    assert thigh["trend"] == "better"
    assert (thigh["latest_date"], thigh["latest_pain"]) == (D("2025-10-20"), 1)
    assert out.loc[("knee", "right"), "trend"] == "worse" and out.loc[("knee", "right"), "change"] == 1.0
    assert out.loc[("knee", "left"), "trend"] == "steady" and out.loc[("knee", "left"), "change"] == 0.5
    assert out.loc[("lower_back", "central"), "trend"] == "new"
    assert out.loc[("ankle", "right"), "trend"] == "no report this week"
    assert out.loc[("foot", "left"), "trend"] == "no recent report"
    assert np.isnan(out.loc[("foot", "left"), "change"])


# --------------------------------------------------------------------------- caseload


def test_caseload_lists_open_injuries_and_flags_in_attention_order():
    """as_of 20 Oct. In scope: Ada 1, Ben 2, Cai 3, Dee 4, Eve 5, Gus 7 (Fay 6 is out of scope).

    - Ada: a red pain spike (left thigh); left thigh 6 on 20 Oct only -> "↑ new"; two sessions on 15 Oct,
      the later id (12, active release) is the last one, 5 days ago.
    - Ben: open right knee strain since 10 Oct (10 d) and an amber missing check-in; right knee 2 (12 Oct)
      -> 3 (19 Oct): +1 -> "↑ worse"; his left knee 8 on 19 Oct has the wrong side and is not his pain.
    - Cai: open left thigh strain since 1 Oct (19 d); left thigh 7 and 7 -> steady at 7; chronic left thigh.
    - Dee: amber wellness drop only (no region: pain "—"), never treated.
    - Eve: amber ROM asymmetry at the left hip (no hip report: "none reported"), session 10 d ago.
    - Gus: nothing open -> not listed; Fay: out of scope -> not listed; Ben's returned injury is not open.

    Order: red flags (Ada), then rising trend (Ben), then highest pain (Cai 7), then Dee and Eve with no pain,
    longest since a session first: Dee (never) before Eve (10 d).
    """
    people = athletes([(1, "Ada"), (2, "Ben"), (3, "Cai"), (4, "Dee"), (5, "Eve"), (7, "Gus")])
    inj = injuries(
        [
            (1, 2, "2025-10-10", "knee", "right", None),
            (2, 3, "2025-10-01", "thigh", "left", None),
            (3, 6, "2025-10-01", "thigh", "left", None),
            (4, 2, "2025-05-01", "ankle", "left", "2025-05-20"),
        ]
    )
    open_flags = flags(
        [
            (1, "2025-10-20", "pain_spike", "thigh", "left"),
            (2, "2025-10-20", "missing_checkin", None, None),
            (4, "2025-10-20", "wellness_drop", None, None),
            (5, "2025-10-03", "rom_asymmetry", "hip_groin", "left"),
        ]
    )
    p = pain(
        [
            (1, "2025-10-20", "thigh", "left", 6),
            (2, "2025-10-12", "knee", "right", 2),
            (2, "2025-10-19", "knee", "right", 3),
            (2, "2025-10-19", "knee", "left", 8),
            (3, "2025-10-12", "thigh", "left", 7),
            (3, "2025-10-19", "thigh", "left", 7),
        ]
    )
    s = sessions(
        [
            (11, 1, "2025-10-15", "myofascial_release", "thigh", "left", 5, 3),
            (12, 1, "2025-10-15", "active_release", "thigh", "left", 4, 2),
            (13, 3, "2025-10-18", "active_release", "thigh", "left", 7, 5),
            (14, 5, "2025-10-10", "stretching", "hip_groin", "left", 1, 0),
        ]
    )
    chronic = pd.DataFrame(
        {"athlete_id": [3, 2], "body_region": ["thigh", "knee"], "side": ["left", "right"], "chronic": [True, False]}
    )
    out = C.caseload(people, inj, open_flags, p, s, chronic, AS_OF).set_index("display_name")
    assert list(out.index) == ["Ada", "Ben", "Cai", "Dee", "Eve"]
    assert list(out["attention"]) == [1, 2, 3, 4, 5]
    assert (out.loc["Ada", "n_red"], out.loc["Ada", "n_amber"], out.loc["Ben", "n_amber"]) == (1, 0, 1)
    assert out.loc["Ada", "trend"] == "new" and out.loc["Ada", "current_pain"] == 6.0
    assert (out.loc["Ada", "pain_region"], out.loc["Ada", "pain_side"]) == ("thigh", "left")
    assert out.loc["Ada", "last_technique"] == "active_release" and out.loc["Ada", "days_since_session"] == 5
    assert (out.loc["Ben", "current_pain"], out.loc["Ben", "trend"]) == (3.0, "worse")
    assert pd.isna(out.loc["Ben", "last_session_date"])
    assert out.loc["Cai", "chronic"] and not out.loc["Ben", "chronic"]
    assert out.loc["Cai", "days_since_session"] == 2
    assert not out.loc["Dee", "region_named"] and np.isnan(out.loc["Dee", "current_pain"])
    assert np.isnan(out.loc["Dee", "days_since_session"])
    assert out.loc["Eve", "region_named"] and np.isnan(out.loc["Eve", "current_pain"])
    assert out.loc["Eve", "days_since_session"] == 10
    assert out.loc["Cai", "n_open_injuries"] == 1 and out.loc["Dee", "n_open_injuries"] == 0


def test_caseload_is_empty_without_open_injuries_or_flags():
    people = athletes([(1, "Ada")])
    inj = injuries([(1, 1, "2025-05-01", "ankle", "left", "2025-05-20")])
    out = C.caseload(people, inj, flags([]), pain([]), sessions([]), None, AS_OF)
    assert out.empty and "attention" in out.columns


# --------------------------------------------------------------------------- ROM


def test_rom_history_marks_changes_within_measurement_error():
    """Left hip internal rotation (MDC 5 deg, norm 45 deg):

    1 Sep 40 and 42 (trials averaged: 41, first); 15 Sep pre-session 44 (+3: within error; the post-session 50
    is left out); 1 Oct 50 (+6: real gain); 15 Oct 43 (-7: real loss; +2 since the first day: within error).
    Right: 1 Sep 45 only (first measurement).
    """
    r = rom(
        [
            (1, "2025-09-01", "hip", "internal_rotation", "left", 40, "deg", "screening"),
            (1, "2025-09-01", "hip", "internal_rotation", "left", 42, "deg", "screening"),
            (1, "2025-09-15", "hip", "internal_rotation", "left", 44, "deg", "pre_session"),
            (1, "2025-09-15", "hip", "internal_rotation", "left", 50, "deg", "post_session"),
            (1, "2025-10-01", "hip", "internal_rotation", "left", 50, "deg", "follow_up"),
            (1, "2025-10-15", "hip", "internal_rotation", "left", 43, "deg", "screening"),
            (1, "2025-09-01", "hip", "internal_rotation", "right", 45, "deg", "screening"),
        ]
    )
    h = C.rom_history(r)
    left = h[h["side"] == "left"].reset_index(drop=True)
    assert list(left["value"]) == [41.0, 44.0, 50.0, 43.0]
    assert list(left["n_trials"]) == [2, 1, 1, 1]
    assert list(left["change"].fillna(-99)) == [-99, 3.0, 6.0, -7.0]
    assert list(left["change_real"]) == [False, False, True, True]
    assert list(left["change_from_first"]) == [0.0, 3.0, 9.0, 2.0]
    assert list(left["from_first_real"]) == [False, False, True, False]
    assert (left["mdc"] == 5.0).all() and (left["normal_value"] == 45.0).all()
    right = h[h["side"] == "right"]
    assert right["change"].isna().all() and not right["change_real"].any()  # the first measurement
    assert len(C.rom_history(r, include_post_session=True)) == 5  # the post-session day joins the 15 Sep mean


def test_rom_history_of_no_measurements_has_the_columns_and_types():
    r = rom([(1, "2025-09-01", "hip", "internal_rotation", "left", 40, "deg", "post_session")])
    h = C.rom_history(r)  # the only trial is post-session: left out
    assert h.empty
    assert list(h.columns) == list(C.rom_history(r, include_post_session=True).columns)
    assert (h["date"].dtype, h["change_real"].dtype, h["n_trials"].dtype) == (
        np.dtype("datetime64[ns]"),
        np.dtype(bool),
        np.dtype(np.int64),
    )


def test_rom_history_orders_athletes_measures_sides_and_days():
    """Rows come sorted by athlete, joint, movement, unit, side and date whatever the input order; each side's
    change is against its own previous day, and a measure without a norm has no normal value."""
    r = rom(
        [
            (2, "2025-09-02", "knee", "flexion", "right", 120, "deg", "screening"),
            (1, "2025-09-08", "knee", "flexion", "left", 131, "deg", "screening"),
            (1, "2025-09-01", "knee", "flexion", "left", 125, "deg", "screening"),
            (1, "2025-09-01", "ankle", "dorsiflexion_lunge", "left", 9, "cm", "screening"),
            (1, "2025-09-01", "elbow", "flexion", "left", 140, "deg", "screening"),
        ]
    )
    h = C.rom_history(r)
    assert list(zip(h["athlete_id"], h["joint"], h["date"].dt.day, strict=True)) == [
        (1, "ankle", 1),
        (1, "elbow", 1),
        (1, "knee", 1),
        (1, "knee", 8),
        (2, "knee", 2),
    ]
    assert list(h["change"].fillna(-99)) == [-99, -99, -99, 6.0, -99]
    assert list(h["previous_date"].dt.day.fillna(0)) == [0, 0, 0, 1, 0]
    assert np.isnan(h.loc[1, "normal_value"]) and list(h["first_date"].dt.day) == [1, 1, 1, 1, 2]


def test_rom_since_injury_starts_each_measure_at_its_regions_latest_injury():
    """A hip/groin injury on 20 Sep (on or after start 1 Sep): hip measures count from 20 Sep, so the 1 Sep
    hip rotation is left out; the ankle has no injury and keeps both days; the knee injury of 1 Aug began
    before start and is ignored."""
    r = rom(
        [
            (1, "2025-09-01", "hip", "internal_rotation", "right", 30, "deg", "screening"),
            (1, "2025-10-01", "hip", "internal_rotation", "right", 38, "deg", "screening"),
            (1, "2025-09-01", "ankle", "dorsiflexion_lunge", "right", 9, "cm", "screening"),
            (1, "2025-10-01", "ankle", "dorsiflexion_lunge", "right", 10, "cm", "screening"),
            (1, "2025-09-01", "knee", "flexion", "right", 130, "deg", "screening"),
        ]
    )
    inj = injuries([(1, 1, "2025-09-20", "hip_groin", "right", None), (2, 1, "2025-08-01", "knee", "right", None)])
    kept = C.rom_since_injury(r, inj, start="2025-09-01")
    assert sorted(zip(kept["joint"], kept["date"].dt.strftime("%m-%d"), strict=True)) == [
        ("ankle", "09-01"),
        ("ankle", "10-01"),
        ("hip", "10-01"),
        ("knee", "09-01"),
    ]
    assert C.rom_since_injury(r, None) is r


# --------------------------------------------------------------------------- episodes and Kaplan-Meier


def episodes_example() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Athlete 1: left thigh strain 1 Mar (returned 20 Mar; pain 6, 1, 0, 1 on 1, 5, 6, 7 Mar: resolved on
    5 Mar, 4 days), the same again on 10 Apr (21 days after the return: early recurrence; open, pain 5 on
    12 Apr). Athlete 2: right knee strain 1 Mar, pain 4 then 0, 0, 0 on 11-13 Mar: resolved day 10."""
    inj = injuries(
        [
            (1, 1, "2025-03-01", "thigh", "left", "2025-03-20"),
            (2, 1, "2025-04-10", "thigh", "left", None),
            (3, 2, "2025-03-01", "knee", "right", "2025-03-15"),
        ]
    )
    p = pain(
        [
            (1, "2025-03-01", "thigh", "left", 6),
            (1, "2025-03-05", "thigh", "left", 1),
            (1, "2025-03-06", "thigh", "left", 0),
            (1, "2025-03-07", "thigh", "left", 1),
            (1, "2025-04-12", "thigh", "left", 5),
            (2, "2025-03-01", "knee", "right", 4),
            (2, "2025-03-11", "knee", "right", 0),
            (2, "2025-03-12", "knee", "right", 0),
            (2, "2025-03-13", "knee", "right", 0),
        ]
    )
    return inj, recovery_episodes(inj, p, as_of="2025-04-20")


def test_episode_table_joins_category_and_recovery():
    inj, eps = episodes_example()
    out = C.episode_table(inj[inj["athlete_id"] == 1], eps, "2025-04-20")
    assert list(out["injury_id"]) == [2, 1]
    assert list(out["category"]) == ["recurrent_early", "new"]
    assert list(out["status"]) == ["open", "returned"]
    assert list(out["resolved"]) == [False, True]
    assert list(out["days_since_onset"]) == [10, 50]
    assert out.loc[1, "days_to_resolution"] == 4.0


def test_km_athlete_vs_team_names_both_groups():
    """Team: 3 episodes (resolved on days 4 and 10, one censored at day 10); athlete 1: resolved day 4 and
    censored day 10 -> median 4 days (the curve falls to 0.5 on day 4). An athlete without episodes gets
    only the team's curve."""
    _, eps = episodes_example()
    curves, medians = C.km_athlete_vs_team(eps, 1, athlete_label="Ada", team_label="Team A")
    assert set(curves["group"]) == {"Ada", "Team A"}
    m = medians.set_index("group")
    assert (m.loc["Ada", "n"], m.loc["Ada", "events"], m.loc["Ada", "median_days"]) == (2, 1, 4.0)
    assert (m.loc["Team A", "n"], m.loc["Team A", "censored"]) == (3, 1)
    curves, _ = C.km_athlete_vs_team(eps, 99)
    assert set(curves["group"]) == {"Team"}


def test_episode_table_takes_classified_injuries_it_is_given():
    inj, eps = episodes_example()
    mine = inj[inj["athlete_id"] == 1]
    given = C.episode_table(mine, eps, "2025-04-20", classified=classify_injuries(mine))
    pd.testing.assert_frame_equal(given, C.episode_table(mine, eps, "2025-04-20"))


def test_km_athlete_vs_team_puts_the_team_first_even_with_the_same_label():
    _, eps = episodes_example()
    curves, medians = C.km_athlete_vs_team(eps, 1, athlete_label="Same", team_label="Same")
    assert list(medians["n"]) == [3, 2]  # the team's row, then the athlete's
    assert curves["group"].eq("Same").all()
    assert list(curves.loc[curves["days"] == 0, "at_risk"]) == [3, 2]  # each curve starts at day 0: team first
