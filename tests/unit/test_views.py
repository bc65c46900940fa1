"""Unit tests of the views' words and screens: the flags in words (`views.flags`), the caseload's table
text (`views.caseload`), the symmetry table (`views.athlete_progress`) and the athlete's plain sentences
(`views.sentences`); and every screen's view built with a `ScopedReader` on a small demo (no Streamlit).

Every expected sentence is worked out by hand in the test's docstring.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter

import pandas as pd
import pytest

from analytics import caseload as C
from analytics import schemas as S
from analytics import validation
from analytics.rom import rom_status, rom_symmetry
from data import access, queries
from data.db import make_engine
from data.demo import load_demo
from data.schema import upgrade
from tests import factories
from views import athlete_progress, sentences
from views import caseload as caseload_view
from views import flags as flags_view
from views.directory import teams_directory, users_directory
from views.my_recovery import MyRecovery, my_recovery
from views.overview import recent_checkins
from views.progress_report import ProgressReport, progress_report
from views.reader import ScopedReader
from views.team_today import TeamToday, team_today
from views.team_trends import AthleteLoad, TeamTrends, athlete_load, team_trends

D = pd.Timestamp
AS_OF = D("2025-10-20")


def pain(rows: list[tuple]) -> pd.DataFrame:
    return factories.pain_reports(rows)


def injuries(rows: list[tuple]) -> pd.DataFrame:
    return factories.injuries(rows)


def sessions(rows: list[tuple]) -> pd.DataFrame:
    return factories.therapy_sessions(rows)


def rom(rows: list[tuple]) -> pd.DataFrame:
    return factories.rom_measurements(rows)


def flags(rows: list[tuple]) -> pd.DataFrame:
    """Flags from (athlete_id, date, kind, body_region, side) rows, with a rule and values text, no measure."""
    frame = pd.DataFrame(rows, columns=["athlete_id", "date", "kind", "body_region", "side"])
    return frame.assign(
        date=pd.to_datetime(frame["date"]),
        rule="the rule",
        values=frame["kind"] + " values",
        baseline_n=pd.array([pd.NA] * len(frame), dtype="Int64"),
        measure="",
    )[["athlete_id", "date", "kind", "rule", "values", "baseline_n", "body_region", "side", "measure"]]


# --------------------------------------------------------------------------- flags in words (views.flags)


def test_flag_severity_and_description_put_red_first_then_newest():
    """Pain/injury flags are red, the others amber; red first, then newest; ROM flags name the measure."""
    f = flags(
        [
            (1, "2025-10-20", "missing_checkin", None, None),
            (1, "2025-10-18", "persistent_pain", "thigh", "left"),
            (2, "2025-10-03", "rom_asymmetry", "hip_groin", "right"),
            (2, "2025-10-20", "ostrc_substantial", None, None),
        ]
    )
    f.loc[2, "measure"] = "hip/internal_rotation"
    out = flags_view.describe_flags(f)
    assert list(out["kind"]) == ["ostrc_substantial", "persistent_pain", "missing_checkin", "rom_asymmetry"]
    assert list(out["severity"]) == ["red", "red", "amber", "amber"]
    assert out.loc[1, "where"] == "left thigh" and out.loc[1, "label"] == "Persistent pain"
    assert out.loc[3, "where"] == "hip internal rotation"
    assert out.loc[2, "where"] == ""


def test_athlete_flag_messages_are_friendly_and_keep_the_rule():
    """A persistent-pain flag of the left thigh reads as a sentence to the athlete; rule and values are kept."""
    out = flags_view.athlete_flag_messages(
        flags([(1, "2025-10-18", "persistent_pain", "thigh", "left"), (1, "2025-10-20", "missing_checkin", None, None)])
    )
    assert list(out["message"]) == [
        "Your left thigh has hurt on several reports in a row.",
        "We have not had a check-in from you for a few days.",
    ]
    assert (out["rule"] == "the rule").all()
    assert flags_view.athlete_flag_messages(flags([])).empty


def test_describe_flags_keeps_the_order_of_ties_and_leaves_the_input_alone():
    """Two red flags of athlete 3 on the same day and kind keep their input order (a stable sort); the same
    day's red flag of athlete 2 comes first (athlete ascending), then the amber one; the input is not changed."""
    f = flags(
        [
            (3, "2025-10-20", "pain_spike", "knee", "right"),
            (3, "2025-10-20", "pain_spike", "knee", "left"),
            (2, "2025-10-20", "wellness_drop", None, None),
            (2, "2025-10-20", "pain_spike", "lower_back", "central"),
        ]
    )
    before = f.copy()
    out = flags_view.describe_flags(f)
    assert list(out["where"]) == ["lower back", "right knee", "left knee", ""]
    assert list(out["label"]) == ["Pain spike", "Pain spike", "Pain spike", "Wellness drop"]
    assert list(out.index) == [0, 1, 2, 3]
    pd.testing.assert_frame_equal(f, before)
    empty = flags_view.describe_flags(flags([]))
    assert empty.empty and list(empty.columns) == [*f.columns, "severity", "label", "where"]


