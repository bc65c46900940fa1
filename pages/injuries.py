"""Health problems (therapist): an athlete's injuries and illnesses to the IOC 2020 standard (Bahr et al. 2020),
their return-to-sport stages (Ardern et al. 2016) and the club's checklists. Open and code a problem, record
the stage decisions that take it back to sport (the return date follows from them), edit a problem, its
further diagnoses and the earlier problem it follows. Every write goes through `data.record_writes` or
`data.health_problems` and is validated there; a refused value is named under its field.
"""

from __future__ import annotations

import re
from typing import Any

import streamlit as st

from analytics.vocabulary import (
    ACTIVITIES,
    BODY_AREA_OF_REGION,
    BODY_REGIONS,
    CONTACTS,
    ILLNESS_CAUSES,
    INJURY_TYPES,
    ONSET_MODES,
    ORGAN_SYSTEMS,
    PROBLEM_TYPES,
    RTS_FULL_PARTICIPATION,
    RTS_STAGES,
    SIDES,
    TISSUE_PATHOLOGIES,
    TISSUES,
)
from data import health_problems, ostrc_health
from data.errors import ValidationError
from data.record_writes import EditConflict, read_for_edit, save_records, update_record
from ui import forms, loaders, pending
from ui.filters import ATHLETE_KEY, record_target
from ui.glossary import abbreviations
from ui.grid import row_height
from ui.session import engine, page_viewer
from ui.text import literal
from views import words
from views.injuries import (
    RECURRENCE_RULE,
    health_problem_register,
    sessions_on,
    subsequent_sentence,
    weekly_reports,
)
from views.reader import ScopedReader
from views.return_to_sport import next_stage, problem_stages, with_current_stage

FIELDS = (
    "problem_type",
    "onset_date",
    "body_region",
    "side",
    "injury_type",
    "onset_mode",
    "contact",
    "activity",
    "training_session_id",
    "tissue",
    "pathology",
    "organ_system",
    "illness_cause",
    "osiics_code",
    "diagnosis",
    "time_loss",
    "return_date",
    "notes",
)

#: The weekly health report (OSTRC-H2) a new problem is being opened from: {"athlete_id", "report_id", "week"}.
LINK_KEY = "ostrc_report_to_link"
#: Where the message of a recorded stage decision waits for the run that shows the next, fresh form.
STAGE_SAVED = "stage_saved_message"
#: The register's text columns and their widths (px): those a therapist reads first fit the page at 1400 px,
#: the rest one scroll to the right; text wraps within rows as tall as the longest cell needs
#: (`ui.grid.row_height`), never cut.
REGISTER_WIDTHS: dict[str, int] = {
    "status": 60,
    "kind_label": 70,
    "site": 95,
    "classification": 140,
    "diagnosis": 115,
    "stage_label": 110,
    "category_label": 100,
    "osiics_code": 65,
    "onset_mode_label": 100,
    "activity_label": 100,
    "notes": 250,
}
#: The same for a problem's return-to-sport decisions.
DECISION_WIDTHS: dict[str, int] = {
    "stage_label": 110,
    "decided_by_name": 90,
    "criteria_words": 180,
    "restrictions": 160,
    "agreed": 80,
    "rationale": 180,
}

who = page_viewer(__file__)

st.title("Health problems")
st.caption(
    "Each athlete's injuries and illnesses, coded by the IOC 2020 consensus, with their return-to-sport stages. "
    "Open a problem, record the decisions that take the athlete back to sport, or correct a problem's details."
)
target = record_target(who.user_id, who.role, "Health problems")
athlete_id, today, scope = target.athlete_id, target.today, target.scope
name = literal(target.name)  # the athlete's name, for Markdown
reader = ScopedReader(engine(), who)

register_area = st.container()  # drawn last, so it shows what the forms below just saved


def read_register() -> Any:
    """The athlete's problems with their current stage, and the stage history, read now."""
    history = problem_stages(reader, athlete_id)
    return with_current_stage(health_problem_register(reader, athlete_id, today), history, today), history


def show_refusal(slots: forms.ErrorSlots, refusal: ValidationError) -> None:
    """Each refused value under its field, and a line saying nothing was saved."""
    messages = forms.field_errors(forms.refusals(refusal), first_only=True)
    slots.refuse(messages, forms.refused(len(messages)))


def pick(options: tuple[str, ...], value: object) -> int | None:
    return options.index(value) if value in options else None


