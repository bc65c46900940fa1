"""The database engine and the signed-in user, as Streamlit holds them.

A session ends after `idle_minutes()` without a rerun (any click or entry): `signed_in()` then
forgets the user and the sign-in page says the session expired. The limit comes from the
environment variable FASCIA_IDLE_MINUTES, else `idle_minutes` under `[fascia]` in
`.streamlit/secrets.toml`, else 30 minutes.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any

import streamlit as st
from sqlalchemy import Engine

from data.access import Viewer, viewer
from data.db import ROOT, database_url, get_engine
from data.schema import upgrade
from ui.menu import page_paths

USER_KEY = "user_id"
SEEN_KEY = "last_seen"  # time.time() of the signed-in user's last rerun
EXPIRED_KEY = "session_expired"  # set, after an idle expiry, for the sign-in page to say so
IDLE_VARIABLE = "FASCIA_IDLE_MINUTES"
DEFAULT_IDLE_MINUTES = 30.0

_LOG = logging.getLogger(__name__)


@st.cache_resource(show_spinner="Preparing the database…")
def engine_for(url: str) -> Engine:
    """The engine for `url`, with the schema brought to the newest revision once per process."""
    engine = get_engine(url)
    upgrade(engine)
    return engine


def engine() -> Engine:
    """The app's engine (from `DATABASE_URL`, or the checkout's SQLite file)."""
    return engine_for(database_url())


def secret(section: str) -> dict[str, Any]:
    """A section of `.streamlit/secrets.toml` as a dict; empty when there is no such section or file."""
    try:
        value = st.secrets.get(section)
    except FileNotFoundError:
        return {}
    return dict(value) if value is not None else {}


def parse_idle_minutes(raw: object) -> float:
    """A configured idle limit in minutes; a missing, unreadable or non-positive value gives the default."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return DEFAULT_IDLE_MINUTES
    try:
        minutes = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        _LOG.warning("idle minutes %r is not a number; using %s", raw, DEFAULT_IDLE_MINUTES)
        return DEFAULT_IDLE_MINUTES
    return minutes if minutes > 0 else DEFAULT_IDLE_MINUTES


def idle_minutes() -> float:
    """Minutes without activity after which a session ends (env FASCIA_IDLE_MINUTES, then secrets, then 30)."""
    raw = os.environ.get(IDLE_VARIABLE)
    if raw is None or not raw.strip():
        raw = secret("fascia").get("idle_minutes")
    return parse_idle_minutes(raw)


def sso_configured() -> bool:
    """Whether single sign-on (`st.login`, OpenID Connect) is set up: an `[auth]` section in the secrets."""
    return bool(secret("auth"))


def sso_signed_in() -> bool:
    """Whether the browser holds a single sign-on identity (st.user)."""
    return sso_configured() and bool(st.user.get("is_logged_in"))


def signed_in() -> Viewer | None:
    """The signed-in, still active user, or None (also when the session has been idle too long)."""
    user_id = st.session_state.get(USER_KEY)
    if user_id is None:
        return None
    now = time.time()
    last_seen = st.session_state.get(SEEN_KEY)
    if last_seen is not None and now - float(last_seen) > idle_minutes() * 60:
        sign_out()
        st.session_state[EXPIRED_KEY] = True
        return None
    who = viewer(engine(), int(user_id))
    if who is None:
        st.session_state.pop(USER_KEY, None)
        return None
    st.session_state[SEEN_KEY] = now
    return who


def page_viewer(page_file: str) -> Viewer:
    """The signed-in user, when their role's menu holds the page `page_file` (a page's `__file__`);
    otherwise the run stops with a message.

    The menu is the access rule for screens, but Streamlit also serves every script in `pages/` by
    its file name until a new server process has first reached `st.navigation`, so each page
    checks again here instead of trusting how it was reached."""
    who = signed_in()
    path = Path(page_file).resolve().relative_to(ROOT).as_posix()
    if who is None or path not in page_paths(who.role):
        st.warning("This page is not open to you. Go to Fascia's start page and sign in.", icon=":material/lock:")
        st.stop()
    return who


def sign_in_as(user_id: int) -> None:
    st.session_state.pop(EXPIRED_KEY, None)
    st.session_state[USER_KEY] = user_id
    st.session_state[SEEN_KEY] = time.time()


def sign_out() -> None:
    """Forget the user and everything the session held for them."""
    for key in list(st.session_state.keys()):
        del st.session_state[key]
