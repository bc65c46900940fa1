"""Caseload: the therapist's landing page. Who in scope has an open injury or an open flag, sorted by
what needs attention first; close a flag once seen; open an athlete's progress."""

from __future__ import annotations

import streamlit as st

from analytics.caseload import TREND_DAYS, TREND_POINTS
from ui import loaders
from ui.filters import ATHLETE_KEY
from ui.flag_cards import flag_card, show_close_message
from ui.glossary import abbreviations
from ui.grid import row_height
from ui.session import page_viewer
from ui.text import literal

PROGRESS_PAGE = "pages/athlete_progress.py"
#: The text columns of "Who needs attention first" and their widths (px): they fit the page at 1400 px, the
#: text wrapping within rows as tall as the longest cell needs (`ui.grid.row_height`).
WIDTHS: dict[str, int] = {
    "display_name": 105,
    "flags_text": 110,
    "open_injuries": 200,
    "pain_text": 150,
    "arrow": 75,
    "chronic_where": 100,
    "session_text": 165,
}

who = page_viewer(__file__)

st.title("Caseload")
day = loaders.last_data_day()
people = loaders.scope_athletes(who.user_id)
if people.empty:
    st.info("No athletes in your scope yet. Ask an admin to assign you to a team.")
    st.stop()
if day is None:
    st.info("No check-ins, pain reports or training yet — athletes record them on the *Daily check-in*.")
    st.stop()

view = loaders.caseload(who.user_id)
board = view.board
flags = view.flags
scope = [int(a) for a in people["athlete_id"]]
st.caption(
    f"Today is **{day:%Y-%m-%d}**, the newest day with data. Listed: athletes in your scope with an open injury "
    "(no return to full participation yet) or a flag of today's board that no therapist has closed."
)

show_close_message()

red = view.red_flags
columns = st.columns(4)
columns[0].metric("On the caseload", len(board), help="Athletes with an open injury or an open flag.")
columns[1].metric("Open injuries", view.open_injuries)
columns[2].metric(
    "Red flags",
    red,
    help="Pain and injury flags: pain spike, persistent pain, new pain where "
    "injured before, OSTRC substantial problem.",
)
columns[3].metric("Amber flags", len(flags) - red, help="ROM asymmetry, wellness drop, no check-in.")

if board.empty:
    st.success("Nobody needs attention today: no open injuries and no open flags in your scope.")
    st.stop()

st.subheader("Who needs attention first")
st.dataframe(
    board[
        [
            "attention",
            "display_name",
            "flags_text",
            "open_injuries",
            "pain_text",
            "arrow",
            "chronic_where",
            "session_text",
        ]
    ],
    hide_index=True,
    width="stretch",
    height="content",
    row_height=row_height(board, WIDTHS),
    column_config={
        "attention": st.column_config.NumberColumn("#", help="Attention order (1 = see first)", width=32),
        "display_name": st.column_config.TextColumn("Athlete", width=WIDTHS["display_name"]),
        "flags_text": st.column_config.TextColumn(
            "Open flags",
            help="Red: pain and injury flags; amber: ROM, wellness, check-ins (details below)",
            width=WIDTHS["flags_text"],
        ),
        "open_injuries": st.column_config.TextColumn("Open injury (days)", width=WIDTHS["open_injuries"]),
        "pain_text": st.column_config.TextColumn(
            "Current pain", help="Latest NPRS 0-10 report of the injured or flagged region", width=WIDTHS["pain_text"]
        ),
        "arrow": st.column_config.TextColumn(
            "Trend",
            help=f"7-day trend: mean of this week's reports vs the week before; ±{TREND_POINTS:g} point",
            width=WIDTHS["arrow"],
        ),
        "chronic_where": st.column_config.TextColumn(
            "Chronic",
            help="Chronic pain (IASP): reported in more than 6 of the last 12 weeks",
            width=WIDTHS["chronic_where"],
        ),
        "session_text": st.column_config.TextColumn("Last session (days ago)", width=WIDTHS["session_text"]),
    },
)
st.caption(
    "**Order:** most red flags first, then a rising pain trend (↑), then the highest current pain, then the longest "
    "since the last therapy session (never treated first). **Current pain:** the latest NPRS 0–10 self-report "
    "(LOINC 72514-3) of an injured or flagged region in the last 12 weeks (“none reported” if there is none; “—” "
    "when the flags name no region). **7-day trend:** the mean of that region's reports in the last "
    f"{TREND_DAYS} days against the {TREND_DAYS} days before — ↑ worse when it rose by {TREND_POINTS:g} point or "
    f"more, ↓ better when it fell by {TREND_POINTS:g} or more, → otherwise; ↑ new when reported only this week; "
    "– without reports in both weeks (days without a report are missing, not 0). **Chronic:** pain in one region "
    "reported in more than 6 of the last 12 weeks (IASP; Treede et al. 2019). Source: daily check-ins, pain "
    "reports, injuries and therapy sessions; flags as on the coach's board."
)

names = dict(zip(board["athlete_id"].astype(int), board["display_name"], strict=True))
pick, go_to = st.columns([3, 1], vertical_alignment="bottom")
chosen = pick.selectbox(
    "Open an athlete's progress",
    list(names),
    format_func=lambda a: f"{names[a]}",
    key="caseload_pick",
)
if go_to.button("Open progress", icon=":material/timeline:", key="caseload_open", width="stretch"):
    st.session_state[ATHLETE_KEY] = int(chosen)
    st.switch_page(PROGRESS_PAGE)

st.subheader("Open flags")
st.caption(
    "Each flag shows its rule, the values that tripped it and the size of the baseline it compared against. "
    "Close a flag once you have seen it and acted: it leaves this list, the coach's board and the athlete's page."
)
if flags.empty:
    st.success("No open flags: only open injuries are on the caseload today.")
for athlete in board.itertuples(index=False):  # the caseload: tens of athletes at most
    mine = flags[flags["athlete_id"] == athlete.athlete_id]
    if mine.empty:
        continue
    with st.container(border=True):
        head, button = st.columns([6, 1], vertical_alignment="center")
        head.markdown(f"**{athlete.attention}. {literal(athlete.display_name)}** · {literal(athlete.team)}")
        if button.button("Progress", key=f"caseload_open_{athlete.athlete_id}", icon=":material/timeline:"):
            st.session_state[ATHLETE_KEY] = int(athlete.athlete_id)
            st.switch_page(PROGRESS_PAGE)
        for flag in mine.to_dict("records"):  # a few flags per athlete
            flag_card(flag, athlete.display_name, who, scope)

abbreviations("LSI", "MDC", "NPRS", "OSTRC", "ROM")
