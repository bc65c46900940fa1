"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('rom_norms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('joint', sa.String(length=32), nullable=False),
    sa.Column('movement', sa.String(length=48), nullable=False),
    sa.Column('unit', sa.String(length=4), nullable=False),
    sa.Column('normal_value', sa.Float(), nullable=False),
    sa.Column('mdc', sa.Float(), nullable=False),
    sa.Column('method', sa.String(length=32), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.CheckConstraint("unit IN ('deg', 'cm')", name=op.f('ck_rom_norms_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rom_norms')),
    sa.UniqueConstraint('joint', 'movement', name='uq_rom_norms_joint_movement')
    )
    op.create_table('teams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('sport', sa.String(length=60), nullable=False),
    sa.Column('timezone', sa.String(length=60), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teams')),
    sa.UniqueConstraint('name', name=op.f('uq_teams_name'))
    )
    op.create_table('athletes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=False),
    sa.Column('position', sa.String(length=60), nullable=True),
    sa.Column('dominant_side', sa.String(length=8), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint("dominant_side IN ('left', 'right', 'both')", name=op.f('ck_athletes_dominant_side')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_athletes_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_athletes')),
    sa.UniqueConstraint('external_id', name=op.f('uq_athletes_external_id'))
    )
    with op.batch_alter_table('athletes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_athletes_team_id'), ['team_id'], unique=False)

    op.create_table('injuries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('athlete_id', sa.Integer(), nullable=False),
    sa.Column('onset_date', sa.Date(), nullable=False),
    sa.Column('body_region', sa.String(length=32), nullable=False),
    sa.Column('side', sa.String(length=16), nullable=False),
    sa.Column('injury_type', sa.String(length=32), nullable=False),
    sa.Column('mechanism', sa.String(length=16), nullable=True),
    sa.Column('time_loss', sa.Boolean(), nullable=False),
    sa.Column('return_date', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.CheckConstraint("body_region IN ('head', 'neck', 'shoulder', 'upper_arm', 'elbow', 'forearm', 'wrist', 'hand', 'chest', 'upper_back', 'lower_back', 'abdomen', 'pelvis_sacrum', 'hip_groin', 'thigh', 'knee', 'lower_leg_achilles', 'ankle', 'foot')", name=op.f('ck_injuries_body_region')),
    sa.CheckConstraint("injury_type IN ('muscle_strain', 'tendinopathy', 'ligament_sprain', 'contusion', 'joint_cartilage', 'bone_stress', 'other')", name=op.f('ck_injuries_injury_type')),
    sa.CheckConstraint("mechanism IN ('acute', 'gradual')", name=op.f('ck_injuries_mechanism')),
    sa.CheckConstraint("side IN ('left', 'right', 'central', 'bilateral')", name=op.f('ck_injuries_side')),
    sa.CheckConstraint('return_date IS NULL OR return_date >= onset_date', name=op.f('ck_injuries_return_after_onset')),
    sa.ForeignKeyConstraint(['athlete_id'], ['athletes.id'], name=op.f('fk_injuries_athlete_id_athletes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_injuries'))
    )
    with op.batch_alter_table('injuries', schema=None) as batch_op:
        batch_op.create_index('ix_injuries_athlete_date', ['athlete_id', 'onset_date'], unique=False)

    op.create_table('ostrc_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('athlete_id', sa.Integer(), nullable=False),
    sa.Column('week_start', sa.Date(), nullable=False),
    sa.Column('q1', sa.SmallInteger(), nullable=False),
    sa.Column('q2', sa.SmallInteger(), nullable=False),
    sa.Column('q3', sa.SmallInteger(), nullable=False),
    sa.Column('q4', sa.SmallInteger(), nullable=False),
    sa.CheckConstraint('q1 IN (0, 8, 17, 25)', name=op.f('ck_ostrc_responses_q1')),
    sa.CheckConstraint('q2 IN (0, 8, 17, 25)', name=op.f('ck_ostrc_responses_q2')),
    sa.CheckConstraint('q3 IN (0, 8, 17, 25)', name=op.f('ck_ostrc_responses_q3')),
    sa.CheckConstraint('q4 IN (0, 8, 17, 25)', name=op.f('ck_ostrc_responses_q4')),
    sa.ForeignKeyConstraint(['athlete_id'], ['athletes.id'], name=op.f('fk_ostrc_responses_athlete_id_athletes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ostrc_responses')),
    sa.UniqueConstraint('athlete_id', 'week_start', name='uq_ostrc_responses_athlete_week')
    )
    op.create_table('pain_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('athlete_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('body_region', sa.String(length=32), nullable=False),
    sa.Column('side', sa.String(length=16), nullable=False),
    sa.Column('pain', sa.SmallInteger(), nullable=False),
    sa.CheckConstraint("body_region IN ('head', 'neck', 'shoulder', 'upper_arm', 'elbow', 'forearm', 'wrist', 'hand', 'chest', 'upper_back', 'lower_back', 'abdomen', 'pelvis_sacrum', 'hip_groin', 'thigh', 'knee', 'lower_leg_achilles', 'ankle', 'foot')", name=op.f('ck_pain_reports_body_region')),
    sa.CheckConstraint("side IN ('left', 'right', 'central', 'bilateral')", name=op.f('ck_pain_reports_side')),
    sa.CheckConstraint('pain BETWEEN 0 AND 10', name=op.f('ck_pain_reports_pain')),
    sa.ForeignKeyConstraint(['athlete_id'], ['athletes.id'], name=op.f('fk_pain_reports_athlete_id_athletes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pain_reports')),
    sa.UniqueConstraint('athlete_id', 'date', 'body_region', 'side', name='uq_pain_reports_athlete_date_region_side')
    )
    op.create_table('training_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('athlete_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('minutes', sa.SmallInteger(), nullable=False),
    sa.Column('rpe', sa.Float(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.CheckConstraint("kind IN ('training', 'match')", name=op.f('ck_training_sessions_kind')),
    sa.CheckConstraint('minutes > 0', name=op.f('ck_training_sessions_minutes')),
    sa.CheckConstraint('rpe BETWEEN 0 AND 10', name=op.f('ck_training_sessions_rpe')),
    sa.ForeignKeyConstraint(['athlete_id'], ['athletes.id'], name=op.f('fk_training_sessions_athlete_id_athletes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_sessions'))
    )
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_training_sessions_athlete_date', ['athlete_id', 'date'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('athlete_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.CheckConstraint("role <> 'athlete' OR athlete_id IS NOT NULL", name=op.f('ck_users_athlete_linked')),
    sa.CheckConstraint("role IN ('admin', 'coach', 'therapist', 'athlete')", name=op.f('ck_users_role')),
    sa.ForeignKeyConstraint(['athlete_id'], ['athletes.id'], name=op.f('fk_users_athlete_id_athletes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('wellness_checkins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('athlete_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('fatigue', sa.SmallInteger(), nullable=True),
    sa.Column('sleep_quality', sa.SmallInteger(), nullable=True),
    sa.Column('soreness', sa.SmallInteger(), nullable=True),
    sa.Column('stress', sa.SmallInteger(), nullable=True),
    sa.Column('mood', sa.SmallInteger(), nullable=True),
    sa.Column('sleep_hours', sa.Float(), nullable=True),
    sa.Column('readiness', sa.SmallInteger(), nullable=True),
    sa.Column('availability', sa.String(length=16), nullable=True),
    sa.CheckConstraint("availability IN ('full', 'modified', 'unavailable')", name=op.f('ck_wellness_checkins_availability')),
    sa.CheckConstraint('fatigue BETWEEN 1 AND 5', name=op.f('ck_wellness_checkins_fatigue')),
    sa.CheckConstraint('mood BETWEEN 1 AND 5', name=op.f('ck_wellness_checkins_mood')),
    sa.CheckConstraint('readiness BETWEEN 0 AND 10', name=op.f('ck_wellness_checkins_readiness')),
    sa.CheckConstraint('sleep_hours BETWEEN 0 AND 24', name=op.f('ck_wellness_checkins_sleep_hours')),
    sa.CheckConstraint('sleep_quality BETWEEN 1 AND 5', name=op.f('ck_wellness_checkins_sleep_quality')),
    sa.CheckConstraint('soreness BETWEEN 1 AND 5', name=op.f('ck_wellness_checkins_soreness')),
    sa.CheckConstraint('stress BETWEEN 1 AND 5', name=op.f('ck_wellness_checkins_stress')),
    sa.ForeignKeyConstraint(['athlete_id'], ['athletes.id'], name=op.f('fk_wellness_checkins_athlete_id_athletes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wellness_checkins')),
    sa.UniqueConstraint('athlete_id', 'date', name='uq_wellness_checkins_athlete_date')
    )
    op.create_table('audit_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('table_name', sa.String(length=48), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_audit_entries_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries'))
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entries_at'), ['at'], unique=False)

    op.create_table('flag_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('athlete_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('body_region', sa.String(length=32), nullable=False),
    sa.Column('side', sa.String(length=16), nullable=False),
    sa.Column('closed_by', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['athlete_id'], ['athletes.id'], name=op.f('fk_flag_reviews_athlete_id_athletes')),
    sa.ForeignKeyConstraint(['closed_by'], ['users.id'], name=op.f('fk_flag_reviews_closed_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flag_reviews')),
    sa.UniqueConstraint('athlete_id', 'date', 'kind', 'body_region', 'side', name='uq_flag_reviews_flag')
    )
    with op.batch_alter_table('flag_reviews', schema=None) as batch_op:
        batch_op.create_index('ix_flag_reviews_athlete_date', ['athlete_id', 'date'], unique=False)

    op.create_table('therapy_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('athlete_id', sa.Integer(), nullable=False),
    sa.Column('therapist_id', sa.Integer(), nullable=True),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('technique', sa.String(length=32), nullable=False),
    sa.Column('body_region', sa.String(length=32), nullable=False),
    sa.Column('side', sa.String(length=16), nullable=False),
    sa.Column('minutes', sa.SmallInteger(), nullable=False),
    sa.Column('pain_before', sa.SmallInteger(), nullable=True),
    sa.Column('pain_after', sa.SmallInteger(), nullable=True),
    sa.Column('discomfort', sa.SmallInteger(), nullable=True),
    sa.Column('injury_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.CheckConstraint("body_region IN ('head', 'neck', 'shoulder', 'upper_arm', 'elbow', 'forearm', 'wrist', 'hand', 'chest', 'upper_back', 'lower_back', 'abdomen', 'pelvis_sacrum', 'hip_groin', 'thigh', 'knee', 'lower_leg_achilles', 'ankle', 'foot')", name=op.f('ck_therapy_sessions_body_region')),
    sa.CheckConstraint("side IN ('left', 'right', 'central', 'bilateral')", name=op.f('ck_therapy_sessions_side')),
    sa.CheckConstraint("technique IN ('active_release', 'myofascial_release', 'deep_tissue', 'trigger_point', 'instrument_assisted', 'stretching', 'other')", name=op.f('ck_therapy_sessions_technique')),
    sa.CheckConstraint('discomfort BETWEEN 0 AND 10', name=op.f('ck_therapy_sessions_discomfort')),
    sa.CheckConstraint('minutes > 0', name=op.f('ck_therapy_sessions_minutes')),
    sa.CheckConstraint('pain_after BETWEEN 0 AND 10', name=op.f('ck_therapy_sessions_pain_after')),
    sa.CheckConstraint('pain_before BETWEEN 0 AND 10', name=op.f('ck_therapy_sessions_pain_before')),
    sa.ForeignKeyConstraint(['athlete_id'], ['athletes.id'], name=op.f('fk_therapy_sessions_athlete_id_athletes')),
    sa.ForeignKeyConstraint(['injury_id'], ['injuries.id'], name=op.f('fk_therapy_sessions_injury_id_injuries')),
    sa.ForeignKeyConstraint(['therapist_id'], ['users.id'], name=op.f('fk_therapy_sessions_therapist_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_therapy_sessions'))
    )
    with op.batch_alter_table('therapy_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_therapy_sessions_athlete_date', ['athlete_id', 'date'], unique=False)

    op.create_table('user_teams',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_user_teams_team_id_teams'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_teams_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'team_id', name=op.f('pk_user_teams'))
    )
    op.create_table('rom_measurements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('athlete_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('joint', sa.String(length=32), nullable=False),
    sa.Column('movement', sa.String(length=48), nullable=False),
    sa.Column('side', sa.String(length=8), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('unit', sa.String(length=4), nullable=False),
    sa.Column('method', sa.String(length=32), nullable=False),
    sa.Column('context', sa.String(length=16), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('measured_by', sa.Integer(), nullable=True),
    sa.CheckConstraint("(unit = 'deg' AND value BETWEEN -30.0 AND 200.0) OR (unit = 'cm' AND value BETWEEN -40.0 AND 80.0)", name=op.f('ck_rom_measurements_value')),
    sa.CheckConstraint("context IN ('screening', 'baseline', 'pre_session', 'post_session', 'follow_up')", name=op.f('ck_rom_measurements_context')),
    sa.CheckConstraint("side IN ('left', 'right')", name=op.f('ck_rom_measurements_side')),
    sa.CheckConstraint("unit IN ('deg', 'cm')", name=op.f('ck_rom_measurements_unit')),
    sa.ForeignKeyConstraint(['athlete_id'], ['athletes.id'], name=op.f('fk_rom_measurements_athlete_id_athletes')),
    sa.ForeignKeyConstraint(['measured_by'], ['users.id'], name=op.f('fk_rom_measurements_measured_by_users')),
    sa.ForeignKeyConstraint(['session_id'], ['therapy_sessions.id'], name=op.f('fk_rom_measurements_session_id_therapy_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rom_measurements'))
    )
    with op.batch_alter_table('rom_measurements', schema=None) as batch_op:
        batch_op.create_index('ix_rom_measurements_athlete_date', ['athlete_id', 'date'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('rom_measurements', schema=None) as batch_op:
        batch_op.drop_index('ix_rom_measurements_athlete_date')

    op.drop_table('rom_measurements')
    op.drop_table('user_teams')
    with op.batch_alter_table('therapy_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_therapy_sessions_athlete_date')

    op.drop_table('therapy_sessions')
    with op.batch_alter_table('flag_reviews', schema=None) as batch_op:
        batch_op.drop_index('ix_flag_reviews_athlete_date')

    op.drop_table('flag_reviews')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entries_at'))

    op.drop_table('audit_entries')
    op.drop_table('wellness_checkins')
    op.drop_table('users')
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_training_sessions_athlete_date')

    op.drop_table('training_sessions')
    op.drop_table('pain_reports')
    op.drop_table('ostrc_responses')
    with op.batch_alter_table('injuries', schema=None) as batch_op:
        batch_op.drop_index('ix_injuries_athlete_date')

    op.drop_table('injuries')
    with op.batch_alter_table('athletes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_athletes_team_id'))

    op.drop_table('athletes')
    op.drop_table('teams')
    op.drop_table('rom_norms')
