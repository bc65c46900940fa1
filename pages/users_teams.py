"""Users and teams (admin): list them, create teams and users, deactivate or reactivate a user,
reset a password, clear a username's sign-in lock, and assign coaches and therapists to teams.

Every change goes through `data/accounts.py` and `data/roster.py` with the admin as the actor (audited there). Actions run
in widget callbacks, so the page that follows already shows the change; a refusal is kept in
session state and shown under the field it names. An admin cannot deactivate their own account,
and nobody can deactivate or demote the last active admin (refused in `data/accounts.py`). An admin
sets the e-mail single sign-on maps to a user, and erases an athlete (typed confirmation: the
external id) with every record of theirs.
"""

from __future__ import annotations

from collections import defaultdict
from zoneinfo import available_timezones

import streamlit as st

from analytics.vocabulary import ROLES
from data import scoped
from data.accounts import STAFF_ROLES as CHANGEABLE_ROLES
from data.accounts import (
    check_password,
    create_user,
    set_password,
    set_user_active,
    set_user_email,
    set_user_role,
    set_user_teams,
)
from data.auth import FREE_ATTEMPTS, MIN_PASSWORD_LENGTH, clear_sign_in_lock, failures_of, locked_for
from data.errors import ValidationError
from data.roster import create_team, erase_athlete
from ui import forms, loaders
from ui.glossary import abbreviations
from ui.session import engine, page_viewer
from ui.text import literal
from views import words

STAFF_ROLES = ("coach", "therapist")
ERRORS = "admin_errors"  # {form: {field: message}}, shown by `ui.forms.ErrorSlots`
DONE = "admin_done"  # {form: message}
TIMEZONES = sorted(available_timezones())
PASSWORD_HELP = f"At least {MIN_PASSWORD_LENGTH} characters; not a common password, and not the username."


def refuse(form: str, problems: dict[str, str]) -> None:
    """Keep `form`'s refusals for the page that follows (the last action's messages only)."""
    st.session_state[ERRORS] = {form: problems}
    st.session_state[DONE] = {}


def succeed(form: str, message: str) -> None:
    """After a write: drop cached frames, so the page that follows shows the change, and say what was done."""
    loaders.clear()
    st.session_state[ERRORS] = {}
    st.session_state[DONE] = {form: message}


def said(error: ValidationError, **labels: str) -> dict[str, str]:
    """The refusal as ``{field: message}`` (`ui.forms.field_errors`), the field named by `labels` or
    `ui.forms.ACCOUNT_FIELDS`, the value left out: a password is never repeated on screen."""
    return forms.field_errors([error], labels={**forms.ACCOUNT_FIELDS, **labels}, show_values=False)


def form_result(form: str, slots: forms.ErrorSlots) -> None:
    """Under the form's button: each kept refusal of `form` under its field in `slots` (one not tied to a
    field here), or the success message."""
    slots.under("*")
    slots.show(st.session_state.get(ERRORS, {}).get(form, {}))
    message = st.session_state.get(DONE, {}).pop(form, None)
    if message:
        st.success(message, icon=":material/task_alt:")


# --------------------------------------------------------------------------- actions (callbacks)


def on_create_team(actor_id: int) -> None:
    name = st.session_state.get("new_team_name", "")
    sport = st.session_state.get("new_team_sport", "")
    timezone = st.session_state.get("new_team_timezone") or ""
    try:
        create_team(engine(), name, sport, timezone, actor_id=actor_id)
    except ValidationError as error:
        refuse("team", said(error))
        return
    for key in ("new_team_name", "new_team_sport"):
        st.session_state[key] = ""
    succeed("team", f"Created the team {literal(name.strip())}.")


