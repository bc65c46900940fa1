"""Log a session (therapist): one treatment, and optionally the ROM measured before and after it.

The session and its ROM are saved by `data.record_writes.save_session_with_rom` in one transaction, so a
refused ROM value leaves no session behind. Below the form: the athlete's last sessions.
"""

from __future__ import annotations

import streamlit as st

from analytics.vocabulary import BODY_REGIONS, LIMB_SIDES, ROM_MEASURES, SIDES, TECHNIQUES
from data.errors import ValidationError
from data.record_writes import EditConflict, save_session_with_rom
from ui import forms, loaders, pending
from ui.filters import record_target
from ui.glossary import abbreviations
from ui.grid import row_height
from ui.session import engine, page_viewer
from ui.text import literal
from views import words

#: The ROM inputs' names, for the refusals shown under them.
ROM_INPUTS = {
    "rom_measure": "Measure",
    "rom_side": "ROM side",
    "rom_pre": "ROM before the session",
    "rom_post": "ROM after the session",
}

#: Session state: natural key of a session -> the version of it this form last saved or was shown.
SEEN_SESSIONS = "log_session_versions"
#: Session state: what the last save did, shown by the run after it (the save clears the form and reruns).
SAVED_KEY = "log_session_saved"
#: The inputs a successful save clears (the date stays: the next session is often the same day).
CLEARED = (
    "technique",
    "minutes",
    "region",
    "side",
    "injury_id",
    "pain_before",
    "pain_after",
    "discomfort",
    "notes",
    "measure",
    "rom_side",
    "pre",
    "post",
)


def cleared_keys(athlete_id: int) -> set[str]:
    """The widget keys of the inputs a save clears, for one athlete's form."""
    return {f"session_form_{name}_{athlete_id}" for name in CLEARED}


who = page_viewer(__file__)

st.title("Log a session")
st.caption(
    "One treatment: technique, region, minutes, pain before and after (NPRS 0–10, 0 = no pain, 10 = worst "
    "imaginable) and the discomfort during it; optionally the range of motion measured just before and after."
)
target = record_target(who.user_id, who.role, "Sessions")
athlete_id, today, scope = target.athlete_id, target.today, target.scope
register = loaders.injury_register(who.user_id, athlete_id, today)
injury_labels = dict(zip(register["injury_id"].astype(int), register["label"], strict=True))

