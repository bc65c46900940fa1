"""Time zones: a team's zone checked when it is set, and today's date in it (self-reports are dated in
the team's time zone).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from data.errors import ValidationError


def check_timezone(timezone: str) -> None:
    """Refuse a name that is not a time zone of the IANA database (`zoneinfo`)."""
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError) as error:  # OSError: a name too long for a file
        raise ValidationError("timezone", timezone, "is not a known time zone (e.g. Europe/Oslo)") from error


def today_in(timezone: str) -> dt.date:
    """Today's local date in `timezone` (self-reports are dated in the team's time zone)."""
    return dt.datetime.now(ZoneInfo(timezone)).date()
