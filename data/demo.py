"""Demo data: a deterministic, realistic organisation to try Fascia on.

`generate_demo` builds every table as a DataFrame; `load_demo` bulk-inserts them
into an empty database in one transaction. The same (athletes, days, seed, end)
always gives the same rows (one `numpy.random.Generator(seed)`, drawn in a fixed
order; the four demo password hashes are salted, so they are computed once per
process and reused).

What is in it (see DESIGN.md for the meaning of every number):
- teams: a soccer squad (60 %) and a track squad (40 %); above 100 athletes,
  squads of about 40 alternating soccer and track.
- training sessions (RPE CR-10 x minutes) from a weekly template per sport with
  a 4-week load cycle, rest days, breaks, weekly soccer matches; reduced while
  an athlete is on modified participation, none while unavailable.
- injuries (about 1.3 per athlete-year) from realistic region/type profiles;
  deliberately exacerbations and early, late and (with more than a year of
  data) delayed recurrences in the Fuller et al. (2006) sense; the latest ones
  still open (no return date). Each has a daily pain course (self-reports on
  check-in days) that falls as soft-tissue sessions (mostly active release,
  about twice a week) are given, with pain before/after, discomfort and notes;
  ROM of the injured side measured before and after each session, reduced and
  recovering towards the other side.
- monthly ROM screening (first Tuesday of the month) of every measure in
  `ROM_MEASURES`, both sides, shoulder only for throwers (track throwers,
  goalkeepers); some athletes with a real hip-rotation asymmetry.
- daily wellness check-ins (about 85 % compliance, some athletes pausing for
  several days, some not checked in for the last few days), soreness following
  the previous days' load and pain, availability following the injuries and
  illnesses; low-grade non-injury soreness reports and a few chronic pain cases;
  weekly OSTRC-O2 answers that follow pain and availability.
- health problems to the IOC 2020 standard (Bahr et al.): the injuries with
  onset mode, body area, tissue and pathology, and for a sudden onset the
  contact and the session it happened in (a match or training: the athlete
  took part that day and is out from the next); illnesses (about 1.2 per
  athlete-year: respiratory and gastrointestinal infections, allergies, skin
  infections) with organ system and cause, time-loss for some days or modified
  training. Each injury's return-to-sport stages (Ardern et al. 2016), decided
  by the therapist with the club's checklist, restrictions for modified
  training and the expected date of the next stage (some athletes expected
  back within 14 days of the last day); weekly OSTRC-H2 reports of every
  health problem open in a week the athlete answered with a problem, the
  recent ones not yet linked to their record. These draw from a random stream
  of their own (`HEALTH_STREAM`).
- four accounts (`DEMO_ACCOUNTS`); the coach and the therapist see every team.

Generation is vectorised per table (numpy arrays of athletes x days); Python
loops run only per athlete and per injury.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, Table, func, inspect, select, text

from analytics.vocabulary import (
    BODY_AREA_OF_REGION,
    PATHOLOGY_OF_INJURY_TYPE,
    ROM_MEASURES,
    ROM_VALUE_RANGE,
)
from data.auth import hash_password
from data.bulk import insert_frame
from data.errors import DatabaseNotEmpty
from data.models import (
    Athlete,
    Injury,
    OstrcHealthProblem,
    OstrcResponse,
    PainReport,
    RomMeasurement,
    RtsCriterion,
    RtsStage,
    Team,
    TherapySession,
    TrainingSession,
    User,
    WellnessCheckin,
    user_teams,
)

#: The demo accounts: (username, role, password). The athlete account is linked to
#: the demo athlete with the most treated injury sessions; coach and therapist see every team.
DEMO_ACCOUNTS: list[tuple[str, str, str]] = [
    ("admin", "admin", "fascia-admin"),
    ("coach", "coach", "fascia-coach"),
    ("therapist", "therapist", "fascia-therapist"),
    ("athlete", "athlete", "fascia-athlete"),
]

#: Tables in insertion order (foreign keys first).
TABLES: dict[str, Table] = {
    "teams": Team.__table__,
    "athletes": Athlete.__table__,
    "users": User.__table__,
    "user_teams": user_teams,
    "training_sessions": TrainingSession.__table__,
    "injuries": Injury.__table__,
    "therapy_sessions": TherapySession.__table__,
    "rom_measurements": RomMeasurement.__table__,
    "wellness_checkins": WellnessCheckin.__table__,
    "pain_reports": PainReport.__table__,
    "ostrc_responses": OstrcResponse.__table__,
    "rts_stages": RtsStage.__table__,
    "ostrc_health_problems": OstrcHealthProblem.__table__,
}

CHUNK_ROWS = 20_000

SOCCER, TRACK = 0, 1
SPORT_NAMES = ("soccer", "track and field")
TEAMS_UP_TO = 100  # up to this many athletes: two teams (60/40); above: squads of ~SQUAD_SIZE
SQUAD_SIZE = 40
TOWNS = ("Nordvik", "Fjellby", "Strandvik", "Elvdal", "Bergli", "Havnes", "Skogli", "Solvik", "Vestby", "Ostmark")
TIMEZONES = ("Europe/Oslo", "Europe/Stockholm", "Europe/Copenhagen", "Europe/Berlin", "Europe/London")
FIRST_NAMES = (
    "Aksel", "Amalie", "Amir", "Andrea", "Elias", "Emil", "Emma", "Eirik", "Frida", "Henrik",
    "Ida", "Ingrid", "Jakob", "Jonas", "Julie", "Karoline", "Kristian", "Lars", "Lea", "Lucas",
    "Magnus", "Maja", "Marius", "Martin", "Mathias", "Nora", "Ola", "Oskar", "Sander", "Sara",
    "Selma", "Sigurd", "Silje", "Sofie", "Thea", "Tobias", "Tuva", "Vilde", "William", "Yusuf",
)  # fmt: skip
LAST_NAMES = (
    "Andersen", "Bakke", "Berg", "Dahl", "Eide", "Fredriksen", "Hagen", "Hansen", "Haugen", "Holm",
    "Jacobsen", "Johansen", "Karlsen", "Larsen", "Lie", "Lund", "Moen", "Nguyen", "Nilsen", "Olsen",
    "Pedersen", "Ronning", "Ruud", "Sandvik", "Solberg", "Strand", "Svendsen", "Tveit", "Vik", "Aas",
)  # fmt: skip
POSITIONS = (
    (("goalkeeper", 2), ("defender", 8), ("midfielder", 8), ("forward", 6)),
    (("sprinter", 5), ("middle distance", 4), ("jumper", 3), ("thrower", 4)),
)
THROWERS = ("goalkeeper", "thrower")

LIMB = ("left", "right")
MEASURE_INDEX = {(joint, movement): i for i, (joint, movement, _, _) in enumerate(ROM_MEASURES)}
HIP_IR = MEASURE_INDEX[("hip", "internal_rotation")]
HIP_ER = MEASURE_INDEX[("hip", "external_rotation")]
SLR = MEASURE_INDEX[("hip", "straight_leg_raise")]
KNEE_FLEX = MEASURE_INDEX[("knee", "flexion")]
LUNGE = MEASURE_INDEX[("ankle", "dorsiflexion_lunge")]
SHOULDER_IR = MEASURE_INDEX[("shoulder", "internal_rotation")]
SHOULDER_ER = MEASURE_INDEX[("shoulder", "external_rotation")]
SHOULDER = (SHOULDER_IR, SHOULDER_ER)

#: Per measure: normal mean, between-athlete SD, left/right SD, measurement-noise SD,
#: full deficit of an acutely injured side (value units: degrees, or cm for the lunge).
ROM_MODEL: dict[int, tuple[float, float, float, float, float]] = {
    HIP_IR: (36.0, 6.0, 1.0, 1.5, 10.0),
    HIP_ER: (44.0, 6.0, 1.0, 1.5, 9.0),
    SLR: (78.0, 9.0, 1.5, 2.0, 18.0),
    KNEE_FLEX: (138.0, 5.0, 1.0, 2.0, 22.0),
    LUNGE: (11.0, 2.5, 0.4, 0.5, 4.0),
    SHOULDER_IR: (55.0, 8.0, 1.5, 2.0, 12.0),
    SHOULDER_ER: (98.0, 8.0, 1.5, 2.0, 10.0),
}

TECHNIQUE_WEIGHTS = {
    "active_release": 0.60,
    "myofascial_release": 0.14,
    "instrument_assisted": 0.12,
    "stretching": 0.09,
    "deep_tissue": 0.03,
    "trigger_point": 0.02,
}
TECHNIQUE_NAMES = tuple(TECHNIQUE_WEIGHTS)
TECHNIQUE_P = np.array(tuple(TECHNIQUE_WEIGHTS.values()))
TECHNIQUE_PHRASE = {
    "active_release": "ART to {}",
    "myofascial_release": "Myofascial release, {}",
    "instrument_assisted": "IASTM along {}",
    "stretching": "Assisted stretching, {}",
    "deep_tissue": "Deep-tissue work, {}",
    "trigger_point": "Trigger-point release, {}",
}
OUTCOMES = (
    "tension reduced",
    "adhesions released",
    "tender at start, eased",
    "ROM improved",
    "pain on stretch reduced",
)
MAINTENANCE_REGIONS = ("thigh", "hip_groin", "lower_back", "lower_leg_achilles", "shoulder")
MAINTENANCE_STRUCTURES = {
    "thigh": ("hamstrings", "quadriceps", "IT band"),
    "hip_groin": ("adductors", "hip flexors", "gluteus medius"),
    "lower_back": ("thoracolumbar fascia", "quadratus lumborum"),
    "lower_leg_achilles": ("calves", "soleus"),
    "shoulder": ("posterior shoulder", "pectoralis minor"),
}
SORENESS_REGIONS = ("thigh", "lower_leg_achilles", "hip_groin", "lower_back", "knee", "foot", "ankle", "upper_back")
SORENESS_P = np.array((0.28, 0.2, 0.12, 0.14, 0.08, 0.08, 0.05, 0.05))

INJURIES_PER_YEAR = 1.3
REPEAT_P = 0.2  # a new injury repeats an earlier one's type, region and side
#: Categories per DESIGN.md "Recurrence": days between the earlier return and the new onset.
EARLY_DAYS, LATE_DAYS = 60, 365


@dataclass(frozen=True)
class _Profile:
    region: str
    injury_type: str
    onset_mode: str
    weight: tuple[float, float]  # relative frequency in soccer, track
    thrower_weight: float  # added for throwers (goalkeepers, track throwers)
    return_days: tuple[int, int]  # days from onset to return to full participation (time-loss)
    time_loss: float  # probability of a time-loss injury
    pain: tuple[int, int]  # NPRS at onset
    measure: int  # the ROM measure the injury limits
    structures: tuple[str, ...]
    note: str


PROFILES: tuple[_Profile, ...] = (
    _Profile("thigh", "muscle_strain", "sudden", (0.20, 0.24), 0, (12, 35), 0.85, (5, 8), SLR,
             ("biceps femoris", "semitendinosus", "semimembranosus"), "Hamstring strain, {} (sprinting)"),
    _Profile("thigh", "contusion", "sudden", (0.07, 0.02), 0, (3, 10), 0.3, (4, 6), KNEE_FLEX,
             ("vastus lateralis", "rectus femoris"), "Thigh contusion, {}"),
    _Profile("ankle", "ligament_sprain", "sudden", (0.16, 0.08), 0, (7, 30), 0.7, (5, 8), LUNGE,
             ("anterior talofibular ligament", "calcaneofibular ligament", "peroneals"),
             "Lateral ankle sprain, {} tender"),
    _Profile("knee", "ligament_sprain", "sudden", (0.05, 0.02), 0, (14, 42), 0.9, (5, 7), KNEE_FLEX,
             ("medial collateral ligament", "medial joint line"), "Knee sprain, {}"),
    _Profile("knee", "tendinopathy", "gradual", (0.04, 0.07), 0, (7, 35), 0.3, (3, 5), KNEE_FLEX,
             ("patellar tendon", "quadriceps tendon"), "Tendinopathy, {}"),
    _Profile("knee", "joint_cartilage", "gradual", (0.02, 0.02), 0, (14, 50), 0.6, (3, 6), KNEE_FLEX,
             ("lateral meniscus", "medial meniscus"), "Knee joint pain, suspected {} irritation"),
    _Profile("hip_groin", "muscle_strain", "sudden", (0.12, 0.06), 0, (10, 30), 0.7, (4, 7), HIP_ER,
             ("adductor longus", "gracilis"), "Adductor strain, {}"),
    _Profile("hip_groin", "other", "gradual", (0.05, 0.03), 0, (14, 56), 0.4, (3, 5), HIP_IR,
             ("iliopsoas", "hip flexors"), "Groin pain, {}; gradual onset"),
    _Profile("lower_back", "other", "gradual", (0.08, 0.10), 0, (5, 21), 0.4, (4, 7), SLR,
             ("quadratus lumborum", "thoracolumbar fascia", "erector spinae"), "Low back pain, {} guarding"),
    _Profile("shoulder", "tendinopathy", "gradual", (0.01, 0.01), 0.25, (10, 40), 0.3, (3, 6), SHOULDER_IR,
             ("infraspinatus", "posterior capsule", "supraspinatus"), "Shoulder tendinopathy, {}; throwing load"),
    _Profile("lower_leg_achilles", "tendinopathy", "gradual", (0.07, 0.14), 0, (14, 56), 0.3, (3, 5), LUNGE,
             ("Achilles tendon", "soleus"), "Achilles tendinopathy, {}; morning stiffness"),
    _Profile("lower_leg_achilles", "bone_stress", "gradual", (0.01, 0.06), 0, (35, 84), 1.0, (4, 6), LUNGE,
             ("posteromedial tibia",), "Bone stress injury, {}; imaging confirmed"),
    _Profile("lower_leg_achilles", "muscle_strain", "sudden", (0.05, 0.07), 0, (10, 28), 0.8, (4, 7), LUNGE,
             ("medial gastrocnemius", "soleus"), "Calf strain, {}"),
)  # fmt: skip
HAMSTRING, ANKLE_SPRAIN, KNEE_SPRAIN, ADDUCTOR, LOW_BACK, CALF = 0, 2, 3, 6, 8, 12
CONTUSION = 1

#: Contact of a sudden-onset injury (IOC 2020, Table 2) per profile in soccer, (code, probability) each;
#: track has no opponent to collide with (non-contact; a contusion from an object).
SOCCER_CONTACT: dict[int, tuple[tuple[str, float], ...]] = {
    CONTUSION: (("direct_athlete", 0.85), ("direct_object", 0.15)),
    ANKLE_SPRAIN: (("non_contact", 0.5), ("indirect_athlete", 0.2), ("direct_athlete", 0.3)),
    KNEE_SPRAIN: (("non_contact", 0.4), ("indirect_athlete", 0.15), ("direct_athlete", 0.45)),
}
#: What modified training leaves out, per injury type, in plain words for the coach.
RESTRICTIONS: dict[str, str] = {
    "muscle_strain": "No sprinting above 80 % and no maximal kicking or jumping; build running volume gradually.",
    "contusion": "No contact drills; everything else as tolerated.",
    "ligament_sprain": "No cutting, tackling or contact drills; taped or braced for all training.",
    "tendinopathy": "Limit jumps and sprints to half the usual volume; pain no more than 3/10 during and after.",
    "joint_cartilage": "Half the usual volume, no deep squats or repeated jumping.",
    "bone_stress": "Running on alternate days only, on grass; no plyometrics.",
    "other": "Reduced volume and intensity; stop if pain rises above 3/10.",
}
REHABILITATION_RESTRICTIONS = "No team training: rehabilitation with the physiotherapist only."
#: The therapist's reason for each stage decision.
STAGE_RATIONALE: dict[str, str] = {
    "rehabilitation": "Assessed after onset; rehabilitation plan agreed with the athlete.",
    "return_to_participation": "Checklist met; modified training agreed with the athlete and the coach.",
    "return_to_sport": "Checklist met; cleared for full training and selection.",
    "return_to_performance": "Back to full matches at the athlete's own level.",
}

#: The seed stream the health problems' extras draw from (`generate_demo`).
HEALTH_STREAM = 13
#: Illnesses per athlete-year (elite team sports report about one to two; Bahr et al. 2020 list the
#: systems and causes).
ILLNESSES_PER_YEAR = 1.2


@dataclass(frozen=True)
class _IllnessProfile:
    organ_system: str
    cause: str
    onset_mode: str
    weight: float  # relative frequency
    time_loss: float  # probability of time loss
    days: tuple[int, int]  # days from onset to return to full participation
    diagnosis: str
    note: str


ILLNESS_PROFILES: tuple[_IllnessProfile, ...] = (
    _IllnessProfile("respiratory", "infection", "sudden", 0.50, 0.6, (3, 8), "Upper respiratory tract infection",
                    "Sore throat and a runny nose; no fever"),
    _IllnessProfile("respiratory", "infection", "sudden", 0.08, 1.0, (6, 12), "Influenza-like illness",
                    "Fever 38.6, aching; kept at home"),
    _IllnessProfile("gastrointestinal", "infection", "sudden", 0.22, 0.8, (2, 5), "Gastroenteritis",
                    "Vomiting and diarrhoea overnight; fluids"),
    _IllnessProfile("respiratory", "allergic", "gradual", 0.10, 0.1, (4, 14), "Allergic rhinitis",
                    "Hay fever season; antihistamine"),
    _IllnessProfile("dermatological", "infection", "gradual", 0.10, 0.2, (4, 10), "Skin infection",
                    "Infected blister, heel; antibiotic cream"),
)  # fmt: skip

# Weekly training templates, Monday..Sunday: (probability, minutes, RPE) of the main session,
# and the probability of an extra gym session (45 min, RPE 5.5). Soccer plays on Saturdays.
MAIN_TEMPLATE = (
    ((0.0, 0, 0), (1, 80, 6), (1, 90, 7), (1, 75, 6), (1, 50, 3.5), (1, 90, 8), (0.2, 35, 2.5)),
    ((1, 90, 6), (1, 75, 7.5), (0.8, 60, 4), (1, 90, 7.5), (0.6, 45, 5), (0.8, 100, 7), (0.0, 0, 0)),
)
GYM_TEMPLATE = ((0, 0.25, 0, 0.25, 0, 0, 0), (0, 0.35, 0, 0.3, 0, 0, 0))
MATCH_WEEKDAY = 5
#: Breaks (month*100 + day, inclusive) per sport: soccer winter and summer; track Christmas and autumn.
BREAKS = (((1218, 1231), (101, 108), (708, 721)), ((1222, 1231), (101, 102), (925, 1020)))
LOAD_CYCLE = (0.95, 1.05, 1.15, 0.8)  # 3 build weeks and a lighter one


# --------------------------------------------------------------------------- public API


def generate_demo(
    athletes: int = 40,
    days: int = 365,
    seed: int = 7,
    end: dt.date | None = None,
    criteria: dict[str, tuple[str, ...]] | None = None,
) -> dict[str, pd.DataFrame]:
    """Every demo table as a DataFrame (keys: table names, columns: the table's columns, ids 1..n).

    `days` days ending `end` (default: today). Deterministic for (athletes, days, seed, end, criteria).
    `criteria` is the club's return-to-sport checklist (stage -> its items; `load_demo` reads the one
    migration 0007 seeds): a stage decision meets every item of its stage. Date columns are
    `datetime64[ns]` at midnight; nullable integers are `Int64`.
    """
    if athletes < 1:
        raise ValueError(f"athletes must be at least 1, got {athletes}")
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    if end is None:
        end = dt.date.today()
    elif isinstance(end, dt.datetime):
        end = end.date()
    rng = np.random.Generator(np.random.PCG64(seed))
    # the health problems' extras (illnesses, contact, stages, OSTRC-H2) draw from a stream of their
    # own, so that adding them left every other draw as it was
    health = np.random.Generator(np.random.PCG64([seed, HEALTH_STREAM]))
    cal = _Calendar.make(days, end)
    roster = _Roster.make(rng, athletes)
    checkin = _checkin_mask(rng, athletes, days)
    episodes = _injuries(rng, roster, days)
    illnesses = _illnesses(health, athletes, days, first_id=len(episodes) + 1)
    avail = _availability(episodes, illnesses, athletes, days)
    training, load, played = _training(rng, cal, roster, avail, _hurt_in_session(episodes, avail))
    clinic = _Clinic.make(rng, cal, roster)
    pain_true = np.zeros((athletes, days))
    _episode_courses(rng, cal, roster, episodes, checkin, pain_true, clinic)
    _chronic_pain(rng, roster, days, checkin, pain_true, clinic)
    _maintenance_sessions(rng, roster, avail, clinic)
    _soreness_reports(rng, load, checkin, pain_true, clinic)

    therapy_sessions, session_ids = clinic.sessions_frame(cal)
    frames: dict[str, pd.DataFrame] = {"teams": roster.teams, "athletes": roster.athletes}
    demo_athlete = _demo_athlete(therapy_sessions)
    frames["users"], frames["user_teams"] = _accounts(roster, demo_athlete)
    frames["injuries"] = _health_problems_frame(health, cal, roster, episodes, illnesses, training)
    frames["therapy_sessions"] = therapy_sessions
    frames["rom_measurements"] = clinic.rom_frame(rng, cal, roster, session_ids)
    frames["wellness_checkins"] = _wellness(rng, cal, roster, checkin, avail, load, played, pain_true)
    frames["pain_reports"] = clinic.pain_frame(cal)
    frames["training_sessions"] = training
    frames["ostrc_responses"] = _ostrc(rng, cal, avail, pain_true)
    frames["rts_stages"] = _rts_stages(health, cal, episodes, criteria or {})
    frames["ostrc_health_problems"] = _ostrc_health(cal, frames["ostrc_responses"], frames["injuries"], avail)
    return {name: frames[name] for name in TABLES}


def load_demo(
    engine: Engine, athletes: int = 40, days: int = 365, seed: int = 7, end: dt.date | None = None
) -> dict[str, int]:
    """Insert the demo (see `generate_demo`) into an empty database, in one transaction.

    The schema must exist (the caller runs the migrations). Refuses a database that
    holds any athlete or user with `DatabaseNotEmpty`, leaving it untouched.
    Returns the number of rows inserted per table.
    """
    with engine.connect() as conn:
        _refuse_non_empty(conn)
        criteria = _criteria(conn)
    frames = generate_demo(athletes=athletes, days=days, seed=seed, end=end, criteria=criteria)
    with engine.begin() as conn:
        _refuse_non_empty(conn)
        for name, table in TABLES.items():
            insert_frame(conn, table, frames[name], CHUNK_ROWS)
        if conn.dialect.name == "postgresql":
            _reset_sequences(conn)
    return {name: len(frame) for name, frame in frames.items()}


# --------------------------------------------------------------------------- loading


def _refuse_non_empty(conn: Connection) -> None:
    if not inspect(conn).has_table(Athlete.__tablename__):
        raise RuntimeError("The database has no Fascia schema yet: run the migrations before loading the demo.")
    n_athletes = conn.execute(select(func.count()).select_from(Athlete.__table__)).scalar_one()
    n_users = conn.execute(select(func.count()).select_from(User.__table__)).scalar_one()
    if n_athletes or n_users:
        raise DatabaseNotEmpty(
            f"The database is not empty ({n_athletes} athletes, {n_users} users): the demo loads only into an "
            "empty database. Point DATABASE_URL at a new database, or clear this one first."
        )


def _criteria(conn: Connection) -> dict[str, tuple[str, ...]]:
    """The club's active return-to-sport checklist, stage -> its items in order (seeded by migration 0007)."""
    rows = conn.execute(
        select(RtsCriterion.stage, RtsCriterion.text)
        .where(RtsCriterion.active.is_(True))
        .order_by(RtsCriterion.stage, RtsCriterion.position, RtsCriterion.id)
    ).all()
    return {stage: tuple(text for _, text in group) for stage, group in itertools.groupby(rows, key=lambda r: r[0])}