pending.restore(who.user_id, f"log_session_{athlete_id}", "this session")
slots = forms.ErrorSlots()
with st.form(f"log_session_{athlete_id}"):
    slots.under("*", "athlete_id", "therapist_id")
    first = st.columns(3)
    with first[0]:
        day = st.date_input(
            "Date", value=today, max_value=today, format="YYYY-MM-DD", key=f"session_form_day_{athlete_id}"
        )
        slots.under("date")
    with first[1]:
        technique = st.selectbox(
            "Technique",
            TECHNIQUES,
            index=None,
            format_func=words.TECHNIQUES.get,
            placeholder="Choose",
            key=f"session_form_technique_{athlete_id}",
        )
        slots.under("technique")
    with first[2]:
        minutes = st.number_input(
            "Minutes", min_value=1, max_value=600, value=30, step=5, key=f"session_form_minutes_{athlete_id}"
        )
        slots.under("minutes")
    second = st.columns(3)
    with second[0]:
        region = st.selectbox(
            "Body region",
            BODY_REGIONS,
            index=None,
            format_func=words.BODY_REGIONS.get,
            placeholder="Choose",
            key=f"session_form_region_{athlete_id}",
        )
        slots.under("body_region")
    with second[1]:
        side = st.selectbox(
            "Side",
            SIDES,
            index=None,
            format_func=words.SIDES.get,
            placeholder="Choose",
            key=f"session_form_side_{athlete_id}",
        )
        slots.under("side")
    with second[2]:
        injury_id = st.selectbox(
            "Injury treated (optional)",
            list(injury_labels),
            index=None,
            format_func=lambda i: injury_labels[i],
            placeholder="Not linked to an injury" if injury_labels else "No injury recorded",
            help="The athlete's injuries, open ones first. Record a new one on *Injuries*.",
            key=f"session_form_injury_id_{athlete_id}",
        )
        slots.under("injury_id")
    third = st.columns(3)
    with third[0]:
        pain_before = st.number_input(
            "Pain before (NPRS 0–10)",
            min_value=0,
            max_value=10,
            value=None,
            step=1,
            placeholder="0–10",
            key=f"session_form_pain_before_{athlete_id}",
        )
        slots.under("pain_before")
    with third[1]:
        pain_after = st.number_input(
            "Pain after (NPRS 0–10)",
            min_value=0,
            max_value=10,
            value=None,
            step=1,
            placeholder="0–10",
            key=f"session_form_pain_after_{athlete_id}",
        )
        slots.under("pain_after")
    with third[2]:
        discomfort = st.number_input(
            "Discomfort during (0–10)",
            min_value=0,
            max_value=10,
            value=None,
            step=1,
            placeholder="0–10",
            help="How uncomfortable the treatment itself was, 0 = none, 10 = unbearable.",
            key=f"session_form_discomfort_{athlete_id}",
        )
        slots.under("discomfort")
    notes = st.text_area(
        "Notes (clinical; never shown to coaches)", max_chars=4000, height=90, key=f"session_form_notes_{athlete_id}"
    )
    slots.under("notes")

    st.markdown("**Range of motion around the session** (optional)")
    st.caption(
        "One measure and side, measured just before and just after the treatment. Saved as pre-session and "
        "post-session measurements linked to this session; a value after needs a value before."
    )
    rom_columns = st.columns([2.4, 1, 1.4, 1.4])
    with rom_columns[0]:
        measure = st.selectbox(
            "Measure (unit)",
            ROM_MEASURES,
            index=None,
            format_func=lambda m: words.measure_option(*m[:3]),
            placeholder="No ROM measured",
            key=f"session_form_measure_{athlete_id}",
        )
        slots.under("rom_measure")
    with rom_columns[1]:
        rom_side = st.selectbox(
            "ROM side",
            LIMB_SIDES,
            index=None,
            format_func=words.SIDES.get,
            placeholder="Choose",
            key=f"session_form_rom_side_{athlete_id}",
        )
        slots.under("rom_side")
    with rom_columns[2]:
        pre = st.number_input(
            "Before the session",
            value=None,
            min_value=-40.0,
            max_value=200.0,
            step=1.0,
            format="%.1f",
            placeholder="° or cm",
            help="In the measure's unit: degrees, or cm for the knee-to-wall lunge.",
            key=f"session_form_pre_{athlete_id}",
        )
        slots.under("rom_pre")
    with rom_columns[3]:
        post = st.number_input(
            "After the session",
            value=None,
            min_value=-40.0,
            max_value=200.0,
            step=1.0,
            format="%.1f",
            placeholder="° or cm",
            help="In the measure's unit: degrees, or cm for the knee-to-wall lunge.",
            key=f"session_form_post_{athlete_id}",
        )
        slots.under("rom_post")
    submitted = st.form_submit_button("Save session", type="primary", icon=":material/save:")

saved = st.session_state.pop(SAVED_KEY, None)  # the save of the run before, which cleared the form
saved_id: int | None = saved["session_id"] if saved and saved["athlete_id"] == athlete_id else None
if saved_id is not None:
    if saved["changed"]:
        st.success(saved["message"], icon=":material/check_circle:")
    else:
        st.info(saved["message"], icon=":material/info:")
