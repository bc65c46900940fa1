"""The athlete's check-in around the form (`views.checkin`): greeting, streak, week, one-tap spots and what
today's answers changed, on hand-made frames."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from views.checkin import greeting, recent_spots, streak, week_so_far, what_changed

TODAY = dt.date(2026, 3, 19)  # a Thursday


def days(*offsets: int) -> pd.Series:
    return pd.Series([pd.Timestamp(TODAY - dt.timedelta(days=n)) for n in offsets], dtype="datetime64[ns]")


def checkins(rows: dict[int, dict[str, int]]) -> pd.DataFrame:
    """One check-in per day offset before today, every item 4 unless given."""
    items = ("fatigue", "sleep_quality", "soreness", "stress", "mood")
    return pd.DataFrame(
        [
            {"date": pd.Timestamp(TODAY - dt.timedelta(days=n)), **dict.fromkeys(items, 4), **given}
            for n, given in rows.items()
        ]
    )


def pain(rows: list[tuple[int, str, str, int]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"date": pd.Timestamp(TODAY - dt.timedelta(days=n)), "body_region": r, "side": s, "pain": p}
            for n, r, s, p in rows
        ],
        columns=["date", "body_region", "side", "pain"],
    )


def test_greeting_says_the_part_of_the_day_and_the_first_name() -> None:
    assert greeting("Selma Nilsen", dt.datetime(2026, 3, 19, 7, 5)) == "Good morning, Selma — how are you today?"
    assert greeting("Selma Nilsen", dt.datetime(2026, 3, 19, 12, 0)).startswith("Good afternoon, Selma")
    assert greeting("Selma", dt.datetime(2026, 3, 19, 21, 0)).startswith("Good evening, Selma")


def test_streak_counts_days_in_a_row_up_to_today_or_yesterday() -> None:
    assert streak(days(0, 1, 2, 4), TODAY) == 3
    assert streak(days(1, 2, 4), TODAY) == 2, "today's is not in yet: the streak still stands"
    assert streak(days(2, 3), TODAY) == 0
    assert streak(days(), TODAY) == 0


def test_week_so_far_counts_monday_to_today() -> None:
    assert week_so_far(days(0, 1, 3, 4), TODAY) == (3, 4), "Thursday: Mon, Tue and Thu of 4 days; last Sunday not"


def test_recent_spots_are_the_last_four_weeks_newest_first() -> None:
    reported = pain(
        [(1, "thigh", "left", 3), (3, "ankle", "right", 2), (2, "thigh", "left", 4), (29, "knee", "left", 5)]
    )
    assert recent_spots(reported, TODAY) == [("thigh", "left"), ("ankle", "right")]


def test_what_changed_names_items_off_the_usual_and_pain_against_its_last_report() -> None:
    history = checkins({0: {"soreness": 2, "mood": 5}, 1: {}, 2: {}, 3: {"mood": 4}})
    reported = pain([(0, "thigh", "left", 5), (2, "thigh", "left", 3), (0, "knee", "right", 2)])
    said = what_changed(history, reported, TODAY)
    assert said == [
        "Muscle soreness: 2 (sorer / tighter than normal), worse than your usual 4.0 out of 5.",
        "Mood: 5 (very positive), better than your usual 4.0 out of 5.",
        "Left thigh pain 5 out of 10, up from 3 on 17 Mar.",
        "Right knee: new pain, 2 out of 10.",
    ]


def test_nothing_changed_before_todays_check_in_or_when_all_is_usual() -> None:
    assert what_changed(checkins({1: {}, 2: {}}), pain([]), TODAY) == []
    assert what_changed(checkins({0: {}, 1: {}}), pain([]), TODAY) == []
