"""data/scoped.py on both backends: every record type cut to the viewer's athletes and fields.

The organisation is `tests.factories.build_org`'s, which tests/app/test_access_matrix.py shares: every
clinical note in it holds `NOTE_MARKER`, so a leak can be searched for.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pandas as pd
import pytest
from sqlalchemy import Engine, update

from data import access, scoped
from data.access import Viewer
from data.models import User
from data.time_series import TIME_SERIES
from tests.factories import ACCOUNTS, CLINICAL, NOTE_MARKER, Org, build_org

CLINICAL_TABLES = {table for table, series in TIME_SERIES.items() if series.clinical}

#: Every per-athlete record type, as (name, call) with a common signature.
RECORD_TYPES = {
    "athletes": lambda e, v, ids: scoped.athletes(e, v, ids),
    "checkins": lambda e, v, ids: scoped.checkins(e, v, ids),
    "pain_reports": lambda e, v, ids: scoped.pain_reports(e, v, ids),
    "therapy_sessions": lambda e, v, ids: scoped.therapy_sessions(e, v, ids),
    "rom_measurements": lambda e, v, ids: scoped.rom_measurements(e, v, ids),
    "injuries": lambda e, v, ids: scoped.injuries(e, v, ids),
    "training_sessions": lambda e, v, ids: scoped.training_sessions(e, v, ids),
    "ostrc_responses": lambda e, v, ids: scoped.ostrc_responses(e, v, ids),
    "flag_reviews": lambda e, v, ids: scoped.flag_reviews(e, v, ids),
}


def holds_marker(frame: pd.DataFrame) -> bool:
    text = frame.select_dtypes(include=["object", "string"])
    return bool(text.apply(lambda column: column.astype(str).str.contains(NOTE_MARKER, regex=False)).any().any())


@pytest.fixture
def org(db_engine: Engine) -> Org:
    return build_org(db_engine)


def viewer_of(engine: Engine, org: Org, account: str) -> Viewer:
    who = access.viewer(engine, org.users[account])
    assert who is not None
    return who


def test_every_record_type_holds_only_the_viewers_athletes_and_fields(db_engine: Engine, org: Org) -> None:
    everyone = {a for ids in org.teams.values() for a in ids}
    for account, kind in itertools.product(ACCOUNTS, RECORD_TYPES):
        who = viewer_of(db_engine, org, account)
        mine = org.athletes_of(account)
        read = RECORD_TYPES[kind]
        for requested in (None, sorted(everyone), sorted(everyone - mine)):
            frame = read(db_engine, who, requested)
            got = set(frame["athlete_id"].astype(int))
            wanted = mine if requested is None else mine & set(requested)
            if kind in ("athletes", "flag_reviews", "checkins"):
                assert got == wanted, (account, kind, requested)  # every athlete has these rows in the demo
            else:
                assert got <= wanted, (account, kind, requested)
            notes = {"notes", "note"} & set(frame.columns)
            if account in CLINICAL:
                if kind in CLINICAL_TABLES and wanted:
                    assert notes and holds_marker(frame), (account, kind)
            else:
                assert not notes, (account, kind, frame.columns)
                assert not holds_marker(frame), (account, kind)


def test_a_request_wholly_outside_the_scope_is_empty_with_the_usual_columns(db_engine: Engine, org: Org) -> None:
    who = viewer_of(db_engine, org, "athlete")
    other = org.own_athlete["athlete_b"]
    for kind, read in RECORD_TYPES.items():
        own = read(db_engine, who, [org.own_athlete["athlete"]])
        foreign = read(db_engine, who, [other])
        assert foreign.empty, kind
        assert list(foreign.columns) == list(own.columns), kind
    assert scoped.athlete_scope(db_engine, who, [other]) == []


def test_dates_still_filter_within_the_scope(db_engine: Engine, org: Org) -> None:
    who = viewer_of(db_engine, org, "coach_b")
    whole = scoped.checkins(db_engine, who)
    last = whole["date"].max().date()
    week = scoped.checkins(db_engine, who, None, last - dt.timedelta(days=6), last)
    assert not week.empty
    assert week["date"].min() >= pd.Timestamp(last - dt.timedelta(days=6))
    assert set(week["athlete_id"]) <= org.athletes_of("coach_b")


def test_teams_users_counts_and_audit_follow_the_scope(db_engine: Engine, org: Org) -> None:
    admin_audit = scoped.audit_entries(db_engine, viewer_of(db_engine, org, "admin"))
    assert not admin_audit.empty
    for account in ACCOUNTS:
        who = viewer_of(db_engine, org, account)
        assert set(scoped.teams(db_engine, who)["team_id"]) == org.teams_of(account), account
        foreign_teams = set(org.teams) - org.teams_of(account)
        assert scoped.teams(db_engine, who, foreign_teams).empty, account
        directory = scoped.users(db_engine, who)
        audit = scoped.audit_entries(db_engine, who)
        if account == "admin":
            assert set(directory["user_id"]) == set(org.users.values())
        else:
            assert list(directory["user_id"]) == [org.users[account]], account
            assert audit.empty and list(audit.columns) == list(admin_audit.columns), account
        entries, total = scoped.audit_log(db_engine, who)
        assert (total > 0 and not entries.empty) if account == "admin" else (total == 0 and entries.empty), account
        assert bool(scoped.audit_actions(db_engine, who)) == (account == "admin"), account
        counts = scoped.record_counts(db_engine, who)
        assert counts["wellness_checkins"] == len(scoped.checkins(db_engine, who)), account
        assert counts["therapy_sessions"] == len(scoped.therapy_sessions(db_engine, who)), account


def test_sso_email_only_for_an_admin_or_oneself(db_engine: Engine, org: Org) -> None:
    with db_engine.begin() as connection:
        for account in ACCOUNTS:
            connection.execute(update(User).where(User.id == org.users[account]).values(email=f"{account}@example.org"))
    admin_id = org.users["admin"]
    for account in ACCOUNTS:
        who = viewer_of(db_engine, org, account)
        assert scoped.user_email(db_engine, who, org.users[account]) == f"{account}@example.org"
        theirs = scoped.user_email(db_engine, who, admin_id)
        assert theirs == ("admin@example.org" if account == "admin" else None), account


def test_a_viewer_of_an_unknown_role_sees_nothing(db_engine: Engine, org: Org) -> None:
    stranger = Viewer(user_id=999, username="nobody", role="guest")
    assert scoped.athletes(db_engine, stranger).empty
    assert scoped.pain_reports(db_engine, stranger).empty
    assert scoped.athlete_scope(db_engine, stranger) == []


def test_reference_data_is_the_same_for_everyone(db_engine: Engine, org: Org) -> None:
    assert not scoped.rom_norms(db_engine).empty
    day = scoped.newest_data_day(db_engine)
    assert isinstance(day, dt.date)
