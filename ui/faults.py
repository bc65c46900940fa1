"""Database faults shown as one plain sentence, not a traceback.

dashboard.py runs every page through `run_page`: a full disk, a lost or unreachable database
server, a locked or read-only database shows `st.error` with the sentence from
`data.db.describe_fault` (the CLI prints the same one), and the traceback goes to the log.
Any other exception is raised as before.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

import streamlit as st

from data.db import describe_fault

log = logging.getLogger("fascia.faults")


class Runnable(Protocol):
    def run(self) -> None: ...


def fault_message(error: BaseException) -> str | None:
    """The sentence a user sees for a database fault, or None when `error` is not one."""
    return describe_fault(error)


def run_page(page: Runnable | Callable[[], Runnable]) -> None:
    """Run a page (or build it with a callable, e.g. the navigation, then run it), turning a
    database fault into `st.error` with a plain sentence; the traceback is logged."""
    try:
        runnable = page if hasattr(page, "run") else page()
        runnable.run()
    except Exception as error:
        message = describe_fault(error)
        if message is None:
            raise
        log.error("database fault while running a page: %s", error, exc_info=error)
        st.error(message, icon=":material/database:")
