"""Sign-in hardening (issue 19, sections 4 and 5): the throttle's check-verify-record step is atomic
under parallel attempts, an over-long typed username writes nothing, an admin clears a lock (audited),
passwords that are common or hold the username are refused, and error details stay off the browser.

Database tests run on SQLite and PostgreSQL (`db_engine`). Parallel attempts run on real threads,
each with an engine of its own (as separate app processes would), released together by a barrier;
argon2 releases the GIL while it hashes, so the verifications really overlap.
"""

from __future__ import annotations

import datetime as dt
import threading
import tomllib
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, func, select, text

import data.access
from data.access import SignIn, sign_in
from data.accounts import create_user, set_password
from data.auth import (
    FREE_ATTEMPTS,
    MAX_USERNAME_LENGTH,
    clear_sign_in_lock,
    failures_of,
    is_common_password,
    locked_for,
    password_problem,
    record_failure,
)
from data.db import ROOT, make_engine
from data.errors import ValidationError
from data.models import AuditEntry, Base, SignInFailure, User

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
PARALLEL = 12


@pytest.fixture
def verify_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts every password verification sign-in makes (one per checked attempt, known user or not)."""
    calls: list[int] = []
    lock = threading.Lock()
    real = data.access.verify_password

    def counting(password_hash: str, password: str) -> bool:
        with lock:
            calls.append(1)
        return real(password_hash, password)

    monkeypatch.setattr(data.access, "verify_password", counting)
    return calls


def in_parallel(db_engine: Engine, attempt: Callable[[Engine], SignIn], n: int = PARALLEL) -> list[SignIn]:
    """Run `attempt` on `n` threads at once, each with its own engine on `db_engine`'s database."""
    url = db_engine.url.render_as_string(hide_password=False)
    engines = [make_engine(url) for _ in range(n)]
    for engine in engines:  # connect first, so the barrier releases attempts, not connection set-up
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    barrier = threading.Barrier(n)
    results: list[SignIn | BaseException] = [RuntimeError("did not run")] * n

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = attempt(engines[i])
        except BaseException as error:  # reported below, in the test's thread
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for engine in engines:
        engine.dispose()
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors
    return results  # type: ignore[return-value]


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table.name: connection.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


