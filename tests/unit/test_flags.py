"""Unit tests of analytics.flags: each flag against a worked example, the today board and the history.

Every expected number is worked out by hand in the test's docstring. Performance is measured by
`python -m bench`, not here.
"""

from __future__ import annotations

import datetime as dt
import itertools
from functools import partial

import pandas as pd
import pytest

from analytics import schemas as S
from analytics.flags import (
    FLAG_IDENTITY,
    FLAG_KINDS,
    FlagRules,
    compute_flags,
    flag_identity,
    missing_checkin_flags,
    new_pain_flags,
    open_flags,
    ostrc_flags,
    pain_spike_flags,
    persistent_pain_flags,
    rom_asymmetry_flags,
    wellness_drop_flags,
)
from tests import factories

D = pd.Timestamp
DAY_ZERO = D("2024-01-01")  # a Monday; the rows below give days as numbers counted from it


def day(n: int) -> pd.Timestamp:
    """Day n of the test calendar (day 0 = DAY_ZERO)."""
    return DAY_ZERO + pd.Timedelta(days=n)


pain = partial(factories.pain_reports, day_zero=DAY_ZERO)
injuries = partial(factories.injuries, day_zero=DAY_ZERO)
rom = partial(
    factories.rom_measurements,
    columns=("athlete_id", "date", "joint", "movement", "side", "value", "unit"),
    day_zero=DAY_ZERO,
)
ostrc = partial(factories.ostrc_responses, day_zero=DAY_ZERO)
athletes = partial(factories.athletes, columns=("athlete_id", "active"))


def checkins(rows: list[tuple]) -> pd.DataFrame:
    """Check-ins from (athlete_id, day number, (fatigue, sleep_quality, soreness, stress, mood)) rows."""
    flat = [(athlete_id, n, *items) for athlete_id, n, items in rows]
    return factories.wellness_checkins(flat, ("athlete_id", "date", *factories.WELLNESS_ITEMS), day_zero=DAY_ZERO)


def test_flag_kinds_match_the_output_schema():
    assert list(FLAG_KINDS) == S.Flags.to_schema().columns["kind"].checks[0].statistics["allowed_values"]


# --------------------------------------------------------------------------- pain spike


def spike_reports(today: int, baseline: list[int]) -> pd.DataFrame:
    """Knee-left reports of athlete 1: `baseline` on days 30 - len .. 29 (inside the 28 days before day 30
    only if len <= 28), and `today` on day 30; plus a 9 on day 1 (29 days before: outside the baseline)."""
    rows = [(1, 30 - len(baseline) + i, "knee", "left", p) for i, p in enumerate(baseline)]
    return pain([*rows, (1, 30, "knee", "left", today), (1, 1, "knee", "left", 9)])


def test_pain_spike_today_at_least_own_mean_plus_2_with_7_baseline_reports():
    """Baseline (days 2..29): 2, 2, 3, 2, 3, 2, 2 -> mean 16 / 7 = 2.29, n 7 (the 9 on day 1 is 29 days
    back: outside; today is excluded). Today 5 >= 4.29 -> flag; today 4 < 4.29 -> none."""
    flags = pain_spike_flags(spike_reports(5, [2, 2, 3, 2, 3, 2, 2]), as_of=day(30))
    assert len(flags) == 1
    row = flags.iloc[0]
    assert (row["athlete_id"], row["date"], row["kind"], row["baseline_n"]) == (1, day(30), "pain_spike", 7)
    assert (row["body_region"], row["side"]) == ("knee", "left")
    assert row["values"] == "knee left: pain 5 vs mean 2.3 (threshold 4.3)"
    assert "28-day mean + 2 points" in row["rule"]
    assert pain_spike_flags(spike_reports(4, [2, 2, 3, 2, 3, 2, 2]), as_of=day(30)).empty


