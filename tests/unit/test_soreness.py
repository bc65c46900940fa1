"""Unit tests of analytics.soreness: soreness distribution, heatmap matrix, regional pain share, compliance.

soreness_score = 6 - soreness (1 = not sore ... 5 = very sore). Every expected number is worked out by
hand in the test's docstring.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.errors
import pytest

from analytics.soreness import (
    daily_compliance,
    region_pain_share,
    soreness_matrix,
    soreness_score,
    team_soreness,
    weekly_compliance,
)
from tests import factories

D = pd.Timestamp


checkins = factories.wellness_checkins
athletes = factories.athletes
pain = factories.pain_reports


def test_soreness_score_flips_the_scale_so_higher_is_more_sore():
    """6 - soreness: 1 (very sore) -> 5, 5 (not sore) -> 1; missing stays missing."""
    out = soreness_score(pd.Series(pd.array([1, 5, None, 3], dtype="Int64")))
    np.testing.assert_array_equal(out.to_numpy(), [5.0, 1.0, np.nan, 3.0])


def test_team_soreness_median_quartiles_and_share_sore():
    """01-01: items 1, 2, 3, 5 -> scores 5, 4, 3, 1; sorted 1, 3, 4, 5. Median (3 + 4) / 2 = 3.5;
    q1 (linear) at position 0.75: 1 + 0.75 x (3 - 1) = 2.5; q3 at 2.25: 4 + 0.25 x (5 - 4) = 4.25.
    Sore = items 1-2: 2 of 4 = 0.5. A missing item is left out, a duplicate check-in counts once.
    01-02: one check-in, item 4 -> score 2; no one sore."""
    frame = checkins(
        [
            (1, "2024-01-01", 1),
            (2, "2024-01-01", 2),
            (3, "2024-01-01", 3),
            (4, "2024-01-01", 5),
            (4, "2024-01-01", 5),
            (5, "2024-01-01", None),
            (1, "2024-01-02", 4),
        ]
    ).sample(frac=1, random_state=2)
    out = team_soreness(frame)
    assert list(out.columns) == [
        "date",
        "n_checkins",
        "soreness_score_median",
        "soreness_score_q1",
        "soreness_score_q3",
        "n_sore",
        "share_sore",
    ]
    first = out.iloc[0]
    assert first["date"] == D("2024-01-01") and first["n_checkins"] == 4
    assert (first["soreness_score_median"], first["soreness_score_q1"], first["soreness_score_q3"]) == (3.5, 2.5, 4.25)
    assert (first["n_sore"], first["share_sore"]) == (2, 0.5)
    assert out.iloc[1][["n_checkins", "soreness_score_median", "n_sore"]].tolist() == [1, 2.0, 0]


def test_team_soreness_per_team_equals_each_team_alone():
    """Team 10 (athletes 1, 2: items 1 and 5 -> median of scores 5 and 1 = 3); team 20 (athlete 3: item 2 -> 4)."""
    frame = checkins([(1, "2024-01-01", 1), (2, "2024-01-01", 5), (3, "2024-01-01", 2)])
    roster = athletes([(1, 10, True), (2, 10, True), (3, 20, True)])
    out = team_soreness(frame, roster)
    assert out[["team_id", "soreness_score_median", "n_sore"]].values.tolist() == [[10, 3.0, 1], [20, 4.0, 1]]
    alone = team_soreness(frame[frame["athlete_id"] == 3])
    assert alone["soreness_score_median"].tolist() == [4.0]


def test_soreness_matrix_last_n_days_with_gaps_and_roster():
    """as_of 01-05, 3 days -> columns 01-03, 01-04, 01-05 (01-04 has no check-in at all).
    Athlete 1: 01-03 item 1 -> 5, 01-05 item 4 -> 2; athlete 2: 01-05 item 5 -> 1; 01-01 is outside.
    With a roster: active athlete 3 (no check-in) gets an empty row; inactive athlete 2 is left out."""
    frame = checkins([(1, "2024-01-03", 1), (1, "2024-01-05", 4), (2, "2024-01-05", 5), (1, "2024-01-01", 2)])
    m = soreness_matrix(frame, days=3, as_of="2024-01-05")
    assert list(m.columns) == list(pd.date_range("2024-01-03", "2024-01-05")) and m.index.tolist() == [1, 2]
    np.testing.assert_array_equal(m.to_numpy(), [[5.0, np.nan, 2.0], [np.nan, np.nan, 1.0]])
    roster = athletes([(1, 10, True), (2, 10, False), (3, 10, True)])
    m2 = soreness_matrix(frame, days=3, as_of="2024-01-05", athletes=roster)
    assert m2.index.tolist() == [1, 3] and m2.loc[3].isna().all()
    assert soreness_matrix(frame, days=1).columns.tolist() == [D("2024-01-05")]


def test_region_pain_share_over_athletes_who_checked_in():
    """01-01: athletes 1-4 checked in. Knee pain: athlete 1 (left, 3) and athlete 2 (left 2 and right 4:
    counted once) -> 2 / 4 = 0.5. Athlete 3 reports knee 0 (no pain) -> not counted. Athlete 5 reports
    knee 5 without checking in -> not counted. Ankle: athlete 4 -> 1 / 4.
    01-02: only athlete 1 checked in, no pain -> knee 0 / 1 and ankle 0 / 1 (rows kept, no gaps)."""
    c = checkins([(a, "2024-01-01", 3) for a in (1, 2, 3, 4)] + [(1, "2024-01-02", 3)])
    p = pain(
        [
            (1, "2024-01-01", "knee", "left", 3),
            (2, "2024-01-01", "knee", "left", 2),
            (2, "2024-01-01", "knee", "right", 4),
            (3, "2024-01-01", "knee", "left", 0),
            (5, "2024-01-01", "knee", "left", 5),
            (4, "2024-01-01", "ankle", "right", 6),
        ]
    )
    out = region_pain_share(p, c)
    assert out.values.tolist() == [
        [D("2024-01-01"), "ankle", 1, 4, 0.25],
        [D("2024-01-01"), "knee", 2, 4, 0.5],
        [D("2024-01-02"), "ankle", 0, 1, 0.0],
        [D("2024-01-02"), "knee", 0, 1, 0.0],
    ]


def test_region_pain_share_per_week_counts_each_athlete_once():
    """Week of Monday 2024-01-01: athletes 1 and 2 checked in (1 on two days). Athlete 1 reports knee pain
    on Tuesday and Thursday -> one athlete -> 1 / 2. The next week (01-08): athlete 2 only, knee -> 1 / 1."""
    c = checkins([(1, "2024-01-01", 3), (1, "2024-01-03", 3), (2, "2024-01-05", 3), (2, "2024-01-08", 3)])
    p = pain(
        [
            (1, "2024-01-02", "knee", "left", 3),
            (1, "2024-01-04", "knee", "left", 2),
            (2, "2024-01-09", "knee", "left", 1),
        ]
    )
    out = region_pain_share(p, c, freq="W")
    assert out[["period_start", "n_with_pain", "n_checked_in", "share"]].values.tolist() == [
        [D("2024-01-01"), 1, 2, 0.5],
        [D("2024-01-08"), 1, 1, 1.0],
    ]
    with pytest.raises(ValueError):
        region_pain_share(p, c, freq="M")


def test_daily_compliance_over_active_athletes_with_days_without_checkins():
    """4 active athletes (1-4) and inactive 5. 01-01: 1, 2, 3 and inactive 5 checked in -> 3 / 4 = 0.75;
    01-02: nobody -> 0 / 4; 01-03: athlete 1 twice (counts once) -> 1 / 4. Days listed from start to end."""
    c = checkins(
        [
            (1, "2024-01-01", 3),
            (2, "2024-01-01", 3),
            (3, "2024-01-01", 3),
            (5, "2024-01-01", 3),
            (1, "2024-01-03", 3),
            (1, "2024-01-03", 2),
        ]
    )
    roster = athletes([(1, 10, True), (2, 10, True), (3, 20, True), (4, 20, True), (5, 20, False)])
    out = daily_compliance(c, roster)
    assert out.values.tolist() == [
        [D("2024-01-01"), 3, 4, 0.75],
        [D("2024-01-02"), 0, 4, 0.0],
        [D("2024-01-03"), 1, 4, 0.25],
    ]
    by_team = daily_compliance(c, roster, by_team=True)
    assert by_team[by_team["date"] == D("2024-01-01")][
        ["team_id", "n_checked_in", "n_active", "compliance"]
    ].values.tolist() == [
        [10, 2, 2, 1.0],
        [20, 1, 2, 0.5],
    ]


def test_weekly_compliance_check_in_days_over_athlete_days_and_share_any():
    """Range Sunday 2023-12-31 .. Wednesday 2024-01-10; 2 active athletes.
    Week of 2023-12-25: 1 day in range (12-31), athlete 1 checked in -> 1 / (2 x 1) = 0.5; any: 1 / 2.
    Week of 01-01: 7 days; athlete 1 on 5 days, athlete 2 on 2 days -> 7 / 14 = 0.5; any: 2 / 2 = 1.
    Week of 01-08: 3 days (01-08..01-10); nobody -> 0 / 6 = 0; any 0."""
    rows = (
        [(1, "2023-12-31", 3)]
        + [(1, f"2024-01-0{d}", 3) for d in (1, 2, 3, 4, 5)]
        + [(2, "2024-01-06", 3), (2, "2024-01-07", 3)]
    )
    out = weekly_compliance(
        checkins(rows), athletes([(1, 10, True), (2, 10, True)]), start="2023-12-31", end="2024-01-10"
    )
    assert out[
        ["week_start", "days", "n_checkins", "athlete_days", "compliance", "n_athletes_any", "share_any"]
    ].values.tolist() == [
        [D("2023-12-25"), 1, 1, 2, 0.5, 1, 0.5],
        [D("2024-01-01"), 7, 7, 14, 0.5, 2, 1.0],
        [D("2024-01-08"), 3, 0, 6, 0.0, 0, 0.0],
    ]


def test_soreness_refuses_out_of_scale_item():
    """Soreness 0 is not on the 1-5 scale (PMData holds such rows): refused at the boundary."""
    with pytest.raises(pandera.errors.SchemaError):
        team_soreness(checkins([(1, "2024-01-01", 0)]))