def on_create_user(actor_id: int) -> None:
    role = st.session_state.get("new_user_role")
    username = st.session_state.get("new_user_username", "")
    password = st.session_state.get("new_user_password", "")
    repeated = st.session_state.get("new_user_password2", "")
    athlete_id = st.session_state.get("new_user_athlete") if role == "athlete" else None
    team_ids = st.session_state.get("new_user_teams", []) if role in STAFF_ROLES else []
    problems: dict[str, str] = {}
    if role not in ROLES:
        problems["role"] = "Role: pick one."
    try:
        check_password(password, username)
    except ValidationError as error:
        problems.update(said(error))
    if password != repeated:
        problems["password2"] = "Repeat password does not match the password."
    if role == "athlete" and athlete_id is None:
        problems["athlete"] = "Athlete is required for an athlete account: pick who this account is."
    if not problems:
        try:
            create_user(engine(), username, password, role, athlete_id, team_ids, actor_id=actor_id)
        except ValidationError as error:
            problems.update(said(error))
    if problems:
        refuse("user", problems)
        return
    for key in ("new_user_username", "new_user_password", "new_user_password2"):
        st.session_state[key] = ""
    st.session_state.pop("new_user_athlete", None)
    st.session_state.pop("new_user_teams", None)
    succeed("user", f"Created {words.ROLES[role].lower()} account {literal(username.strip())}.")


def on_set_active(actor_id: int, user_id: int, username: str, active: bool) -> None:
    if user_id == actor_id and not active:
        refuse("change", {"*": "You cannot deactivate your own account."})
        return
    try:
        set_user_active(engine(), user_id, active, actor_id=actor_id)
    except ValidationError as error:
        refuse("change", said(error, user=literal(username)))
        return
    succeed(
        "change",
        f"{literal(username)} is {'active again and can sign in' if active else 'deactivated and cannot sign in'}.",
    )


def on_clear_lock(actor_id: int, user_id: int, username: str) -> None:
    cleared = clear_sign_in_lock(engine(), username, actor_id, user_id)
    succeed(
        "lock",
        f"Cleared the sign-in lock of {literal(username)} ({cleared} failed attempt{'' if cleared == 1 else 's'}): "
        "they can sign in now.",
    )


def on_set_role(actor_id: int, user_id: int, username: str) -> None:
    role = st.session_state.get(f"role_of_{user_id}")
    try:
        set_user_role(engine(), user_id, str(role), actor_id=actor_id)
    except ValidationError as error:
        refuse("role", said(error, user=literal(username)))
        return
    succeed("role", f"{literal(username)} is now {words.word(words.ROLES, role).lower()}.")


def on_set_email(actor_id: int, user_id: int, username: str) -> None:
    email = st.session_state.get(f"email_of_{user_id}", "")
    try:
        set_user_email(engine(), user_id, email, actor_id=actor_id)
    except ValidationError as error:
        refuse("email", said(error, user=literal(username)))
        return
    succeed(
        "email",
        f"Saved the single sign-on e-mail of {literal(username)}."
        if email.strip()
        else f"Cleared the e-mail of {literal(username)}.",
    )


def on_erase_athlete(actor_id: int) -> None:
    athlete_id = st.session_state.get("erase_athlete")
    typed = st.session_state.get("erase_confirm", "").strip()
    athletes = loaders.all_athletes()
    match = athletes[athletes["athlete_id"] == athlete_id]
    if athlete_id is None or match.empty:
        refuse("erase", {"athlete": "Athlete: pick who to erase."})
        return
    external_id = str(match["external_id"].iloc[0])
    if typed != external_id:
        refuse("erase", {"confirm": "Confirmation does not match the athlete's external id: nothing was erased."})
        return
    try:
        erase_athlete(engine(), int(athlete_id), actor_id=actor_id)
    except ValidationError as error:
        refuse("erase", said(error))
        return
    st.session_state.pop("erase_athlete", None)
    st.session_state["erase_confirm"] = ""
    succeed(
        "erase",
        f"Erased athlete {literal(external_id)} and every record of theirs. The audit log keeps an entry without the name.",
    )


def on_set_teams(actor_id: int, user_id: int, username: str) -> None:
    team_ids = st.session_state.get(f"teams_of_{user_id}", [])
    set_user_teams(engine(), user_id, team_ids, actor_id=actor_id)
    succeed("teams", f"Saved the teams of {literal(username)}.")


