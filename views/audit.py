"""The audit log as sentences an admin reads ("Therapist anna saved a therapy session for Ida Karlsen"),
from the entries `data.scoped.audit_log` returns. Streamlit-free."""

from __future__ import annotations

import pandas as pd

from views import words


def who_did_it(username: str, role: str) -> str:
    """ "Coach j.smith"; "Someone not signed in" for an entry without a user (a failed sign-in)."""
    if not username:
        return "Someone not signed in"
    return f"{words.word(words.ROLES, role)} {username}" if role else username


def what_it_was_about(table: str, subject: str, has_record: bool) -> str:
    """The record an entry is about: "a check-in for Ida Karlsen", "the account anna"; the kind in the
    plural ("check-ins") when the entry names no single record (an import, a save of many rows)."""
    noun = words.RECORD_NOUNS.get(table)
    if has_record and noun and subject:
        return f"{noun} {subject}"
    if has_record and noun:
        return noun.removesuffix(" for").removesuffix(" of")
    return words.word(words.RECORD_KINDS, table).lower()


def sentence(username: str, role: str, action: str, table: str, subject: str, has_record: bool) -> str:
    """One audit entry as a sentence (`views.words.AUDIT_SENTENCES`)."""
    who = who_did_it(username, role)
    template = words.AUDIT_SENTENCES.get(action)
    if template is None:
        return (
            f"{who}: {words.word(words.AUDIT_ACTIONS, action).lower()} {what_it_was_about(table, subject, has_record)}"
        )
    return template.format(who=who, record=what_it_was_about(table, subject, has_record))


def audit_sentences(entries: pd.DataFrame) -> pd.DataFrame:
    """`at`, `what` (the entry as a sentence) and `detail` of each entry, in the entries' order."""
    what = [
        sentence(username, role, action, table, subject, pd.notna(record))
        for username, role, action, table, subject, record in zip(
            entries["username"],
            entries["role"],
            entries["action"],
            entries["table_name"],
            entries["subject"],
            entries["record_id"],
            strict=True,
        )
    ]
    return pd.DataFrame(
        {"at": entries["at"], "what": pd.Series(what, index=entries.index, dtype="str"), "detail": entries["detail"]}
    )
