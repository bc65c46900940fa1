"""The database engine and the signed-in user, as Streamlit holds them.

A session ends after `idle_minutes()` without a rerun (any click or entry): `signed_in()` then
forgets the user and the sign-in page says the session expired. The limit comes from the
environment variable FASCIA_IDLE_MINUTES, else `idle_minutes` under `[fascia]` in
`.streamlit/secrets.toml`, else 30 minutes.

Signing in also starts a server-side session (`data.sessions`) whose random token the browser keeps
in the `fascia_session` cookie (Path=/, SameSite=Strict, Secure on https, Max-Age 12 hours), written
by a script in the page (`cookie_script`). A run without a signed-in user (a reload, a page URL
opened directly, a new tab, the reconnect after a server restart: each is a new Streamlit session)
resumes the user from that cookie, audited as "session_resumed". Every run of a signed-in user checks
the server session still stands, so sign-out in another tab, a password reset or a deactivation
signs this tab out at its next click.
"""

from __future__ import annotations

import logging
import os
import re
import time
from pathlib import Path
from typing import Any

import streamlit as st
from sqlalchemy import Engine

from data.access import Viewer, viewer
from data.audit import audit_entry
from data.db import ROOT, database_url, get_engine
from data.logs import event, logger
from data.schema import upgrade
from data.sessions import MAX_AGE, create_session, end_session, resume_session
from ui.menu import page_paths

USER_KEY = "user_id"
SEEN_KEY = "last_seen"  # time.time() of the signed-in user's last rerun
EXPIRED_KEY = "session_expired"  # set, after an idle expiry, for the sign-in page to say so
TOKEN_KEY = "session_token"  # the server-side session's token (data.sessions), also in the cookie
REFUSED_KEY = "session_refused"  # a cookie token already refused in this Streamlit session: not looked up again
WRITTEN_KEY = "session_cookie_written"  # the cookie value this Streamlit session last wrote ("" = cleared)
COOKIE = "fascia_session"
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,100}")  # secrets.token_urlsafe; anything else is not looked up
IDLE_VARIABLE = "FASCIA_IDLE_MINUTES"
DEFAULT_IDLE_MINUTES = 30.0

_LOG = logging.getLogger(__name__)
_AUTH_LOG = logger("auth")


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


def cookie_token() -> str | None:
    """The session token in the browser's `fascia_session` cookie, as sent when this Streamlit session
    connected; None when there is none or it is not shaped like a token."""
    try:
        token = st.context.cookies.get(COOKIE)
    except Exception:  # no browser request behind this run (AppTest, bare mode)
        return None
    return token if isinstance(token, str) and _TOKEN_SHAPE.fullmatch(token) else None


def resume_from_cookie() -> Viewer | None:
    """The user the browser's session cookie still signs in, now signed in here too; else None.

    A refused token is remembered for this Streamlit session (not looked up on every rerun); an
    expired one makes the sign-in page say the session expired."""
    token = cookie_token()
    if token is None or st.session_state.get(REFUSED_KEY) == token:
        return None
    resumed = resume_session(engine(), token, idle_minutes())
    who = viewer(engine(), resumed.user_id) if resumed.user_id is not None else None
    if who is None:
        st.session_state[REFUSED_KEY] = token
        if resumed.expired:
            st.session_state[EXPIRED_KEY] = True
        return None
    st.session_state.pop(EXPIRED_KEY, None)
    st.session_state[USER_KEY] = who.user_id
    st.session_state[TOKEN_KEY] = token
    st.session_state[SEEN_KEY] = time.time()
    audit_entry(engine(), who.user_id, "session_resumed", "users", who.user_id, who.username)
    return who


