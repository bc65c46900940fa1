"""*Health problems* (therapist): one athlete's register of injuries and illnesses (IOC 2020, Bahr et al.), open
ones first, with each problem's subsequent-problem category, days out, label and its codes in words; what a new
problem is, in one sentence; the training session a problem began in; the substantial problems reported in the
weekly health questions that have no record yet. *Log a session* lists the injury register's labels
(`injury_register`) to link a session to an injury.

Rules: `analytics.recurrence.classify_injuries` and `classify_problems` (Fuller et al. 2006, 2007: exacerbation,
early, late or delayed recurrence, new; the clinician's own choice where set), `analytics.surveillance.days_lost`.
Words: `views.words`.
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


#: The columns of `register`, in order.
REGISTER_COLUMNS = [
    "injury_id",
    "athlete_id",
    "onset_date",
    "body_region",
    "side",
    "injury_type",
    "onset_mode",
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
    "onset_mode_label",
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
    ("Open"/"Returned"), ``region`` ("Left thigh"), ``type_label`` and ``onset_mode_label``.
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
    out["status"] = out["open"].map(words.INJURY_OPEN)
    out["region"] = [words.where_label(r, s) for r, s in zip(out["body_region"], out["side"], strict=True)]
    out["type_label"] = out["injury_type"].map(words.INJURY_TYPES)
    out["onset_mode_label"] = out["onset_mode"].map(words.ONSET_MODES, na_action="ignore")
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


# --------------------------------------------------------------------------- health problems (IOC 2020)

#: The columns of `problem_register`, in order: the problem as stored (clinical fields included: the page is the
#: therapist's), then what the register works out and says.
PROBLEM_COLUMNS = [
    "injury_id",
    "athlete_id",
    "problem_type",
    "onset_date",
    "body_region",
    "side",
    "injury_type",
    "onset_mode",
    "contact",
    "activity",
    "training_session_id",
    "body_area",
    "tissue",
    "pathology",
    "organ_system",
    "illness_cause",
    "osiics_code",
    "diagnosis",
    "time_loss",
    "return_date",
    "index_problem_id",
    "index_by_clinician",
    "notes",
    "open",
    "category",
    "category_label",
    "classified_by",
    "index_injury_id",
    "days_out",
    "label",
    "status",
    "kind_label",
    "site",
    "classification",
    "onset_mode_label",
    "contact_label",
    "activity_label",
]


def problem_words(problem_type: str, region: object, side: object, injury_type: object, organ_system: object) -> str:
    """``left thigh muscle strain`` for an injury; ``illness (airways and lungs)`` for an illness."""
    if problem_type == "illness":
        return f"illness ({words.lower_first(words.word(words.ORGAN_SYSTEMS, organ_system))})"
    return words.injury_words(region, side, injury_type)


def problem_label(row: dict[str, object], today: dt.date | None = None) -> str:
    """``Left thigh muscle strain since 3 Oct`` / ``Illness (airways and lungs), 3 Oct – 9 Oct``."""
    name = words.upper_first(
        problem_words(row["problem_type"], row["body_region"], row["side"], row["injury_type"], row["organ_system"])
    )
    returned = row["return_date"]
    if returned is None or pd.isna(returned):
        return f"{name} since {words.short_day(row['onset_date'], today)}"
    return f"{name}, {words.short_day(row['onset_date'], today)} – {words.short_day(returned, today)}"


def problem_register(problems: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """An athlete's health problems (`data.scoped.health_problems`, a therapist's frame with the diagnosis) for
    *Health problems*: open ones first (newest first), then the closed ones, with `PROBLEM_COLUMNS`.

    Adds ``open`` (no return date, or a return after `as_of`), the subsequent-problem ``category`` with its
    ``index_injury_id`` and ``classified_by`` (`analytics.recurrence.classify_problems`: the clinician's choice
    where one is set, the Fuller rule otherwise), ``days_out`` (`analytics.surveillance.days_lost` up to
    `as_of`), ``label`` and the words of the codes: ``kind_label`` (injury, illness), ``site`` (region and
    side, or organ system), ``classification`` (tissue and pathology, or cause), onset, contact, activity."""
    if problems.empty:
        return pd.DataFrame(columns=PROBLEM_COLUMNS)
    frame = problems.reindex(columns=PROBLEM_COLUMNS[: PROBLEM_COLUMNS.index("notes") + 1])
    classified = recurrence.classify_problems(frame)
    out = surveillance.days_lost(classified, as_of=pd.Timestamp(as_of))
    out["days_out"] = out["days_lost"].astype(int)
    out["open"] = out["return_date"].isna() | (out["return_date"] > pd.Timestamp(as_of))
    out["category_label"] = out["category"].map(words.RECURRENCE)
    records = out.to_dict("records")
    out["label"] = [problem_label(r, as_of) for r in records]
    out["status"] = out["open"].map(words.INJURY_OPEN)
    out["kind_label"] = out["problem_type"].map(words.PROBLEM_TYPES)
    out["site"] = [
        words.word(words.ORGAN_SYSTEMS, r["organ_system"])
        if r["problem_type"] == "illness"
        else words.where_label(r["body_region"], r["side"])
        for r in records
    ]
    out["classification"] = [
        words.word(words.ILLNESS_CAUSES, r["illness_cause"])
        if r["problem_type"] == "illness"
        else " · ".join(
            words.word(table, code)
            for table, code in ((words.TISSUES, r["tissue"]), (words.PATHOLOGIES, r["pathology"]))
            if isinstance(code, str)
        )
        for r in records
    ]
    out["onset_mode_label"] = out["onset_mode"].map(words.ONSET_MODES, na_action="ignore")
    out["contact_label"] = out["contact"].map(words.CONTACTS, na_action="ignore")
    out["activity_label"] = out["activity"].map(words.ACTIVITIES, na_action="ignore")
    out = out.sort_values(["open", "onset_date", "injury_id"], ascending=[False, False, False])
    return out[PROBLEM_COLUMNS].reset_index(drop=True)


def health_problem_register(reader: Reader, athlete_id: int, as_of: dt.date) -> pd.DataFrame:
    """*Health problems*: the `problem_register` of one athlete's whole history (subsequent problems need it)."""
    return problem_register(reader.health_problems(ids([athlete_id])), as_of)


