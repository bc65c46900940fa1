"""First run: no user exists yet. Load the demo team, or create the first admin account."""

from __future__ import annotations

import streamlit as st

from data.accounts import create_user, has_users
from data.demo import DEMO_ACCOUNTS, load_demo
from data.errors import DatabaseNotEmpty, ValidationError
from ui import forms, loaders
from ui.session import engine, sign_in_as
from views import words

st.title("Welcome to Fascia")
if has_users(engine()):
    st.info("Fascia is already set up. Open the start page and sign in.")
    st.stop()
st.write(
    "Fascia keeps treatment sessions, self-reported pain and soreness, range of motion, injuries and "
    "training load for your teams, and shows recovery, recurrence and ROM trends. "
    "The database is empty: start with the demo teams to look around, or create the first admin account."
)

demo, admin = st.columns(2, gap="large")

with demo:
    st.subheader("Load the demo team")
    st.write(
        "Two teams (a soccer squad of 24 and a track squad of 16) over the last 365 days, "
        "with injuries, therapy sessions, ROM screening, daily check-ins and training load. "
        "Demo sign-ins for each role are shown once it has loaded."
    )
    if st.button("Load the demo team", type="primary", icon=":material/group_add:"):
        with st.spinner("Creating a season of demo data…"):
            try:
                load_demo(engine())
            except DatabaseNotEmpty as error:
                st.error(str(error))
            else:
                loaders.clear()
                st.session_state["demo_loaded"] = True
                st.rerun()

with admin:
    st.subheader("Create the first admin account")
    slots = forms.ErrorSlots()
    with st.form("first_admin"):
        username = st.text_input("Username")
        slots.under("username")
        password = st.text_input(
            "Password", type="password", help="At least 8 characters; not a common password, and not the username."
        )
        slots.under("password")
        repeat = st.text_input("Repeat password", type="password")
        slots.under("password2")
        submitted = st.form_submit_button("Create admin account")
    slots.under("*")
    if submitted:
        if password != repeat:
            slots.show({"password2": "Repeat password does not match the password."})
        else:
            try:
                user_id = create_user(engine(), username, password, "admin", first=True)
            except ValidationError as error:
                slots.show(forms.field_errors([error], labels=forms.ACCOUNT_FIELDS, show_values=False))
            else:
                loaders.clear()
                sign_in_as(user_id)
                st.rerun()

st.divider()
st.caption(
    f"The demo has one account for each role ({', '.join(words.ROLES[r].lower() for _, r, _ in DEMO_ACCOUNTS)}); "
    "their passwords are shown on the sign-in screen right after loading."
)