def test_pain_spike_boundary_and_minimum_baseline():
    """Baseline seven 2s -> mean 2; today 4 = 2 + 2 -> flag (>=). Six reports -> no flag (needs 7), unless
    the rule's minimum is lowered to 6."""
    assert len(pain_spike_flags(spike_reports(4, [2] * 7), as_of=day(30))) == 1
    assert pain_spike_flags(spike_reports(9, [2] * 6), as_of=day(30)).empty
    assert len(pain_spike_flags(spike_reports(9, [2] * 6), as_of=day(30), rules=FlagRules(pain_min_baseline=6))) == 1


# --------------------------------------------------------------------------- persistent pain


def test_persistent_pain_five_consecutive_reports_at_3_or_more():
    """Knee left reports (day: pain) 1: 3, 2: 4, 3: 2, 4: 3, 6: 5, 7: 3, 8: 4, 9: 3, 12: 1. The 2 on day 3
    breaks the first run; the next run (days 4, 6, 7, 8, 9; the missing day 5 does not break a run of
    reports) reaches 5 reports on day 9 -> flag; day 12 (1) ends it. The right knee (other side) has four
    3s -> never 5. History from day 0: one flag (day 9)."""
    rows = [
        (1, d, "knee", "left", p) for d, p in [(1, 3), (2, 4), (3, 2), (4, 3), (6, 5), (7, 3), (8, 4), (9, 3), (12, 1)]
    ]
    rows += [(1, d, "knee", "right", 3) for d in (4, 6, 7, 8)]
    history = persistent_pain_flags(pain(rows), as_of=day(12), start=day(0))
    assert history["date"].tolist() == [day(9)]
    assert history.iloc[0]["values"] == "knee left: NPRS >= 3 on 5 consecutive reports, latest 3"
    assert persistent_pain_flags(pain(rows), as_of=day(9)).shape[0] == 1
    assert persistent_pain_flags(pain(rows), as_of=day(12)).empty  # day 12's report is a 1


# --------------------------------------------------------------------------- new pain in an injured region


def test_new_pain_in_a_region_injured_and_returned_before():
    """Injury 7: knee left, onset day 0, returned day 19. Reports: day 10 knee left 5 (injury not yet
    returned: expected pain, no flag); day 40 knee left 3 (previous report day 10, 30 days back -> new ->
    flag); day 41 knee left 4 (previous day 40 was 3 -> not new); day 50 knee left 0 then day 51 knee
    left 2 (after a 0 -> new -> flag); day 60 right knee 6 (other side, never injured -> none); day 70
    bilateral knee 2 (compatible with left; previous bilateral report none -> flag)."""
    rows = [
        (1, 10, "knee", "left", 5),
        (1, 40, "knee", "left", 3),
        (1, 41, "knee", "left", 4),
        (1, 50, "knee", "left", 0),
    ]
    rows += [(1, 51, "knee", "left", 2), (1, 60, "knee", "right", 6), (1, 70, "knee", "bilateral", 2)]
    inj = injuries([(7, 1, 0, "knee", "left", 19)])
    out = new_pain_flags(pain(rows), inj, as_of=day(80), start=day(0))
    assert out["date"].tolist() == [day(40), day(51), day(70)]
    assert out["side"].tolist() == ["left", "left", "bilateral"]
    assert (
        out.iloc[0]["values"]
        == "knee left: pain 3 after no recent report; injury 7 (muscle_strain, onset 2024-01-01, returned 2024-01-20)"
    )
    assert out.iloc[1]["values"].startswith("knee left: pain 2 after 0 on 2024-02-20;")
    assert new_pain_flags(pain(rows), injuries([(7, 1, 0, "knee", "left", None)]), as_of=day(80), start=day(0)).empty


# --------------------------------------------------------------------------- ROM asymmetry


