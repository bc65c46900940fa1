"""Password hashing (argon2id via argon2-cffi), the sign-in throttle, and e-mail normalising for SSO.

No plaintext or reversible password is stored anywhere: only argon2id hashes.

The throttle: after `FREE_ATTEMPTS` failed sign-ins for one username (known or not, so the
answer never tells which), each further failure refuses that username for a growing delay,
2^(n - FREE_ATTEMPTS) seconds after the n-th failure, capped at `MAX_DELAY_SECONDS`. The counts
live in the database (`sign_in_failures`), so every app process agrees; the server never sleeps,
it refuses attempts until the stored time. A success, or `FORGET_AFTER` without a failure,
starts the count afresh; so does an admin clearing the lock (`clear_sign_in_lock`, audited).

Check, verify and record are atomic per username: `begin_attempt` checks the lock and counts the
attempt as a failure in one write transaction (the username's row locked FOR UPDATE on PostgreSQL;
SQLite's BEGIN IMMEDIATE takes the write lock) before the password is verified, and a success then
deletes the count. So when a lock expires and many attempts arrive at once, the first one counted
sets the next lock and the others are refused unverified: at most one password is checked per lock
window (at most `FREE_ATTEMPTS` from a fresh count).

Usernames longer than `MAX_USERNAME_LENGTH` are refused before anything is written (none can exist).

Passwords: `password_problem` refuses short ones, the most common ones (data/reference/, a list of
19,640 from Django, BSD licence) and ones equal to or containing the username, or contained in it.
"""

from __future__ import annotations

import datetime as dt
import gzip
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from data.audit import audit
from data.db import write_transaction
from data.models import SignInFailure

_hasher = PasswordHasher()  # argon2id with the library's RFC 9106 low-memory defaults

MIN_PASSWORD_LENGTH = 8
COMMON_PASSWORDS = Path(__file__).resolve().parent / "reference" / "common-passwords.txt.gz"
_MIN_CONTAINED = 3  # a username this long or longer is refused inside a password too ("jo" is not)


def hash_password(password: str) -> str:
    """The argon2id hash of `password`."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether `password` matches `password_hash`; never raises on a mismatch."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@cache
def _common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def is_common_password(password: str) -> bool:
    """Whether `password` (compared lower-case) is on the list of the most common passwords."""
    return password.lower() in _common_passwords()


def password_problem(password: str, username: str | None = None) -> str | None:
    """Why `password` is refused (a reason that follows the word "Password"), or None when it is fine."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"must be at least {MIN_PASSWORD_LENGTH} characters"
    if is_common_password(password):
        return "is one of the most common passwords, which attackers try first: choose a less common one"
    name, lowered = (username or "").strip().lower(), password.lower()
    if name and (lowered == name or (len(name) >= _MIN_CONTAINED and name in lowered)):
        return "contains the username, which attackers try first: choose one without it"
    if name and lowered in name:
        return "is part of the username, which attackers try first: choose another"
    return None


FREE_ATTEMPTS = 5
MAX_DELAY_SECONDS = 15 * 60
FORGET_AFTER = dt.timedelta(hours=24)
MAX_USERNAME_LENGTH = 80  # no username is longer (data.accounts.create_user); a longer one typed is refused
_KEY_LENGTH = MAX_USERNAME_LENGTH


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    """`moment` as an aware UTC time (SQLite hands back naive UTC)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _now(now: dt.datetime | None) -> dt.datetime:
    return _utc(now) if now is not None else dt.datetime.now(dt.UTC)  # type: ignore[return-value]


def _key(username: str) -> str:
    return username.strip()[:_KEY_LENGTH]


def delay_after(failures: int) -> int:
    """Seconds a username is refused for after its `failures`-th consecutive failure."""
    if failures < FREE_ATTEMPTS:
        return 0
    return min(2 ** min(failures - FREE_ATTEMPTS, 30), MAX_DELAY_SECONDS)


def locked_for(engine: Engine, username: str, now: dt.datetime | None = None) -> int:
    """Whole seconds (rounded up) until `username` may try again; 0 when it may try now."""
    with engine.connect() as connection:
        until = connection.scalar(select(SignInFailure.locked_until).where(SignInFailure.username == _key(username)))
    remaining = (_utc(until) - _now(now)).total_seconds() if until is not None else 0.0  # type: ignore[operator]
    return max(0, math.ceil(remaining))


def username_too_long(username: str) -> bool:
    """Whether a typed username is longer than any username can be (refused before anything is written)."""
    return len(username.strip()) > MAX_USERNAME_LENGTH


@dataclass(frozen=True)
class Attempt:
    """The throttle's answer before a password is verified.

    `allowed`: the password may be verified (the attempt is already counted as a failure);
    `wait`: when refused, the seconds left (rounded up); when allowed, the seconds the username is
    refused for should this attempt fail (0 = none)."""

    allowed: bool
    wait: int


def begin_attempt(engine: Engine, username: str, now: dt.datetime | None = None) -> Attempt:
    """Check the throttle for `username` and, unless it is locked, count this attempt as a failure.

    One write transaction, with the username's row locked (FOR UPDATE; SQLite's BEGIN IMMEDIATE
    serialises writers), so parallel attempts are checked and counted one after another: the one
    that reaches the lock sets it, and the attempts after it are refused. `succeeded` forgets the
    count when the password was right."""
    key, moment = _key(username), _now(now)
    for _ in range(3):
        with write_transaction(engine) as connection:
            row = connection.execute(
                select(SignInFailure.last_failed_at, SignInFailure.locked_until)
                .where(SignInFailure.username == key)
                .with_for_update()
            ).one_or_none()
            if row is not None and row.locked_until is not None:
                remaining = (_utc(row.locked_until) - moment).total_seconds()  # type: ignore[operator]
                if remaining > 0:
                    return Attempt(False, math.ceil(remaining))
            delay = _count_failure(connection, key, moment, row.last_failed_at if row is not None else None)
            if delay is None:
                continue  # another attempt inserted the row first: check again, behind its lock
            return Attempt(True, delay)
    raise RuntimeError(f"could not check the sign-in throttle for {key!r}")


def succeeded(engine: Engine, username: str) -> None:
    """After `begin_attempt` let a right password through: forget the username's failures."""
    clear_failures(engine, username)


