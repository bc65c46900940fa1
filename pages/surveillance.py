"""Injury and illness surveillance (therapist, admin): a team's health problems in a period by the IOC 2020
consensus — exposure, incidence and burden with their intervals, by area, tissue, onset and activity, severity,
subsequent problems and the risk matrix — and the printable HTML report (STROBE-SIIS)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from analytics.vocabulary import PROBLEM_TYPES
from data.audit import audit_entry
from ui import loaders
from ui import surveillance_report as report
from ui.charts.render import show_chart
from ui.filters import date_range_picker, team_picker
from ui.glossary import abbreviations
from ui.session import engine, page_viewer
from ui.text import literal
from views import words

RATES = {
    "cases": st.column_config.NumberColumn("Problems", format="%d"),
    "hours": st.column_config.NumberColumn("Exposure (h)", format="%.0f"),
    "incidence": st.column_config.NumberColumn("Incidence per 1000 h", format="%.2f"),
    "incidence_low": st.column_config.NumberColumn("95 % low", format="%.2f"),
    "incidence_high": st.column_config.NumberColumn("95 % high", format="%.2f"),
    "days_lost": st.column_config.NumberColumn("Days lost", format="%d"),
    "burden": st.column_config.NumberColumn("Burden (days per 1000 h)", format="%.1f"),
    "burden_low": st.column_config.NumberColumn("95 % low", format="%.1f"),
    "burden_high": st.column_config.NumberColumn("95 % high", format="%.1f"),
}

who = page_viewer(__file__)

st.title("Injury and illness surveillance")
teams = loaders.scope_teams(who.user_id)
if teams.empty:
    st.info("You are not assigned to a team yet. Ask an admin to add you to your team on *Users and teams*.")
    st.stop()
left, right = st.columns(2)
with left:
    team_id = team_picker(teams)
with right:
    start, end = date_range_picker(loaders.last_data_day())
view = loaders.surveillance_report(who.user_id, team_id, start, end)
st.caption(
    f"{literal(view.team)}, {start:%d %b %Y} to {end:%d %b %Y}: {view.athletes} athletes, {view.athletes_with_exposure} "
    f"with training or matches logged. Health problems by the IOC consensus (Bahr et al. 2020)."
)
database = engine()  # held here: a deferred download runs when clicked, outside this run


def report_html() -> str:
    """The HTML report, made when the button is clicked, and its audit entry (who, which team and dates)."""
    page = report.surveillance_report_html(view, generated=dt.datetime.now(dt.UTC))
    audit_entry(
        database,
        who.user_id,
        "download",
        "teams",
        team_id,
        f"surveillance report (HTML) of {view.team}, {start:%Y-%m-%d} to {end:%Y-%m-%d}",
    )
    return page


st.download_button(
    "Download surveillance report (HTML)",
    report_html,
    file_name=report.report_file_name(view.team, dt.date.today()),
    mime="text/html",
    key="surveillance-report",
    icon=":material/description:",
    on_click="ignore",
    help="One HTML file with the team's exposure, health problems, incidence and burden with their intervals, "
    "severity, subsequent problems and risk matrix for the dates shown, following STROBE-SIIS; it opens without a "
    "network and prints to PDF from the browser (A4).",
)

counts = view.problems["problem_type"].value_counts()
hours = view.exposure.set_index("exposure")["hours"]
cells = st.columns(4)
cells[0].metric("Injuries", int(counts.get("injury", 0)), help="Injuries that began in these dates.")
cells[1].metric("Illnesses", int(counts.get("illness", 0)), help="Illnesses that began in these dates.")
cells[2].metric("Training", f"{hours['training']:,.0f} h", help="Training minutes ÷ 60.")
cells[3].metric("Matches", f"{hours['match']:,.0f} h", help="Match minutes ÷ 60.")

st.subheader("Incidence and burden")
for kind in PROBLEM_TYPES:
    rows = view.rates[view.rates["problem_type"] == kind]
    st.markdown(f"**{words.SURVEILLANCE_PROBLEMS[kind]}**")
    st.dataframe(
        rows[["exposure_label", *RATES]],
        column_config={"exposure_label": st.column_config.TextColumn("Exposure"), **RATES},
        hide_index=True,
        placeholder="–",
        width="stretch",
    )
st.caption(dict(words.SURVEILLANCE_DEFINITIONS)["Incidence and burden"])

st.subheader("By body area, tissue, mode of onset and activity")
groups = view.by_group
if groups.empty:
    st.info("No health problems began in these dates.")
else:
    options = list(dict.fromkeys(zip(groups["problem_type"], groups["grouping"], strict=True)))
    picked = st.selectbox(
        "Group by",
        options,
        format_func=lambda o: (
            f"{words.SURVEILLANCE_PROBLEMS[o[0]]} by {words.lower_first(words.SURVEILLANCE_GROUPINGS[o[1]])}"
        ),
        key="surveillance_grouping",
    )
    chosen = groups[(groups["problem_type"] == picked[0]) & (groups["grouping"] == picked[1])]
    st.dataframe(
        chosen[["value_label", *RATES]],
        column_config={"value_label": st.column_config.TextColumn(words.SURVEILLANCE_GROUPINGS[picked[1]]), **RATES},
        hide_index=True,
        placeholder="–",
        width="stretch",
    )
    st.caption("Rates against all exposure (training and match hours together).")

st.subheader("Risk matrix")
for kind in PROBLEM_TYPES:
    rows = view.risk[view.risk["problem_type"] == kind] if not view.risk.empty else view.risk
    if rows.empty:
        continue
    table = rows[["value_label", "cases", "incidence", "mean_severity", "burden"]].rename(
        columns={
            "value_label": words.SURVEILLANCE_GROUPINGS[rows["grouping"].iloc[0]],
            "cases": "Problems",
            "incidence": "Incidence per 1000 h",
            "mean_severity": "Mean days lost",
            "burden": "Burden (days per 1000 h)",
        }
    )
    show_chart(report.risk_matrix_chart(view.risk, kind), f"risk-matrix-{kind}", data=table)
st.caption(dict(words.SURVEILLANCE_DEFINITIONS)["Risk matrix"])

left, right = st.columns(2)
with left:
    st.subheader("Severity")
    wide = view.severity.pivot(index="severity_label", columns="problem_label", values="problems")
    wide = wide.reindex(list(words.SEVERITY_GROUPS.values())).rename_axis(index="Days lost", columns=None)
    st.dataframe(wide.reset_index(), hide_index=True, width="stretch", placeholder="–")
    st.caption(dict(words.SURVEILLANCE_DEFINITIONS)["Days lost"])
with right:
    st.subheader("Subsequent problems")
    st.dataframe(
        view.subsequent[["problem_label", "category_label", "classified_label", "problems"]],
        column_config={
            "problem_label": "Problem",
            "category_label": "Category",
            "classified_label": "Decided",
            "problems": st.column_config.NumberColumn("Problems", format="%d"),
        },
        hide_index=True,
        placeholder="–",
        width="stretch",
    )
    st.caption(dict(words.SURVEILLANCE_DEFINITIONS)["Subsequent problems"])

abbreviations("IOC")
