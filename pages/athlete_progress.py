"""Athlete progress: one athlete's pain with the treatments on it, ROM left vs right against the norm,
symmetry, injury episodes with their recurrence category and Kaplan-Meier recovery against the team,
treatment response per technique and the last sessions with their notes."""

from __future__ import annotations

import datetime as dt
from functools import partial

import pandas as pd
import streamlit as st

from analytics.vocabulary import ROM_MEASURES
from data.audit import audit_entry
from ui import loaders, report
from ui.charts import tables
from ui.charts.progress import km_chart, pain_timeline, rom_chart, treatment_chart, with_stages
from ui.charts.render import show_chart
from ui.filters import athlete_picker, date_range_picker
from ui.flag_cards import flag_card, show_close_message
from ui.glossary import abbreviations
from ui.session import engine, page_viewer
from ui.text import literal
from views import words
from views.athlete_progress import RESPONSE_DAYS

who = page_viewer(__file__)

st.title("Athlete progress")
people = loaders.scope_athletes(who.user_id)
if people.empty:
    st.info("No athletes in your scope yet. Ask an admin to assign you to a team.")
    st.stop()
day = loaders.last_data_day()
pick, dates = st.columns([3, 2])
with pick:
    athlete_id = athlete_picker(people)
with dates:
    start, end = date_range_picker(day)
assert athlete_id is not None
athlete = people[people["athlete_id"] == athlete_id].iloc[0]

view = loaders.athlete_progress(who.user_id, athlete_id, start, end)
stages = view.stages
flags = view.flags
sessions = view.sessions
episodes = view.episodes
as_of = day or end

position = f" · {literal(athlete['position'])}" if pd.notna(athlete["position"]) and athlete["position"] else ""
dominant = f" · dominant side {literal(athlete['dominant_side'])}" if pd.notna(athlete["dominant_side"]) else ""
st.caption(
    f"**{literal(athlete['display_name'])}** · {literal(athlete['team'])}{position}{dominant}. Showing {start:%Y-%m-%d} to "
    f"{end:%Y-%m-%d}; newest data {as_of:%Y-%m-%d}."
)

database = engine()  # held here: a deferred download runs when clicked, outside this run


def audit_read(what: str) -> None:
    """One audit entry per download of this athlete's clinical data: who, which athlete, what, which dates
    (never the content)."""
    audit_entry(
        database,
        who.user_id,
        "download",
        "athletes",
        int(athlete_id),
        f"{what} of athlete {athlete['external_id']}, {start:%Y-%m-%d} to {end:%Y-%m-%d}",
    )


def report_html() -> str:
    """The progress report, read and made when the button is clicked (not on every run of the page), and its
    audit entry."""
    page = report.progress_report_html(
        athlete.to_dict(),
        loaders.progress_report(who.user_id, athlete_id, start, end),
        generated=dt.datetime.now(dt.UTC),
        include_notes=who.sees_clinical_notes,
    )
    audit_read(f"progress report (HTML, {'with' if who.sees_clinical_notes else 'without'} clinical notes)")
    return page


st.download_button(
    "Download progress report (HTML)",
    report_html,
    file_name=report.report_file_name(athlete["external_id"], dt.date.today()),
    mime="text/html",
    key="progress-report",
    icon=":material/description:",
    on_click="ignore",
    help="One HTML file with this athlete's pain, ROM, sessions and injuries for the dates shown; it opens without "
    "a network and prints to PDF from the browser (A4)."
    + (" Includes the clinical notes." if who.sees_clinical_notes else " Without clinical notes."),
)

metrics = st.columns(4)
metrics[0].metric("Open injuries", view.open_injuries)
metrics[1].metric(
    "Open flags",
    len(flags),
    help="Today's flags no therapist has closed (close them below or on the Caseload).",
)
metrics[2].metric("Sessions in these dates", len(sessions))
metrics[3].metric("Pain reports in these dates", len(view.shown_reports))

for injury in view.open_episodes.itertuples(index=False):
    st.warning(
        f"Open injury: {injury.where} {words.lower_first(injury.type)} since {injury.onset_date:%Y-%m-%d} "
        f"({injury.days_since_onset} days) — {words.lower_first(injury.category_label)}.",
        icon=":material/personal_injury:",
    )
show_close_message()
scope = [int(a) for a in people["athlete_id"]]
for flag in flags.to_dict("records"):  # a few flags per athlete
    flag_card(flag, str(athlete["display_name"]), who, scope)