def on_reset_password(actor_id: int, user_id: int, username: str) -> None:
    password = st.session_state.get(f"reset_password_{user_id}", "")
    repeated = st.session_state.get(f"reset_password2_{user_id}", "")
    problems: dict[str, str] = {}
    try:
        check_password(password, username)
    except ValidationError as error:
        problems.update(said(error, password="New password"))
    if password != repeated:
        problems["password2"] = "Repeat new password does not match the new password."
    if not problems:
        try:
            set_password(engine(), user_id, password, actor_id=actor_id)
        except ValidationError as error:
            problems.update(said(error, user=literal(username), password="New password"))
    if problems:
        refuse("password", problems)
        return
    st.session_state[f"reset_password_{user_id}"] = ""
    st.session_state[f"reset_password2_{user_id}"] = ""
    succeed("password", f"Set a new password for {literal(username)}. Tell them in person; it is not shown again.")


# --------------------------------------------------------------------------- the page

who = page_viewer(__file__)
if who.role != "admin":
    st.title("Users and teams")
    st.info("Only admins manage users and teams.")
    st.stop()

slots_of: defaultdict[str, forms.ErrorSlots] = defaultdict(forms.ErrorSlots)  # per form, on this run
users = loaders.user_directory()
teams = loaders.team_directory()
athletes = loaders.all_athletes()
team_names = dict(zip(teams["team_id"].astype(int), teams["name"], strict=True))

st.title("Users and teams")
st.caption(
    f"{len(users)} users, {len(teams)} teams. Coaches and therapists see only the athletes of their teams; "
    "an athlete account sees only its own athlete. Every change here is recorded in the audit log."
)

users_tab, teams_tab, erase_tab = st.tabs(["Users", "Teams", "Erase an athlete"])

