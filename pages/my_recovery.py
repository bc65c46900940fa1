"""My recovery: the athlete's own pain trend and ROM coming back, in plain sentences first and then in
charts; what changed since last week; the flags about them that a therapist has not closed.
The loaders restrict every read to the signed-in athlete (`data/access.py`)."""

from __future__ import annotations

import datetime as dt
from functools import partial

import streamlit as st

from analytics.vocabulary import ROM_MEASURES
from ui import loaders, report
from ui.charts import tables
from ui.charts.progress import pain_timeline, rom_chart
from ui.charts.render import show_chart
from ui.filters import date_range_picker
from ui.glossary import abbreviations
from ui.session import page_viewer
from ui.text import literal
from views import words

SHOWN_ROM_SENTENCES = 4

who = page_viewer(__file__)

st.title("My recovery")
mine = loaders.scope_athletes(who.user_id)
if who.athlete_id is None or mine.empty:
    st.info("Your account is not linked to an athlete yet — ask your admin to link it.")
    st.stop()
day = loaders.last_data_day()
if day is None:
    st.info("Nothing recorded yet — start with your *Daily check-in*.")
    st.stop()

start, end = date_range_picker(day, label="Period")
st.caption(
    f"Hi {literal(mine['display_name'].iloc[0])}. Your own records from {start:%d %b %Y} to {end:%d %b %Y}. "
    "Only you, your therapists and the admin can see them."
)

view = loaders.my_recovery(who.user_id, start, end)


def report_html() -> str:
    """The athlete's own progress report, read and made when the button is clicked (not on every run)."""
    return report.progress_report_html(
        mine.iloc[0].to_dict(),
        loaders.progress_report(who.user_id, who.athlete_id, start, end),
        generated=dt.datetime.now(dt.UTC),
        include_notes=False,
        plain=True,
    )


st.download_button(
    "Download progress report (HTML)",
    report_html,
    file_name=report.report_file_name(mine["external_id"].iloc[0], dt.date.today()),
    mime="text/html",
    key="my-progress-report",
    icon=":material/description:",
    on_click="ignore",
    help="Your pain, range of motion, sessions and injuries for this period in one file: open it in any browser "
    "(no internet needed), print it or save it as PDF to share with a doctor or coach.",
)

# --------------------------------------------------------------------------- the way back
# A stage holds from the day it is decided, which may be after the newest data day.
for stage in loaders.my_stages(who.user_id, who.athlete_id, max(day, dt.date.today())):
    with st.container(border=True):
        st.markdown(f"**Your return to sport: {stage.stage_label}** (since {words.short_day(stage.since, day)})")
        st.markdown(stage.meaning)
        if stage.restrictions:
            st.markdown(f"For now: {literal(stage.restrictions)}")
        if stage.next_label:
            expected = f", expected around {words.day_words(stage.expected, day)}" if stage.expected else ""
            st.markdown(f"**Next: {stage.next_label}**{expected}. {stage.next_meaning}")
            if stage.next_criteria:
                st.markdown("What it takes:\n" + "\n".join(f"- {literal(item)}" for item in stage.next_criteria))
        st.caption("Your therapist decides each stage with you. Ask them if anything here is unclear.")

# --------------------------------------------------------------------------- sentences first
st.subheader("Your pain")
pain_words = view.pain_sentences
if pain_words:
    st.markdown("\n".join(f"- {s}" for s in pain_words))
    st.caption(
        "First and latest report of each sore area in the period, pain 0–10. “Down” means a clear improvement "
        "(at least 2 points and 30 % less); “up” a rise of 2 points or more."
    )
else:
    st.markdown("No pain reported in this period. If something hurts, add it on your *Daily check-in*.")

st.subheader("Your range of motion")
rom_words = view.rom_sentences
if not rom_words:
    st.markdown("No range of motion measured in this period yet — your therapist records it at your next session.")
else:
    st.markdown("\n".join(f"- {s}" for s in rom_words[:SHOWN_ROM_SENTENCES]))
    if len(rom_words) > SHOWN_ROM_SENTENCES:
        with st.expander(f"{len(rom_words) - SHOWN_ROM_SENTENCES} more measurements"):
            st.markdown("\n".join(f"- {s}" for s in rom_words[SHOWN_ROM_SENTENCES:]))
    st.caption(
        "Compared with your first measurement since your latest injury in that area (otherwise the first in the "
        "period). A change counts only when it is bigger than the "
        "measurement error (5° for angles, 1.5 cm for the knee-to-wall lunge); smaller ones are “unchanged”. "
        "“% of your other side” compares the side that was injured (or is smaller) with the other one."
    )

st.subheader("Since last week")
week = view.week
st.markdown("\n".join(f"- {s}" for s in week))
week_start, week_end = view.week_window
st.caption(f"This week = {week_start:%d %b} to {week_end:%d %b}; compared with the 7 days before.")

st.subheader("Flags about you")
flags = view.flags
if flags.empty:
    st.success("Nothing is flagged about you right now.", icon=":material/check_circle:")
else:
    st.caption(
        "Automatic checks of your check-ins and measurements. Your therapist sees them too and closes each one "
        "after looking at it — call them at the first hint of pain."
    )
    for flag in flags.to_dict("records"):  # a few at most
        show = st.warning if flag["severity"] == "red" else st.info
        show(f"{flag['message']} ({flag['date']:%d %b})")
        st.caption(literal(flag["explained"]))

# --------------------------------------------------------------------------- charts
st.subheader("My pain over time")
show_chart(
    pain_timeline(
        view.trend,
        view.sessions,
        view.injuries,
        start,
        end,
        title="My pain",
        empty_message="No pain reported in this period — add pain on your Daily check-in.",
        height=360,
        compact_layout=True,
        plain=True,
    ),
    "my-pain",
    data=partial(tables.pain_table, view.trend, view.sessions),
)
st.caption(
    "Pain 0–10 per sore area (blue = left, orange = right, grey = middle or both), on the days you reported it. "
    "Diamonds: your treatment sessions, pain before → after. Shaded: your injuries until you were back to full "
    "training. Source: your check-ins and sessions."
)

st.subheader("My range of motion")
history = view.history
if history.empty:
    st.markdown("No range of motion measured in this period yet.")
else:
    measured = set(zip(history["joint"], history["movement"], strict=True))
    present = [(joint, movement) for joint, movement, _, _ in ROM_MEASURES if (joint, movement) in measured]
    for pair in (present[i : i + 2] for i in range(0, len(present), 2)):  # rows of two: a phone keeps the order
        for column, (joint, movement) in zip(st.columns(2), pair, strict=False):
            show_chart(
                rom_chart(history, joint, movement, height=320, compact_layout=True, start=start, end=end, plain=True),
                f"my-rom-{joint}-{movement}",
                data=partial(tables.rom_table, history, joint, movement),
                container=column,
            )
    st.caption(
        "Blue = left, orange = right. A filled dot is a real change since the time before; a hollow dot changed "
        "less than the measurement error (5° or 1.5 cm), so it counts as unchanged. Green band: the usual range for "
        "adults (published average ± measurement error). Source: your therapist's measurements."
    )

abbreviations("ROM")