def problem_inputs(
    slots: forms.ErrorSlots, key: str, current: dict[str, Any] | None = None, derived_return: bool = False
) -> dict[str, Any]:
    """The problem's fields as inputs (prefilled from `current`), each with its error slot under it. The
    inputs are not in an `st.form`, so the fields follow the choices above them (an illness's organ system
    instead of a region, the pathologies of the chosen tissue, contact for a sudden-onset injury).
    `derived_return`: the return date comes from the stages and is shown, not typed."""
    current = current or {}
    row = st.columns(4)
    with row[0]:
        problem_type = st.radio(
            "Health problem",
            PROBLEM_TYPES,
            index=pick(PROBLEM_TYPES, current.get("problem_type", "injury")) or 0,
            format_func=words.PROBLEM_TYPES.get,
            horizontal=True,
            key=f"{key}_problem_type",
        )
        slots.under("problem_type")
    with row[1]:
        onset = st.date_input(
            "Onset date",
            value=current.get("onset_date", today),
            max_value=today,
            format="YYYY-MM-DD",
            key=f"{key}_onset",
        )
        slots.under("onset_date")
    with row[2]:
        onset_mode = st.selectbox(
            "Onset",
            ONSET_MODES,
            index=pick(ONSET_MODES, current.get("onset_mode")),
            format_func=words.ONSET_MODES.get,
            placeholder="Not known",
            help="Sudden: one identifiable event. Gradual: built up over time, with no such event (IOC 2020).",
            key=f"{key}_onset_mode",
        )
        slots.under("onset_mode")
    with row[3]:
        activity = st.selectbox(
            "Activity when it began",
            ACTIVITIES,
            index=pick(ACTIVITIES, current.get("activity")),
            format_func=words.ACTIVITIES.get,
            placeholder="Not known",
            key=f"{key}_activity",
        )
        slots.under("activity")
    sessions = sessions_on(reader, athlete_id, onset, activity)
    session_id = None
    if sessions:
        stored = current.get("training_session_id")
        options = list(sessions)
        session_id = st.selectbox(
            "Training session it began in",
            options,
            index=options.index(stored) if stored in options else 0,
            format_func=sessions.get,
            help="The session of that day recorded in Fascia (its minutes count as exposure).",
            key=f"{key}_session",
        )
        slots.under("training_session_id")
    elif activity in ("training", "match"):
        st.caption(f"No {words.ACTIVITIES[activity].lower()} session is recorded for this athlete on that day.")
    values: dict[str, Any] = dict.fromkeys(FIELDS)
    if problem_type == "injury":
        row = st.columns(4)
        with row[0]:
            region = st.selectbox(
                "Body region",
                BODY_REGIONS,
                index=pick(BODY_REGIONS, current.get("body_region")),
                format_func=words.BODY_REGIONS.get,
                placeholder="Choose",
                key=f"{key}_region",
            )
            slots.under("body_region")
            if region is not None:
                st.caption(f"Body area (IOC): {words.BODY_AREAS[BODY_AREA_OF_REGION[region]]}")
            slots.under("body_area")
        with row[1]:
            side = st.selectbox(
                "Side",
                SIDES,
                index=pick(SIDES, current.get("side")),
                format_func=words.SIDES.get,
                placeholder="Choose",
                key=f"{key}_side",
            )
            slots.under("side")
        with row[2]:
            tissue = st.selectbox(
                "Tissue",
                TISSUES,
                index=pick(TISSUES, current.get("tissue")),
                format_func=words.TISSUES.get,
                placeholder="Choose",
                key=f"{key}_tissue",
            )
            slots.under("tissue")
        with row[3]:
            pathologies = TISSUE_PATHOLOGIES.get(tissue, ()) if tissue else ()
            pathology = st.selectbox(
                "Pathology",
                pathologies,
                index=pick(pathologies, current.get("pathology")),
                format_func=words.PATHOLOGIES.get,
                placeholder="Choose the tissue first" if not tissue else "Choose",
                key=f"{key}_pathology",
            )
            slots.under("pathology")
        row = st.columns(4)
        with row[0]:
            injury_type = st.selectbox(
                "Injury type",
                INJURY_TYPES,
                index=pick(INJURY_TYPES, current.get("injury_type")),
                format_func=words.INJURY_TYPES.get,
                placeholder="From the pathology",
                help="Fascia's injury type (the recurrence rule compares it); left empty, it follows the pathology.",
                key=f"{key}_type",
            )
            slots.under("injury_type")
        contact = None
        if onset_mode == "sudden":
            with row[1]:
                contact = st.selectbox(
                    "Contact",
                    CONTACTS,
                    index=pick(CONTACTS, current.get("contact")),
                    format_func=words.CONTACTS.get,
                    placeholder="Not known",
                    help="How a sudden-onset injury happened (IOC 2020): without contact, or through indirect or "
                    "direct contact with another athlete or an object.",
                    key=f"{key}_contact",
                )
                slots.under("contact")
        values |= {
            "body_region": region,
            "side": side,
            "tissue": tissue,
            "pathology": pathology,
            "injury_type": injury_type,
            "contact": contact,
        }
    else:
        row = st.columns(2)
        with row[0]:
            organ = st.selectbox(
                "Organ system",
                ORGAN_SYSTEMS,
                index=pick(ORGAN_SYSTEMS, current.get("organ_system")),
                format_func=words.ORGAN_SYSTEMS.get,
                placeholder="Choose",
                key=f"{key}_organ",
            )
            slots.under("organ_system")
        with row[1]:
            cause = st.selectbox(
                "Cause",
                ILLNESS_CAUSES,
                index=pick(ILLNESS_CAUSES, current.get("illness_cause")),
                format_func=words.ILLNESS_CAUSES.get,
                placeholder="Choose",
                key=f"{key}_cause",
            )
            slots.under("illness_cause")
        values |= {"organ_system": organ, "illness_cause": cause}
    row = st.columns([3, 1])
    with row[0]:
        diagnosis = st.text_input(
            "Diagnosis", value=current.get("diagnosis") or "", max_chars=200, key=f"{key}_diagnosis"
        )
        slots.under("diagnosis")
    with row[1]:
        code = st.text_input(
            "OSIICS code",
            value=current.get("osiics_code") or "",
            max_chars=health_problems.OSIICS_MAX_LENGTH,
            help="The OSIICS code your club uses for this diagnosis, as you enter it (letters and digits). "
            "Fascia does not ship the OSIICS table: see docs/HEALTH_PROBLEMS.md.",
            key=f"{key}_osiics",
        )
        slots.under("osiics_code")
    row = st.columns(4)
    with row[0]:
        time_loss = st.checkbox(
            "Time-loss problem",
            value=bool(current.get("time_loss", False)),
            help="The athlete could not take full part in training or matches for at least a day (IOC 2020).",
            key=f"{key}_time_loss",
        )
        slots.under("time_loss")
    with row[1]:
        if derived_return:
            returned = current.get("return_date")
            st.markdown(f"**Return to full participation:** {words.short_day(returned, with_year=True) or 'not yet'}")
            st.caption("Set by the return-to-sport stages.")
        else:
            returned = st.date_input(
                "Return to full participation",
                value=current.get("return_date"),
                max_value=today,
                format="YYYY-MM-DD",
                help="Only for a problem already over. Otherwise record the return-to-sport stages: the return "
                "date follows from them.",
                key=f"{key}_return",
            )
        slots.under("return_date")
    notes = st.text_area(
        "Notes (clinical; never shown to coaches)",
        value=current.get("notes") or "",
        max_chars=4000,
        height=80,
        key=f"{key}_notes",
    )
    slots.under("notes")
    return values | {
        "problem_type": problem_type,
        "onset_date": onset,
        "onset_mode": onset_mode,
        "activity": activity,
        "training_session_id": session_id,
        "osiics_code": code.strip() or None,
        "diagnosis": diagnosis.strip() or None,
        "time_loss": time_loss,
        "return_date": returned,
        "notes": notes.strip() or None,
    }


