"""Unit tests of analytics.availability: the coach's availability board, flag board, compliance summary
and season helpers. Every expected number is worked out by hand in the test's docstring.

Calendar used below: 2026-01-05 is a Monday, so 2026-01-07 is a Wednesday and the week before runs
from Monday 2025-12-29 to Sunday 2026-01-04.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.availability import (
    athlete_names,
    availability_board,
    availability_counts,
    compliance_summary,
    flag_board,
    flag_counts,
    injuries_between,
    injuries_per_month,
    load_and_acwr,
    named_matrix,
    open_injuries,
    surveillance_summary,
    weekly_soreness,
)

D = pd.Timestamp
TODAY = D("2026-01-07")


def athletes(rows: list[tuple]) -> pd.DataFrame:
    """Athletes from (athlete_id, display_name, active) rows, all in team 1."""
    frame = pd.DataFrame(rows, columns=["athlete_id", "display_name", "active"])
    return frame.assign(
        team_id=1,
        team="Team 1",
        external_id=[f"ext{a}" for a in frame["athlete_id"]],
        position=None,
        dominant_side="right",
    )


def checkins(rows: list[tuple]) -> pd.DataFrame:
    """Check-ins from (athlete_id, date, availability, soreness) rows; the other items are 3."""
    frame = pd.DataFrame(rows, columns=["athlete_id", "date", "availability", "soreness"])
    frame = frame.assign(date=pd.to_datetime(frame["date"]), soreness=pd.array(frame["soreness"], dtype="Int64"))
    for item in ("fatigue", "sleep_quality", "stress", "mood"):
        frame[item] = pd.array([3] * len(frame), dtype="Int64")
    return frame.assign(sleep_hours=7.5, readiness=pd.array([7] * len(frame), dtype="Int64"))


def injuries(rows: list[tuple]) -> pd.DataFrame:
    """Injuries from (injury_id, athlete_id, onset, region, side, return or None[, time_loss]) rows."""
    rows = [r if len(r) == 7 else (*r, True) for r in rows]
    frame = pd.DataFrame(
        rows, columns=["injury_id", "athlete_id", "onset_date", "body_region", "side", "return_date", "time_loss"]
    )
    return frame.assign(
        onset_date=pd.to_datetime(frame["onset_date"]),
        return_date=pd.to_datetime(frame["return_date"]),
        injury_type="muscle_strain",
        onset_mode="sudden",
    )


def pain(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["athlete_id", "date", "body_region", "side", "pain"])
    return frame.assign(date=pd.to_datetime(frame["date"]))


# --------------------------------------------------------------------------- labels


def test_athlete_names_makes_repeated_names_unique():
    """Two athletes called Ola get their external ids; Kari keeps her plain name."""
    names = athlete_names(athletes([(1, "Ola", True), (2, "Ola", True), (3, "Kari", True)]))
    assert names.to_dict() == {1: "Ola (ext1)", 2: "Ola (ext2)", 3: "Kari"}


# --------------------------------------------------------------------------- open injuries and the board


def test_open_injuries_status_acute_then_rehab():
    """On 01-07: #1 began 01-01 (6 days, acute), #2 began 12-31 (7 days, rehab), #3 returned on 01-07
    (returned by today: not open), #4 returns 01-08 (still open), #5 begins 01-08 (not yet)."""
    frame = injuries(
        [
            (1, 1, "2026-01-01", "thigh", "left", None),
            (2, 2, "2025-12-31", "knee", "right", None),
            (3, 3, "2025-12-20", "ankle", "left", "2026-01-07"),
            (4, 4, "2025-12-01", "foot", "left", "2026-01-08"),
            (5, 5, "2026-01-08", "thigh", "right", None),
        ]
    )
    out = open_injuries(frame, TODAY)
    assert out["injury_id"].tolist() == [1, 2, 4]
    assert out["days_since_onset"].tolist() == [6, 7, 37]
    assert out["status"].tolist() == ["acute", "rehab", "rehab"]
    assert "notes" not in out.columns


