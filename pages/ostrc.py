"""Weekly health questions: the signed-in athlete's four OSTRC-O2 answers for the current week, and the
OSTRC-H2 follow-ups about each health problem of the week (`views.weekly_health`, `data.ostrc_health`).

Questions, answer options, scores and the two "gatekeeper" rules follow the updated OSTRC
questionnaire (Clarsen B et al. Improved reporting of overuse injuries and health problems in
sport: an update of the Oslo Sport Trauma Research Center questionnaires. Br J Sports Med
2020;54:390-396; original: Clarsen et al. 2013;47:495-502): every answer scores 0 / 8 / 17 / 25,
severity = the sum (0-100). If Q1 is "full participation without problems" the other questions are
redundant and the week scores 0; if Q1 is "could not participate", they are redundant and the week
scores 100. Fascia keeps one answer per athlete and week, so the questions ask about problems
anywhere in the body rather than in one named area.

When the first answer is a problem, the OSTRC-H2 follow-ups (Clarsen et al. 2020) ask about each health
problem of the week: injury or illness, its body region or the system of its main symptoms, the four
questions about that problem, and the days the athlete could not take part at all. Both are saved by one
button: the follow-ups first (one transaction), then the week's answers.

The week is the Monday-to-Sunday week of the local date in the team's time zone; answering again
in the same week edits that week's answer.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

import streamlit as st

from analytics.surveillance import ostrc_severity, ostrc_substantial
from data.errors import ValidationError
from data.ostrc_health import reports, save_week
from data.record_writes import save_records
from data.time_zones import today_in
from ui import forms, loaders, pending
from ui.charts.ostrc import ostrc_weeks_figure
from ui.charts.render import show_chart
from ui.charts.tables import ostrc_weeks_table
from ui.glossary import abbreviations
from ui.session import engine, page_viewer
from ui.text import literal
from views import words
from views.weekly_health import GATEKEEPER, MAX_PROBLEMS, FollowUp, follow_up_problems, saved_follow_ups, slot, summary

#: The athlete answers on a phone: of plotly's toolbar only the PNG download (and reset) is kept.
PHONE_MODE_BAR_REMOVED = ["zoom2d", "pan2d", "select2d", "lasso2d", "zoomIn2d", "zoomOut2d", "autoScale2d"]
#: The fields of a health problem's follow-up, whose refusals go under that problem's inputs.
FOLLOW_UP_FIELDS = frozenset({"problem_type", "body_region", "organ_system", "q1", "q2", "q3", "q4", "days_lost"})


def score_text(severity: int, substantial: bool) -> str:
    if substantial:
        return f"Severity {severity} / 100 — a **substantial problem**: your therapist sees it as a flag."
    if severity > 0:
        return f"Severity {severity} / 100 — a problem, not a substantial one."
    return "Severity 0 / 100 — no problem this week."


who = page_viewer(__file__)
me = loaders.own_athlete(who.user_id) if who.role == "athlete" else None
if me is None:
    st.title(words.WEEKLY_HEALTH_TITLE)
    st.info("The weekly health questions are for athlete accounts linked to an athlete. Ask an admin to link yours.")
    st.stop()

athlete_id = int(me["athlete_id"])  # the signed-in athlete, never a widget or session-state value
today = today_in(str(me["timezone"]))
week_start: dt.date = today - dt.timedelta(days=today.weekday())
mine = loaders.ids([athlete_id])
this_week = loaders.ostrc(who.user_id, mine, week_start, week_start)
current = this_week.iloc[0] if not this_week.empty else None
saved_reports = reports(engine(), [athlete_id], week_start, week_start)
saved = saved_follow_ups(saved_reports)
tag = week_start.isoformat()


def option_index(options: list[object], value: object) -> int | None:
    return options.index(value) if value in options else None


def follow_up(number: int, known: FollowUp, slots: forms.ErrorSlots) -> FollowUp:
    """The inputs of health problem `number` (from 1), filled in with `known`; what they hold."""
    i = number - 1
    st.markdown(f"**Problem {number}**")
    kinds = list(words.PROBLEM_TYPES)
    kind = st.radio(
        words.HEALTH_PROBLEM_QUESTIONS["problem_type"],
        kinds,
        index=option_index(kinds, known.problem_type),
        format_func=words.PROBLEM_TYPES.get,
        horizontal=True,
        key=f"ostrc_h2_type_{i}_{tag}",
    )
    slots.under(slot(number, "problem_type"))
    region = system = None
    if kind == "injury":
        regions = list(words.BODY_REGIONS)
        region = st.selectbox(
            words.HEALTH_PROBLEM_QUESTIONS["body_region"],
            regions,
            index=option_index(regions, known.body_region),
            format_func=words.BODY_REGIONS.get,
            placeholder="Pick a body region",
            key=f"ostrc_h2_region_{i}_{tag}",
        )
        slots.under(slot(number, "body_region"))
    elif kind == "illness":
        systems = list(words.ORGAN_SYSTEMS)
        system = st.selectbox(
            words.HEALTH_PROBLEM_QUESTIONS["organ_system"],
            systems,
            index=option_index(systems, known.organ_system),
            format_func=words.ORGAN_SYSTEMS.get,
            placeholder="Pick where the symptoms were",
            key=f"ostrc_h2_system_{i}_{tag}",
        )
        slots.under(slot(number, "organ_system"))
    answers: dict[str, int | None] = {}
    for n, (question_id, (question, options)) in enumerate(words.PROBLEM_OSTRC_QUESTIONS.items(), start=1):
        if question_id != "q1" and answers.get("q1") in GATEKEEPER:
            continue
        scores = list(options)
        answers[question_id] = st.radio(
            f"**{n}.** {question}",
            scores,
            index=option_index(scores, known.answers.get(question_id)),
            format_func=options.get,
            key=f"ostrc_h2_{question_id}_{i}_{tag}",
        )
        slots.under(slot(number, question_id))
    days = st.number_input(
        words.HEALTH_PROBLEM_QUESTIONS["days_lost"],
        min_value=0,
        max_value=7,
        value=known.days_lost if known.days_lost is not None else 0,
        step=1,
        key=f"ostrc_h2_days_{i}_{tag}",
    )
    slots.under(slot(number, "days_lost"))
    return FollowUp(kind, region, system, answers, None if days is None else int(days))


st.title(words.WEEKLY_HEALTH_TITLE)
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
    follow_ups: list[FollowUp] = []
    if answers.get("q1") not in (None, 0):
        st.subheader("Your health problems this week")
        st.caption(
            "Answer these for each injury or illness you had in the past 7 days, so your therapist can follow it "
            "up (OSTRC-H2, Clarsen et al. 2020)."
        )
        count = st.number_input(
            words.HEALTH_PROBLEM_QUESTIONS["count"],
            min_value=1,
            max_value=MAX_PROBLEMS,
            value=min(max(1, len(saved)), MAX_PROBLEMS),
            step=1,
            key=f"ostrc_h2_count_{tag}",
        )
        for number in range(1, int(count or 1) + 1):
            with st.container(border=True):
                follow_ups.append(follow_up(number, saved[number - 1] if number <= len(saved) else FollowUp(), slots))
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
        health_problems, unanswered = follow_up_problems(follow_ups)
        problems |= unanswered
        if not problems:
            row = {"athlete_id": athlete_id, "week_start": week_start, **answers}
            try:
                with pending.saving(who.user_id, "ostrc", "ostrc_", tag):
                    if health_problems or not saved_reports.empty:
                        save_week(
                            engine(),
                            athlete_id,
                            week_start,
                            health_problems,
                            actor_id=who.user_id,
                            allowed_athlete_ids=[athlete_id],
                        )
                    save_records(
                        engine(), "ostrc_responses", [row], actor_id=who.user_id, allowed_athlete_ids=[athlete_id]
                    )
            except ValidationError as refused:
                problems = forms.field_errors(
                    forms.refusals(refused),
                    key=lambda e: slot(e.row, e.field) if e.row and e.field in FOLLOW_UP_FIELDS else e.field,
                )
        if problems:
            slots.refuse(problems, "Nothing was saved. Answer the questions marked in red.")
        else:
            loaders.clear()
            this_week = loaders.ostrc(who.user_id, mine, week_start, week_start)
            current = this_week.iloc[0] if not this_week.empty else None
            saved_reports = reports(engine(), [athlete_id], week_start, week_start)
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
            if not saved_reports.empty:
                st.markdown(
                    "**Your health problems this week**\n\n"
                    + "\n".join(f"- {summary(report)}" for report in saved_reports.to_dict("records"))
                )
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

abbreviations("OSTRC")
