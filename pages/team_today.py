"""Team today (coach): who is available and at which return-to-sport stage, who is expected back, who is flagged,
who checked in, who is sore, where it hurts. The stages are read as the coach (`data.scoped.rts_stages`): stage,
restrictions and expected dates, never a diagnosis, a rationale or a note."""

from __future__ import annotations

import datetime as dt
import math
from functools import partial

import streamlit as st

from analytics.availability import ACUTE_DAYS
from analytics.flags import FLAG_LEVEL
from analytics.readiness import BASELINE_DAYS
from ui import loaders
from ui.charts import tables
from ui.charts import team as charts
from ui.charts.render import show_chart
from ui.filters import team_picker
from ui.glossary import abbreviations
from ui.grid import row_height
from ui.session import page_viewer
from ui.text import literal
from views import words
from views.return_to_sport import FORECAST_DAYS
from views.team_today import READINESS_COLUMNS

#: The icon beside each flag level's word on its group (a shape as well as a colour).
LEVEL_ICONS: dict[str, str] = {"red": ":material/error:", "amber": ":material/warning:"}
#: The board's text columns and their widths (px): together with the numbers they fit the page at 1400 px,
#: the text wrapping within rows as tall as the longest cell needs (`ui.grid.row_height`).
BOARD_WIDTHS: dict[str, int] = {
    "athlete": 100,
    "availability": 115,
    "stage_label": 100,
    "restrictions": 150,
    "wellness": 80,
    "soreness": 80,
    "flags": 120,
}
#: The board's header and borders, and Streamlit's own row height: the board is as tall as its rows, every
#: athlete in sight.
BOARD_HEADER_HEIGHT = 40
ONE_LINE_ROW = 35


def percent(share: float) -> str:
    """A 0-1 share as a whole percentage; "–" when there is no denominator."""
    return "–" if math.isnan(share) else f"{share:.0%}"


who = page_viewer(__file__)

st.title("Team today")
teams = loaders.scope_teams(who.user_id)
if teams.empty:
    st.info("You are not assigned to a team yet. Ask an admin to add you to your team on *Users and teams*.")
    st.stop()

team_id = team_picker(teams)
athletes = loaders.coach_team_athletes(who.user_id, team_id)
day = loaders.last_data_day()
if athletes.empty:
    st.info("This team has no athletes yet. An admin adds them on *Users and teams*.")
    st.stop()
if day is None:
    st.info(
        "No data yet. Athletes record their check-in and pain on *Daily check-in*; this page shows them the same day."
    )
    st.stop()

st.caption(
    f"Showing **{day:%A %d %B %Y}**, the newest day with data in Fascia. Check-ins of that day may still be coming in."
)
# A stage holds from the day it is decided, which may be after the newest data day.
today = loaders.team_today(who.user_id, team_id, day, max(day, dt.date.today()))
counts = today.counts
flags = today.flags
compliance = today.compliance
stages = today.stages