def test_availability_board_why_in_one_word_and_order():
    """Athletes: 1 unavailable with an open left-thigh injury since 12-28 (10 days: rehab); 2 modified,
    no injury, pain today lower back 4 and right knee 2 -> the worst region; 3 no check-in today but an
    open ankle injury since 01-05 (2 days: acute); 4 no check-in, nothing recorded; 5 full; 6 inactive
    (left out); 7 modified with two open injuries (knee 12-01 and shoulder 01-02) -> the latest named,
    open_injuries 2; 8 modified, nothing recorded (why missing). A check-in of athlete 4 yesterday does
    not count today."""
    team = athletes(
        [
            (1, "Ada", True),
            (2, "Bo", True),
            (3, "Cy", True),
            (4, "Di", True),
            (5, "Ed", True),
            (6, "Fay", False),
            (7, "Gus", True),
            (8, "Hal", True),
        ]
    )
    wellness = checkins(
        [
            (1, "2026-01-07", "unavailable", 2),
            (2, "2026-01-07", "modified", 3),
            (4, "2026-01-06", "full", 4),
            (5, "2026-01-07", "full", 4),
            (6, "2026-01-07", "unavailable", 1),
            (7, "2026-01-07", "modified", 3),
            (8, "2026-01-07", "modified", 3),
        ]
    )
    hurt = injuries(
        [
            (1, 1, "2025-12-28", "thigh", "left", None),
            (2, 3, "2026-01-05", "ankle", "right", None),
            (3, 7, "2025-12-01", "knee", "left", None),
            (4, 7, "2026-01-02", "shoulder", "right", None),
            (5, 5, "2025-11-01", "foot", "left", "2025-11-20"),
        ]
    )
    reports = pain(
        [
            (2, "2026-01-07", "lower_back", "central", 4),
            (2, "2026-01-07", "knee", "right", 2),
            (5, "2026-01-07", "thigh", "left", 0),
            (8, "2026-01-06", "thigh", "left", 5),
        ]
    )
    board = availability_board(wellness, team, hurt, reports, TODAY)
    assert board["athlete"].tolist() == ["Ada", "Bo", "Gus", "Hal", "Cy", "Di", "Ed"]
    assert board["availability"].tolist() == [
        "unavailable",
        "modified",
        "modified",
        "modified",
        "unknown",
        "unknown",
        "full",
    ]
    row = board.set_index("athlete")
    why = {name: tuple(row.loc[name, ["body_region", "side", "status"]]) for name in row.index}
    assert why["Ada"] == ("thigh", "left", "rehab")
    assert why["Bo"] == ("lower_back", "central", "pain")
    assert why["Gus"] == ("shoulder", "right", "acute")
    assert why["Cy"] == ("ankle", "right", "acute")
    assert all(pd.isna(v) for name in ("Hal", "Di", "Ed") for v in why[name])
    assert row.loc["Ada", "days_since_onset"] == 10
    assert row.loc["Ada", "onset_date"] == D("2025-12-28")
    assert row.loc["Gus", "open_injuries"] == 2
    assert pd.isna(row.loc["Bo", "onset_date"])
    assert availability_counts(board) == {"full": 1, "modified": 3, "unavailable": 1, "unknown": 2}


def test_availability_counts_lists_every_state():
    board = pd.DataFrame({"availability": ["full", "full"]})
    assert availability_counts(board) == {"full": 2, "modified": 0, "unavailable": 0, "unknown": 0}


# --------------------------------------------------------------------------- flags


def flags(rows: list[tuple]) -> pd.DataFrame:
    """Flags from (athlete_id, date, kind, values, baseline_n, body_region, side) rows."""
    frame = pd.DataFrame(rows, columns=["athlete_id", "date", "kind", "values", "baseline_n", "body_region", "side"])
    return frame.assign(
        date=pd.to_datetime(frame["date"]),
        rule="a rule",
        baseline_n=pd.array(frame["baseline_n"], dtype="Int64"),
    )


def test_flag_board_levels_labels_and_order():
    """Red kinds (pain spike, OSTRC) come before amber ones (wellness drop, missing check-in), then by
    athlete name and kind; the region and the values keep their codes (a view puts them in words);
    athlete 9 is not in the team and is left out."""
    team = athletes([(1, "Bo", True), (2, "Ada", True)])
    raised = flags(
        [
            (1, "2026-01-07", "wellness_drop", "total 14 vs mean 19", 20, None, None),
            (2, "2026-01-07", "missing_checkin", "last check-in 2026-01-03", None, None, None),
            (1, "2026-01-07", "pain_spike", "lower_back central: pain 6 vs mean 2", 9, "lower_back", "central"),
            (2, "2026-01-05", "ostrc_substantial", "Q1 25", None, None, None),
            (9, "2026-01-07", "pain_spike", "knee left: pain 7", 8, "knee", "left"),
        ]
    )
    board = flag_board(raised, team)
    assert board["athlete"].tolist() == ["Ada", "Bo", "Ada", "Bo"]
    assert board["level"].tolist() == ["red", "red", "amber", "amber"]
    assert board["kind"].tolist() == ["ostrc_substantial", "pain_spike", "missing_checkin", "wellness_drop"]
    spike = board[board["kind"] == "pain_spike"].iloc[0]
    assert (spike["body_region"], spike["side"]) == ("lower_back", "central")
    assert spike["values"] == "lower_back central: pain 6 vs mean 2"
    assert spike["baseline_n"] == 9
    assert board.loc[board["kind"] == "missing_checkin", "body_region"].isna().all()
    assert flag_counts(board) == {"red": 2, "amber": 2, "athletes": 2}