def record_failure(engine: Engine, username: str, now: dt.datetime | None = None) -> int:
    """Count one failed sign-in for `username`; the seconds it is now refused for (0 = none yet).

    The increment is one UPDATE (failures = failures + 1), so two processes failing at once both count.
    """
    key, moment = _key(username), _now(now)
    for _ in range(3):
        with write_transaction(engine) as connection:
            last = connection.scalar(select(SignInFailure.last_failed_at).where(SignInFailure.username == key))
            delay = _count_failure(connection, key, moment, last)
            if delay is not None:
                return delay
    raise RuntimeError(f"could not record a failed sign-in for {key!r}")


def _count_failure(connection: Connection, key: str, moment: dt.datetime, last: dt.datetime | None) -> int | None:
    """Count one failure of `key` (its last failure at `last`, None without a row) inside the caller's
    transaction, and lock the username when the count calls for it; the seconds it is refused for should
    this be the last failure (0 = none). None when another process inserted the row first: the caller
    tries again. A count older than `FORGET_AFTER` starts afresh."""
    if last is not None and moment - _utc(last) > FORGET_AFTER:  # type: ignore[operator]
        connection.execute(delete(SignInFailure).where(SignInFailure.username == key))
        last = None
    if last is None:
        try:
            with connection.begin_nested():
                connection.execute(insert(SignInFailure).values(username=key, failures=1, last_failed_at=moment))
        except IntegrityError:
            return None
        failures = 1
    else:
        failures = connection.execute(
            update(SignInFailure)
            .where(SignInFailure.username == key)
            .values(failures=SignInFailure.failures + 1, last_failed_at=moment)
            .returning(SignInFailure.failures)
        ).scalar_one()
    delay = delay_after(failures)
    if delay:
        connection.execute(
            update(SignInFailure)
            .where(SignInFailure.username == key)
            .values(locked_until=moment + dt.timedelta(seconds=delay))
        )
    return delay


def failures_of(engine: Engine, username: str) -> int:
    """The consecutive failed sign-ins counted for `username`."""
    with engine.connect() as connection:
        return connection.scalar(select(SignInFailure.failures).where(SignInFailure.username == _key(username))) or 0


def clear_failures(engine: Engine, username: str) -> None:
    """Forget `username`'s failures (after a successful sign-in)."""
    with write_transaction(engine) as connection:
        connection.execute(delete(SignInFailure).where(SignInFailure.username == _key(username)))


def clear_sign_in_lock(engine: Engine, username: str, actor_id: int | None, user_id: int | None = None) -> int:
    """An admin clears `username`'s sign-in lock and failure count (audited); the failures it had.

    The per-username throttle lets anyone lock a known username out by sending wrong passwords; this
    lets the real user in again at once. `user_id` is the account's id, for the audit entry."""
    key = _key(username)
    with write_transaction(engine) as connection:
        failures = connection.scalar(select(SignInFailure.failures).where(SignInFailure.username == key)) or 0
        connection.execute(delete(SignInFailure).where(SignInFailure.username == key))
        audit(
            connection,
            actor_id,
            "clear_sign_in_lock",
            "users",
            user_id,
            f"{key}: {failures} failed sign-in{'' if failures == 1 else 's'} cleared",
        )
    return failures


def normalise_email(email: str | None) -> str | None:
    """An e-mail as stored and compared: trimmed and lower-case; None for a blank one."""
    if email is None:
        return None
    email = email.strip().lower()
    return email or None