if submitted:
    session = {
        "athlete_id": athlete_id,
        "date": day,
        "technique": technique,
        "body_region": region,
        "side": side,
        "minutes": minutes,
        "pain_before": pain_before,
        "pain_after": pain_after,
        "discomfort": discomfort,
        "injury_id": injury_id,
        "notes": notes.strip() or None,
    }
    rom_rows: list[dict[str, object]] = []
    contexts: list[str] = []
    joint, movement, unit, method = measure if measure is not None else (None, None, None, None)
    for context, value in (("pre_session", pre), ("post_session", post)):
        if value is not None:
            rom_rows.append(
                {
                    "joint": joint,
                    "movement": movement,
                    "side": rom_side,
                    "value": value,
                    "unit": unit,
                    "method": method,
                    "context": context,
                }
            )
            contexts.append(context)
    if measure is not None and rom_side is not None and not rom_rows:
        st.warning("A measure was chosen but no value entered: the session is saved without ROM.")

    def slot_of(error: ValidationError) -> str:
        """Which input a refusal belongs under (ROM rows are told apart by their context)."""
        if not error.field.startswith("rom."):
            return error.field
        field = error.field.removeprefix("rom.")
        if field in ("joint", "movement", "unit", "method"):
            return "rom_measure"
        if field == "side":
            return "rom_side"
        row = (error.row or 1) - 1
        return "rom_pre" if row < len(contexts) and contexts[row] == "pre_session" else "rom_post"

    # The version of a stored session with this athlete, day, technique, region and side this form knows
    # (it saved it, or was refused over it and now lists it below); 0 = none: saving is then refused when
    # someone else has saved that session since, instead of silently replacing their notes.
    seen: dict[tuple[object, ...], int] = st.session_state.setdefault(SEEN_SESSIONS, {})
    natural_key = (athlete_id, day, technique, region, side)
    try:
        with pending.saving(who.user_id, f"log_session_{athlete_id}", "session_form_", f"_{athlete_id}"):
            result = save_session_with_rom(
                engine(),
                session,
                rom_rows,
                actor_id=who.user_id,
                allowed_athlete_ids=scope,
                read_version=seen.get(natural_key, 0),
            )
    except EditConflict as conflict:
        if conflict.current_version is not None:
            seen[natural_key] = conflict.current_version
        loaders.clear()
        st.error(str(conflict), icon=":material/sync_problem:")
    except ValidationError as refusal:
        messages = forms.field_errors(forms.refusals(refusal), key=slot_of, first_only=True, labels=ROM_INPUTS)
        slots.refuse(messages, forms.refused(len(messages)))
    else:
        if result.version is not None:
            seen[natural_key] = result.version
        loaders.clear()
        rom_part = ""
        if measure is not None and result.rom_ids:
            ends = " → ".join(words.amount(v, unit) for v in (pre, post) if v is not None)
            rom_part = f", {words.measure_words(joint, movement)} ({rom_side}) {ends}"
        pain_part = (
            f", pain {'–' if pain_before is None else pain_before} → {'–' if pain_after is None else pain_after}"
        )
        what = (
            f"{words.word(words.TECHNIQUES, technique)} to the {words.where_words(region, side)} of "
            f"{literal(target.name)} on {words.short_day(day, today)}{pain_part}{rom_part}"
        )
        st.session_state[SAVED_KEY] = {
            "athlete_id": athlete_id,
            "session_id": result.session_id,
            "changed": result.changed,
            "message": f"Saved: {what}." if result.changed else f"No change: {what} was already saved as it is.",
        }
        for key in [k for k in st.session_state if str(k) in cleared_keys(athlete_id)]:
            del st.session_state[key]  # a clear form for the next session; the date stays
        st.rerun()

log = loaders.session_log(who.user_id, athlete_id, today, limit=10_000)
# Widths that fit the main column at 1400 px, the text wrapping within rows as tall as the longest cell needs
# (`ui.grid.row_height`): nothing cut.
WIDTHS: dict[str, int] = {"technique": 140, "region": 90, "pain": 50, "rom": 125, "notes": 175, "injury": 120}
column_config = {
    "date": st.column_config.DateColumn("Date", format="D MMM YYYY", width=90),
    "technique": st.column_config.TextColumn("Technique", width=WIDTHS["technique"]),
    "region": st.column_config.TextColumn("Region", width=WIDTHS["region"]),
    "pain": st.column_config.TextColumn(
        "Pain", help="NPRS 0–10 before → after the session; – = not recorded", width=WIDTHS["pain"]
    ),
    "rom": st.column_config.TextColumn("ROM before → after", help="L = left, R = right", width=WIDTHS["rom"]),
    "notes": st.column_config.TextColumn("Notes", width=WIDTHS["notes"]),
    "injury": st.column_config.TextColumn("Injury treated", width=WIDTHS["injury"]),
    "discomfort": st.column_config.NumberColumn("Discomfort", help="During the treatment, 0–10", width=80),
    "minutes": st.column_config.NumberColumn("Minutes", width=55),
}
shown = list(column_config)
recent = log.head(10)
if saved_id is not None and saved_id not in recent["session_id"].tolist():
    st.caption("The saved session (older than the last 10 below):")
    st.dataframe(
        log.loc[log["session_id"] == saved_id],
        hide_index=True,
        width="stretch",
        row_height=row_height(log.loc[log["session_id"] == saved_id], WIDTHS),
        placeholder="–",
        column_order=shown,
        column_config=column_config,
    )

st.subheader(f"{literal(target.name)}'s last sessions")
if log.empty:
    st.info(f"No sessions logged for {literal(target.name)} yet — log the first one above.")
else:
    st.dataframe(
        recent,
        hide_index=True,
        width="stretch",
        height="content",
        row_height=row_height(recent, WIDTHS),
        placeholder="–",
        column_order=shown,
        column_config=column_config,
    )
    st.caption(f"The 10 most recent of {len(log)} sessions, newest first. Pain is the athlete's NPRS (0–10).")

abbreviations("NPRS", "ROM")
