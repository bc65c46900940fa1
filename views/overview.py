"""*Overview* (admin): the check-ins of the last days across the viewer's scope.

Rules: `analytics.soreness` (compliance = athletes who checked in ÷ active athletes; the soreness
distribution, McLean et al. 2010).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analytics import soreness
from views.reader import Reader


def recent_checkins(reader: Reader, days: int = 7) -> pd.DataFrame:
    """Per day of the `days` days up to the newest data day, newest first: ``date``, ``n_checked_in``,
    ``compliance``, ``soreness_score_median``, ``share_sore`` (empty before any data)."""
    last = reader.newest_day()
    if last is None:
        return pd.DataFrame()
    first = last - dt.timedelta(days=days - 1)
    recent = reader.checkins(None, first, last)
    compliance = soreness.daily_compliance(recent, reader.athletes(), start=first, end=last)
    summary = compliance.merge(soreness.team_soreness(recent), on="date", how="left")
    return summary.assign(date=summary["date"].dt.date)[
        ["date", "n_checked_in", "compliance", "soreness_score_median", "share_sore"]
    ].sort_values("date", ascending=False)
