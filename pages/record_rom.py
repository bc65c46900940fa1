"""Record ROM (therapist): several range-of-motion measures, left and right, in one grid.

Every filled cell is one measurement; all of them are saved by one `data.record_writes.save_records` call
(one transaction: one refused value refuses the whole grid, naming its measure, side and field).
After saving: the athlete's latest values against the norm and the other side.
"""

from __future__ import annotations

import streamlit as st

from analytics.vocabulary import ROM_CONTEXTS
from data.errors import ValidationError
from data.record_writes import save_records
from ui import forms, loaders, pending
from ui.filters import record_target
from ui.session import engine, page_viewer
from ui.text import literal
from views import words
from views.record_rom import grid_records, rom_grid, saved_rom_text

#: Contexts recorded here; pre- and post-session values are recorded with the session (*Log a session*).
CONTEXTS = tuple(c for c in ROM_CONTEXTS if c not in ("pre_session", "post_session"))

#: Session state: what the last save did, shown by the run after it (the save clears the grid and reruns).
SAVED_KEY = "record_rom_saved"

who = page_viewer(__file__)

st.title("Record ROM")
st.caption(
    "Range of motion, several measures at once: fill the left and right values you measured and leave the rest "
    "blank. Degrees by goniometer or inclinometer; the knee-to-wall lunge in cm."
)
target = record_target(who.user_id, who.role, "ROM measurements")
athlete_id, today, scope = target.athlete_id, target.today, target.scope
name = literal(target.name)  # the athlete's name, for Markdown

grid_key = f"rom_grid_{athlete_id}"
kept = pending.restore(who.user_id, f"record_rom_{athlete_id}", "these measurements", keep=(grid_key,))
slots = forms.ErrorSlots()
with st.form(f"record_rom_{athlete_id}"):
    slots.under("*", "athlete_id")
    top = st.columns(2)
    with top[0]:
        day = st.date_input("Date", value=today, max_value=today, format="YYYY-MM-DD", key=f"rom_form_day_{athlete_id}")
        slots.under("date")
    with top[1]:
        context = st.selectbox(
            "Context",
            CONTEXTS,
            index=0,
            format_func=words.ROM_CONTEXTS.get,
            key=f"rom_form_context_{athlete_id}",
            help="Screening (e.g. pre-season), baseline (the reference later changes are measured from) or "
            "follow-up. Values before and after a treatment are recorded on *Log a session*.",
        )
        slots.under("context")
    grid = st.data_editor(
        forms.grid_with_edits(rom_grid(loaders.norms()), kept.get(grid_key)),
        key=grid_key,
        num_rows="fixed",
        hide_index=True,
        placeholder="",
        width="stretch",
        disabled=["measure", "unit", "normal"],
        column_config={
            "measure": st.column_config.TextColumn("Measure", width=280),
            "unit": st.column_config.TextColumn("Unit", width=60),
            "normal": st.column_config.NumberColumn(
                "Normal", help="The norm of the shipped table", format="%g", width=80
            ),
            "left": st.column_config.NumberColumn(
                "Left", min_value=-40.0, max_value=200.0, step=0.5, format="%g", width=110
            ),
            "right": st.column_config.NumberColumn(
                "Right", min_value=-40.0, max_value=200.0, step=0.5, format="%g", width=110
            ),
            "method": st.column_config.TextColumn(
                "Method", max_chars=32, help="Default from the norms table (goniometer, inclinometer, tape)"
            ),
        },
    )
    slots.under("grid")
    submitted = st.form_submit_button("Save measurements", type="primary", icon=":material/save:")

if saved := st.session_state.pop(SAVED_KEY, None):  # the save of the run before, which cleared the grid
    kind, message = saved
    (st.success if kind == "success" else st.info)(message, icon=":material/check_circle:")
if submitted:
    records, row_names = grid_records(grid)
    rows = [
        {**r, "athlete_id": athlete_id, "date": day, "context": context, "measured_by": who.user_id} for r in records
    ]

    def slot_of(error: ValidationError) -> str:
        """Row errors go under the grid; errors about the date or context under those inputs."""
        return error.field if error.field in ("date", "context", "athlete_id") else "grid"

    if not rows:
        slots.refuse(
            {"grid": "Left and right are empty: enter at least one value."},
            "Nothing was saved: the grid holds no value.",
        )
    else:
        try:
            with pending.saving(who.user_id, f"record_rom_{athlete_id}", "rom_", f"_{athlete_id}"):
                result = save_records(
                    engine(), "rom_measurements", rows, actor_id=who.user_id, allowed_athlete_ids=scope
                )
        except ValidationError as refusal:
            errors = forms.refusals(refusal)
            slots.refuse(forms.field_errors(errors, row_names=row_names, key=slot_of), forms.refused(len(errors)))
        else:
            loaders.clear()
            plural = "s" if len(records) != 1 else ""
            what = (
                f"{len(records)} {words.lower_first(words.ROM_CONTEXTS[context])} measurement{plural} for {name} "
                f"on {words.short_day(day, today)}"
            )
            if result.inserted or result.updated:
                replaced = f" ({result.updated} replaced an earlier value of the same day)" if result.updated else ""
                st.session_state[SAVED_KEY] = ("success", f"Saved {what}{replaced}: {saved_rom_text(records)}.")
            else:
                st.session_state[SAVED_KEY] = ("info", f"No change: {what} were already saved with these values.")
            st.session_state.pop(grid_key, None)  # an empty grid for the next measurements; date and context stay
            st.rerun()

st.subheader(f"{name}'s latest ROM")
overview = loaders.rom_overview(who.user_id, athlete_id)
if overview.empty:
    st.info(f"No ROM measured for {name} yet — record a baseline above.")
else:
    st.dataframe(
        overview,
        hide_index=True,
        width="stretch",
        placeholder="–",
        column_config={
            "measure": st.column_config.TextColumn("Measure (unit)", width=265),
            "left": st.column_config.NumberColumn("Left", format="%.1f", width=60),
            "right": st.column_config.NumberColumn("Right", format="%.1f", width=60),
            "normal": st.column_config.NumberColumn("Normal", format="%g", width=65),
            "left_pct": st.column_config.NumberColumn(
                "Left %", format="%.0f %%", help="Left ÷ the normal value × 100", width=70
            ),
            "right_pct": st.column_config.NumberColumn(
                "Right %", format="%.0f %%", help="Right ÷ the normal value × 100", width=70
            ),
            "lsi": st.column_config.NumberColumn(
                "LSI", format="%.0f %%", help="Limb symmetry index: involved ÷ uninvolved × 100", width=55
            ),
            "symmetry": st.column_config.TextColumn(
                "Left vs right", width=200, help="On the last day both sides were measured (its date when older)"
            ),
            "measured": st.column_config.DateColumn("Last measured", format="D MMM YYYY", width=110),
        },
    )
    st.caption(
        "Latest value per side (post-session values are left out: they show a treatment's immediate effect). "
        "% of normal = value ÷ the norm × 100 (AAOS averages via Norkin & White; Kendall for the straight leg "
        "raise; Hoch & McKeon 2011 for the lunge). LSI = involved ÷ uninvolved × 100 on the last day both sides "
        "were measured; involved = the injured side when there is an injury in that region, else the smaller "
        "value. Asymmetric when the difference exceeds both the measurement error (5°, 1.5 cm for the lunge) "
        "and 10 % of the larger side."
    )