# --------------------------------------------------------------------------- pain and treatments
st.header("Pain and treatments")
show_chart(
    with_stages(pain_timeline(view.trend, sessions, view.injuries, start, end), stages),
    "pain-and-treatments",
    data=partial(tables.pain_table, view.trend, sessions),
    audit_as=audit_read,
)
st.caption(
    "Lines: self-reported pain, NPRS 0–10 (LOINC 72514-3), per region and side (blue left, orange right, grey "
    "central or both sides; one dash style per region), on the days it was reported — pain is reported where it "
    "hurts, so a gap is no report, not 0. Diamonds: therapy sessions at the pain after, with a stroke from the pain "
    "before (hollow: pain not recorded); hover for technique, region and minutes. Shaded: injuries from onset to "
    "return to full participation (open ones to the end of the dates), coloured by recurrence category "
    "(Fuller et al. 2006). Along the top: the return-to-sport stages from each decision to the next (red "
    "rehabilitation, amber return to participation, green return to sport and performance; Ardern et al. 2016). "
    "Source: daily check-in pain reports, therapy sessions, injuries, stage decisions."
)
chronic_where = view.chronic_where
if chronic_where:
    st.info(
        f"Chronic pain: {chronic_where} — reported in more than 6 of the last 12 weeks (IASP; Treede et al. 2019).",
        icon=":material/history:",
    )

# --------------------------------------------------------------------------- ROM
st.header("Range of motion")
history = view.history
if history.empty:
    st.info("No ROM measured in these dates — record a baseline on *Record ROM*.", icon=":material/straighten:")
else:
    measured = set(zip(history["joint"], history["movement"], strict=True))
    present = [(j, m) for j, m, _, _ in ROM_MEASURES if (j, m) in measured]
    for pair in (present[i : i + 2] for i in range(0, len(present), 2)):  # rows of two
        for column, (joint, movement) in zip(st.columns(2), pair, strict=False):
            show_chart(
                with_stages(rom_chart(history, joint, movement, start=start, end=end), stages),
                f"rom-{joint}-{movement}",
                data=partial(tables.rom_table, history, joint, movement),
                container=column,
                audit_as=audit_read,
            )
    st.caption(
        "Each point: the mean of the day's trials (post-session measurements left out; they belong to the treatment "
        "response). Filled: the first measurement or a real change since the previous one of that side; hollow: a "
        "change within measurement error — it must exceed the minimal detectable change (MDC) to count: 5° for "
        "goniometry and inclinometry (Gajdosik & Bohannon 1987), 1.5 cm for the knee-to-wall lunge (Chisholm et al. "
        "2012). Green band: the published norm ± its MDC (the norms table gives one average, not a range; AAOS via "
        "Norkin & White; Kendall; Hoch & McKeon 2011). Blue left, orange right; hover for the change since the previous and since the first "
        "measurement in view (small steps can add up to a real change). Source: ROM measurements."
    )
    symmetry = view.symmetry
    st.subheader("Symmetry (latest day both sides were measured)")
    if symmetry.empty:
        st.info("No day with both sides measured in these dates — measure left and right on *Record ROM*.")
    else:
        st.dataframe(
            symmetry[
                [
                    "measure",
                    "date",
                    "left",
                    "right",
                    "abs_diff",
                    "mdc",
                    "lsi",
                    "asymmetric",
                    "involved_side",
                    "why",
                ]
            ],
            hide_index=True,
            width="stretch",
            placeholder="—",
            column_config={
                "measure": st.column_config.TextColumn("Measure (unit)", width=230),
                "date": st.column_config.DateColumn("Measured", format="YYYY-MM-DD"),
                "left": st.column_config.NumberColumn("Left", format="%.1f"),
                "right": st.column_config.NumberColumn("Right", format="%.1f"),
                "abs_diff": st.column_config.NumberColumn("|L − R|", format="%.1f"),
                "mdc": st.column_config.NumberColumn("MDC", format="%.1f", help="Minimal detectable change"),
                "lsi": st.column_config.NumberColumn("LSI %", format="%.0f", help="Involved ÷ uninvolved × 100"),
                "asymmetric": st.column_config.CheckboxColumn("Asymmetry"),
                "involved_side": st.column_config.TextColumn("Involved", width=70),
                "why": st.column_config.TextColumn("Why that side", width=150),
            },
        )
        st.caption(
            "Limb symmetry index (LSI) = involved ÷ uninvolved × 100; involved = the injured side when there is a "
            "left- or right-sided injury in that region, otherwise the smaller value. Asymmetry when |left − right| "
            "exceeds both the MDC and 10 % of the larger side."
        )

# --------------------------------------------------------------------------- injuries and recovery
st.header("Injuries and recovery")
if episodes.empty:
    st.info("No injuries on record for this athlete — open one on *Injuries*.", icon=":material/personal_injury:")
