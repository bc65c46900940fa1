"""A team's own flag thresholds (issue 16) on SQLite and PostgreSQL: who may save them, what is refused, the
audit entry, the scoped read, and that every screen's flags then use the athlete's team's rules."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import Engine, func, select

from analytics.flags import FlagRules
from data import access, queries
from data.accounts import create_user
from data.demo import load_demo
from data.errors import ValidationError
from data.flag_rules import athlete_rules, rules_from, save_team_rules, team_rules
from data.models import AuditEntry, FlagRuleSetting
from data.notifications import pain_alert_lines
from views.flags import open_flags_on
from views.reader import ScopedReader

END = dt.date(2026, 3, 31)
PASSWORD = "a-long-test-password"


@pytest.fixture
def org(db_engine: Engine) -> tuple[Engine, dict[str, access.Viewer], dict[int, list[int]]]:
    """A small demo anchored on `END` (two teams), a therapist of the first team only, and a coach of both."""
    load_demo(db_engine, athletes=6, days=60, seed=3, end=END)
    athletes = queries.athletes(db_engine)
    teams = {int(t): sorted(g["athlete_id"].astype(int)) for t, g in athletes.groupby("team_id")}
    first, second = sorted(teams)
    users = queries.users(db_engine)
    ids = dict(zip(users["username"], users["user_id"].astype(int), strict=True))
    ids["therapist-a"] = create_user(db_engine, "therapist-a", PASSWORD, "therapist", team_ids=[first])
    ids["coach-b"] = create_user(db_engine, "coach-b", PASSWORD, "coach", team_ids=[second])
    viewers = {name: access.viewer(db_engine, user_id) for name, user_id in ids.items()}
    return db_engine, viewers, teams  # type: ignore[return-value]


def audit_rows(engine: Engine) -> list[tuple[str, int, str]]:
    with engine.connect() as connection:
        return [
            (r.action, r.record_id, r.detail)
            for r in connection.execute(
                select(AuditEntry.action, AuditEntry.record_id, AuditEntry.detail).where(
                    AuditEntry.table_name == "flag_rules"
                )
            )
        ]


def test_a_therapist_of_the_team_saves_only_changes_audited(org: tuple) -> None:
    engine, viewers, teams = org
    first = sorted(teams)[0]
    saved = save_team_rules(engine, viewers["therapist-a"], first, {"pain_spike_points": 3.0, "persistent_reports": 4})
    assert saved == FlagRules(pain_spike_points=3.0, persistent_reports=4)
    assert team_rules(engine, first) == saved
    with engine.connect() as connection:
        stored = connection.execute(select(FlagRuleSetting.rule, FlagRuleSetting.value)).all()
    assert sorted(stored) == [("pain_spike_points", 3.0), ("persistent_reports", 4.0)]
    (action, record_id, detail), *rest = audit_rows(engine)
    assert not rest and action == "update" and record_id == first
    assert json.loads(detail) == {"pain_spike_points": [2.0, 3.0], "persistent_reports": [5, 4]}
    save_team_rules(engine, viewers["therapist-a"], first, {"pain_spike_points": 3.0, "persistent_reports": 4})
    assert len(audit_rows(engine)) == 1, "saving the same values again writes nothing"
    save_team_rules(engine, viewers["admin"], first, {})  # back to the defaults
    assert team_rules(engine, first) == FlagRules()
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(FlagRuleSetting)) == 0
    assert len(audit_rows(engine)) == 2


@pytest.mark.parametrize("who", ["coach", "athlete", "therapist-a-other-team"])
def test_anyone_else_is_refused(org: tuple, who: str) -> None:
    engine, viewers, teams = org
    first, second = sorted(teams)
    viewer, team = (viewers["therapist-a"], second) if who == "therapist-a-other-team" else (viewers[who], first)
    with pytest.raises(ValidationError, match="may change"):
        save_team_rules(engine, viewer, team, {"pain_spike_points": 3.0})
    assert team_rules(engine, team) == FlagRules() and audit_rows(engine) == []


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"pain_spike_points": 0.5}, "pain_spike_points"),  # below its range
        ({"missing_checkin_days": 2.5}, "missing_checkin_days"),  # not a whole number
        ({"pain_min_baseline": 30, "pain_baseline_days": 14}, "pain_min_baseline"),  # more reports than days
        ({"made_up_rule": 1}, "made_up_rule"),
    ],
)
def test_values_out_of_range_are_refused_naming_the_threshold(org: tuple, values: dict, field: str) -> None:
    engine, viewers, teams = org
    with pytest.raises(ValidationError) as refused:
        save_team_rules(engine, viewers["admin"], sorted(teams)[0], values)
    assert refused.value.field == field


def test_each_viewer_reads_the_rules_of_their_own_teams(org: tuple) -> None:
    engine, viewers, teams = org
    first, second = sorted(teams)
    save_team_rules(engine, viewers["admin"], first, {"wellness_drop_sd": 1.0})
    assert set(ScopedReader(engine, viewers["coach"]).flag_rules()["team_id"]) == {first}
    assert ScopedReader(engine, viewers["coach-b"]).flag_rules().empty
    with engine.connect() as connection:
        assert athlete_rules(connection, teams[first][0]).wellness_drop_sd == 1.0
        assert athlete_rules(connection, teams[second][0]) == FlagRules()
    assert rules_from({"wellness_drop_sd": 1.0, "no_longer_a_rule": 3}) == FlagRules(wellness_drop_sd=1.0)


def test_the_flags_everyone_sees_use_the_athletes_teams_rules(org: tuple) -> None:
    """Team today, Caseload, My recovery and Athlete progress take their flags from `views.flags`: with the
    first team's wellness drop at 0.5 SD its athletes get more wellness-drop flags over three weeks, and the
    second team's flags do not change."""
    engine, viewers, teams = org
    first, second = sorted(teams)
    reader = ScopedReader(engine, viewers["admin"])
    days = [END - dt.timedelta(days=d) for d in range(21)]

    def drops(team: int) -> int:
        return sum(
            int((open_flags_on(reader, tuple(teams[team]), day)["kind"] == "wellness_drop").sum()) for day in days
        )

    before = {team: drops(team) for team in (first, second)}
    everyone_before = sum(len(open_flags_on(reader, None, day)) for day in days[:3])
    save_team_rules(engine, viewers["admin"], first, {"wellness_drop_sd": 0.5})
    after = {team: drops(team) for team in (first, second)}
    assert after[first] > before[first]
    assert after[second] == before[second]
    assert sum(len(open_flags_on(reader, None, day)) for day in days[:3]) >= everyone_before


def test_the_pain_alert_says_the_teams_thresholds() -> None:
    """A check-in's alert names the red flag's rule with the athlete's team's thresholds (`data.notifications`)."""
    default = pain_alert_lines("Ada", [], [("persistent_pain", "thigh", "left")])
    tuned = pain_alert_lines("Ada", [], [("persistent_pain", "thigh", "left")], FlagRules(persistent_reports=4))
    assert "pain of 3/10 or more on 5 reports in a row" in default[1]
    assert "pain of 3/10 or more on 4 reports in a row" in tuned[1]
