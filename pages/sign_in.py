"""Sign in against the users table. A wrong username or password gets one neutral message."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data.access import authenticate
from data.demo import DEMO_ACCOUNTS
from ui.session import engine, sign_in_as

st.title("Sign in to Fascia")

left, right = st.columns([2, 3], gap="large")
with left:
    with st.form("sign_in"):
        username = st.text_input("Username", autocomplete="username")
        password = st.text_input("Password", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        who = authenticate(engine(), username, password)
        if who is None:
            st.error("Wrong username or password.")
        else:
            st.session_state.pop("demo_loaded", None)
            sign_in_as(who.user_id)
            st.rerun()

with right:
    if st.session_state.get("demo_loaded"):
        st.success("The demo teams are loaded. Sign in with one of these accounts:")
        accounts = pd.DataFrame(DEMO_ACCOUNTS, columns=["Username", "Role", "Password"])
        st.dataframe(accounts, hide_index=True, width="stretch")