def osiics_checked(values: dict[str, Any]) -> None:
    """Refuse a malformed OSIICS code before anything is saved (`data.health_problems.osiics_code_refusal`)."""
    refusal = health_problems.osiics_code_refusal(values.get("osiics_code"))
    if refusal is not None:
        raise refusal


def prefill(report: dict[str, Any]) -> None:
    """Button callback: pick the reported athlete and fill the new-problem form from their weekly report (type,
    region or system, the week's Monday as the onset, time-loss when days were lost); saving links the report."""
    athlete = int(report["athlete_id"])
    prefix = f"new_{athlete}"
    st.session_state[ATHLETE_KEY] = athlete
    st.session_state[f"{prefix}_problem_type"] = report["problem_type"]
    st.session_state[f"{prefix}_onset"] = report["week_start"].date()
    st.session_state[f"{prefix}_time_loss"] = int(report["days_lost"]) > 0
    if report["problem_type"] == "illness":
        st.session_state[f"{prefix}_organ"] = report["organ_system"]
    else:
        st.session_state[f"{prefix}_region"] = report["body_region"]
    st.session_state[LINK_KEY] = {
        "athlete_id": athlete,
        "report_id": int(report["report_id"]),
        "week": words.short_day(report["week_start"], today),
    }


reported = weekly_reports(ostrc_health.unrecorded_substantial(engine(), scope), loaders.scope_athletes(who.user_id))
if not reported.empty:
    with st.expander(f"Reported in the weekly health questions ({len(reported)})", expanded=True):
        st.caption(
            "Substantial health problems your athletes reported in the weekly OSTRC questions (Clarsen et al. 2020) "
            "that have no record yet. *Open a record* fills the new-problem form below from the report; saving it "
            "links the two."
        )
        for report in reported.head(20).to_dict("records"):
            cells = st.columns([3, 3, 2, 2, 2], vertical_alignment="center")
            cells[0].markdown(f"**{literal(report['athlete'])}**")
            cells[1].markdown(literal(report["what"]))
            cells[2].markdown(f"Week of {words.short_day(report['week_start'], today)}")
            cells[3].markdown(f"Severity {report['severity']} · {report['days_lost']} days lost")
            cells[4].button(
                "Open a record",
                key=f"ostrc_open_{report['report_id']}",
                on_click=prefill,
                args=(report,),
                icon=":material/note_add:",
            )