def signed_in() -> Viewer | None:
    """The signed-in, still active user, or None (also when the session has been idle too long or
    was ended elsewhere). A run without a user resumes one from the session cookie."""
    user_id = st.session_state.get(USER_KEY)
    if user_id is None:
        return resume_from_cookie()
    now = time.time()
    last_seen = st.session_state.get(SEEN_KEY)
    if last_seen is not None and now - float(last_seen) > idle_minutes() * 60:
        sign_out()
        st.session_state[EXPIRED_KEY] = True
        return None
    token = st.session_state.get(TOKEN_KEY)
    if token is not None:
        resumed = resume_session(engine(), token, idle_minutes())
        if resumed.user_id != int(user_id):  # signed out in another tab, password reset, deactivated
            sign_out()
            if resumed.expired:
                st.session_state[EXPIRED_KEY] = True
            return None
    who = viewer(engine(), int(user_id))
    if who is None:
        st.session_state.pop(USER_KEY, None)
        return None
    st.session_state[SEEN_KEY] = now
    return who


# After the server went away and came back (a restart: a new process, so a new Streamlit session),
# Streamlit's client reconnects but runs nothing until the next click, so the page would sit there as
# it was. This rerun of the page once the connection is back (Streamlit's "r" shortcut, which sends the
# widgets' values along) lets the new session resume the user from the cookie and show the page again.
_RECONNECT_WATCH = """
if (!window.fasciaReconnectWatch) {
  window.fasciaReconnectWatch = true;
  let lost = false;
  setInterval(() => {
    const app = document.querySelector("[data-testid='stApp']");
    const state = app ? app.getAttribute("data-test-connection-state") : null;
    if (state && state !== "CONNECTED") {
      lost = true;
    } else if (state === "CONNECTED" && lost) {
      lost = false;
      document.dispatchEvent(new KeyboardEvent("keydown", {key: "r", code: "KeyR", keyCode: 82, which: 82, bubbles: true}));
    }
  }, 250);
}
"""


def cookie_script() -> str:
    """The script each run puts in the page: it brings the browser's `fascia_session` cookie in line
    with this session (sets it to the session's token, or clears a cookie that no longer signs anyone
    in) and reruns the page when the connection comes back after the server went away.

    The cookie is written once per Streamlit session and token (`WRITTEN_KEY`), so a tab that has
    been open for a while does not overwrite what another tab signed in with since. The script is
    there on every run, so the page's elements keep their places from run to run."""
    token, sent = st.session_state.get(TOKEN_KEY), cookie_token()
    cookie = ""
    if token is not None and st.session_state.get(USER_KEY) is not None and _TOKEN_SHAPE.fullmatch(str(token)):
        if token != sent and st.session_state.get(WRITTEN_KEY) != token:
            cookie = f"{COOKIE}={token}; Path=/; SameSite=Strict; Max-Age={int(MAX_AGE.total_seconds())}"
            st.session_state[WRITTEN_KEY] = token
    elif sent is not None and st.session_state.get(WRITTEN_KEY) != "":
        cookie = f"{COOKIE}=; Path=/; SameSite=Strict; Max-Age=0"  # the connection's cookie no longer signs in
        st.session_state[WRITTEN_KEY] = ""
    write = f"document.cookie = '{cookie}' + (location.protocol === 'https:' ? '; Secure' : '');" if cookie else ""
    return f"<script>{write}{_RECONNECT_WATCH}</script>"


def sync_cookie() -> None:
    """Put `cookie_script()` into the page (st.html runs it in the main document, not in a frame)."""
    st.html(cookie_script(), unsafe_allow_javascript=True)


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
    """Sign `user_id` in (password or single sign-on): a new server-side session whose token the
    next run writes into the browser's cookie (`sync_cookie`)."""
    st.session_state.pop(EXPIRED_KEY, None)
    st.session_state[TOKEN_KEY] = create_session(engine(), user_id)
    st.session_state[USER_KEY] = user_id
    st.session_state[SEEN_KEY] = time.time()


def sign_out() -> None:
    """End the server-side session and forget the user and everything the session held for them;
    the browser's cookie is cleared by the next run's `sync_cookie`."""
    user_id = st.session_state.get(USER_KEY)
    who = viewer(engine(), int(user_id)) if user_id is not None else None
    end_session(engine(), st.session_state.get(TOKEN_KEY))
    event(_AUTH_LOG, "sign-out", user=who.username if who is not None else None, role=who.role if who else None)
    sent = cookie_token()
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    if sent is not None:
        st.session_state[REFUSED_KEY] = sent  # the connection's copy of the cookie: ended, not to be resumed
