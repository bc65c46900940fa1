"""Injuries (therapist): an athlete's injury register, open a new injury, set return to full
participation, edit an injury. Every write goes through `data.record_writes` and is validated there
(e.g. a return before the onset is refused beside the return date, and nothing changes).
"""

from __future__ import annotations

import re
from typing import Any

import streamlit as st

from analytics.vocabulary import BODY_REGIONS, INJURY_TYPES, MECHANISMS, SIDES
from data.errors import ValidationError
from data.record_writes import EditConflict, read_for_edit, save_records, update_record
from ui import forms, loaders, pending
from ui.filters import record_target
from ui.session import engine, page_viewer
from ui.text import literal
from views import words
from views.injuries import RECURRENCE_RULE, recurrence_sentence

FIELDS = ("onset_date", "body_region", "side", "injury_type", "mechanism", "time_loss", "return_date", "notes")

who = page_viewer(__file__)

st.title("Injuries")
st.caption(
    "Each athlete's injuries with their recurrence category and days out. Open a new injury, set the return to "
    "full participation, or correct an injury's details."
)
target = record_target(who.user_id, who.role, "Injuries")
athlete_id, today, scope = target.athlete_id, target.today, target.scope
name = literal(target.name)  # the athlete's name, for Markdown

register_area = st.container()  # drawn last, so it shows what the forms below just saved


def show_refusal(slots: forms.ErrorSlots, refusal: ValidationError) -> None:
    """Each refused value under its field, and a line saying nothing was saved."""
    messages = forms.field_errors(forms.refusals(refusal), first_only=True)
    slots.refuse(messages, forms.refused(len(messages)))


def injury_inputs(slots: forms.ErrorSlots, key: str, current: dict[str, Any] | None = None) -> dict[str, Any]:
    """The injury's fields as inputs (prefilled from `current`), each with its error slot under it."""
    current = current or {}

    def pick(options: tuple[str, ...], field: str) -> int | None:
        value = current.get(field)
        return options.index(value) if value in options else None

    row = st.columns(4)
    with row[0]:
        onset = st.date_input(
            "Onset date",
            value=current.get("onset_date", today),
            max_value=today,
            format="YYYY-MM-DD",
            key=f"{key}_onset",
        )
        slots.under("onset_date")
    with row[1]:
        region = st.selectbox(
            "Body region",
            BODY_REGIONS,
            index=pick(BODY_REGIONS, "body_region"),
            format_func=words.BODY_REGIONS.get,
            placeholder="Choose",
            key=f"{key}_region",
        )
        slots.under("body_region")
    with row[2]:
        side = st.selectbox(
            "Side",
            SIDES,
            index=pick(SIDES, "side"),
            format_func=words.SIDES.get,
            placeholder="Choose",
            key=f"{key}_side",
        )
        slots.under("side")
    with row[3]:
        injury_type = st.selectbox(
            "Injury type",
            INJURY_TYPES,
            index=pick(INJURY_TYPES, "injury_type"),
            format_func=words.INJURY_TYPES.get,
            placeholder="Choose",
            key=f"{key}_type",
        )
        slots.under("injury_type")
    row = st.columns(4)
    with row[0]:
        mechanism = st.selectbox(
            "Mechanism",
            MECHANISMS,
            index=pick(MECHANISMS, "mechanism"),
            format_func=words.MECHANISMS.get,
            placeholder="Not known",
            help="Acute: one identifiable event. Gradual: built up over time (overuse).",
            key=f"{key}_mechanism",
        )
        slots.under("mechanism")
    with row[1]:
        returned = st.date_input(
            "Return to full participation",
            value=current.get("return_date"),
            max_value=today,
            format="YYYY-MM-DD",
            help="Leave empty while the athlete is not back to full training and match play.",
            key=f"{key}_return",
        )
        slots.under("return_date")
    with row[2]:
        st.write("")
        time_loss = st.checkbox(
            "Time-loss injury",
            value=bool(current.get("time_loss", False)),
            help="The athlete missed at least one training session or match (Fuller et al. 2006).",
            key=f"{key}_time_loss",
        )
        slots.under("time_loss")
    notes = st.text_area(
        "Notes (clinical; never shown to coaches)",
        value=current.get("notes") or "",
        max_chars=4000,
        height=80,
        key=f"{key}_notes",
    )
    slots.under("notes")
    return {
        "onset_date": onset,
        "body_region": region,
        "side": side,
        "injury_type": injury_type,
        "mechanism": mechanism,
        "time_loss": time_loss,
        "return_date": returned,
        "notes": notes.strip() or None,
    }


