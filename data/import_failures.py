"""Imports that failed, kept in the audit log so the admin's *Overview* can list them.

An import runs in one transaction, so a refused or broken file leaves nothing behind but the message on the
uploader's screen; `failure_recorded` writes an ``import_failed`` audit entry in a transaction of its own
(the file's name and why, `DETAIL_CHARS` at most) before the error goes on to the page. `failed_imports`
reads them back for an admin (`data.scoped.audit_log`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
from sqlalchemy import Engine

from data import scoped
from data.access import Viewer
from data.audit import audit_entry
from data.errors import ValidationError

#: The audit action of a failed import.
IMPORT_FAILED = "import_failed"
#: The longest detail kept (a file with thousands of problems names the first ones).
DETAIL_CHARS = 300


@contextmanager
def failure_recorded(engine: Engine, actor_id: int | None, table: str, upload_name: str) -> Iterator[None]:
    """Run an import of `table` records from `upload_name`; when it is refused (`ValidationError`) or stops
    on any other error, audit ``import_failed`` with the file's name and why, then raise the error again."""
    try:
        yield
    except ValidationError as error:
        audit_entry(engine, actor_id, IMPORT_FAILED, table, None, f"{upload_name}: {error}"[:DETAIL_CHARS])
        raise
    except Exception as error:
        why = f"{upload_name}: stopped on an unexpected error ({type(error).__name__}); nothing was written"
        audit_entry(engine, actor_id, IMPORT_FAILED, table, None, why[:DETAIL_CHARS])
        raise


def failed_imports(engine: Engine, viewer: Viewer, since: dt.date, limit: int = 50) -> pd.DataFrame:
    """The failed imports audited from `since`, newest first, as the admin's audit log holds them (none for
    anyone else): ``at, username, role, table_name, detail``."""
    entries, _ = scoped.audit_log(engine, viewer, actions=[IMPORT_FAILED], start=since, limit=limit)
    return entries
