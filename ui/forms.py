"""Shared helpers of the therapist's entry forms (*Log a session*, *Record ROM*, *Injuries*).

- Refusals beside the field: `field_errors` turns the `ValidationError`s that `data.record_checks` and
  `data.record_writes` raise (`InvalidRecords.errors`) into ``{field: message}``, each message naming the field and the reason;
  `ErrorSlots` reserves a place under each input and shows the field's message there.
- An injury's label and its recurrence in a sentence, in the words of `views.words` (the one vocabulary).
- The tables the forms show (an athlete's injuries, sessions and ROM): frames in, frames out, built on
  `analytics/` and cached by the loaders in `ui/loaders.py`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from analytics import recurrence, rom, surveillance
from analytics.vocabulary import ROM_MEASURES
from data.errors import ValidationError
from ui.text import literal
from views import words

_RANGE = re.compile(r"(-?\d+(?:\.\d+)?)\.\.(-?\d+(?:\.\d+)?)")

#: The source line every recurrence category shown on a form carries.
RECURRENCE_RULE = (
    "Recurrence (Fuller et al. 2006, 2007): an injury of the same type, region and side as an earlier one is an "
    "exacerbation if that one had not returned to full participation, otherwise an early (≤ 60 days after the "
    "return), late (≤ 365 days) or delayed recurrence; anything else is new."
)


# --------------------------------------------------------------------------- refusals beside the field


def _shown(value: Any) -> str:
    if isinstance(value, pd.Timestamp | dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return words.short_day(value, with_year=True)
    if isinstance(value, float) and value.is_integer():
        return f"{value:g}"
    if hasattr(value, "item"):
        return str(value.item())
    return str(value)


def field_name(field: str) -> str:
    """The form's name of a record field (``rom.value`` -> ``Value``)."""
    base = field.split(".")[-1]
    return words.word(words.FIELDS, base)


def describe(error: ValidationError, row_names: Mapping[int, str] | None = None, name: str | None = None) -> str:
    """One refusal as a sentence naming the field (and the row's name when given) and the reason.

    ``return_date``, 2026-10-01, "is before the onset date" -> "Return to full participation: 1 Oct 2026
    is before the onset date." A missing value reads "Body region is required." `name` replaces the
    field's name (e.g. "Before the session" for a ROM value); ranges read "-40 to 80 cm". The sentence is
    Markdown (`ErrorSlots.show` draws it with `st.error`): a typed text value is escaped (`ui.text.literal`).
    """
    name = name or field_name(error.field)
    if row_names is not None and error.row in row_names:
        row_name = row_names[error.row]
        name = row_name if error.field.split(".")[-1] == "value" else f"{row_name} — {name.lower()}"
    blank = error.value is None or (not isinstance(error.value, str) and pd.isna(error.value)) or error.value == ""
    reason = _RANGE.sub(r"\1 to \2", error.reason)
    shown = literal(error.value) if isinstance(error.value, str) else _shown(error.value)
    text = f"{name} {reason}" if blank else f"{name}: {shown} {reason}"
    return text.rstrip(".") + "."


