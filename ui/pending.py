"""A save a server restart may have cut off: the form says so and shows what the person entered.

Around its save a form runs `with saving(user_id, form, prefix, suffix):`, which records the values of
its widgets (the session-state keys between `prefix` and `suffix`) before the save and clears them after it,
whether it saved or was refused (`data.pending_saves`). Before drawing its widgets the form calls
`restore(user_id, form, what)`: if a save of that form never ended, the widgets get the values
back (unless the person has already changed them in this session) and a warning says the save may not
have happened, with a button to dismiss it once they have checked.

What was entered is stored in the database as typed, so a form with a password (or any secret) never
uses this: its keys must not match `prefix` and `suffix`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager

import streamlit as st

from data import pending_saves
from ui.session import engine


def entered(prefix: str, suffix: str = "") -> dict[str, object]:
    """The form's widget values: every session-state key that starts with `prefix` and ends with `suffix`
    (choose them so that no button's key matches: a button's state cannot be set)."""
    return {
        key: st.session_state[key]
        for key in list(st.session_state)
        if str(key).startswith(prefix) and str(key).endswith(suffix)
    }


@contextmanager
def saving(user_id: int, form: str, prefix: str, suffix: str = "") -> Iterator[None]:
    """Keep what was entered (`entered`) while the save in the block runs; forget it once the block has
    ended."""
    pending_saves.begin(engine(), user_id, form, entered(prefix, suffix))
    try:
        yield
    finally:
        pending_saves.finish(engine(), user_id, form)


def restore(
    user_id: int, form: str, what: str, keep: Collection[str] = (), rekey: Callable[[str], str] | None = None
) -> dict[str, object]:
    """Say that the last save of `what` may not have happened, and put back what was entered. The values of
    the keys in `keep` are returned instead, for the page to put back itself (a data editor's edits
    cannot be set through session state); empty when no save of the form was cut off. `rekey`: the key
    each value goes back to, for a form whose widget keys change from one session to the next."""
    cut_off = pending_saves.pending(engine(), user_id, form)
    if cut_off is None:
        return {}
    for stored_key, value in cut_off.entered.items():
        key = rekey(stored_key) if rekey is not None else stored_key
        if key not in keep and key not in st.session_state:
            st.session_state[key] = value
    at = cut_off.started_at
    started = f"{at:%H:%M} UTC on {at.day} {at:%B}"
    with st.container(border=True):
        st.warning(
            f"Your save of {what} (started {started}) may not have happened: the server restarted while it "
            "was saving. What you entered is filled in below. Check it against what is saved, then save again.",
            icon=":material/sync_problem:",
        )
        if st.button("I have checked it", key=f"pending_dismiss_{form}", icon=":material/done:"):
            pending_saves.finish(engine(), user_id, form)
            st.rerun()
    return {key: value for key, value in cut_off.entered.items() if key in keep}
