"""SQLAlchemy 2 models of the domain (DESIGN.md, "Domain model").

Every bounded score carries a CHECK constraint so the database itself refuses an
out-of-range value; `data/record_checks.py` validates the same rules first so the user
gets a message naming the field. Every time-series table has an index on
(athlete_id, date).

Records people edit in a form (injuries, therapy sessions) carry a `version` (`edit_version`): 1 when
inserted, one more on every UPDATE of the row, whoever runs it (a form, an import's upsert, the CLI), so
an edit made from an older read is refused instead of silently undoing another's change
(`data.record_writes.update_record`).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    literal_column,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from analytics.vocabulary import (
    AVAILABILITY,
    BODY_REGIONS,
    DOMINANT_SIDES,
    INJURY_TYPES,
    LIMB_SIDES,
    MECHANISMS,
    OSTRC_SCORES,
    ROLES,
    ROM_CONTEXTS,
    ROM_UNITS,
    ROM_VALUE_RANGE,
    SIDES,
    TECHNIQUES,
    TRAINING_KINDS,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def edit_version() -> Mapped[int]:
    """The row's version: 1 on insert (also for raw inserts and COPY, through the server default), and
    `version + 1` in every Core or ORM UPDATE that does not set it itself (`onupdate`)."""
    return mapped_column(Integer, default=1, server_default="1", onupdate=literal_column("version") + 1)


def one_of(column: str, values: tuple[str, ...] | tuple[int, ...]) -> str:
    """SQL text of a CHECK that `column` is one of `values` (NULL passes)."""
    listed = ", ".join(f"'{v}'" if isinstance(v, str) else str(v) for v in values)
    return f"{column} IN ({listed})"


def between(column: str, low: float, high: float) -> str:
    """SQL text of a CHECK that `column` lies in [low, high] (NULL passes)."""
    return f"{column} BETWEEN {low} AND {high}"


user_teams = Table(
    "user_teams",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
)


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    sport: Mapped[str] = mapped_column(String(60), default="")
    timezone: Mapped[str] = mapped_column(String(60), default="UTC")

    athletes: Mapped[list[Athlete]] = relationship(back_populates="team")


class Athlete(Base):
    __tablename__ = "athletes"
    __table_args__ = (CheckConstraint(one_of("dominant_side", DOMINANT_SIDES), name="dominant_side"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    display_name: Mapped[str] = mapped_column(String(120))
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    position: Mapped[str | None] = mapped_column(String(60))
    dominant_side: Mapped[str | None] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    team: Mapped[Team] = relationship(back_populates="athletes")


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(one_of("role", ROLES), name="role"),
        CheckConstraint("role <> 'athlete' OR athlete_id IS NOT NULL", name="athlete_linked"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    athlete_id: Mapped[int | None] = mapped_column(ForeignKey("athletes.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    #: The e-mail single sign-on maps to this user (stored lower-case; optional, unique).
    email: Mapped[str | None] = mapped_column(String(254), unique=True)

    teams: Mapped[list[Team]] = relationship(secondary=user_teams)


class SignInFailure(Base):
    """Failed password sign-ins per username (known or not), shared by every app process.

    After `data.auth.FREE_ATTEMPTS` failures a username is refused until `locked_until`;
    a successful sign-in deletes the row.
    """

    __tablename__ = "sign_in_failures"

    username: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_failed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class SignInSession(Base):
    """A signed-in browser: the SHA-256 (hex) of the random token its `fascia_session` cookie holds.

    The token itself is never stored. `data.sessions` creates, resumes, touches and ends these rows;
    sign-out, a password reset and deactivation delete them.
    """

    __tablename__ = "sign_in_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class PendingSave(Base):
    """A form's save under way: what one user entered, written (and committed) before the save starts and
    deleted once it has ended. A row left behind means the server stopped mid-save, so the save may not
    have happened; `data.pending_saves` keeps these rows and the form shows the values again."""

    __tablename__ = "pending_saves"
    __table_args__ = (UniqueConstraint("user_id", "form"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    form: Mapped[str] = mapped_column(String(80))
    entered: Mapped[str] = mapped_column(Text)  # JSON of the form's widget values, by widget key
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class TherapySession(Base):
    __tablename__ = "therapy_sessions"
    __table_args__ = (
        CheckConstraint(one_of("technique", TECHNIQUES), name="technique"),
        CheckConstraint(one_of("body_region", BODY_REGIONS), name="body_region"),
        CheckConstraint(one_of("side", SIDES), name="side"),
        CheckConstraint("minutes > 0", name="minutes"),
        CheckConstraint(between("pain_before", 0, 10), name="pain_before"),
        CheckConstraint(between("pain_after", 0, 10), name="pain_after"),
        CheckConstraint(between("discomfort", 0, 10), name="discomfort"),
        Index("ix_therapy_sessions_athlete_date", "athlete_id", "date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id"))
    therapist_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    date: Mapped[dt.date] = mapped_column(Date)
    technique: Mapped[str] = mapped_column(String(32))
    body_region: Mapped[str] = mapped_column(String(32))
    side: Mapped[str] = mapped_column(String(16))
    minutes: Mapped[int] = mapped_column(SmallInteger)
    pain_before: Mapped[int | None] = mapped_column(SmallInteger)
    pain_after: Mapped[int | None] = mapped_column(SmallInteger)
    discomfort: Mapped[int | None] = mapped_column(SmallInteger)
    injury_id: Mapped[int | None] = mapped_column(ForeignKey("injuries.id"))
    notes: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = edit_version()


class RomMeasurement(Base):
    __tablename__ = "rom_measurements"
    __table_args__ = (
        CheckConstraint(one_of("side", LIMB_SIDES), name="side"),
        CheckConstraint(one_of("unit", ROM_UNITS), name="unit"),
        CheckConstraint(one_of("context", ROM_CONTEXTS), name="context"),
        CheckConstraint(
            " OR ".join(f"(unit = '{u}' AND {between('value', lo, hi)})" for u, (lo, hi) in ROM_VALUE_RANGE.items()),
            name="value",
        ),
        Index("ix_rom_measurements_athlete_date", "athlete_id", "date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id"))
    date: Mapped[dt.date] = mapped_column(Date)
    joint: Mapped[str] = mapped_column(String(32))
    movement: Mapped[str] = mapped_column(String(48))
    side: Mapped[str] = mapped_column(String(8))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(4))
    method: Mapped[str] = mapped_column(String(32), default="goniometer")
    context: Mapped[str] = mapped_column(String(16), default="screening")
    session_id: Mapped[int | None] = mapped_column(ForeignKey("therapy_sessions.id"))
    measured_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class WellnessCheckin(Base):
    __tablename__ = "wellness_checkins"
    __table_args__ = (
        UniqueConstraint("athlete_id", "date", name="uq_wellness_checkins_athlete_date"),
        *(
            CheckConstraint(between(item, 1, 5), name=item)
            for item in ("fatigue", "sleep_quality", "soreness", "stress", "mood")
        ),
        CheckConstraint(between("sleep_hours", 0, 24), name="sleep_hours"),
        CheckConstraint(between("readiness", 0, 10), name="readiness"),
        CheckConstraint(one_of("availability", AVAILABILITY), name="availability"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id"))
    date: Mapped[dt.date] = mapped_column(Date)
    fatigue: Mapped[int | None] = mapped_column(SmallInteger)
    sleep_quality: Mapped[int | None] = mapped_column(SmallInteger)
    soreness: Mapped[int | None] = mapped_column(SmallInteger)
    stress: Mapped[int | None] = mapped_column(SmallInteger)
    mood: Mapped[int | None] = mapped_column(SmallInteger)
    sleep_hours: Mapped[float | None] = mapped_column(Float)
    readiness: Mapped[int | None] = mapped_column(SmallInteger)
    availability: Mapped[str | None] = mapped_column(String(16))


class PainReport(Base):
    __tablename__ = "pain_reports"
    __table_args__ = (
        UniqueConstraint("athlete_id", "date", "body_region", "side", name="uq_pain_reports_athlete_date_region_side"),
        CheckConstraint(one_of("body_region", BODY_REGIONS), name="body_region"),
        CheckConstraint(one_of("side", SIDES), name="side"),
        CheckConstraint(between("pain", 0, 10), name="pain"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id"))
    date: Mapped[dt.date] = mapped_column(Date)
    body_region: Mapped[str] = mapped_column(String(32))
    side: Mapped[str] = mapped_column(String(16))
    pain: Mapped[int] = mapped_column(SmallInteger)


class Injury(Base):
    __tablename__ = "injuries"
    __table_args__ = (
        CheckConstraint(one_of("body_region", BODY_REGIONS), name="body_region"),
        CheckConstraint(one_of("side", SIDES), name="side"),
        CheckConstraint(one_of("injury_type", INJURY_TYPES), name="injury_type"),
        CheckConstraint(one_of("mechanism", MECHANISMS), name="mechanism"),
        CheckConstraint("return_date IS NULL OR return_date >= onset_date", name="return_after_onset"),
        Index("ix_injuries_athlete_date", "athlete_id", "onset_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id"))
    onset_date: Mapped[dt.date] = mapped_column(Date)
    body_region: Mapped[str] = mapped_column(String(32))
    side: Mapped[str] = mapped_column(String(16))
    injury_type: Mapped[str] = mapped_column(String(32))
    mechanism: Mapped[str | None] = mapped_column(String(16))
    time_loss: Mapped[bool] = mapped_column(Boolean, default=False)
    return_date: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = edit_version()


class TrainingSession(Base):
    __tablename__ = "training_sessions"
    __table_args__ = (
        CheckConstraint("minutes > 0", name="minutes"),
        CheckConstraint(between("rpe", 0, 10), name="rpe"),
        CheckConstraint(one_of("kind", TRAINING_KINDS), name="kind"),
        Index("ix_training_sessions_athlete_date", "athlete_id", "date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id"))
    date: Mapped[dt.date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(SmallInteger)
    rpe: Mapped[float] = mapped_column(Float)
    kind: Mapped[str] = mapped_column(String(16), default="training")


class OstrcResponse(Base):
    __tablename__ = "ostrc_responses"
    __table_args__ = (
        UniqueConstraint("athlete_id", "week_start", name="uq_ostrc_responses_athlete_week"),
        *(CheckConstraint(one_of(q, OSTRC_SCORES), name=q) for q in ("q1", "q2", "q3", "q4")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id"))
    week_start: Mapped[dt.date] = mapped_column(Date)
    q1: Mapped[int] = mapped_column(SmallInteger)
    q2: Mapped[int] = mapped_column(SmallInteger)
    q3: Mapped[int] = mapped_column(SmallInteger)
    q4: Mapped[int] = mapped_column(SmallInteger)


class RomNorm(Base):
    """Normal ROM values; seeded from `analytics/reference/rom_norms.csv`, editable."""

    __tablename__ = "rom_norms"
    __table_args__ = (
        UniqueConstraint("joint", "movement", name="uq_rom_norms_joint_movement"),
        CheckConstraint(one_of("unit", ROM_UNITS), name="unit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    joint: Mapped[str] = mapped_column(String(32))
    movement: Mapped[str] = mapped_column(String(48))
    unit: Mapped[str] = mapped_column(String(4))
    normal_value: Mapped[float] = mapped_column(Float)
    mdc: Mapped[float] = mapped_column(Float)
    method: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(Text)


class FlagReview(Base):
    """A therapist's closing of one flag (the flag itself is computed, never stored), unique on the flag's
    identity (`analytics.flags.FLAG_IDENTITY`); "" stands for a region, side or measure the flag has not."""

    __tablename__ = "flag_reviews"
    __table_args__ = (
        UniqueConstraint("athlete_id", "date", "kind", "body_region", "side", "measure", name="uq_flag_reviews_flag"),
        Index("ix_flag_reviews_athlete_date", "athlete_id", "date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id"))
    date: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(32))
    body_region: Mapped[str] = mapped_column(String(32), default="")
    side: Mapped[str] = mapped_column(String(16), default="")
    measure: Mapped[str] = mapped_column(String(81), default="", server_default="")  # joint (32) "/" movement (48)
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    note: Mapped[str | None] = mapped_column(Text)


class AuditEntry(Base):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(32))
    table_name: Mapped[str] = mapped_column(String(48))
    record_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str | None] = mapped_column(Text)
