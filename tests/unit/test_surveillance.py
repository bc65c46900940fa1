"""Unit tests of analytics.surveillance: exposure, incidence, burden and OSTRC-O2."""

from __future__ import annotations

import math
from functools import partial

import numpy as np
import pandas as pd
import pandera.errors
import pytest

from analytics.surveillance import (
    burden,
    days_lost,
    exposure_hours,
    incidence,
    ostrc_problem,
    ostrc_severity,
    ostrc_substantial,
    poisson_limits,
    rates,
    risk_matrix,
    severity_group,
    weekly_prevalence,
)
from tests import factories

# --------------------------------------------------------------------------- OSTRC-O2 scores


def test_ostrc_severity_is_the_sum_of_the_four_scores():
    """Clarsen et al.: severity = Q1 + Q2 + Q3 + Q4; 17 + 25 + 25 + 25 = 92; range 0..100."""
    assert ostrc_severity(17, 25, 25, 25) == 92
    assert isinstance(ostrc_severity(17, 25, 25, 25), int)
    assert ostrc_severity(0, 0, 0, 0) == 0
    assert ostrc_severity(25, 25, 25, 25) == 100


@pytest.mark.parametrize("missing", [None, np.nan, pd.NA])
def test_ostrc_severity_missing_when_any_answer_is_missing(missing):
    assert ostrc_severity(0, missing, 8, 8) is pd.NA


def test_ostrc_severity_vectorised_on_series():
    """Row-wise sums: 0+0+0+0 = 0; 8+17+0+0 = 25; a missing Q3 -> missing; 25+25+25+25 = 100."""
    index = [5, 6, 7, 8]
    q1 = pd.Series([0, 8, 0, 25], index=index)
    q2 = pd.Series([0, 17, 0, 25], index=index)
    q3 = pd.Series([0, 0, None, 25], index=index, dtype="Int64")
    q4 = pd.Series([0, 0, 8, 25], index=index)
    out = ostrc_severity(q1, q2, q3, q4)
    assert str(out.dtype) == "Int64"
    assert out.index.tolist() == index
    assert out.tolist()[:2] == [0, 25]
    assert out.isna().tolist() == [False, False, True, False]
    assert out.iloc[3] == 100


def test_ostrc_refuses_a_score_that_is_not_an_answer():
    with pytest.raises(ValueError, match="OSTRC"):
        ostrc_severity(3, 0, 0, 0)
    with pytest.raises(ValueError, match="OSTRC"):
        ostrc_substantial(pd.Series([0, 30]), 0, 0, 0)


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ((25, 0, 0, 0), True),  # Q1 = 25: cannot participate
        ((17, 0, 0, 0), False),  # Q1 = 17 alone is not substantial
        ((0, 17, 0, 0), True),  # Q2 >= 17: moderate reduction in training volume
        ((0, 25, 0, 0), True),
        ((0, 0, 17, 0), True),  # Q3 >= 17: moderate effect on performance
        ((8, 8, 8, 25), False),  # Q4 (symptoms) does not count; minor reductions are not substantial
        ((0, 0, 0, 0), False),
        ((None, None, 17, None), True),  # a missing answer does not block another one
        ((None, None, None, None), False),
    ],
)
def test_ostrc_substantial(answers, expected):
    """Substantial problem (Clarsen et al. 2013): Q1 == 25 or Q2 >= 17 or Q3 >= 17."""
    result = ostrc_substantial(*answers)
    assert result is expected


def test_ostrc_substantial_and_problem_on_series():
    """Rows: (0,0,0,0) none; (0,0,0,8) a problem (symptoms), not substantial; (0,17,0,0) both."""
    q1, q2, q3, q4 = (pd.Series(v) for v in ([0, 0, 0], [0, 0, 17], [0, 0, 0], [0, 8, 0]))
    assert ostrc_substantial(q1, q2, q3, q4).tolist() == [False, False, True]
    assert ostrc_problem(q1, q2, q3, q4).tolist() == [False, True, True]
    assert ostrc_problem(0, 0, 0, 0) is False
    assert ostrc_problem(0, 0, 0, 8) is True