def test_rom_asymmetry_today_board_shows_latest_within_28_days_history_shows_each():
    """Athlete 1 hip IR: day 10 L 40 / R 34 (diff 6 > 5 and > 4 -> asymmetric); day 50 L 40 / R 39 (not).
    Athlete 2 knee flexion: day 20 L 140 / R 120 (20 > 5 and > 14 -> asymmetric).
    Today board as_of day 30: athlete 1's latest (day 10, 20 days ago) and athlete 2's (day 20) -> 2 flags,
    dated on the measurement days. As of day 60: athlete 1's latest (day 50) is symmetric; athlete 2's is
    40 days old (> 28) -> none. History days 0-60: days 10 and 20."""
    frame = rom(
        [
            (1, 10, "hip", "internal_rotation", "left", 40.0, "deg"),
            (1, 10, "hip", "internal_rotation", "right", 34.0, "deg"),
            (1, 50, "hip", "internal_rotation", "left", 40.0, "deg"),
            (1, 50, "hip", "internal_rotation", "right", 39.0, "deg"),
            (2, 20, "knee", "flexion", "left", 140.0, "deg"),
            (2, 20, "knee", "flexion", "right", 120.0, "deg"),
        ]
    )
    board = rom_asymmetry_flags(frame, as_of=day(30))
    assert board[["athlete_id", "date", "body_region", "side"]].values.tolist() == [
        [1, day(10), "hip_groin", "right"],
        [2, day(20), "knee", "right"],
    ]
    assert (  # codes: `views.words.values_words` words them
        board.iloc[0]["values"]
        == "hip/internal_rotation: left 40 deg, right 34 deg, |diff| 6 > MDC 5 and > 4; LSI 85 %"
    )
    assert rom_asymmetry_flags(frame, as_of=day(60)).empty
    assert rom_asymmetry_flags(frame, as_of=day(60), start=day(0))["date"].tolist() == [day(10), day(20)]


# --------------------------------------------------------------------------- wellness drop


def wellness(totals_items: list[tuple[int, int, int, int, int]], today: tuple | None) -> pd.DataFrame:
    rows = [(1, i, items) for i, items in enumerate(totals_items)]
    if today is not None:
        rows.append((1, len(totals_items), today))
    return checkins(rows)


BASE7 = [
    (4, 4, 4, 4, 4),
    (5, 4, 4, 4, 4),
    (3, 4, 4, 4, 4),
    (4, 4, 4, 4, 4),
    (5, 4, 4, 4, 4),
    (3, 4, 4, 4, 4),
    (4, 4, 4, 4, 4),
]


def test_wellness_drop_at_least_1_5_sd_below_own_28_day_mean():
    """Baseline totals 20, 21, 19, 20, 21, 19, 20 -> mean 20, sample SD sqrt(4 / 6) = 0.8165;
    1.5 SD = 1.2247. Today 18 (2, 4, 4, 4, 4): drop 2 >= 1.2247 -> flag (2 / 0.8165 = 2.4 SD), baseline_n 7.
    Today 19: drop 1 < 1.2247 -> none. Today with a missing item: no total -> none."""
    out = wellness_drop_flags(wellness(BASE7, (2, 4, 4, 4, 4)), as_of=day(7))
    assert len(out) == 1 and out.iloc[0]["baseline_n"] == 7
    assert out.iloc[0]["values"] == "total 18 vs mean 20 (SD 0.8); drop 2 = 2.4 SD"
    assert wellness_drop_flags(wellness(BASE7, (3, 4, 4, 4, 4)), as_of=day(7)).empty
    assert wellness_drop_flags(wellness(BASE7, (None, 4, 4, 4, 4)), as_of=day(7)).empty


def test_wellness_drop_minimum_baseline_is_a_parameter_and_flat_baseline():
    """Six baseline check-ins -> none by default (needs 7); with wellness_min_baseline=6 -> flag
    (totals 20, 21, 19, 20, 21, 19: mean 20, SD sqrt(4 / 5) = 0.894; drop 2 >= 1.342).
    Flat baseline (seven 20s, SD 0): today 19 -> flag (any drop); today 20 -> none (no drop)."""
    six = wellness(BASE7[:6], (2, 4, 4, 4, 4))
    assert wellness_drop_flags(six, as_of=day(6)).empty
    assert len(wellness_drop_flags(six, as_of=day(6), rules=FlagRules(wellness_min_baseline=6))) == 1
    flat = [(4, 4, 4, 4, 4)] * 7
    assert wellness_drop_flags(wellness(flat, (3, 4, 4, 4, 4)), as_of=day(7)).iloc[0]["values"].endswith("= inf SD")
    assert wellness_drop_flags(wellness(flat, (4, 4, 4, 4, 4)), as_of=day(7)).empty
    with pytest.raises(ValueError):
        FlagRules(wellness_min_baseline=1)