def test_flag_board_of_no_flags_is_empty():
    empty = flags([]).astype({"athlete_id": "int64", "kind": "object", "values": "object", "rule": "object"})
    board = flag_board(empty, athletes([(1, "Ada", True)]))
    assert board.empty
    assert flag_counts(board) == {"red": 0, "amber": 0, "athletes": 0}


# --------------------------------------------------------------------------- compliance


def test_compliance_summary_today_this_week_and_last_week():
    """Active athletes 1 and 2 (3 is inactive, its check-ins ignored). Today (Wed 01-07): both checked
    in -> 2 / 2 = 100 %. This week Mon-Wed = 3 days x 2 athletes = 6 athlete-days; check-ins: athlete 1
    on 05, 06, 07 and athlete 2 on 07 = 4 -> 4 / 6. Last week (12-29 to 01-04): athlete 1 every day = 7
    of 14 athlete-days -> 50 %; change = 4/6 - 1/2 = 1/6."""
    team = athletes([(1, "Ada", True), (2, "Bo", True), (3, "Cy", False)])
    days = pd.date_range("2025-12-29", "2026-01-07")
    rows = [(1, d, "full", 3) for d in days] + [(2, "2026-01-07", "full", 3), (3, "2026-01-06", "full", 3)]
    out = compliance_summary(checkins(rows), team, TODAY)
    assert out["today"] == 1.0
    assert (out["today_checked_in"], out["active"]) == (2, 2)
    assert out["week_start"] == D("2026-01-05")
    assert (out["week_days"], out["week_checkins"], out["week_athlete_days"]) == (3, 4, 6)
    assert out["week"] == pytest.approx(4 / 6)
    assert out["last_week"] == pytest.approx(0.5)
    assert out["week_change"] == pytest.approx(1 / 6)


# --------------------------------------------------------------------------- soreness


def test_named_matrix_uses_names_sorted():
    matrix = pd.DataFrame([[1.0, np.nan], [3.0, 4.0]], index=pd.Index([1, 2], name="athlete_id"))
    out = named_matrix(matrix, athletes([(1, "Bo", True), (2, "Ada", True)]))
    assert out.index.tolist() == ["Ada", "Bo"]
    assert out.loc["Ada"].tolist() == [3.0, 4.0]


def test_weekly_soreness_is_the_distribution_of_athlete_weekly_means():
    """Week of 01-05: athlete 1 items 5 and 3 -> scores 1 and 3, mean 2; athlete 2 item 1 -> 5 (its
    duplicate row that day counts once); athlete 3 item 4 -> 2; athlete 4 skipped the item. Means 2, 5, 2:
    median 2, q1 (linear, position 0.5) 2, q3 (position 1.5) 2 + 0.5 x (5 - 2) = 3.5; 3 athletes,
    4 check-ins. Week of 12-29: athlete 1 item 2 -> 4 alone."""
    rows = [
        (1, "2026-01-05", "full", 5),
        (1, "2026-01-06", "full", 3),
        (2, "2026-01-05", "full", 1),
        (2, "2026-01-05", "full", 5),
        (3, "2026-01-07", "full", 4),
        (4, "2026-01-07", "full", None),
        (1, "2026-01-01", "full", 2),
    ]
    out = weekly_soreness(checkins(rows))
    assert out["week_start"].tolist() == [D("2025-12-29"), D("2026-01-05")]
    week = out.iloc[1]
    assert (week["n_athletes"], week["n_checkins"]) == (3, 4)
    assert week["soreness_score_median"] == 2.0
    assert week["soreness_score_q1"] == 2.0
    assert week["soreness_score_q3"] == 3.5
    assert out.iloc[0]["soreness_score_median"] == 4.0


# --------------------------------------------------------------------------- injuries and surveillance


def classified(rows: list[tuple]) -> pd.DataFrame:
    """Classified injuries from (injury_id, onset, category, time_loss, return or None) rows."""
    frame = injuries([(i, 1, onset, "thigh", "left", ret, tl) for i, onset, _, tl, ret in rows])
    return frame.assign(category=[r[2] for r in rows], index_injury_id=pd.array([None] * len(rows), dtype="Int64"))