# --------------------------------------------------------------------------- weekly prevalence


responses = factories.ostrc_responses


WEEKS = [
    (1, "2024-01-01", 0, 0, 0, 0),  # week 1: no problem
    (2, "2024-01-01", 25, 0, 0, 0),  # substantial
    (3, "2024-01-01", 0, 8, 0, 8),  # problem, not substantial
    (3, "2024-01-03", 0, 0, 0, 8),  # athlete 3 again in week 1 (a Wednesday): counted once
    (1, "2024-01-08", 0, 0, 0, 0),  # week 2: no problem
]


def test_weekly_prevalence_counts_each_athlete_once_per_week():
    """Week of 01-01: 3 responders (athlete 3 answered twice; once counted), problems = athletes 2, 3
    -> 2 / 3 = 0.667; substantial = athlete 2 -> 1 / 3 = 0.333. Week of 01-08: 1 responder, 0 and 0."""
    out = weekly_prevalence(responses(WEEKS))
    assert out["week_start"].tolist() == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-08")]
    assert out["responders"].tolist() == [3, 1]
    assert out["problems"].tolist() == [2, 0]
    assert out["substantial"].tolist() == [1, 0]
    assert out["problem_prevalence"].tolist() == pytest.approx([2 / 3, 0.0])
    assert out["substantial_prevalence"].tolist() == pytest.approx([1 / 3, 0.0])


def test_weekly_prevalence_per_team():
    """Team A = athletes 1, 2; team B = athlete 3. Week 1: A has 2 responders, 1 problem (athlete 2,
    substantial) -> 0.5 / 0.5; B has 1 responder with a problem -> 1.0 / 0.0. Week 2: A, 1 responder, 0."""
    athletes = pd.DataFrame({"athlete_id": [1, 2, 3], "team_id": [1, 1, 2], "team": ["A", "A", "B"]})
    out = weekly_prevalence(responses(WEEKS), athletes=athletes)
    assert out[["team", "responders", "problems", "substantial"]].values.tolist() == [
        ["A", 2, 1, 1],
        ["B", 1, 1, 0],
        ["A", 1, 0, 0],
    ]
    assert out["problem_prevalence"].tolist() == [0.5, 1.0, 0.0]


def test_weekly_prevalence_refuses_a_bad_score():
    with pytest.raises(pandera.errors.SchemaError):
        weekly_prevalence(responses([(1, "2024-01-01", 5, 0, 0, 0)]))


# --------------------------------------------------------------------------- exposure, incidence, burden


def sessions() -> pd.DataFrame:
    """Athlete 1: 90 + 30 min; athlete 2: 60 min + a 60 min match -> 4 h in total."""
    return factories.training_sessions(
        [
            (1, "2024-01-01", 90, 5.0, "training"),
            (1, "2024-01-02", 30, 3.0, "training"),
            (2, "2024-01-01", 60, 6.0, "training"),
            (2, "2024-01-03", 60, 8.0, "match"),
        ],
        ("athlete_id", "date", "minutes", "rpe", "kind"),
    )


#: Injuries of the left thigh from (injury_id, athlete_id, onset, return or None, time_loss) rows.
injuries = partial(factories.injuries, columns=("injury_id", "athlete_id", "onset_date", "return_date", "time_loss"))

INJURIES = injuries(
    [
        (1, 1, "2024-01-02", "2024-01-12", True),  # 9 days lost (01-03 to 01-11)
        (2, 1, "2024-01-20", None, True),  # open
        (3, 2, "2024-01-05", "2024-01-06", False),  # medical attention only: 0 days lost
    ]
)