register = loaders.injury_register(who.user_id, athlete_id, today)
new_tab, return_tab, edit_tab = st.tabs(["Open a new injury", "Set return to participation", "Edit an injury"])

with new_tab:
    pending.restore(who.user_id, f"new_injury_{athlete_id}", "this new injury")
    slots = forms.ErrorSlots()
    with st.form(f"new_injury_{athlete_id}"):
        slots.under("*", "athlete_id")
        values = injury_inputs(slots, f"new_{athlete_id}")
        submitted = st.form_submit_button("Open injury", type="primary", icon=":material/add:")
    if submitted:
        try:
            with pending.saving(who.user_id, f"new_injury_{athlete_id}", f"new_{athlete_id}_"):
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
            loaders.clear()
            register = loaders.injury_register(who.user_id, athlete_id, today)
            new_id = result.ids[0]
            row = register.loc[register["injury_id"] == new_id].iloc[0]
            verb = "Saved" if result.inserted else ("Updated" if result.updated else "Already recorded, unchanged")
            st.success(f"{verb} for {name}: {row['label']}.", icon=":material/check_circle:")
            st.info(recurrence_sentence(register, new_id, today), icon=":material/history:")

with return_tab:
    open_injuries = register.loc[register["open"]]
    if open_injuries.empty:
        st.info(f"{name} has no open injury. Open one on the first tab when there is one.")
    else:
        labels = dict(zip(open_injuries["injury_id"].astype(int), open_injuries["label"], strict=True))
        pending.restore(who.user_id, f"return_{athlete_id}", "this return to participation")
        picked = f"return_form_injury_{athlete_id}"
        if picked in st.session_state and st.session_state[picked] not in labels:  # returned since: not offered
            del st.session_state[picked]
        slots = forms.ErrorSlots()
        with st.form(f"return_{athlete_id}"):
            slots.under("*", "athlete_id", "id")
            cols = st.columns(2)
            with cols[0]:
                chosen = st.selectbox("Open injury", list(labels), format_func=lambda i: labels[i], key=picked)
            with cols[1]:
                returned = st.date_input(
                    "Return to full participation",
                    value=today,
                    max_value=today,
                    format="YYYY-MM-DD",
                    key=f"return_form_date_{athlete_id}",
                )
                slots.under("return_date")
            submitted = st.form_submit_button("Set return", type="primary", icon=":material/directions_run:")
        if submitted:
            stored = read_for_edit(engine(), "injuries", int(chosen), scope)
            try:
                if stored is not None and stored["return_date"] is not None:  # set by someone since the list was read
                    raise EditConflict("injury", int(chosen), 0, stored["version"])
                with pending.saving(who.user_id, f"return_{athlete_id}", "return_form_", f"_{athlete_id}"):
                    update_record(
                        engine(),
                        "injuries",
                        int(chosen),
                        {"return_date": returned},
                        actor_id=who.user_id,
                        allowed_athlete_ids=scope,
                        read_version=None if stored is None else stored["version"],
                    )
            except EditConflict as conflict:
                loaders.clear()
                register = loaders.injury_register(who.user_id, athlete_id, today)
                st.error(str(conflict), icon=":material/sync_problem:")
            except ValidationError as refusal:
                show_refusal(slots, refusal)
            else:
                loaders.clear()
                register = loaders.injury_register(who.user_id, athlete_id, today)
                row = register.loc[register["injury_id"] == chosen].iloc[0]
                out = f", {row['days_out']} days out" if row["time_loss"] else ""
                st.success(
                    f"Returned to full participation on {words.short_day(returned, today)}: {row['label']}{out}.",
                    icon=":material/check_circle:",
                )