def _reset_sequences(conn: Connection) -> None:
    """After explicit ids on PostgreSQL, move each id sequence past the largest id."""
    for name, table in TABLES.items():
        if "id" in table.c:
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {name}"
                )
            )


# --------------------------------------------------------------------------- calendar, roster


@dataclass
class _Calendar:
    start: dt.date
    day: np.ndarray  # datetime64[D], one per day
    weekday: np.ndarray  # 0 = Monday
    month: np.ndarray
    mday: np.ndarray

    @classmethod
    def make(cls, days: int, end: dt.date) -> _Calendar:
        day = np.datetime64(end, "D") - (days - 1) + np.arange(days)
        index = pd.DatetimeIndex(day.astype("datetime64[ns]"))
        weekday = (day.astype("int64") + 3) % 7  # 1970-01-01 was a Thursday
        return cls(end - dt.timedelta(days=days - 1), day, weekday, index.month.to_numpy(), index.day.to_numpy())

    def dates(self, index: np.ndarray) -> np.ndarray:
        """datetime64[ns] dates of day indices."""
        return self.day[np.asarray(index, dtype=np.int64)].astype("datetime64[ns]")


def _team_sizes(n: int) -> list[tuple[int, int]]:
    """(sport, size) per team."""
    if n <= TEAMS_UP_TO:
        soccer = max(1, round(0.6 * n))
        return [(SOCCER, soccer), (TRACK, n - soccer)]
    k = math.ceil(n / SQUAD_SIZE)
    return [(SOCCER if i % 2 == 0 else TRACK, n // k + (1 if i < n % k else 0)) for i in range(k)]


def _positions(sport: int, size: int) -> list[str]:
    names = [p for p, _ in POSITIONS[sport]]
    weights = np.array([w for _, w in POSITIONS[sport]], dtype=float)
    exact = weights / weights.sum() * size
    counts = np.floor(exact).astype(int)
    for i in np.argsort(-(exact - counts), kind="stable")[: size - counts.sum()]:
        counts[i] += 1
    if size >= 2 and counts[0] == 0:  # every squad has a goalkeeper (soccer) / a sprinter (track)
        counts[np.argmax(counts)] -= 1
        counts[0] = 1
    return [name for name, c in zip(names, counts, strict=True) for _ in range(c)]


@dataclass
class _Roster:
    teams: pd.DataFrame
    athletes: pd.DataFrame
    team: np.ndarray  # team index (0-based) per athlete
    sport: np.ndarray
    thrower: np.ndarray
    dominant: np.ndarray  # "left" / "right" / "both"
    starter: np.ndarray  # probability of starting a match (soccer)

    @property
    def n(self) -> int:
        return len(self.team)

    @classmethod
    def make(cls, rng: np.random.Generator, n: int) -> _Roster:
        sizes = _team_sizes(n)
        teams = pd.DataFrame(
            {
                "id": np.arange(1, len(sizes) + 1),
                "name": [_team_name(i, sport) for i, (sport, _) in enumerate(sizes)],
                "sport": [SPORT_NAMES[sport] for sport, _ in sizes],
                "timezone": [TIMEZONES[(i // 2) % len(TIMEZONES)] for i in range(len(sizes))],
            }
        )
        team = np.repeat(np.arange(len(sizes)), [size for _, size in sizes])
        sport = np.array([s for s, _ in sizes], dtype=int)[team]
        position = np.array([p for s, size in sizes for p in _positions(s, size)], dtype=object)
        thrower = np.isin(position, THROWERS)
        dominant = rng.choice(np.array(["right", "left", "both"], dtype=object), size=n, p=[0.78, 0.19, 0.03])
        first_keeper = np.zeros(n, dtype=bool)
        keepers = np.flatnonzero(position == "goalkeeper")
        if keepers.size:
            first_keeper[keepers[np.r_[True, team[keepers][1:] != team[keepers][:-1]]]] = True
        starter = np.where(position == "goalkeeper", np.where(first_keeper, 0.9, 0.1), rng.beta(3, 2.5, n))
        pairs = len(FIRST_NAMES) * len(LAST_NAMES)
        picks = rng.permutation(pairs)[np.arange(n) % pairs]
        names = [
            f"{FIRST_NAMES[p // len(LAST_NAMES)]} {LAST_NAMES[p % len(LAST_NAMES)]}"
            + (f" {i // pairs + 1}" if i >= pairs else "")
            for i, p in enumerate(picks)
        ]
        athletes = pd.DataFrame(
            {
                "id": np.arange(1, n + 1),
                "team_id": team + 1,
                "display_name": names,
                "external_id": [f"DEMO-{i:05d}" for i in range(1, n + 1)],
                "position": position,
                "dominant_side": dominant,
                "active": np.ones(n, dtype=bool),
            }
        )
        return cls(teams, athletes, team, sport, thrower, dominant, starter)


def _team_name(i: int, sport: int) -> str:
    club = i // 2
    town = TOWNS[club % len(TOWNS)] + (f" {club // len(TOWNS) + 1}" if club >= len(TOWNS) else "")
    return f"{town} {'FC' if sport == SOCCER else 'Athletics'}"


def _checkin_mask(rng: np.random.Generator, n: int, days: int) -> np.ndarray:
    """Who checked in on which day: per-athlete compliance around 88 %, pauses of 3-9 days,
    and about 5 % of athletes (at least one) not checked in for the last 3-6 days."""
    p = rng.normal(0.88, 0.05, n).clip(0.65, 0.99)
    p = (p + 0.88 - p.mean()).clip(0.6, 0.995)
    mask = rng.random((n, days)) < p[:, None]
    gaps = rng.poisson(1.2 * days / 365, n)
    who = np.repeat(np.arange(n), gaps)
    starts = rng.integers(0, days, who.size)
    lengths = rng.integers(3, 10, who.size)
    for a, s, length in zip(who, starts, lengths, strict=True):
        mask[a, s : s + length] = False
    if days >= 10:
        quiet = rng.choice(n, size=max(1, round(0.05 * n)), replace=False)
        for a, length in zip(quiet, rng.integers(3, 7, quiet.size), strict=True):
            mask[a, days - length :] = False
    return mask


# --------------------------------------------------------------------------- injuries


@dataclass
class _Episode:
    athlete: int
    onset: int  # day index
    profile: int
    side: str
    time_loss: bool
    return_day: int  # day index of return to full participation; >= days: not yet returned
    pain_days: int  # days until the pain course reaches ~0.8 NPRS
    unavailable_days: int  # time-loss days from onset (0: never unavailable)
    p0: int  # NPRS at onset
    prodrome: int  # days of low-grade pain before a gradual onset
    note: str
    cut: int | None = None  # day an exacerbation takes over this episode's pain course
    parent: _Episode | None = None
    id: int = 0

    @property
    def region(self) -> str:
        return PROFILES[self.profile].region

    @property
    def key(self) -> tuple[str, str]:
        return self.region, self.side


def _new_episode(
    rng: np.random.Generator, athlete: int, onset: int, profile: int, side: str, time_loss: bool | None = None
) -> _Episode:
    prof = PROFILES[profile]
    tl = bool(rng.random() < prof.time_loss) if time_loss is None else time_loss
    back = int(rng.integers(prof.return_days[0], prof.return_days[1] + 1))
    if not tl:
        back = max(2, back // 2)
    p0 = max(2, int(rng.integers(prof.pain[0], prof.pain[1] + 1)) - (0 if tl else 1))
    pain_days = max(4, round(back * rng.uniform(0.95, 1.3)) + int(rng.integers(0, 5)))
    unavailable = max(1, round(back * rng.uniform(0.4, 0.75))) if tl else 0
    prodrome = int(rng.integers(3, 10)) if prof.onset_mode == "gradual" else 0
    note = prof.note.format(prof.structures[int(rng.integers(len(prof.structures)))])
    return _Episode(athlete, onset, profile, side, tl, onset + back, pain_days, unavailable, p0, prodrome, note)


def _pick_side(rng: np.random.Generator, profile: int, dominant: str) -> str:
    if PROFILES[profile].region == "lower_back":
        return "central"
    if dominant == "both":
        return LIMB[int(rng.integers(2))]
    other = "left" if dominant == "right" else "right"
    return dominant if rng.random() < 0.55 else other


def _exacerbate(rng: np.random.Generator, index: _Episode, onset: int) -> _Episode:
    """A worsening of `index` before its return: same profile and side; both return together."""
    new = _new_episode(rng, index.athlete, onset, index.profile, index.side)
    new.p0 = int(np.clip(index.p0 + rng.integers(-1, 2), 3, 9))
    new.prodrome = 0
    new.parent = index
    index.cut = onset
    node: _Episode | None = index
    while node is not None:
        node.return_day = new.return_day
        node = node.parent
    return new


def _injuries(rng: np.random.Generator, roster: _Roster, days: int) -> list[_Episode]:
    """Every injury episode, sorted by athlete and onset, with ids 1..n.

    Scripted pairs guarantee each recurrence category the period allows (on a region
    and side reserved for them on that athlete); the rest is a renewal process per
    athlete in which an injury during an open one may be an exacerbation, and a later
    one may repeat an earlier (a recurrence, early/late/delayed by its timing).
    """
    n = roster.n
    weights = np.array([[p.weight[s] for p in PROFILES] for s in (SOCCER, TRACK)])
    thrower_w = np.array([p.thrower_weight for p in PROFILES])
    scripted: list[_Episode] = []
    reserved: dict[int, set[tuple[str, str]]] = {}

    def reserve(ep: _Episode) -> None:
        scripted.append(ep)
        reserved.setdefault(ep.athlete, set()).add(ep.key)

    k = max(1, n // 50)
    if days >= 60:  # exacerbation of a hamstring strain
        for a in rng.choice(n, size=k, replace=False):
            side = _pick_side(rng, HAMSTRING, roster.dominant[a])
            first = _new_episode(rng, int(a), 0, HAMSTRING, side, time_loss=True)
            back = max(20, first.return_day)
            start = int(rng.integers(0, days - back - 10))
            first.onset, first.return_day = start, start + back
            reserve(first)
            reserve(_exacerbate(rng, first, start + int(rng.integers(7, back - 2))))
    for profile, lo, hi in (
        (ANKLE_SPRAIN, 7, EARLY_DAYS),
        (ADDUCTOR, EARLY_DAYS + 1, LATE_DAYS),
        (KNEE_SPRAIN, LATE_DAYS + 1, 10**6),
    ):
        for a in rng.choice(n, size=k, replace=False):
            side = _pick_side(rng, profile, roster.dominant[a])
            first = _new_episode(rng, int(a), 0, profile, side)
            back = first.return_day
            top = min(hi, days - 2 - back)
            if top < lo:
                continue
            gap = int(rng.integers(lo, top + 1))
            start = int(rng.integers(0, days - 1 - back - gap))
            first.onset, first.return_day = start, start + back
            reserve(first)
            reserve(_new_episode(rng, int(a), first.return_day + gap, profile, side))
    if days >= 14:  # open injuries at the end of the period
        for a in rng.choice(n, size=max(1, n // 25), replace=False):
            for _ in range(20):
                profile = int(rng.choice([HAMSTRING, ANKLE_SPRAIN, LOW_BACK, CALF]))
                side = _pick_side(rng, profile, roster.dominant[a])
                if (PROFILES[profile].region, side) not in reserved.get(int(a), set()):
                    break
            ep = _new_episode(rng, int(a), days - int(rng.integers(3, 11)), profile, side, time_loss=True)
            ep.return_day = max(ep.return_day, days + 3)
            reserve(ep)

    mean_gap = 365 / INJURIES_PER_YEAR
    episodes = list(scripted)
    for a in range(n):
        w = weights[roster.sport[a]] + thrower_w * roster.thrower[a]
        w = w / w.sum()
        taken = reserved.get(a, set())
        own: list[_Episode] = []

        t = rng.exponential(mean_gap)
        while t < days:
            onset = int(t)
            open_ep = own[-1] if own and own[-1].return_day > onset else None
            if open_ep is None:
                new = _fresh(rng, roster, a, onset, own, w, taken)
            elif onset - open_ep.onset >= 5 and rng.random() < 0.35:
                new = _exacerbate(rng, open_ep, onset)
            else:
                onset = open_ep.return_day + int(rng.integers(3, 30))
                if onset >= days:
                    break
                new = _fresh(rng, roster, a, onset, own, w, taken)
            own.append(new)
            t = onset + rng.exponential(mean_gap)
        episodes.extend(own)
    episodes.sort(key=lambda e: (e.athlete, e.onset, e.return_day))
    for i, ep in enumerate(episodes, start=1):
        ep.id = i
    return episodes


def _fresh(
    rng: np.random.Generator,
    roster: _Roster,
    a: int,
    onset: int,
    own: list[_Episode],
    weights: np.ndarray,
    taken: set[tuple[str, str]],
) -> _Episode:
    """A new injury of athlete `a`: a repeat of one of their earlier injuries (`REPEAT_P`), or a new profile
    drawn from the sport's weights on a region and side not reserved for a scripted case."""
    if own and rng.random() < REPEAT_P:
        base = own[-1] if rng.random() < 0.6 else own[int(rng.integers(len(own)))]
        return _new_episode(rng, a, onset, base.profile, base.side)
    for _ in range(20):
        profile = int(rng.choice(len(PROFILES), p=weights))
        side = _pick_side(rng, profile, roster.dominant[a])
        if (PROFILES[profile].region, side) not in taken:
            break
    return _new_episode(rng, a, onset, profile, side)


def _in_session(ep: _Episode) -> bool:
    """A sudden-onset injury that is not an exacerbation happens in a session: the athlete took full part
    that day until it happened, and is out from the next day."""
    return PROFILES[ep.profile].onset_mode == "sudden" and ep.parent is None


def _participation(ep: _Episode) -> int:
    """The day index the athlete is back in modified training (the end of the time-loss days)."""
    return ep.onset + int(_in_session(ep)) + ep.unavailable_days


def _availability(episodes: list[_Episode], illnesses: list[_Illness], n: int, days: int) -> np.ndarray:
    """0 full, 1 modified, 2 unavailable, per athlete and day: an injury's time-loss days, then modified
    until its return (from the day after a sudden onset in a session, `_in_session`); a time-loss
    illness unavailable until its return, another one modified."""
    avail = np.zeros((n, days), dtype=np.int8)
    for ep in episodes:
        row = avail[ep.athlete]
        stop = _participation(ep)
        row[ep.onset + int(_in_session(ep)) : stop] = 2
        seg = row[stop : ep.return_day]
        np.maximum(seg, 1, out=seg)
    for illness in illnesses:
        seg = avail[illness.athlete, illness.onset : illness.return_day]
        np.maximum(seg, 2 if illness.time_loss else 1, out=seg)
    return avail


def _hurt_in_session(episodes: list[_Episode], avail: np.ndarray) -> np.ndarray:
    """Per athlete and day: a sudden injury happened in that day's session (`_in_session`), unless the
    athlete was out that day for another reason."""
    hurt = np.zeros(avail.shape, dtype=bool)
    for ep in episodes:
        if _in_session(ep) and avail[ep.athlete, ep.onset] < 2:
            hurt[ep.athlete, ep.onset] = True
    return hurt


@dataclass
class _Illness:
    athlete: int
    onset: int  # day index
    profile: int
    time_loss: bool
    return_day: int  # day index of return to full participation; >= days: not yet returned
    id: int


def _illnesses(rng: np.random.Generator, n: int, days: int, first_id: int) -> list[_Illness]:
    """Illnesses (`ILLNESS_PROFILES`, about `ILLNESSES_PER_YEAR` per athlete), one at a time per athlete,
    sorted by athlete and onset, with ids from `first_id` on (after the injuries')."""
    weights = np.array([p.weight for p in ILLNESS_PROFILES])
    mean_gap = 365 / ILLNESSES_PER_YEAR
    found: list[_Illness] = []
    for athlete in range(n):
        t = rng.exponential(mean_gap)
        while t < days:
            profile = int(rng.choice(len(ILLNESS_PROFILES), p=weights / weights.sum()))
            prof = ILLNESS_PROFILES[profile]
            back = int(rng.integers(prof.days[0], prof.days[1] + 1))
            ill = _Illness(athlete, int(t), profile, bool(rng.random() < prof.time_loss), int(t) + back, 0)
            found.append(ill)
            t = ill.return_day + rng.exponential(mean_gap)
    for i, ill in enumerate(found):
        ill.id = first_id + i
    return found


def _contact(rng: np.random.Generator, roster: _Roster, ep: _Episode) -> str:
    """The contact of a sudden-onset injury (IOC 2020): `SOCCER_CONTACT`, else non-contact."""
    if ep.profile == CONTUSION and roster.sport[ep.athlete] == TRACK:
        return "direct_object"
    choices = SOCCER_CONTACT.get(ep.profile) if roster.sport[ep.athlete] == SOCCER else None
    if not choices:
        return "non_contact"
    return choices[int(rng.choice(len(choices), p=[p for _, p in choices]))][0]


def _health_problems_frame(
    rng: np.random.Generator,
    cal: _Calendar,
    roster: _Roster,
    episodes: list[_Episode],
    illnesses: list[_Illness],
    training: pd.DataFrame,
) -> pd.DataFrame:
    """The injuries then the illnesses (Bahr et al. 2020 fields). An injury in a session (`_in_session`)
    began in that day's first session, a match or training, and links to it; an exacerbation or a
    gradual onset began in training, with no session named. Body area, tissue and pathology are derived
    as migration 0007 derives them; a sudden-onset injury has a contact."""
    days = len(cal.day)
    first = training.drop_duplicates(["athlete_id", "date"])[["athlete_id", "date", "id", "kind"]]
    onsets = pd.DataFrame(
        {
            "athlete_id": np.array([e.athlete + 1 for e in episodes], dtype=np.int64),
            "date": cal.dates(np.array([e.onset for e in episodes], dtype=np.int64)),
        }
    )
    session = onsets.merge(first, on=["athlete_id", "date"], how="left")  # keeps the episodes' order
    in_session = np.array([_in_session(e) for e in episodes], dtype=bool) & session["id"].notna().to_numpy()
    session_ids = session["id"].astype("Int64").where(in_session).tolist()
    activities = session["kind"].astype(object).where(in_session, "training").tolist()
    rows: list[dict[str, Any]] = []
    for ep, session_id, activity in zip(episodes, session_ids, activities, strict=True):
        prof = PROFILES[ep.profile]
        rows.append(
            {
                "id": ep.id,
                "athlete_id": ep.athlete + 1,
                "problem_type": "injury",
                "onset": ep.onset,
                "return": ep.return_day,
                "body_region": ep.region,
                "side": ep.side,
                "injury_type": prof.injury_type,
                "onset_mode": prof.onset_mode,
                "contact": _contact(rng, roster, ep) if prof.onset_mode == "sudden" else None,
                "activity": activity,
                "training_session_id": None if pd.isna(session_id) else int(session_id),
                "body_area": BODY_AREA_OF_REGION[ep.region],
                "tissue": PATHOLOGY_OF_INJURY_TYPE[prof.injury_type][0],
                "pathology": PATHOLOGY_OF_INJURY_TYPE[prof.injury_type][1],
                "diagnosis": ep.note.split(",")[0],
                "time_loss": ep.time_loss,
                "notes": ep.note,
            }
        )
    for ill in illnesses:
        prof_ill = ILLNESS_PROFILES[ill.profile]
        rows.append(
            {
                "id": ill.id,
                "athlete_id": ill.athlete + 1,
                "problem_type": "illness",
                "onset": ill.onset,
                "return": ill.return_day,
                "onset_mode": prof_ill.onset_mode,
                "activity": "outside_sport",
                "organ_system": prof_ill.organ_system,
                "illness_cause": prof_ill.cause,
                "diagnosis": prof_ill.diagnosis,
                "time_loss": ill.time_loss,
                "notes": prof_ill.note,
            }
        )
    frame = pd.DataFrame(rows)
    returned = frame["return"].to_numpy(dtype=np.int64)
    text = [
        "problem_type",
        "body_region",
        "side",
        "injury_type",
        "onset_mode",
        "contact",
        "activity",
        "body_area",
        "tissue",
        "pathology",
        "organ_system",
        "illness_cause",
        "diagnosis",
    ]
    return pd.DataFrame(
        {
            "id": frame["id"].to_numpy(dtype=np.int64),
            "athlete_id": frame["athlete_id"].to_numpy(dtype=np.int64),
            "onset_date": cal.dates(frame["onset"].to_numpy(dtype=np.int64)),
            **{c: frame[c].astype(object).where(frame[c].notna(), None) if c in frame else None for c in text},
            "training_session_id": frame["training_session_id"].astype("Int64"),
            "time_loss": frame["time_loss"].to_numpy(dtype=bool),
            "return_date": pd.Series(cal.dates(np.minimum(returned, days - 1)))
            .where(returned < days)
            .astype("datetime64[ns]"),
            "notes": frame["notes"].astype(object),
        }
    )


# --------------------------------------------------------------------------- training load


def _training(
    rng: np.random.Generator, cal: _Calendar, roster: _Roster, avail: np.ndarray, hurt: np.ndarray
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Training sessions, daily load (RPE x minutes) and whether a match was played, per athlete and day.
    A day an athlete got hurt in a session (`hurt`) has that session."""
    n, days = avail.shape
    sport = roster.sport[:, None]
    wd = cal.weekday[None, :]
    tmpl = np.array(MAIN_TEMPLATE, dtype=float)  # sport, weekday, (p, minutes, rpe)
    month_day = cal.month * 100 + cal.mday
    breaks = np.stack(
        [np.any([(month_day >= lo) & (month_day <= hi) for lo, hi in windows], axis=0) for windows in BREAKS]
    )[roster.sport]
    week = (cal.day.astype("int64") + 3) // 7
    week = week - week[0]
    cycle = np.array(LOAD_CYCLE)[(week + 1) % len(LOAD_CYCLE)]
    team_week = np.exp(rng.normal(0, 0.07, (len(roster.teams), week[-1] + 1)))
    factor = cycle[None, :] * team_week[roster.team][:, week]

    p = np.where(breaks, 0.35, tmpl[sport, wd, 0])
    minutes_mean = np.where(breaks, 40.0, tmpl[sport, wd, 1]) * factor
    rpe_mean = np.where(breaks, 5.0, tmpl[sport, wd, 2] + 2.5 * (factor - 1))
    match_day = (sport == SOCCER) & (wd == MATCH_WEEKDAY) & ~breaks
    main = ((rng.random((n, days)) < p) & (rng.random((n, days)) > 0.04) & (avail < 2)) | hurt
    minutes = np.clip(np.rint(rng.normal(minutes_mean, 8) / 5) * 5, 15, 150)
    rpe = np.clip(np.rint(rng.normal(rpe_mean, 0.8)), 1, 10)

    starts = rng.random((n, days)) < roster.starter[:, None]
    subbed_on = ~starts & (rng.random((n, days)) < 0.6)
    match_minutes = np.where(rng.random((n, days)) < 0.75, 90, rng.integers(60, 90, (n, days)))
    match_minutes = np.where(starts, match_minutes, rng.integers(10, 36, (n, days)))
    match_rpe = np.clip(np.rint(rng.normal(np.where(starts, 8.0, 6.0), 0.9)), 1, 10)
    played = match_day & (starts | subbed_on) & (avail == 0) & main
    minutes = np.where(played, match_minutes, np.where(match_day & ~played, 50, minutes))
    rpe = np.where(played, match_rpe, np.where(match_day & ~played, 6, rpe))

    modified = avail == 1
    minutes = np.where(modified, np.maximum(15, np.rint(minutes * 0.6 / 5) * 5), minutes)
    minutes = np.where(modified & match_day, 40, minutes)
    rpe = np.where(modified, np.clip(np.rint(rpe - 1.5), 1, 10), rpe)
    rpe = np.where(modified & match_day, 4, rpe)

    gym_p = np.array(GYM_TEMPLATE)[sport, wd]
    gym = (rng.random((n, days)) < gym_p) & ~breaks & (avail < 2)
    gym_minutes = np.clip(np.rint(rng.normal(45, 5, (n, days)) / 5) * 5, 20, 90)
    gym_rpe = np.clip(np.rint(rng.normal(5.5, 1, (n, days))), 1, 10)

    load = np.where(main, minutes * rpe, 0.0) + np.where(gym, gym_minutes * gym_rpe, 0.0)
    a1, d1 = np.nonzero(main)
    a2, d2 = np.nonzero(gym)
    frame = pd.DataFrame(
        {
            "athlete_id": np.concatenate([a1, a2]) + 1,
            "day": np.concatenate([d1, d2]),
            "slot": np.concatenate([np.zeros(a1.size, int), np.ones(a2.size, int)]),
            "minutes": np.concatenate([minutes[a1, d1], gym_minutes[a2, d2]]).astype(np.int64),
            "rpe": np.concatenate([rpe[a1, d1], gym_rpe[a2, d2]]).astype(float),
            "kind": np.where(np.concatenate([played[a1, d1], np.zeros(a2.size, bool)]), "match", "training"),
        }
    ).sort_values(["athlete_id", "day", "slot"], kind="stable")
    frame = pd.DataFrame(
        {
            "id": np.arange(1, len(frame) + 1),
            "athlete_id": frame["athlete_id"].to_numpy(),
            "date": cal.dates(frame["day"].to_numpy()),
            "minutes": frame["minutes"].to_numpy(),
            "rpe": frame["rpe"].to_numpy(),
            "kind": frame["kind"].to_numpy().astype(object),
        }
    )
    return frame, load, played


# --------------------------------------------------------------------------- clinic: sessions, pain, ROM


@dataclass
class _Clinic:
    """Collects therapy sessions, pain reports and ROM rows as they are generated."""

    screen_days: np.ndarray  # day indices of the monthly screenings
    rom_base: np.ndarray  # athlete x measure x side (0 left, 1 right): true value
    screen_deficit: np.ndarray  # athlete x screening x measure x side
    sessions: dict[str, list[Any]]
    rom: dict[str, list[Any]]
    pain: list[tuple[np.ndarray, ...]]  # (athlete, day, region, side, pain) arrays

    @classmethod
    def make(cls, rng: np.random.Generator, cal: _Calendar, roster: _Roster) -> _Clinic:
        tuesdays = np.flatnonzero(cal.weekday == 1)
        screen_days = np.union1d(tuesdays[:1], tuesdays[cal.mday[tuesdays] <= 7])
        n, m = roster.n, len(ROM_MEASURES)
        model = np.array([ROM_MODEL[i] for i in range(m)])
        spread = rng.normal(0, 1, (n, m, 1)).clip(-2.2, 2.2)
        base = model[:, 0][None, :, None] + spread * model[:, 1][None, :, None]
        base = base + rng.normal(0, 1, (n, m, 2)) * model[:, 2][None, :, None]
        dom = np.where(roster.dominant == "left", 0, 1)
        throwers = np.flatnonzero(roster.thrower)
        base[throwers, SHOULDER_IR, dom[throwers]] -= 10  # glenohumeral internal-rotation deficit
        base[throwers, SHOULDER_ER, dom[throwers]] += 7
        asym = rng.choice(n, size=max(1, round(0.1 * n)), replace=False)
        asym_side = rng.integers(0, 2, asym.size)
        base[asym, HIP_IR, asym_side] -= rng.uniform(9, 14, asym.size)
        base[asym, HIP_ER, asym_side] += rng.uniform(0, 4, asym.size)
        return cls(
            screen_days=screen_days,
            rom_base=base,
            screen_deficit=np.zeros((n, screen_days.size, m, 2)),
            sessions={k: [] for k in ("key", "athlete", "day", "technique", "region", "side", "minutes",
                                      "before", "after", "discomfort", "injury", "notes")},
            rom={k: [] for k in ("athlete", "day", "measure", "side", "deficit", "context", "session")},
            pain=[],
        )  # fmt: skip

    def add_session(self, **values: Any) -> int:
        key = len(self.sessions["key"])
        self.sessions["key"].append(key)
        for name, value in values.items():
            self.sessions[name].append(value)
        return key

    def add_rom(
        self, athlete: int, day: int, measure: int, side: int, deficit: float, context: str, session: int
    ) -> None:
        for name, value in zip(self.rom, (athlete, day, measure, side, deficit, context, session), strict=True):
            self.rom[name].append(value)

    def add_pain(self, athlete: Any, day: np.ndarray, region: Any, side: Any, pain: np.ndarray) -> None:
        size = len(day)
        if size:
            self.pain.append(
                tuple(np.broadcast_to(np.asarray(x, dtype=object if isinstance(x, str) else None), size) for x in
                      (athlete, day, region, side, pain))
            )  # fmt: skip

    def sessions_frame(self, cal: _Calendar) -> tuple[pd.DataFrame, np.ndarray]:
        """The therapy sessions sorted by athlete and date with ids 1..n, and the id of each session key."""
        s = pd.DataFrame(self.sessions).sort_values(["athlete", "day", "key"], kind="stable")
        ids = np.empty(len(s), dtype=np.int64)
        ids[s["key"].to_numpy(dtype=np.int64)] = np.arange(1, len(s) + 1)
        therapist = _account_id("therapist")
        frame = pd.DataFrame(
            {
                "id": np.arange(1, len(s) + 1),
                "athlete_id": s["athlete"].to_numpy(dtype=np.int64) + 1,
                "therapist_id": np.full(len(s), therapist, dtype=np.int64),
                "date": cal.dates(s["day"].to_numpy(dtype=np.int64)),
                "technique": s["technique"].to_numpy(dtype=object),
                "body_region": s["region"].to_numpy(dtype=object),
                "side": s["side"].to_numpy(dtype=object),
                "minutes": s["minutes"].to_numpy(dtype=np.int64),
                "pain_before": s["before"].to_numpy(dtype=np.int64),
                "pain_after": s["after"].to_numpy(dtype=np.int64),
                "discomfort": s["discomfort"].to_numpy(dtype=np.int64),
                "injury_id": pd.array(s["injury"].to_numpy(dtype=float), dtype="Int64"),
                "notes": s["notes"].to_numpy(dtype=object),
            }
        )
        return frame, ids

    def pain_frame(self, cal: _Calendar) -> pd.DataFrame:
        """Pain reports; where sources overlap (same athlete, day, region, side) the highest pain counts."""
        cols = ("athlete", "day", "body_region", "side", "pain")
        if self.pain:
            raw = pd.DataFrame({c: np.concatenate([p[i] for p in self.pain]) for i, c in enumerate(cols)})
        else:
            raw = pd.DataFrame({c: [] for c in cols})
        raw = raw.astype({"athlete": np.int64, "day": np.int64, "pain": np.int64})
        agg = raw.groupby(["athlete", "day", "body_region", "side"], sort=True, as_index=False)["pain"].max()
        return pd.DataFrame(
            {
                "id": np.arange(1, len(agg) + 1),
                "athlete_id": agg["athlete"].to_numpy(dtype=np.int64) + 1,
                "date": cal.dates(agg["day"].to_numpy(dtype=np.int64)),
                "body_region": agg["body_region"].to_numpy(dtype=object),
                "side": agg["side"].to_numpy(dtype=object),
                "pain": agg["pain"].to_numpy(dtype=np.int64),
            }
        )

    def rom_frame(
        self, rng: np.random.Generator, cal: _Calendar, roster: _Roster, session_ids: np.ndarray
    ) -> pd.DataFrame:
        """Screening rows (every athlete, every screening, both sides) plus the session and follow-up rows."""
        n, n_screen, m, _ = self.screen_deficit.shape
        wanted = np.ones((n, n_screen, m, 2), dtype=bool)
        wanted[:, :, list(SHOULDER), :] = roster.thrower[:, None, None, None]
        wanted &= (rng.random((n, n_screen)) < 0.95)[:, :, None, None]  # a few missed screenings
        a, s, meas, side = np.nonzero(wanted)
        session = np.array(self.rom["session"], dtype=np.int64)
        athlete = np.concatenate([a, np.array(self.rom["athlete"], dtype=np.int64)])
        day = np.concatenate([self.screen_days[s], np.array(self.rom["day"], dtype=np.int64)])
        measure = np.concatenate([meas, np.array(self.rom["measure"], dtype=np.int64)])
        sides = np.concatenate([side, np.array(self.rom["side"], dtype=np.int64)])
        deficit = np.concatenate([self.screen_deficit[a, s, meas, side], np.array(self.rom["deficit"], dtype=float)])
        context = np.concatenate(
            [np.full(a.size, "screening", dtype=object), np.array(self.rom["context"], dtype=object)]
        )
        session_id = np.concatenate(
            [np.full(a.size, -1), np.where(session >= 0, session_ids[np.maximum(session, 0)], -1)]
        )
        noise = np.array([ROM_MODEL[i][3] for i in range(m)])[measure]
        value = self.rom_base[athlete, measure, sides] - deficit + rng.normal(0, 1, athlete.size) * noise
        value = np.where(measure == LUNGE, np.maximum(value, 0.0), value)  # knee-to-wall distance
        unit = np.array([u for _, _, u, _ in ROM_MEASURES], dtype=object)[measure]
        value = np.where(unit == "cm", np.rint(value * 2) / 2, np.rint(value))
        for u, (lo, hi) in ROM_VALUE_RANGE.items():
            value = np.where(unit == u, np.clip(value, lo, hi), value)
        order = np.lexsort((session_id, measure, sides, day, athlete))
        frame = pd.DataFrame(
            {
                "id": np.arange(1, athlete.size + 1),
                "athlete_id": athlete[order] + 1,
                "date": cal.dates(day[order]),
                "joint": np.array([j for j, _, _, _ in ROM_MEASURES], dtype=object)[measure[order]],
                "movement": np.array([mv for _, mv, _, _ in ROM_MEASURES], dtype=object)[measure[order]],
                "side": np.array(LIMB, dtype=object)[sides[order]],
                "value": value[order].astype(float),
                "unit": unit[order],
                "method": np.array([me for _, _, _, me in ROM_MEASURES], dtype=object)[measure[order]],
                "context": context[order],
                "session_id": pd.array(np.where(session_id[order] > 0, session_id[order], np.nan), dtype="Int64"),
                "measured_by": np.full(athlete.size, _account_id("therapist"), dtype=np.int64),
            }
        )
        return frame


def _technique(rng: np.random.Generator, region: str) -> str:
    if region == "lower_back" and rng.random() < 0.25:
        return "trigger_point"
    return TECHNIQUE_NAMES[int(rng.choice(len(TECHNIQUE_NAMES), p=TECHNIQUE_P))]


def _episode_courses(
    rng: np.random.Generator,
    cal: _Calendar,
    roster: _Roster,
    episodes: list[_Episode],
    checkin: np.ndarray,
    pain_true: np.ndarray,
    clinic: _Clinic,
) -> None:
    """Per injury: the pain course, the soft-tissue sessions that bring it down, ROM around them."""
    days = len(cal.day)
    for ep in episodes:
        prof = PROFILES[ep.profile]
        athlete, onset = ep.athlete, ep.onset
        stop = min(days, ep.cut if ep.cut is not None else days)  # first day not in this course
        horizon = ep.pain_days
        # sessions about twice a week until the pain has settled
        offsets = int(rng.integers(0, 3)) + np.r_[0, np.cumsum(rng.choice([2, 3, 3, 4, 4, 5], 30))]
        offsets = offsets[(offsets <= max(horizon - 2, offsets[0])) & (onset + offsets < stop)][:24]
        # underlying pain: slow natural decay plus a step down after each session
        day_offsets = np.arange(horizon + 1)
        drop = math.log(ep.p0 / 0.8)
        if offsets.size:
            alpha, beta = 0.45 * drop / horizon, 0.55 * drop / offsets.size
        else:
            alpha, beta = drop / horizon, 0.0
        pain_level = ep.p0 * np.exp(-alpha * day_offsets - beta * np.searchsorted(offsets, day_offsets, side="left"))
        course = day_offsets[onset + day_offsets < stop]
        row = pain_true[athlete, onset : onset + course.size]
        np.maximum(row, pain_level[: course.size], out=row)
        reported = course[checkin[athlete, onset + course]]
        pain = np.clip(np.rint(pain_level[reported] + rng.normal(0, 0.5, reported.size)), 0, 10)
        clinic.add_pain(athlete, onset + reported, prof.region, ep.side, pain)
        if ep.cut is None:  # three reports at 0-1: resolved
            tail = onset + horizon + 1 + np.arange(12)
            tail = tail[tail < days]
            tail = tail[checkin[athlete, tail]][:3]
            clinic.add_pain(athlete, tail, prof.region, ep.side, rng.integers(0, 2, tail.size))
        if ep.prodrome:
            early = np.arange(max(0, onset - ep.prodrome), onset)
            early = early[checkin[athlete, early]]
            clinic.add_pain(athlete, early, prof.region, ep.side, rng.integers(1, 3, early.size))

        involved = [LIMB.index(ep.side)] if ep.side in LIMB else [0, 1]
        full_deficit = ROM_MODEL[prof.measure][4] * rng.uniform(0.7, 1.3)
        for offset in offsets:
            day = onset + int(offset)
            technique = _technique(rng, prof.region)
            before = int(np.clip(np.rint(pain_level[offset] + rng.normal(0, 0.4)), 0, 10))
            relief = int(rng.binomial(before, 0.35 if technique == "active_release" else 0.25))
            after = max(0, before - relief)
            discomfort = rng.normal({"active_release": 6.0, "stretching": 3.0}.get(technique, 4.5), 1.2)
            structure = prof.structures[int(rng.integers(len(prof.structures)))]
            outcome = OUTCOMES[int(rng.integers(len(OUTCOMES)))] if relief else "little change today"
            key = clinic.add_session(
                athlete=athlete,
                day=day,
                technique=technique,
                region=prof.region,
                side=ep.side,
                minutes=int(rng.choice([20, 25, 30, 30, 40, 45])),
                before=before,
                after=after,
                discomfort=int(np.clip(np.rint(discomfort), 0, 10)),
                injury=ep.id,
                notes=f"{TECHNIQUE_PHRASE[technique].format(structure)}, {outcome}",
            )
            pre = full_deficit * min(1.0, pain_level[offset] / ep.p0)
            post = pre * rng.uniform(0.55, 0.8)
            for side in involved:
                clinic.add_rom(athlete, day, prof.measure, side, pre, "pre_session", key)
                clinic.add_rom(athlete, day, prof.measure, side, post, "post_session", key)
            if len(involved) == 1:
                clinic.add_rom(athlete, day, prof.measure, 1 - involved[0], 0.0, "pre_session", key)
        if ep.cut is None and ep.return_day < days:
            back = ep.return_day - onset
            left = full_deficit * min(1.0, pain_level[min(back, horizon)] / ep.p0) * (back <= horizon)
            for side in (0, 1):
                clinic.add_rom(
                    athlete, ep.return_day, prof.measure, side, left if side in involved else 0.0, "follow_up", -1
                )
        # screenings during the course see the injured side reduced
        last = min(onset + horizon, stop - 1)
        first_screen = int(np.searchsorted(clinic.screen_days, onset, side="left"))
        end_screen = int(np.searchsorted(clinic.screen_days, last, side="right"))
        for screen in range(first_screen, end_screen):
            deficit = full_deficit * min(1.0, pain_level[clinic.screen_days[screen] - onset] / ep.p0)
            for side in involved:
                cell = clinic.screen_deficit[athlete, screen, prof.measure]
                cell[side] = max(cell[side], deficit)


def _chronic_pain(
    rng: np.random.Generator, roster: _Roster, days: int, checkin: np.ndarray, pain_true: np.ndarray, clinic: _Clinic
) -> None:
    """A few athletes (about 4 %) with persistent low back or groin pain for 3-8 months, treated weekly."""
    if days < 120:
        return
    for a in rng.choice(roster.n, size=max(1, round(0.04 * roster.n)), replace=False):
        region, side = ("lower_back", "central") if rng.random() < 0.6 else ("hip_groin", LIMB[int(rng.integers(2))])
        length = int(rng.integers(100, min(days, 240) + 1))
        first = int(rng.integers(0, days - length + 1))
        span = np.arange(first, first + length)
        level = np.clip(rng.normal(3.0, 0.8, span.size), 1, 6)
        row = pain_true[a, first : first + length]
        np.maximum(row, level, out=row)
        said = span[checkin[a, span] & (rng.random(span.size) < 0.6)]
        clinic.add_pain(int(a), said, region, side, np.rint(level[said - first]))
        for day in span[::7][1:]:
            technique = "trigger_point" if rng.random() < 0.5 else "myofascial_release"
            before = int(np.rint(level[day - first]))
            structure = MAINTENANCE_STRUCTURES[region][int(rng.integers(len(MAINTENANCE_STRUCTURES[region])))]
            clinic.add_session(
                athlete=int(a),
                day=int(day),
                technique=technique,
                region=region,
                side=side,
                minutes=30,
                before=before,
                after=max(0, before - int(rng.integers(1, 3))),
                discomfort=int(rng.integers(3, 7)),
                injury=np.nan,
                notes=f"Persistent pain. {TECHNIQUE_PHRASE[technique].format(structure)}, eased for a day or two",
            )


def _maintenance_sessions(rng: np.random.Generator, roster: _Roster, avail: np.ndarray, clinic: _Clinic) -> None:
    """Preventive soft-tissue work without an injury: about every 2-4 weeks per athlete."""
    n, days = avail.shape
    taken = np.zeros((n, days), dtype=bool)
    taken[np.array(clinic.sessions["athlete"], dtype=np.int64), np.array(clinic.sessions["day"], dtype=np.int64)] = True
    rate = rng.uniform(1 / 28, 1 / 14, n)
    a, d = np.nonzero((rng.random((n, days)) < rate[:, None]) & ~taken)
    regions = np.array(MAINTENANCE_REGIONS, dtype=object)
    own = np.where(roster.thrower, rng.integers(0, 5, n), rng.integers(0, 4, n))
    pick = np.where(rng.random(a.size) < 0.7, own[a], rng.integers(0, 4, a.size))
    region = regions[pick]
    side = np.where(region == "lower_back", "central", np.array(LIMB, dtype=object)[rng.integers(0, 2, a.size)])
    technique = np.array(TECHNIQUE_NAMES, dtype=object)[rng.choice(len(TECHNIQUE_NAMES), a.size, p=TECHNIQUE_P)]
    before = rng.choice([0, 0, 1, 1, 2, 3], a.size)
    after = np.maximum(0, before - rng.integers(0, 2, a.size))
    discomfort = np.clip(np.rint(rng.normal(np.where(technique == "active_release", 5.0, 3.5), 1.3)), 0, 10)
    structure_pick = rng.integers(0, 3, a.size)
    minutes = rng.choice([20, 25, 30], a.size)
    for i in range(a.size):
        structures = MAINTENANCE_STRUCTURES[region[i]]
        text_ = TECHNIQUE_PHRASE[technique[i]].format(structures[structure_pick[i] % len(structures)])
        clinic.add_session(
            athlete=int(a[i]),
            day=int(d[i]),
            technique=technique[i],
            region=region[i],
            side=side[i],
            minutes=int(minutes[i]),
            before=int(before[i]),
            after=int(after[i]),
            discomfort=int(discomfort[i]),
            injury=np.nan,
            notes=f"Maintenance. {text_}, {'no complaints' if before[i] == 0 else 'tight, eased'}",
        )


def _soreness_reports(
    rng: np.random.Generator, load: np.ndarray, checkin: np.ndarray, pain_true: np.ndarray, clinic: _Clinic
) -> None:
    """Occasional low-grade (1-3) non-injury soreness, more often the day after a heavy load."""
    n, days = load.shape
    yesterday = np.c_[np.zeros((n, 1)), load[:, :-1]]
    heavy = yesterday > np.percentile(load, 85)
    a, d = np.nonzero(checkin & (rng.random((n, days)) < 0.025 + 0.05 * heavy))
    region = np.array(SORENESS_REGIONS, dtype=object)[rng.choice(len(SORENESS_REGIONS), a.size, p=SORENESS_P)]
    side = np.where(
        np.isin(region, ("lower_back", "upper_back")),
        "central",
        np.array(LIMB, dtype=object)[rng.integers(0, 2, a.size)],
    )
    pain = rng.choice([1, 1, 2, 2, 3], a.size)
    np.maximum.at(pain_true, (a, d), pain)
    clinic.add_pain(a, d, region, side, pain)


# --------------------------------------------------------------------------- self-reports


def _wellness(
    rng: np.random.Generator,
    cal: _Calendar,
    roster: _Roster,
    checkin: np.ndarray,
    avail: np.ndarray,
    load: np.ndarray,
    played: np.ndarray,
    pain_true: np.ndarray,
) -> pd.DataFrame:
    """Daily check-ins; items 1-5 with 5 best. Soreness falls (worse) after heavy load and with pain."""
    n, days = load.shape
    mean = load.mean(axis=1, keepdims=True)
    sd = load.std(axis=1, keepdims=True) + 1e-9
    z = (load - mean) / sd
    z1 = np.c_[np.zeros((n, 1)), z[:, :-1]]  # yesterday
    z2 = np.c_[np.zeros((n, 2)), z[:, :-2]][:, :days]  # the day before
    match_yesterday = np.c_[np.zeros((n, 1), dtype=bool), played[:, :-1]]
    pain = pain_true
    out = avail == 2
    offset = rng.normal(0, 0.3, (n, 5, 1))

    def item(level: np.ndarray, k: int, sd_: float) -> np.ndarray:
        return np.clip(np.rint(level + offset[:, k] + rng.normal(0, sd_, (n, days))), 1, 5)

    soreness = item(4.2 - 0.75 * z1 - 0.35 * z2 - 0.3 * pain, 2, 0.55)
    fatigue = item(3.9 - 0.5 * z1 - 0.3 * z2 - 0.1 * pain, 0, 0.6)
    sleep_quality = item(3.7 - 0.5 * match_yesterday - 0.05 * pain, 1, 0.7)
    stress = item(3.8 - 0.5 * out - 0.05 * pain, 3, 0.7)
    mood = item(3.9 + 0.3 * (stress - 3.8) - 0.4 * out - 0.1 * pain, 4, 0.6)
    sleep_hours = np.clip(rng.normal(7.6, 0.5, (n, 1)) - 0.6 * match_yesterday + rng.normal(0, 0.7, (n, days)), 3, 11)
    items = (soreness + fatigue + sleep_quality + stress + mood) / 5
    readiness = np.clip(np.rint(2 * items - 0.3 * pain - 0.6 * out + rng.normal(0, 0.8, (n, days))), 0, 10)
    a, d = np.nonzero(checkin)
    return pd.DataFrame(
        {
            "id": np.arange(1, a.size + 1),
            "athlete_id": a + 1,
            "date": cal.dates(d),
            "fatigue": fatigue[a, d].astype(np.int64),
            "sleep_quality": sleep_quality[a, d].astype(np.int64),
            "soreness": soreness[a, d].astype(np.int64),
            "stress": stress[a, d].astype(np.int64),
            "mood": mood[a, d].astype(np.int64),
            "sleep_hours": np.rint(sleep_hours[a, d] * 4) / 4,
            "readiness": readiness[a, d].astype(np.int64),
            "availability": np.array(["full", "modified", "unavailable"], dtype=object)[avail[a, d]],
        }
    )


def _ostrc(rng: np.random.Generator, cal: _Calendar, avail: np.ndarray, pain_true: np.ndarray) -> pd.DataFrame:
    """Weekly OSTRC-O2 answers (scores 0/8/17/25) for each complete Monday-Sunday week, ~92 % answered."""
    n, days = avail.shape
    first = int(np.flatnonzero(cal.weekday == 0)[0]) if (cal.weekday == 0).any() else days
    weeks = max(0, (days - first) // 7)
    span = slice(first, first + 7 * weeks)
    out = (avail[:, span] == 2).reshape(n, weeks, 7).sum(axis=2)
    modified = (avail[:, span] == 1).reshape(n, weeks, 7).sum(axis=2)
    pain = np.rint(pain_true[:, span].reshape(n, weeks, 7).max(axis=2, initial=0))
    q1 = np.select([out >= 4, (out >= 1) | (modified >= 3), (modified >= 1) | (pain >= 2)], [25, 17, 8], 0)
    q2 = np.select([q1 == 25, (out >= 1) | (modified >= 4), (modified >= 1) | (pain >= 4)], [25, 17, 8], 0)
    q3 = np.select([q1 == 25, (pain >= 5) | (out >= 1), (pain >= 3) | (modified >= 1)], [25, 17, 8], 0)
    q4 = np.select([pain >= 7, pain >= 4, pain >= 2], [25, 17, 8], 0)
    a, w = np.nonzero(rng.random((n, weeks)) < 0.92)
    return pd.DataFrame(
        {
            "id": np.arange(1, a.size + 1),
            "athlete_id": a + 1,
            "week_start": cal.dates(first + 7 * w),
            "q1": q1[a, w].astype(np.int64),
            "q2": q2[a, w].astype(np.int64),
            "q3": q3[a, w].astype(np.int64),
            "q4": q4[a, w].astype(np.int64),
        }
    )


# --------------------------------------------------------------------------- return to sport, OSTRC-H2


def _rts_stages(
    rng: np.random.Generator, cal: _Calendar, episodes: list[_Episode], criteria: dict[str, tuple[str, ...]]
) -> pd.DataFrame:
    """The return-to-sport stages of each injury (Ardern et al. 2016), decided by the therapist: a time-loss
    injury starts in rehabilitation at onset, another one in return to participation; return to
    participation when it is back in modified training (`_participation`), return to sport on its return
    date, return to performance 1-3 weeks later. Only the decisions up to the demo's last day are made;
    each names the next stage's expected date (the plan, a day or two off what happened, never before
    the decision), so an injury still open at the end forecasts its way back. Each decision meets every
    item of its stage's checklist (`criteria`); modified training has restrictions in plain words."""
    days = len(cal.day)
    rows: list[dict[str, Any]] = []
    for ep in episodes:
        plan = [("rehabilitation", ep.onset)] if ep.time_loss else [("return_to_participation", ep.onset)]
        if ep.time_loss and _participation(ep) < ep.return_day:
            plan.append(("return_to_participation", _participation(ep)))
        plan.append(("return_to_sport", ep.return_day))
        plan.append(("return_to_performance", ep.return_day + int(rng.integers(7, 22))))
        for (stage, day), following in zip(plan, [*plan[1:], None], strict=True):
            if day >= days:
                break
            expected = None
            if following is not None:
                expected = max(day, following[1] + int(rng.integers(-2, 3)))
            restrictions = {
                "rehabilitation": REHABILITATION_RESTRICTIONS,
                "return_to_participation": RESTRICTIONS[PROFILES[ep.profile].injury_type],
            }.get(stage)
            rows.append(
                {
                    "injury_id": ep.id,
                    "day": day,
                    "stage": stage,
                    "criteria_met": json.dumps(list(criteria.get(stage, ())), ensure_ascii=False),
                    "restrictions": restrictions,
                    "rationale": STAGE_RATIONALE[stage],
                    "expected": expected,
                }
            )
    frame = pd.DataFrame(
        rows, columns=["injury_id", "day", "stage", "criteria_met", "restrictions", "rationale", "expected"]
    )
    expected = frame["expected"].astype("float64")
    known = expected.notna().to_numpy()
    expected_dates = np.full(len(frame), np.datetime64("NaT"), dtype="datetime64[ns]")
    expected_dates[known] = (cal.day[0] + expected[known].to_numpy(dtype=np.int64)).astype("datetime64[ns]")
    return pd.DataFrame(
        {
            "id": np.arange(1, len(frame) + 1),
            "injury_id": frame["injury_id"].to_numpy(dtype=np.int64),
            "date": cal.dates(frame["day"].to_numpy(dtype=np.int64)),
            "stage": frame["stage"].astype(object),
            "decided_by": np.full(len(frame), _account_id("therapist"), dtype=np.int64),
            "decided_role": np.full(len(frame), "therapist", dtype=object),
            "criteria_met": frame["criteria_met"].astype(object),
            "restrictions": frame["restrictions"].astype(object).where(frame["restrictions"].notna(), None),
            "athlete_agreed": np.ones(len(frame), dtype=bool),
            "rationale": frame["rationale"].astype(object),
            "expected_next_date": expected_dates,
        }
    )


#: OSTRC-H2 reports of the last this many days are not yet linked to a health-problem record: the
#: therapist has those to open or link (`data.ostrc_health.unrecorded_substantial`).
UNLINKED_DAYS = 14


def _ostrc_health(cal: _Calendar, ostrc: pd.DataFrame, problems: pd.DataFrame, avail: np.ndarray) -> pd.DataFrame:
    """The OSTRC-H2 follow-ups (Clarsen et al. 2020) of every week an athlete answered with a problem
    (Q1 above 0): one report per health problem open that week (the first one of a type and region or
    system), its four answers following the days out and in modified training that week, its days of
    full time-loss. A report older than `UNLINKED_DAYS` is linked to its problem's record."""
    days = len(cal.day)
    answered = ostrc.loc[ostrc["q1"] > 0, ["athlete_id", "week_start"]]
    weeks = {(int(a), w) for a, w in zip(answered["athlete_id"], answered["week_start"], strict=True)}
    start = pd.Timestamp(cal.day[0])
    rows: list[dict[str, Any]] = []
    for problem in problems.itertuples(index=False):
        onset = (problem.onset_date - start).days
        until = days if pd.isna(problem.return_date) else (problem.return_date - start).days
        monday = onset - int(cal.weekday[onset])
        for first in range(monday, until, 7):
            week = pd.Timestamp(cal.day[0] + first) if first >= 0 else None
            if week is None or (problem.athlete_id, week) not in weeks or first + 7 > days:
                continue
            span = avail[problem.athlete_id - 1, max(first, onset) : min(first + 7, until)]
            out, modified = int((span == 2).sum()), int((span == 1).sum())
            whole = out == 7
            rows.append(
                {
                    "athlete_id": problem.athlete_id,
                    "week_start": week,
                    "problem_type": problem.problem_type,
                    "body_region": problem.body_region,
                    "organ_system": problem.organ_system,
                    "q1": 25 if whole else 17 if out or modified >= 3 else 8,
                    "q2": 25 if whole else 17 if out or modified >= 4 else 8 if modified else 0,
                    "q3": 25 if whole else 17 if out >= 2 else 8 if out or modified else 0,
                    "q4": 25 if whole else 17 if out or modified >= 3 else 8,
                    "days_lost": out,
                    "injury_id": problem.id if first + 7 <= days - UNLINKED_DAYS else None,
                }
            )
    columns = ["athlete_id", "week_start", "problem_type", "body_region", "organ_system", "q1", "q2", "q3", "q4"]
    frame = pd.DataFrame(rows, columns=[*columns, "days_lost", "injury_id"])
    frame = frame.drop_duplicates(["athlete_id", "week_start", "problem_type", "body_region", "organ_system"])
    frame = frame.sort_values(["athlete_id", "week_start"], kind="stable").reset_index(drop=True)
    return pd.DataFrame(
        {
            "id": np.arange(1, len(frame) + 1),
            "athlete_id": frame["athlete_id"].to_numpy(dtype=np.int64),
            "week_start": frame["week_start"].astype("datetime64[ns]"),
            **{c: frame[c].astype(object).where(frame[c].notna(), None) for c in columns[2:5]},
            **{q: frame[q].to_numpy(dtype=np.int64) for q in ("q1", "q2", "q3", "q4", "days_lost")},
            "injury_id": frame["injury_id"].astype("Int64"),
        }
    )


# --------------------------------------------------------------------------- accounts


def _account_id(role: str) -> int:
    return next(i for i, (_, r, _) in enumerate(DEMO_ACCOUNTS, start=1) if r == role)


@cache
def _password_hashes(accounts: tuple[tuple[str, str, str], ...]) -> tuple[str, ...]:
    """argon2id hashes of the demo passwords; salted, so computed once per process and reused."""
    return tuple(hash_password(password) for _, _, password in accounts)


def _demo_athlete(therapy_sessions: pd.DataFrame) -> int:
    """The athlete with the most injury sessions (lowest id on a tie): the demo athlete account."""
    treated = therapy_sessions.loc[therapy_sessions["injury_id"].notna(), "athlete_id"]
    if treated.empty:
        return 1
    counts = treated.value_counts()
    return int(counts[counts == counts.max()].index.min())


def _accounts(roster: _Roster, athlete_id: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    hashes = _password_hashes(tuple(DEMO_ACCOUNTS))
    users = pd.DataFrame(
        {
            "id": np.arange(1, len(DEMO_ACCOUNTS) + 1),
            "username": [u for u, _, _ in DEMO_ACCOUNTS],
            "password_hash": list(hashes),
            "role": [r for _, r, _ in DEMO_ACCOUNTS],
            "athlete_id": pd.array(
                [athlete_id if r == "athlete" else None for _, r, _ in DEMO_ACCOUNTS], dtype="Int64"
            ),
            "active": np.ones(len(DEMO_ACCOUNTS), dtype=bool),
        }
    )
    team_ids = roster.teams["id"].to_numpy()
    staff = [_account_id("coach"), _account_id("therapist")]
    user_teams_ = pd.DataFrame(
        {"user_id": np.repeat(staff, team_ids.size).astype(np.int64), "team_id": np.tile(team_ids, len(staff))}
    )
    return users, user_teams_