def test_exposure_hours_total_and_per_group():
    """Total = (90 + 30 + 60 + 60) / 60 = 4 h; athlete 1 = 2 h, athlete 2 = 2 h; athlete 2 matches = 1 h."""
    assert exposure_hours(sessions()) == 4.0
    per_athlete = exposure_hours(sessions(), by="athlete_id")
    assert per_athlete.to_dict("list") == {"athlete_id": [1, 2], "exposure_hours": [2.0, 2.0]}
    per_kind = exposure_hours(sessions(), by=["athlete_id", "kind"])
    assert per_kind["exposure_hours"].tolist() == [2.0, 1.0, 1.0]


def test_incidence_per_1000_hours_with_scalar_exposure():
    """3 injuries / 1500 h x 1000 = 2.0 per 1000 h; 0 h -> NaN (no rate), negative hours refused."""
    assert incidence(INJURIES, 1500) == pytest.approx(2.0)
    assert isinstance(incidence(INJURIES, 1500.0), float)
    assert math.isnan(incidence(INJURIES, 0))
    with pytest.raises(ValueError, match="exposure"):
        incidence(INJURIES, -1.0)


def test_incidence_per_athlete_from_an_exposure_frame():
    """Athlete 1: 2 injuries / 2 h x 1000 = 1000; athlete 2: 1 / 2 h x 1000 = 500; athlete 3 has
    exposure (4 h) but no injury: 0."""
    exposure = pd.DataFrame({"athlete_id": [1, 2, 3], "exposure_hours": [2.0, 2.0, 4.0]})
    out = incidence(INJURIES, exposure)
    assert out["injuries"].tolist() == [2, 1, 0]
    assert out["incidence"].tolist() == pytest.approx([1000.0, 500.0, 0.0])
    with pytest.raises(ValueError, match="kind"):
        incidence(INJURIES, exposure_hours(sessions(), by=["athlete_id", "kind"]))


def test_days_lost_counts_time_loss_injuries_up_to_as_of():
    """Bahr et al. 2020 (Table 10): neither the onset day nor the return day counts. id 1: 01-02 -> 01-12 =
    9 days (01-03 to 01-11). id 2 is open: without as_of 0 days, with as_of 01-31: 01-21 to 01-31 = 11 days
    (still out on 01-31). id 3 is not time-loss: 0 even with a return date. as_of 01-10 caps id 1 at 8 days
    (01-03 to 01-10) and id 2 (onset after as_of) at 0."""
    assert days_lost(INJURIES)["days_lost"].tolist() == [9.0, 0.0, 0.0]
    assert days_lost(INJURIES, as_of="2024-01-31")["days_lost"].tolist() == [9.0, 11.0, 0.0]
    assert days_lost(INJURIES, as_of=pd.Timestamp("2024-01-10"))["days_lost"].tolist() == [8.0, 0.0, 0.0]
    with pytest.raises(ValueError, match="time_loss"):
        days_lost(INJURIES.drop(columns="time_loss"))


@pytest.mark.parametrize(
    ("case", "onset", "back", "expected"),
    [
        ("volleyball player substituted, back in a match later the same day", "2024-01-06", "2024-01-06", 0),
        ("cyclist stops a session with diarrhoea, trains normally the next day", "2024-01-08", "2024-01-09", 0),
        (
            "hockey player's hamstring strain on a Monday, back on Monday of the next week",
            "2024-01-08",
            "2024-01-15",
            6,
        ),
        (
            "cricket player's shoulder in a Saturday match, could have trained on the Tuesday",
            "2024-01-06",
            "2024-01-09",
            2,
        ),
        (
            "thigh contusion, time loss from Wednesday, back on Sunday (onset = first day lost)",
            "2024-01-10",
            "2024-01-14",
            3,
        ),
    ],
)
def test_days_lost_reproduces_the_ioc_worked_examples(case, onset, back, expected):
    """Bahr et al. 2020, IOC consensus, Table 10 "Practical examples of how to calculate time loss" (2024-01-08
    is a Monday). The "delayed" example counts from the first day lost, which Fascia takes as the onset; the
    "intermittent" one (single days missed) cannot be recorded."""
    frame = injuries([(1, 1, onset, back, True)])
    assert days_lost(frame)["days_lost"].tolist() == [expected], case