# --------------------------------------------------------------------------- the caseload's table text


def test_caseload_board_writes_each_athletes_row_in_words():
    """as_of 20 Oct (the worked example of tests/unit/test_caseload.py, in words):

    - Ada: a red pain spike (left thigh); left thigh 6 on 20 Oct only -> "↑ new", "6/10 left thigh · 20 Oct";
      her last session (id 12, active release) 5 days ago -> "15 Oct · active release (5 d)".
    - Ben: open right knee strain since 10 Oct -> "right knee strain (10 d)"; one amber flag; never treated.
    - Cai: chronic left thigh; Dee: no region named -> pain "—"; Eve: a ROM flag of the left hip with no
      hip report -> "none reported".
    """
    people = factories.athletes(
        [(1, "Ada"), (2, "Ben"), (3, "Cai"), (4, "Dee"), (5, "Eve")], ("athlete_id", "display_name")
    )
    inj = injuries([(1, 2, "2025-10-10", "knee", "right", None), (2, 3, "2025-10-01", "thigh", "left", None)])
    open_flags = flags_view.describe_flags(
        flags(
            [
                (1, "2025-10-20", "pain_spike", "thigh", "left"),
                (2, "2025-10-20", "missing_checkin", None, None),
                (4, "2025-10-20", "wellness_drop", None, None),
                (5, "2025-10-03", "rom_asymmetry", "hip_groin", "left"),
            ]
        )
    )
    p = pain(
        [
            (1, "2025-10-20", "thigh", "left", 6),
            (2, "2025-10-12", "knee", "right", 2),
            (2, "2025-10-19", "knee", "right", 3),
            (3, "2025-10-12", "thigh", "left", 7),
            (3, "2025-10-19", "thigh", "left", 7),
        ]
    )
    s = sessions(
        [
            (11, 1, "2025-10-15", "myofascial_release", "thigh", "left", 5, 3),
            (12, 1, "2025-10-15", "active_release", "thigh", "left", 4, 2),
            (14, 5, "2025-10-10", "stretching", "hip_groin", "left", 1, 0),
        ]
    )
    chronic = pd.DataFrame({"athlete_id": [3], "body_region": ["thigh"], "side": ["left"], "chronic": [True]})
    numbers = C.caseload(people, inj, open_flags, p, s, chronic, AS_OF)
    out = caseload_view.caseload_board(numbers, inj, open_flags, chronic, AS_OF.date()).set_index("display_name")
    assert out.loc["Ada", "flags_text"] == "1 red" and out.loc["Ben", "flags_text"] == "1 amber"
    assert out.loc["Ada", "flag_kinds"] == "Pain spike" and out.loc["Ben", "flag_kinds"] == "No check-in"
    assert out.loc["Ada", "arrow"] == "↑ new" and out.loc["Ada", "pain_text"] == "6/10 left thigh · 20 Oct"
    assert out.loc["Ada", "session_text"] == "15 Oct · active release (5 d)"
    assert out.loc["Ben", "open_injuries"] == "right knee strain (10 d)" and out.loc["Ben", "arrow"] == "↑ worse"
    assert out.loc["Ben", "session_text"] == "none on record"
    assert out.loc["Cai", "chronic_where"] == "left thigh" and out.loc["Ben", "chronic_where"] == ""
    assert out.loc["Dee", "pain_text"] == "—" and out.loc["Eve", "pain_text"] == "none reported"
    assert out.loc["Eve", "session_text"] == "10 Oct · stretching (10 d)"