# --------------------------------------------------------------------------- readiness board
st.subheader("Squad readiness")
rows = row_height(today.readiness, BOARD_WIDTHS)
st.dataframe(
    today.readiness,
    hide_index=True,
    width="stretch",
    height=BOARD_HEADER_HEIGHT + (rows or ONE_LINE_ROW) * len(today.readiness),
    row_height=rows,
    placeholder="–",
    column_order=[c for c in READINESS_COLUMNS if c != "athlete_id"],
    column_config={
        "athlete": st.column_config.TextColumn("Athlete", width=BOARD_WIDTHS["athlete"], pinned=True),
        "availability": st.column_config.TextColumn(
            "Today",
            width=BOARD_WIDTHS["availability"],
            help="The athlete's own answer on today's check-in (✓ full training, ◐ modified, ✕ unavailable, ? not "
            "reported), and why: the open injury's region and status, or today's pain.",
        ),
        "stage_label": st.column_config.TextColumn(
            "Stage",
            width=BOARD_WIDTHS["stage_label"],
            help="Return-to-sport stage: the therapist's latest decision on the open problem.",
        ),
        "restrictions": st.column_config.TextColumn(
            "Restrictions",
            width=BOARD_WIDTHS["restrictions"],
            help="What the athlete may not do yet, as the therapist wrote it.",
        ),
        "wellness": st.column_config.TextColumn(
            "Wellness",
            width=BOARD_WIDTHS["wellness"],
            help="Today's wellness total (five answers, 5-25, higher = better) against the athlete's usual, their "
            f"mean of the {BASELINE_DAYS} days before: ↓ lower or ↑ better by at least one standard deviation, "
            "else → as usual.",
        ),
        "soreness": st.column_config.TextColumn(
            "Soreness", width=BOARD_WIDTHS["soreness"], help=f"Today's answer: {words.SORENESS_SCALE}."
        ),
        "load_7d": st.column_config.NumberColumn(
            "Load",
            width=60,
            format="%d",
            help="Training load of the last 7 days in AU: effort (RPE) × minutes of each session, added up.",
        ),
        "load_change": st.column_config.NumberColumn(
            "Change", width=65, format="%+.0f %%", help="The 7-day load against the 7 days before them."
        ),
        "flags": st.column_config.TextColumn(
            "Open flags", width=BOARD_WIDTHS["flags"], help="How many, and of which kinds (red kinds first)."
        ),
        "checked_in": st.column_config.CheckboxColumn("Check-in", width=70, help="Today's check-in is in."),
    },
)
st.caption(
    "One row per active athlete; those who need attention first (unavailable, modified, not reported). Click a "
    "column's heading to sort by it. The stage is the therapist's latest return-to-sport decision (Ardern et al. "
    "2016): *rehabilitation* = not training, *return to participation* = modified training, with the "
    "restrictions to follow. Diagnosis and clinical notes stay with the therapist."
)

# --------------------------------------------------------------------------- flags
st.subheader("Flags")
if flags.empty:
    st.success("No open flags today. Flags appear here when pain, wellness, ROM or OSTRC answers trip a rule.")
else:
    tally = today.flag_counts
    st.markdown(f"**{tally['red']}** red and **{tally['amber']}** amber flags, on {tally['athletes']} athletes.")
    for kind, level in FLAG_LEVEL.items():
        rows = flags[flags["kind"] == kind]
        if rows.empty:
            continue
        people = rows["athlete_id"].nunique()
        with st.expander(
            f"{words.FLAG_LEVELS[level]}: {words.FLAGS[kind]} · {len(rows)} flag{'s' if len(rows) != 1 else ''} "
            f"on {people} athlete{'s' if people != 1 else ''}",
            icon=LEVEL_ICONS[level],
        ):
            st.caption(f"Rule: {' / '.join(literal(rule) for rule in rows['rule'].unique())}")
            columns = ["athlete", "values", "baseline_n", "where", "date"]
            st.dataframe(
                rows[columns],
                hide_index=True,
                width="stretch",
                placeholder="–",
                column_order=[c for c in columns if rows[c].notna().any()],
                column_config={
                    "athlete": st.column_config.TextColumn("Athlete", width=140),
                    "values": st.column_config.TextColumn("Values that tripped it", width=560),
                    "baseline_n": st.column_config.NumberColumn(
                        "Baseline (n)", help="How many reports or check-ins the athlete's own baseline held", width=100
                    ),
                    "where": st.column_config.TextColumn("Where", width=130),
                    "date": st.column_config.DateColumn(
                        "Date", help="The day of the report, check-in, measurement or OSTRC week", format="D MMM YYYY"
                    ),
                },
            )
st.caption(
    "**Red** = a current pain or health problem (pain spike, persistent pain, new pain in a previously "
    "injured region, OSTRC substantial problem); **amber** = a caution to follow up (ROM asymmetry, "
    "wellness drop, no check-in for 3 days). Open a kind for its rule and the values that tripped it; ROM and "
    "OSTRC flags stay while the latest measurement (28 days) or answer (14 days) still trips them. Flags a "
    "therapist has closed are not shown."
)

