"""A message while the first page after a server start loads.

The first run of dashboard.py in a server process imports pandas, SQLAlchemy, plotly and the project (a few
seconds on an idle machine, more on a busy one) before it can draw anything, and a newcomer looked at a blank
page meanwhile. dashboard.py imports this module before the others: importing it (once per process, so on
that first run only) writes `MESSAGE` at the top of the page, and `done`, called by the same run once its
page has run, clears it. Later runs find the module imported and show nothing; so do AppTest runs (no
Streamlit server, `st.runtime.exists()` is false).
"""

from __future__ import annotations

import threading

import streamlit as st

MESSAGE = "Starting Fascia… the first page after a restart takes a few seconds."

#: The message's placeholder and the thread of the run that wrote it (each session's script runs in its own
#: thread: only that run clears it).
_shown: dict[int, st.delta_generator.DeltaGenerator] = {}


def _announce() -> None:
    if not st.runtime.exists():
        return
    slot = st.empty()
    slot.info(MESSAGE, icon=":material/hourglass_top:")
    _shown[threading.get_ident()] = slot


def done() -> None:
    """Clear the starting message, if this run wrote one."""
    slot = _shown.pop(threading.get_ident(), None)
    if slot is not None:
        slot.empty()


_announce()
