"""Daily check-in: the signed-in athlete's wellness, availability and pain by body region for today.

For the signed-in athlete only (`who.athlete_id`; there is no athlete selector and no session-state
value is read for it). "Today" is the local date in the team's time zone. Saving again the same day
edits the day's check-in, and the pain regions picked become the day's only pain reports: check-in
and pain are saved in one transaction (`data.record_writes.save_checkin`).

Wellness items on 1-5 with 5 best (McLean et al. 2010, the scale PMSys uses); pain is NPRS 0-10.
Built for a phone: one column of big tap targets, no typing except the optional sleep hours.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from analytics.vocabulary import AVAILABILITY, BODY_REGIONS, SIDES
from data.errors import ValidationError
from data.record_writes import save_checkin
from data.time_zones import today_in
from ui import forms, loaders, pending
from ui.glossary import abbreviations
from ui.session import engine, page_viewer
from ui.text import literal
from views import checkin as checkin_view
from views import words

#: The five wellness items in the order the form asks them, each with the words of its 1-5 answers
#: (McLean et al. 2010; 5 = best).
WELLNESS: dict[str, tuple[str, dict[int, str]]] = {
    item: (words.WELLNESS_ITEMS[item], words.WELLNESS_ANSWERS[item])
    for item in ("soreness", "fatigue", "sleep_quality", "stress", "mood")
}
REQUIRED = ("soreness", "fatigue", "sleep_quality", "stress", "mood", "availability")
#: The message of a save, shown once by the run the save starts.
SAVED_KEY = "checkin_saved"


def pain_slot(region: str, side: str) -> str:
    """The message key of one pain row (it shares the slot under its region)."""
    return f"pain:{region}:{side}"


def message_key(error: ValidationError, pain_keys: list[tuple[str, str]]) -> str:
    """Where a refusal of `data.record_writes.save_checkin` is shown: a pain row's (its row is the 1-based
    position in `pain_keys`) under its region, any other under its field."""
    if error.field in ("body_region", "side", "pain") and 0 < (error.row or 0) <= len(pain_keys):
        return pain_slot(*pain_keys[(error.row or 0) - 1])
    return error.field


def summary_lines(checkin: pd.Series, pains: pd.DataFrame) -> list[str]:
    """Today's saved check-in in plain words, one line per item."""
    lines = []
    for item, (title, anchors) in WELLNESS.items():
        value = checkin[item]
        lines.append(f"**{title}** {value} — {anchors[int(value)]}" if pd.notna(value) else f"**{title}** —")
    sleep = f"{checkin['sleep_hours']:g} h" if pd.notna(checkin["sleep_hours"]) else "not given"
    readiness = f"{checkin['readiness']} / 10" if pd.notna(checkin["readiness"]) else "not given"
    availability = words.AVAILABILITY.get(checkin["availability"], "not given")
    lines += [f"**Sleep** {sleep} · **Readiness** {readiness}", f"**Availability** {availability}"]
    if pains.empty:
        lines.append("**Pain** none reported")
    else:
        where = [
            f"{words.where_label(r, s)} {p}/10"
            for r, s, p in zip(pains["body_region"], pains["side"], pains["pain"], strict=True)
        ]
        lines.append("**Pain** " + " · ".join(where))
    return lines


who = page_viewer(__file__)
me = loaders.own_athlete(who.user_id) if who.role == "athlete" else None
if me is None:
    st.title("Daily check-in")
    st.info("The daily check-in is for athlete accounts linked to an athlete. Ask an admin to link yours.")
    st.stop()

athlete_id = int(me["athlete_id"])  # the signed-in athlete, never a widget or session-state value
zone = ZoneInfo(str(me["timezone"]))
today: dt.date = today_in(str(me["timezone"]))
mine = loaders.ids([athlete_id])
since = today - dt.timedelta(days=checkin_view.USUAL_DAYS)
history = loaders.checkins(who.user_id, mine, since, today)
pain_history = loaders.pain(who.user_id, mine, since, today)
saved = history[history["date"] == pd.Timestamp(today)]
saved_pain = pain_history[pain_history["date"] == pd.Timestamp(today)]
current = saved.iloc[0] if not saved.empty else None
yesterday = history[history["date"] == pd.Timestamp(today - dt.timedelta(days=1))]
tag = today.isoformat()  # widget keys per day: a new day starts from an empty form

if current is None:
    st.title(checkin_view.greeting(literal(str(me["display_name"])), dt.datetime.now(zone)))
else:
    st.title("Daily check-in")