# --------------------------------------------------------------------------- missing check-in


def test_missing_checkin_after_three_days_without_one():
    """Check-ins on days 0 and 1. As of day 4: last 3 days (2, 3, 4) without -> flag "3 days before";
    as of day 3: only days 2, 3 missing -> none. History days 0-8 with a check-in on day 6: flagged days
    4 and 5 (6 checked in; 7 and 8 are only 1-2 days after) -> 2 rows."""
    c = checkins([(1, 0, (3,) * 5), (1, 1, (3,) * 5)])
    board = missing_checkin_flags(c, as_of=day(4))
    assert board["date"].tolist() == [day(4)] and board.iloc[0]["values"] == "last check-in 2024-01-02 (3 days before)"
    assert missing_checkin_flags(c, as_of=day(3)).empty
    c6 = checkins([(1, 0, (3,) * 5), (1, 1, (3,) * 5), (1, 6, (3,) * 5)])
    assert missing_checkin_flags(c6, as_of=day(8), start=day(0))["date"].tolist() == [day(4), day(5)]


def test_missing_checkin_with_roster_active_only_and_never_checked_in():
    """Athlete 2 is inactive (not expected); athlete 3 is active and has no check-in on record -> flagged
    on every day of the range; athlete 1 checked in today -> none."""
    c = checkins([(1, 5, (3,) * 5), (2, 0, (3,) * 5)])
    roster = athletes([(1, True), (2, False), (3, True)])
    out = missing_checkin_flags(c, roster, as_of=day(5), start=day(4))
    assert out[["athlete_id", "date", "values"]].values.tolist() == [
        [3, day(4), "no check-in on record"],
        [3, day(5), "no check-in on record"],
    ]


# --------------------------------------------------------------------------- OSTRC


def test_ostrc_substantial_problem_today_board_and_history():
    """Substantial = Q1 = 25 or Q2 >= 17 or Q3 >= 17. Athlete 1: week 0 (0, 17, 0, 8) -> substantial;
    week 7 (8, 8, 8, 8) -> not. Athlete 2: week 7 (25, 0, 0, 0) -> substantial (severity 25).
    Board as of day 9: latest responses are week 7 -> only athlete 2. History from day 0: both flags."""
    frame = ostrc([(1, 0, 0, 17, 0, 8), (1, 7, 8, 8, 8, 8), (2, 7, 25, 0, 0, 0)])
    board = ostrc_flags(frame, as_of=day(9))
    assert board[["athlete_id", "date"]].values.tolist() == [[2, day(7)]]
    assert board.iloc[0]["values"] == "Q1 25, Q2 0, Q3 0, Q4 0; severity 25"
    assert ostrc_flags(frame, as_of=day(9), start=day(0))[["athlete_id", "date"]].values.tolist() == [
        [1, day(0)],
        [2, day(7)],
    ]
    assert ostrc_flags(frame, as_of=day(30)).empty  # the latest response is older than 14 days


def test_ostrc_rule_agrees_with_surveillance_on_every_answer_combination():
    """All 4^4 = 256 answer combinations: the flag fires exactly when surveillance.ostrc_substantial says so."""
    surveillance = pytest.importorskip("analytics.surveillance")
    combos = pd.DataFrame(list(itertools.product([0, 8, 17, 25], repeat=4)), columns=["q1", "q2", "q3", "q4"])
    frame = combos.assign(athlete_id=range(1, len(combos) + 1), week_start=day(0))
    flagged = set(ostrc_flags(frame, as_of=day(0))["athlete_id"])
    expected = surveillance.ostrc_substantial(combos["q1"], combos["q2"], combos["q3"], combos["q4"])
    assert flagged == set(frame.loc[expected.to_numpy(), "athlete_id"])


