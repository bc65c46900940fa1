"""The plain sentences of the athlete's pages (*My recovery*, the progress report): the pain and ROM of a
period, what changed since last week, the chronic regions (moved here from `analytics/caseload.py`: analytics
keeps the rules and numbers, the words are the views').

Rules (stated in `analytics.caseload`'s docstring and the pages' captions): pain: first vs latest report of
each region in the chosen dates; "down" only for a clinically important fall (>= 2 points and >= 30 %,
Farrar et al. 2001), "up" for a rise of >= 2 points, otherwise "about the same". ROM
(`analytics.rom.rom_status`): "up"/"down" only for a real change (beyond the MDC), from the first measurement
since the latest injury in the measure's region (else the first in the dates), real changes first. Week: the 7
days ending on `as_of` against the 7 before.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analytics import recovery
from analytics import schemas as S
from analytics.caseload import SENTENCE_DAYS, TREND_DAYS, pain_direction
from analytics.validation import checked
from views import words

_DAY = pd.Timedelta(days=1)


def _day(value: object) -> pd.Timestamp:
    return pd.Timestamp(value).normalize()


def chronic_words(chronic: pd.DataFrame) -> str:
    """The chronic regions of ``analytics.recovery.chronic_pain`` rows in words, comma-separated
    ("" when none is chronic), e.g. "lower back, left thigh"."""
    if chronic is None or chronic.empty:
        return ""
    chosen = chronic["chronic"].astype(bool).to_numpy()
    regions, sides = chronic["body_region"].to_numpy()[chosen], chronic["side"].to_numpy()[chosen]
    return ", ".join(words.where_words(r, s) for r, s in zip(regions, sides, strict=True))


def _direction_words(first: float, last: float) -> str:
    fall = first - last
    if fall >= recovery.IMPORTANT_POINTS and 100 * fall >= recovery.IMPORTANT_PERCENT * first:
        return "down"
    if -fall >= recovery.IMPORTANT_POINTS:
        return "up"
    return "about the same"


def pain_sentences(
    pain_reports: pd.DataFrame, as_of: object, start: object | None = None, days: int = SENTENCE_DAYS
) -> list[str]:
    """Plain sentences about the pain reported from `start` to `as_of` (default: the 28 days ending on it).

    Per athlete, region and side with a report of NPRS >= 1 in the window, the first report in the
    window is compared with the latest: "Your left thigh pain is down from 6 to 2 since 3 October."
    "down" needs a clinically important fall (>= 2 points and >= 30 %, Farrar et al. 2001), "up" a rise
    of >= 2 points; otherwise "about the same (6 on 3 October, 5 on 20 October)". When the latest
    report of an "up"/"down" sentence is not from `as_of`, its date is added. Worst latest pain first.
    """
    as_of_ts = _day(as_of)
    first_day = _day(start) if start is not None else as_of_ts - (days - 1) * _DAY
    p = recovery.daily_pain(pain_reports)
    p = p[(p["date"] >= first_day) & (p["date"] <= as_of_ts)]
    keys = ["athlete_id", "body_region", "side"]
    painful = p.groupby(keys)["pain"].transform("max") >= 1
    p = p[painful]
    if p.empty:
        return []
    g = p.groupby(keys, as_index=False).agg(
        first_date=("date", "first"),
        first_pain=("pain", "first"),
        last_date=("date", "last"),
        last_pain=("pain", "last"),
        n=("pain", "size"),
    )
    g = g.sort_values(["last_pain", "last_date"], ascending=False)
    sentences = []
    for row in g.itertuples(index=False):  # one row per complaint: a handful per athlete
        where = words.where_words(row.body_region, row.side)
        since = words.day_words(row.first_date, as_of_ts)
        if row.n == 1:
            sentences.append(f"You reported {where} pain of {row.last_pain} on {since}.")
            continue
        direction = _direction_words(float(row.first_pain), float(row.last_pain))
        latest = words.day_words(row.last_date, as_of_ts)
        if direction == "about the same":
            text = f"Your {where} pain is about the same ({row.first_pain} on {since}, {row.last_pain} on {latest})"
        else:
            text = f"Your {where} pain is {direction} from {row.first_pain} to {row.last_pain} since {since}"
            if row.last_date != as_of_ts:
                text += f" (last reported {latest})"
        sentences.append(text + ".")
    return sentences


def _rom_amount(value: float, unit: object) -> str:
    """A ROM value as the sentences say it: whole degrees, centimetres to 0.1 cm ("12°", "2.0 cm")."""
    return words.amount(value, unit, digits=0 if unit == "deg" else 1)


def rom_sentences(status: pd.DataFrame, symmetry: pd.DataFrame | None = None) -> list[str]:
    """Plain sentences for the athlete page, one per athlete, joint, movement and side of `status`
    (`analytics.rom.rom_status`), in its order.

    Rule: a change is stated as up/down only when it is real (beyond the MDC, ``change_real``);
    otherwise the sentence says it is within measurement error. When `symmetry` (`analytics.rom.rom_symmetry`,
    latest) has the measure and this side is the involved side, the sentence adds the limb symmetry index,
    e.g. "Right hip internal rotation is up 12° since 3 October and is now 92 % of your left side." Degrees
    are rounded to whole degrees, centimetres to 0.1 cm, the LSI to a whole percent; dates are "3 October",
    with the year when it differs from the latest measurement's (`views.words.day_words`).
    """
    st = S.RomStatus.validate(status)
    sym = S.RomSymmetry.validate(symmetry) if symmetry is not None else None
    sentences: list[str] = []
    for row in st.itertuples(index=False):  # one row per measure and side: a handful per athlete
        subject = f"{words.word(words.SIDES, row.side)} {words.measure_words(row.joint, row.movement)}"
        since = words.day_words(row.baseline_date, row.latest_date)
        if pd.isna(row.change):  # the latest day is the baseline day: not re-measured
            text = f"{subject} was measured at {_rom_amount(row.latest_value, row.unit)} on {since}"
        elif row.change_real:
            direction = "up" if row.change > 0 else "down"
            text = f"{subject} is {direction} {_rom_amount(abs(row.change), row.unit)} since {since}"
        else:
            sign = "+" if row.change >= 0 else "-"
            text = (
                f"{subject} is unchanged since {since} ({sign}{_rom_amount(abs(row.change), row.unit)}, "
                "within measurement error)"
            )
        if sym is not None:
            match = sym[
                (sym["athlete_id"] == row.athlete_id)
                & (sym["joint"] == row.joint)
                & (sym["movement"] == row.movement)
                & (sym["unit"] == row.unit)
                & (sym["involved_side"] == row.side)
            ]
            if not match.empty and pd.notna(match["lsi"].iloc[-1]):
                other = "left" if row.side == "right" else "right"
                text += f" and is now {match['lsi'].iloc[-1]:.0f} % of your {other} side"
        sentences.append(text + ".")
    return sentences


def rom_sentences_ordered(status: pd.DataFrame, symmetry: pd.DataFrame | None = None) -> list[str]:
    """`rom_sentences` with what matters to the athlete first: real changes (beyond the MDC), then
    measures whose latest left-right difference is an asymmetry, then the rest."""
    st = S.RomStatus.validate(status)
    asym = pd.Series(False, index=st.index)
    if symmetry is not None and not symmetry.empty:
        flagged = S.RomSymmetry.validate(symmetry)
        flagged = flagged[flagged["asymmetric"]][["athlete_id", "joint", "movement", "unit"]].drop_duplicates()
        key = ["athlete_id", "joint", "movement", "unit"]
        asym = st[key].merge(flagged.assign(_a=True), on=key, how="left")["_a"].eq(True).to_numpy()
    order = pd.DataFrame({"real": ~st["change_real"].to_numpy(bool), "asym": ~np.asarray(asym, dtype=bool)})
    order = order.assign(pos=np.arange(len(st))).sort_values(["real", "asym", "pos"], kind="stable")
    return rom_sentences(st.iloc[order.index.to_numpy()], symmetry)


def week_changes(
    pain_reports: pd.DataFrame,
    wellness_checkins: pd.DataFrame,
    therapy_sessions: pd.DataFrame,
    as_of: object,
    days: int = TREND_DAYS,
) -> list[str]:
    """What changed since last week, in sentences: check-ins, pain per region, treatment sessions.

    "This week" is the `days` (7) days ending on `as_of`, "the week before" the 7 days before them.
    Pain: the mean of each region's reports in each week; "down"/"up" when the means differ by >= 1
    point (the caseload's trend rule), otherwise "about the same"; a region reported in only one of the
    weeks is said so. Sessions: each of this week's sessions with technique, region and pain before ->
    after.
    """
    as_of_ts = _day(as_of)
    out: list[str] = []
    w = checked(wellness_checkins, S.WellnessCheckins, ("athlete_id", "date"))
    back = (as_of_ts - w["date"].dt.normalize()).dt.days
    now = w[(back >= 0) & (back < days)]["date"].dt.normalize().nunique()
    before = w[(back >= days) & (back < 2 * days)]["date"].dt.normalize().nunique()
    out.append(f"You checked in on {now} of the last {days} days ({before} of {days} the week before).")

    trend = pain_direction(pain_reports, as_of_ts, days)
    trend = trend[(trend["n_now"] > 0) | (trend["n_before"] > 0)].sort_values("mean_now", ascending=False)
    if trend.empty:
        out.append("No pain reported this week or the week before.")
    for row in trend.itertuples(index=False):  # one row per complaint
        where = words.where_words(row.body_region, row.side)
        subject = words.upper_first(where)
        if row.n_now and row.n_before:
            if row.trend in ("worse", "better"):
                direction = "up" if row.trend == "worse" else "down"
                out.append(
                    f"{subject} pain averaged {row.mean_now:.1f} this week, {direction} from "
                    f"{row.mean_before:.1f} the week before."
                )
            else:
                out.append(
                    f"{subject} pain averaged {row.mean_now:.1f} this week, about the same as the week before "
                    f"({row.mean_before:.1f})."
                )
        elif row.n_now:
            out.append(f"New this week: {where} pain (average {row.mean_now:.1f}).")
        else:
            out.append(f"No {where} pain reported this week (it averaged {row.mean_before:.1f} the week before).")

    s = therapy_sessions[
        ((as_of_ts - pd.to_datetime(therapy_sessions["date"]).dt.normalize()).dt.days.between(0, days - 1))
    ].sort_values("date")
    if s.empty:
        out.append("No treatment sessions this week.")
    else:
        parts = []
        for row in s.itertuples(index=False):  # this week's sessions: a few
            text = f"{words.day_words(row.date)}: {words.lower_first(words.word(words.TECHNIQUES, row.technique))}, {words.where_words(row.body_region, row.side)}"
            if pd.notna(row.pain_before) and pd.notna(row.pain_after):
                text += f" (pain {row.pain_before} → {row.pain_after})"
            parts.append(text)
        noun = "session" if len(parts) == 1 else "sessions"
        out.append(f"{len(parts)} treatment {noun} this week: " + "; ".join(parts) + ".")
    return out


def week_window(as_of: object, days: int = TREND_DAYS) -> tuple[dt.date, dt.date]:
    """The first and last day of "this week" as :func:`week_changes` counts it."""
    as_of_ts = _day(as_of)
    return (as_of_ts - (days - 1) * _DAY).date(), as_of_ts.date()
