"""*Caseload* (therapist): the athletes in scope with an open injury or an open flag on the newest data day,
in attention order, as table text; and the open flags in words.

Rules: `analytics.caseload` (who is listed, current pain and its 7-day trend, attention order),
`analytics.recovery.chronic_pain` (IASP: reported in most of the last 12 weeks), `views.flags`.
Words: `views.words`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics import caseload as rules
from analytics import recovery
from analytics import schemas as S
from analytics.availability import open_injuries
from analytics.validation import checked_frame
from views import words
from views.athlete_progress import CHRONIC_DAYS
from views.flags import open_flags_described
from views.reader import Reader, ids


@dataclass(frozen=True)
class Caseload:
    """Everything *Caseload* shows (`day` None: no data yet, both frames empty)."""

    day: dt.date | None
    board: pd.DataFrame  # `caseload_board`: one row per athlete, attention order
    flags: pd.DataFrame  # `views.flags.describe_flags` of the open flags on `day`
    red_flags: int  # of `flags`; the others are amber
    open_injuries: int  # open injuries of the athletes on the board


def _per_athlete(athlete_ids: pd.Series, texts: pd.Series | np.ndarray, index: pd.Index, sep: str) -> pd.Series:
    """`texts` joined by `sep` per athlete, on `index` ("" for an athlete without any)."""
    joined = pd.Series(np.asarray(texts, dtype=object), index=athlete_ids.index).groupby(athlete_ids).agg(sep.join)
    return joined.reindex(index).fillna("")


def caseload_board(
    numbers: pd.DataFrame, injuries: pd.DataFrame, open_flags: pd.DataFrame, chronic: pd.DataFrame | None, day: dt.date
) -> pd.DataFrame:
    """`analytics.caseload.caseload` rows (`numbers`) with their table text: ``flag_kinds`` (the labels of
    the athlete's open flags), ``open_injuries`` ("left thigh strain (12 d)", several joined by "; "),
    ``pain_where``, ``arrow`` (`views.words.TREND_ARROWS`), ``chronic_where``, ``flags_text`` ("1 red · 2
    amber"), ``pain_text`` ("6/10 left thigh · 3 Oct"; "none reported" when no report of a named region,
    "—" when the flags name no region) and ``session_text`` ("1 Oct · active release (2 d)")."""
    out = numbers.set_index("athlete_id")
    index = out.index
    fl = open_flags[open_flags["athlete_id"].isin(index)].drop_duplicates(["athlete_id", "kind"])
    out["flag_kinds"] = _per_athlete(
        fl["athlete_id"], fl["kind"].map(lambda k: words.word(words.FLAGS, k)), index, ", "
    )
    inj = open_injuries(injuries, day)
    inj = inj[inj["athlete_id"].isin(index)]
    inj_text = [
        f"{where} {words.INJURY_SHORT.get(kind, words.lower_first(words.word(words.INJURY_TYPES, kind)))} ({n} d)"
        for where, kind, n in zip(
            words.where_column(inj["body_region"], inj["side"]),
            inj["injury_type"],
            inj["days_since_onset"],
            strict=True,
        )
    ]
    out["open_injuries"] = _per_athlete(inj["athlete_id"], inj_text, index, "; ")
    out["pain_where"] = words.where_column(out["pain_region"], out["pain_side"])
    out["arrow"] = out["trend"].map(words.TREND_ARROWS)
    if chronic is not None and not chronic.empty:
        ch = chronic[chronic["chronic"].astype(bool)]
        out["chronic_where"] = _per_athlete(
            ch["athlete_id"], words.where_column(ch["body_region"], ch["side"]), index, ", "
        )
    else:
        out["chronic_where"] = ""
    red = np.where(out["n_red"] > 0, out["n_red"].astype(str) + " red", "")
    amber = np.where(out["n_amber"] > 0, out["n_amber"].astype(str) + " amber", "")
    both = np.where((out["n_red"] > 0) & (out["n_amber"] > 0), " · ", "")
    out["flags_text"] = pd.Series(red, index=index, dtype=object) + both + amber
    out["pain_text"] = np.where(
        out["current_pain"].notna(),
        out["current_pain"].fillna(0).astype(int).astype(str)
        + "/10 "
        + out["pain_where"]
        + " · "
        + words.short_days(out["current_pain_date"]),
        np.where(out["region_named"], "none reported", "—"),
    )
    technique = out["last_technique"].map(lambda t: words.lower_first(words.word(words.TECHNIQUES, t)))
    out["session_text"] = np.where(
        out["last_session_date"].notna(),
        words.short_days(out["last_session_date"])
        + " · "
        + technique
        + " ("
        + out["days_since_session"].fillna(0).astype(int).astype(str)
        + " d)",
        "none on record",
    )
    return out.reset_index()


def caseload(reader: Reader) -> Caseload:
    """*Caseload* on the newest data day: the open flags of everyone in scope (`describe_flags`) and the
    athletes with an open injury or an open flag (`caseload_board`)."""
    day = reader.newest_day()
    if day is None:
        return Caseload(day=None, board=pd.DataFrame(), flags=pd.DataFrame(), red_flags=0, open_injuries=0)
    flags = open_flags_described(reader)
    people = checked_frame(reader.athletes(), S.Athletes)  # each read checked once, for every call below
    injured = checked_frame(reader.injuries(), S.Injuries)
    listed = set(open_injuries(injured, day)["athlete_id"]) | set(flags["athlete_id"])
    who = ids(listed)
    reports = checked_frame(reader.pain(who, day - dt.timedelta(days=CHRONIC_DAYS - 1), day), S.PainReports)
    chronic = recovery.chronic_pain(reports, as_of=day) if not reports.empty else None
    numbers = rules.caseload(people, injured, flags, reports, reader.therapy(who), chronic, day)
    return Caseload(
        day=day,
        board=caseload_board(numbers, injured, flags, chronic, day),
        flags=flags,
        red_flags=int((flags["severity"] == "red").sum()),
        open_injuries=int(numbers["n_open_injuries"].sum()),
    )
