"""Unit tests of analytics.recurrence: Fuller et al. (2006, 2007) categories and recurrence rates."""

from __future__ import annotations

import pandas as pd
import pandera.errors
import pytest

from analytics.recurrence import classify_injuries, classify_problems, recurrence_rate, time_between_episodes
from tests import factories

COLUMNS = ["injury_id", "athlete_id", "onset_date", "body_region", "side", "injury_type", "return_date"]


def injuries(rows: list[tuple]) -> pd.DataFrame:
    """Injuries from (injury_id, athlete_id, onset, region, side, type, return or None) rows,
    with the query's extra columns (onset_mode, time_loss, notes)."""
    return factories.injuries(rows, COLUMNS).assign(notes="clinical note")


def hamstring(injury_id: int, onset: str, returned: str | None, athlete_id: int = 1, side: str = "left") -> tuple:
    return (injury_id, athlete_id, onset, "thigh", side, "muscle_strain", returned)


def categories(frame: pd.DataFrame) -> dict[int, str]:
    out = classify_injuries(frame)
    return dict(zip(out["injury_id"], out["category"], strict=True))


def test_first_injury_is_new_with_missing_index():
    out = classify_injuries(injuries([hamstring(1, "2024-01-01", "2024-01-20")]))
    assert out["category"].tolist() == ["new"]
    assert out["index_injury_id"].isna().all()
    assert str(out["index_injury_id"].dtype) == "Int64"


def test_exacerbation_when_the_earlier_one_has_not_returned():
    """Injury 1 (01-01) has no return date yet when 2 starts (01-10): exacerbation of 1.
    Injury 3 (athlete 2) returns 02-01, after injury 4's onset 01-20: also an exacerbation."""
    out = classify_injuries(
        injuries(
            [
                hamstring(1, "2024-01-01", None),
                hamstring(2, "2024-01-10", None),
                hamstring(3, "2024-01-01", "2024-02-01", athlete_id=2),
                hamstring(4, "2024-01-20", "2024-03-01", athlete_id=2),
            ]
        )
    )
    assert dict(zip(out["injury_id"], out["category"], strict=True)) == {
        1: "new",
        2: "exacerbation",
        3: "new",
        4: "exacerbation",
    }
    assert out["index_injury_id"].tolist()[1] == 1
    assert out["index_injury_id"].tolist()[3] == 3


@pytest.mark.parametrize(
    ("onset", "expected"),
    [
        ("2024-01-31", "recurrent_early"),  # return 01-31 + 0 days: returned the same day
        ("2024-03-31", "recurrent_early"),  # 01-31 + 60 days (Feb 2024 has 29 days: 29 + 31 = 60)
        ("2024-04-01", "recurrent_late"),  # + 61 days
        ("2025-01-30", "recurrent_late"),  # + 365 days (2024 is a leap year: 01-31 + 365 = 2025-01-30)
        ("2025-01-31", "recurrent_delayed"),  # + 366 days
    ],
)
def test_recurrence_timing_boundaries(onset, expected):
    """Index injury returns to full participation on 2024-01-31. Recurrence is early when the new
    onset is <= 60 days after that return, late when <= 365 days, delayed after 365 days."""
    gap = (pd.Timestamp(onset) - pd.Timestamp("2024-01-31")).days
    assert gap in (0, 60, 61, 365, 366)
    found = categories(injuries([hamstring(1, "2024-01-10", "2024-01-31"), hamstring(2, onset, None)]))
    assert found == {1: "new", 2: expected}


def test_different_side_type_or_athlete_is_new():
    """Same region but the right side, a different type, or another athlete: all new.
    A bilateral injury does not match a left one."""
    found = categories(
        injuries(
            [
                hamstring(1, "2024-01-01", "2024-01-10"),
                hamstring(2, "2024-02-01", "2024-02-10", side="right"),
                (3, 1, "2024-03-01", "thigh", "left", "contusion", "2024-03-05"),
                hamstring(4, "2024-04-01", "2024-04-10", athlete_id=2),
                hamstring(5, "2024-05-01", "2024-05-10", side="bilateral"),
                (6, 1, "2024-06-01", "knee", "left", "muscle_strain", None),
            ]
        )
    )
    assert set(found.values()) == {"new"}


