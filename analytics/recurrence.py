"""Injury recurrence: Fuller et al. (2006) consensus categories, recurrence rates, time between episodes.

An injury of the same type at the same body region and side as an earlier injury of the same
athlete is (Fuller et al. 2006, 2007; DESIGN.md, "Recurrence"):

- an *exacerbation* if the earlier injury had not returned to full participation by the new
  onset (``return_date`` missing, or later than the new ``onset_date``);
- otherwise a *recurrence*: ``recurrent_early`` if the new onset is at most 60 days after the
  earlier return, ``recurrent_late`` at most 365 days, ``recurrent_delayed`` after that;
- anything else is ``new``.

Recurrence rate = recurrences / all injuries (exacerbations are not recurrences: they are the
same, unhealed injury getting worse; they are counted in their own column).

Health problems (Bahr et al. 2020, IOC consensus, "Subsequent health problems"): `classify_problems`
classifies injuries by the rule above and illnesses by the same rule with the organ system and the cause
standing for region and type (the consensus calls a subsequent illness of the same organ system and type
a recurrent illness: an exacerbation before full recovery, a repeat after it). Where the clinician chose
the index problem by hand (``index_by_clinician``), that choice decides instead: an index problem makes
the problem subsequent to it (its category by the same day rules from that index's return), no index
makes it new. `recurrence_rate` and `time_between_episodes` use those categories for a frame of health
problems.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analytics.schemas import (
    RECURRENCE_CATEGORIES,
    Athletes,
    ClassifiedInjuries,
    ClassifiedProblems,
    EpisodeIntervals,
    HealthProblems,
    Injuries,
    RecurrenceRate,
)
from analytics.validation import checked

#: What makes two injuries "the same injury" (Fuller et al. 2006): athlete, type, region, side.
SITE: list[str] = ["athlete_id", "injury_type", "body_region", "side"]
#: What makes two illnesses "the same illness": athlete, organ system and cause (IOC 2020: organ system and
#: type), standing for the injury's region and type.
ILLNESS_SITE: list[str] = ["athlete_id", "organ_system", "illness_cause"]
EARLY_DAYS = 60  # "within 2 months" of return
LATE_DAYS = 365  # "within 2-12 months" of return
RECURRENT: tuple[str, ...] = RECURRENCE_CATEGORIES[2:]


def classify_injuries(injuries: pd.DataFrame) -> pd.DataFrame:
    """The injuries with their Fuller et al. (2006, 2007) ``category`` and ``index_injury_id``.

    Rule: see the module docstring. ``category`` is one of ``new``, ``exacerbation``,
    ``recurrent_early`` (onset <= 60 days after the index injury's return),
    ``recurrent_late`` (<= 365 days), ``recurrent_delayed`` (> 365 days).

    Choices:
    - "Same injury" = same athlete, ``injury_type``, ``body_region`` and ``side``, exactly: a
      ``bilateral`` injury does not match a ``left`` one, and a different side is ``new``.
    - The index injury is the *most recent* earlier matching injury (by onset date, ties on the
      same day broken by ``injury_id``, the lower one counting as earlier), so a second
      recurrence points at the first recurrence, not at the original injury. Day counts are
      from that index injury's ``return_date`` to the new ``onset_date``.
    - Returned on the very day of the new onset (``return_date == onset_date``) counts as
      returned: a recurrence 0 days later, ``recurrent_early``.
    - ``index_injury_id`` is a nullable integer, missing for ``new``.
    - All input columns and the input's row order and index are kept; extra columns are passed
      through. Vectorised over all athletes: one sort by time, one stable sort by site.
    """
    classified = checked(injuries, Injuries)
    category, index_id = _categories(classified, SITE)
    classified["category"] = category  # `classified` is a new frame: the input is untouched
    classified["index_injury_id"] = index_id
    return checked(classified, ClassifiedInjuries)


def classify_problems(problems: pd.DataFrame) -> pd.DataFrame:
    """Health problems with their ``category``, ``index_injury_id`` and ``classified_by`` (``automatic`` or
    ``clinician``): the categories the rate analyses use (Fuller et al. 2006; Bahr et al. 2020).

    Rules:
    - Injuries: `classify_injuries` (same athlete, type, region and side).
    - Illnesses: the same rule on `ILLNESS_SITE` (same athlete, organ system and cause); a missing
      cause is a value of its own, as a missing column value is for injuries. Injuries and illnesses
      are never each other's index.
    - The clinician's choice (``index_by_clinician`` true) overrides: ``index_problem_id`` missing makes the
      problem ``new``; an index problem makes it ``exacerbation`` when that index had not returned to
      full participation by this onset, otherwise a recurrence, early (<= 60 days after its return),
      late (<= 365 days) or delayed, whatever their types and sites. An index the frame does not hold
      (filtered out: classify the whole history, then filter) leaves the automatic category.

    Needs ``injury_id, athlete_id, problem_type, onset_date, return_date``, the injuries' site columns
    and, when there are illnesses, ``organ_system`` and ``illness_cause`` (clinical: a therapist's or an
    admin's frame). ``index_problem_id`` and ``index_by_clinician`` are optional (no clinician choice
    without them). Input order, index and extra columns are kept.
    """
    base = ["injury_id", "athlete_id", "problem_type", "onset_date", "return_date"]
    present = [c for c in (*SITE[1:], *ILLNESS_SITE[1:], "index_problem_id", "index_by_clinician") if c in problems]
    frame = problems.assign(**dict(checked(problems, HealthProblems, [*base, *present]).items()))
    illness = (frame["problem_type"] == "illness").to_numpy()
    if illness.any() and not set(ILLNESS_SITE) <= set(frame.columns):
        raise ValueError("classify_problems needs the illnesses' organ_system and illness_cause columns")
    category = np.full(len(frame), "new", dtype=object)
    index_id = pd.array([pd.NA] * len(frame), dtype="Int64")
    for mask, site in ((~illness, SITE), (illness, ILLNESS_SITE)):
        if mask.any():
            category[mask], index_id[mask] = _categories(frame.loc[mask], site)
    by_clinician = np.zeros(len(frame), dtype=bool)
    if "index_by_clinician" in frame.columns:
        by_clinician = frame["index_by_clinician"].astype("boolean").fillna(False).to_numpy(dtype=bool)
        chosen = frame["index_problem_id"] if "index_problem_id" in frame.columns else pd.Series(pd.NA, frame.index)
        category, index_id, by_clinician = _clinician_categories(frame, chosen, by_clinician, category, index_id)
    out = frame.assign(
        category=category, index_injury_id=index_id, classified_by=np.where(by_clinician, "clinician", "automatic")
    )
    return checked(out, ClassifiedProblems)


def _categories(frame: pd.DataFrame, site_columns: list[str]) -> tuple[np.ndarray, pd.arrays.IntegerArray]:
    """The Fuller category and index injury id of each row of `frame` (see `classify_injuries`), with "the
    same site" = equal `site_columns`. Vectorised over all athletes: one sort by time, one by site."""
    n = len(frame)
    onset = frame["onset_date"].to_numpy("datetime64[ns]")
    # Rows in (onset_date, injury_id) order (stable: full ties keep the input order), then grouped by
    # site keeping that order: the index injury is the previous row of the same site.
    by_time = np.lexsort((frame["injury_id"].to_numpy(), onset))
    site = np.zeros(n, dtype=np.int64)
    for column in site_columns:
        codes, uniques = pd.factorize(frame[column])
        site = site * (len(uniques) + 1) + codes + 1  # a missing value (code -1) is a value of its own
    by_site = by_time[np.argsort(site[by_time], kind="stable")]
    previous = np.full(n, -1, dtype=np.int64)
    same_site = site[by_site[1:]] == site[by_site[:-1]]
    previous[by_site[1:][same_site]] = by_site[:-1][same_site]

    has_index = previous >= 0
    index_return = np.where(has_index, frame["return_date"].to_numpy("datetime64[ns]")[previous], np.datetime64("NaT"))
    category = _by_days(onset, index_return, has_index)
    index_id = pd.array(frame["injury_id"].to_numpy()[previous], dtype="Int64")
    index_id[~has_index] = pd.NA
    return category, index_id


def _by_days(onset: np.ndarray, index_return: np.ndarray, has_index: np.ndarray) -> np.ndarray:
    """The category from the index's return to the onset: ``new`` without an index, ``exacerbation`` when
    the index had not returned by the onset, else early (<= `EARLY_DAYS`), late (<= `LATE_DAYS`) or
    delayed recurrence. Returned on the day of the onset counts as returned (0 days: early)."""
    returned = ~np.isnat(index_return) & (index_return <= onset)
    # Whole days from the index return to the onset (as Timedelta.days), where it had returned.
    gap = np.where(returned, onset - index_return, np.timedelta64(0, "ns")) // np.timedelta64(1, "D")
    return np.select(
        [~has_index, ~returned, gap <= EARLY_DAYS, gap <= LATE_DAYS],
        np.array(["new", "exacerbation", "recurrent_early", "recurrent_late"], dtype=object),
        default="recurrent_delayed",
    )


def _clinician_categories(
    frame: pd.DataFrame,
    chosen: pd.Series,
    by_clinician: np.ndarray,
    category: np.ndarray,
    index_id: pd.arrays.IntegerArray,
) -> tuple[np.ndarray, pd.arrays.IntegerArray, np.ndarray]:
    """`category` and `index_id` with the clinician's choices applied (see `classify_problems`), and where
    a choice was applied (a chosen index the frame does not hold is not)."""
    returns = pd.Series(frame["return_date"].to_numpy("datetime64[ns]"), index=frame["injury_id"].to_numpy())
    returns = returns[~returns.index.duplicated()]
    wanted = pd.array(chosen, dtype="Int64")
    found = by_clinician & (wanted.isna() | pd.Index(wanted).isin(returns.index))
    picked = found & ~wanted.isna()
    index_return = np.full(len(frame), np.datetime64("NaT"), dtype="datetime64[ns]")
    index_return[picked] = returns.reindex(wanted[picked].to_numpy(dtype="int64")).to_numpy("datetime64[ns]")
    onset = frame["onset_date"].to_numpy("datetime64[ns]")
    category = np.where(found, _by_days(onset, index_return, picked), category)
    index_id = index_id.copy()
    index_id[found] = wanted[found]
    return category, index_id, found


def recurrence_rate(
    classified: pd.DataFrame,
    by: Sequence[str] = (),
    athletes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Recurrence rate = recurrences / all injuries (Fuller et al. 2007; DESIGN.md), per group.

    Output: the ``by`` columns, then ``injuries``, ``recurrences`` (early + late + delayed),
    ``exacerbations``, ``recurrence_rate`` (recurrences / injuries).

    ``by`` may name ``team`` (joined from ``athletes`` on ``athlete_id`` unless ``classified``
    already has a ``team`` column), ``month`` (the onset month, as its first day) and any column
    of ``classified``, e.g. ``body_region``. ``by=()`` gives one overall row.

    Choices:
    - ``classified`` is the output of `classify_injuries` or `classify_problems`; a frame without
      ``category`` is classified first (by `classify_problems`, with the clinician's choices, when it
      has ``problem_type``). Classify the full history, then filter: an injury's category depends on
      the earlier injuries, which a filtered frame may not hold.
    - Exacerbations are not recurrences (DESIGN.md: "otherwise a recurrence"); they are counted
      in the denominator as injuries and reported in their own column.
    - Only groups with at least one injury appear; with ``team``, injuries of athletes missing
      from ``athletes`` are left out (inner join).
    """
    frame = _classified(classified)
    by = [by] if isinstance(by, str) else list(by)
    if "team" in by and "team" not in frame.columns:
        if athletes is None:
            raise ValueError("recurrence_rate(by=['team', ...]) needs the athletes frame (athlete_id, team)")
        teams = checked(athletes, Athletes, ("athlete_id", "team"))
        frame = frame.merge(teams.drop_duplicates("athlete_id"), on="athlete_id", how="inner")
    if "month" in by:
        frame = frame.assign(month=frame["onset_date"].dt.to_period("M").dt.to_timestamp())
    missing = [c for c in by if c not in frame.columns]
    if missing:
        raise ValueError(f"recurrence_rate: cannot group by {missing}")

    counts = frame.assign(
        recurrences=frame["category"].isin(RECURRENT).astype(int),
        exacerbations=(frame["category"] == "exacerbation").astype(int),
    )
    if by:
        rates = counts.groupby(by, as_index=False, observed=True).agg(
            injuries=("injury_id", "size"), recurrences=("recurrences", "sum"), exacerbations=("exacerbations", "sum")
        )
    else:
        rates = pd.DataFrame(
            {
                "injuries": [len(counts)],
                "recurrences": [int(counts["recurrences"].sum())],
                "exacerbations": [int(counts["exacerbations"].sum())],
            }
        )
        rates = rates[rates["injuries"] > 0]
    rates = rates.astype({"injuries": "int64", "recurrences": "int64", "exacerbations": "int64"})
    rates["recurrence_rate"] = rates["recurrences"] / rates["injuries"]
    return checked(rates.reset_index(drop=True), RecurrenceRate)


def time_between_episodes(classified: pd.DataFrame) -> pd.DataFrame:
    """Days between an injury and the later one that repeats it (Fuller et al. 2006), one row per repeat.

    Output: ``injury_id, athlete_id, index_injury_id, category, onset_date, days_between,
    days_from_index_onset, days_from_index_return``.

    Rules:
    - ``days_from_index_onset`` = new onset - index injury's onset.
    - ``days_from_index_return`` = new onset - index injury's return to full participation;
      missing for an exacerbation (the index had not returned by the new onset).
    - ``days_between`` = the time between the episodes: from the index injury's return when it
      had returned (recurrences), else from its onset (exacerbations).

    Choices: ``classified`` is the output of `classify_injuries` (a frame without ``category``
    is classified first); ``new`` injuries have no row; a row whose index injury is not in the
    frame (filtered out) is left out. Sorted by athlete, onset date and injury id.
    """
    frame = _classified(classified)
    index = frame[["injury_id", "onset_date", "return_date"]].rename(
        columns={"injury_id": "index_injury_id", "onset_date": "index_onset_date", "return_date": "index_return_date"}
    )
    repeats = frame.loc[
        frame["category"] != "new", ["injury_id", "athlete_id", "index_injury_id", "category", "onset_date"]
    ]
    pairs = repeats.astype({"index_injury_id": "int64"}).merge(index, on="index_injury_id", how="inner")

    from_onset = (pairs["onset_date"] - pairs["index_onset_date"]).dt.days.astype("int64")
    from_return = (pairs["onset_date"] - pairs["index_return_date"]).dt.days.astype("Int64")
    from_return = from_return.where(pairs["category"] != "exacerbation")
    out = pairs.assign(
        days_between=from_return.fillna(from_onset).astype("int64"),
        days_from_index_onset=from_onset,
        days_from_index_return=from_return,
    )
    columns = ["injury_id", "athlete_id", "index_injury_id", "category", "onset_date", "days_between"]
    out = out[[*columns, "days_from_index_onset", "days_from_index_return"]]
    out = out.sort_values(["athlete_id", "onset_date", "injury_id"], kind="stable").reset_index(drop=True)
    return checked(out, EpisodeIntervals)


def _classified(frame: pd.DataFrame) -> pd.DataFrame:
    """A validated classified frame: as given when it has ``category``, else classified now (health problems,
    which have ``problem_type``, by `classify_problems` with the clinician's choices; injuries by
    `classify_injuries`)."""
    problems = "problem_type" in frame.columns
    if "category" not in frame.columns:
        return classify_problems(frame) if problems else classify_injuries(frame)
    return checked(frame, ClassifiedProblems if problems else ClassifiedInjuries)
