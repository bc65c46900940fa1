"""One flag as a card with its Close button: the same card, widget key and closing on every page that
shows flags with a Close button (*Caseload*, *Athlete progress*).

A flag is named by its whole identity (`analytics.flags.FLAG_IDENTITY`: athlete, date, kind, region, side,
measure), so two flags never share a widget key and closing one never closes another. Text that people or
data wrote (names, measures, rules, values) is shown literally: Markdown and HTML in it are never
interpreted.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from analytics.flags import FLAG_IDENTITY
from data.access import Viewer
from data.errors import ValidationError
from data.record_writes import close_flag
from ui import loaders
from ui.session import engine
from ui.text import literal
from views import words

#: Roles that may close a flag; `data.record_writes.close_flag` then checks the athlete is in the closer's scope.
CLOSING_ROLES: tuple[str, ...] = ("therapist", "admin")
MESSAGE_KEY = "flag_close_message"
CLOSE_KEY_PREFIX = "close_"
#: The Markdown badge colour of each flag level.
BADGE_COLOURS: dict[str, str] = {"red": "red", "amber": "orange"}


def level_badge(level: str) -> str:
    """A flag level as a Markdown badge, its word (`views.words.FLAG_LEVELS`) written in the colour, so
    colour is never the only cue; the same on every page that shows flags."""
    return f":{BADGE_COLOURS[level]}-badge[{words.FLAG_LEVELS[level]}]"


def _identity_text(value: object) -> str:
    """A region, side or measure of the identity as text; missing = "" (as `flag_reviews` stores it)."""
    return "" if pd.isna(value) else str(value)


def flag_key(flag: Mapping[str, Any]) -> str:
    """The flag's identity (`FLAG_IDENTITY`) as one text, unique per flag: a JSON list of athlete id, day
    (``YYYY-MM-DD``), kind, region, side and measure, a missing region, side or measure as ""."""
    identity: dict[str, object] = {column: _identity_text(flag[column]) for column in FLAG_IDENTITY}
    identity.update(athlete_id=int(flag["athlete_id"]), date=f"{pd.Timestamp(flag['date']):%Y-%m-%d}")
    return json.dumps([identity[column] for column in FLAG_IDENTITY])


def flag_title(flag: Mapping[str, Any]) -> str:
    """The flag's label and where, as a person reads it: "ROM asymmetry — shoulder internal rotation"."""
    where = _identity_text(flag["where"])
    return f"{flag['label']} — {where}" if where else str(flag["label"])


def _close(flag: dict[str, Any], name: str, scope: list[int], actor_id: int) -> None:
    """The Close button's callback: record the closing (`data.record_writes.close_flag`), drop the cached frames
    so the flag leaves every list, and leave the outcome for `show_close_message`."""
    day = pd.Timestamp(flag["date"])
    try:
        close_flag(
            engine(),
            int(flag["athlete_id"]),
            day.date(),
            str(flag["kind"]),
            _identity_text(flag["body_region"]),
            _identity_text(flag["side"]),
            _identity_text(flag["measure"]),
            actor_id=actor_id,
            allowed_athlete_ids=scope,
        )
    except ValidationError as error:
        st.session_state[MESSAGE_KEY] = ("error", f"Not closed — {literal(error)}.")
        return
    loaders.clear()
    st.session_state[MESSAGE_KEY] = (
        "success",
        f"Closed: “{literal(flag_title(flag))}” for {literal(name)} ({day:%Y-%m-%d}).",
    )


def show_close_message() -> None:
    """The outcome of the last Close click (its callback ran before this run), shown once."""
    message = st.session_state.pop(MESSAGE_KEY, None)
    if message is not None:
        (st.success if message[0] == "success" else st.error)(message[1])


def flag_card(flag: Mapping[str, Any], name: str, who: Viewer, scope: Sequence[int]) -> None:
    """One flag (a row of `views.flags.describe_flags`): its level, label, where and date; the rule,
    the values that tripped it and the baseline size; and, for the roles in `CLOSING_ROLES`, a Close button
    keyed by `flag_key`. `name` is the athlete's display name; `scope` the athlete ids `who` may close."""
    text, action = st.columns([6, 1], vertical_alignment="center")
    day = pd.Timestamp(flag["date"])
    text.markdown(f"{level_badge(str(flag['severity']))} **{literal(flag_title(flag))}** · {day:%Y-%m-%d}")
    baseline = f" · baseline n = {flag['baseline_n']}" if pd.notna(flag["baseline_n"]) else ""
    text.caption(literal(f"Rule: {flag['rule']}. Values: {flag['values']}{baseline}"))
    if who.role in CLOSING_ROLES:
        action.button(
            "Close",
            key=CLOSE_KEY_PREFIX + flag_key(flag),
            icon=":material/check:",
            on_click=_close,
            args=(dict(flag), name, list(scope), who.user_id),
            help="Mark this flag as seen and dealt with.",
        )