def field_errors(
    errors: Iterable[ValidationError],
    row_names: Mapping[int, str] | None = None,
    key: Callable[[ValidationError], str] | None = None,
    first_only: bool = False,
    labels: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """``{field: message}`` for a list of refusals (e.g. `InvalidRecords.errors`).

    The key is the error's field (or ``key(error)``, e.g. to tell a grid's rows apart); two refusals
    of one key are joined into one message, or only the first is kept with `first_only` (an input
    that stands for several fields, e.g. a ROM measure = joint + movement + unit + method, then
    says "Measure is required." once). `row_names` names rows in the messages ("Hip internal
    rotation, left: 300 is above 200."); `labels` names the input of a key when it is
    not the field's usual name (``{"rom_pre": "Before the session"}``).
    """
    messages: dict[str, list[str]] = {}
    for error in errors:
        slot = key(error) if key is not None else error.field
        text = describe(error, row_names, (labels or {}).get(slot))
        bucket = messages.setdefault(slot, [])
        if text not in bucket and not (first_only and bucket):
            bucket.append(text)
    return {field: " ".join(texts) for field, texts in messages.items()}


class ErrorSlots:
    """Places reserved under a form's inputs, where a refused field's message appears.

    Call `under(field, ...)` right after drawing an input (it reserves an empty slot there), then
    `show(messages)` after the submit: each message goes under its field; messages with no slot
    go to the slot reserved with `under("*")` (or are returned when there is none).
    """

    def __init__(self) -> None:
        self._slots: dict[str, Any] = {}

    def under(self, *fields: str) -> None:
        slot = st.empty()
        for field in fields:
            self._slots[field] = slot

    def show(self, messages: Mapping[str, str]) -> list[str]:
        """Fill the slots; the messages that found no slot (and no catch-all)."""
        grouped: dict[int, tuple[Any, list[str]]] = {}
        leftover: list[str] = []
        for field, text in messages.items():
            slot = self._slots.get(field, self._slots.get("*"))
            if slot is None:
                leftover.append(text)
                continue
            grouped.setdefault(id(slot), (slot, []))[1].append(text)
        for slot, texts in grouped.values():
            slot.error("\n\n".join(texts), icon=":material/error:")
        return leftover


def refused(count: int) -> str:
    """The line under a refused form's button."""
    values = "1 value was" if count == 1 else f"{count} values were"
    return f"Nothing was saved: {values} refused — see the message under the field."


# --------------------------------------------------------------------------- labels


def injury_label(
    region: str, side: str | None, injury_type: str, onset: Any, returned: Any, today: dt.date | None = None
) -> str:
    """``Left thigh muscle strain since 3 Oct`` while open; ``…, 3 Oct – 20 Oct`` once returned."""
    name = words.upper_first(words.injury_words(region, side, injury_type))
    if returned is None or pd.isna(returned):
        return f"{name} since {words.short_day(onset, today)}"
    return f"{name}, {words.short_day(onset, today)} – {words.short_day(returned, today)}"


def recurrence_sentence(register: pd.DataFrame, injury_id: int, today: dt.date | None = None) -> str:
    """What the injury is by the Fuller et al. (2006) rule, in words, from `injury_register`'s frame.

    "This is an early recurrence of the left thigh muscle strain of 3 Oct (returned to full
    participation on 20 Oct, 12 days before this onset)."
    """
    row = register.loc[register["injury_id"] == injury_id].iloc[0]
    category = row["category"]
    name = words.injury_words(row["body_region"], row["side"], row["injury_type"])
    if category == "new" or pd.isna(row["index_injury_id"]):
        return f"This is a new injury: no earlier {name} is recorded for this athlete."
    index = register.loc[register["injury_id"] == int(row["index_injury_id"])].iloc[0]
    of = f"the {name} of {words.short_day(index['onset_date'], today)}"
    if category == "exacerbation":
        return f"This is an exacerbation of {of}, which had not returned to full participation by this onset."
    gap = (row["onset_date"] - index["return_date"]).days
    kind = words.RECURRENCE[category].lower()
    return (
        f"This is {'an' if kind[0] in 'aeiou' else 'a'} {kind} of {of} (returned to full participation on "
        f"{words.short_day(index['return_date'], today)}, {gap} days before this onset)."
    )


# --------------------------------------------------------------------------- tables of the forms

REGISTER_COLUMNS = [
    "injury_id",
    "athlete_id",
    "onset_date",
    "body_region",
    "side",
    "injury_type",
    "mechanism",
    "time_loss",
    "return_date",
    "notes",
    "open",
    "category",
    "category_label",
    "index_injury_id",
    "days_out",
    "label",
    "status",
    "region",
    "type_label",
    "mechanism_label",
]


def injury_register(injuries: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """An athlete's injuries for the forms: open ones first (newest first), then the returned ones.

    Adds ``open`` (no return date, or a return after `as_of`), the Fuller ``category`` and
    ``index_injury_id`` (`analytics.recurrence.classify_injuries` over the athlete's whole history),
    ``category_label``, ``days_out`` (`analytics.surveillance.days_lost` up to `as_of`: days from
    onset to return for time-loss injuries, counting to `as_of` while open; 0 for injuries without
    time loss), ``label`` ("Left thigh muscle strain since 3 Oct") and the readable ``status``
    ("Open"/"Returned"), ``region`` ("Left thigh"), ``type_label`` and ``mechanism_label``.
    """
    if injuries.empty:
        return pd.DataFrame(columns=REGISTER_COLUMNS)
    frame = injuries if "notes" in injuries.columns else injuries.assign(notes=None)
    classified = recurrence.classify_injuries(frame)
    out = surveillance.days_lost(classified, as_of=pd.Timestamp(as_of))
    out["days_out"] = out["days_lost"].astype(int)
    out["open"] = out["return_date"].isna() | (out["return_date"] > pd.Timestamp(as_of))
    out["category_label"] = out["category"].map(words.RECURRENCE)
    out["label"] = [
        injury_label(r, s, t, o, d, as_of)
        for r, s, t, o, d in zip(
            out["body_region"], out["side"], out["injury_type"], out["onset_date"], out["return_date"], strict=True
        )
    ]
    out["status"] = out["open"].map({True: "Open", False: "Returned"})
    out["region"] = [words.where_label(r, s) for r, s in zip(out["body_region"], out["side"], strict=True)]
    out["type_label"] = out["injury_type"].map(words.INJURY_TYPES)
    out["mechanism_label"] = out["mechanism"].map(words.MECHANISMS, na_action="ignore")
    out = out.sort_values(["open", "onset_date", "injury_id"], ascending=[False, False, False])
    return out[REGISTER_COLUMNS].reset_index(drop=True)


def session_log(
    sessions: pd.DataFrame, measurements: pd.DataFrame, register: pd.DataFrame, limit: int = 10
) -> pd.DataFrame:
    """The athlete's last `limit` therapy sessions, newest first, as the *Log a session* page lists them.

    Columns: session_id, date, technique, region, pain ("7 → 3", NPRS before → after; "–" when not
    recorded), discomfort, minutes, rom (the ROM measured around the session, before → after per side:
    "Hip internal rotation (°): L 32 → 38, R 40 → 41"), injury (its label), notes.
    """
    columns = ["session_id", "date", "technique", "region", "pain", "discomfort", "minutes", "rom", "injury", "notes"]
    if sessions.empty:
        return pd.DataFrame(columns=columns)
    last = sessions.sort_values(["date", "session_id"], ascending=False).head(limit)

    def nprs(value: Any) -> str:
        return "–" if pd.isna(value) else str(int(value))

    around = (
        measurements[measurements["session_id"].isin(last["session_id"].tolist())]
        if not measurements.empty
        else measurements
    )
    rom_text: dict[int, list[str]] = {}
    if not around.empty:
        means = around.groupby(["session_id", "joint", "movement", "unit", "side", "context"])["value"].mean()
        for (session_id, joint, movement, unit), per_side in means.groupby(level=[0, 1, 2, 3], sort=True):
            parts = []
            for side in ("left", "right"):
                pre = per_side.get((session_id, joint, movement, unit, side, "pre_session"))
                post = per_side.get((session_id, joint, movement, unit, side, "post_session"))
                ends = [v for v in (pre, post) if v is not None and pd.notna(v)]
                if ends:
                    numbers = " → ".join(f"{v:.1f}".rstrip("0").rstrip(".") for v in ends)
                    parts.append(f"{side[0].upper()} {numbers}")
            text = f"{words.measure_option(joint, movement, unit)}: {', '.join(parts)}"
            rom_text.setdefault(int(session_id), []).append(text)
    labels = dict(zip(register["injury_id"], register["label"], strict=True)) if not register.empty else {}
    return pd.DataFrame(
        {
            "session_id": last["session_id"].astype(int),
            "date": last["date"].dt.date,
            "technique": last["technique"].map(words.TECHNIQUES),
            "region": [words.where_label(r, s) for r, s in zip(last["body_region"], last["side"], strict=True)],
            "pain": [f"{nprs(b)} → {nprs(a)}" for b, a in zip(last["pain_before"], last["pain_after"], strict=True)],
            "discomfort": last["discomfort"],
            "minutes": last["minutes"],
            "rom": ["; ".join(rom_text.get(int(s), [])) for s in last["session_id"]],
            "injury": [labels.get(i, "") if pd.notna(i) else "" for i in last["injury_id"]],
            "notes": last["notes"] if "notes" in last.columns else "",
        }
    ).reset_index(drop=True)


def rom_overview(measurements: pd.DataFrame, injuries: pd.DataFrame, norms: pd.DataFrame) -> pd.DataFrame:
    """One row per ROM measure the athlete has: latest left and right against the norm and each other.

    From `analytics.rom.rom_status` (latest value per side and % of the norm; post-session values
    left out, as that function does by default) and `analytics.rom.rom_symmetry` (the last day both sides were
    measured: limb symmetry index = involved / uninvolved x 100, asymmetry when the difference
    exceeds both the measurement error and 10 % of the larger side). Columns: measure (with its
    unit), left, right, normal, left_pct, right_pct, lsi, symmetry (text), measured (the newest
    day of either side), in the order of `vocabulary.ROM_MEASURES`.
    """
    columns = ["measure", "left", "right", "normal", "left_pct", "right_pct", "lsi", "symmetry", "measured"]
    if measurements.empty:
        return pd.DataFrame(columns=columns)
    status = rom.rom_status(measurements, norms=norms)
    if status.empty:
        return pd.DataFrame(columns=columns)
    symmetry = rom.rom_symmetry(measurements, injuries=injuries if not injuries.empty else None, norms=norms)
    order = {(j, m): i for i, (j, m, _u, _me) in enumerate(ROM_MEASURES)}
    rows = []
    for (joint, movement, unit), group in status.groupby(["joint", "movement", "unit"], sort=False):
        sides = group.set_index("side")
        row: dict[str, Any] = {
            "order": order.get((joint, movement), len(order)),
            "measure": words.measure_option(joint, movement, unit),
            "normal": group["normal_value"].iloc[0],
            "measured": group["latest_date"].max().date(),
        }
        for side in ("left", "right"):
            present = side in sides.index
            row[side] = sides.at[side, "latest_value"] if present else None
            row[f"{side}_pct"] = sides.at[side, "pct_of_norm"] if present else None
        pair = symmetry[(symmetry["joint"] == joint) & (symmetry["movement"] == movement) & (symmetry["unit"] == unit)]
        if pair.empty:
            row["lsi"], row["symmetry"] = None, "Needs both sides on one day"
        else:
            last = pair.iloc[-1]
            row["lsi"] = last["lsi"]
            if last["asymmetric"]:
                row["symmetry"] = f"Asymmetric, {last['involved_side']} involved"
            elif last["involved_basis"] == "equal":
                row["symmetry"] = "Equal"
            else:
                row["symmetry"] = "Symmetric (within error)"
            if last["date"].date() < row["measured"]:
                row["symmetry"] += f" ({words.short_day(last['date'], row['measured'])})"
        rows.append(row)
    out = pd.DataFrame(rows).sort_values("order")
    return out[columns].reset_index(drop=True)


def rom_grid(norms: pd.DataFrame) -> pd.DataFrame:
    """The empty grid of *Record ROM*: one row per `vocabulary.ROM_MEASURES` entry, left and right blank,
    with its unit, its normal value and its method (default from the norms table)."""
    known = norms.drop_duplicates(["joint", "movement", "unit"]).set_index(["joint", "movement", "unit"])
    rows = []
    for joint, movement, unit, method in ROM_MEASURES:
        key = (joint, movement, unit)
        normal = known.at[key, "normal_value"] if key in known.index else None
        rows.append(
            {
                "measure": words.measure_label(joint, movement),
                "unit": words.unit_symbol(unit),
                "normal": normal,
                "left": None,
                "right": None,
                "method": known.at[key, "method"] if key in known.index else method,
            }
        )
    return pd.DataFrame(rows).astype({"left": "float64", "right": "float64", "normal": "float64"})


def grid_with_edits(grid: pd.DataFrame, edits: Any) -> pd.DataFrame:
    """`grid` with a data editor's edits written in: its session-state value ``{"edited_rows": {row:
    {column: value}}}`` (row numbers as ints or, read back from JSON, as strings)."""
    filled = grid.copy()
    for row, changes in dict(edits or {}).get("edited_rows", {}).items():
        for column, value in changes.items():
            if column in filled.columns:
                filled.at[int(row), column] = value
    return filled


def grid_records(grid: pd.DataFrame) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """The ROM rows a filled `rom_grid` holds (one per measure and side with a value), and each
    row's name by its 1-based position ("Hip internal rotation, left"), for `field_errors`."""
    records: list[dict[str, Any]] = []
    names: dict[int, str] = {}
    for (joint, movement, unit, _method), (_, row) in zip(ROM_MEASURES, grid.iterrows(), strict=True):
        for side in ("left", "right"):
            value = row[side]
            if value is None or pd.isna(value):
                continue
            records.append(
                {
                    "joint": joint,
                    "movement": movement,
                    "side": side,
                    "value": value,
                    "unit": unit,
                    "method": row["method"],
                }
            )
            names[len(records)] = f"{words.measure_label(joint, movement)}, {side}"
    return records, names


def saved_rom_text(records: Iterable[Mapping[str, Any]]) -> str:
    """The values of a saved grid, by measure: "Hip internal rotation L 38°, R 44°; Knee flexion R 131°"."""
    by_measure: dict[tuple[str, str], list[str]] = {}
    for r in records:
        by_measure.setdefault((r["joint"], r["movement"]), []).append(
            f"{r['side'][0].upper()} {words.amount(float(r['value']), r['unit'])}"
        )
    return "; ".join(f"{words.measure_label(j, m)} {', '.join(values)}" for (j, m), values in by_measure.items())