def test_index_is_the_most_recent_earlier_matching_injury():
    """1 (returned 01-31), 2 starts 03-01 (30 days: early, index 1), returns 04-30;
    3 starts 2024-07-29: 90 days after 2's return (late, index 2), 180 after 1's.
    The index of 3 is 2, the most recent one, and the gap is counted from 2's return."""
    out = classify_injuries(
        injuries(
            [
                hamstring(3, "2024-07-29", None),
                hamstring(1, "2024-01-10", "2024-01-31"),
                hamstring(2, "2024-03-01", "2024-04-30"),
            ]
        )
    )
    by_id = out.set_index("injury_id")
    assert by_id.loc[2, "category"] == "recurrent_early"
    assert by_id.loc[2, "index_injury_id"] == 1
    assert by_id.loc[3, "category"] == "recurrent_late"
    assert by_id.loc[3, "index_injury_id"] == 2


def test_same_day_onsets_are_ordered_by_injury_id():
    """Two records of one site on one day: the lower id counts as earlier; it has not returned by
    the other's onset, so the higher id is an exacerbation of it."""
    found = categories(injuries([hamstring(8, "2024-01-01", None), hamstring(7, "2024-01-01", "2024-01-05")]))
    assert found == {7: "new", 8: "exacerbation"}


def test_keeps_input_order_index_and_extra_columns():
    frame = injuries([hamstring(2, "2024-03-01", None), hamstring(1, "2024-01-01", "2024-01-15")])
    frame.index = [10, 20]
    out = classify_injuries(frame)
    assert out.index.tolist() == [10, 20]
    assert out["injury_id"].tolist() == [2, 1]
    assert out["category"].tolist() == ["recurrent_early", "new"]
    assert {"onset_mode", "time_loss", "notes", "category", "index_injury_id"} <= set(out.columns)


def test_several_athletes_at_once_equal_each_alone():
    rows = [
        hamstring(1, "2024-01-01", "2024-01-20", athlete_id=1),
        hamstring(2, "2024-02-01", None, athlete_id=1),
        hamstring(3, "2024-01-05", "2024-01-06", athlete_id=2),
        hamstring(4, "2025-06-01", "2025-06-10", athlete_id=2),
        hamstring(5, "2024-01-01", None, athlete_id=3),
    ]
    together = classify_injuries(injuries(rows))
    for athlete_id in (1, 2, 3):
        alone = classify_injuries(injuries([r for r in rows if r[1] == athlete_id]))
        mine = together[together["athlete_id"] == athlete_id].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone.reset_index(drop=True))


def test_empty_and_invalid_input():
    assert classify_injuries(injuries([])).empty
    with pytest.raises(pandera.errors.SchemaError):
        classify_injuries(injuries([(1, 1, "2024-01-01", "tail", "left", "muscle_strain", None)]))


# --------------------------------------------------------------------------- recurrence_rate

RATE_ROWS = [
    hamstring(1, "2024-01-01", "2024-01-20", athlete_id=1),  # new
    hamstring(2, "2024-02-01", None, athlete_id=1),  # early (12 days after 01-20)
    hamstring(3, "2024-02-10", None, athlete_id=1),  # exacerbation of 2
    (4, 2, "2024-01-15", "ankle", "right", "ligament_sprain", "2024-01-25"),  # new
    (5, 2, "2024-02-20", "ankle", "right", "ligament_sprain", None),  # early (26 days)
    (6, 2, "2024-02-21", "knee", "left", "contusion", None),  # new
]
ATHLETES = pd.DataFrame(
    {
        "athlete_id": [1, 2],
        "team_id": [1, 2],
        "team": ["Ajax", "Benfica"],
        "display_name": ["A", "B"],
        "external_id": ["a", "b"],
        "position": [None, None],
        "dominant_side": ["left", "right"],
        "active": [True, True],
    }
)


def test_recurrence_rate_overall():
    """6 injuries; recurrences = 2 (ids 2 and 5, both early); the exacerbation (3) is not a
    recurrence -> rate = 2 / 6 = 0.3333."""
    out = recurrence_rate(classify_injuries(injuries(RATE_ROWS)))
    assert out.to_dict("records") == [
        {"injuries": 6, "recurrences": 2, "exacerbations": 1, "recurrence_rate": pytest.approx(2 / 6)}
    ]


