"""The surveillance report (`views.surveillance_report`) and its HTML (`ui.surveillance_report`) on a hand-made
team in SQLite: every number worked out by hand in the test's docstring (Bahr et al. 2020: days lost by
Table 10, incidence and burden per 1000 h, exact Poisson intervals)."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterator

import pandas as pd
import pytest
from sqlalchemy import Engine, insert

from analytics.surveillance import poisson_limits
from data import access
from data.accounts import create_user
from data.db import make_engine
from data.models import Injury, TrainingSession
from data.roster import create_athlete, create_team
from data.schema import upgrade
from ui.surveillance_report import report_file_name, risk_matrix_chart, surveillance_report_html
from views.reader import ScopedReader
from views.surveillance_report import SurveillanceReport, surveillance_report

START, END = dt.date(2026, 3, 1), dt.date(2026, 3, 31)
TEAM = "Nordvik <b>FC</b> & Co"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """One team of two athletes (and one athlete of another team, outside the report) in March 2026.

    Exposure: athlete 1 trains 20 sessions of 90 min (30 h) and plays 4 matches of 90 min (6 h); athlete 2
    trains 20 x 90 min (30 h): 60 h training, 6 h match, 66 h in all.
    Problems (onset in March unless said):
    1. athlete 1, thigh muscle strain in training, Monday 2 March, back Monday 9 March: 6 days (Table 10);
    2. athlete 1, the same thigh strain again in a match on 20 March, still out on 31 March: 21 to 31 March =
       11 days as of the end of the period; automatically an early recurrence of 1 (11 days after its return);
    3. athlete 2, ankle sprain in a match on 10 March, no time loss: 0 days; the clinician linked it to a
       February knee problem (4), which makes it a recurrence although its site differs;
    4. athlete 2, knee sprain on 1 February (before the period: not counted), back 15 February;
    5. athlete 2, respiratory infection on 16 March, back 19 March: 2 days (17 and 18 March);
    6. the other team's athlete: an ankle sprain on 5 March, never in this report.
    """
    path = tmp_path_factory.mktemp("surveillance") / "s.db"
    db = make_engine(f"sqlite:///{path}")
    upgrade(db)
    team = create_team(db, TEAM, "football")
    other = create_team(db, "Other", "football")
    first = create_athlete(db, team, "Ann", "a1")
    second = create_athlete(db, team, "Bea", "a2")
    outsider = create_athlete(db, other, "Cas", "a3")
    create_user(db, "physio", "surveillance-pw", "therapist", team_ids=[team, other])
    create_user(db, "boss", "surveillance-pw", "admin")
    days = [dt.date(2026, 3, 1) + dt.timedelta(days=i) for i in range(20)]
    sessions = [
        {"athlete_id": a, "date": d, "minutes": 90, "rpe": 5.0, "kind": "training"}
        for a in (first, second)
        for d in days
    ]
    sessions += [
        {"athlete_id": first, "date": dt.date(2026, 3, 7 * k), "minutes": 90, "rpe": 7.0, "kind": "match"}
        for k in (1, 2, 3, 4)
    ]
    sessions += [{"athlete_id": outsider, "date": d, "minutes": 600, "rpe": 5.0, "kind": "training"} for d in days]
    injury = {"problem_type": "injury", "onset_mode": "sudden", "time_loss": True, "index_by_clinician": False}
    problems = [
        {
            **injury,
            "id": 1,
            "athlete_id": first,
            "onset_date": dt.date(2026, 3, 2),
            "return_date": dt.date(2026, 3, 9),
            "body_region": "thigh",
            "body_area": "thigh",
            "side": "left",
            "injury_type": "muscle_strain",
            "tissue": "muscle_tendon",
            "pathology": "muscle_injury",
            "activity": "training",
            "notes": "<script>alert(1)</script>",
        },
        {
            **injury,
            "id": 2,
            "athlete_id": first,
            "onset_date": dt.date(2026, 3, 20),
            "return_date": None,
            "body_region": "thigh",
            "body_area": "thigh",
            "side": "left",
            "injury_type": "muscle_strain",
            "tissue": "muscle_tendon",
            "pathology": "muscle_injury",
            "activity": "match",
        },
        {
            **injury,
            "id": 4,
            "athlete_id": second,
            "onset_date": dt.date(2026, 2, 1),
            "return_date": dt.date(2026, 2, 15),
            "body_region": "knee",
            "body_area": "knee",
            "side": "right",
            "injury_type": "ligament_sprain",
            "tissue": "ligament_joint_capsule",
            "pathology": "joint_sprain",
            "activity": "training",
        },
        {
            **injury,
            "id": 3,
            "athlete_id": second,
            "onset_date": dt.date(2026, 3, 10),
            "return_date": dt.date(2026, 3, 10),
            "time_loss": False,
            "body_region": "ankle",
            "body_area": "ankle",
            "side": "right",
            "injury_type": "ligament_sprain",
            "tissue": "ligament_joint_capsule",
            "pathology": "joint_sprain",
            "activity": "match",
            "index_problem_id": 4,
            "index_by_clinician": True,
        },
        {
            "id": 5,
            "athlete_id": second,
            "problem_type": "illness",
            "onset_mode": "sudden",
            "time_loss": True,
            "index_by_clinician": False,
            "onset_date": dt.date(2026, 3, 16),
            "return_date": dt.date(2026, 3, 19),
            "organ_system": "respiratory",
            "illness_cause": "infection",
            "activity": "outside_sport",
        },
        {
            **injury,
            "id": 6,
            "athlete_id": outsider,
            "onset_date": dt.date(2026, 3, 5),
            "return_date": dt.date(2026, 3, 8),
            "body_region": "ankle",
            "body_area": "ankle",
            "side": "left",
            "injury_type": "ligament_sprain",
            "activity": "training",
        },
    ]
    with db.begin() as connection:
        connection.execute(insert(TrainingSession), sessions)
        for problem in problems:
            connection.execute(insert(Injury).values(**problem))
    yield db
    db.dispose()


def reader_of(engine: Engine, username: str) -> ScopedReader:
    users = {"physio": 1, "boss": 2}
    who = access.viewer(engine, users[username])
    assert who is not None and who.username == username
    return ScopedReader(engine, who)


@pytest.fixture(scope="module")
def report(engine: Engine) -> SurveillanceReport:
    team_id = int(reader_of(engine, "physio").teams().set_index("name").loc[TEAM, "team_id"])
    return surveillance_report(reader_of(engine, "physio"), team_id, START, END)


def test_population_exposure_and_problems_of_the_team_and_period(report: SurveillanceReport) -> None:
    """Two athletes, both with exposure and problems; 60 h training, 6 h match, 66 h; problems 1, 3, 2, 5 in
    onset order (4 began in February, 6 is another team's)."""
    assert (report.team, report.athletes, report.athletes_with_exposure, report.athletes_with_problems) == (
        TEAM,
        2,
        2,
        2,
    )
    assert report.exposure.set_index("exposure")["hours"].to_dict() == {"training": 60.0, "match": 6.0, "all": 66.0}
    assert report.exposure.set_index("exposure")["sessions"].to_dict() == {"training": 40, "match": 4, "all": 44}
    assert report.problems["injury_id"].tolist() == [1, 3, 5, 2]
    assert report.problems.set_index("injury_id")["days_lost"].to_dict() == {1: 6.0, 3: 0.0, 5: 2.0, 2: 11.0}
    assert report.problems.set_index("injury_id")["severity"].to_dict() == {
        1: "mild",
        3: "none",
        5: "minimal",
        2: "moderate",
    }
    assert report.clinical


def test_incidence_and_burden_with_their_intervals(report: SurveillanceReport) -> None:
    """Injuries: training 1 (problem 1) / 60 h = 16.67 per 1000 h, 6 days -> burden 100; match 2 (problems 2
    and 3) / 6 h = 333.3, 11 days -> 1833.3; all 3 / 66 h = 45.45, 17 days -> 257.6. Illnesses: the infection
    began outside sport: 0 in training and matches, 1 / 66 h = 15.15 in all, 2 days -> 30.3. Intervals: exact
    Poisson of the cases (days for burden) over the same hours."""
    rates = report.rates.set_index(["problem_type", "exposure"])
    assert rates["cases"].to_dict() == {
        ("injury", "training"): 1,
        ("injury", "match"): 2,
        ("injury", "all"): 3,
        ("illness", "training"): 0,
        ("illness", "match"): 0,
        ("illness", "all"): 1,
    }
    assert rates.loc[("injury", "training"), "incidence"] == pytest.approx(1000 / 60)
    assert rates.loc[("injury", "match"), "burden"] == pytest.approx(11 / 6 * 1000)
    assert rates.loc[("injury", "all"), "incidence"] == pytest.approx(3 / 66 * 1000)
    assert rates.loc[("illness", "all"), "burden"] == pytest.approx(2 / 66 * 1000)
    low, high = poisson_limits(3, 66.0)
    assert rates.loc[("injury", "all"), "incidence_low"] == pytest.approx(low)
    assert rates.loc[("injury", "all"), "incidence_high"] == pytest.approx(high)
    assert rates.loc[("injury", "match"), "hours"] == 6.0


def test_groups_severity_subsequent_problems_and_risk(report: SurveillanceReport) -> None:
    """By body area (injuries): thigh 2, ankle 1; by tissue: muscle/tendon 2, ligament/joint capsule 1; illness
    by organ system: respiratory 1. Subsequent: problem 2 an early recurrence by the rule, problem 3 an early
    recurrence of the February knee by the clinician (onset 10 March, 23 days after its return). Risk matrix:
    thigh 2 cases, 17 days, mean 8.5, burden 17 / 66 h x 1000 = 257.6; ankle 1 case, 0 days."""
    groups = report.by_group
    area = groups[(groups["problem_type"] == "injury") & (groups["grouping"] == "body_area")]
    assert dict(zip(area["value_label"], area["cases"], strict=True)) == {"Thigh": 2, "Ankle": 1}
    tissue = groups[groups["grouping"] == "tissue"]
    assert tissue["cases"].tolist() == [2, 1]
    organ = groups[groups["grouping"] == "organ_system"]
    assert organ["cases"].tolist() == [1]
    assert set(groups["grouping"]) == {"body_area", "tissue", "onset_mode", "activity", "organ_system", "illness_cause"}
    sub = report.subsequent.set_index(["problem_type", "category", "classified_by"])["problems"].to_dict()
    assert sub == {
        ("illness", "new", "automatic"): 1,
        ("injury", "new", "automatic"): 1,
        ("injury", "recurrent_early", "automatic"): 1,
        ("injury", "recurrent_early", "clinician"): 1,
    }
    severity = report.severity.set_index(["problem_type", "severity"])["problems"]
    assert severity[("injury", "mild")] == 1 and severity[("injury", "moderate")] == 1
    assert severity[("injury", "none")] == 1 and severity[("illness", "minimal")] == 1
    risk = report.risk[report.risk["problem_type"] == "injury"].set_index("value")
    assert risk.loc["thigh", "mean_severity"] == pytest.approx(8.5)
    assert risk.loc["thigh", "burden"] == pytest.approx(17 / 66 * 1000)
    assert risk.index.tolist() == ["thigh", "ankle"]


def test_every_team_in_scope_and_an_admin(engine: Engine) -> None:
    """All teams: the other team's athlete and problem 6 join; an admin sees the same as the therapist."""
    every = surveillance_report(reader_of(engine, "physio"), None, START, END)
    assert (every.team, every.athletes) == ("All teams", 3)
    assert sorted(every.problems["injury_id"]) == [1, 2, 3, 5, 6]
    boss = surveillance_report(reader_of(engine, "boss"), None, START, END)
    pd.testing.assert_frame_equal(boss.rates, every.rates)


def test_an_empty_period_still_reports(engine: Engine) -> None:
    quiet = surveillance_report(reader_of(engine, "physio"), None, dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    assert quiet.problems.empty and quiet.by_group.empty and quiet.risk.empty
    assert quiet.rates["cases"].tolist() == [0] * 6
    page = surveillance_report_html(quiet, generated=dt.datetime(2026, 4, 1, 8, 0))
    assert "No health problems began in this period." in page


def test_the_html_report_states_definitions_counts_and_escapes_text(report: SurveillanceReport) -> None:
    """A complete document with the STROBE-SIIS items: population, period, definitions, exposure, rates with
    intervals, groups, risk matrix; the team's name escaped, no clinical note, no code name."""
    page = surveillance_report_html(report, generated=dt.datetime(2026, 4, 1, 8, 0))
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert html.escape(TEAM) in page and TEAM not in page
    assert "<script>alert(1)</script>" not in page
    for heading in (
        "Population, period and data",
        "Exposure",
        "Incidence and burden",
        "Severity",
        "By body area, tissue, mode of onset and activity",
        "Risk matrix",
        "Subsequent problems",
        "Days lost",
        "exact Poisson",
    ):
        assert heading in page, heading
    assert "Generated 2026-04-01 08:00" in page
    assert "45.45" in page  # injuries, all exposure: 3 / 66 h x 1000
    for code in ("muscle_tendon", "recurrent_early", "body_area", "outside_sport"):
        assert f">{code}<" not in page
    assert report_file_name(TEAM, dt.date(2026, 4, 1)) == "surveillance-Nordvik-b-FC-b-Co-2026-04-01.html"


def test_the_risk_matrix_chart_plots_one_point_per_group(report: SurveillanceReport) -> None:
    fig = risk_matrix_chart(report.risk, "injury")
    points = [trace for trace in fig.data if trace.mode == "markers+text"]
    assert len(points) == 1
    assert list(points[0].text) == ["Thigh", "Ankle"]
    assert list(points[0].y) == pytest.approx([8.5, 0.0])
