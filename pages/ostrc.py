"""Weekly OSTRC: the signed-in athlete's four OSTRC-O2 answers for the current week.

Questions, answer options, scores and the two "gatekeeper" rules follow the updated OSTRC
questionnaire (Clarsen B et al. Improved reporting of overuse injuries and health problems in
sport: an update of the Oslo Sport Trauma Research Center questionnaires. Br J Sports Med
2020;54:390-396; original: Clarsen et al. 2013;47:495-502): every answer scores 0 / 8 / 17 / 25,
severity = the sum (0-100). If Q1 is "full participation without problems" the other questions are
redundant and the week scores 0; if Q1 is "could not participate", they are redundant and the week
scores 100. Fascia keeps one answer per athlete and week, so the questions ask about problems
anywhere in the body rather than in one named area.

The week is the Monday-to-Sunday week of the local date in the team's time zone; answering again
in the same week edits that week's answer.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

import streamlit as st

from analytics.surveillance import ostrc_severity, ostrc_substantial
from data.errors import ValidationError
from data.record_writes import save_records
from data.time_zones import today_in
from ui import forms, loaders, pending
from ui.charts.ostrc import ostrc_weeks_figure
from ui.charts.render import show_chart
from ui.charts.tables import ostrc_weeks_table
from ui.session import engine, page_viewer
from ui.text import literal
from views import words

#: The athlete answers on a phone: of plotly's toolbar only the PNG download (and reset) is kept.
PHONE_MODE_BAR_REMOVED = ["zoom2d", "pan2d", "select2d", "lasso2d", "zoomIn2d", "zoomOut2d", "autoScale2d"]
#: Q1 answers that make Q2-Q4 redundant, and the score each of them then takes (Clarsen et al. 2020).
GATEKEEPER = {0: 0, 25: 25}


def score_text(severity: int, substantial: bool) -> str:
    if substantial:
        return f"Severity {severity} / 100 — a **substantial problem**: your therapist sees it as a flag."
    if severity > 0:
        return f"Severity {severity} / 100 — a problem, not a substantial one."
    return "Severity 0 / 100 — no problem this week."


who = page_viewer(__file__)
me = loaders.own_athlete(who.user_id) if who.role == "athlete" else None
if me is None:
    st.title("Weekly OSTRC")
    st.info("The weekly OSTRC questions are for athlete accounts linked to an athlete. Ask an admin to link yours.")
    st.stop()

athlete_id = int(me["athlete_id"])  # the signed-in athlete, never a widget or session-state value
today = today_in(str(me["timezone"]))
week_start: dt.date = today - dt.timedelta(days=today.weekday())
mine = loaders.ids([athlete_id])
this_week = loaders.ostrc(who.user_id, mine, week_start, week_start)
current = this_week.iloc[0] if not this_week.empty else None
tag = week_start.isoformat()

st.title("Weekly OSTRC")
st.caption(
    f"Week of Monday {words.long_day(week_start)} · {literal(me['display_name'])} · about the past 7 days. "
    "You can change your answers until Sunday."
)

form, side_panel = st.columns([3, 2], gap="large")
with form:
    pending.restore(who.user_id, "ostrc", "this week's answers")
    if current is not None:
        st.info("You have answered this week. Change an answer and save again to update it.", icon=":material/edit:")
    answers: dict[str, int | None] = {}
    slots = forms.ErrorSlots()
    for number, (question_id, (question, options)) in enumerate(words.OSTRC_QUESTIONS.items(), start=1):
        q1 = answers.get("q1")
        if question_id != "q1" and q1 in GATEKEEPER:
            answers[question_id] = GATEKEEPER[q1]
            continue
        scores = list(options)
        known = int(current[question_id]) if current is not None else None
        answers[question_id] = st.radio(
            f"**{number}.** {question}",
            scores,
            index=scores.index(known) if known in scores else None,
            format_func=options.get,
            key=f"ostrc_{question_id}_{tag}",
        )
        slots.under(question_id)
        if question_id == "q1" and answers["q1"] in GATEKEEPER:
            st.caption(
                "Questions 2–4 are not needed with this answer: the week scores "
                f"{4 * GATEKEEPER[int(answers['q1'])]} / 100 (Clarsen et al. 2020)."
            )
    slots.under("*")
    clicked = st.button(
        "Update this week's answers" if current is not None else "Save answers",
        type="primary",
        icon=":material/check:",
        width="stretch",
        key="ostrc_save",
    )
    if clicked:
        problems = {q: f"{words.FIELDS[q]}: pick one answer." for q, value in answers.items() if value is None}
        if not problems:
            row = {"athlete_id": athlete_id, "week_start": week_start, **answers}
            try:
                with pending.saving(who.user_id, "ostrc", "ostrc_", tag):
                    save_records(
                        engine(), "ostrc_responses", [row], actor_id=who.user_id, allowed_athlete_ids=[athlete_id]
                    )
            except ValidationError as refused:
                problems = forms.field_errors(forms.refusals(refused))
        if problems:
            slots.refuse(problems, "Nothing was saved. Answer the questions marked in red.")
        else:
            loaders.clear()
            this_week = loaders.ostrc(who.user_id, mine, week_start, week_start)
            current = this_week.iloc[0] if not this_week.empty else None
            st.success(f"Saved your answers for the week of {words.day_words(week_start)}.", icon=":material/task_alt:")

with side_panel:
    st.subheader("This week, as saved")
    if current is None:
        st.caption("Not answered yet this week.")
    else:
        scores = [int(current[q]) for q in words.OSTRC_QUESTIONS]
        severity, substantial = ostrc_severity(*scores), ostrc_substantial(*scores)
        with st.container(border=True):
            st.metric("Severity score", f"{severity} / 100")
            st.markdown(score_text(severity, substantial))
    weeks = loaders.ostrc_weeks(who.user_id, athlete_id, week_start, 8)
    show_chart(
        ostrc_weeks_figure(weeks),
        "my-ostrc-weeks",
        data=partial(ostrc_weeks_table, weeks),
        config={"displaylogo": False, "modeBarButtonsToRemove": PHONE_MODE_BAR_REMOVED},
    )
    st.caption(
        "OSTRC-O2 (Clarsen et al. 2013, 2020): each answer scores 0 / 8 / 17 / 25 and severity is their sum "
        "(0–100). A *problem* is any answer but the first; a *substantial problem* is not being able to take "
        "part (Q1) or a moderate or major reduction in training (Q2) or performance (Q3)."
    )