register, history = read_register()
new_tab, stage_tab, edit_tab, checklist_tab = st.tabs(
    ["Open a problem", "Return to sport", "Edit a problem", "Checklists"]
)

# --------------------------------------------------------------------------- open a problem
with new_tab:
    form = f"new_problem_{athlete_id}"
    pending.restore(who.user_id, form, "this new health problem")
    link = st.session_state.get(LINK_KEY)
    link = link if link is not None and link["athlete_id"] == athlete_id else None
    if link is not None:
        st.info(
            f"Opening a record from {name}'s weekly health report of the week of {link['week']}: complete the form "
            "and open the problem; the report is linked to it.",
            icon=":material/note_add:",
        )
    slots = forms.ErrorSlots()
    slots.under("*", "athlete_id")
    values = problem_inputs(slots, f"new_{athlete_id}")
    if st.button("Open problem", type="primary", icon=":material/add:", key=f"open_problem_{athlete_id}"):
        try:
            osiics_checked(values)
            with pending.saving(who.user_id, form, f"new_{athlete_id}_"):
                result = save_records(
                    engine(),
                    "injuries",
                    [{"athlete_id": athlete_id, **values}],
                    actor_id=who.user_id,
                    allowed_athlete_ids=scope,
                )
        except ValidationError as refusal:
            show_refusal(slots, refusal)
        else:
            new_id = result.ids[0]
            if link is not None:
                ostrc_health.link_to_problem(engine(), who.user_id, link["report_id"], new_id, scope)
                del st.session_state[LINK_KEY]
            loaders.clear()
            register, history = read_register()
            st.session_state[f"stage_problem_{athlete_id}"] = new_id  # the next tab stages the new problem
            row = register.loc[register["injury_id"] == new_id].iloc[0]
            verb = "Saved" if result.inserted else ("Updated" if result.updated else "Already recorded, unchanged")
            linked = f" Linked to the weekly health report of the week of {link['week']}." if link else ""
            st.success(f"{verb} for {name}: {row['label']}.{linked}", icon=":material/check_circle:")
            st.info(subsequent_sentence(register, new_id, today), icon=":material/history:")

