"""Database faults shown as one plain sentence, not a traceback.

dashboard.py runs every page through `run_page`: a full disk, a lost or unreachable database
server, a locked or read-only database shows `st.error` with the sentence from
`data.db.describe_fault` (the CLI prints the same one). Any other exception is raised as before.
Either way the server's log gets one line with the error's type and short message (`data.logs.failure`),
a fault's traceback under it (Streamlit's own log line holds an uncaught error's).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import streamlit as st

from data.db import describe_fault
from data.logs import failure, logger

log = logger("faults")


class Runnable(Protocol):
    def run(self) -> None: ...


def fault_message(error: BaseException) -> str | None:
    """The sentence a user sees for a database fault, or None when `error` is not one."""
    return describe_fault(error)


def run_page(page: Runnable | Callable[[], Runnable]) -> None:
    """Run a page (or build it with a callable, e.g. the navigation, then run it), turning a
    database fault into `st.error` with a plain sentence; every error is logged in one line."""
    try:
        runnable = page if hasattr(page, "run") else page()
        runnable.run()
    except Exception as error:
        message = describe_fault(error)
        failure(log, "a page", error, traceback=message is not None)
        if message is None:
            raise
        st.error(message, icon=":material/database:")