def test_rom_sentences_state_real_change_and_symmetry_in_plain_words():
    """Right hip IR: baseline 40 on 3 October 2024, 52 on 10 November (+12 > 5) -> "up 12°";
    left 54.5 -> 56.5 (+2, within error). Same-day pair 10 November: right 52 is the smaller side
    -> LSI 52 / 56.5 x 100 = 92.04 -> "92 %". Knee flexion measured once. Lunge down 2.0 cm."""
    frame = rom(
        [
            (1, "2024-10-03", "hip", "internal_rotation", "right", 40.0, "deg", "baseline"),
            (1, "2024-10-03", "hip", "internal_rotation", "left", 54.5, "deg", "baseline"),
            (1, "2024-11-10", "hip", "internal_rotation", "right", 52.0, "deg", "follow_up"),
            (1, "2024-11-10", "hip", "internal_rotation", "left", 56.5, "deg", "follow_up"),
            (1, "2024-11-10", "knee", "flexion", "left", 128.0, "deg", "screening"),
            (1, "2023-12-01", "ankle", "dorsiflexion_lunge", "left", 12.0, "cm", "screening"),
            (1, "2024-11-10", "ankle", "dorsiflexion_lunge", "left", 10.0, "cm", "screening"),
        ]
    )
    said = sentences.rom_sentences(rom_status(frame), rom_symmetry(frame))
    assert said == [
        "Left ankle dorsiflexion (knee-to-wall lunge) is down 2.0 cm since 1 December 2023.",
        "Left hip internal rotation is unchanged since 3 October (+2°, within measurement error).",
        "Right hip internal rotation is up 12° since 3 October and is now 92 % of your left side.",
        "Left knee flexion was measured at 128° on 10 November.",
    ]
    assert sentences.rom_sentences(rom_status(frame).iloc[:0]) == []


def test_rom_sentences_ordered_puts_real_changes_then_asymmetries_first():
    """Knee flexion +2 deg (within error) comes last; hip IR right +8 deg (real) first; the ankle lunge
    (left 8 cm vs right 11 cm: |3| > 1.5 cm and > 1.1 cm: asymmetric, unchanged) second."""
    r = rom(
        [
            (1, "2025-09-01", "knee", "flexion", "left", 130, "deg", "screening"),
            (1, "2025-10-01", "knee", "flexion", "left", 132, "deg", "screening"),
            (1, "2025-09-01", "hip", "internal_rotation", "right", 30, "deg", "screening"),
            (1, "2025-10-01", "hip", "internal_rotation", "right", 38, "deg", "screening"),
            (1, "2025-10-01", "ankle", "dorsiflexion_lunge", "left", 8, "cm", "screening"),
            (1, "2025-10-01", "ankle", "dorsiflexion_lunge", "right", 11, "cm", "screening"),
        ]
    )
    said = sentences.rom_sentences_ordered(rom_status(r), rom_symmetry(r))
    assert said[0] == "Right hip internal rotation is up 8° since 1 September."
    assert said[1].startswith("Left ankle dorsiflexion (knee-to-wall lunge) was measured at 8.0 cm")
    assert said[-1].startswith("Left knee flexion is unchanged since 1 September (+2°")


def test_symmetry_table_says_why_a_side_is_involved():
    """Hip IR with a right hip injury: involved right because injured; knee without injury: the smaller side."""
    r = rom(
        [
            (1, "2025-10-01", "hip", "internal_rotation", "left", 40, "deg", "screening"),
            (1, "2025-10-01", "hip", "internal_rotation", "right", 30, "deg", "screening"),
            (1, "2025-10-01", "knee", "flexion", "left", 130, "deg", "screening"),
            (1, "2025-10-01", "knee", "flexion", "right", 135, "deg", "screening"),
        ]
    )
    inj = injuries([(9, 1, "2025-09-20", "hip_groin", "right", None)])
    out = athlete_progress.symmetry_table(rom_symmetry(r, inj)).set_index("joint")
    assert out.loc["hip", "why"] == "injured side (#9)" and out.loc["hip", "measure"] == "Hip internal rotation (°)"
    assert out.loc["knee", "why"] == "smaller value" and out.loc["knee", "involved_side"] == "left"


