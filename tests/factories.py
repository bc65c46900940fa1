"""What the tests build: frames shaped like the ones `data/queries.py` reads, and the access organisation.

Each frame builder takes rows holding the `columns` it names (the table's usual ones by default) and fills
every other column of the query's frame with a plain default, so a test writes only the values its worked
example is about. Dates are anything `pd.Timestamp` reads, or day numbers counted from `day_zero` when one
is given. Every column has the query's dtype (days datetime64[ns], nullable scores Int64, text str).

`build_org` makes the organisation the access tests share (tests/unit/test_scoped.py and
tests/app/test_access_matrix.py): the small demo (two teams, a coach and a therapist of both), one athlete
moved with all their records to a third team nobody but the admin sees, plus a coach of the second team
only, a therapist of the first team only and an athlete account of the other team than the demo athlete's;
every athlete renamed to a unique marker name, and every clinical note (therapy, injury, flag review)
holding `NOTE_MARKER`, so a leak can be searched for.

`report_demo` makes the progress report the report tests print: the therapist's view of the small demo's
athlete with the most therapy sessions (and so injuries, ROM and pain too).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, delete, select, update

from data import access, queries
from data.accounts import create_user
from data.db import make_engine
from data.demo import load_demo
from data.models import Athlete, Injury, PainReport, Team, TherapySession, User, WellnessCheckin
from data.record_writes import close_flag
from data.roster import create_team
from data.schema import upgrade
from data.time_zones import today_in
from views.progress_report import ProgressReport, progress_report
from views.reader import ScopedReader

#: A column's default: a value for every row, or a function of the frame built so far.
Default = object | Callable[[pd.DataFrame], object]


@dataclass(frozen=True)
class Column:
    """A column of a query's frame: its dtype as data/queries.py names it ("datetime" = a day as
    datetime64[ns]) and what it holds when a test does not give it."""

    dtype: str
    default: Default = None


WELLNESS_ITEMS = ("fatigue", "sleep_quality", "soreness", "stress", "mood")


def _numbered(frame: pd.DataFrame) -> range:
    return range(1, len(frame) + 1)


def _days(values: pd.Series, day_zero: object | None) -> pd.Series:
    """`values` as datetime64[ns]: anything pd.Timestamp reads, or day numbers counted from `day_zero`."""
    if day_zero is not None:
        start = pd.Timestamp(day_zero)
        values = pd.Series([pd.NaT if pd.isna(n) else start + pd.Timedelta(days=n) for n in values], dtype=object)
    return pd.to_datetime(values).astype("datetime64[ns]")


def _typed(values: pd.Series, dtype: str, day_zero: object | None) -> object:
    """`values` in the query's `dtype`; values that dtype cannot hold as they are (a missing value in an
    int64 or bool column, a fraction in an int64 one) stay as given, so a test can hand analytics such a
    frame on purpose."""
    if dtype == "datetime":
        return _days(values, day_zero)
    if dtype == "Int64":
        return pd.array(values, dtype="Int64")
    if dtype in ("int64", "bool") and values.isna().any():
        return values
    typed = values.astype(dtype)
    return typed if dtype != "int64" or (typed == values).all() else values


def _frame(
    rows: Sequence[Sequence[object]],
    columns: Sequence[str],
    table: Mapping[str, Column],
    day_zero: object | None = None,
) -> pd.DataFrame:
    """`rows` under `columns`, then every other column of `table` at its default, in the table's order (given
    columns the table does not have go last), each in the table's dtype."""
    frame = pd.DataFrame([tuple(row) for row in rows], columns=list(columns))
    for name, column in table.items():
        if name not in frame:
            frame[name] = column.default(frame) if callable(column.default) else column.default
        frame[name] = _typed(frame[name], column.dtype, day_zero)
    return frame[[*table, *(name for name in frame if name not in table)]]