def test_recurrence_rate_by_month_and_region():
    """By onset month: January = ids 1, 4 -> 0 / 2; February = 2, 3, 5, 6 -> 2 / 4 = 0.5.
    By region: ankle 1 / 2, knee 0 / 1, thigh 1 / 3."""
    classified = classify_injuries(injuries(RATE_ROWS))
    monthly = recurrence_rate(classified, by=["month"])
    assert monthly["month"].tolist() == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-02-01")]
    assert monthly["recurrence_rate"].tolist() == [0.0, 0.5]
    regions = recurrence_rate(classified, by=["body_region"]).set_index("body_region")
    assert regions["recurrence_rate"].to_dict() == pytest.approx({"ankle": 0.5, "knee": 0.0, "thigh": 1 / 3})


def test_recurrence_rate_by_team_joins_the_athletes():
    """Ajax = athlete 1: ids 1, 2, 3 -> 1 / 3; Benfica = athlete 2: ids 4, 5, 6 -> 1 / 3."""
    out = recurrence_rate(classify_injuries(injuries(RATE_ROWS)), by="team", athletes=ATHLETES)
    assert out["team"].tolist() == ["Ajax", "Benfica"]
    assert out["injuries"].tolist() == [3, 3]
    assert out["recurrence_rate"].tolist() == pytest.approx([1 / 3, 1 / 3])
    with pytest.raises(ValueError, match="athletes"):
        recurrence_rate(classify_injuries(injuries(RATE_ROWS)), by=["team"])


def test_recurrence_rate_classifies_raw_injuries_and_rejects_unknown_groups():
    raw = injuries(RATE_ROWS)
    pd.testing.assert_frame_equal(recurrence_rate(raw), recurrence_rate(classify_injuries(raw)))
    with pytest.raises(ValueError, match="group"):
        recurrence_rate(raw, by=["season"])


def test_time_between_episodes():
    """id 2: 12 days after 1's return (01-20 -> 02-01), 31 after its onset (01-01 -> 02-01).
    id 3 (exacerbation of 2): 2 had not returned, so the time runs from 2's onset: 02-01 -> 02-10
    = 9 days; days_from_index_return missing. id 5: 01-25 -> 02-20 = 26 days."""
    out = time_between_episodes(classify_injuries(injuries(RATE_ROWS)))
    assert out["injury_id"].tolist() == [2, 3, 5]
    assert out["index_injury_id"].tolist() == [1, 2, 4]
    assert out["days_between"].tolist() == [12, 9, 26]
    assert out["days_from_index_onset"].tolist() == [31, 9, 36]
    assert out["days_from_index_return"].tolist()[0] == 12
    assert out["days_from_index_return"].isna().tolist() == [False, True, False]


# --------------------------------------------------------------------------- health problems (IOC 2020)


def problems(rows: list[tuple]) -> pd.DataFrame:
    """Health problems from (id, type, onset, return or None, site, index_problem_id, by clinician) rows; site =
    (region, side, injury type) for an injury, (organ system, cause) for an illness; athlete 1."""
    records = []
    for problem_id, kind, onset, back, site, index, by_clinician in rows:
        injury = dict(zip(("body_region", "side", "injury_type"), site, strict=True)) if kind == "injury" else {}
        illness = dict(zip(("organ_system", "illness_cause"), site, strict=True)) if kind == "illness" else {}
        records.append(
            {
                "injury_id": problem_id,
                "athlete_id": 1,
                "problem_type": kind,
                "onset_date": pd.Timestamp(onset),
                "return_date": pd.Timestamp(back) if back else pd.NaT,
                **dict.fromkeys(("body_region", "side", "injury_type", "organ_system", "illness_cause")),
                **injury,
                **illness,
                "index_problem_id": index,
                "index_by_clinician": by_clinician,
            }
        )
    return pd.DataFrame(records).astype({"index_problem_id": "Int64"})


def ids(values: pd.Series) -> list[int | None]:
    return [None if pd.isna(v) else int(v) for v in values]


THIGH = ("thigh", "left", "muscle_strain")
KNEE = ("knee", "left", "ligament_sprain")
COLD = ("respiratory", "infection")


