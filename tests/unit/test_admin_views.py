"""The admin's screens as a person reads them: what needs attention on *Overview*, and the audit log as
sentences (`views.overview.attention`, `views.audit`), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine

from data import queries
from data.access import sign_in, viewer
from data.accounts import create_user, set_user_active
from data.record_writes import save_checkin, save_records
from data.roster import create_athlete, create_team
from views.audit import audit_sentences
from views.overview import attention
from views.reader import ScopedReader

TODAY = dt.date(2026, 3, 20)


def test_attention_names_unused_accounts_uncovered_teams_and_silent_athletes(db_engine: Engine) -> None:
    admin = create_user(db_engine, "admin", "harbour-lantern-orbit", "admin")
    alpha = create_team(db_engine, "Alpha FC")
    bravo = create_team(db_engine, "Bravo FC")
    create_user(db_engine, "anna", "maple-river-compass", "therapist", team_ids=[alpha])
    create_user(db_engine, "j.smith", "quiet-falcon-meadow", "coach", team_ids=[alpha, bravo])
    idle = create_user(db_engine, "idle", "silver-tundra-violin", "therapist", team_ids=[bravo])
    set_user_active(db_engine, idle, False, actor_id=admin)
    ida = create_athlete(db_engine, alpha, "Ida Karlsen", "A-1")
    ole = create_athlete(db_engine, alpha, "Ole Berg", "A-2")
    create_athlete(db_engine, bravo, "Per Lie", "B-1")
    items = {"fatigue": 4, "sleep_quality": 4, "soreness": 4, "stress": 4, "mood": 4}
    save_checkin(db_engine, ida, TODAY - dt.timedelta(days=6), items, [])  # within the 7 days
    save_checkin(db_engine, ole, TODAY - dt.timedelta(days=7), items, [])  # one day too old
    assert sign_in(db_engine, "anna", "maple-river-compass").viewer is not None

    reader = ScopedReader(db_engine, viewer(db_engine, admin))
    seen = attention(reader, TODAY)

    assert list(seen.never_signed_in["username"]) == ["admin", "j.smith"], "inactive accounts are not listed"
    assert list(seen.never_signed_in["role"]) == ["Admin", "Coach"]
    assert list(seen.teams_without_therapist["team"]) == ["Bravo FC"], "an inactive therapist looks after nobody"
    assert list(seen.silent_athletes["name"]) == ["Ole Berg", "Per Lie"]
    last = seen.silent_athletes["last_checkin"]
    assert last.iloc[0] == TODAY - dt.timedelta(days=7) and pd.isna(last.iloc[1]), "Per Lie never checked in"
    assert seen.count == 5


def test_audit_entries_read_as_sentences_naming_who_and_for_whom(db_engine: Engine) -> None:
    admin = create_user(db_engine, "admin", "harbour-lantern-orbit", "admin")
    alpha = create_team(db_engine, "Alpha FC", actor_id=admin)
    therapist = create_user(db_engine, "anna", "maple-river-compass", "therapist", team_ids=[alpha])
    ida = create_athlete(db_engine, alpha, "Ida Karlsen", "A-1", actor_id=admin)
    save_records(
        db_engine,
        "therapy_sessions",
        [
            {
                "athlete_id": ida,
                "date": TODAY,
                "technique": "active_release",
                "body_region": "thigh",
                "side": "left",
                "minutes": 20,
            }
        ],
        actor_id=therapist,
    )
    sign_in(db_engine, "anna", "maple-river-compass")
    sign_in(db_engine, "ghost", "wrong")

    entries, _ = queries.audit_log(db_engine, limit=10)
    said = list(audit_sentences(entries)["what"])

    assert said[:2] == ["A sign-in failed", "Therapist anna signed in"]
    assert "Therapist anna saved a therapy session for Ida Karlsen" in said
    assert "Admin admin created the athlete Ida Karlsen" in said
    assert "Admin admin created the team Alpha FC" in said
    assert not any("None" in s or "_" in s for s in said), said


def test_attention_when_nobody_checked_in_lately_lists_every_active_athlete(db_engine: Engine) -> None:
    admin = create_user(db_engine, "admin", "harbour-lantern-orbit", "admin")
    alpha = create_team(db_engine, "Alpha FC")
    create_athlete(db_engine, alpha, "Ida Karlsen", "A-1")
    ole = create_athlete(db_engine, alpha, "Ole Berg", "A-2")
    items = {"fatigue": 4, "sleep_quality": 4, "soreness": 4, "stress": 4, "mood": 4}
    save_checkin(db_engine, ole, TODAY - dt.timedelta(days=60), items, [])  # long before the 28 days looked at
    seen = attention(ScopedReader(db_engine, viewer(db_engine, admin)), TODAY)
    assert list(seen.silent_athletes["name"]) == ["Ida Karlsen", "Ole Berg"]
    assert seen.silent_athletes["last_checkin"].isna().all()


def test_team_trends_count_a_problem_as_the_clinician_classified_it(db_engine: Engine) -> None:
    """Two injuries of different types at different sites: the automatic rule says both are new; the
    clinician says the second follows the first (returned 10 days before), an early recurrence, and *Team
    trends* counts it so (issue 13: the rate analyses use the clinician's choice)."""
    from data import health_problems
    from views.team_trends import team_trends

    create_user(db_engine, "admin", "harbour-lantern-orbit", "admin")
    alpha = create_team(db_engine, "Alpha FC")
    therapist = create_user(db_engine, "anna", "maple-river-compass", "therapist", team_ids=[alpha])
    coach = create_user(db_engine, "j.smith", "quiet-falcon-meadow", "coach", team_ids=[alpha])
    ida = create_athlete(db_engine, alpha, "Ida Karlsen", "A-1")
    first, second = save_records(
        db_engine,
        "injuries",
        [
            {
                "athlete_id": ida,
                "onset_date": dt.date(2026, 1, 5),
                "body_region": "thigh",
                "side": "left",
                "injury_type": "muscle_strain",
                "time_loss": True,
                "return_date": dt.date(2026, 1, 20),
            },
            {
                "athlete_id": ida,
                "onset_date": dt.date(2026, 1, 30),
                "body_region": "knee",
                "side": "left",
                "injury_type": "ligament_sprain",
                "time_loss": True,
            },
        ],
    ).ids
    reader = ScopedReader(db_engine, viewer(db_engine, coach))
    before = team_trends(reader, alpha, dt.date(2026, 1, 1), dt.date(2026, 2, 28)).per_month
    assert before.groupby("category")["injuries"].sum().get("recurrent_early", 0) == 0
    health_problems.set_index_problem(db_engine, viewer(db_engine, therapist), second, first)
    after = team_trends(reader, alpha, dt.date(2026, 1, 1), dt.date(2026, 2, 28)).per_month
    assert after.groupby("category")["injuries"].sum().get("recurrent_early", 0) == 1
