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
    ACTIVITIES,
    AVAILABILITY,
    BODY_AREAS,
    BODY_REGIONS,
    CONTACTS,
    DOMINANT_SIDES,
    ILLNESS_CAUSES,
    INJURY_TYPES,
    LIMB_SIDES,
    ONSET_MODES,
    ORGAN_SYSTEMS,
    OSTRC_SCORES,
    PATHOLOGIES,
    PROBLEM_TYPES,
    ROLES,
    ROM_CONTEXTS,
    ROM_UNITS,
    ROM_VALUE_RANGE,
    RTS_STAGES,
    SIDES,
    TECHNIQUES,
    TISSUES,
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
    """A health problem (Bahr et al. 2020, IOC consensus): an injury or an illness. The table keeps its
    first name, `injuries`, and its id is the `injury_id` of the public analytics interface.

    An injury has a body region, side and type (Fascia's recurrence and pain rules use them) and the
    consensus's body area (derived from the region), tissue and pathology; an illness has an organ
    system and a cause instead. The primary diagnosis is on this row; further ones are
    `SecondaryDiagnosis` rows. `return_date` (return to full participation) is derived from the
    return-to-sport stages when the problem has any (`RtsStage`), and typed only where it has none
    (an import of past problems). `index_problem_id`, when `index_by_clinician`, is the clinician's own
    choice of the earlier problem this one follows (None: a new problem); otherwise the automatic
    classification (`analytics.recurrence`) decides.
    """

    __tablename__ = "injuries"
    __table_args__ = (
        CheckConstraint(one_of("problem_type", PROBLEM_TYPES), name="problem_type"),
        CheckConstraint(one_of("body_region", BODY_REGIONS), name="body_region"),
        CheckConstraint(one_of("side", SIDES), name="side"),
        CheckConstraint(one_of("injury_type", INJURY_TYPES), name="injury_type"),
        CheckConstraint(one_of("onset_mode", ONSET_MODES), name="onset_mode"),
        CheckConstraint(one_of("contact", CONTACTS), name="contact"),
        CheckConstraint(one_of("activity", ACTIVITIES), name="activity"),
        CheckConstraint(one_of("body_area", BODY_AREAS), name="body_area"),
        CheckConstraint(one_of("tissue", TISSUES), name="tissue"),
        CheckConstraint(one_of("pathology", PATHOLOGIES), name="pathology"),
        CheckConstraint(one_of("organ_system", ORGAN_SYSTEMS), name="organ_system"),
        CheckConstraint(one_of("illness_cause", ILLNESS_CAUSES), name="illness_cause"),
        CheckConstraint(
            "problem_type <> 'injury' OR (body_region IS NOT NULL AND side IS NOT NULL AND injury_type IS NOT NULL)",
            name="injury_fields",
        ),
        CheckConstraint(
            "problem_type <> 'illness' OR (body_region IS NULL AND side IS NULL AND injury_type IS NULL "
            "AND tissue IS NULL AND pathology IS NULL AND organ_system IS NOT NULL)",
            name="illness_fields",
        ),
        CheckConstraint(
            "contact IS NULL OR (problem_type = 'injury' AND onset_mode = 'sudden')", name="contact_sudden_injury"
        ),
        CheckConstraint("return_date IS NULL OR return_date >= onset_date", name="return_after_onset"),
        Index("ix_injuries_athlete_date", "athlete_id", "onset_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id"))
    problem_type: Mapped[str] = mapped_column(String(16), default="injury", server_default="injury")
    onset_date: Mapped[dt.date] = mapped_column(Date)
    body_region: Mapped[str | None] = mapped_column(String(32))
    side: Mapped[str | None] = mapped_column(String(16))
    injury_type: Mapped[str | None] = mapped_column(String(32))
    onset_mode: Mapped[str | None] = mapped_column(String(16))
    contact: Mapped[str | None] = mapped_column(String(24))
    activity: Mapped[str | None] = mapped_column(String(16))
    training_session_id: Mapped[int | None] = mapped_column(ForeignKey("training_sessions.id", ondelete="SET NULL"))
    body_area: Mapped[str | None] = mapped_column(String(24))
    tissue: Mapped[str | None] = mapped_column(String(32))
    pathology: Mapped[str | None] = mapped_column(String(32))
    organ_system: Mapped[str | None] = mapped_column(String(24))
    illness_cause: Mapped[str | None] = mapped_column(String(32))
    osiics_code: Mapped[str | None] = mapped_column(String(16))
    diagnosis: Mapped[str | None] = mapped_column(String(200))
    time_loss: Mapped[bool] = mapped_column(Boolean, default=False)
    return_date: Mapped[dt.date | None] = mapped_column(Date)
    index_problem_id: Mapped[int | None] = mapped_column(ForeignKey("injuries.id", ondelete="SET NULL"))
    index_by_clinician: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    notes: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = edit_version()