with users_tab:
    st.dataframe(
        users[["username", "role", "active", "teams", "athlete"]].assign(role=users["role"].map(words.ROLES)),
        hide_index=True,
        width="stretch",
        column_config={
            "username": "Username",
            "role": st.column_config.TextColumn("Role"),
            "active": st.column_config.CheckboxColumn("Active", help="A deactivated user cannot sign in."),
            "teams": st.column_config.TextColumn("Sees", help="The teams whose athletes the user may see."),
            "athlete": st.column_config.TextColumn("Linked athlete", help="The athlete an athlete account is."),
        },
    )

    create, change = st.columns(2, gap="large")
    with create:
        st.subheader("Create a user")
        role = st.segmented_control(
            "Role",
            list(ROLES),
            default="athlete",
            format_func=words.ROLES.get,
            key="new_user_role",
            required=True,
        )
        slots_of["user"].under("role")
        with st.form("create_user", border=True):
            st.text_input("Username", key="new_user_username", placeholder="no spaces, e.g. j.smith")
            slots_of["user"].under("username")
            if role == "athlete":
                linked = set(users["athlete_id"].dropna().astype(int))
                free = athletes[~athletes["athlete_id"].isin(linked)]
                labels = {
                    int(a): f"{n} · {t}"
                    for a, n, t in zip(free["athlete_id"], free["display_name"], free["team"], strict=True)
                }
                st.selectbox(
                    "Athlete",
                    list(labels),
                    index=None,
                    format_func=labels.get,
                    key="new_user_athlete",
                    placeholder="Who is this account?" if labels else "Every athlete already has an account",
                    help="Athletes without an account. An athlete account sees only this athlete's records.",
                )
                slots_of["user"].under("athlete")
            elif role in STAFF_ROLES:
                st.multiselect(
                    "Teams",
                    list(team_names),
                    format_func=team_names.get,
                    key="new_user_teams",
                    placeholder="The teams they may see",
                )
                slots_of["user"].under("team")
            st.text_input("Password", type="password", key="new_user_password", help=PASSWORD_HELP)
            slots_of["user"].under("password")
            st.text_input("Repeat password", type="password", key="new_user_password2")
            slots_of["user"].under("password2")
            st.form_submit_button(
                "Create user",
                type="primary",
                icon=":material/person_add:",
                on_click=on_create_user,
                args=(who.user_id,),
            )
        form_result("user", slots_of["user"])

    with change:
        st.subheader("Change a user")
        by_id = users.set_index("user_id")
        options = users["user_id"].astype(int).tolist()
        picked = st.selectbox(
            "User",
            options,
            format_func=lambda u: (
                f"{by_id.at[u, 'username']} · {words.ROLES[by_id.at[u, 'role']]}"
                + ("" if by_id.at[u, "active"] else " · deactivated")
            ),
            key="admin_user_pick",
        )
        if picked is not None:
            user = by_id.loc[picked]
            name, active = str(user["username"]), bool(user["active"])
            with st.container(border=True):
                st.markdown(f"**Account** · {'active' if active else 'deactivated: cannot sign in'}")
                if active:
                    own = picked == who.user_id
                    st.button(
                        "Deactivate",
                        icon=":material/person_off:",
                        key=f"deactivate_{picked}",
                        disabled=own,
                        help="You cannot deactivate your own account." if own else "They can no longer sign in.",
                        on_click=on_set_active,
                        args=(who.user_id, picked, name, False),
                    )
                    if own:
                        st.caption("This is your own account: another admin can deactivate it.")
                else:
                    st.button(
                        "Reactivate",
                        icon=":material/person_check:",
                        key=f"reactivate_{picked}",
                        on_click=on_set_active,
                        args=(who.user_id, picked, name, True),
                    )
                form_result("change", slots_of["change"])

            with st.container(border=True):
                failures, wait = failures_of(engine(), name), locked_for(engine(), name)
                st.markdown("**Sign-in lock**")
                if wait:
                    st.caption(
                        f"Locked for {wait} more second{'' if wait == 1 else 's'} after {failures} failed sign-ins. "
                        "Anyone can lock a username by typing wrong passwords; clearing lets them sign in at once."
                    )
                elif failures:
                    st.caption(
                        f"{failures} failed sign-in{'' if failures == 1 else 's'} counted; after {FREE_ATTEMPTS}, "
                        "each further one locks the username for longer."
                    )
                else:
                    st.caption("No failed sign-ins counted: nothing to clear.")
                st.button(
                    "Clear the sign-in lock",
                    icon=":material/lock_open:",
                    key=f"clear_lock_{picked}",
                    disabled=not failures,
                    help="Forget the failed sign-ins of this username, so they can sign in at once (audited).",
                    on_click=on_clear_lock,
                    args=(who.user_id, picked, name),
                )
                form_result("lock", slots_of["lock"])

            if user["role"] in CHANGEABLE_ROLES:
                with st.container(border=True):
                    st.selectbox(
                        f"Role of {literal(name)}",
                        list(CHANGEABLE_ROLES),
                        index=list(CHANGEABLE_ROLES).index(str(user["role"])),
                        format_func=words.ROLES.get,
                        key=f"role_of_{picked}",
                        help="The last active admin stays an admin: make another user an admin first.",
                    )
                    st.button(
                        "Change role",
                        icon=":material/badge:",
                        key=f"save_role_{picked}",
                        on_click=on_set_role,
                        args=(who.user_id, picked, name),
                    )
                    form_result("role", slots_of["role"])

            with st.container(border=True):
                current_email = scoped.user_email(engine(), who, int(picked)) or ""
                if f"email_of_{picked}" not in st.session_state:
                    st.session_state[f"email_of_{picked}"] = current_email
                st.text_input(
                    f"Single sign-on e-mail of {literal(name)}",
                    key=f"email_of_{picked}",
                    placeholder="name@example.org",
                    help="Signing in with single sign-on (if set up) under this e-mail signs in as this user. "
                    "Leave empty for none.",
                )
                slots_of["email"].under("email")
                st.button(
                    "Save e-mail",
                    icon=":material/alternate_email:",
                    key=f"save_email_{picked}",
                    on_click=on_set_email,
                    args=(who.user_id, picked, name),
                )
                form_result("email", slots_of["email"])

            if user["role"] in STAFF_ROLES:
                with st.container(border=True):
                    st.multiselect(
                        f"Teams {literal(name)} may see",
                        list(team_names),
                        default=[t for t in user["team_ids"] if t in team_names],
                        format_func=team_names.get,
                        key=f"teams_of_{picked}",
                    )
                    st.button(
                        "Save teams",
                        icon=":material/groups:",
                        key=f"save_teams_{picked}",
                        on_click=on_set_teams,
                        args=(who.user_id, picked, name),
                    )
                    form_result("teams", slots_of["teams"])
            elif user["athlete"]:
                st.caption(f"Athlete account of **{literal(user['athlete'])}**.")

            with st.form(f"reset_password_form_{picked}", border=True):
                st.markdown(f"**Reset the password** of {literal(name)}")
                st.text_input(
                    "New password",
                    type="password",
                    key=f"reset_password_{picked}",
                    help=PASSWORD_HELP,
                )
                slots_of["password"].under("password")
                st.text_input("Repeat new password", type="password", key=f"reset_password2_{picked}")
                slots_of["password"].under("password2")
                st.form_submit_button(
                    "Set new password",
                    icon=":material/key:",
                    on_click=on_reset_password,
                    args=(who.user_id, picked, name),
                )
            form_result("password", slots_of["password"])