with edit_tab:
    if register.empty:
        st.info(f"No injury recorded for {name} yet — open one on the first tab.")
    else:
        labels = dict(zip(register["injury_id"].astype(int), register["label"], strict=True))
        chosen = st.selectbox(
            "Injury to edit", list(labels), format_func=lambda i: labels[i], key=f"edit_pick_{athlete_id}"
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
            st.info("This injury is no longer recorded. Reload the page.")
        else:
            form_key = f"edit_{chosen}_{state['gen']}"
            pending.restore(
                who.user_id,
                f"edit_injury_{chosen}",
                "your changes to this injury",
                rekey=lambda key: re.sub(rf"^edit_{chosen}_\d+_", f"{form_key}_", key),
            )
            slots = forms.ErrorSlots()
            with st.form(form_key):
                slots.under("*", "athlete_id", "id")
                values = injury_inputs(slots, form_key, state["shown"])
                submitted = st.form_submit_button("Save changes", type="primary", icon=":material/save:")
            if state["conflict"]:  # the save of the previous run was refused: say why, under the form
                st.error(state["conflict"], icon=":material/sync_problem:")
                state["conflict"] = None
            if submitted:
                changes = {f: values[f] for f in FIELDS if values[f] != state["base"][f]}
                if not changes:
                    st.info("Nothing changed.")
                else:
                    try:
                        with pending.saving(who.user_id, f"edit_injury_{chosen}", f"{form_key}_"):
                            version = update_record(
                                engine(),
                                "injuries",
                                int(chosen),
                                changes,
                                actor_id=who.user_id,
                                allowed_athlete_ids=scope,
                                read_version=state["version"],
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
                        register = loaders.injury_register(who.user_id, athlete_id, today)
                        row = register.loc[register["injury_id"] == chosen].iloc[0]
                        fields = ", ".join(forms.field_name(f).lower() for f in changes)
                        st.success(f"Changed {fields}: {row['label']}.", icon=":material/check_circle:")

with register_area:
    st.subheader(f"{name}'s injuries")
    if register.empty:
        st.info(f"No injury recorded for {name} — open one below when there is one.")
    else:
        st.dataframe(
            register,
            hide_index=True,
            width="stretch",
            placeholder="–",
            column_order=[
                "status",
                "onset_date",
                "region",
                "type_label",
                "mechanism_label",
                "time_loss",
                "return_date",
                "days_out",
                "category_label",
                "notes",
            ],
            column_config={
                "status": st.column_config.TextColumn("Status", width=80),
                "onset_date": st.column_config.DateColumn("Onset", format="D MMM YYYY", width=100),
                "region": st.column_config.TextColumn("Region and side", width=130),
                "type_label": st.column_config.TextColumn("Type", width=120),
                "mechanism_label": st.column_config.TextColumn("Mechanism", width=85),
                "time_loss": st.column_config.CheckboxColumn("Time-loss", width=75),
                "return_date": st.column_config.DateColumn("Returned", format="D MMM YYYY", width=100),
                "days_out": st.column_config.NumberColumn(
                    "Days out", help="Onset to return; to today while open", width=75
                ),
                "category_label": st.column_config.TextColumn("Recurrence", width=140),
                "notes": st.column_config.TextColumn("Notes", width=300),
            },
        )
        st.caption(
            f"{RECURRENCE_RULE} Days out = days from onset to return to full participation for time-loss "
            "injuries (to today while open; 0 without time loss)."
        )