ATHLETES = {
    "athlete_id": Column("int64"),
    "team_id": Column("int64", 1),
    "team": Column("str", lambda f: [f"Team {t}" for t in f["team_id"]]),
    "display_name": Column("str", lambda f: [f"Athlete {a}" for a in f["athlete_id"]]),
    "external_id": Column("str", lambda f: [f"ext{a}" for a in f["athlete_id"]]),
    "position": Column("str"),
    "dominant_side": Column("str", "right"),
    "active": Column("bool", True),
}
WELLNESS_CHECKINS = {
    "athlete_id": Column("int64"),
    "date": Column("datetime"),
    **{item: Column("Int64", 3) for item in WELLNESS_ITEMS},
    "sleep_hours": Column("float64", 7.5),
    "readiness": Column("Int64", 7),
    "availability": Column("str", "full"),
}
PAIN_REPORTS = {
    "athlete_id": Column("int64"),
    "date": Column("datetime"),
    "body_region": Column("str"),
    "side": Column("str"),
    "pain": Column("int64"),
}
THERAPY_SESSIONS = {
    "session_id": Column("int64", _numbered),
    "athlete_id": Column("int64"),
    "therapist_id": Column("Int64", 7),
    "date": Column("datetime"),
    "technique": Column("str", "active_release"),
    "body_region": Column("str", "thigh"),
    "side": Column("str", "left"),
    "minutes": Column("int64", 30),
    "pain_before": Column("Int64"),
    "pain_after": Column("Int64"),
    "discomfort": Column("Int64", 5),
    "injury_id": Column("Int64"),
}
ROM_MEASUREMENTS = {
    "measurement_id": Column("int64", _numbered),
    "athlete_id": Column("int64"),
    "date": Column("datetime"),
    "joint": Column("str"),
    "movement": Column("str"),
    "side": Column("str"),
    "value": Column("float64"),
    "unit": Column("str", "deg"),
    "method": Column("str", lambda f: ["tape" if unit == "cm" else "goniometer" for unit in f["unit"]]),
    "context": Column("str", "screening"),
    "session_id": Column("Int64"),
}
INJURIES = {
    "injury_id": Column("int64", _numbered),
    "athlete_id": Column("int64"),
    "onset_date": Column("datetime"),
    "body_region": Column("str", "thigh"),
    "side": Column("str", "left"),
    "injury_type": Column("str", "muscle_strain"),
    "onset_mode": Column("str", "sudden"),
    "time_loss": Column("bool", True),
    "return_date": Column("datetime"),
}
TRAINING_SESSIONS = {
    "training_id": Column("int64", _numbered),
    "athlete_id": Column("int64"),
    "date": Column("datetime"),
    "minutes": Column("int64"),
    "rpe": Column("float64"),
    "kind": Column("str", "training"),
}
OSTRC_RESPONSES = {
    "athlete_id": Column("int64"),
    "week_start": Column("datetime"),
    **{question: Column("int64") for question in ("q1", "q2", "q3", "q4")},
}


def athletes(
    rows: Sequence[Sequence[object]], columns: Sequence[str] = ("athlete_id", "team_id", "active")
) -> pd.DataFrame:
    """`queries.athletes`: by default team 1 ("Team 1"), named "Athlete <id>", external id "ext<id>",
    right-footed, active."""
    return _frame(rows, columns, ATHLETES)


def wellness_checkins(
    rows: Sequence[Sequence[object]],
    columns: Sequence[str] = ("athlete_id", "date", "soreness"),
    day_zero: object | None = None,
) -> pd.DataFrame:
    """`queries.wellness_checkins`: by default every item 3 of 5, 7.5 h of sleep, readiness 7, fully available."""
    return _frame(rows, columns, WELLNESS_CHECKINS, day_zero)


def pain_reports(
    rows: Sequence[Sequence[object]],
    columns: Sequence[str] = ("athlete_id", "date", "body_region", "side", "pain"),
    day_zero: object | None = None,
) -> pd.DataFrame:
    """`queries.pain_reports`: (athlete_id, date, body_region, side, pain) rows."""
    return _frame(rows, columns, PAIN_REPORTS, day_zero)


def therapy_sessions(
    rows: Sequence[Sequence[object]],
    columns: Sequence[str] = (
        "session_id",
        "athlete_id",
        "date",
        "technique",
        "body_region",
        "side",
        "pain_before",
        "pain_after",
    ),
) -> pd.DataFrame:
    """`queries.therapy_sessions` without notes: by default 30 minutes by therapist 7, discomfort 5, for no
    injury."""
    return _frame(rows, columns, THERAPY_SESSIONS)