def storage_size(engine: Engine) -> int:
    """The database's size: SQLite pages in use, or PostgreSQL's bytes for this schema's tables."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            return int(connection.exec_driver_sql("PRAGMA page_count").scalar_one())
        return int(
            connection.execute(
                text(
                    "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = current_schema() AND c.relkind = 'r'"
                )
            ).scalar_one()
        )


# --------------------------------------------------------------------------- the throttle race


def test_parallel_attempts_right_after_a_lock_expires_verify_one_password(
    db_engine: Engine, verify_calls: list[int]
) -> None:
    """12 wrong passwords at once, the moment a lock ends: the first counted sets the next lock, and
    the other 11 are refused without their password being verified (the issue saw 8 verified)."""
    create_user(db_engine, "boss", "correct-horse", "admin")
    for _ in range(FREE_ATTEMPTS):
        record_failure(db_engine, "boss", now=T0)
    assert locked_for(db_engine, "boss", now=T0) == 1
    after = T0 + dt.timedelta(seconds=2)  # the 1-second lock has expired

    results = in_parallel(db_engine, lambda engine: sign_in(engine, "boss", "wrong-horse", now=after))

    assert len(verify_calls) == 1, f"{len(verify_calls)} passwords verified after the lock expired"
    checked = [r for r in results if r.checked]
    assert len(checked) == 1 and checked[0].viewer is None and checked[0].retry_after == 2
    assert all(r.retry_after > 0 and r.viewer is None for r in results if not r.checked)
    assert failures_of(db_engine, "boss") == FREE_ATTEMPTS + 1, "refused attempts are not counted"
    with db_engine.connect() as connection:
        actions = connection.scalars(select(AuditEntry.action)).all()
    assert actions.count("sign_in_failed") == 1 and actions.count("sign_in_refused") == PARALLEL - 1


def test_parallel_attempts_on_a_fresh_username_verify_at_most_the_free_attempts(
    db_engine: Engine, verify_calls: list[int]
) -> None:
    results = in_parallel(db_engine, lambda engine: sign_in(engine, "nobody", "guess-guess", now=T0))
    assert len(verify_calls) == FREE_ATTEMPTS
    assert sum(r.checked for r in results) == FREE_ATTEMPTS
    assert failures_of(db_engine, "nobody") == FREE_ATTEMPTS
    assert locked_for(db_engine, "nobody", now=T0) == 1


def test_the_right_password_still_signs_in_and_clears_the_count(db_engine: Engine, verify_calls: list[int]) -> None:
    create_user(db_engine, "boss", "correct-horse", "admin")
    for n in range(FREE_ATTEMPTS - 1):
        assert sign_in(db_engine, "boss", "wrong-horse", now=T0 + dt.timedelta(seconds=n)).retry_after == 0
    done = sign_in(db_engine, "boss", "correct-horse", now=T0 + dt.timedelta(seconds=10))
    assert done.viewer is not None and done.viewer.username == "boss"
    assert failures_of(db_engine, "boss") == 0 and len(verify_calls) == FREE_ATTEMPTS


# --------------------------------------------------------------------------- over-long usernames


def test_an_over_long_username_is_refused_before_anything_is_written(
    db_engine: Engine, verify_calls: list[int]
) -> None:
    """The issue's 10 MB username grew the database by 21 MB through the audit log."""
    before, size = row_counts(db_engine), storage_size(db_engine)
    huge = "u" * (10 * 1024 * 1024)
    for typed in (huge, "x" * (MAX_USERNAME_LENGTH + 1), "  " + "y" * (MAX_USERNAME_LENGTH + 1) + "  "):
        for _ in range(FREE_ATTEMPTS + 1):
            attempt = sign_in(db_engine, typed, "a-password", now=T0)
            assert attempt == SignIn(None, 0, checked=False, too_long=True)
    assert row_counts(db_engine) == before, "no audit row, no failure row"
    assert storage_size(db_engine) == size
    assert not verify_calls


def test_a_username_of_the_longest_allowed_length_is_throttled_as_before(db_engine: Engine) -> None:
    longest = "z" * MAX_USERNAME_LENGTH
    attempt = sign_in(db_engine, longest, "a-password", now=T0)
    assert attempt.checked and not attempt.too_long
    assert failures_of(db_engine, longest) == 1
    with db_engine.connect() as connection:
        assert connection.scalar(select(SignInFailure.username)) == longest


# --------------------------------------------------------------------------- the admin clears a lock


def test_an_admin_clears_a_lock_and_the_audit_log_says_who(db_engine: Engine) -> None:
    admin = create_user(db_engine, "boss", "correct-horse", "admin")
    coach = create_user(db_engine, "coach", "whistle-and-board", "coach")
    for n in range(FREE_ATTEMPTS + 4):  # someone else keeps the coach locked out
        record_failure(db_engine, "coach", now=T0 + dt.timedelta(seconds=n))
    assert locked_for(db_engine, "coach", now=T0 + dt.timedelta(seconds=9)) > 0
    refused = sign_in(db_engine, "coach", "whistle-and-board", now=T0 + dt.timedelta(seconds=9))
    assert refused.viewer is None and not refused.checked

    assert clear_sign_in_lock(db_engine, "coach", admin, coach) == FREE_ATTEMPTS + 4
    assert failures_of(db_engine, "coach") == 0
    assert locked_for(db_engine, "coach", now=T0 + dt.timedelta(seconds=9)) == 0
    signed_in = sign_in(db_engine, "coach", "whistle-and-board", now=T0 + dt.timedelta(seconds=9))
    assert signed_in.viewer is not None and signed_in.viewer.user_id == coach
    with db_engine.connect() as connection:
        entry = connection.execute(
            select(AuditEntry.user_id, AuditEntry.record_id, AuditEntry.detail).where(
                AuditEntry.action == "clear_sign_in_lock"
            )
        ).one()
    assert tuple(entry) == (admin, coach, f"coach: {FREE_ATTEMPTS + 4} failed sign-ins cleared")