# --------------------------------------------------------------------------- all flags


def organisation() -> dict[str, pd.DataFrame]:
    """Three athletes with a bit of everything (days 0-40)."""
    p = pd.concat(
        [spike_reports(5, [2, 2, 3, 2, 3, 2, 2]), pain([(2, 30, "ankle", "right", 4), (2, 29, "ankle", "right", 4)])]
    )
    c = checkins(
        [(1, i, items) for i, items in enumerate(BASE7)]
        + [(1, 7, (2, 4, 4, 4, 4)), (3, 25, (3,) * 5), (3, 26, (3,) * 5)]
    )
    return {
        "pain_reports": p,
        "wellness_checkins": c,
        "injuries": injuries([(1, 2, 0, "ankle", "right", 10)]),
        "ostrc_responses": ostrc([(2, 28, 0, 0, 17, 0)]),
        "rom_measurements": rom(
            [(3, 29, "knee", "flexion", "left", 140.0, "deg"), (3, 29, "knee", "flexion", "right", 120.0, "deg")]
        ),
        "athletes": athletes([(1, True), (2, True), (3, True)]),
    }


def test_compute_flags_today_board_and_history():
    """As of day 30: pain spike (athlete 1, knee), new pain (athlete 2, ankle: injury returned day 10,
    first report day 29 -> flagged on day 29, not today), OSTRC (athlete 2, week of day 28: current),
    ROM asymmetry (athlete 3, day 29: current), missing check-in (athlete 1: last day 7 -> 23 days;
    athlete 2: none on record; athlete 3: last day 26 -> 4 days).
    History from day 7 adds the wellness drop (athlete 1, day 7) and the new pain of day 29."""
    board = compute_flags(as_of=day(30), **organisation())
    got = sorted(zip(board["athlete_id"], board["kind"], board["date"], strict=True))
    assert got == [
        (1, "missing_checkin", day(30)),
        (1, "pain_spike", day(30)),
        (2, "missing_checkin", day(30)),
        (2, "ostrc_substantial", day(28)),
        (3, "missing_checkin", day(30)),
        (3, "rom_asymmetry", day(29)),
    ]
    assert list(board.columns) == [
        "athlete_id",
        "date",
        "kind",
        "rule",
        "values",
        "baseline_n",
        "body_region",
        "side",
        "measure",
    ]
    rom_rows = board["kind"] == "rom_asymmetry"
    assert board.loc[rom_rows, "measure"].tolist() == ["knee/flexion"] and (board.loc[~rom_rows, "measure"] == "").all()
    assert board["date"].is_monotonic_increasing
    history = compute_flags(as_of=day(30), start=day(7), **organisation())
    kinds = set(zip(history["athlete_id"], history["kind"], strict=True))
    assert {(1, "wellness_drop"), (2, "new_pain_injured_region")} <= kinds
    assert history[history["kind"] == "wellness_drop"]["date"].tolist() == [day(7)]


def test_compute_flags_is_order_free_and_several_athletes_equal_each_alone():
    """Shuffled inputs (and a duplicated check-in) give the same flags; each athlete's flags computed with
    the whole organisation equal those computed from that athlete's data alone."""
    org = organisation()
    base = compute_flags(as_of=day(30), start=day(0), **org)
    shuffled = {k: v.sample(frac=1, random_state=5) for k, v in org.items()}
    shuffled["wellness_checkins"] = pd.concat([shuffled["wellness_checkins"], org["wellness_checkins"].iloc[[0]]])
    pd.testing.assert_frame_equal(base, compute_flags(as_of=day(30), start=day(0), **shuffled))
    for athlete in (1, 2, 3):
        alone = compute_flags(as_of=day(30), start=day(0), **{k: v[v["athlete_id"] == athlete] for k, v in org.items()})
        pd.testing.assert_frame_equal(base[base["athlete_id"] == athlete].reset_index(drop=True), alone)


