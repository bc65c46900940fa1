"""The one error type that writes and imports raise for bad input."""

from __future__ import annotations

from typing import Any


class ValidationError(ValueError):
    """A value refused by validation; names the row (when there is one), the field and the value."""

    def __init__(self, field: str, value: Any, reason: str, row: int | None = None) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        self.row = row
        where = f"row {row}, {field}" if row is not None else field
        shown = value.item() if hasattr(value, "item") else value
        super().__init__(f"{where}: {shown!r} {reason}")


class DatabaseNotEmpty(RuntimeError):
    """Raised when an operation that needs an empty database (the demo) finds data."""