# --------------------------------------------------------------------------- return to sport
with stage_tab:
    if STAGE_SAVED in st.session_state:
        st.success(st.session_state.pop(STAGE_SAVED), icon=":material/check_circle:")
    stageable = register.loc[register["stageable"]]
    if stageable.empty:
        st.info(f"{name} has no open health problem. Open one on the first tab when there is one.")
    else:
        labels = dict(zip(stageable["injury_id"].astype(int), stageable["label"], strict=True))
        picked = f"stage_problem_{athlete_id}"
        if picked in st.session_state and st.session_state[picked] not in labels:  # closed since: not offered
            del st.session_state[picked]
        chosen = st.selectbox("Health problem", list(labels), format_func=lambda i: labels[i], key=picked)
        problem = stageable.loc[stageable["injury_id"] == chosen].iloc[0]
        stage_now = problem["stage"] if isinstance(problem["stage"], str) else None
        if stage_now is None:
            st.markdown("**No stage recorded yet.** The first decision is usually *Rehabilitation*.")
        else:
            expected = words.short_day(problem["expected_next_date"], today)
            then = f" · {words.RTS_STAGES[next_stage(stage_now)]} expected {expected}" if expected else ""
            st.markdown(f"**Now: {words.RTS_STAGES[stage_now]}**{then}")
            st.caption(words.RTS_STAGE_MEANINGS[stage_now])
        decisions = history[history["injury_id"] == chosen]
        if not decisions.empty:
            st.dataframe(
                decisions,
                hide_index=True,
                width="stretch",
                row_height=row_height(decisions, DECISION_WIDTHS),
                placeholder="–",
                column_order=[
                    "date",
                    "stage_label",
                    "decided_by_name",
                    "criteria_words",
                    "restrictions",
                    "agreed",
                    "rationale",
                    "expected_next_date",
                ],
                column_config={
                    "date": st.column_config.DateColumn("From", format="D MMM YYYY", width=90),
                    "stage_label": st.column_config.TextColumn("Stage", width=DECISION_WIDTHS["stage_label"]),
                    "decided_by_name": st.column_config.TextColumn(
                        "Decided by", width=DECISION_WIDTHS["decided_by_name"]
                    ),
                    "criteria_words": st.column_config.TextColumn(
                        "Criteria met", width=DECISION_WIDTHS["criteria_words"]
                    ),
                    "restrictions": st.column_config.TextColumn("Restrictions", width=DECISION_WIDTHS["restrictions"]),
                    "agreed": st.column_config.TextColumn("Athlete", width=DECISION_WIDTHS["agreed"]),
                    "rationale": st.column_config.TextColumn("Rationale", width=DECISION_WIDTHS["rationale"]),
                    "expected_next_date": st.column_config.DateColumn(
                        "Next stage expected", format="D MMM YYYY", width=100
                    ),
                },
            )
            latest = decisions.iloc[-1]
            if st.button(
                f"Remove the decision of {words.short_day(latest['date'], today)}",
                key=f"remove_stage_{latest['stage_id']}",
                icon=":material/undo:",
                help="For a decision recorded by mistake. The return date follows the decisions left; audited.",
            ):
                health_problems.remove_stage(engine(), who, int(latest["stage_id"]))
                loaders.clear()
                st.session_state[STAGE_SAVED] = (
                    f"Removed the decision of {words.short_day(latest['date'], today)} ({latest['stage_label']})."
                )
                st.rerun()
        form = f"stage_{chosen}"
        key = f"stage_{chosen}"
        pending.restore(who.user_id, form, "this return-to-sport decision")
        slots = forms.ErrorSlots()
        slots.under("*", "injury_id", "role")
        coming = next_stage(stage_now) or stage_now
        row = st.columns(3)
        with row[0]:
            stage = st.selectbox(
                "Stage",
                RTS_STAGES,
                index=RTS_STAGES.index(coming),
                format_func=words.RTS_STAGES.get,
                help="Rehabilitation: unavailable. Return to participation: modified training. Return to sport: "
                "full training and matches (sets the return date). Return to performance: ends the continuum.",
                key=f"{key}_stage",
            )
            slots.under("stage")
        with row[1]:
            day = st.date_input("From", value=today, max_value=today, format="YYYY-MM-DD", key=f"{key}_date")
            slots.under("date")
        with row[2]:
            expected_next = st.date_input(
                "Next stage expected",
                value=None,
                min_value=day,
                format="YYYY-MM-DD",
                help="When you expect the next stage: the coach's availability forecast shows it.",
                key=f"{key}_expected",
            )
            slots.under("expected_next_date")
        checklist = health_problems.criteria(engine(), stage)
        met: list[str] = []
        if checklist.empty:
            st.caption("This stage has no checklist. Add items on the *Checklists* tab.")
        else:
            st.markdown("**Criteria met**")
            for item in checklist.itertuples(index=False):
                if st.checkbox(item.text, key=f"{key}_{stage}_criterion_{item.criterion_id}"):
                    met.append(item.text)
        slots.under("criteria_met")
        restrictions = st.text_area(
            "Restrictions, in plain words for the coach",
            placeholder="e.g. No sprinting or contact drills; maximum 45 minutes.",
            max_chars=health_problems.TEXT_MAX_LENGTH,
            height=70,
            key=f"{key}_restrictions",
        )
        slots.under("restrictions")
        agreed = st.radio(
            "Athlete agreed",
            ("yes", "no", "not_asked"),
            index=2,
            format_func={"yes": "Yes", "no": "No", "not_asked": words.NOT_ASKED}.get,
            horizontal=True,
            key=f"{key}_agreed",
        )
        slots.under("athlete_agreed")
        rationale = st.text_area(
            "Rationale (clinical; never shown to coaches or the athlete)",
            max_chars=health_problems.TEXT_MAX_LENGTH,
            height=70,
            key=f"{key}_rationale",
        )
        slots.under("rationale")
        if st.button("Record decision", type="primary", icon=":material/directions_run:", key=f"record_{key}"):
            try:
                with pending.saving(who.user_id, form, f"{key}_"):
                    health_problems.record_stage(
                        engine(),
                        who,
                        int(chosen),
                        day,
                        stage,
                        criteria_met=met,
                        restrictions=restrictions,
                        athlete_agreed={"yes": True, "no": False}.get(agreed),
                        rationale=rationale,
                        expected_next_date=expected_next,
                    )
            except ValidationError as refusal:
                show_refusal(slots, refusal)
            else:
                loaders.clear()
                row = health_problem_register(reader, athlete_id, today).set_index("injury_id").loc[chosen]
                said = f"{words.RTS_STAGES[stage]} from {words.short_day(day, today)}: {row['label']}."
                if stage == RTS_STAGES[-1]:
                    said += " The return-to-sport continuum is complete."
                elif RTS_STAGES.index(stage) >= RTS_STAGES.index(RTS_FULL_PARTICIPATION):
                    said += f" Returned to full participation on {words.short_day(row['return_date'], today)}."
                # A fresh form for the next decision (its stage the one after this), the message above it.
                for entered in [k for k in st.session_state if str(k).startswith(f"{key}_")]:
                    del st.session_state[entered]
                st.session_state[STAGE_SAVED] = said
                st.rerun()

