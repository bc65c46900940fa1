"""Fascia: the entry point. Page config, the sign-in gate, and a menu built from the user's role."""

from __future__ import annotations

import logging
from functools import cache

import streamlit as st

from ui import starting  # first: on the first run after a start, its message shows while the rest imports

# isort: split
from data.accounts import has_users
from data.db import ROOT
from data.setup import setup_token
from data.time_zones import today_in
from ui import loaders
from ui.faults import run_page
from ui.menu import CHECKIN, INBOX, MENUS, landing
from ui.session import engine, sign_out, signed_in, sso_signed_in, sync_cookie
from ui.text import literal
from views import words
from views.inbox import inbox_title, unread_messages

#: The page this browser session landed on, chosen once per session: saving today's check-in must not
#: move the athlete off the check-in page mid-visit.
LANDING_KEY = "landing_page"

# The tab icon is a file of ours: a Material icon or an emoji would be fetched from a font or emoji CDN.
st.set_page_config(page_title="Fascia", page_icon=str(ROOT / "ui" / "static" / "fascia-icon.png"), layout="wide")


def navigation() -> st.navigation:
    """The pages this visitor may open: first run, sign-in, or the role's menu."""
    if not has_users(engine()):
        announce_setup_token()
        return st.navigation([st.Page("pages/first_run.py", title="Welcome", icon=":material/rocket_launch:")])
    who = signed_in()  # also resumes a signed-in browser from its session cookie
    if who is None:
        sync_cookie()
        # Any page's address (a bookmark, a link in a message) opens the sign-in page there, so that once
        # signed in the person is on the page they asked for, if their role has it.
        asked = {spec.url_path for menu in MENUS.values() for specs in menu.values() for spec in specs}
        return st.navigation(
            [
                st.Page("pages/sign_in.py", title="Sign in", icon=":material/login:", default=True),
                *(st.Page("pages/sign_in.py", title="Sign in", url_path=path) for path in sorted(asked)),
            ],
            position="hidden",
        )
    with st.sidebar:
        sync_cookie()
        st.caption(f"Signed in as **{literal(who.username)}** ({words.ROLES[who.role].lower()})")
        if st.button("Sign out", icon=":material/logout:", key="sign_out"):
            sign_out()
            if sso_signed_in():
                st.logout()  # forget the single sign-on identity too, or it would sign them straight back in
            else:
                st.rerun()
    if LANDING_KEY not in st.session_state:
        st.session_state[LANDING_KEY] = landing_path(who.user_id, who.role)
    first = st.session_state[LANDING_KEY]
    titles = {INBOX.path: inbox_title(unread_messages(engine(), who.user_id))}  # "Inbox (3)": unread messages
    menu = {
        section: [
            st.Page(
                spec.path,
                title=titles.get(spec.path, spec.title),
                icon=spec.icon,
                url_path=spec.url_path,
                default=spec.path == first,
            )
            for spec in specs
        ]
        for section, specs in MENUS[who.role].items()
    }
    return st.navigation(menu)


@cache
def announce_setup_token() -> None:
    """Write the setup token to the server's log, once per process: only whoever runs the server reads it."""
    logging.getLogger("fascia").warning(
        "Fascia has no users yet. Setup token for the first admin account: %s (or run: python -m data setup-token)",
        setup_token(engine()),
    )


def landing_path(user_id: int, role: str) -> str:
    """The page a person lands on: an athlete who has not checked in today starts on the check-in,
    everyone else on their role's first page (`ui.menu.landing`)."""
    if role == "athlete":
        me = loaders.own_athlete(user_id)
        if me is not None:
            today = today_in(str(me["timezone"]))
            if loaders.checkins(user_id, loaders.ids([int(me["athlete_id"])]), today, today).empty:
                return CHECKIN.path
    return landing(role).path


# The menu of `navigation` is the only one: Streamlit's own list of the pages/ folder, which it shows during a
# server's first run until st.navigation is first called, is off in .streamlit/config.toml.
st.set_option("client.showSidebarNavigation", True)
try:
    run_page(navigation)
finally:
    starting.done()
