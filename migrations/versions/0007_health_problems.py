"""Health problems to the IOC 2020 standard, and the return-to-sport stages

Every injury becomes a health problem of type injury (Bahr et al. 2020). `mechanism` acute/gradual becomes
`onset_mode` sudden/gradual; the consensus's body area is derived from the body region, and tissue and
pathology from the injury type (`analytics.vocabulary.PATHOLOGY_OF_INJURY_TYPE`). Region, side and type
become optional, because an illness has an organ system and a cause instead. New tables: further
diagnoses of a problem, its return-to-sport stages, the club's checklist for each stage (seeded with
defaults), and the health problems reported in the weekly OSTRC-H2.

On SQLite the injuries table is rebuilt (batch mode) with foreign-key enforcement off, which
`data.schema.migrate` arranges; it checks every foreign key before committing.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# The vocabularies as they were when this revision was written (analytics/vocabulary.py may change later;
# a migration must not).

ACTIVITIES = ('training', 'match', 'other_sport', 'outside_sport')
BODY_AREA_OF_REGION = {'head': 'head', 'neck': 'neck', 'shoulder': 'shoulder', 'upper_arm': 'upper_arm', 'elbow': 'elbow', 'forearm': 'forearm', 'wrist': 'wrist', 'hand': 'hand', 'chest': 'chest', 'abdomen': 'abdomen', 'hip_groin': 'hip_groin', 'thigh': 'thigh', 'knee': 'knee', 'ankle': 'ankle', 'foot': 'foot', 'upper_back': 'thoracic_spine', 'lower_back': 'lumbosacral', 'pelvis_sacrum': 'lumbosacral', 'lower_leg_achilles': 'lower_leg'}
BODY_AREAS = ('head', 'neck', 'shoulder', 'upper_arm', 'elbow', 'forearm', 'wrist', 'hand', 'chest', 'thoracic_spine', 'lumbosacral', 'abdomen', 'hip_groin', 'thigh', 'knee', 'lower_leg', 'ankle', 'foot', 'unspecified', 'crossing')
BODY_REGIONS = ('head', 'neck', 'shoulder', 'upper_arm', 'elbow', 'forearm', 'wrist', 'hand', 'chest', 'upper_back', 'lower_back', 'abdomen', 'pelvis_sacrum', 'hip_groin', 'thigh', 'knee', 'lower_leg_achilles', 'ankle', 'foot')
CONTACTS = ('non_contact', 'indirect_athlete', 'indirect_object', 'direct_athlete', 'direct_object')
ILLNESS_CAUSES = ('allergic', 'environmental_exercise', 'environmental_other', 'immunological', 'infection', 'neoplasm', 'metabolic_nutritional', 'thrombotic_haemorrhagic', 'degenerative_chronic', 'developmental', 'drug_poisoning', 'multiple', 'unknown')
ONSET_MODES = ('sudden', 'gradual')
ORGAN_SYSTEMS = ('cardiovascular', 'dermatological', 'dental', 'endocrinological', 'gastrointestinal', 'genitourinary', 'haematological', 'musculoskeletal', 'neurological', 'ophthalmological', 'otological', 'psychiatric', 'respiratory', 'thermoregulatory', 'multiple_systems', 'unknown')
OSTRC_SCORES = (0, 8, 17, 25)
PATHOLOGIES = ('muscle_injury', 'muscle_contusion', 'muscle_compartment_syndrome', 'tendinopathy', 'tendon_rupture', 'brain_spinal_cord_injury', 'peripheral_nerve_injury', 'fracture', 'bone_stress_injury', 'bone_contusion', 'avascular_necrosis', 'physis_injury', 'cartilage_injury', 'arthritis', 'synovitis_capsulitis', 'bursitis', 'joint_sprain', 'chronic_instability', 'superficial_contusion', 'laceration', 'abrasion', 'vascular_trauma', 'stump_injury', 'organ_trauma', 'non_specific')
PATHOLOGY_OF_INJURY_TYPE = {'muscle_strain': ('muscle_tendon', 'muscle_injury'), 'tendinopathy': ('muscle_tendon', 'tendinopathy'), 'ligament_sprain': ('ligament_joint_capsule', 'joint_sprain'), 'contusion': ('muscle_tendon', 'muscle_contusion'), 'joint_cartilage': ('cartilage_synovium_bursa', 'cartilage_injury'), 'bone_stress': ('bone', 'bone_stress_injury'), 'other': ('non_specific', 'non_specific')}
PROBLEM_TYPES = ('injury', 'illness')
ROLES = ('admin', 'coach', 'therapist', 'athlete')
RTS_STAGES = ('rehabilitation', 'return_to_participation', 'return_to_sport', 'return_to_performance')
TISSUES = ('muscle_tendon', 'nervous', 'bone', 'cartilage_synovium_bursa', 'ligament_joint_capsule', 'superficial_tissues_skin', 'vessels', 'stump', 'internal_organs', 'non_specific')

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The checklist each stage starts with; the club edits it (`rts_criteria`).
DEFAULT_CRITERIA: dict[str, tuple[str, ...]] = {
    "return_to_participation": (
        "Pain at most 2 out of 10 in daily activities",
        "Walks and jogs without limping",
        "Range of motion within measurement error of the other side",
    ),
    "return_to_sport": (
        "Pain-free full-speed running and sport-specific drills",
        "Strength at least 90 % of the other side",
        "Completed a full week of modified training without a setback",
        "Athlete feels ready to return",
    ),
    "return_to_performance": (
        "Played a full match without a setback",
        "Performance measures back to the athlete's own pre-injury level",
    ),
}


def _one_of(column: str, values: Sequence[str] | Sequence[int]) -> str:
    listed = ", ".join(f"'{v}'" if isinstance(v, str) else str(v) for v in values)
    return f"{column} IN ({listed})"


def _case(column: str, mapping: dict[str, str]) -> str:
    whens = " ".join(f"WHEN '{key}' THEN '{value}'" for key, value in mapping.items())
    return f"CASE {column} {whens} END"


def upgrade() -> None:
    with op.batch_alter_table("injuries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("problem_type", sa.String(16), server_default="injury", nullable=False))
        batch_op.add_column(sa.Column("onset_mode", sa.String(16), nullable=True))
        batch_op.add_column(sa.Column("contact", sa.String(24), nullable=True))
        batch_op.add_column(sa.Column("activity", sa.String(16), nullable=True))
        batch_op.add_column(sa.Column("training_session_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("body_area", sa.String(24), nullable=True))
        batch_op.add_column(sa.Column("tissue", sa.String(32), nullable=True))
        batch_op.add_column(sa.Column("pathology", sa.String(32), nullable=True))
        batch_op.add_column(sa.Column("organ_system", sa.String(24), nullable=True))
        batch_op.add_column(sa.Column("illness_cause", sa.String(32), nullable=True))
        batch_op.add_column(sa.Column("osiics_code", sa.String(16), nullable=True))
        batch_op.add_column(sa.Column("diagnosis", sa.String(200), nullable=True))
        batch_op.add_column(sa.Column("index_problem_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("index_by_clinician", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.alter_column("body_region", existing_type=sa.String(32), nullable=True)
        batch_op.alter_column("side", existing_type=sa.String(16), nullable=True)
        batch_op.alter_column("injury_type", existing_type=sa.String(32), nullable=True)
        batch_op.create_foreign_key(
            op.f("fk_injuries_training_session_id_training_sessions"),
            "training_sessions",
            ["training_session_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            op.f("fk_injuries_index_problem_id_injuries"), "injuries", ["index_problem_id"], ["id"], ondelete="SET NULL"
        )

    tissue_of_type = {kind: tissue for kind, (tissue, _) in PATHOLOGY_OF_INJURY_TYPE.items()}
    pathology_of_type = {kind: pathology for kind, (_, pathology) in PATHOLOGY_OF_INJURY_TYPE.items()}
    op.execute(
        "UPDATE injuries SET "
        f"onset_mode = {_case('mechanism', {'acute': 'sudden', 'gradual': 'gradual'})}, "
        f"body_area = {_case('body_region', BODY_AREA_OF_REGION)}, "
        f"tissue = {_case('injury_type', tissue_of_type)}, "
        f"pathology = {_case('injury_type', pathology_of_type)}"
    )

    with op.batch_alter_table("injuries", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_injuries_mechanism"), type_="check")
        batch_op.drop_column("mechanism")
        for name, values in (
            ("problem_type", PROBLEM_TYPES),
            ("onset_mode", ONSET_MODES),
            ("contact", CONTACTS),
            ("activity", ACTIVITIES),
            ("body_area", BODY_AREAS),
            ("tissue", TISSUES),
            ("pathology", PATHOLOGIES),
            ("organ_system", ORGAN_SYSTEMS),
            ("illness_cause", ILLNESS_CAUSES),
        ):
            batch_op.create_check_constraint(op.f(f"ck_injuries_{name}"), _one_of(name, values))
        batch_op.create_check_constraint(
            op.f("ck_injuries_injury_fields"),
            "problem_type <> 'injury' OR (body_region IS NOT NULL AND side IS NOT NULL AND injury_type IS NOT NULL)",
        )
        batch_op.create_check_constraint(
            op.f("ck_injuries_illness_fields"),
            "problem_type <> 'illness' OR (body_region IS NULL AND side IS NULL AND injury_type IS NULL "
            "AND tissue IS NULL AND pathology IS NULL AND organ_system IS NOT NULL)",
        )
        batch_op.create_check_constraint(
            op.f("ck_injuries_contact_sudden_injury"),
            "contact IS NULL OR (problem_type = 'injury' AND onset_mode = 'sudden')",
        )

    op.create_table(
        "secondary_diagnoses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("injury_id", sa.Integer(), nullable=False),
        sa.Column("diagnosis", sa.String(200), nullable=False),
        sa.Column("osiics_code", sa.String(16), nullable=True),
        sa.Column("body_area", sa.String(24), nullable=True),
        sa.Column("tissue", sa.String(32), nullable=True),
        sa.Column("pathology", sa.String(32), nullable=True),
        sa.Column("organ_system", sa.String(24), nullable=True),
        sa.Column("illness_cause", sa.String(32), nullable=True),
        sa.CheckConstraint(_one_of("body_area", BODY_AREAS), name=op.f("ck_secondary_diagnoses_body_area")),
        sa.CheckConstraint(_one_of("tissue", TISSUES), name=op.f("ck_secondary_diagnoses_tissue")),
        sa.CheckConstraint(_one_of("pathology", PATHOLOGIES), name=op.f("ck_secondary_diagnoses_pathology")),
        sa.CheckConstraint(_one_of("organ_system", ORGAN_SYSTEMS), name=op.f("ck_secondary_diagnoses_organ_system")),
        sa.CheckConstraint(_one_of("illness_cause", ILLNESS_CAUSES), name=op.f("ck_secondary_diagnoses_illness_cause")),
        sa.ForeignKeyConstraint(
            ["injury_id"], ["injuries.id"], name=op.f("fk_secondary_diagnoses_injury_id_injuries"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_secondary_diagnoses")),
    )
    op.create_index(op.f("ix_secondary_diagnoses_injury_id"), "secondary_diagnoses", ["injury_id"])

    op.create_table(
        "rts_stages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("injury_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("stage", sa.String(32), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_role", sa.String(16), nullable=False),
        sa.Column("criteria_met", sa.Text(), server_default="[]", nullable=False),
        sa.Column("restrictions", sa.Text(), nullable=True),
        sa.Column("athlete_agreed", sa.Boolean(), nullable=True),
        sa.Column("rationale", sa.Text(), nullable=True),
        sa.Column("expected_next_date", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(_one_of("stage", RTS_STAGES), name=op.f("ck_rts_stages_stage")),
        sa.CheckConstraint(_one_of("decided_role", ROLES), name=op.f("ck_rts_stages_decided_role")),
        sa.CheckConstraint(
            "expected_next_date IS NULL OR expected_next_date >= date", name=op.f("ck_rts_stages_expected_after_date")
        ),
        sa.ForeignKeyConstraint(
            ["injury_id"], ["injuries.id"], name=op.f("fk_rts_stages_injury_id_injuries"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"], name=op.f("fk_rts_stages_decided_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rts_stages")),
        sa.UniqueConstraint("injury_id", "date", name="uq_rts_stages_injury_date"),
    )
    op.create_index(op.f("ix_rts_stages_injury_id"), "rts_stages", ["injury_id"])

    criteria = op.create_table(
        "rts_criteria",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(32), nullable=False),
        sa.Column("text", sa.String(200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.CheckConstraint(_one_of("stage", RTS_STAGES), name=op.f("ck_rts_criteria_stage")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rts_criteria")),
    )
    op.bulk_insert(
        criteria,
        [
            {"stage": stage, "text": text, "position": position, "active": True}
            for stage, texts in DEFAULT_CRITERIA.items()
            for position, text in enumerate(texts, start=1)
        ],
    )

    op.create_table(
        "ostrc_health_problems",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("problem_type", sa.String(16), nullable=False),
        sa.Column("body_region", sa.String(32), nullable=True),
        sa.Column("organ_system", sa.String(24), nullable=True),
        *(sa.Column(q, sa.SmallInteger(), nullable=False) for q in ("q1", "q2", "q3", "q4")),
        sa.Column("days_lost", sa.SmallInteger(), nullable=False),
        sa.Column("injury_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(_one_of("problem_type", PROBLEM_TYPES), name=op.f("ck_ostrc_health_problems_problem_type")),
        sa.CheckConstraint(_one_of("body_region", BODY_REGIONS), name=op.f("ck_ostrc_health_problems_body_region")),
        sa.CheckConstraint(_one_of("organ_system", ORGAN_SYSTEMS), name=op.f("ck_ostrc_health_problems_organ_system")),
        *(
            sa.CheckConstraint(_one_of(q, OSTRC_SCORES), name=op.f(f"ck_ostrc_health_problems_{q}"))
            for q in ("q1", "q2", "q3", "q4")
        ),
        sa.CheckConstraint("days_lost BETWEEN 0 AND 7", name=op.f("ck_ostrc_health_problems_days_lost")),
        sa.ForeignKeyConstraint(
            ["athlete_id"], ["athletes.id"], name=op.f("fk_ostrc_health_problems_athlete_id_athletes")
        ),
        sa.ForeignKeyConstraint(
            ["injury_id"],
            ["injuries.id"],
            name=op.f("fk_ostrc_health_problems_injury_id_injuries"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ostrc_health_problems")),
    )
    op.create_index("ix_ostrc_health_problems_athlete_week", "ostrc_health_problems", ["athlete_id", "week_start"])


def downgrade() -> None:
    """Back to injuries only: illnesses and the new tables are dropped (their data cannot be kept in the
    0006 layout); a therapy session that treated an illness stays, without its link; an injury's onset
    mode goes back to its mechanism."""
    op.drop_table("ostrc_health_problems")
    op.drop_table("rts_criteria")
    op.drop_table("rts_stages")
    op.drop_table("secondary_diagnoses")
    op.execute(
        "UPDATE therapy_sessions SET injury_id = NULL "
        "WHERE injury_id IN (SELECT id FROM injuries WHERE problem_type = 'illness')"
    )
    op.execute("DELETE FROM injuries WHERE problem_type = 'illness'")
    with op.batch_alter_table("injuries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mechanism", sa.String(16), nullable=True))
    op.execute(f"UPDATE injuries SET mechanism = {_case('onset_mode', {'sudden': 'acute', 'gradual': 'gradual'})}")
    with op.batch_alter_table("injuries", schema=None) as batch_op:
        for name in (
            "problem_type",
            "onset_mode",
            "contact",
            "activity",
            "body_area",
            "tissue",
            "pathology",
            "organ_system",
            "illness_cause",
            "injury_fields",
            "illness_fields",
            "contact_sudden_injury",
        ):
            batch_op.drop_constraint(op.f(f"ck_injuries_{name}"), type_="check")
        batch_op.drop_constraint(op.f("fk_injuries_training_session_id_training_sessions"), type_="foreignkey")
        batch_op.drop_constraint(op.f("fk_injuries_index_problem_id_injuries"), type_="foreignkey")
        for column in (
            "problem_type",
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
            "index_problem_id",
            "index_by_clinician",
        ):
            batch_op.drop_column(column)
        batch_op.alter_column("body_region", existing_type=sa.String(32), nullable=False)
        batch_op.alter_column("side", existing_type=sa.String(16), nullable=False)
        batch_op.alter_column("injury_type", existing_type=sa.String(32), nullable=False)
        batch_op.create_check_constraint(op.f("ck_injuries_mechanism"), _one_of("mechanism", ("acute", "gradual")))