def test_compute_flags_single_day_empty_inputs_and_default_as_of():
    """One check-in and one pain report on one day: no baseline -> no flags; as_of defaults to that day.
    No inputs at all need an explicit as_of; empty frames give an empty, valid result."""
    out = compute_flags(pain_reports=pain([(1, 3, "knee", "left", 8)]), wellness_checkins=checkins([(1, 3, (1,) * 5)]))
    assert out.empty and list(out.columns)[:3] == ["athlete_id", "date", "kind"]
    with pytest.raises(ValueError):
        compute_flags()
    empty = compute_flags(as_of=day(3), pain_reports=pain([]), wellness_checkins=checkins([]))
    assert empty.empty and empty["baseline_n"].dtype == "Int64"
    with pytest.raises(ValueError):
        compute_flags(as_of=day(3), start=day(4), pain_reports=pain([]))


def test_flags_ignore_data_after_as_of():
    """A report after as_of must not change anything: the spike of day 30 is the same with a day-31 report."""
    extra = pd.concat([spike_reports(5, [2, 2, 3, 2, 3, 2, 2]), pain([(1, 31, "knee", "left", 0)])])
    pd.testing.assert_frame_equal(
        pain_spike_flags(extra, as_of=day(30)), pain_spike_flags(spike_reports(5, [2, 2, 3, 2, 3, 2, 2]), as_of=day(30))
    )
    assert pain_spike_flags(extra, as_of=day(30), start=day(0))["date"].tolist() == [day(30)]


def test_open_flags_drop_the_closed_ones_only():
    """Two flags on one day; a review closes the knee one (region and side match), the other stays open."""
    day = pd.Timestamp("2026-03-02")
    flags = pd.DataFrame(
        {
            "athlete_id": [1, 1, 2],
            "date": [day, day, day],
            "kind": ["persistent_pain", "missing_checkin", "persistent_pain"],
            "rule": ["r", "r", "r"],
            "values": ["v", "v", "v"],
            "baseline_n": [5, 0, 5],
            "body_region": ["knee", None, "knee"],
            "side": ["left", None, "left"],
            "measure": ["", "", ""],
        }
    )
    reviews = pd.DataFrame(
        {
            "athlete_id": [1],
            "date": [day],
            "kind": ["persistent_pain"],
            "body_region": ["knee"],
            "side": ["left"],
            "measure": [""],
        }
    )
    still_open = open_flags(flags, reviews)
    assert still_open[["athlete_id", "kind"]].values.tolist() == [[1, "missing_checkin"], [2, "persistent_pain"]]
    assert open_flags(flags, reviews.iloc[0:0]).shape[0] == 3


# --------------------------------------------------------------------------- identity

#: The identity before the measure was part of it: two ROM measures of one region and side collide on it.
REGION_KEY = ["athlete_id", "date", "kind", "body_region", "side"]


def crowded_day() -> dict[str, pd.DataFrame]:
    """Athlete 1 on day 10, several flags of each kind on one day.

    ROM (both asymmetric, smaller side right): shoulder internal rotation L 60 / R 45 and shoulder external
    rotation L 90 / R 75 (|diff| 15 > MDC 5 and > 6 resp. 9), hip internal rotation L 40 / R 30 (10 > 5
    and > 4). Persistent pain: knee left and lower back central at 4 on days 6-10 (5 reports each). New
    pain: thigh left 3 on day 10, no earlier report; three thigh injuries (left, left, bilateral), all
    returned before day 10: one flag naming the latest (injury 3)."""
    shoulder = [
        (1, 10, "shoulder", "internal_rotation", "left", 60.0, "deg"),
        (1, 10, "shoulder", "internal_rotation", "right", 45.0, "deg"),
        (1, 10, "shoulder", "external_rotation", "left", 90.0, "deg"),
        (1, 10, "shoulder", "external_rotation", "right", 75.0, "deg"),
    ]
    hip = [
        (1, 10, "hip", "internal_rotation", "left", 40.0, "deg"),
        (1, 10, "hip", "internal_rotation", "right", 30.0, "deg"),
    ]
    reports = [
        (1, d, region, side, 4) for d in range(6, 11) for region, side in (("knee", "left"), ("lower_back", "central"))
    ]
    return {
        "rom_measurements": rom(shoulder + hip),
        "pain_reports": pain([*reports, (1, 10, "thigh", "left", 3)]),
        "injuries": injuries(
            [(1, 1, 0, "thigh", "left", 2), (2, 1, 1, "thigh", "bilateral", 3), (3, 1, 4, "thigh", "left", 6)]
        ),
    }