def test_illnesses_recur_by_organ_system_and_cause():
    """IOC 2020 ("Subsequent health problems"; Table 4 of the Para sport extension, Derman et al. 2021): an
    illness of the same organ system and type after full recovery is a repeat, before it an exacerbation.
    Respiratory infection 01-05 to 01-10, again 01-20 (10 days after return): early recurrence; the same
    again on 01-25 while the second is not over: exacerbation; a respiratory allergy is new (another cause),
    and an injury is never an illness's index."""
    out = classify_problems(
        problems(
            [
                (1, "illness", "2024-01-05", "2024-01-10", COLD, None, False),
                (2, "illness", "2024-01-20", None, COLD, None, False),
                (3, "illness", "2024-01-25", None, COLD, None, False),
                (4, "illness", "2024-02-01", None, ("respiratory", "allergic"), None, False),
                (5, "injury", "2024-01-06", "2024-01-09", THIGH, None, False),
            ]
        )
    )
    assert out.set_index("injury_id")["category"].to_dict() == {
        1: "new",
        2: "recurrent_early",
        3: "exacerbation",
        4: "new",
        5: "new",
    }
    assert ids(out["index_injury_id"]) == [None, 1, 2, None, None]
    assert set(out["classified_by"]) == {"automatic"}


def test_injuries_are_classified_as_classify_injuries_does():
    frame = problems(
        [
            (1, "injury", "2024-01-01", "2024-01-20", THIGH, None, False),
            (2, "injury", "2024-02-01", None, THIGH, None, False),
            (3, "injury", "2024-02-02", None, KNEE, None, False),
        ]
    )
    injuries_only = frame[
        ["injury_id", "athlete_id", "onset_date", "body_region", "side", "injury_type", "return_date"]
    ]
    assert classify_problems(frame)["category"].tolist() == classify_injuries(injuries_only)["category"].tolist()


def test_a_clinician_choice_overrides_the_automatic_category():
    """Issue 13: the clinician's own index problem (audited) decides where one is set. Problem 3 (knee) would be
    new by the Fuller rule (another site); the clinician links it to problem 1 (thigh, returned 01-20): onset
    02-01 is 12 days later, an early recurrence. Problem 2 (the same thigh strain, automatically an early
    recurrence of 1) is declared new by the clinician (no index). Problem 4 is linked to problem 3, not yet
    returned by its onset: an exacerbation. Problem 5 names an index the frame does not hold: automatic."""
    out = classify_problems(
        problems(
            [
                (1, "injury", "2024-01-01", "2024-01-20", THIGH, None, False),
                (2, "injury", "2024-01-25", "2024-01-30", THIGH, None, True),
                (3, "injury", "2024-02-01", None, KNEE, 1, True),
                (4, "injury", "2024-02-05", None, ("ankle", "left", "ligament_sprain"), 3, True),
                (5, "injury", "2024-06-01", None, THIGH, 99, True),
            ]
        )
    ).set_index("injury_id")
    assert out["category"].to_dict() == {
        1: "new",
        2: "new",
        3: "recurrent_early",
        4: "exacerbation",
        5: "recurrent_late",
    }
    assert ids(out["index_injury_id"]) == [None, None, 1, 3, 2]
    assert out["classified_by"].to_dict() == {
        1: "automatic",
        2: "clinician",
        3: "clinician",
        4: "clinician",
        5: "automatic",
    }


def test_recurrence_rate_of_health_problems_uses_the_clinician_choice():
    """Problem 2 alone would be an early recurrence (rate 1/2); the clinician says it is new: 0/2. Injuries and
    illnesses get a row each with ``by=["problem_type"]``."""
    frame = problems(
        [
            (1, "injury", "2024-01-01", "2024-01-20", THIGH, None, False),
            (2, "injury", "2024-01-25", None, THIGH, None, True),
            (3, "illness", "2024-01-05", "2024-01-10", COLD, None, False),
            (4, "illness", "2024-01-20", None, COLD, None, False),
        ]
    )
    rates = recurrence_rate(frame, by=["problem_type"]).set_index("problem_type")
    assert rates.loc["injury", "recurrences"] == 0
    assert rates.loc["illness", "recurrence_rate"] == pytest.approx(0.5)
    automatic = recurrence_rate(frame.assign(index_by_clinician=False), by=["problem_type"]).set_index("problem_type")
    assert automatic.loc["injury", "recurrence_rate"] == pytest.approx(0.5)


def test_illnesses_need_their_organ_system_and_cause():
    frame = problems([(1, "illness", "2024-01-05", None, COLD, None, False)])
    with pytest.raises(ValueError, match="organ_system"):
        classify_problems(frame.drop(columns=["organ_system", "illness_cause"]))
