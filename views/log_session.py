"""*Log a session* (therapist): one athlete's therapy sessions, newest first, each with its pain before and
after, the ROM measured around it and the injury it treated, as the table under the form lists them.

Words: `views.words`; the injuries' labels: `views.injuries.register`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from views import words
from views.injuries import injury_register
from views.reader import Reader, ids

#: The columns of `session_table`, in order.
SESSION_COLUMNS = [
    "session_id",
    "date",
    "technique",
    "region",
    "pain",
    "discomfort",
    "minutes",
    "rom",
    "injury",
    "notes",
]


def _nprs(value: Any) -> str:
    """An NPRS score as the table shows it; "–" when not recorded."""
    return "–" if pd.isna(value) else str(int(value))


def _number(value: float) -> str:
    """A ROM value with at most one decimal and no trailing zero: 38, 38.5."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def rom_around(measurements: pd.DataFrame, session_ids: list[int]) -> dict[int, str]:
    """The ROM measured around each session, before → after per side, by session id: "Hip internal
    rotation (°): L 32 → 38, R 40 → 41" (several measures joined by "; "; means of repeated values)."""
    around = measurements[measurements["session_id"].isin(session_ids)] if not measurements.empty else measurements
    if around.empty:
        return {}
    texts: dict[int, list[str]] = {}
    means = around.groupby(["session_id", "joint", "movement", "unit", "side", "context"])["value"].mean()
    for (session_id, joint, movement, unit), per_side in means.groupby(level=[0, 1, 2, 3], sort=True):
        parts = []
        for side in ("left", "right"):
            pre = per_side.get((session_id, joint, movement, unit, side, "pre_session"))
            post = per_side.get((session_id, joint, movement, unit, side, "post_session"))
            ends = [v for v in (pre, post) if v is not None and pd.notna(v)]
            if ends:
                parts.append(f"{words.SIDES[side][0]} {' → '.join(_number(v) for v in ends)}")
        texts.setdefault(int(session_id), []).append(
            f"{words.measure_option(joint, movement, unit)}: {', '.join(parts)}"
        )
    return {session_id: "; ".join(parts) for session_id, parts in texts.items()}


def session_table(
    sessions: pd.DataFrame, measurements: pd.DataFrame, register: pd.DataFrame, limit: int = 10
) -> pd.DataFrame:
    """The athlete's last `limit` therapy sessions (`data.queries.therapy_sessions`), newest first.

    Columns (`SESSION_COLUMNS`): session_id, date, technique, region, pain ("7 → 3", NPRS before → after;
    "–" when not recorded), discomfort, minutes, rom (`rom_around`), injury (its label in `register`), notes.
    """
    if sessions.empty:
        return pd.DataFrame(columns=SESSION_COLUMNS)
    last = sessions.sort_values(["date", "session_id"], ascending=False).head(limit)
    rom_text = rom_around(measurements, last["session_id"].tolist())
    labels = dict(zip(register["injury_id"], register["label"], strict=True)) if not register.empty else {}
    return pd.DataFrame(
        {
            "session_id": last["session_id"].astype(int),
            "date": last["date"].dt.date,
            "technique": last["technique"].map(words.TECHNIQUES),
            "region": [words.where_label(r, s) for r, s in zip(last["body_region"], last["side"], strict=True)],
            "pain": [f"{_nprs(b)} → {_nprs(a)}" for b, a in zip(last["pain_before"], last["pain_after"], strict=True)],
            "discomfort": last["discomfort"],
            "minutes": last["minutes"],
            "rom": [rom_text.get(int(s), "") for s in last["session_id"]],
            "injury": [labels.get(i, "") if pd.notna(i) else "" for i in last["injury_id"]],
            "notes": last["notes"] if "notes" in last.columns else "",
        }
    ).reset_index(drop=True)


def session_log(
    reader: Reader, athlete_id: int, as_of: dt.date, limit: int = 10, register: pd.DataFrame | None = None
) -> pd.DataFrame:
    """*Log a session*: the `session_table` of one athlete's last `limit` sessions; the injuries' labels from
    `register` (the athlete's `views.injuries.injury_register` on `as_of`, read when not given)."""
    athlete = ids([athlete_id])
    if register is None:
        register = injury_register(reader, athlete_id, as_of)
    return session_table(reader.therapy(athlete), reader.rom(athlete), register, limit)