# --------------------------------------------------------------------------- plain sentences


def test_pain_sentences_say_down_up_or_about_the_same():
    """Window 3-20 Oct (the 9 on 1 Oct is before it; the foot's 0 is no pain):

    - left thigh 6 (3 Oct) -> 2 (20 Oct): -4 points and -67 %: "down", latest report is as_of: no date added;
    - right knee 3 (5 Oct) -> 5 (18 Oct): +2: "up", latest not today: "(last reported 18 October)";
    - lower back 10 -> 8: -2 points but only -20 % (< 30 %): "about the same", with both dates;
    - right ankle: one report. Worst latest pain first: back 8, knee 5, ankle 3, thigh 2.
    """
    p = pain(
        [
            (1, "2025-10-01", "thigh", "left", 9),
            (1, "2025-10-03", "thigh", "left", 6),
            (1, "2025-10-10", "thigh", "left", 4),
            (1, "2025-10-20", "thigh", "left", 2),
            (1, "2025-10-05", "knee", "right", 3),
            (1, "2025-10-18", "knee", "right", 5),
            (1, "2025-10-06", "lower_back", "central", 10),
            (1, "2025-10-19", "lower_back", "central", 8),
            (1, "2025-10-12", "ankle", "right", 3),
            (1, "2025-10-12", "foot", "left", 0),
        ]
    )
    assert sentences.pain_sentences(p, AS_OF, start="2025-10-03") == [
        "Your lower back pain is about the same (10 on 6 October, 8 on 19 October).",
        "Your right knee pain is up from 3 to 5 since 5 October (last reported 18 October).",
        "You reported right ankle pain of 3 on 12 October.",
        "Your left thigh pain is down from 6 to 2 since 3 October.",
    ]
    assert sentences.pain_sentences(p, AS_OF, days=3) == [  # 18-20 Oct: one report each
        "You reported lower back pain of 8 on 19 October.",
        "You reported right knee pain of 5 on 18 October.",
        "You reported left thigh pain of 2 on 20 October.",
    ]
    assert sentences.pain_sentences(pain([]), AS_OF) == []


def test_week_changes_compare_this_week_with_the_week_before():
    """This week 14-20 Oct, the week before 7-13 Oct.

    Check-ins: 14-19 Oct (6 days) vs 8 and 9 Oct (2). Left thigh 5, 3 -> 4.0 before; 2, 1 -> 1.5 now:
    -2.5 -> down. Right knee only now (3). Left ankle only before (2). Sessions this week: 16 Oct active
    release (4 -> 2), 18 Oct stretching without pain scores; the 10 Oct session is last week's.
    """
    p = pain(
        [
            (1, "2025-10-08", "thigh", "left", 5),
            (1, "2025-10-10", "thigh", "left", 3),
            (1, "2025-10-15", "thigh", "left", 2),
            (1, "2025-10-19", "thigh", "left", 1),
            (1, "2025-10-18", "knee", "right", 3),
            (1, "2025-10-09", "ankle", "left", 2),
        ]
    )
    checkins = pd.DataFrame(
        {
            "athlete_id": 1,
            "date": pd.to_datetime(["2025-10-08", "2025-10-09"] + [f"2025-10-{d}" for d in range(14, 20)]),
        }
    )
    s = sessions(
        [
            (1, 1, "2025-10-10", "active_release", "thigh", "left", 6, 4),
            (2, 1, "2025-10-16", "active_release", "thigh", "left", 4, 2),
            (3, 1, "2025-10-18", "stretching", "knee", "right", None, None),
        ]
    )
    assert sentences.week_changes(p, checkins, s, AS_OF) == [
        "You checked in on 6 of the last 7 days (2 of 7 the week before).",
        "New this week: right knee pain (average 3.0).",
        "Left thigh pain averaged 1.5 this week, down from 4.0 the week before.",
        "No left ankle pain reported this week (it averaged 2.0 the week before).",
        "2 treatment sessions this week: 16 October: active release, left thigh (pain 4 → 2); "
        "18 October: stretching, right knee.",
    ]
    assert sentences.week_changes(pain([]), checkins.head(0), s.head(0), AS_OF) == [
        "You checked in on 0 of the last 7 days (0 of 7 the week before).",
        "No pain reported this week or the week before.",
        "No treatment sessions this week.",
    ]
    assert sentences.week_window(AS_OF) == (D("2025-10-14").date(), D("2025-10-20").date())


