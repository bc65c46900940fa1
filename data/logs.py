"""The server's log, for the person who runs Fascia: one line per request-level event and per error, and
never any health data (issue 18).

A line reads `2026-12-02T18:40:01Z INFO fascia.auth sign-in ok user=anna role=therapist`: the moment in
UTC, the level, the logger (`fascia.<area>`) and the event with its `name=value` fields. The level is
FASCIA_LOG_LEVEL (DEBUG, INFO, WARNING or ERROR; default INFO, and WARNING for the one-shot commands of
`python -m data`, which say what they did themselves); lines go to standard error, where a container runtime
or systemd collects them.

The events (`event`): sign-in ok or refused and sign-out (`fascia.auth`: the username, role and method;
why a sign-in was refused), a save of records (`fascia.records`: the record kind and how many, and who),
an import done or refused (`fascia.imports`: the kind, the rows or the number of problems), a message
delivered or not (`fascia.delivery`: the channel, the message's number, the outcome). An error (`failure`)
is one line at ERROR with the exception's type and a short message (a database fault as the plain sentence
of `data.db.describe_fault`, which holds no values), its traceback once, under that line (left out where
Streamlit's own log line already carries it).

What a line never holds: a record's values, notes, body regions, diagnoses, pain or wellness scores, the
text of a message. Callers pass only kinds, counts, ids, usernames and roles; `event` writes each field as
one token (a value with spaces or control characters is quoted, so a typed username cannot forge a line).
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from data.db import describe_fault
from data.errors import ValidationError

R = TypeVar("R")

LEVEL_VARIABLE = "FASCIA_LOG_LEVEL"
DEFAULT_LEVEL = "INFO"
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
ROOT = "fascia"
#: Longest message of an error written to the log (the rest is cut).
MESSAGE_LENGTH = 200
_PLAIN = re.compile(r"[A-Za-z0-9_.:/@#+-]+")


class _UtcFormatter(logging.Formatter):
    """`2026-12-02T18:40:01Z INFO fascia.auth message`."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created))


#: The level used when FASCIA_LOG_LEVEL is not set: DEFAULT_LEVEL, or what `quiet_by_default` chose.
_unset_level = {"name": DEFAULT_LEVEL}


def level() -> str:
    """The configured level name (FASCIA_LOG_LEVEL; an unknown or empty value gives INFO, or WARNING in a
    one-shot command, `quiet_by_default`)."""
    wanted = os.environ.get(LEVEL_VARIABLE, "").strip().upper()
    return wanted if wanted in LEVELS else _unset_level["name"]


def quiet_by_default() -> None:
    """WARNING unless FASCIA_LOG_LEVEL says otherwise: for a one-shot command (`python -m data import`,
    `backup`, ...), which prints what it did itself; the server and the notification worker keep INFO."""
    _unset_level["name"] = "WARNING"
    configure()


def configure() -> logging.Logger:
    """Set up the `fascia` logger once per process (a handler on standard error, the readable format,
    the configured level) and return it; later calls only re-read the level."""
    root = logging.getLogger(ROOT)
    if not any(getattr(handler, "fascia", False) for handler in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_UtcFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        handler.fascia = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level())
    return root


def logger(area: str) -> logging.Logger:
    """The logger of one area (`fascia.auth`, `fascia.records`, ...), with the log set up."""
    configure()
    return logging.getLogger(f"{ROOT}.{area}")


def field(value: object) -> str:
    """One `name=value` field's value as a single token: plain text as is, anything else quoted (JSON)."""
    text = str(value)
    return text if _PLAIN.fullmatch(text) else json.dumps(text)


def event(log: logging.Logger, what: str, **fields: object) -> None:
    """One INFO line: `what` then each field as `name=value` (None fields left out)."""
    if log.isEnabledFor(logging.INFO):
        written = " ".join(f"{name}={field(value)}" for name, value in fields.items() if value is not None)
        log.info("%s", f"{what} {written}" if written else what)


def short(error: BaseException) -> str:
    """An error's type and short message: a database fault's plain sentence, else the first line of its
    message, cut at MESSAGE_LENGTH."""
    message = describe_fault(error) or (str(error).splitlines() or [""])[0]
    if len(message) > MESSAGE_LENGTH:
        message = message[: MESSAGE_LENGTH - 1] + "…"
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def failure(log: logging.Logger, what: str, error: BaseException, traceback: bool = True) -> None:
    """One ERROR line for `error` while doing `what`, followed by its traceback unless `traceback` is False
    (an error Streamlit logs with its traceback anyway)."""
    log.error("%s failed: %s", what, short(error), exc_info=error if traceback else None)


def logged_import(
    kind: Callable[[Any, Any], str], rows: Callable[[Any], int]
) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Log the outcome of an import `function(engine, source, ..., actor_id=...)` on `fascia.imports`:
    `import done kind=... rows=... user_id=...`, or `import refused kind=... problems=N` when it raises a
    `ValidationError` (re-raised). `kind(source, report)` names what was imported (report None when refused),
    `rows(report)` counts the rows written."""

    def decorate(function: Callable[..., R]) -> Callable[..., R]:
        log = logger("imports")

        @wraps(function)
        def importing(engine: Any, source: Any, *args: Any, **kwargs: Any) -> R:
            try:
                report = function(engine, source, *args, **kwargs)
            except ValidationError as refused:
                problems = len(getattr(refused, "errors", [refused]))
                event(log, "import refused", kind=kind(source, None), problems=problems, user_id=kwargs.get("actor_id"))
                raise
            event(log, "import done", kind=kind(source, report), rows=rows(report), user_id=kwargs.get("actor_id"))
            return report

        return importing

    return decorate
