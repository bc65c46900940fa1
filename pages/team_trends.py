"""Team trends (coach): soreness, injuries and recurrence, surveillance rates, OSTRC and training load."""

from __future__ import annotations

import math
from functools import partial

import streamlit as st

from ui import loaders
from ui.charts import tables
from ui.charts import team as charts
from ui.charts.render import show_chart
from ui.filters import athlete_picker, date_range_picker, team_picker
from ui.glossary import abbreviations
from ui.session import page_viewer
from views import words
from views.glossary import explained

ACWR_RULES: dict[str, str] = {
    "ewma": "exponentially weighted moving averages of daily load, λ = 2 / (N + 1) with N = 7 (acute) and "
    "28 days (chronic), seeded with the first day's load",
    "coupled": "mean load of the last 7 days ÷ mean load of the last 28 days, today included in both",
    "uncoupled": "mean load of the last 7 days ÷ mean load of the 21 days before that week",
}

who = page_viewer(__file__)

st.title("Team trends")
teams = loaders.scope_teams(who.user_id)
if teams.empty:
    st.info("You are not assigned to a team yet. Ask an admin to add you to your team on *Users and teams*.")
    st.stop()

left, right = st.columns(2)
with left:
    team_id = team_picker(teams)
with right:
    start, end = date_range_picker(loaders.last_data_day())
athletes = loaders.coach_team_athletes(who.user_id, team_id)
if athletes.empty:
    st.info("This team has no athletes yet. An admin adds them on *Users and teams*.")
    st.stop()
st.caption(f"{start:%d %b %Y} to {end:%d %b %Y} ({(end - start).days + 1} days), {len(athletes)} athletes.")

trends = loaders.team_trends(who.user_id, team_id, start, end)
rates = trends.surveillance

# --------------------------------------------------------------------------- surveillance
st.subheader("Injuries")
cells = st.columns(4)
cells[0].metric("Injuries", rates["injuries"], help="Injuries that began in these dates.")
cells[1].metric("Exposure", f"{rates['exposure_hours']:,.0f} h", help="Training and match minutes ÷ 60.")
cells[2].metric(
    "Incidence (per 1000 h)",
    "–" if math.isnan(rates["incidence"]) else f"{rates['incidence']:.1f}",
    help="Injuries ÷ exposure hours × 1000.",
)
cells[3].metric(
    "Burden (days lost per 1000 h)",
    "–" if math.isnan(rates["burden"]) else f"{rates['burden']:.0f}",
    help="Days lost ÷ exposure hours × 1000.",
)
st.caption(
    f"Incidence = injuries ÷ exposure hours × 1000; burden = days lost ÷ exposure hours × 1000 (Bahr et al. "
    f"2020, IOC consensus). Exposure = training and match minutes ÷ 60 in these dates. Days lost: "
    f"{rates['days_lost']:.0f}, from the {rates['time_loss_injuries']} time-loss injuries: the days between "
    "onset and return to full participation, counting neither (IOC 2020: out on Monday, back the next Monday "
    "is 6 days); injuries still open count up to the end of the range."
)

left, right = st.columns(2)
show_chart(
    charts.injuries_per_month_bars(trends.per_month),
    "injuries-per-month",
    data=partial(tables.injuries_per_month_table, trends.per_month),
    container=left,
)
show_chart(
    charts.recurrence_by_region_bars(trends.by_region),
    "recurrence-by-region",
    data=partial(tables.recurrence_table, trends.by_region),
    container=right,
)
st.caption(
    "Fuller et al. (2006) consensus: an injury of the same type, region and side as an earlier one of the same "
    "athlete is an *exacerbation* if the earlier one had not returned to full participation, otherwise a "
    "*recurrence* (early ≤ 2 months after return, late ≤ 12 months, delayed after that); anything else is *new*. "
    "Categories come from each athlete's whole injury history. Recurrence rate = recurrences ÷ all injuries "
    "that began in these dates, per region (Fuller et al. 2007)."
)

