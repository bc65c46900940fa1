"""First run: no user exists yet. Create the first admin account with the server's one-time setup token, or,
on a server started with `FASCIA_DEMO=1`, load the demo team (`data.setup`)."""

from __future__ import annotations

import streamlit as st

from data.accounts import has_users
from data.demo import DEMO_ACCOUNTS, load_demo
from data.errors import DatabaseNotEmpty, ValidationError
from data.setup import DEMO_SWITCH, create_first_admin, demo_allowed
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
    "The database is empty: create the first admin account with the setup token from the server's log"
    + (", or start with the demo teams to look around." if demo_allowed() else ".")
)

demo, admin = st.columns(2, gap="large")

with demo:
    st.subheader("Load the demo team")
    if not demo_allowed():
        st.info(
            "The demo's sign-ins are published, so this server does not offer it. To try Fascia with the demo, "
            f"start it on a database of its own with `{DEMO_SWITCH}=1` (the README's first command does).",
            icon=":material/lock:",
        )
    else:
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
        token = st.text_input(
            "Setup token",
            type="password",
            help="Printed in the server's log when it starts on an empty database, or by "
            "`python -m data setup-token` on the server. It works once.",
        )
        slots.under("setup_token")
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
                user_id = create_first_admin(engine(), token, username, password)
            except ValidationError as error:
                labels = {**forms.ACCOUNT_FIELDS, "setup_token": "Setup token"}
                slots.show(forms.field_errors([error], labels=labels, show_values=False))
            else:
                loaders.clear()
                sign_in_as(user_id)
                st.rerun()

if demo_allowed():  # on a club's server the demo is not offered, so nothing more is said of it
    st.divider()
    st.caption(
        f"The demo has one account for each role ({', '.join(words.ROLES[r].lower() for _, r, _ in DEMO_ACCOUNTS)}); "
        "their passwords are shown on the sign-in screen right after loading."
    )
