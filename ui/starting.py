"""A message while the first page after a server start loads.

The first run of dashboard.py in a server process imports pandas, SQLAlchemy, plotly and the project (a few
seconds on an idle machine, more on a busy one) before it can draw anything, and a newcomer looked at a blank
page meanwhile. dashboard.py imports this module before the others: importing it (once per process, so on
that first run only) writes `MESSAGE` at the top of the page, and `done`, called by the same run once its
page has run, clears it. Later runs find the module imported and show nothing. (AppTest's stand-in runtime
exists too: the first AppTest run of a process shows the message and clears it.)

The same first run also holds Python's cyclic garbage collector back (`START_GC_THRESHOLD`) until `done`:
importing the project and its libraries makes hundreds of thousands of long-lived objects (modules,
classes, functions) and no garbage, and with the default threshold (a collection every 700 new objects)
the collector walks them again and again, 0.2 s of the first page's 2.9 s (bench/first_page.py). It
is a threshold, not `gc.disable()`: should `done` never run, the collector still runs, only less often.
`done` then freezes what the start made (`gc.freeze`, once per process): those objects live as long as the
process, and every later full collection skipped over them again, a pause of about 110 ms in one page run
out of five on *Athlete progress* (25 ms frozen). Cyclic garbage left at that moment is never freed: a few
hundred objects after the first page (`gc.collect()` found 340), once.
"""

from __future__ import annotations

import gc
import threading

import streamlit as st

MESSAGE = "Starting Fascia… the first page after a restart takes a few seconds."
#: New objects between two collections of the youngest generation while the first run imports (Python's
#: default is 700).
START_GC_THRESHOLD = 100_000

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
    """Clear the starting message, if this run wrote one, and give the garbage collector its thresholds back,
    with what the start made frozen (on the first call of the process)."""
    if gc.get_threshold() != _DEFAULT_GC_THRESHOLDS:
        gc.freeze()
        gc.set_threshold(*_DEFAULT_GC_THRESHOLDS)
    slot = _shown.pop(threading.get_ident(), None)
    if slot is not None:
        slot.empty()


_DEFAULT_GC_THRESHOLDS = gc.get_threshold()
gc.set_threshold(START_GC_THRESHOLD, *_DEFAULT_GC_THRESHOLDS[1:])
_announce()
