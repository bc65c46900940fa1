"""The audit log's entries: who did what to which record, written in the transaction of the change itself
(`audit`) or on their own for events that write nothing else (`audit_entry`), and the detail of an
edit (`changes_detail`). Admins read them (`data.scoped.audit_log`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, insert

from data.db import write_transaction
from data.models import AuditEntry


def audit(
    connection: Connection, actor_id: int | None, action: str, table: str, record_id: int | None, detail: str
) -> None:
    """Record who did what to which record."""
    connection.execute(
        insert(AuditEntry).values(user_id=actor_id, action=action, table_name=table, record_id=record_id, detail=detail)
    )


def audit_entry(
    engine: Engine, actor_id: int | None, action: str, table: str, record_id: int | None, detail: str
) -> None:
    """`audit` in a transaction of its own (for events that write nothing else: sign-ins, exports)."""
    with write_transaction(engine) as connection:
        audit(connection, actor_id, action, table, record_id, detail)


def _plain(value: Any) -> Any:
    """A value as JSON holds it: dates as ISO text, numpy scalars as Python ones, missing as null."""
    if value is None or (not isinstance(value, str | bool) and pd.isna(value)):
        return None
    if isinstance(value, dt.date | pd.Timestamp):
        return value.isoformat()[:10] if not isinstance(value, dt.datetime) else value.isoformat()
    return value.item() if hasattr(value, "item") else value


def changes_detail(old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    """The audit detail of an edit: JSON {"field": [old, new], ...} of the fields whose value changed.

    The values are stored as they are, clinical notes included: the audit log is read by admins only
    (`data.scoped.audit_log`), who may read the notes anyway, and a record of who wrote what is what the
    log is for. Erasing an athlete (`data.roster.erase_athlete`) replaces these details of their records' edits."""
    changed = {f: [_plain(old.get(f)), _plain(v)] for f, v in new.items() if _plain(old.get(f)) != _plain(v)}
    return json.dumps(changed, ensure_ascii=False, sort_keys=True, default=str)
