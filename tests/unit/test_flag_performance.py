"""`analytics.flag_performance` on worked examples, the arithmetic written beside each (issue 16), and the
ACWR band check. Dates are fixed (January 2026), never today."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest

from analytics import flag_performance
from analytics.flag_performance import PERFORMANCE_COLUMNS, acwr_band_check, wilson_interval

D = pd.Timestamp


def flags(*rows: tuple[int, str, str]) -> pd.DataFrame:
    """(athlete, day, kind) rows."""
    return pd.DataFrame(
        {
            "athlete_id": [r[0] for r in rows],
            "date": pd.to_datetime([r[1] for r in rows]),
            "kind": [r[2] for r in rows],
        }
    )


def injuries(*rows: tuple[int, str]) -> pd.DataFrame:
    return pd.DataFrame({"athlete_id": [r[0] for r in rows], "onset_date": pd.to_datetime([r[1] for r in rows])})


def roster(*rows: tuple[int, str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "athlete_id": [r[0] for r in rows],
            "start_date": pd.to_datetime([r[1] for r in rows]),
            "end_date": pd.to_datetime([r[2] for r in rows]),
        }
    )


#: One athlete monitored 1-28 January 2026: 28 days = 4 athlete-weeks.
ONE = roster((1, "2026-01-01", "2026-01-28"))


def row(result: pd.DataFrame, kind: str, window: int) -> pd.Series:
    found = result[(result["kind"] == kind) & (result["window_days"] == window)]
    assert len(found) == 1
    return found.iloc[0]


def test_wilson_matches_scipy_and_a_hand_value() -> None:
    # By hand, x = 1, n = 2, z = 1.96: p = 0.5, z² = 3.8415, 1 + z²/n = 2.9207;
    # centre = (0.5 + 3.8415/4) / 2.9207 = 1.4604 / 2.9207 = 0.5;
    # half = 1.96 / 2.9207 * sqrt(0.25/2 + 3.8415/16) = 0.67106 * sqrt(0.36509) = 0.67106 * 0.60423 = 0.40547;
    # interval 0.0945 .. 0.9055.
    p, low, high = wilson_interval(1, 2)
    assert float(p) == 0.5
    assert float(low) == pytest.approx(0.0945, abs=1e-4)
    assert float(high) == pytest.approx(0.9055, abs=1e-4)
    for x, n in [(0, 5), (3, 7), (7, 7), (12, 40), (1, 300)]:
        ci = binomtest(x, n).proportion_ci(confidence_level=0.95, method="wilson")
        _, lo, hi = wilson_interval(x, n)
        assert float(lo) == pytest.approx(ci.low, abs=1e-9)
        assert float(hi) == pytest.approx(ci.high, abs=1e-9)
    p, low, high = wilson_interval(0, 0)
    assert math.isnan(p) and math.isnan(low) and math.isnan(high)


def test_the_function_is_importable_from_analytics() -> None:
    from analytics.flag_performance import flag_performance as in_module

    assert flag_performance is in_module


def test_one_athlete_worked_example() -> None:
    # Athlete 1, monitored 1-28 Jan (4 athlete-weeks); injury onset 20 Jan.
    # pain_spike flag-days: 6 Jan (14 days before onset), 15 Jan (5 days before), 25 Jan (after onset).
    # 7-day window: onset 20 Jan looks back 13-19 Jan -> 15 Jan is in: flagged. Flags followed within 7 days:
    #   6 Jan -> next onset 14 days later: no; 15 Jan -> 5 days: yes; 25 Jan -> none after: no. 1 of 3.
    # 14-day window: 6 Jan is 14 days before: also in (onset - 14 .. onset - 1); followed: 2 of 3.
    # 28-day window: the same as 14 (no other flag or onset).
    # flags = 3, burden = 3 / 4 = 0.75 per athlete-week; sensitivity = 1/1; PPV 1/3 (7 d), 2/3 (14, 28 d).
    result = flag_performance(
        flags((1, "2026-01-06", "pain_spike"), (1, "2026-01-15", "pain_spike"), (1, "2026-01-25", "pain_spike")),
        injuries((1, "2026-01-20")),
        ONE,
    )
    assert list(result.columns) == list(PERFORMANCE_COLUMNS)
    assert list(result["window_days"]) == [7, 14, 28]
    seven, fourteen, twenty_eight = (row(result, "pain_spike", w) for w in (7, 14, 28))
    assert seven["flags"] == 3 and seven["athlete_weeks"] == 4.0 and seven["flags_per_athlete_week"] == 0.75
    assert seven["injuries"] == 1 and seven["injuries_flagged"] == 1 and seven["sensitivity"] == 1.0
    assert seven["flags_followed"] == 1 and seven["ppv"] == pytest.approx(1 / 3)
    assert fourteen["flags_followed"] == 2 and fourteen["ppv"] == pytest.approx(2 / 3)
    assert twenty_eight["flags_followed"] == 2
    # Wilson of 1/3: scipy's value
    ci = binomtest(1, 3).proportion_ci(method="wilson")
    assert seven["ppv_low"] == pytest.approx(ci.low) and seven["ppv_high"] == pytest.approx(ci.high)


def test_no_injuries_gives_nan_sensitivity_and_zero_ppv() -> None:
    # 2 flag-days, no injury: sensitivity 0/0 = NaN (and its interval); PPV 0/2 = 0 with Wilson 0 .. 0.658.
    result = flag_performance(
        flags((1, "2026-01-03", "wellness_drop"), (1, "2026-01-09", "wellness_drop")), injuries(), ONE
    )
    r = row(result, "wellness_drop", 14)
    assert r["injuries"] == 0 and r["injuries_flagged"] == 0
    assert math.isnan(r["sensitivity"]) and math.isnan(r["sensitivity_low"]) and math.isnan(r["sensitivity_high"])
    assert r["flags"] == 2 and r["flags_followed"] == 0 and r["ppv"] == 0.0
    assert r["ppv_low"] == 0.0 and r["ppv_high"] == pytest.approx(0.65762, abs=1e-5)


def test_no_flags_gives_no_rows() -> None:
    # One row per kind present in `flags`: none present, no row (the columns kept).
    result = flag_performance(flags(), injuries((1, "2026-01-20")), ONE)
    assert result.empty and list(result.columns) == list(PERFORMANCE_COLUMNS)


def test_a_flag_on_the_onset_day_counts_neither_way() -> None:
    # Flag and onset both on 20 Jan: the injury's window is 6-19 Jan (14 d), the flag's 21 Jan - 3 Feb.
    # Neither sees the other: injuries_flagged 0 of 1, flags_followed 0 of 1, in every window.
    result = flag_performance(flags((1, "2026-01-20", "pain_spike")), injuries((1, "2026-01-20")), ONE)
    assert (result["injuries_flagged"] == 0).all() and (result["flags_followed"] == 0).all()
    assert (result["sensitivity"] == 0).all() and (result["ppv"] == 0).all()
    # The day before onset counts: a flag on 19 Jan -> 1 of 1 both ways in every window.
    result = flag_performance(flags((1, "2026-01-19", "pain_spike")), injuries((1, "2026-01-20")), ONE)
    assert (result["injuries_flagged"] == 1).all() and (result["flags_followed"] == 1).all()


def test_several_flags_of_one_kind_on_one_day_are_one_flag_day() -> None:
    # Two persistent-pain flags (left and right thigh, say) on 10 Jan and one on 11 Jan: 2 flag-days, not 3.
    # Onset 12 Jan: both flag-days are followed (2 and 1 days before): PPV 2/2; burden 2 / 4 weeks = 0.5.
    result = flag_performance(
        flags(
            (1, "2026-01-10", "persistent_pain"),
            (1, "2026-01-10", "persistent_pain"),
            (1, "2026-01-11", "persistent_pain"),
        ),
        injuries((1, "2026-01-12")),
        ONE,
    )
    r = row(result, "persistent_pain", 7)
    assert r["flags"] == 2 and r["flags_followed"] == 2 and r["flags_per_athlete_week"] == 0.5
    assert r["injuries_flagged"] == 1


def test_kinds_are_counted_apart() -> None:
    # pain_spike on 10 Jan, wellness_drop on 2 Jan, onset 12 Jan (window 7: 5-11 Jan).
    # pain_spike: caught (2 days before), followed; wellness_drop: 10 days before -> not in 7, in 14.
    result = flag_performance(
        flags((1, "2026-01-10", "pain_spike"), (1, "2026-01-02", "wellness_drop")), injuries((1, "2026-01-12")), ONE
    )
    assert list(dict.fromkeys(result["kind"])) == ["pain_spike", "wellness_drop"]
    assert row(result, "pain_spike", 7)["injuries_flagged"] == 1
    assert row(result, "wellness_drop", 7)["injuries_flagged"] == 0
    assert row(result, "wellness_drop", 14)["injuries_flagged"] == 1
    assert row(result, "wellness_drop", 14)["flags_followed"] == 1


def test_two_teams_the_page_filters_before_calling() -> None:
    # Team A: athlete 1 (1-28 Jan), team B: athlete 2 (1-14 Jan, 2 weeks). Athlete 2's flag on 5 Jan is not
    # followed by athlete 1's onset on 8 Jan: flags and onsets pair within one athlete only.
    # Both teams: flags 2, athlete-weeks 4 + 2 = 6, burden 2/6 = 0.333; injuries 1 (athlete 1's),
    # flagged 1 (athlete 1's flag on 6 Jan); followed 1 of 2 -> PPV 0.5.
    # Team B alone: 1 flag, 2 weeks, 0 injuries -> sensitivity NaN, PPV 0/1.
    both_flags = flags((1, "2026-01-06", "pain_spike"), (2, "2026-01-05", "pain_spike"))
    both_injuries = injuries((1, "2026-01-08"))
    both = roster((1, "2026-01-01", "2026-01-28"), (2, "2026-01-01", "2026-01-14"))
    r = row(flag_performance(both_flags, both_injuries, both), "pain_spike", 7)
    assert r["flags"] == 2 and r["athlete_weeks"] == 6.0 and r["flags_per_athlete_week"] == pytest.approx(1 / 3)
    assert r["injuries"] == 1 and r["injuries_flagged"] == 1 and r["flags_followed"] == 1 and r["ppv"] == 0.5
    team_b = both[both["athlete_id"] == 2]
    b = row(flag_performance(both_flags[both_flags["athlete_id"] == 2], both_injuries[:0], team_b), "pain_spike", 7)
    assert b["flags"] == 1 and b["athlete_weeks"] == 2.0 and math.isnan(b["sensitivity"]) and b["ppv"] == 0.0


def test_injuries_and_flags_outside_the_roster_do_not_count() -> None:
    # Athlete 1 monitored 1-28 Jan. Onset 5 Feb (after the monitored days) and athlete 9's onset (never
    # monitored) are left out: injuries = 1 (the 15 Jan one). The flag on 29 Jan (outside) is left out too,
    # so flags = 1 (10 Jan) and the 5 Feb onset cannot "follow" anything.
    result = flag_performance(
        flags((1, "2026-01-10", "pain_spike"), (1, "2026-01-29", "pain_spike"), (9, "2026-01-10", "pain_spike")),
        injuries((1, "2026-01-15"), (1, "2026-02-05"), (9, "2026-01-12")),
        ONE,
    )
    r = row(result, "pain_spike", 7)
    assert r["injuries"] == 1 and r["flags"] == 1 and r["injuries_flagged"] == 1 and r["flags_followed"] == 1


def test_windows_seven_fourteen_twenty_eight() -> None:
    # Flag-days 1, 10 and 20 days before an onset on 28 Jan (27, 18 and 8 Jan).
    # 7 days: 1 flag followed (27 Jan); 14: 2 (27, 18 Jan); 28: 3. The injury is flagged in every window.
    result = flag_performance(
        flags(
            (1, "2026-01-27", "rom_asymmetry"), (1, "2026-01-18", "rom_asymmetry"), (1, "2026-01-08", "rom_asymmetry")
        ),
        injuries((1, "2026-01-28")),
        ONE,
    )
    assert list(result["flags_followed"]) == [1, 2, 3]
    assert list(result["injuries_flagged"]) == [1, 1, 1]
    custom = flag_performance(
        flags((1, "2026-01-18", "rom_asymmetry")), injuries((1, "2026-01-28")), ONE, windows=(10, 3)
    )
    assert list(custom["window_days"]) == [3, 10] and list(custom["flags_followed"]) == [0, 1]


def test_overlapping_roster_rows_are_refused() -> None:
    with pytest.raises(ValueError, match="overlap"):
        flag_performance(
            flags((1, "2026-01-10", "pain_spike")),
            injuries(),
            roster((1, "2026-01-01", "2026-01-20"), (1, "2026-01-15", "2026-01-28")),
        )


def test_acwr_band_check_worked_example() -> None:
    # Athlete 1 monitored 1-10 Jan with a ratio every day; above 1.5 on 4, 5 and 9 Jan (3 of 10 days).
    # Onsets 6 Jan (day before = 5 Jan, 1.6: above) and 10 Jan (day before = 9 Jan, 1.7: above) -> 2 of 2.
    # A ratio that is NaN (too few days of data) is not an athlete-day with a ratio.
    days = pd.date_range("2026-01-01", "2026-01-10")
    values = np.array([1.0, 1.1, 1.2, 1.6, 1.6, 1.0, 0.9, 1.2, 1.7, 1.0])
    ratios = pd.DataFrame({"athlete_id": 1, "date": days, "method": "coupled", "acwr": values})
    nan_rows = ratios.assign(method="ewma", acwr=np.r_[np.nan, values[1:]])
    result = acwr_band_check(
        pd.concat([ratios, nan_rows]),
        injuries((1, "2026-01-06"), (1, "2026-01-10")),
        roster((1, "2026-01-01", "2026-01-10")),
    )
    coupled = result.set_index("method").loc["coupled"]
    assert coupled["injuries"] == 2 and coupled["injuries_above"] == 2 and coupled["injury_share"] == 1.0
    assert coupled["athlete_days"] == 10 and coupled["days_above"] == 3 and coupled["day_share"] == 0.3
    assert result.set_index("method").loc["ewma", "athlete_days"] == 9
    ci = binomtest(3, 10).proportion_ci(method="wilson")
    assert coupled["day_share_low"] == pytest.approx(ci.low) and coupled["day_share_high"] == pytest.approx(ci.high)


def test_the_page_monitors_from_the_first_check_in_to_the_end_or_the_last_one() -> None:
    # Dates 1-31 Jan. Athlete 1 (active) checked in from 20 Dec: monitored 1-31 Jan. Athlete 2 (no longer active)
    # checked in 10-20 Jan: monitored 10-20 Jan. Athlete 3 never checked in: not monitored.
    from views.flag_performance import monitored_days

    athletes = pd.DataFrame({"athlete_id": [1, 2, 3], "active": [True, False, True]})
    checkins = pd.DataFrame(
        {"athlete_id": [1, 1, 2, 2], "date": pd.to_datetime(["2025-12-20", "2026-01-05", "2026-01-10", "2026-01-20"])}
    )
    roster = monitored_days(athletes, checkins, D("2026-01-01").date(), D("2026-01-31").date())
    assert roster["athlete_id"].tolist() == [1, 2]
    assert roster["start_date"].tolist() == [D("2026-01-01"), D("2026-01-10")]
    assert roster["end_date"].tolist() == [D("2026-01-31"), D("2026-01-20")]
