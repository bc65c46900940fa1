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
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analytics.schemas import (
    RECURRENCE_CATEGORIES,
    Athletes,
    ClassifiedInjuries,
    EpisodeIntervals,
    Injuries,
    RecurrenceRate,
)
from analytics.validation import checked

#: What makes two injuries "the same injury" (Fuller et al. 2006): athlete, type, region, side.
SITE: list[str] = ["athlete_id", "injury_type", "body_region", "side"]
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
    n = len(classified)
    onset = classified["onset_date"].to_numpy("datetime64[ns]")
    # Rows in (onset_date, injury_id) order (stable: full ties keep the input order), then grouped by
    # site keeping that order: the index injury is the previous row of the same site.
    by_time = np.lexsort((classified["injury_id"].to_numpy(), onset))
    site = np.zeros(n, dtype=np.int64)
    for column in SITE:
        codes, uniques = pd.factorize(classified[column])
        site = site * (len(uniques) + 1) + codes + 1  # a missing value (code -1) is a value of its own
    by_site = by_time[np.argsort(site[by_time], kind="stable")]
    previous = np.full(n, -1, dtype=np.int64)
    same_site = site[by_site[1:]] == site[by_site[:-1]]
    previous[by_site[1:][same_site]] = by_site[:-1][same_site]

    has_index = previous >= 0
    index_return = np.where(
        has_index, classified["return_date"].to_numpy("datetime64[ns]")[previous], np.datetime64("NaT")
    )
    returned = ~np.isnat(index_return) & (index_return <= onset)
    # Whole days from the index return to the onset (as Timedelta.days), where it had returned.
    gap = np.where(returned, onset - index_return, np.timedelta64(0, "ns")) // np.timedelta64(1, "D")
    category = np.select(
        [~has_index, ~returned, gap <= EARLY_DAYS, gap <= LATE_DAYS],
        np.array(["new", "exacerbation", "recurrent_early", "recurrent_late"], dtype=object),
        default="recurrent_delayed",
    )
    index_id = pd.array(classified["injury_id"].to_numpy()[previous], dtype="Int64")
    index_id[~has_index] = pd.NA

    classified["category"] = category  # `classified` is a new frame: the input is untouched
    classified["index_injury_id"] = index_id
    return checked(classified, ClassifiedInjuries)


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
    - ``classified`` is the output of `classify_injuries`; a frame without ``category`` is
      classified first. Classify the full history, then filter: an injury's category depends on
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
    """A validated classified frame: as given when it has ``category``, else classified now."""
    if "category" not in frame.columns:
        return classify_injuries(frame)
    return checked(frame, ClassifiedInjuries)