@pytest.mark.parametrize(
    ("first", "last", "said"),
    [(6, 4, "down"), (10, 8, "about the same"), (2, 0, "down"), (3, 5, "up"), (3, 4, "about the same")],
)
def test_direction_words_follow_farrar(first: int, last: int, said: str):
    """down: fall >= 2 points and >= 30 % (6 -> 4: 33 %; 10 -> 8: only 20 %); up: rise >= 2 points."""
    assert sentences._direction_words(first, last) == said


# --------------------------------------------------------------------------- every screen with a ScopedReader


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, dict[str, access.Viewer], dt.date]:
    """A small demo; each role's Viewer; its newest data day."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('views') / 'demo.db'}")
    upgrade(engine)
    end = dt.date(2026, 3, 31)
    load_demo(engine, athletes=6, days=120, seed=5, end=end)
    users = queries.users(engine)
    viewers = {}
    for role in ("admin", "coach", "therapist", "athlete"):
        viewer = access.viewer(engine, int(users.loc[users["username"] == role, "user_id"].iloc[0]))
        assert viewer is not None
        viewers[role] = viewer
    yield engine, viewers, end
    engine.dispose()


def frames_of(view: object) -> dict[str, pd.DataFrame]:
    return {
        f.name: getattr(view, f.name)
        for f in dataclasses.fields(view)
        if isinstance(getattr(view, f.name), pd.DataFrame)
    }


def test_every_screen_view_builds_from_a_scoped_reader(demo: tuple[object, dict[str, access.Viewer], dt.date]) -> None:
    engine, viewers, day = demo
    start = day - dt.timedelta(days=89)
    coach = ScopedReader(engine, viewers["coach"])
    assert isinstance(team_today(coach, None, day), TeamToday)
    assert isinstance(team_trends(coach, None, start, day), TeamTrends)
    athlete_id = int(coach.athletes()["athlete_id"].iloc[0])
    load = athlete_load(coach, athlete_id, start, day, "ewma")
    assert isinstance(load, AthleteLoad) and not load.load.empty

    therapist = ScopedReader(engine, viewers["therapist"])
    seen = caseload_view.caseload(therapist)
    assert seen.day == day and set(seen.flags["athlete_id"]) <= set(seen.board["athlete_id"])
    assert {"flags_text", "pain_text", "session_text", "arrow"} <= set(seen.board.columns)
    report = progress_report(therapist, athlete_id, start, day)
    assert isinstance(report, ProgressReport) and report.progress.athlete_id == athlete_id
    assert report.progress.newest_day == day and (report.start, report.end) == (start, day)

    me = ScopedReader(engine, viewers["athlete"])
    mine = my_recovery(me, start, day)
    assert isinstance(mine, MyRecovery) and mine.week and mine.week_window[1] == day
    assert "message" in mine.flags.columns


def test_the_admin_views_build_from_a_scoped_reader(demo: tuple[object, dict[str, access.Viewer], dt.date]) -> None:
    engine, viewers, day = demo
    admin = ScopedReader(engine, viewers["admin"])
    recent = recent_checkins(admin, days=7)
    assert list(recent["date"]) == [day - dt.timedelta(days=k) for k in range(7)]
    users = users_directory(admin).set_index("username")
    assert users.loc["admin", "teams"] == "every team" and users.loc["athlete", "athlete"] != ""
    teams = teams_directory(admin)
    assert teams["athletes"].sum() == len(admin.athletes().query("active"))
    coach = users_directory(ScopedReader(engine, viewers["coach"]))
    assert list(coach["username"]) == ["coach"]  # only their own row


def test_views_are_frozen(demo: tuple[object, dict[str, access.Viewer], dt.date]) -> None:
    engine, viewers, day = demo
    view = team_today(ScopedReader(engine, viewers["coach"]), None, day)
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.day = day  # type: ignore[misc]
    assert frames_of(view)


def test_a_view_outside_the_scope_reads_nothing(demo: tuple[object, dict[str, access.Viewer], dt.date]) -> None:
    """The athlete's reader asked for another athlete's progress gets no rows of theirs."""
    engine, viewers, day = demo
    me = ScopedReader(engine, viewers["athlete"])
    everyone = ScopedReader(engine, viewers["therapist"]).athletes()["athlete_id"].astype(int)
    other = int(everyone[everyone != viewers["athlete"].athlete_id].iloc[0])
    view = athlete_progress.athlete_progress(me, other, day - dt.timedelta(days=89), day)
    assert view.athlete_name == "This athlete"
    assert all(frame.empty for frame in (view.shown_reports, view.sessions, view.injuries, view.history, view.flags))


# --------------------------------------------------------------------------- each frame checked once per view

#: The model each table read is checked against where a view hands it to analytics.
READ_MODELS = {
    "athletes": S.Athletes,
    "pain": S.PainReports,
    "checkins": S.WellnessCheckins,
    "rom": S.RomMeasurements,
    "therapy": S.TherapySessions,
    "injuries": S.Injuries,
    "ostrc": S.OstrcResponses,
    "norms": S.RomNorms,
}


class CountingReader:
    """A reader that counts its reads per table (`reads`), reading through `reader`."""

    def __init__(self, reader: ScopedReader) -> None:
        self.reader = reader
        self.reads: Counter[str] = Counter()

    def __getattr__(self, name: str) -> object:
        read = getattr(self.reader, name)
        if name not in READ_MODELS:
            return read

        def counted(*args: object, **kwargs: object) -> object:
            self.reads[name] += 1
            return read(*args, **kwargs)

        return counted


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> Counter[type]:
    """How many times each model checks a frame (`analytics.validation.checked` reads the model's rules
    once per real check; a `CheckedFrame` handed back is not checked again)."""
    counted: Counter[type] = Counter()
    rules = validation._model_rules

    def counting(model: type, names: tuple[str, ...] | None) -> object:
        counted[model] += 1
        return rules(model, names)

    monkeypatch.setattr(validation, "_model_rules", counting)
    return counted


@pytest.mark.parametrize("screen", ["athlete_progress", "caseload", "my_recovery"])
def test_each_frame_a_view_reads_is_checked_once(
    demo: tuple[object, dict[str, access.Viewer], dt.date], checks: Counter[type], screen: str
) -> None:
    """Each table a view reads is checked at most once, where it crosses into analytics, however many
    analytics calls read it (the athlete page hands its pain reports to six); a read no analytics
    function takes (the sessions listed as they are) is not checked."""
    engine, viewers, day = demo
    start = day - dt.timedelta(days=89)
    if screen == "my_recovery":
        reader = CountingReader(ScopedReader(engine, viewers["athlete"]))
        my_recovery(reader, start, day)  # type: ignore[arg-type]
    else:
        reader = CountingReader(ScopedReader(engine, viewers["therapist"]))
        if screen == "caseload":
            caseload_view.caseload(reader)  # type: ignore[arg-type]
        else:
            athlete_id = int(reader.athletes()["athlete_id"].iloc[0])
            reader.reads.clear()
            athlete_progress.athlete_progress(reader, athlete_id, start, day)  # type: ignore[arg-type]
    assert reader.reads  # the view read something
    checked_more_than_read = {
        table: (checks[model], reader.reads[table])
        for table, model in READ_MODELS.items()
        if checks[model] > reader.reads[table]
    }
    assert not checked_more_than_read  # table: (checks, reads)
    assert checks[S.PainReports] == reader.reads["pain"]  # every pain read feeds analytics