else:
    st.dataframe(
        episodes.assign(index=episodes["index_injury_id"])[
            [
                "injury_id",
                "onset_date",
                "where",
                "type",
                "category_label",
                "index",
                "return_date",
                "days_to_return",
                "days_to_resolution",
                "status",
            ]
        ],
        hide_index=True,
        width="stretch",
        placeholder="—",
        column_config={
            "injury_id": st.column_config.NumberColumn("Injury #", format="%d"),
            "onset_date": st.column_config.DateColumn("Onset", format="YYYY-MM-DD"),
            "where": "Region",
            "type": "Type",
            "category_label": st.column_config.TextColumn(
                "Recurrence category", help="Fuller et al. 2006: new, exacerbation, early/late/delayed recurrence"
            ),
            "index": st.column_config.NumberColumn("Repeats #", format="%d", help="The earlier injury it repeats"),
            "return_date": st.column_config.DateColumn(
                "Returned", format="YYYY-MM-DD", help="Return to full participation"
            ),
            "days_to_return": st.column_config.NumberColumn("Days to return", format="%d"),
            "days_to_resolution": st.column_config.NumberColumn(
                "Days to pain 0–1", format="%d", help="Onset to the first of three consecutive reports at 0-1"
            ),
            "status": st.column_config.TextColumn("Status", help="Returned to full participation, or still open"),
        },
    )
    st.caption(
        "Recurrence (Fuller et al. 2006, 2007): the same type, region and side as an earlier injury is an "
        "exacerbation when the earlier one had not returned to full participation, else a recurrence — early within "
        "60 days of that return, late within 365, delayed after that; anything else is new. Pain resolution: the "
        "first of three consecutive reports at 0–1."
    )
show_chart(
    km_chart(view.km_curves, view.km_medians, athlete_group=view.athlete_name),
    "days-to-pain-resolution",
    data=partial(tables.km_table, view.km_curves),
    audit_as=audit_read,
)
st.caption(
    "Kaplan–Meier estimate of the share of injury episodes whose pain is not yet resolved (three "
    "consecutive reports at 0–1) after a number of days, this athlete's against the whole team's (this athlete "
    "included; grey band: the team's 95 % interval). Episodes not resolved by the newest data day, or ended by a "
    'new injury at the same site, are *censored* (tick marks): they count as "not resolved" for as long as they '
    "were observed and then leave the estimate — never dropped, never averaged. The median is where a curve crosses "
    '50 %; "not reached" when too many episodes are unfinished. Source: injuries and pain reports, whole history.'
)

# --------------------------------------------------------------------------- treatment response
st.header("Treatment response")
if sessions.empty:
    st.info("No therapy sessions in these dates — log one on *Log a session*.", icon=":material/healing:")
else:
    summary = view.treatment
    show_chart(
        treatment_chart(summary),
        "treatment-response",
        data=partial(tables.treatment_table, summary),
        audit_as=audit_read,
    )
    st.dataframe(
        summary[
            [
                "technique_label",
                "outcome_label",
                "unit",
                "n",
                "mean",
                "ci_lower",
                "ci_upper",
                "n_held_known",
                "share_held",
            ]
        ],
        hide_index=True,
        width="stretch",
        placeholder="—",
        column_config={
            "technique_label": "Technique",
            "outcome_label": "Outcome",
            "unit": "Unit",
            "n": st.column_config.NumberColumn("n", help="Sessions (pain) or left/right pairs (ROM)"),
            "mean": st.column_config.NumberColumn("Mean change", format="%.1f"),
            "ci_lower": st.column_config.NumberColumn("95 % low", format="%.1f"),
            "ci_upper": st.column_config.NumberColumn("95 % high", format="%.1f"),
            "n_held_known": st.column_config.NumberColumn(
                "With next check-in", help="Sessions followed by a check-in within 7 days"
            ),
            "share_held": st.column_config.NumberColumn(
                "Held", format="percent", help="Next check-in pain ≤ pain after"
            ),
        },
    )
    st.caption(
        "Pain relief per session = pain before − after (NPRS points; positive = less pain). ROM rows: post − pre "
        "session (degrees or cm; positive = more motion). Mean with a t-based 95 % interval (none with n < 2). "
        f"Held: at the athlete's next check-in (within {RESPONSE_DAYS} days) the region's pain was no higher than "
        "right after the session (no report that day counts as 0). Sessions in the selected dates; source: therapy "
        "sessions, pain reports, check-ins, ROM measured before and after sessions."
    )

# --------------------------------------------------------------------------- last sessions
st.header("Last sessions")
if sessions.empty:
    st.info("No therapy sessions in these dates — log one on *Log a session*.")
else:
    last = view.last_sessions
    for session in last.to_dict("records"):  # ten at most
        pain_text = (
            f"pain {session['pain_before']} → {session['pain_after']}"
            if pd.notna(session["pain_before"]) and pd.notna(session["pain_after"])
            else "pain not recorded"
        )
        discomfort = f", discomfort {session['discomfort']}/10" if pd.notna(session["discomfort"]) else ""
        notes = session.get("notes")
        st.markdown(
            f"**{session['date']:%Y-%m-%d} · {session['technique_label']}** · "
            f"{session['where']} — {session['minutes']} min, "
            f"{pain_text}{discomfort}"
        )
        if isinstance(notes, str) and notes:
            st.caption(literal(notes))
    st.caption(
        "The ten newest sessions in the selected dates; pain NPRS 0–10, discomfort during the session 0–10. "
        "Notes are clinical: therapists and admins see them."
    )

abbreviations("NPRS", "ROM", "MDC", "LSI", "KM")