# --------------------------------------------------------------------------- availability
st.subheader("Availability")
cells = st.columns(4)
cells[0].metric(words.AVAILABILITY["full"], counts["full"])
cells[1].metric(words.AVAILABILITY["modified"], counts["modified"])
cells[2].metric(words.AVAILABILITY["unavailable"], counts["unavailable"])
cells[3].metric(
    words.AVAILABILITY["unknown"],
    counts["unknown"],
    help="Active athletes without a check-in today (or who left the item blank).",
)
show_chart(charts.availability_bar(counts), "availability-today", data=partial(tables.availability_table, counts))
st.caption(
    "Availability is each athlete's own answer on today's check-in; active athletes only. Why (on the board) = "
    f"the body region and side of the athlete's open injury and its status: *acute* in the first {ACUTE_DAYS} "
    "days, *rehab* after; without an open injury, the region with the highest pain reported today (*pain today*)."
)

st.markdown(f"**Expected back to full training in the next {FORECAST_DAYS} days**")
forecast = stages.forecast
if forecast.empty:
    horizon = stages.day + dt.timedelta(days=FORECAST_DAYS)
    st.caption(f"Nobody is expected back to full participation by {words.short_day(horizon)}.")
else:
    st.dataframe(
        forecast,
        hide_index=True,
        width="stretch",
        placeholder="–",
        column_order=["athlete", "expected_next_date", "days_to_go", "stage_label", "restrictions"],
        column_config={
            "athlete": "Athlete",
            "expected_next_date": st.column_config.DateColumn("Expected back", format="ddd D MMM"),
            "days_to_go": st.column_config.NumberColumn("In days"),
            "stage_label": st.column_config.TextColumn("Stage now"),
            "restrictions": st.column_config.TextColumn("Restrictions until then", width=260),
        },
    )
    st.caption(
        "Athletes in modified training whose therapist expects return to sport (full training and matches) "
        "within the next two weeks, soonest first. An expected date is a plan, not a promise."
    )
silent = today.not_reported
if silent:
    st.markdown(f"**Not reported today ({len(silent)}):** {', '.join(literal(name) for name in silent)}.")

# --------------------------------------------------------------------------- compliance
st.subheader("Check-in compliance")
cells = st.columns(4)
cells[0].metric(
    "Today",
    percent(compliance["today"]),
    help="Active athletes who checked in today ÷ active athletes.",
)
cells[1].metric(
    f"This week (since {compliance['week_start']:%a %d %b})",
    percent(compliance["week"]),
    delta=None if math.isnan(compliance["week_change"]) else f"{compliance['week_change'] * 100:+.0f} pts vs last week",
    help="Check-ins ÷ athlete-days from Monday to today.",
)
cells[2].metric("Last week", percent(compliance["last_week"]), help="Check-ins ÷ athlete-days, Monday to Sunday.")
st.caption(
    f"Compliance = athletes who checked in ÷ active athletes: "
    f"{compliance['today_checked_in']} of {compliance['active']} today; {compliance['week_checkins']} check-ins "
    f"of {compliance['week_athlete_days']} athlete-days ({compliance['week_days']} days × {compliance['active']} "
    "athletes) this week."
)

# --------------------------------------------------------------------------- soreness and pain
st.subheader("Soreness and pain")
show_chart(
    charts.soreness_heatmap(today.soreness),
    "soreness-per-athlete",
    data=partial(tables.soreness_matrix_table, today.soreness),
)
st.caption(
    f"Soreness as the athletes answer it on the daily check-in ({words.SORENESS_SCALE}; McLean et al. 2010): "
    "darker = more sore. Grey = no check-in that day. Active athletes only."
)
period = st.radio("Pain reported", ["today", "this week"], horizontal=True, key="coach_pain_period")
share = today.pain_today if period == "today" else today.pain_week
show_chart(
    charts.region_pain_bars(share, "today" if period == "today" else f"week of {day:%d %b}"),
    "pain-by-region-today" if period == "today" else "pain-by-region-this-week",
    data=partial(tables.region_share_table, share),
)
st.caption(
    "Share = athletes who checked in and reported pain (NPRS ≥ 1, any side) in the region ÷ athletes who "
    "checked in (today, or this week from Monday). An athlete may report several regions."
)

abbreviations("AU", "LSI", "MDC", "NPRS", "OSTRC", "ROM", "RPE")
