"""The database engine and the signed-in user, as Streamlit holds them."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from data.access import Viewer, viewer
from data.db import database_url, get_engine
from data.schema import upgrade

USER_KEY = "user_id"


@st.cache_resource(show_spinner="Preparing the database…")
def engine_for(url: str) -> Engine:
    """The engine for `url`, with the schema brought to the newest revision once per process."""
    engine = get_engine(url)
    upgrade(engine)
    return engine


def engine() -> Engine:
    """The app's engine (from `DATABASE_URL`, or the checkout's SQLite file)."""
    return engine_for(database_url())


def signed_in() -> Viewer | None:
    """The signed-in, still active user, or None."""
    user_id = st.session_state.get(USER_KEY)
    if user_id is None:
        return None
    who = viewer(engine(), int(user_id))
    if who is None:
        st.session_state.pop(USER_KEY, None)
    return who


def sign_in_as(user_id: int) -> None:
    st.session_state[USER_KEY] = user_id


def sign_out() -> None:
    """Forget the user and everything the session held for them."""
    for key in list(st.session_state.keys()):
        del st.session_state[key]
