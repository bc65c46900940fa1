"""Sign in: a username and password form, and single sign-on when `[auth]` is configured.

A wrong username or password gets one neutral message. After `data.auth.FREE_ATTEMPTS` failures
for a username (known or not), it is refused for a growing delay, said in seconds, with the way out
when someone else is locking the account: an admin clears the lock (Users and teams). A username
longer than any can be is refused before anything is written. Single
sign-on (`st.login`, OpenID Connect) maps the provider's e-mail to the Fascia user holding it;
an unknown e-mail is refused and offered `st.logout`. Every attempt is in the audit log.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data.access import sign_in, sso_sign_in
from data.auth import FREE_ATTEMPTS, MAX_USERNAME_LENGTH
from data.demo import DEMO_ACCOUNTS
from ui import forms
from ui.session import EXPIRED_KEY, engine, idle_minutes, sign_in_as, sso_configured, sso_signed_in

SSO_REFUSED = "sso_refused"  # the e-mail single sign-on vouched for, when no active user holds it


TOO_LONG = f"A username has at most {MAX_USERNAME_LENGTH} characters: check what you typed in Username."


def locked_message(seconds: int) -> str:
    return (
        f"Too many failed attempts for this username; try again in {seconds} second{'' if seconds == 1 else 's'}. "
        "If it stays locked, someone else may be trying it: ask an admin to clear the sign-in lock "
        "(Users and teams)."
    )


def sso_panel(expired: bool) -> None:
    """Single sign-on: the provider's button, or the mapping of the identity it returned."""
    if not sso_signed_in():
        st.button(
            "Sign in with single sign-on",
            type="primary",
            icon=":material/badge:",
            on_click=st.login,
            help="Your organisation's identity provider (OpenID Connect).",
        )
        return
    email = str(st.user.get("email") or "")
    if expired:
        st.info("Sign out of single sign-on, then sign in again.", icon=":material/timer_off:")
        st.button("Sign out of single sign-on", icon=":material/logout:", on_click=st.logout)
        return
    if st.session_state.get(SSO_REFUSED) != email:
        who = sso_sign_in(engine(), email)
        if who is not None:
            sign_in_as(who.user_id)
            st.rerun()
        st.session_state[SSO_REFUSED] = email  # audited once, not on every rerun
    st.error(
        "No active Fascia user has the e-mail your identity provider gave. "
        "Ask an admin to set it on your user (Users and teams), then sign in again.",
        icon=":material/person_off:",
    )
    st.text(f"E-mail: {email or '(the provider gave none)'}")
    st.button("Sign out of single sign-on", type="primary", icon=":material/logout:", on_click=st.logout)


st.title("Sign in to Fascia")
expired = bool(st.session_state.get(EXPIRED_KEY))
if expired:
    st.warning(
        f"Your session expired after {idle_minutes():g} minutes without activity. Sign in again.",
        icon=":material/timer_off:",
    )

left, right = st.columns([2, 3], gap="large")
with left:
    if sso_configured():
        sso_panel(expired)
        st.caption("Or sign in with a Fascia username and password:")
    slots = forms.ErrorSlots()
    with st.form("sign_in"):
        username = st.text_input("Username", autocomplete="username")
        slots.under("username")
        password = st.text_input("Password", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        attempt = sign_in(engine(), username, password)
        if attempt.viewer is not None:
            st.session_state.pop("demo_loaded", None)
            sign_in_as(attempt.viewer.user_id)
            st.rerun()
        elif attempt.too_long:
            slots.show({"username": TOO_LONG})
        elif not attempt.checked:
            st.error(locked_message(attempt.retry_after), icon=":material/lock_clock:")
        elif attempt.retry_after:
            st.error(f"Wrong username or password. {locked_message(attempt.retry_after)}", icon=":material/lock_clock:")
        else:
            st.error("Wrong username or password.")
    st.caption(
        f"After {FREE_ATTEMPTS} failed attempts for a username, each further attempt waits longer. "
        "An admin can clear a username's lock. A session ends after a while without activity."
    )

with right:
    if st.session_state.get("demo_loaded"):
        st.success("The demo teams are loaded. Sign in with one of these accounts:")
        accounts = pd.DataFrame(DEMO_ACCOUNTS, columns=["Username", "Role", "Password"])
        st.dataframe(accounts, hide_index=True, width="stretch")