def subsequent_sentence(register: pd.DataFrame, injury_id: int, today: dt.date | None = None) -> str:
    """What the problem is among the athlete's problems, in words, from a `problem_register` frame: new, or
    an exacerbation or recurrence of an earlier one (Fuller et al. 2006; Bahr et al. 2020), and who said so."""
    row = register.loc[register["injury_id"] == injury_id].iloc[0]
    name = problem_words(row["problem_type"], row["body_region"], row["side"], row["injury_type"], row["organ_system"])
    by = words.SUBSEQUENT_BY[row["classified_by"]]
    if row["category"] == "new" or pd.isna(row["index_injury_id"]):
        return f"This is a new problem ({by}): it follows no earlier problem of this athlete."
    index = register.loc[register["injury_id"] == int(row["index_injury_id"])]
    if index.empty:
        return f"This is {words.RECURRENCE[row['category']].lower()} of an earlier problem ({by})."
    first = index.iloc[0]
    earlier = problem_words(
        first["problem_type"], first["body_region"], first["side"], first["injury_type"], first["organ_system"]
    )
    kind = words.RECURRENCE[row["category"]].lower()
    article = "an" if kind[0] in "aeiou" else "a"
    return f"This {name} is {article} {kind} of the {earlier} of {words.short_day(first['onset_date'], today)} ({by})."


#: The kind of training session each activity links to (IOC 2020 activity -> `training_sessions.kind`).
SESSION_KIND_OF_ACTIVITY: dict[str, str] = {"training": "training", "match": "match"}


def sessions_on(reader: Reader, athlete_id: int, day: dt.date, activity: str | None) -> dict[int, str]:
    """The athlete's training sessions of `day` that a problem begun in `activity` (training or match) links
    to, as {training_id: "Match, 90 min"}; none for another activity or a day without one."""
    kind = SESSION_KIND_OF_ACTIVITY.get(activity or "")
    if kind is None:
        return {}
    sessions = reader.training(ids([athlete_id]), day, day)
    sessions = sessions[sessions["kind"] == kind]
    return {
        int(i): f"{words.TRAINING_KINDS[k]}, {m} min"
        for i, k, m in zip(sessions["training_id"], sessions["kind"], sessions["minutes"], strict=True)
    }


#: The columns of `weekly_reports`, in order.
WEEKLY_COLUMNS = [
    "report_id",
    "athlete_id",
    "athlete",
    "week_start",
    "problem_type",
    "body_region",
    "organ_system",
    "what",
    "severity",
    "days_lost",
]


def weekly_reports(unrecorded: pd.DataFrame, athletes: pd.DataFrame) -> pd.DataFrame:
    """The substantial problems athletes reported in the weekly health questions (OSTRC-H2, Clarsen et al. 2020)
    that no record has been opened from (`data.ostrc_health.unrecorded_substantial`), with the athlete's name
    and ``what`` in words ("Injury: thigh", "Illness: airways and lungs"), newest week first."""
    names = athletes.set_index("athlete_id")["display_name"]
    out = unrecorded.assign(athlete=unrecorded["athlete_id"].map(names))
    out["what"] = [
        f"{words.PROBLEM_TYPES[kind]}: "
        + words.lower_first(
            words.word(words.ORGAN_SYSTEMS, system) if kind == "illness" else words.region_label(region)
        )
        for kind, region, system in zip(out["problem_type"], out["body_region"], out["organ_system"], strict=True)
    ]
    return out.reindex(columns=WEEKLY_COLUMNS).reset_index(drop=True)