st.caption(f"{words.long_day(today, weekday=True)} · {literal(me['display_name'])} · {literal(me['timezone'])} time")
in_a_row = checkin_view.streak(history["date"], today)
done, so_far = checkin_view.week_so_far(history["date"], today)
st.markdown(
    f"**{in_a_row} day{'' if in_a_row == 1 else 's'} in a row** · "
    f"this week {done} of {so_far} day{'' if so_far == 1 else 's'} checked in"
)

form, side_panel = st.columns([3, 2], gap="large")
with form:
    pending.restore(who.user_id, "checkin", "today's check-in")
    if saved_message := st.session_state.pop(SAVED_KEY, None):
        st.success(saved_message, icon=":material/task_alt:")
    if current is not None:
        st.info("You have checked in today. Change anything and save again to update it.", icon=":material/edit:")
    else:
        st.caption("Tap one answer per line (5 = best), then Save. Takes under 30 seconds.")
    slots = forms.ErrorSlots()
    values: dict[str, object] = {}
    for item, (title, anchors) in WELLNESS.items():
        default = int(current[item]) if current is not None and pd.notna(current[item]) else None
        values[item] = st.segmented_control(
            f"{title} · 1 {anchors[1]} … 5 {anchors[5]}",
            options=[1, 2, 3, 4, 5],
            default=default,
            key=f"checkin_{item}_{tag}",
            width="stretch",
        )
        if values[item] is not None:
            st.caption(f"{values[item]} = {anchors[int(values[item])]}")  # type: ignore[call-overload]
        slots.under(item)

    as_yesterday = current is None and not yesterday.empty and yesterday["availability"].iloc[0] in AVAILABILITY
    availability_default = (
        current["availability"] if current is not None else yesterday["availability"].iloc[0] if as_yesterday else None
    )
    values["availability"] = st.segmented_control(
        "Availability for training today",
        options=list(AVAILABILITY),
        default=availability_default if availability_default in AVAILABILITY else None,
        format_func=words.AVAILABILITY.get,
        key=f"checkin_availability_{tag}",
        width="stretch",
    )
    if as_yesterday:
        st.caption("Picked as yesterday: tap another answer if today is different.")
    slots.under("availability")

    readiness_default = int(current["readiness"]) if current is not None and pd.notna(current["readiness"]) else None
    values["readiness"] = st.pills(
        "Readiness to train · 0 not at all … 10 fully ready (optional)",
        options=list(range(11)),
        default=readiness_default,
        key=f"checkin_readiness_{tag}",
        wrap=True,
    )
    slots.under("readiness")
    sleep_default = float(current["sleep_hours"]) if current is not None and pd.notna(current["sleep_hours"]) else None
    values["sleep_hours"] = st.number_input(
        "Sleep last night, hours (optional)",
        min_value=0.0,
        max_value=24.0,
        value=sleep_default,
        step=0.25,
        format="%g",
        placeholder="e.g. 7.5",
        key=f"checkin_sleep_hours_{tag}",
    )
    slots.under("sleep_hours")

    st.subheader("Pain today")
    spots = checkin_view.recent_spots(pain_history, today)
    saved_spots = list(zip(saved_pain["body_region"], saved_pain["side"], strict=True))
    quick: list[tuple[str, str]] = []
    if spots:
        picked = st.pills(
            "Hurts again where it did lately? Tap it (leave empty when nothing hurts)",
            options=[f"{region}:{side}" for region, side in spots],
            selection_mode="multi",
            default=[f"{region}:{side}" for region, side in spots if (region, side) in saved_spots],
            format_func=lambda spot: words.where_label(*spot.split(":")),
            key=f"checkin_spots_{tag}",
            wrap=True,
        )
        quick = [(str(spot).split(":")[0], str(spot).split(":")[1]) for spot in picked]
    regions = st.pills(
        "Somewhere else? Tap where it hurts" if spots else "Tap where it hurts (leave empty when nothing hurts)",
        options=list(BODY_REGIONS),
        selection_mode="multi",
        default=sorted({r for r, s in saved_spots if (r, s) not in spots}, key=BODY_REGIONS.index),
        format_func=words.BODY_REGIONS.get,
        key=f"checkin_regions_{tag}",
        wrap=True,
    )
    pain_keys: list[tuple[str, str]] = []
    pain_values: dict[tuple[str, str], int | None] = {}
    missing_side: list[str] = []

    def pain_score(region: str, side: str) -> None:
        """The pain pills of one spot, with today's saved score as the default."""
        known = saved_pain.loc[(saved_pain["body_region"] == region) & (saved_pain["side"] == side), "pain"]
        pain_keys.append((region, side))
        pain_values[(region, side)] = st.pills(
            f"{words.where_label(region, side)} pain · 0 none … 10 worst imaginable",
            options=list(range(11)),
            default=int(known.iloc[0]) if not known.empty else None,
            key=f"checkin_pain_{region}_{side}_{tag}",
            wrap=True,
        )

    for region, side in sorted(quick, key=lambda spot: (BODY_REGIONS.index(spot[0]), SIDES.index(spot[1]))):
        with st.container(border=True):
            pain_score(region, side)
            slots.under(pain_slot(region, side))
    for region in sorted(regions, key=BODY_REGIONS.index):
        with st.container(border=True):
            before = saved_pain[saved_pain["body_region"] == region]
            sides = st.segmented_control(
                f"{words.BODY_REGIONS[region]} · which side?",
                options=list(SIDES),
                selection_mode="multi",
                default=[s for s in before["side"] if (region, s) not in spots],
                format_func=words.SIDES.get,
                key=f"checkin_side_{region}_{tag}",
                width="stretch",
                wrap=True,
            )
            if not sides:
                missing_side.append(region)
            new_sides = [side for side in sorted(sides, key=SIDES.index) if (region, side) not in quick]
            for side in new_sides:
                pain_score(region, side)
            slots.under(f"region:{region}", *(pain_slot(region, side) for side in new_sides))

    slots.under("*")
    clicked = st.button(
        "Update today's check-in" if current is not None else "Save check-in",
        type="primary",
        icon=":material/check:",
        width="stretch",
        key="checkin_save",
    )

    if clicked:
        problems: dict[str, str] = {}
        for field in REQUIRED:
            if values[field] is None:
                problems[field] = f"{words.FIELDS[field]}: pick one answer."
        for region in missing_side:
            problems[f"region:{region}"] = f"{words.BODY_REGIONS[region]}: pick a side, or untap the region."
        for (region, side), pain in pain_values.items():
            if pain is None:
                problems[pain_slot(region, side)] = (
                    f"{words.where_label(region, side)}: pick a pain score from 0 to 10."
                )
        if not problems:
            checkin = {field: values[field] for field in (*WELLNESS, "sleep_hours", "readiness", "availability")}
            rows = [{"body_region": r, "side": s, "pain": pain_values[(r, s)]} for r, s in pain_keys]
            try:
                with pending.saving(who.user_id, "checkin", "checkin_", tag):
                    wellness_saved, pain_saved = save_checkin(
                        engine(),
                        athlete_id,
                        today,
                        checkin,
                        rows,
                        actor_id=who.user_id,
                        allowed_athlete_ids=[athlete_id],
                    )
            except ValidationError as refused:
                problems = forms.field_errors(
                    forms.refusals(refused),
                    row_names={row: words.where_label(r, s) for row, (r, s) in enumerate(pain_keys, start=1)},
                    key=lambda error: message_key(error, pain_keys),
                )
        if problems:
            slots.refuse(problems, "Nothing was saved. Fix the answers marked in red.")
        else:
            loaders.clear()
            day_words = words.long_day(today, weekday=True, with_year=False)
            nothing_new = not (wellness_saved.inserted or wellness_saved.updated or pain_saved.inserted) and (
                pain_saved.unchanged == len(rows)
            )
            st.session_state[SAVED_KEY] = (
                f"No change: your check-in for {day_words} already holds these answers."
                if nothing_new
                else f"Saved your check-in for {day_words}."
            )
            st.rerun()  # the whole page again: the title, the streak and "What today changed" show the save

with side_panel:
    st.subheader("Today, as saved")
    if current is None:
        st.caption("Not checked in yet today.")
    else:
        with st.container(border=True):
            st.markdown("  \n".join(summary_lines(current, saved_pain)))
        changed = checkin_view.what_changed(history, pain_history, today)
        st.subheader("What today changed")
        if changed:
            st.markdown("\n".join(f"- {line}" for line in changed))
        else:
            st.caption(f"Every answer is close to your usual of the last {checkin_view.USUAL_DAYS} days.")
        st.page_link("pages/my_recovery.py", label="See my recovery", icon=":material/trending_down:")
    st.caption(
        "Wellness items on 1–5 with 5 best (McLean et al. 2010, as PMSys uses). Pain on the numeric rating "
        "scale 0–10 (NPRS). Your therapist sees these answers; your trends are on *My recovery*."
    )

abbreviations("NPRS")
