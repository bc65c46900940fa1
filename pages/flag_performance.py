"""Flag performance (therapist, admin; coach without athlete names): how often each kind of flag came before a
time-loss injury on the team's own history and how many flags it cost, with 95 % intervals; the ACWR band
checked the same way; the team's flag thresholds beside their defaults, and for a therapist of the team or an
admin, new thresholds previewed on the same history and saved (audited)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from data.errors import ValidationError
from data.flag_rules import RULE_LIMITS, WHOLE_NUMBER_RULES, may_tune, save_team_rules
from ui import loaders
from ui.charts.flag_performance import performance_chart
from ui.charts.render import show_chart
from ui.filters import team_picker
from ui.glossary import abbreviations
from ui.session import engine, page_viewer
from ui.text import literal
from views import words
from views.flag_performance import PREVIEW_WINDOW, rule_table, team_rules_of

#: The dates shown first: the year up to the newest data (flags need a long history to say anything).
DEFAULT_DAYS = 365
WINDOWS = (7, 14, 28)
PREVIEW_KEY = "flag_rules_preview"
SAVED_KEY = "flag_rules_saved"
#: A table row's height, so the rules table shows every threshold without scrolling.
ROW_PIXELS = 35
COUNT_COLUMNS = ("flags", "injuries_flagged", "injuries", "flags_followed")
TABLE = {
    c: (
        st.column_config.NumberColumn(label, format="%d")
        if c in COUNT_COLUMNS
        else st.column_config.NumberColumn(label, format="%.2f")
        if c == "flags_per_athlete_week"
        else st.column_config.NumberColumn(label, format="%.0f %%")
        if c in ("sensitivity", "ppv")
        else st.column_config.TextColumn(label, width="medium" if c == "kind_label" else None)
    )
    for c, label in words.FLAG_PERFORMANCE_COLUMNS.items()
}
BAND = {
    c: (
        st.column_config.NumberColumn(label, format="%.1f %%")
        if c in ("injury_share", "day_share")
        else st.column_config.NumberColumn(label, format="%d")
        if c in ("injuries", "injuries_above", "athlete_days")
        else st.column_config.TextColumn(label)
    )
    for c, label in words.ACWR_BAND_COLUMNS.items()
}


def with_intervals(frame: pd.DataFrame, shares: dict[str, str], decimals: int = 0) -> pd.DataFrame:
    """`frame` with each share in % and its interval as text ("28-79 %"): `shares` maps the share column to
    the interval column made from its ``_low`` and ``_high``."""
    made = {
        interval: [
            words.interval_words(lo, hi, decimals)
            for lo, hi in zip(frame[f"{share}_low"], frame[f"{share}_high"], strict=True)
        ]
        for share, interval in shares.items()
    }
    return frame.assign(**{share: frame[share] * 100 for share in shares}, **made)


who = page_viewer(__file__)
st.title("Flag performance")
st.info(words.FLAG_PERFORMANCE_CAVEATS, icon=":material/info:")
teams = loaders.scope_teams(who.user_id)
last_day = loaders.last_data_day()
if teams.empty or last_day is None:
    st.info("No team or no data yet: flag performance needs a history of check-ins and injuries.")
    st.stop()
left, middle, right = st.columns([2, 2, 1])
with left:
    team_id = team_picker(teams)
with middle:
    picked = st.date_input(
        "Dates",
        value=(last_day - dt.timedelta(days=DEFAULT_DAYS - 1), last_day),
        max_value=last_day,
        format="YYYY-MM-DD",
        key="flag_performance_dates",
    )
start, end = picked if isinstance(picked, tuple) and len(picked) == 2 else (picked[0], picked[0])
with right:
    window = st.selectbox(
        "Window", WINDOWS, index=1, format_func=lambda w: f"{w} days", help="Days before an injury a flag counts."
    )

view = loaders.flag_performance(who.user_id, team_id, start, end)
st.caption(
    f"{literal(view.team)}, {start:%d %b %Y} to {end:%d %b %Y}. {words.FLAG_PERFORMANCE_SCOPE}"
    + ("" if view.names_shown else " Athletes are not named on this page.")
)
cells = st.columns(3)
cells[0].metric("Athletes monitored", view.athletes)
cells[1].metric("Athlete-weeks", f"{view.athlete_weeks:,.0f}", help="Days monitored, summed over athletes, ÷ 7.")
cells[2].metric("Time-loss injuries", view.injuries, help="Onset on a monitored day.")

rows = view.performance[view.performance["window_days"] == window]
if rows.empty:
    st.info("No flag was raised in these dates.")
else:
    show_chart(performance_chart(view.performance, window), f"flag-performance-{window}")
    shown = with_intervals(rows, {"sensitivity": "sensitivity_interval", "ppv": "ppv_interval"})
    st.dataframe(shown[list(TABLE)], column_config=TABLE, hide_index=True, width="stretch", placeholder="–")
    if view.injuries < 10:
        st.warning(
            f"Only {view.injuries} time-loss injuries in these dates: every share above rests on very few cases "
            "(see how wide the intervals are). Take a longer period before reading anything into them.",
            icon=":material/warning:",
        )
for term, meaning in words.FLAG_PERFORMANCE_DEFINITIONS:
    st.caption(f"**{term}**: {meaning}")

st.subheader("The training-load ratio above 1.5")
st.caption(words.ACWR_BAND_WORDS)
band = with_intervals(view.band, {"injury_share": "injury_interval", "day_share": "day_interval"}, decimals=1)
st.dataframe(band[list(BAND)], column_config=BAND, hide_index=True, width="stretch", placeholder="–")

with st.expander(f"The injuries behind these numbers, and the flags of the {PREVIEW_WINDOW} days before each"):
    listed = view.injury_list
    columns = {
        "athlete": st.column_config.TextColumn("Athlete"),
        "onset_date": st.column_config.DateColumn("Onset", format="D MMM YYYY"),
        "where": st.column_config.TextColumn("Where"),
        "flags_before": st.column_config.TextColumn(f"Flags in the {PREVIEW_WINDOW} days before onset"),
    }
    st.dataframe(
        listed,
        column_config={c: v for c, v in columns.items() if c in listed.columns},
        hide_index=True,
        width="stretch",
        placeholder="–",
    )

st.subheader("Flag rules")
if team_id is None:
    st.info("Each team has its own flag rules: pick one team above to see them.")
else:
    team_name = str(teams.loc[teams["team_id"] == team_id, "name"].iloc[0])
    current = team_rules_of(loaders.CachedReader(who.user_id), team_id)
    table = rule_table(current)
    st.caption(
        f"The thresholds every screen uses for {literal(team_name)}'s athletes, beside Fascia's defaults (DESIGN.md). "
        "A changed value is marked."
    )
    st.dataframe(
        table.assign(changed=table["changed"].map({True: "changed", False: ""}))[
            ["kind_label", "what", "value_words", "default_words", "changed"]
        ],
        column_config={
            "kind_label": st.column_config.TextColumn("Flag"),
            "what": st.column_config.TextColumn("Rule"),
            "value_words": st.column_config.TextColumn(team_name),
            "default_words": st.column_config.TextColumn("Default"),
            "changed": st.column_config.TextColumn(" "),
        },
        hide_index=True,
        width="stretch",
        height=ROW_PIXELS * (len(table) + 1) + 3,
    )
    if may_tune(who, team_id):
        saved = st.session_state.pop(SAVED_KEY, None)
        if saved:
            st.success(saved, icon=":material/check:")
        with st.form("flag_rules"):
            st.markdown(
                f"**Change {literal(team_name)}'s rules.** Try values with *Preview*: the team's history in the "
                f"dates above is replayed with them ({PREVIEW_WINDOW}-day window), against the rules in use now. "
                "*Save* applies them to every screen; it is recorded in the audit log."
            )
            values: dict[str, float] = {}
            grid = st.columns(2)
            for i, spec in enumerate(table.itertuples(index=False)):
                low, high = RULE_LIMITS[spec.rule]
                whole = spec.rule in WHOLE_NUMBER_RULES
                percent = spec.rule in words.PERCENT_RULES
                unit = words.FLAG_RULE_WORDS[spec.rule][2]
                label = f"{spec.kind_label}: {words.lower_first(spec.what)} ({unit})"
                shown_value = float(spec.value) * (100 if percent else 1)
                entered = grid[i % 2].number_input(
                    label,
                    min_value=int(low) if whole else float(low) * (100 if percent else 1),
                    max_value=int(high) if whole else float(high) * (100 if percent else 1),
                    value=int(shown_value) if whole else shown_value,
                    step=1 if whole else (1.0 if percent else 0.1),
                    help=f"Default: {words.rule_value_words(spec.rule, float(spec.default))}.",
                    key=f"rule-{team_id}-{spec.rule}",
                )
                values[spec.rule] = float(entered) / (100 if percent else 1)
            preview = st.form_submit_button("Preview on this team's history", icon=":material/preview:")
            save = st.form_submit_button("Save these rules", type="primary", icon=":material/save:")
        if preview:
            st.session_state[PREVIEW_KEY] = (team_id, tuple(sorted(values.items())))
        if save:
            try:
                save_team_rules(engine(), who, team_id, values)
            except ValidationError as refused:
                st.error(f"Not saved: {refused}", icon=":material/error:")
            else:
                loaders.clear()
                st.session_state.pop(PREVIEW_KEY, None)
                st.session_state[SAVED_KEY] = f"Saved {literal(team_name)}'s flag rules: every screen now uses them."
                st.rerun()
        wanted = st.session_state.get(PREVIEW_KEY)
        if wanted and wanted[0] == team_id:
            compared = loaders.flag_rules_preview(who.user_id, team_id, start, end, wanted[1])
            st.markdown(
                f"**Preview, {start:%d %b %Y} to {end:%d %b %Y}, {PREVIEW_WINDOW}-day window: the rules in use now "
                "against the new values**"
            )
            st.dataframe(
                compared.assign(**{c: compared[c] * 100 for c in ("ppv_now", "ppv_new")}),
                column_config={
                    c: (
                        st.column_config.NumberColumn(label, format="%.0f %%")
                        if c.startswith("ppv")
                        else st.column_config.NumberColumn(label, format="%.2f")
                        if c.startswith("per_week")
                        else st.column_config.TextColumn(label)
                    )
                    for c, label in words.FLAG_PREVIEW_COLUMNS.items()
                },
                hide_index=True,
                width="stretch",
                placeholder="–",
            )
            st.caption(
                "Fewer flags per athlete-week is less work; fewer injuries flagged is more missed. The rules that "
                "only keep a flag on the board for some days do not change the history."
            )

abbreviations("PPV", "ACWR", "EWMA", "SD", "ROM", "OSTRC")
