"""Export data (coach, therapist, athlete): the records in the user's scope as a .zip the import reads.

The scope is `data.access`'s (ui.transfer.export_scope): a coach or therapist exports their teams'
athletes (all, one team or one athlete), an athlete only their own records. Clinical notes go to
therapists only; a coach's or an athlete's export has the notes columns empty (DESIGN.md).
"""

from __future__ import annotations

import streamlit as st

from ui import loaders, transfer
from ui.glossary import abbreviations
from ui.session import engine, page_viewer

who = page_viewer(__file__)

st.title("Download my data" if who.role == "athlete" else "Export data")
if who.role == "athlete":
    st.write(
        "Everything Fascia holds about you, in files you can open in a spreadsheet or take to another "
        "Fascia: your check-ins, pain reports, training, OSTRC answers, injuries, treatments and ROM measurements."
    )
    if who.athlete_id is None:
        st.info("Your account is not linked to an athlete, so there is nothing to download.")
        st.stop()
else:
    st.write("The records of the athletes you may see, for a spreadsheet, a backup or another Fascia.")

athletes = loaders.scope_athletes(who.user_id)
teams = loaders.scope_teams(who.user_id)
transfer.export_panel(engine(), who, athletes, teams)

abbreviations("OSTRC", "ROM")