def test_injuries_per_month_counts_every_month_and_category():
    """Range 01-15 to 03-10: the 01-10 injury is out; January has one new, February one new and one
    recurrent_early, March (up to the 10th) one recurrent_late; the 03-20 one is out. Every month x
    category is listed (3 x 5 rows)."""
    frame = classified(
        [
            (1, "2026-01-10", "new", True, "2026-01-20"),
            (2, "2026-01-20", "new", True, "2026-01-25"),
            (3, "2026-02-02", "new", False, None),
            (4, "2026-02-10", "recurrent_early", True, "2026-02-20"),
            (5, "2026-03-01", "recurrent_late", True, None),
            (6, "2026-03-20", "new", True, None),
        ]
    )
    out = injuries_per_month(frame, "2026-01-15", "2026-03-10")
    assert len(out) == 15
    hit = out[out["injuries"] > 0].set_index(["month", "category"])["injuries"].to_dict()
    assert hit == {
        (D("2026-01-01"), "new"): 1,
        (D("2026-02-01"), "new"): 1,
        (D("2026-02-01"), "recurrent_early"): 1,
        (D("2026-03-01"), "recurrent_late"): 1,
    }
    assert out.loc[out["category"] == "recurrent_late", "recurrent"].all()
    assert not out.loc[out["category"] == "exacerbation", "recurrent"].any()
    assert injuries_between(frame, "2026-01-15", "2026-03-10")["injury_id"].tolist() == [2, 3, 4, 5]


def test_surveillance_summary_incidence_and_burden_per_1000_hours():
    """Range 01-01 to 01-31. Injuries in range: a time-loss one 01-05 -> 01-15 (10 days lost), a
    non-time-loss one (0 days) and a time-loss one still open from 01-26 (counts up to 01-31: 5 days);
    the 02-03 one is out. Exposure: 50 sessions of 120 min = 100 h. Incidence = 3 / 100 x 1000 = 30;
    burden = 15 / 100 x 1000 = 150 days per 1000 h."""
    frame = classified(
        [
            (1, "2026-01-05", "new", True, "2026-01-15"),
            (2, "2026-01-10", "new", False, "2026-01-12"),
            (3, "2026-01-26", "new", True, None),
            (4, "2026-02-03", "new", True, None),
        ]
    )
    sessions = pd.DataFrame(
        {
            "athlete_id": 1,
            "date": pd.date_range("2026-01-01", periods=50, freq="12h").normalize(),
            "minutes": 120,
            "rpe": 5.0,
        }
    )
    out = surveillance_summary(frame, sessions, "2026-01-01", "2026-01-31")
    assert out["injuries"] == 3
    assert out["time_loss_injuries"] == 2
    assert out["exposure_hours"] == pytest.approx(100.0)
    assert out["incidence"] == pytest.approx(30.0)
    assert out["days_lost"] == pytest.approx(14.0)  # IOC 2020: neither the onset day nor the return day counts
    assert out["burden"] == pytest.approx(140.0)


def test_surveillance_summary_without_exposure_gives_missing_rates():
    sessions = pd.DataFrame({"athlete_id": [], "date": [], "minutes": [], "rpe": []}).astype(
        {"athlete_id": "int64", "date": "datetime64[ns]", "minutes": "int64", "rpe": "float64"}
    )
    out = surveillance_summary(classified([]), sessions, "2026-01-01", "2026-01-31")
    assert out["injuries"] == 0
    assert np.isnan(out["incidence"]) and np.isnan(out["burden"])


# --------------------------------------------------------------------------- load and ACWR


def test_load_and_acwr_rest_days_from_checkins_and_no_ratio_before_28_days():
    """Athlete 1 trains 100 AU (RPE 5 x 20 min) on every day from 01-01 to 02-09 except Sundays, and
    checks in every day, so Sundays are rest days at 0 (not missing). Coupled ACWR on 02-09: the last 7
    days hold 6 x 100 = 600 -> 600 / 7; the last 28 days hold 24 x 100 -> 2400 / 28; ratio = (600 / 7)
    / (2400 / 28) = 1.0. The range starts 01-20: the ratio is missing on the first 27 days of data (to 01-27)
    and given from 01-28 (the 28th day of data)."""
    days = pd.date_range("2026-01-01", "2026-02-09")
    trained = days[days.day_of_week != 6]
    sessions = pd.DataFrame({"athlete_id": 1, "date": trained, "minutes": 20, "rpe": 5.0})
    wellness = checkins([(1, d, "full", 3) for d in days])
    out = load_and_acwr(sessions, wellness, "2026-01-20", "2026-02-09", method="coupled")
    assert out["date"].min() == D("2026-01-20") and out["date"].max() == D("2026-02-09")
    sunday = out[out["date"] == D("2026-01-25")].iloc[0]
    assert sunday["load"] == 0.0
    assert out.loc[out["date"] <= D("2026-01-27"), "acwr"].isna().all()
    assert out.loc[out["date"] >= D("2026-01-28"), "acwr"].notna().all()
    assert out.iloc[-1]["acwr"] == pytest.approx(1.0)


def test_load_and_acwr_of_nothing_is_empty():
    empty = checkins([])
    sessions = pd.DataFrame({"athlete_id": [], "date": [], "minutes": [], "rpe": []})
    out = load_and_acwr(sessions, empty, "2026-01-01", "2026-01-31")
    assert out.empty
    assert list(out.columns) == ["athlete_id", "date", "load", "acute", "chronic", "acwr"]