with teams_tab:
    st.dataframe(
        teams[["name", "sport", "timezone", "athletes", "staff"]],
        hide_index=True,
        width="stretch",
        column_config={
            "name": "Team",
            "sport": "Sport",
            "timezone": st.column_config.TextColumn("Time zone", help="Self-reports are dated in this time zone."),
            "athletes": st.column_config.NumberColumn("Active athletes"),
            "staff": st.column_config.TextColumn("Coaches and therapists"),
        },
    )
    st.caption("Athletes are added by import or with the admin CLI (`python -m data --help`).")
    with st.container(width=520):
        st.subheader("Create a team")
        with st.form("create_team", border=True):
            st.text_input("Team name", key="new_team_name")
            slots_of["team"].under("name")
            st.text_input("Sport", key="new_team_sport", placeholder="e.g. football")
            default_zone = str(teams["timezone"].iloc[0]) if not teams.empty else "UTC"
            st.selectbox(
                "Time zone",
                TIMEZONES,
                index=TIMEZONES.index(default_zone) if default_zone in TIMEZONES else None,
                key="new_team_timezone",
                help="The athletes' local dates (a check-in's 'today') are taken in this time zone.",
            )
            slots_of["team"].under("timezone")
            st.form_submit_button(
                "Create team", type="primary", icon=":material/group_add:", on_click=on_create_team, args=(who.user_id,)
            )
        form_result("team", slots_of["team"])

with erase_tab, st.container(width=620):
    st.subheader("Erase an athlete")
    st.warning(
        "Erasing deletes the athlete, every record of theirs (check-ins, pain, sessions, ROM, injuries, "
        "training, OSTRC, flag reviews) and their user account, for good. **Export their data first** "
        "(Import and export) if they asked for a copy. The audit log keeps one entry with the external id, "
        "not the name.",
        icon=":material/warning:",
    )
    labels = {
        int(a): f"{n} · {e} · {t}"
        for a, n, e, t in zip(
            athletes["athlete_id"], athletes["display_name"], athletes["external_id"], athletes["team"], strict=True
        )
    }
    picked_athlete = st.selectbox(
        "Athlete",
        list(labels),
        index=None,
        format_func=labels.get,
        key="erase_athlete",
        placeholder="Who is to be erased?",
    )
    slots_of["erase"].under("athlete")
    st.text_input(
        "Type the athlete's external id to confirm",
        key="erase_confirm",
        help="The id shown after the name in the list above; erasing cannot be undone.",
    )
    slots_of["erase"].under("confirm")
    st.button(
        "Erase athlete for good",
        type="primary",
        icon=":material/delete_forever:",
        disabled=picked_athlete is None,
        on_click=on_erase_athlete,
        args=(who.user_id,),
    )
    form_result("erase", slots_of["erase"])

abbreviations("OSTRC", "ROM")
