"""Display names shared by every page."""

from __future__ import annotations

RECORD_LABELS: dict[str, str] = {
    "teams": "Teams",
    "athletes": "Athletes",
    "users": "Users",
    "therapy_sessions": "Therapy sessions",
    "rom_measurements": "ROM measurements",
    "wellness_checkins": "Check-ins",
    "pain_reports": "Pain reports",
    "injuries": "Injuries",
    "training_sessions": "Training sessions",
    "ostrc_responses": "OSTRC responses",
}
