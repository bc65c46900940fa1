"""data/scoped.py on both backends: every record type cut to the viewer's athletes and fields.

`build_org` makes the organisation the access tests share (tests/app/test_access_matrix.py too): the
small demo (two teams, a coach and a therapist of both), one athlete moved with all their records to a
third team nobody but the admin sees, plus a coach of the second team only, a therapist of the first
team only and an athlete account of the other team than the demo athlete's; every athlete renamed to a
unique marker name, and every clinical note (therapy, injury, flag review) holding `NOTE_MARKER`, so a
leak can be searched for.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import pandas as pd
import pytest
from sqlalchemy import Engine, select, update

from data import access, scoped
from data.access import Viewer
from data.demo import load_demo
from data.models import Athlete, Injury, TherapySession, User
from data.writes import close_flag, create_team, create_user

NOTE_MARKER = "CLINICAL-NOTE-MARKER-q7x"
PASSWORD = "access-matrix-pw"


@dataclass(frozen=True)
class Org:
    """Who is who in `build_org`'s organisation: user ids by account name, athlete ids by team."""

    users: dict[str, int]
    teams: dict[int, list[int]]  # team_id -> its athlete ids
    names: dict[int, str]  # athlete_id -> display name (unique, no name contains another)
    user_teams: dict[str, list[int]]  # account -> the teams it may see (every team for admin)
    own_athlete: dict[str, int]  # athlete account -> its athlete id

    def athletes_of(self, account: str) -> set[int]:
        """The athletes `account` may see, worked out from the organisation, not from data.access."""
        if account in self.own_athlete:
            return {self.own_athlete[account]}
        return {a for t in self.user_teams[account] for a in self.teams[t]}

    def teams_of(self, account: str) -> set[int]:
        if account in self.own_athlete:
            return {t for t, ids in self.teams.items() if self.own_athlete[account] in ids}
        return set(self.user_teams[account])


def marker_name(athlete_id: int) -> str:
    return f"Zq{athlete_id:04d}Name"


def build_org(engine: Engine, athletes: int = 8, days: int = 60) -> Org:
    """The demo organisation with the extra accounts and planted notes described in the module docstring."""
    load_demo(engine, athletes=athletes, days=days, seed=3)
    with engine.begin() as connection:
        rows = connection.execute(select(Athlete.id, Athlete.team_id).order_by(Athlete.id)).all()
        for athlete_id, _ in rows:
            connection.execute(
                update(Athlete).where(Athlete.id == athlete_id).values(display_name=marker_name(athlete_id))
            )
        for model in (TherapySession, Injury):
            connection.execute(update(model).values(notes=NOTE_MARKER + " " + model.__tablename__))
        demo = dict(connection.execute(select(User.username, User.id)).all())
        demo_athlete = connection.scalar(select(User.athlete_id).where(User.username == "athlete"))
    teams: dict[int, list[int]] = {}
    for athlete_id, team_id in rows:
        teams.setdefault(int(team_id), []).append(int(athlete_id))
    first, second = sorted(teams)
    home = next(t for t, ids in teams.items() if demo_athlete in ids)
    away = second if home == first else first
    other_athlete = teams[away][0]
    outsider = next(a for a in teams[first] if a != demo_athlete)
    third = create_team(engine, "Zq Outsiders", "rowing", "UTC")
    with engine.begin() as connection:
        connection.execute(update(Athlete).where(Athlete.id == outsider).values(team_id=third))
    teams[first].remove(outsider)
    teams[third] = [outsider]
    users = {
        "admin": demo["admin"],
        "coach": demo["coach"],
        "therapist": demo["therapist"],
        "athlete": demo["athlete"],
        "coach_b": create_user(engine, "coach-b", PASSWORD, "coach", team_ids=[second]),
        "therapist_a": create_user(engine, "therapist-a", PASSWORD, "therapist", team_ids=[first]),
        "athlete_b": create_user(engine, "athlete-b", PASSWORD, "athlete", athlete_id=other_athlete),
    }
    day = dt.date(2000, 1, 3)
    for athlete_id, _ in rows:
        close_flag(engine, athlete_id, day, "no_checkin", note=f"{NOTE_MARKER} flag", actor_id=users["therapist"])
    staffed = [first, second]
    return Org(
        users=users,
        teams=teams,
        names={a: marker_name(a) for a, _ in rows},
        user_teams={
            "admin": sorted(teams),
            "coach": staffed,
            "therapist": staffed,
            "coach_b": [second],
            "therapist_a": [first],
        },
        own_athlete={"athlete": int(demo_athlete), "athlete_b": other_athlete},
    )


ACCOUNTS = ["admin", "coach", "therapist", "athlete", "coach_b", "therapist_a", "athlete_b"]
CLINICAL = {"admin", "therapist", "therapist_a"}

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
                if kind in scoped.CLINICAL_COLUMNS and wanted:
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
