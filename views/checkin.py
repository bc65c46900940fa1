"""The athlete's *Daily check-in*, around the form: the greeting, the streak and this week's check-ins,
the spots that hurt lately (one tap each), and what today's answers changed against the athlete's own
usual. Streamlit-free; inputs are the athlete's own check-ins and pain reports.

Wellness items are on 1-5 with 5 best (McLean et al. 2010); "usual" is the mean of the athlete's own
check-ins of the `USUAL_DAYS` days before today, and a change is said when today differs from it by at
least `CHANGE_POINTS` points (one step of the scale).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from views import words

#: The days before today that make an athlete's usual answer, and that the recent pain spots come from.
USUAL_DAYS = 28
#: The smallest difference from the usual answer that is said (one step of the 1-5 scale).
CHANGE_POINTS = 1.0
#: The most recent pain spots offered as one-tap answers.
RECENT_SPOTS = 6


def greeting(name: str, now: dt.datetime) -> str:
    """ "Good morning, Selma — how are you today?" (morning before 12:00, afternoon before 18:00, evening
    after), with the first word of the athlete's name."""
    part = "morning" if now.hour < 12 else "afternoon" if now.hour < 18 else "evening"
    first = name.split()[0] if name.split() else name
    return f"Good {part}, {first} — how are you today?"


def streak(days: pd.Series, today: dt.date) -> int:
    """Days in a row with a check-in, ending today (or yesterday, while today's is not in yet)."""
    done = {pd.Timestamp(d).date() for d in days.dropna()}
    day = today if today in done else today - dt.timedelta(days=1)
    count = 0
    while day in done:
        count += 1
        day -= dt.timedelta(days=1)
    return count


def week_so_far(days: pd.Series, today: dt.date) -> tuple[int, int]:
    """(days with a check-in, days so far) of the week (Monday to Sunday) that holds `today`."""
    monday = today - dt.timedelta(days=today.weekday())
    done = {pd.Timestamp(d).date() for d in days.dropna()}
    so_far = [monday + dt.timedelta(days=n) for n in range((today - monday).days + 1)]
    return sum(day in done for day in so_far), len(so_far)


def recent_spots(pain: pd.DataFrame, today: dt.date) -> list[tuple[str, str]]:
    """The (region, side) pairs the athlete reported pain in during the `USUAL_DAYS` days before today,
    newest first, at most `RECENT_SPOTS`."""
    first = pd.Timestamp(today - dt.timedelta(days=USUAL_DAYS))
    recent = pain[(pain["date"] >= first) & (pain["date"] < pd.Timestamp(today))]
    newest = recent.sort_values("date", ascending=False).drop_duplicates(["body_region", "side"])
    return list(zip(newest["body_region"], newest["side"], strict=True))[:RECENT_SPOTS]


def what_changed(checkins: pd.DataFrame, pain: pd.DataFrame, today: dt.date) -> list[str]:
    """What today's answers changed, in plain words: each wellness item at least `CHANGE_POINTS` from the
    athlete's usual (worse or better), and each pain spot against its previous report. Empty before
    today's check-in, or when nothing moved."""
    day = pd.Timestamp(today)
    todays = checkins[checkins["date"] == day]
    if todays.empty:
        return []
    before = checkins[(checkins["date"] < day) & (checkins["date"] >= day - pd.Timedelta(days=USUAL_DAYS))]
    said: list[str] = []
    for item, title in words.WELLNESS_ITEMS.items():
        value = todays[item].iloc[0]
        usual = before[item].mean()
        if pd.isna(value) or pd.isna(usual) or abs(value - usual) < CHANGE_POINTS:
            continue
        how = "better" if value > usual else "worse"
        answer = words.WELLNESS_ANSWERS[item][int(value)]
        said.append(f"{title}: {int(value)} ({answer}), {how} than your usual {usual:.1f} out of 5.")
    for spot in pain[pain["date"] == day].itertuples():
        earlier = pain[(pain["date"] < day) & (pain["body_region"] == spot.body_region) & (pain["side"] == spot.side)]
        where = words.where_label(spot.body_region, spot.side)
        if earlier.empty:
            said.append(f"{where}: new pain, {spot.pain} out of 10.")
            continue
        last = earlier.sort_values("date").iloc[-1]
        if last["pain"] != spot.pain:
            how = "up" if spot.pain > last["pain"] else "down"
            said.append(
                f"{where} pain {spot.pain} out of 10, {how} from {last['pain']} on "
                f"{words.short_day(last['date'], today)}."
            )
    return said