def test_severity_groups_of_fuller_2006():
    """Slight 0 days, minimal 1-3, mild 4-7, moderate 8-28, severe > 28 (Fuller et al. 2006, Table 3)."""
    days = pd.Series([0, 1, 3, 4, 7, 8, 28, 29, 400, None], index=list("abcdefghij"))
    assert severity_group(days).tolist() == [
        "slight",
        "minimal",
        "minimal",
        "mild",
        "mild",
        "moderate",
        "moderate",
        "severe",
        "severe",
        None,
    ]
    assert severity_group(days).index.tolist() == list("abcdefghij")
    assert severity_group(6) == "mild"
    assert severity_group(None) is None
    with pytest.raises(ValueError, match=">= 0"):
        severity_group(-1)


def test_exact_poisson_limits_worked_by_hand():
    """5 cases in 1000 h (Garwood 1936; chi-square quantiles, e.g. Ulm 1990's table for x = 5: 1.62 to 11.67):
    low = chi2(0.025; 10) / 2 = 3.2470 / 2 = 1.6235, high = chi2(0.975; 12) / 2 = 23.3367 / 2 = 11.6683, per
    1000 h. 0 cases: low 0, high = chi2(0.975; 2) / 2 = -ln(0.025) = 3.6889. 10 cases in 2000 h: the limits
    of 10 (4.7954, 18.3904) halved."""
    low, high = poisson_limits(5, 1000.0)
    assert (low, high) == (pytest.approx(1.6235, abs=1e-4), pytest.approx(11.6683, abs=1e-4))
    assert poisson_limits(0, 1000.0) == (0.0, pytest.approx(-math.log(0.025)))
    low, high = poisson_limits(np.array([10, 3]), np.array([2000.0, 0.0]))
    assert low[0] == pytest.approx(4.7954 / 2, abs=1e-4) and high[0] == pytest.approx(18.3904 / 2, abs=1e-4)
    assert math.isnan(low[1]) and math.isnan(high[1])