class SecondaryDiagnosis(Base):
    """A further diagnosis of a health problem (the primary one is on the problem itself)."""

    __tablename__ = "secondary_diagnoses"
    __table_args__ = (
        CheckConstraint(one_of("body_area", BODY_AREAS), name="body_area"),
        CheckConstraint(one_of("tissue", TISSUES), name="tissue"),
        CheckConstraint(one_of("pathology", PATHOLOGIES), name="pathology"),
        CheckConstraint(one_of("organ_system", ORGAN_SYSTEMS), name="organ_system"),
        CheckConstraint(one_of("illness_cause", ILLNESS_CAUSES), name="illness_cause"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    injury_id: Mapped[int] = mapped_column(ForeignKey("injuries.id", ondelete="CASCADE"), index=True)
    diagnosis: Mapped[str] = mapped_column(String(200))
    osiics_code: Mapped[str | None] = mapped_column(String(16))
    body_area: Mapped[str | None] = mapped_column(String(24))
    tissue: Mapped[str | None] = mapped_column(String(32))
    pathology: Mapped[str | None] = mapped_column(String(32))
    organ_system: Mapped[str | None] = mapped_column(String(24))
    illness_cause: Mapped[str | None] = mapped_column(String(32))


class RtsStage(Base):
    """One decision along the return-to-sport continuum (Ardern et al. 2016): from `date` the problem is at
    `stage`, decided by `decided_by` in the role `decided_role`, with the club's criteria that were met
    (`criteria_met`, a JSON list of the criteria's texts as they read that day), the restrictions in
    plain words for the coach, whether the athlete agreed, the rationale, and the date the next stage is
    expected (the coach's availability forecast). One decision per problem and day."""

    __tablename__ = "rts_stages"
    __table_args__ = (
        UniqueConstraint("injury_id", "date", name="uq_rts_stages_injury_date"),
        CheckConstraint(one_of("stage", RTS_STAGES), name="stage"),
        CheckConstraint(one_of("decided_role", ROLES), name="decided_role"),
        CheckConstraint("expected_next_date IS NULL OR expected_next_date >= date", name="expected_after_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    injury_id: Mapped[int] = mapped_column(ForeignKey("injuries.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    stage: Mapped[str] = mapped_column(String(32))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_role: Mapped[str] = mapped_column(String(16))
    criteria_met: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    restrictions: Mapped[str | None] = mapped_column(Text)
    athlete_agreed: Mapped[bool | None] = mapped_column(Boolean)
    rationale: Mapped[str | None] = mapped_column(Text)
    expected_next_date: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class RtsCriterion(Base):
    """One item of a stage's checklist, which the club edits (seeded with defaults by migration 0007).
    A criterion no longer used is made inactive, never deleted, so past decisions still read."""

    __tablename__ = "rts_criteria"
    __table_args__ = (CheckConstraint(one_of("stage", RTS_STAGES), name="stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stage: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")


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


class OstrcHealthProblem(Base):
    """One health problem an athlete reported in a week's OSTRC-H2 (Clarsen et al. 2020): injury or
    illness, the body region (injury) or organ system (illness), the four answers about that problem
    (scores 0/8/17/25), and the days of full time-loss in the past 7 days. `injury_id` is the health
    problem record a therapist opened from it, once one is."""

    __tablename__ = "ostrc_health_problems"
    __table_args__ = (
        CheckConstraint(one_of("problem_type", PROBLEM_TYPES), name="problem_type"),
        CheckConstraint(one_of("body_region", BODY_REGIONS), name="body_region"),
        CheckConstraint(one_of("organ_system", ORGAN_SYSTEMS), name="organ_system"),
        *(CheckConstraint(one_of(q, OSTRC_SCORES), name=q) for q in ("q1", "q2", "q3", "q4")),
        CheckConstraint(between("days_lost", 0, 7), name="days_lost"),
        Index("ix_ostrc_health_problems_athlete_week", "athlete_id", "week_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id"))
    week_start: Mapped[dt.date] = mapped_column(Date)
    problem_type: Mapped[str] = mapped_column(String(16))
    body_region: Mapped[str | None] = mapped_column(String(32))
    organ_system: Mapped[str | None] = mapped_column(String(24))
    q1: Mapped[int] = mapped_column(SmallInteger)
    q2: Mapped[int] = mapped_column(SmallInteger)
    q3: Mapped[int] = mapped_column(SmallInteger)
    q4: Mapped[int] = mapped_column(SmallInteger)
    days_lost: Mapped[int] = mapped_column(SmallInteger, default=0)
    injury_id: Mapped[int | None] = mapped_column(ForeignKey("injuries.id", ondelete="SET NULL"))


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


# ---- notifications (issue 15): the outbox, its delivery attempts, preferences and settings

#: How a message reaches its recipient: e-mail (SMTP), the team's webhook (Slack/Teams), the in-app inbox.
CHANNELS = ("email", "webhook", "inbox")
#: An outbox row's state: waiting (or waiting again, after a failed attempt), claimed by a worker, done.
OUTBOX_STATUSES = ("pending", "sending", "sent", "failed")
#: What caused a message (`data.notifications`).
NOTIFICATION_EVENTS = (
    "pain_alert",
    "checkin_reminder",
    "ostrc_invitation",
    "coach_digest",
    "compliance_summary",
    "test_message",
)
MINUTES_OF_A_DAY = 24 * 60


class OutboxMessage(Base):
    """One message to one recipient on one channel, written in the same transaction as its cause and
    delivered by the worker (`python -m data notify`, `data.outbox`). `dedupe_key` is unique, so the same
    event never makes two rows; an inbox row is delivered when written (status `sent`)."""

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(one_of("channel", CHANNELS), name="channel"),
        CheckConstraint(one_of("status", OUTBOX_STATUSES), name="status"),
        CheckConstraint(one_of("event", NOTIFICATION_EVENTS), name="event"),
        CheckConstraint("attempts >= 0", name="attempts"),
        Index("ix_outbox_status_due", "status", "due_at"),
        Index("ix_outbox_user_channel", "user_id", "channel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event: Mapped[str] = mapped_column(String(24))
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    channel: Mapped[str] = mapped_column(String(8))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    athlete_id: Mapped[int | None] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    address: Mapped[str | None] = mapped_column(String(500))  # the e-mail address or webhook URL
    subject: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(300), default="/")  # relative: "/progress?athlete=12"
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(8), default="pending")
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class DeliveryAttempt(Base):
    """One try at delivering an outbox row: when, whether it worked, and the reason it did not."""

    __tablename__ = "delivery_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    ok: Mapped[bool] = mapped_column(Boolean)
    error: Mapped[str | None] = mapped_column(Text)


class NotificationPreference(Base):
    """A user's choice for one channel: on or off, and quiet hours (minutes after local midnight; from
    after to wraps past midnight) in `timezone` (empty: the zone of the user's team)."""

    __tablename__ = "notification_preferences"
    __table_args__ = (
        UniqueConstraint("user_id", "channel"),
        CheckConstraint(one_of("channel", CHANNELS), name="channel"),
        CheckConstraint(between("quiet_from", 0, MINUTES_OF_A_DAY - 1), name="quiet_from"),
        CheckConstraint(between("quiet_to", 0, MINUTES_OF_A_DAY - 1), name="quiet_to"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(8))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    quiet_from: Mapped[int | None] = mapped_column(SmallInteger)
    quiet_to: Mapped[int | None] = mapped_column(SmallInteger)
    timezone: Mapped[str] = mapped_column(String(60), default="")


class TeamSetting(Base):
    """A team's notification settings: its webhook, the local time of the daily check-in reminder and
    of the coaches' morning digest (minutes after midnight), and the weekday (Monday = 0) of the OSTRC
    invitation and the therapists' compliance summary."""

    __tablename__ = "team_settings"
    __table_args__ = (
        CheckConstraint(between("reminder_minute", 0, MINUTES_OF_A_DAY - 1), name="reminder_minute"),
        CheckConstraint(between("digest_minute", 0, MINUTES_OF_A_DAY - 1), name="digest_minute"),
        CheckConstraint(between("ostrc_weekday", 0, 6), name="ostrc_weekday"),
    )

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    webhook_url: Mapped[str | None] = mapped_column(String(500))
    reminder_minute: Mapped[int] = mapped_column(SmallInteger, default=8 * 60)
    digest_minute: Mapped[int] = mapped_column(SmallInteger, default=7 * 60)
    ostrc_weekday: Mapped[int] = mapped_column(SmallInteger, default=0)


class ClubSetting(Base):
    """A club-wide setting by name, e.g. `minimal_notifications` = "on" (messages without health detail)."""

    __tablename__ = "club_settings"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(500))


# ---- tunable flag rules (issue 16)


class FlagRuleSetting(Base):
    """One team's own value of one flag threshold (a field of `analytics.flags.FlagRules`, by its name),
    overriding the DESIGN.md default for that team's athletes; a threshold without a row is the default.
    Written by `data.flag_rules.save_team_rules` (therapists of the team and admins, audited)."""

    __tablename__ = "flag_rules"

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    rule: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[float] = mapped_column(Float)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
