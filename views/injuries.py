"""*Injuries* (therapist): one athlete's injury register, open injuries first, with each injury's recurrence
category, days out and label; and what a new injury is, in one sentence. *Log a session* lists the same
register's labels to link a session to an injury.

Rules: `analytics.recurrence.classify_injuries` (Fuller et al. 2006, 2007: exacerbation, early, late or
delayed recurrence, new), `analytics.surveillance.days_lost`. Words: `views.words`.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analytics import recurrence, surveillance
from views import words
from views.reader import Reader, ids

#: The source line every recurrence category shown on a form carries.
RECURRENCE_RULE = (
    "Recurrence (Fuller et al. 2006, 2007): an injury of the same type, region and side as an earlier one is an "
    "exacerbation if that one had not returned to full participation, otherwise an early (≤ 60 days after the "
    "return), late (≤ 365 days) or delayed recurrence; anything else is new."
)

#: An injury's status in the register, by whether it is open.
STATUS: dict[bool, str] = {True: "Open", False: "Returned"}

#: The columns of `register`, in order.
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


def injury_label(
    region: str, side: str | None, injury_type: str, onset: object, returned: object, today: dt.date | None = None
) -> str:
    """``Left thigh muscle strain since 3 Oct`` while open; ``…, 3 Oct – 20 Oct`` once returned."""
    name = words.upper_first(words.injury_words(region, side, injury_type))
    if returned is None or pd.isna(returned):
        return f"{name} since {words.short_day(onset, today)}"
    return f"{name}, {words.short_day(onset, today)} – {words.short_day(returned, today)}"


def register(injuries: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """An athlete's injuries (`data.queries.injuries`) for the forms: open ones first (newest first), then
    the returned ones.

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
    out["status"] = out["open"].map(STATUS)
    out["region"] = [words.where_label(r, s) for r, s in zip(out["body_region"], out["side"], strict=True)]
    out["type_label"] = out["injury_type"].map(words.INJURY_TYPES)
    out["mechanism_label"] = out["mechanism"].map(words.MECHANISMS, na_action="ignore")
    out = out.sort_values(["open", "onset_date", "injury_id"], ascending=[False, False, False])
    return out[REGISTER_COLUMNS].reset_index(drop=True)


def injury_register(reader: Reader, athlete_id: int, as_of: dt.date) -> pd.DataFrame:
    """*Injuries*: the `register` of one athlete's whole injury history (recurrence needs it) on `as_of`."""
    return register(reader.injuries(ids([athlete_id])), as_of)


def recurrence_sentence(register: pd.DataFrame, injury_id: int, today: dt.date | None = None) -> str:
    """What the injury is by the Fuller et al. (2006) rule, in words, from a `register` frame.

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
