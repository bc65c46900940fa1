"""Figures the reliability tests record for docs/RELIABILITY.md.

Each test merges its figures into test-results/reliability.json under its own key (test name
and backend), so the document can report what the last run (CI's) measured.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, select

RESULTS = Path(__file__).resolve().parents[1] / "test-results" / "reliability.json"


def record_figures(key: str, **figures: Any) -> None:
    """Merge `figures` into test-results/reliability.json under `key` (safe across processes)."""
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with open(RESULTS.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        data = json.loads(RESULTS.read_text()) if RESULTS.exists() and RESULTS.stat().st_size else {}
        data[key] = {**data.get(key, {}), **figures, "ci": os.environ.get("CI", "") == "true"}
        tmp = RESULTS.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True, default=str))
        tmp.replace(RESULTS)


def fingerprint(engine: Engine) -> dict[str, tuple[int, str]]:
    """Per table: (row count, SHA-256 of every row in primary-key order), to compare a database before and after."""
    metadata = MetaData()
    metadata.reflect(engine)
    result: dict[str, tuple[int, str]] = {}
    with engine.connect() as connection:
        for name, table in sorted(metadata.tables.items()):
            order = list(table.primary_key.columns) or list(table.columns)
            digest = hashlib.sha256()
            count = 0
            for row in connection.execute(select(table).order_by(*order)):
                digest.update(repr(tuple(row)).encode())
                count += 1
            result[name] = (count, digest.hexdigest())
    return result