# --------------------------------------------------------------------------- edit a problem
with edit_tab:
    if register.empty:
        st.info(f"No health problem recorded for {name} yet — open one on the first tab.")
    else:
        labels = dict(zip(register["injury_id"].astype(int), register["label"], strict=True))
        chosen = st.selectbox(
            "Health problem to edit", list(labels), format_func=lambda i: labels[i], key=f"edit_pick_{athlete_id}"
        )
        # The form edits what it was first shown with, read together with its version (never from a cache):
        # the save names that version, so a change someone else made since is refused, not overwritten.
        stored = read_for_edit(engine(), "injuries", int(chosen), scope)
        state_key = f"edit_{chosen}_state"
        state = st.session_state.get(state_key)
        fresh = None if stored is None else {f: stored[f] for f in FIELDS}
        if fresh is not None and (
            state is None or (not state["conflict"] and f"edit_{chosen}_{state['gen']}_notes" not in st.session_state)
        ):  # first shown (or shown again after the form was left): from the record as stored now
            gen = 0 if state is None else state["gen"] + 1
            state = {"gen": gen, "version": stored["version"], "base": fresh, "shown": fresh, "conflict": None}
            st.session_state[state_key] = state
        if stored is None or state is None:
            st.info("This health problem is no longer recorded. Reload the page.")
        else:
            form_key = f"edit_{chosen}_{state['gen']}"
            staged = bool((history["injury_id"] == chosen).any())
            pending.restore(
                who.user_id,
                f"edit_injury_{chosen}",
                "your changes to this health problem",
                rekey=lambda key: re.sub(rf"^edit_{chosen}_\d+_", f"{form_key}_", key),
            )
            slots = forms.ErrorSlots()
            slots.under("*", "athlete_id", "id")
            values = problem_inputs(slots, form_key, state["shown"], derived_return=staged)
            earlier = register[
                (register["injury_id"] != chosen)
                & (register["onset_date"] <= register.loc[register["injury_id"] == chosen, "onset_date"].iloc[0])
            ]
            index_options: list[object] = ["rule", "none", *earlier["injury_id"].astype(int).tolist()]
            index_words = {"rule": "Decided by the recurrence rule", "none": "None: a new problem"} | dict(
                zip(earlier["injury_id"].astype(int), earlier["label"], strict=True)
            )
            current_index = (
                ("none" if stored.get("index_problem_id") is None else int(stored["index_problem_id"]))
                if register.loc[register["injury_id"] == chosen, "index_by_clinician"].iloc[0]
                else "rule"
            )
            index_choice = st.selectbox(
                "Earlier problem it follows",
                index_options,
                index=index_options.index(current_index) if current_index in index_options else 0,
                format_func=index_words.get,
                help="Your own choice of the earlier problem this one is subsequent to (IOC 2020), which the rate "
                "analyses use instead of the automatic rule. Audited.",
                key=f"{form_key}_index",
            )
            slots.under("index_problem_id")
            submitted = st.button("Save changes", type="primary", icon=":material/save:", key=f"save_{form_key}")
            if state["conflict"]:  # the save of the previous run was refused: say why, under the form
                st.error(state["conflict"], icon=":material/sync_problem:")
                state["conflict"] = None
            if submitted:
                fields = [f for f in FIELDS if not (staged and f == "return_date")]
                changes = {f: values[f] for f in fields if values[f] != state["base"][f]}
                index_changed = index_choice != current_index
                if not changes and not index_changed:
                    st.info("Nothing changed.")
                else:
                    try:
                        osiics_checked(values)
                        version = state["version"]
                        with pending.saving(who.user_id, f"edit_injury_{chosen}", f"{form_key}_"):
                            if changes:
                                version = update_record(
                                    engine(),
                                    "injuries",
                                    int(chosen),
                                    changes,
                                    actor_id=who.user_id,
                                    allowed_athlete_ids=scope,
                                    read_version=version,
                                )
                            if index_changed:
                                version = health_problems.set_index_problem(
                                    engine(),
                                    who,
                                    int(chosen),
                                    None if index_choice in ("rule", "none") else int(index_choice),
                                    by_clinician=index_choice != "rule",
                                    read_version=version,
                                )
                    except EditConflict as conflict:
                        # Their change is shown; what was typed is kept on top of it in a fresh form.
                        loaders.clear()
                        now = read_for_edit(engine(), "injuries", int(chosen), scope)
                        if now is not None:
                            base = {f: now[f] for f in FIELDS}
                            st.session_state[state_key] = {
                                "gen": state["gen"] + 1,
                                "version": now["version"],
                                "base": base,
                                "shown": {**base, **changes},
                                "conflict": str(conflict),
                            }
                            st.rerun()
                        st.error(str(conflict), icon=":material/sync_problem:")
                    except ValidationError as refusal:
                        show_refusal(slots, refusal)
                    else:
                        state["version"] = version
                        state["base"] = {**state["base"], **changes}
                        loaders.clear()
                        register, history = read_register()
                        row = register.loc[register["injury_id"] == chosen].iloc[0]
                        said = [forms.field_name(f).lower() for f in changes]
                        said += ["the earlier problem it follows"] if index_changed else []
                        st.success(f"Changed {', '.join(said)}: {row['label']}.", icon=":material/check_circle:")
                        if index_changed:
                            st.info(subsequent_sentence(register, int(chosen), today), icon=":material/history:")

            st.markdown("**Further diagnoses**")
            further = health_problems.secondary_diagnoses(engine(), who, [int(chosen)])
            for item in further.itertuples(index=False):
                cells = st.columns([5, 1])
                code = f" ({literal(item.osiics_code)})" if isinstance(item.osiics_code, str) else ""
                cells[0].markdown(f"- {literal(item.diagnosis)}{code}")
                if cells[1].button("Remove", key=f"remove_diagnosis_{item.diagnosis_id}", icon=":material/delete:"):
                    health_problems.remove_secondary_diagnosis(engine(), who, int(item.diagnosis_id))
                    st.rerun()
            if further.empty:
                st.caption("None. The diagnosis above is the primary one.")
            further_slots = forms.ErrorSlots()
            with st.form(f"add_diagnosis_{chosen}", clear_on_submit=True):
                cells = st.columns([3, 1])
                with cells[0]:
                    further_text = st.text_input("Further diagnosis", max_chars=health_problems.DIAGNOSIS_MAX_LENGTH)
                    further_slots.under("diagnosis", "*")
                with cells[1]:
                    further_code = st.text_input("OSIICS code", max_chars=health_problems.OSIICS_MAX_LENGTH)
                    further_slots.under("osiics_code")
                added = st.form_submit_button("Add diagnosis", icon=":material/add:")
            if added:
                try:
                    health_problems.add_secondary_diagnosis(engine(), who, int(chosen), further_text, further_code)
                except ValidationError as refusal:
                    show_refusal(further_slots, refusal)
                else:
                    st.rerun()