def test_clearing_a_username_without_failures_is_audited_and_harmless(db_engine: Engine) -> None:
    admin = create_user(db_engine, "boss", "correct-horse", "admin")
    assert clear_sign_in_lock(db_engine, "nobody", admin) == 0
    with db_engine.connect() as connection:
        assert connection.scalar(select(AuditEntry.detail).where(AuditEntry.action == "clear_sign_in_lock")) == (
            "nobody: 0 failed sign-ins cleared"
        )


# --------------------------------------------------------------------------- passwords


@pytest.mark.parametrize("password", ["password123", "Password1", "QWERTY123", "iloveyou", "football", "Liverpool1"])
def test_common_passwords_are_refused_case_insensitively(password: str) -> None:
    assert is_common_password(password)
    assert password_problem(password) == (
        "is one of the most common passwords, which attackers try first: choose a less common one"
    )


@pytest.mark.parametrize(
    ("username", "password", "problem"),
    [
        ("j.smith", "J.SMITH1", "contains"),
        ("j.smith", "smithy-and-jones", None),
        ("j.smith1", "J.SMITH1", "contains"),
        ("rowing-coach", "Rowing-Coach", "contains"),
        ("rowing-coach", "my-rowing-coach-pw", "contains"),
        ("rowing-coach", "ROWING-COACH!!", "contains"),
        ("rowing-coach-of-the-harbour", "rowing-coach", "is part of"),
        ("jo", "jolly-roger-9", None),  # too short a username to refuse inside a password
        ("harbour", "oars-and-water", None),
    ],
)
def test_the_username_is_refused_as_or_inside_a_password(username: str, password: str, problem: str | None) -> None:
    found = password_problem(password, username)
    if problem is None:
        assert found is None
    else:
        assert found is not None and found.startswith(problem) and "username" in found


def test_the_common_password_list_is_the_shipped_one() -> None:
    from data.auth import _common_passwords

    passwords = _common_passwords()
    assert len(passwords) == 19_640
    assert all(p == p.lower() for p in passwords)
    assert (ROOT / "data" / "reference" / "README.md").read_text().count("common-passwords.txt.gz") >= 2


def test_create_user_refuses_common_passwords_and_the_username(db_engine: Engine) -> None:
    cases = [
        ("rowing-coach", "password123", "most common"),
        ("rowing-coach", "Rowing-Coach", "contains the username"),
        ("rowing-coach", "rowing-coach-2026", "contains the username"),
    ]
    for username, password, reason in cases:
        with pytest.raises(ValidationError, match=reason) as refused:
            create_user(db_engine, username, password, "coach")
        assert refused.value.field == "password" and password not in str(refused.value)
    with pytest.raises(ValidationError, match="most common"):
        create_user(db_engine, "first-admin", "Iloveyou1", "admin", first=True)  # the first-run screen's call
    with db_engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(User)) == 0


def test_a_password_reset_refuses_common_passwords_and_the_username(db_engine: Engine) -> None:
    coach = create_user(db_engine, "rowing-coach", "oars-and-water", "coach")
    with db_engine.connect() as connection:
        before = connection.scalar(select(User.password_hash).where(User.id == coach))
    for password, reason in [("letmein1", "most common"), ("ROWING-COACH-1", "contains the username")]:
        with pytest.raises(ValidationError, match=reason):
            set_password(db_engine, coach, password)
    with pytest.raises(ValidationError, match="not a known user"):
        set_password(db_engine, coach + 100, "tide-and-current")
    with db_engine.connect() as connection:
        assert connection.scalar(select(User.password_hash).where(User.id == coach)) == before
    set_password(db_engine, coach, "tide-and-current")
    assert data.access.authenticate(db_engine, "rowing-coach", "tide-and-current") is not None


# --------------------------------------------------------------------------- error details


def test_error_details_never_reach_the_browser() -> None:
    """Streamlit shows uncaught exceptions' type, message and traceback by default ("full")."""
    import streamlit.config as config

    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    value = settings["client"]["showErrorDetails"]
    assert value == "none"
    assert value in {option.value for option in config.ShowErrorDetailsConfigOptions}
