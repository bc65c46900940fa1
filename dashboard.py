"""Fascia: the entry point. Page config, the sign-in gate, and a menu built from the user's role."""

from __future__ import annotations

import streamlit as st

from data.db import ROOT
from data.writes import has_users
from ui.faults import run_page
from ui.menu import MENUS
from ui.session import engine, sign_out, signed_in, sso_signed_in, sync_cookie
from ui.text import literal

# The tab icon is a file of ours: a Material icon or an emoji would be fetched from a font or emoji CDN.
st.set_page_config(page_title="Fascia", page_icon=str(ROOT / "ui" / "static" / "fascia-icon.png"), layout="wide")


def navigation() -> st.navigation:
    """The pages this visitor may open: first run, sign-in, or the role's menu."""
    if not has_users(engine()):
        return st.navigation([st.Page("pages/first_run.py", title="Welcome", icon=":material/rocket_launch:")])
    who = signed_in()  # also resumes a signed-in browser from its session cookie
    if who is None:
        sync_cookie()
        return st.navigation([st.Page("pages/sign_in.py", title="Sign in", icon=":material/login:")])
    with st.sidebar:
        sync_cookie()
        st.caption(f"Signed in as **{literal(who.username)}** ({who.role})")
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