# --------------------------------------------------------------------------- the club's checklists
with checklist_tab:
    st.caption(
        "What each stage asks of the athlete, as your club decides it. A decision records the items met as they "
        "read that day, so rewording or removing an item leaves past decisions as they were."
    )
    edited = st.selectbox("Stage", RTS_STAGES[1:], format_func=words.RTS_STAGES.get, key="checklist_stage")
    items = health_problems.criteria(engine(), edited)
    for item in items.itertuples(index=False):
        cells = st.columns([6, 1, 1], vertical_alignment="bottom")
        wording = cells[0].text_input(
            f"Item {item.position}", value=item.text, max_chars=200, key=f"criterion_{item.criterion_id}"
        )
        if cells[1].button("Save", key=f"reword_{item.criterion_id}", icon=":material/save:") and wording != item.text:
            try:
                health_problems.reword_criterion(engine(), who, int(item.criterion_id), wording)
            except ValidationError as refusal:
                st.error(forms.describe(refusal), icon=":material/error:")
            else:
                st.rerun()
        if cells[2].button("Remove", key=f"deactivate_{item.criterion_id}", icon=":material/delete:"):
            health_problems.deactivate_criterion(engine(), who, int(item.criterion_id))
            st.session_state.pop(f"criterion_{item.criterion_id}", None)
            st.rerun()
    with st.form(f"add_criterion_{edited}", clear_on_submit=True):
        new_item = st.text_input("New item", max_chars=200, placeholder="e.g. Hop test at least 90 % of the other side")
        add = st.form_submit_button("Add to the checklist", icon=":material/add:")
    if add:
        try:
            health_problems.add_criterion(engine(), who, edited, new_item)
        except ValidationError as refusal:
            st.error(forms.describe(refusal), icon=":material/error:")
        else:
            st.rerun()

