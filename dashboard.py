"""Fascia: the entry point. Page config, the sign-in gate, and a menu built from the user's role."""

from __future__ import annotations

import streamlit as st

from data.accounts import has_users
from data.db import ROOT
from ui.faults import run_page
from ui.menu import MENUS
from ui.session import engine, sign_out, signed_in, sso_signed_in, sync_cookie
from ui.text import literal
from views import words

# The tab icon is a file of ours: a Material icon or an emoji would be fetched from a font or emoji CDN.
st.set_page_config(page_title="Fascia", page_icon=str(ROOT / "ui" / "static" / "fascia-icon.png"), layout="wide")


def navigation() -> st.navigation:
    """The pages this visitor may open: first run, sign-in, or the role's menu."""
    if not has_users(engine()):
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
    menu = {
        section: [
            st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path, default=(i == 0 and j == 0))
            for j, spec in enumerate(specs)
        ]
        for i, (section, specs) in enumerate(MENUS[who.role].items())
    }
    return st.navigation(menu)


run_page(navigation)