def problems(rows: list[tuple]) -> pd.DataFrame:
    """Problems from (injury_id, athlete_id, onset, return or None, time_loss, activity, body_area) rows."""
    columns = ["injury_id", "athlete_id", "onset_date", "return_date", "time_loss", "activity", "body_area"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.assign(
        onset_date=pd.to_datetime(frame["onset_date"]), return_date=pd.to_datetime(frame["return_date"])
    )


EXPOSURE = pd.DataFrame(
    {
        "athlete_id": [1, 1, 2],
        "date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]),
        "minutes": [48_000, 12_000, 60_000],  # 800 h + 1000 h training, 200 h match
        "rpe": [5.0, 5.0, 5.0],
        "kind": ["training", "match", "training"],
    }
)
SEASON = problems(
    [
        (1, 1, "2024-01-08", "2024-01-15", True, "training", "thigh"),  # 6 days
        (2, 1, "2024-02-01", "2024-02-05", True, "match", "thigh"),  # 3 days
        (3, 2, "2024-02-10", None, True, "match", "knee"),  # open: 02-11 to 02-29 = 19 days as of 02-29
        (4, 2, "2024-02-12", "2024-02-13", False, "outside_sport", "knee"),  # no time loss
        (5, 2, "2024-02-20", "2024-02-22", True, "training", None),  # 1 day, area not recorded
    ]
)


def test_rates_split_training_match_and_all_with_counts_hours_and_limits():
    """1800 h training, 200 h match, 2000 h in all. Training: 2 cases / 1800 h = 1.11 per 1000 h, 7 days lost
    = 3.89 per 1000 h; match: 2 / 200 h = 10, days 3 + 19 = 22 -> 110; all: 5 / 2000 h = 2.5 (the outside-sport
    case counts only here), days 29 -> 14.5. Limits: exact Poisson of the cases (days for burden)."""
    out = rates(SEASON, EXPOSURE, as_of="2024-02-29").set_index("exposure")
    assert out.loc[["training", "match", "all"], "cases"].tolist() == [2, 2, 5]
    assert out["hours"].to_dict() == {"training": 1800.0, "match": 200.0, "all": 2000.0}
    assert out["incidence"].tolist() == pytest.approx([2 / 1.8, 10.0, 2.5])
    assert out["days_lost"].tolist() == [7.0, 22.0, 29.0]
    assert out["burden"].tolist() == pytest.approx([7 / 1.8, 110.0, 14.5])
    low, high = poisson_limits(5, 2000.0)
    assert (out.loc["all", "incidence_low"], out.loc["all", "incidence_high"]) == (
        pytest.approx(low),
        pytest.approx(high),
    )
    low, high = poisson_limits(22, 200.0)
    assert (out.loc["match", "burden_low"], out.loc["match", "burden_high"]) == (
        pytest.approx(low),
        pytest.approx(high),
    )


def test_rates_by_group_and_without_problems():
    """By body area: each area against the whole exposure of its kind; a missing area is a group of its own."""
    out = rates(SEASON, EXPOSURE, by="body_area", as_of="2024-02-29")
    every = out[out["exposure"] == "all"]
    assert dict(zip(every["body_area"].fillna("not recorded"), every["cases"], strict=True)) == {
        "thigh": 2,
        "knee": 2,
        "not recorded": 1,
    }
    assert (every["hours"] == 2000.0).all()
    assert out.loc[(out["exposure"] == "match") & (out["body_area"] == "knee"), "days_lost"].tolist() == [19.0]
    empty = rates(SEASON.iloc[:0], EXPOSURE)
    assert empty["cases"].tolist() == [0, 0, 0]
    assert empty["incidence_low"].tolist() == [0.0, 0.0, 0.0]
    assert empty["incidence_high"].tolist() == pytest.approx(
        [-math.log(0.025) / 1.8, -math.log(0.025) / 0.2, -math.log(0.025) / 2]
    )
    with pytest.raises(ValueError, match="activity"):
        rates(SEASON.drop(columns="activity"), EXPOSURE)


def test_risk_matrix_incidence_times_mean_severity_is_burden():
    """Bahr, Clarsen & Ekstrand 2018: per area, incidence (cases / 2000 h x 1000) against mean severity (days
    lost / cases); their product is the burden. Thigh 2 cases, 9 days: 1.0 per 1000 h x 4.5 days = 4.5;
    knee 2 cases, 19 days: 1.0 x 9.5 = 9.5 (first: the larger burden)."""
    out = risk_matrix(SEASON.dropna(subset=["body_area"]), EXPOSURE, by="body_area", as_of="2024-02-29")
    assert out["body_area"].tolist() == ["knee", "thigh"]
    assert out["mean_severity"].tolist() == pytest.approx([9.5, 4.5])
    assert out["burden"].tolist() == pytest.approx(out["incidence"] * out["mean_severity"])


def test_burden_per_1000_hours():
    """As of 01-31: days lost = 9 + 11 + 0 = 20; 20 / 1500 h x 1000 = 13.3 days per 1000 h.
    Per athlete: 20 days / 2 h x 1000 = 10,000; athlete 2: 0 / 2 h = 0."""
    assert burden(INJURIES, 1500.0, as_of="2024-01-31") == pytest.approx(20 / 1.5)
    assert burden(INJURIES, 1500.0) == pytest.approx(9 / 1500 * 1000)
    assert math.isnan(burden(INJURIES, 0.0))
    out = burden(INJURIES, exposure_hours(sessions(), by="athlete_id"), as_of="2024-01-31")
    assert out["days_lost"].tolist() == [20.0, 0.0]
    assert out["burden"].tolist() == pytest.approx([10_000.0, 0.0])