# --------------------------------------------------------------------------- the register
with register_area:
    st.subheader(f"{name}'s health problems")
    if register.empty:
        st.info(f"No health problem recorded for {name} — open one below when there is one.")
    else:
        st.dataframe(
            register,
            hide_index=True,
            width="stretch",
            placeholder="–",
            row_height=row_height(register, REGISTER_WIDTHS),
            column_order=[
                "status",
                "kind_label",
                "onset_date",
                "site",
                "classification",
                "diagnosis",
                "stage_label",
                "return_date",
                "days_out",
                "category_label",
                "time_loss",
                "osiics_code",
                "onset_mode_label",
                "activity_label",
                "notes",
            ],
            column_config={
                "status": st.column_config.TextColumn("Status", width=REGISTER_WIDTHS["status"]),
                "kind_label": st.column_config.TextColumn("Problem", width=REGISTER_WIDTHS["kind_label"]),
                "onset_date": st.column_config.DateColumn("Onset", format="D MMM YYYY", width=90),
                "site": st.column_config.TextColumn(
                    "Where", width=REGISTER_WIDTHS["site"], help="Region and side, or organ system"
                ),
                "classification": st.column_config.TextColumn(
                    "Tissue · pathology",
                    width=REGISTER_WIDTHS["classification"],
                    help="IOC 2020 categories: tissue and pathology of an injury, organ system and cause of an illness",
                ),
                "diagnosis": st.column_config.TextColumn("Diagnosis", width=REGISTER_WIDTHS["diagnosis"]),
                "stage_label": st.column_config.TextColumn("Stage", width=REGISTER_WIDTHS["stage_label"]),
                "return_date": st.column_config.DateColumn("Returned", format="D MMM YYYY", width=85),
                "days_out": st.column_config.NumberColumn(
                    "Days out", help="Days lost (IOC 2020): the days between onset and return", width=65
                ),
                "category_label": st.column_config.TextColumn("Subsequent", width=REGISTER_WIDTHS["category_label"]),
                "time_loss": st.column_config.CheckboxColumn("Time-loss", width=75),
                "osiics_code": st.column_config.TextColumn("OSIICS", width=REGISTER_WIDTHS["osiics_code"]),
                "onset_mode_label": st.column_config.TextColumn(
                    "Onset mode", width=REGISTER_WIDTHS["onset_mode_label"]
                ),
                "activity_label": st.column_config.TextColumn("Activity", width=REGISTER_WIDTHS["activity_label"]),
                "notes": st.column_config.TextColumn("Notes", width=REGISTER_WIDTHS["notes"]),
            },
        )
        st.caption(
            f"{RECURRENCE_RULE} A clinician's own choice of the earlier problem (edit a problem) overrides the rule. "
            "Days out = days lost (IOC 2020): the days between onset and return to full participation, neither "
            "counted, for time-loss problems (to today while open; 0 without time loss). The return date follows "
            "from the return-to-sport stages."
        )

abbreviations("IOC", "OSIICS", "OSTRC")