def rom_measurements(
    rows: Sequence[Sequence[object]],
    columns: Sequence[str] = ("athlete_id", "date", "joint", "movement", "side", "value", "unit", "context"),
    day_zero: object | None = None,
) -> pd.DataFrame:
    """`queries.rom_measurements`: measured by goniometer (tape for cm) at a screening, outside a session."""
    return _frame(rows, columns, ROM_MEASUREMENTS, day_zero)


def injuries(
    rows: Sequence[Sequence[object]],
    columns: Sequence[str] = ("injury_id", "athlete_id", "onset_date", "body_region", "side", "return_date"),
    day_zero: object | None = None,
) -> pd.DataFrame:
    """`queries.injuries` without notes: by default an acute time-loss muscle strain of the left thigh, not
    yet returned from."""
    return _frame(rows, columns, INJURIES, day_zero)


def training_sessions(
    rows: Sequence[Sequence[object]], columns: Sequence[str] = ("athlete_id", "date", "minutes", "rpe")
) -> pd.DataFrame:
    """`queries.training_sessions`: by default a training (not a match)."""
    return _frame(rows, columns, TRAINING_SESSIONS)


def ostrc_responses(
    rows: Sequence[Sequence[object]],
    columns: Sequence[str] = ("athlete_id", "week_start", "q1", "q2", "q3", "q4"),
    day_zero: object | None = None,
) -> pd.DataFrame:
    """`queries.ostrc_responses`: (athlete_id, week_start, q1, q2, q3, q4) rows."""
    return _frame(rows, columns, OSTRC_RESPONSES, day_zero)


# --------------------------------------------------------------------------- the access organisation

NOTE_MARKER = "CLINICAL-NOTE-MARKER-q7x"
PASSWORD = "access-matrix-pw"
#: The accounts of `build_org`, and those of them that read clinical notes.
ACCOUNTS = ["admin", "coach", "therapist", "athlete", "coach_b", "therapist_a", "athlete_b"]
CLINICAL = {"admin", "therapist", "therapist_a"}


@dataclass(frozen=True)
class Org:
    """Who is who in `build_org`'s organisation: user ids by account name, athlete ids by team."""

    users: dict[str, int]
    teams: dict[int, list[int]]  # team_id -> its athlete ids
    names: dict[int, str]  # athlete_id -> display name (unique, no name contains another)
    user_teams: dict[str, list[int]]  # account -> the teams it may see (every team for admin)
    own_athlete: dict[str, int]  # athlete account -> its athlete id

    def athletes_of(self, account: str) -> set[int]:
        """The athletes `account` may see, worked out from the organisation, not from data.access."""
        if account in self.own_athlete:
            return {self.own_athlete[account]}
        return {a for t in self.user_teams[account] for a in self.teams[t]}

    def teams_of(self, account: str) -> set[int]:
        if account in self.own_athlete:
            return {t for t, ids in self.teams.items() if self.own_athlete[account] in ids}
        return set(self.user_teams[account])


def marker_name(athlete_id: int) -> str:
    return f"Zq{athlete_id:04d}Name"