def test_several_flags_of_one_kind_on_one_day_each_have_their_own_identity():
    """The crowded day: two shoulder ROM flags on the same region and side (they collide without the
    measure), one hip ROM flag, two persistent-pain flags, one new-pain flag despite three matching
    injuries. Every flag is one row per FLAG_IDENTITY; the measure is joint/movement for ROM, "" else."""
    flags = compute_flags(as_of=day(10), **crowded_day())
    assert not flag_identity(flags).duplicated().any()
    assert flags[REGION_KEY].duplicated().any(), "the old identity (no measure) would merge the shoulder flags"
    rom_flags = flags[flags["kind"] == "rom_asymmetry"]
    assert sorted(zip(rom_flags["body_region"], rom_flags["side"], rom_flags["measure"], strict=True)) == [
        ("hip_groin", "right", "hip/internal_rotation"),
        ("shoulder", "right", "shoulder/external_rotation"),
        ("shoulder", "right", "shoulder/internal_rotation"),
    ]
    persistent = flags[flags["kind"] == "persistent_pain"]
    assert sorted(persistent["body_region"]) == ["knee", "lower_back"]
    [new_pain] = flags[flags["kind"] == "new_pain_injured_region"].to_dict("records")
    assert (new_pain["body_region"], new_pain["side"]) == ("thigh", "left") and "injury 3 " in new_pain["values"]
    assert (flags.loc[flags["kind"] != "rom_asymmetry", "measure"] == "").all()
    assert list(FLAG_IDENTITY) == [*REGION_KEY, "measure"]


def test_open_flags_closes_exactly_one_of_two_same_day_same_region_rom_flags():
    """A review of shoulder internal rotation closes that flag only: external rotation (same athlete,
    day, region and side) stays open. A review without a measure (as reviews made before the measure
    was recorded read) closes neither ROM flag."""
    flags = rom_asymmetry_flags(crowded_day()["rom_measurements"], as_of=day(10))
    review = {"athlete_id": 1, "date": day(10), "kind": "rom_asymmetry", "body_region": "shoulder", "side": "right"}
    closed_one = open_flags(flags, pd.DataFrame([review | {"measure": "shoulder/internal_rotation"}]))
    assert sorted(closed_one["measure"]) == ["hip/internal_rotation", "shoulder/external_rotation"]
    pd.testing.assert_frame_equal(open_flags(flags, pd.DataFrame([review | {"measure": ""}])), flags)


@pytest.mark.parametrize("end", [dt.date(2026, 12, 2), dt.date(2026, 3, 15)])
def test_compute_flags_over_a_demo_year_has_one_row_per_identity(end: dt.date):
    """The demo organisation (40 athletes, a year, anchored at `end`): the history and the today board
    hold each identity once."""
    from data.demo import generate_demo

    demo = generate_demo(athletes=40, days=365, seed=7, end=end)
    injuries = demo["injuries"]  # every health problem: the flags read the injuries, as `data` serves them
    inputs = {
        "pain_reports": demo["pain_reports"],
        "wellness_checkins": demo["wellness_checkins"],
        "injuries": injuries[injuries["problem_type"] == "injury"].rename(columns={"id": "injury_id"}),
        "rom_measurements": demo["rom_measurements"],
        "ostrc_responses": demo["ostrc_responses"],
        "athletes": demo["athletes"].rename(columns={"id": "athlete_id"}),
    }
    history = compute_flags(as_of=end, start=end - dt.timedelta(days=364), **inputs)
    board = compute_flags(as_of=end, **inputs)
    assert set(history["kind"]) == set(FLAG_KINDS)
    for flags in (history, board):
        assert not flag_identity(flags).duplicated().any()
