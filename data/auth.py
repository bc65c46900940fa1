"""Password hashing (argon2id via argon2-cffi), the sign-in throttle, and e-mail normalising for SSO.

No plaintext or reversible password is stored anywhere: only argon2id hashes.

The throttle: after `FREE_ATTEMPTS` failed sign-ins for one username (known or not, so the
answer never tells which), each further failure refuses that username for a growing delay,
2^(n - FREE_ATTEMPTS) seconds after the n-th failure, capped at `MAX_DELAY_SECONDS`. The counts
live in the database (`sign_in_failures`), so every app process agrees; the server never sleeps,
it refuses attempts until the stored time. A success, or `FORGET_AFTER` without a failure,
starts the count afresh.
"""

from __future__ import annotations

import datetime as dt
import math

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from data.db import write_transaction
from data.models import SignInFailure

_hasher = PasswordHasher()  # argon2id with the library's RFC 9106 low-memory defaults

MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    """The argon2id hash of `password`."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether `password` matches `password_hash`; never raises on a mismatch."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


FREE_ATTEMPTS = 5
MAX_DELAY_SECONDS = 15 * 60
FORGET_AFTER = dt.timedelta(hours=24)
_KEY_LENGTH = 80  # usernames are at most 80 characters; longer typed names share their first 80


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


def record_failure(engine: Engine, username: str, now: dt.datetime | None = None) -> int:
    """Count one failed sign-in for `username`; the seconds it is now refused for (0 = none yet).

    The increment is one UPDATE (failures = failures + 1), so two processes failing at once both count.
    """
    key, moment = _key(username), _now(now)
    for _ in range(3):
        with write_transaction(engine) as connection:
            last = connection.scalar(select(SignInFailure.last_failed_at).where(SignInFailure.username == key))
            if last is not None and moment - _utc(last) > FORGET_AFTER:  # type: ignore[operator]
                connection.execute(delete(SignInFailure).where(SignInFailure.username == key))
                last = None
            if last is None:
                try:
                    with connection.begin_nested():
                        connection.execute(
                            insert(SignInFailure).values(username=key, failures=1, last_failed_at=moment)
                        )
                except IntegrityError:
                    continue  # another process inserted it first: count on top of theirs
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
    raise RuntimeError(f"could not record a failed sign-in for {key!r}")


def failures_of(engine: Engine, username: str) -> int:
    """The consecutive failed sign-ins counted for `username`."""
    with engine.connect() as connection:
        return connection.scalar(select(SignInFailure.failures).where(SignInFailure.username == _key(username))) or 0


def clear_failures(engine: Engine, username: str) -> None:
    """Forget `username`'s failures (after a successful sign-in)."""
    with write_transaction(engine) as connection:
        connection.execute(delete(SignInFailure).where(SignInFailure.username == _key(username)))


def normalise_email(email: str | None) -> str | None:
    """An e-mail as stored and compared: trimmed and lower-case; None for a blank one."""
    if email is None:
        return None
    email = email.strip().lower()
    return email or None