# --------------------------------------------------------------------------- soreness and OSTRC
st.subheader("Soreness and health problems")
grain = st.radio(
    "Soreness",
    ["week", "day"],
    format_func=lambda g: f"per {g}",
    horizontal=True,
    key="coach_soreness_grain",
)
if grain == "week":
    show_chart(
        charts.soreness_band(trends.soreness_weekly, per="week"),
        "team-soreness-per-week",
        data=partial(tables.soreness_table, trends.soreness_weekly, per="week"),
    )
    rule = (
        "Per Monday-to-Sunday week: each athlete's mean soreness over the week's check-ins, then the median "
        "of those means (line) and their 25th-75th percentiles (band: the middle half of the athletes)."
    )
else:
    show_chart(
        charts.soreness_band(trends.soreness, per="day"),
        "team-soreness-per-day",
        data=partial(tables.soreness_table, trends.soreness, per="day"),
    )
    rule = (
        "Per day, over the athletes who checked in: the median soreness (line) and the 25th-75th "
        "percentiles (band: the middle half of the athletes)."
    )
st.caption(
    f"{rule} Soreness as the athletes answer it on the daily check-in ({words.SORENESS_SCALE}; McLean et al. "
    "2010); the axis is turned so that more sore is up."
)
show_chart(
    charts.ostrc_prevalence_lines(trends.ostrc),
    "ostrc-weekly-prevalence",
    data=partial(tables.ostrc_prevalence_table, trends.ostrc),
)
st.caption(
    "OSTRC-O2 (Clarsen et al. 2013, 2020): a *problem* is any answer other than full participation without "
    "problems; a *substantial problem* is Q1 = cannot participate, or a moderate or major reduction in "
    "training volume or performance (Q2 or Q3 ≥ 17). Prevalence = athletes with one ÷ athletes who answered "
    "that week, each athlete counted once."
)

# --------------------------------------------------------------------------- training load and ACWR
st.subheader("Training load of the squad", help=explained("ACWR AU"))
method = st.radio(
    "ACWR method",
    list(words.ACWR_METHODS),
    format_func=lambda m: words.ACWR_METHODS[m],
    horizontal=True,
    key="coach_acwr_method",
)
squad = loaders.squad_load(who.user_id, team_id, end, method)
st.dataframe(
    squad.drop(columns="athlete_id"),
    hide_index=True,
    width="stretch",
    column_config={
        "name": st.column_config.TextColumn("Athlete", pinned=True),
        "load_7d": st.column_config.NumberColumn(
            "Load, last 7 days (AU)",
            format="%.0f",
            help=f"RPE × minutes, summed over the 7 days up to {words.short_day(end)}.",
        ),
        "load_prev_7d": st.column_config.NumberColumn("Load, 7 days before (AU)", format="%.0f"),
        "change": st.column_config.NumberColumn(
            "Change",
            format="percent",
            help="Last 7 days ÷ the 7 days before, minus 1. Empty when the week before had no load.",
        ),
        "acwr": st.column_config.NumberColumn(
            f"ACWR ({words.ACWR_METHODS[method]})",
            format="%.2f",
            help="Acute:chronic workload ratio on the newest day of the 7 that has one; empty before 28 days of data.",
        ),
        "days_with_data": st.column_config.NumberColumn("Days with data (of 7)"),
    },
)
st.caption(
    f"Highest ACWR first: athletes training well above what they are used to lead the list. Up to "
    f"{words.long_day(end, with_year=False)}, the end of the dates above."
)

st.subheader("One athlete's load, day by day")
athlete_id = athlete_picker(athletes)
if athlete_id is not None:
    name = athletes.loc[athletes["athlete_id"] == athlete_id, "display_name"].iloc[0]
    load = loaders.athlete_load(who.user_id, athlete_id, start, end, method).load
    show_chart(
        charts.load_acwr_chart(load, name, words.ACWR_METHODS[method]),
        "training-load-and-acwr",
        data=partial(tables.load_table, load, words.ACWR_METHODS[method]),
    )
    st.caption(
        "ACWR is descriptive, not an injury probability (Gabbett 2016 band; disputed: Impellizzeri et al. 2020); "
        "not shown before 28 days of data."
    )
    st.caption(
        f"Daily load = sum of RPE (CR-10) × minutes of the day's sessions, in arbitrary units (AU; Foster et al. "
        f"2001); a check-in day without training is a rest day at 0, a day without any record is missing. "
        f"ACWR method: {words.ACWR_METHODS[method]} (Williams et al. 2017) — {ACWR_RULES[method]}."
    )

abbreviations("IOC", "OSTRC", "RPE", "AU", "ACWR")
