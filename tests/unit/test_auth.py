"""Account security in data/: the sign-in throttle, sign-in auditing, SSO e-mail mapping, the last
admin, erasing an athlete, and the audit log query. Each test runs on SQLite and PostgreSQL.

Argon2id is slow on purpose, so the tests create as few users as they can. Time is passed in
(`now=`), never read from the wall clock.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, func, select, text

from data import pending_saves, queries
from data.access import authenticate, sign_in, sso_sign_in, viewer_for_email
from data.accounts import create_user, set_user_active, set_user_email, set_user_role
from data.auth import FREE_ATTEMPTS, MAX_DELAY_SECONDS, delay_after, failures_of, locked_for, record_failure
from data.errors import ValidationError
from data.models import Athlete, AuditEntry, Base, User
from data.record_writes import save_checkin
from data.roster import create_athlete, create_team, erase_athlete
from data.sessions import create_session

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def audit_rows(engine: Engine) -> list[tuple[str, str | None]]:
    with engine.connect() as connection:
        return [
            tuple(r) for r in connection.execute(select(AuditEntry.action, AuditEntry.detail).order_by(AuditEntry.id))
        ]


def test_delay_grows_after_five_failures_and_is_capped() -> None:
    assert [delay_after(n) for n in range(1, FREE_ATTEMPTS)] == [0] * (FREE_ATTEMPTS - 1)
    assert [delay_after(n) for n in range(FREE_ATTEMPTS, FREE_ATTEMPTS + 4)] == [1, 2, 4, 8]
    assert delay_after(FREE_ATTEMPTS + 40) == MAX_DELAY_SECONDS


def test_unknown_username_is_locked_after_five_failures_and_waits_grow(db_engine: Engine) -> None:
    for n in range(1, FREE_ATTEMPTS):
        attempt = sign_in(db_engine, "nobody", "guess", now=T0 + dt.timedelta(seconds=n))
        assert attempt.viewer is None and attempt.retry_after == 0 and attempt.checked
    fifth = sign_in(db_engine, "nobody", "guess", now=T0 + dt.timedelta(seconds=10))
    assert fifth.retry_after == 1 and fifth.checked
    refused = sign_in(db_engine, "nobody", "guess", now=T0 + dt.timedelta(seconds=10.5))
    assert refused.viewer is None and not refused.checked and refused.retry_after == 1
    assert failures_of(db_engine, "nobody") == FREE_ATTEMPTS, "a refused attempt is not counted again"
    sixth = sign_in(db_engine, "nobody", "guess", now=T0 + dt.timedelta(seconds=12))
    assert sixth.checked and sixth.retry_after == 2
    assert locked_for(db_engine, "nobody", now=T0 + dt.timedelta(seconds=13)) == 1
    assert locked_for(db_engine, "nobody", now=T0 + dt.timedelta(seconds=14)) == 0
    actions = [a for a, _ in audit_rows(db_engine)]
    assert actions.count("sign_in_failed") == FREE_ATTEMPTS + 1 and actions.count("sign_in_refused") == 1


def test_known_user_is_locked_like_an_unknown_one_and_success_resets(db_engine: Engine) -> None:
    create_user(db_engine, "boss", "correct-horse", "admin")
    for n in range(FREE_ATTEMPTS):
        sign_in(db_engine, "boss", "wrong-horse", now=T0 + dt.timedelta(seconds=n))
    locked = sign_in(db_engine, "boss", "correct-horse", now=T0 + dt.timedelta(seconds=FREE_ATTEMPTS - 0.5))
    assert locked.viewer is None and not locked.checked, "even the right password waits out the delay"
    later = sign_in(db_engine, "boss", "correct-horse", now=T0 + dt.timedelta(minutes=5))
    assert later.viewer is not None and later.viewer.username == "boss"
    assert failures_of(db_engine, "boss") == 0
    details = audit_rows(db_engine)
    assert ("sign_in", "boss: password") in details
    assert ("sign_in_failed", "boss") in details


def test_failures_are_shared_between_engines_like_two_app_processes(db_engine: Engine) -> None:
    """Two engines on one database stand for two app processes: they add up to one count."""
    from data.db import make_engine

    other = make_engine(db_engine.url.render_as_string(hide_password=False))
    try:
        for n in range(FREE_ATTEMPTS - 1):
            record_failure(db_engine if n % 2 else other, "shared", now=T0)
        assert record_failure(other, "shared", now=T0) == 1
        assert locked_for(db_engine, "shared", now=T0) == 1
    finally:
        other.dispose()


def test_old_failures_are_forgotten_after_a_day(db_engine: Engine) -> None:
    for _ in range(FREE_ATTEMPTS + 2):
        record_failure(db_engine, "sleepy", now=T0)
    assert record_failure(db_engine, "sleepy", now=T0 + dt.timedelta(days=2)) == 0
    assert failures_of(db_engine, "sleepy") == 1


def test_deactivated_user_cannot_sign_in(db_engine: Engine) -> None:
    admin = create_user(db_engine, "boss", "correct-horse", "admin")
    coach = create_user(db_engine, "coach", "whistle-blow", "coach")
    set_user_active(db_engine, coach, False, actor_id=admin)
    assert authenticate(db_engine, "coach", "whistle-blow") is None
    assert sign_in(db_engine, "coach", "whistle-blow", now=T0).viewer is None
    set_user_email(db_engine, coach, "Coach@Example.org", actor_id=admin)
    assert viewer_for_email(db_engine, "coach@example.org") is None, "nor by single sign-on"


def test_the_last_active_admin_cannot_be_deactivated_or_demoted(db_engine: Engine) -> None:
    first = create_user(db_engine, "first", "correct-horse", "admin")
    with pytest.raises(ValidationError, match="last active admin"):
        set_user_active(db_engine, first, False)
    with pytest.raises(ValidationError, match="last active admin"):
        set_user_role(db_engine, first, "coach")
    second = create_user(db_engine, "second", "correct-horse", "therapist")
    set_user_role(db_engine, second, "admin", actor_id=first)
    set_user_role(db_engine, first, "coach", actor_id=second)
    with pytest.raises(ValidationError, match="last active admin"):
        set_user_active(db_engine, second, False, actor_id=None)
    with db_engine.connect() as connection:
        roles = dict(connection.execute(select(User.username, User.role)).all())
    assert roles == {"first": "coach", "second": "admin"}
    with pytest.raises(ValidationError, match="athlete account|not one of"):
        set_user_role(db_engine, second, "athlete")


def test_sso_maps_the_email_case_insensitively_and_refuses_an_unknown_one(db_engine: Engine) -> None:
    admin = create_user(db_engine, "boss", "correct-horse", "admin")
    therapist = create_user(db_engine, "physio", "correct-horse", "therapist")
    set_user_email(db_engine, therapist, "  Physio@Clinic.EXAMPLE ", actor_id=admin)
    who = sso_sign_in(db_engine, "physio@clinic.example")
    assert who is not None and who.user_id == therapist and who.role == "therapist"
    assert sso_sign_in(db_engine, "PHYSIO@clinic.example") is not None
    assert sso_sign_in(db_engine, "stranger@clinic.example") is None
    assert sso_sign_in(db_engine, None) is None
    with pytest.raises(ValidationError, match="already the e-mail of physio"):
        set_user_email(db_engine, admin, "physio@clinic.example", actor_id=admin)
    with pytest.raises(ValidationError, match="not an e-mail"):
        set_user_email(db_engine, admin, "no-at-sign", actor_id=admin)
    set_user_email(db_engine, therapist, "", actor_id=admin)
    assert sso_sign_in(db_engine, "physio@clinic.example") is None
    details = audit_rows(db_engine)
    assert ("sign_in", "physio: single sign-on") in details
    assert ("sign_in_failed", "single sign-on: no active user has 'stranger@clinic.example'") in details


def test_erase_athlete_deletes_every_record_and_account_and_keeps_an_entry(db_engine: Engine) -> None:
    admin = create_user(db_engine, "boss", "correct-horse", "admin")
    team = create_team(db_engine, "Harbour", timezone="UTC")
    keep = create_athlete(db_engine, team, "Kept Keeper", "K-1")
    gone = create_athlete(db_engine, team, "Secret Name", "E-7")
    account = create_user(db_engine, "e7", "correct-horse", "athlete", athlete_id=gone)
    day = dt.date(2026, 3, 2)
    for athlete, actor in ((keep, admin), (gone, account)):
        save_checkin(db_engine, athlete, day, {"fatigue": 3, "soreness": 2}, [], actor_id=actor)
    create_session(db_engine, account)  # rows that belong to the account itself go with it
    pending_saves.begin(db_engine, account, "checkin", {"checkin_mood": 4})

    assert erase_athlete(db_engine, gone, actor_id=admin) == "E-7"

    with db_engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if "athlete_id" in table.c:
                left = connection.scalar(select(func.count()).select_from(table).where(table.c.athlete_id == gone))
                assert left == 0, table.name
        assert connection.scalar(select(func.count()).select_from(User).where(User.id == account)) == 0
        assert connection.scalar(select(Athlete.id).where(Athlete.id == keep)) == keep
        kept = connection.scalar(text("SELECT count(*) FROM wellness_checkins WHERE athlete_id = :a"), {"a": keep})
        assert kept == 1
        entry = connection.execute(
            select(AuditEntry.user_id, AuditEntry.detail).where(AuditEntry.action == "erase")
        ).one()
        own_entries = connection.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.user_id == account)
        )
    assert entry.user_id == admin and entry.detail.startswith("erased athlete E-7")
    assert "Secret" not in entry.detail
    assert own_entries == 0, "the erased account's own audit entries are unlinked, not kept pointing at it"
    with pytest.raises(ValidationError, match="not a known athlete"):
        erase_athlete(db_engine, gone, actor_id=admin)


def test_audit_log_pages_newest_first_and_filters(db_engine: Engine) -> None:
    admin = create_user(db_engine, "boss", "correct-horse", "admin")
    for n in range(7):
        create_team(db_engine, f"Team {n}", actor_id=admin)
    sign_in(db_engine, "ghost", "guess", now=T0)

    everything, total = queries.audit_log(db_engine, limit=3)
    assert total == 9 and len(everything) == 3
    assert list(everything.columns) == [
        "at",
        "username",
        "role",
        "action",
        "table_name",
        "record_id",
        "detail",
        "subject",
    ]
    assert everything["action"].iloc[0] == "sign_in_failed" and everything["username"].iloc[0] == ""
    second, _ = queries.audit_log(db_engine, offset=3, limit=3)
    assert list(second["detail"]) == ["Team 4", "Team 3", "Team 2"]

    teams, count = queries.audit_log(db_engine, user_ids=[admin], actions=["create"], limit=50)
    assert count == 7 and set(teams["table_name"]) == {"teams"}
    assert queries.audit_log(db_engine, detail_contains="GHOST")[1] == 1
    assert queries.audit_log(db_engine, detail_contains="50%")[1] == 0, "wildcards are matched literally"
    today = dt.datetime.now(dt.UTC).date()
    assert queries.audit_log(db_engine, start=today - dt.timedelta(days=1), end=today + dt.timedelta(days=1))[1] == 9
    assert queries.audit_log(db_engine, end=dt.date(2000, 1, 1))[1] == 0
    assert queries.audit_actions(db_engine) == ["create", "sign_in_failed"]


def test_the_first_admin_can_only_be_created_while_no_user_exists(db_engine: Engine) -> None:
    """The first-run screen's account: refused in the write transaction once any user exists."""
    create_user(db_engine, "first", "a-long-password", "admin", first=True)
    with pytest.raises(ValidationError, match="already has users"):
        create_user(db_engine, "intruder", "a-long-password", "admin", first=True)
    with db_engine.connect() as connection:
        assert connection.scalars(select(User.username)).all() == ["first"]
