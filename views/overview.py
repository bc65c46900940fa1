"""*Overview* (admin): what needs attention (`attention`, and the imports and deliveries that failed:
`failures`) and the check-ins of the last days across the viewer's scope.

Rules: `analytics.soreness` (compliance = athletes who checked in ÷ active athletes; the soreness
distribution, McLean et al. 2010).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine

from analytics import soreness
from analytics.lookup import looked_up
from data.access import Viewer
from data.import_failures import failed_imports
from data.outbox import delivery_log
from views import words
from views.audit import who_did_it
from views.reader import Reader


def recent_checkins(reader: Reader, days: int = 7) -> pd.DataFrame:
    """Per day of the `days` days up to the newest data day, newest first: ``date``, ``n_checked_in``,
    ``compliance``, ``soreness_median`` (the check-in item as answered, 1 = very sore … 5 = not sore),
    ``share_sore`` (empty before any data)."""
    last = reader.newest_day()
    if last is None:
        return pd.DataFrame()
    first = last - dt.timedelta(days=days - 1)
    recent = reader.checkins(None, first, last)
    compliance = soreness.daily_compliance(recent, reader.athletes(), start=first, end=last)
    summary = compliance.merge(soreness.team_soreness(recent), on="date", how="left")
    summary = summary.assign(date=summary["date"].dt.date, soreness_median=6 - summary["soreness_score_median"])
    return summary[["date", "n_checked_in", "compliance", "soreness_median", "share_sore"]].sort_values(
        "date", ascending=False
    )


#: An athlete without a check-in for this many days needs a word from the staff.
SILENT_DAYS = 7


@dataclass(frozen=True)
class Attention:
    """What an admin should look at, each a frame ready to show (empty when all is well):
    `never_signed_in` (username, role, created), `teams_without_therapist` (team), `silent_athletes`
    (name, team, last_checkin: the newest check-in, missing when none in the last `SILENT_DAYS` x 4 days)."""

    never_signed_in: pd.DataFrame
    teams_without_therapist: pd.DataFrame
    silent_athletes: pd.DataFrame

    @property
    def count(self) -> int:
        return len(self.never_signed_in) + len(self.teams_without_therapist) + len(self.silent_athletes)


def attention(reader: Reader, today: dt.date) -> Attention:
    """The accounts never used, the teams no active therapist looks after, and the active athletes with
    no check-in in the `SILENT_DAYS` days up to `today`."""
    users = reader.users()
    active = users[users["active"]]
    never = active[active["last_sign_in"].isna()]
    never_signed_in = pd.DataFrame(
        {
            "username": never["username"],
            "role": [words.word(words.ROLES, r) for r in never["role"]],
            "created": pd.to_datetime(never["created_at"]).dt.date,
        }
    )
    therapists = active[active["role"] == "therapist"]
    looked_after = {int(t) for ids in therapists["team_ids"] for t in ids}
    teams = reader.teams()
    teams_without_therapist = pd.DataFrame({"team": teams.loc[~teams["team_id"].isin(looked_after), "name"]})

    athletes = reader.athletes()
    athletes = athletes[athletes["active"]]
    lookback = today - dt.timedelta(days=SILENT_DAYS * 4 - 1)
    checkins = reader.checkins(None, lookback, today)
    last = checkins.groupby("athlete_id")["date"].max() if not checkins.empty else pd.Series(dtype="datetime64[ns]")
    last_checkin = looked_up(athletes["athlete_id"], last)
    quiet = last_checkin.isna() | (last_checkin < pd.Timestamp(today - dt.timedelta(days=SILENT_DAYS - 1)))
    silent = athletes.assign(last_checkin=last_checkin.dt.date)[quiet]
    silent_athletes = silent.rename(columns={"display_name": "name"})[["name", "team", "last_checkin"]].sort_values(
        ["team", "name"]
    )
    return Attention(
        never_signed_in.reset_index(drop=True),
        teams_without_therapist.reset_index(drop=True),
        silent_athletes.reset_index(drop=True),
    )


#: Failed imports and deliveries of this many days up to today need a look (older ones are in the audit and
#: delivery logs).
FAILURE_DAYS = 7


@dataclass(frozen=True)
class Failures:
    """What failed in the `FAILURE_DAYS` days up to today, in words (empty when nothing did):
    `imports` (when, who, records, why: the file's name and the reason) and `deliveries` (when, what, channel,
    to, attempts, why)."""

    imports: pd.DataFrame
    deliveries: pd.DataFrame

    @property
    def count(self) -> int:
        return len(self.imports) + len(self.deliveries)


def failures(engine: Engine, viewer: Viewer, today: dt.date) -> Failures:
    """The imports refused or stopped (`data.import_failures`) and the e-mail and webhook messages given up on
    after their last attempt (`data.outbox`, status ``failed``) from `FAILURE_DAYS` days before `today`, newest
    first; nothing for anyone but an admin."""
    since = today - dt.timedelta(days=FAILURE_DAYS - 1)
    entries = failed_imports(engine, viewer, since)
    imports = pd.DataFrame(
        {
            "when": entries["at"].map(words.timestamp),
            "who": [who_did_it(u or "", r or "") for u, r in zip(entries["username"], entries["role"], strict=True)],
            "records": entries["table_name"].map(lambda t: words.word(words.RECORD_KINDS, t)),
            "why": entries["detail"].fillna(""),
        },
        dtype=object,
    )
    log = delivery_log(engine, statuses=["failed"]) if viewer.role == "admin" else delivery_log(engine, limit=0)
    log = log[log["due_at"] >= pd.Timestamp(since, tz="UTC")]
    deliveries = pd.DataFrame(
        {
            "when": log["due_at"].map(words.timestamp),
            "what": log["event"].map(lambda e: words.word(words.NOTIFICATION_EVENTS, e)),
            "channel": log["channel"].map(lambda c: words.word(words.CHANNELS, c)),
            "to": log["recipient"],
            "attempts": log["attempts"].astype("int64"),
            "why": log["last_error"].fillna(""),
        }
    )
    return Failures(imports.reset_index(drop=True), deliveries.reset_index(drop=True))