def build_org(engine: Engine, athletes: int = 8, days: int = 60) -> Org:
    """The demo organisation with the extra accounts and planted notes described in the module docstring."""
    load_demo(engine, athletes=athletes, days=days, seed=3)
    with engine.begin() as connection:
        rows = connection.execute(select(Athlete.id, Athlete.team_id).order_by(Athlete.id)).all()
        for athlete_id, _ in rows:
            connection.execute(
                update(Athlete).where(Athlete.id == athlete_id).values(display_name=marker_name(athlete_id))
            )
        for model in (TherapySession, Injury):
            connection.execute(update(model).values(notes=NOTE_MARKER + " " + model.__tablename__))
        demo = dict(connection.execute(select(User.username, User.id)).all())
        demo_athlete = connection.scalar(select(User.athlete_id).where(User.username == "athlete"))
    teams: dict[int, list[int]] = {}
    for athlete_id, team_id in rows:
        teams.setdefault(int(team_id), []).append(int(athlete_id))
    first, second = sorted(teams)
    home = next(t for t, ids in teams.items() if demo_athlete in ids)
    away = second if home == first else first
    other_athlete = teams[away][0]
    outsider = next(a for a in teams[first] if a != demo_athlete)
    third = create_team(engine, "Zq Outsiders", "rowing", "UTC")
    with engine.begin() as connection:
        connection.execute(update(Athlete).where(Athlete.id == outsider).values(team_id=third))
    teams[first].remove(outsider)
    teams[third] = [outsider]
    users = {
        "admin": demo["admin"],
        "coach": demo["coach"],
        "therapist": demo["therapist"],
        "athlete": demo["athlete"],
        "coach_b": create_user(engine, "coach-b", PASSWORD, "coach", team_ids=[second]),
        "therapist_a": create_user(engine, "therapist-a", PASSWORD, "therapist", team_ids=[first]),
        "athlete_b": create_user(engine, "athlete-b", PASSWORD, "athlete", athlete_id=other_athlete),
    }
    day = dt.date(2000, 1, 3)
    for athlete_id, _ in rows:
        close_flag(engine, athlete_id, day, "no_checkin", note=f"{NOTE_MARKER} flag", actor_id=users["therapist"])
    staffed = [first, second]
    return Org(
        users=users,
        teams=teams,
        names={a: marker_name(a) for a, _ in rows},
        user_teams={
            "admin": sorted(teams),
            "coach": staffed,
            "therapist": staffed,
            "coach_b": [second],
            "therapist_a": [first],
        },
        own_athlete={"athlete": int(demo_athlete), "athlete_b": other_athlete},
    )


@dataclass(frozen=True)
class ReportDemo:
    """The athlete's row (`queries.athletes`), their report and its dates."""

    athlete: dict[str, object]
    report: ProgressReport
    start: dt.date
    end: dt.date


def report_demo(folder: Path) -> ReportDemo:
    """The 90-day progress report, read as the demo therapist, of the athlete with the most therapy
    sessions in a small demo (6 athletes, 150 days to 31 Mar 2026, seed 5) written to `folder`/demo.db."""
    engine = make_engine(f"sqlite:///{folder / 'demo.db'}")
    upgrade(engine)
    end = dt.date(2026, 3, 31)
    load_demo(engine, athletes=6, days=150, seed=5, end=end)
    start = end - dt.timedelta(days=89)
    sessions = queries.therapy_sessions(engine, None, start, end)
    athlete_id = int(sessions["athlete_id"].value_counts().idxmax())
    athlete = queries.athletes(engine, athlete_ids=[athlete_id]).iloc[0].to_dict()
    users = queries.users(engine)
    therapist = access.viewer(engine, int(users.loc[users["username"] == "therapist", "user_id"].iloc[0]))
    assert therapist is not None
    printed = progress_report(ScopedReader(engine, therapist), athlete_id, start, end)
    engine.dispose()
    return ReportDemo(athlete, printed, start, end)


def demo_athlete_today(engine: Engine) -> tuple[int, dt.date]:
    """The demo athlete account's athlete id, and today in their team's time zone (the day the app's
    check-in is for)."""
    with engine.connect() as connection:
        athlete_id, zone = connection.execute(
            select(User.athlete_id, Team.timezone)
            .join(Athlete, Athlete.id == User.athlete_id)
            .join(Team, Team.id == Athlete.team_id)
            .where(User.username == "athlete")
        ).one()
    return int(athlete_id), today_in(zone)


def without_todays_checkin(engine: Engine) -> tuple[int, dt.date]:
    """The demo athlete not yet checked in today, as in the morning: their check-in and pain reports of
    today deleted; `demo_athlete_today`."""
    athlete_id, today = demo_athlete_today(engine)
    with engine.begin() as connection:
        for model in (WellnessCheckin, PainReport):
            connection.execute(delete(model).where(model.athlete_id == athlete_id, model.date == today))
    return athlete_id, today
