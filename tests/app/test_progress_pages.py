"""Caseload, Athlete progress and My recovery: AppTest smoke tests per role, scope, closing a flag, the
athlete selector carried from the caseload to the progress page; and unit tests of the chart builders
of `ui.charts.progress` (Figures with titles, axis titles and the theme's colours)."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator

import pandas as pd
import pytest
import streamlit as st
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

from analytics.recovery import km_curves, km_medians, pain_trend, recovery_episodes
from analytics.recurrence import classify_injuries
from data import queries
from data.db import make_engine
from tests.app.conftest import sign_in
from ui.charts import progress as charts
from ui.charts.theme import NEUTRAL, NORM_BAND, RECURRENCE_COLOURS, SIDE_COLOURS, TECHNIQUE_COLOURS
from ui.filters import ATHLETE_KEY

StartApp = Callable[[str], AppTest]
CASELOAD = "pages/caseload.py"
PROGRESS = "pages/athlete_progress.py"
MY_RECOVERY = "pages/my_recovery.py"


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    """The loaders' cache lives in the process and is keyed by user id, not by database: start and end
    every test with an empty one, so no frame of another test's database is served here."""
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def texts(at: AppTest) -> str:
    """Everything the page wrote, as one string (plotly specs included)."""
    parts = [
        e.value
        for e in (
            *at.title,
            *at.header,
            *at.subheader,
            *at.markdown,
            *at.caption,
            *at.info,
            *at.success,
            *at.warning,
            *at.error,
        )
    ]
    parts += [str(e.proto) for e in at.get("plotly_chart")]
    parts += [str(e.value) for e in at.dataframe]
    return "\n".join(str(p) for p in parts)


def therapist(app_at: StartApp, url: str) -> AppTest:
    at = sign_in(app_at(url), "therapist", "fascia-therapist")
    assert not at.exception
    return at


# --------------------------------------------------------------------------- pages


def test_caseload_lists_athletes_in_attention_order(app_at: StartApp, demo_url: str) -> None:
    at = therapist(app_at, demo_url)  # the therapist lands on the caseload
    assert [t.value for t in at.title] == ["Caseload"]
    assert "Who needs attention first" in [s.value for s in at.subheader]
    board = at.dataframe[0].value
    assert len(board) >= 1 and list(board["attention"]) == list(range(1, len(board) + 1))
    assert {"display_name", "flags_text", "open_injuries", "pain_text", "arrow", "session_text"} <= set(board.columns)
    words = texts(at)
    assert "**Order:**" in words and "7-day trend:" in words and "IASP" in words
    assert [m.label for m in at.metric][:2] == ["On the caseload", "Open injuries"]


def test_athlete_progress_draws_every_section(app_at: StartApp, demo_url: str) -> None:
    at = therapist(app_at, demo_url).switch_page(PROGRESS).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Athlete progress"]
    assert [h.value for h in at.header] == [
        "Pain and treatments",
        "Range of motion",
        "Injuries and recovery",
        "Treatment response",
        "Last sessions",
    ]
    assert len(at.get("plotly_chart")) >= 3  # pain, ROM per measure (or its empty state), Kaplan-Meier
    words = texts(at)
    assert "Kaplan–Meier" in words and "censored" in words and "LOINC 72514-3" in words
    assert at.selectbox[0].label == "Athlete"


def test_my_recovery_shows_only_the_athletes_own_data(app_at: StartApp, demo_url: str) -> None:
    at = sign_in(app_at(demo_url), "athlete", "fascia-athlete")  # lands on the check-in: none today in the demo
    at = at.switch_page("pages/my_recovery.py").run()
    assert not at.exception
    assert [t.value for t in at.title] == ["My recovery"]
    assert [s.value for s in at.subheader][:4] == [
        "Your pain",
        "Your range of motion",
        "Since last week",
        "Flags about you",
    ]
    assert at.get("plotly_chart"), "the pain chart at least"
    assert not at.dataframe, "no wide tables on the athlete's page"
    engine = make_engine(demo_url)
    people = queries.athletes(engine)
    athlete_id = int(queries.users(engine).set_index("username").loc["athlete", "athlete_id"])
    engine.dispose()
    own = people.loc[people["athlete_id"] == athlete_id, "display_name"].iloc[0]
    words = texts(at)
    assert f"Hi {own}." in words
    others = [n for n in people.loc[people["athlete_id"] != athlete_id, "display_name"] if n != own]
    assert others and not [n for n in others if n in words]
    assert "Notes" not in words


def test_closing_a_flag_removes_it_from_the_caseload(app_at: StartApp, own_url: str) -> None:
    url = own_url
    at = therapist(app_at, url)
    closers = [b for b in at.button if b.key and b.key.startswith("close_")]
    assert closers, "the demo has open flags on its newest day"
    first = closers[0].key
    at = closers[0].click().run()
    assert not at.exception
    assert any(m.value.startswith("Closed:") for m in at.success)
    assert first not in [b.key for b in at.button]
    assert len([b for b in at.button if b.key and b.key.startswith("close_")]) == len(closers) - 1
    engine = make_engine(url)
    assert len(queries.flag_reviews(engine)) == 1
    engine.dispose()


def test_open_progress_carries_the_athlete_to_the_progress_page(app_at: StartApp, demo_url: str) -> None:
    """Open the progress of a caseload athlete who is not the picker's default (the first by name): the
    progress page shows that athlete, and still does after a visit to another page."""
    at = therapist(app_at, demo_url)
    engine = make_engine(demo_url)
    first_by_name = int(queries.athletes(engine).sort_values("display_name")["athlete_id"].iloc[0])
    engine.dispose()
    buttons = [b for b in at.button if b.key and b.key.startswith("caseload_open_")]
    button = next(b for b in buttons if int(b.key.removeprefix("caseload_open_")) != first_by_name)
    athlete_id = int(button.key.removeprefix("caseload_open_"))
    at = button.click().run()
    assert not at.exception
    assert at.session_state[ATHLETE_KEY] == athlete_id
    at = at.switch_page(PROGRESS).run()
    assert at.selectbox[0].value == athlete_id
    at = at.switch_page(CASELOAD).run().switch_page(PROGRESS).run()
    assert at.selectbox[0].value == athlete_id, "kept across pages"


# --------------------------------------------------------------------------- downloads: chart data and the report

CSV_LABEL = "Download data (CSV)"
REPORT_LABEL = "Download progress report (HTML)"


@pytest.fixture
def media(monkeypatch: pytest.MonkeyPatch) -> list[MediaFileManager]:
    """The media file managers of the AppTest runs (one per run), where download buttons keep their file."""
    made: list[MediaFileManager] = []

    class Recording(MediaFileManager):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            made.append(self)

    monkeypatch.setattr(app_test_module, "MediaFileManager", Recording)
    return made


def downloaded(media: list[MediaFileManager], button: object) -> tuple[str, bytes]:
    """A download button's file name and contents (a deferred one is generated, as a click would)."""
    proto = button.proto  # type: ignore[attr-defined]
    for manager in reversed(media):
        if proto.deferred_file_id:
            entry = manager._deferred_callables.get(proto.deferred_file_id)
            if entry is not None:
                data = entry["callable"]()
                return str(entry["filename"]), data.encode("utf-8") if isinstance(data, str) else data
        else:
            stored = manager._storage._files_by_id.get(proto.url.rsplit("/", 1)[-1].split(".")[0])  # type: ignore[attr-defined]
            if stored is not None:
                return str(stored.filename), stored.content
    raise AssertionError(f"no file behind the button {proto.label!r}")


def test_progress_page_offers_each_charts_data_and_the_report(
    app_at: StartApp, demo_url: str, media: list[MediaFileManager]
) -> None:
    at = therapist(app_at, demo_url).switch_page(PROGRESS).run()
    assert not at.exception
    charts_drawn = at.get("plotly_chart")
    csv = [b for b in at.download_button if b.label == CSV_LABEL]
    assert len(csv) == len(charts_drawn) >= 3
    for chart in charts_drawn:
        assert '"toImageButtonOptions"' in chart.proto.config and '"displayModeBar": false' not in chart.proto.config
    name, data = downloaded(media, csv[0])
    assert name == "pain-and-treatments.csv"
    header = data.decode("utf-8").splitlines()[0]
    assert header.startswith("Date,Record,Region,Pain (NPRS 0-10),7-day mean pain (NPRS)")

    [button] = [b for b in at.download_button if b.label == REPORT_LABEL]
    athlete_id = at.selectbox[0].value
    engine = make_engine(demo_url)
    athlete = queries.athletes(engine, athlete_ids=[athlete_id]).iloc[0]
    notes = queries.therapy_sessions(engine, [athlete_id], include_notes=True)["notes"].dropna()
    engine.dispose()
    name, data = downloaded(media, button)
    page = data.decode("utf-8")
    assert name.startswith(f"progress-{athlete['external_id']}-") and name.endswith(".html")
    assert f"Progress report — {html.escape(athlete['display_name'])}" in page
    for section in ("summary", "pain", "rom", "sessions", "episodes"):
        assert f'<section id="{section}">' in page
    shown = [n for n in notes if html.escape(n) in page]
    assert shown or notes.empty, "the therapist's copy holds the session notes of the dates shown"


def test_my_recovery_offers_each_charts_data_and_the_athletes_own_report_without_notes(
    app_at: StartApp, demo_url: str, media: list[MediaFileManager]
) -> None:
    at = sign_in(app_at(demo_url), "athlete", "fascia-athlete").switch_page("pages/my_recovery.py").run()
    assert not at.exception
    csv = [b for b in at.download_button if b.label == CSV_LABEL]
    assert len(csv) == len(at.get("plotly_chart")) >= 1
    [button] = [b for b in at.download_button if b.label == REPORT_LABEL]
    engine = make_engine(demo_url)
    athlete_id = int(queries.users(engine).set_index("username").loc["athlete", "athlete_id"])
    people = queries.athletes(engine)
    notes = queries.therapy_sessions(engine, [athlete_id], include_notes=True)["notes"].dropna()
    injury_notes = queries.injuries(engine, [athlete_id], include_notes=True)["notes"].dropna()
    engine.dispose()
    me = people[people["athlete_id"] == athlete_id].iloc[0]
    name, data = downloaded(media, button)
    page = data.decode("utf-8")
    assert name.startswith(f"progress-{me['external_id']}-")
    assert f"Progress report — {html.escape(me['display_name'])}" in page
    assert "athlete copy, without clinical notes" in page
    assert len(notes) + len(injury_notes) > 0, "the demo athlete has notes to keep out"
    assert not [n for n in [*notes, *injury_notes] if html.escape(n) in page or n in page]
    others = people.loc[people["athlete_id"] != athlete_id, "display_name"]
    assert not [n for n in others if n != me["display_name"] and html.escape(n) in page]


def test_weekly_ostrc_chart_keeps_the_png_button_and_offers_its_data(app_at: StartApp, demo_url: str) -> None:
    at = sign_in(app_at(demo_url), "athlete", "fascia-athlete").switch_page("pages/ostrc.py").run()
    assert not at.exception
    [chart] = at.get("plotly_chart")
    config = chart.proto.config
    assert '"displayModeBar": false' not in config and '"toImageButtonOptions"' in config
    assert "toImage" not in config.split('"modeBarButtonsToRemove"')[1]
    assert [b.label for b in at.download_button] == [CSV_LABEL]


# --------------------------------------------------------------------------- chart builders


def _pain() -> pd.DataFrame:
    rows = [
        (1, "2025-10-01", "thigh", "left", 6),
        (1, "2025-10-03", "thigh", "left", 4),
        (1, "2025-10-02", "thigh", "right", 2),
        (1, "2025-10-05", "lower_back", "central", 3),
    ]
    frame = pd.DataFrame(rows, columns=["athlete_id", "date", "body_region", "side", "pain"])
    return frame.assign(date=pd.to_datetime(frame["date"]))


def _injuries() -> pd.DataFrame:
    frame = pd.DataFrame(
        [
            (1, 1, "2025-08-01", "thigh", "left", "muscle_strain", "2025-08-20"),
            (2, 1, "2025-09-28", "thigh", "left", "muscle_strain", None),
        ],
        columns=["injury_id", "athlete_id", "onset_date", "body_region", "side", "injury_type", "return_date"],
    )
    return frame.assign(
        onset_date=pd.to_datetime(frame["onset_date"]), return_date=pd.to_datetime(frame["return_date"])
    )


def _sessions() -> pd.DataFrame:
    frame = pd.DataFrame(
        [
            (10, 1, "2025-10-02", "active_release", "thigh", "left", 30, 6, 3),
            (11, 1, "2025-10-04", "stretching", "thigh", "left", 20, None, None),
        ],
        columns=[
            "session_id",
            "athlete_id",
            "date",
            "technique",
            "body_region",
            "side",
            "minutes",
            "pain_before",
            "pain_after",
        ],
    )
    return frame.assign(
        date=pd.to_datetime(frame["date"]),
        pain_before=frame["pain_before"].astype("Int64"),
        pain_after=frame["pain_after"].astype("Int64"),
        injury_id=pd.array([2, 2], dtype="Int64"),
    )


def test_pain_timeline_has_titles_side_colours_sessions_and_injury_spans() -> None:
    """Left thigh in the theme's left colour, right thigh in the right colour; a session per technique in
    its colour (the stretching session without pain scores is hollow); the open early recurrence shaded
    from 28 Sep to the end of the range in its category colour and labelled."""
    fig = charts.pain_timeline(
        pain_trend(_pain()),
        _sessions(),
        classify_injuries(_injuries()),
        pd.Timestamp("2025-09-20"),
        pd.Timestamp("2025-10-06"),
    )
    assert fig.layout.title.text == "Pain per region, with treatments and injuries"
    assert fig.layout.xaxis.title.text == "Date" and "NPRS" in fig.layout.yaxis.title.text
    lines = {t.name: t for t in fig.data if t.mode == "lines+markers"}
    assert lines["Left thigh"].line.color == SIDE_COLOURS["left"]
    assert lines["Right thigh"].line.color == SIDE_COLOURS["right"]
    assert lines["Lower back"].line.color == SIDE_COLOURS["central"]
    ar = next(t for t in fig.data if t.name == "Session: Active release" and t.mode == "markers")
    assert ar.marker.color == TECHNIQUE_COLOURS["active_release"] and list(ar.y) == [3.0]
    stretch = next(t for t in fig.data if t.name == "Session: Stretching" and t.mode == "markers")
    assert list(stretch.marker.symbol) == ["diamond-open"]
    shapes = [s for s in fig.layout.shapes if s.type == "rect"]
    assert len(shapes) == 1 and shapes[0].fillcolor == RECURRENCE_COLOURS["recurrent_early"]
    assert [a.text for a in fig.layout.annotations] == ["left thigh · early recurrence (open)"]
    assert list(fig.layout.yaxis.range) == [-0.3, 10.6]


def test_pain_timeline_breaks_the_line_across_a_gap_in_reports() -> None:
    """Reports on 1, 3 and 20 Oct: the 17-day gap (> 7) gets an empty point on 4 Oct, so no line is drawn
    through days nobody reported; the 2-day gap stays joined."""
    reports = _pain()
    reports = pd.concat([reports, reports.iloc[[0]].assign(date=pd.Timestamp("2025-10-20"), pain=2)])
    line = next(t for t in charts.pain_timeline(pain_trend(reports)).data if t.name == "Left thigh")
    assert [str(x)[:10] for x in line.x] == ["2025-10-01", "2025-10-03", "2025-10-04", "2025-10-20"]
    assert list(line.y) == [6, 4, None, 2]


def test_pain_timeline_empty_state_says_what_to_do() -> None:
    fig = charts.pain_timeline(pain_trend(_pain()).head(0))
    assert fig.layout.title.text and "daily check-in" in fig.layout.annotations[0].text
    assert not fig.data


def _rom_history() -> pd.DataFrame:
    from analytics.caseload import rom_history

    rows = [
        (1, "2025-09-01", "hip", "internal_rotation", "left", 40.0, "deg", "goniometer", "screening"),
        (1, "2025-10-01", "hip", "internal_rotation", "left", 43.0, "deg", "goniometer", "screening"),
        (1, "2025-09-01", "hip", "internal_rotation", "right", 30.0, "deg", "goniometer", "screening"),
        (1, "2025-10-01", "hip", "internal_rotation", "right", 38.0, "deg", "goniometer", "screening"),
        (1, "2025-10-01", "ankle", "dorsiflexion_lunge", "left", 10.0, "cm", "tape", "screening"),
    ]
    frame = pd.DataFrame(
        rows, columns=["athlete_id", "date", "joint", "movement", "side", "value", "unit", "method", "context"]
    )
    return rom_history(frame.assign(date=pd.to_datetime(frame["date"])))


def test_rom_chart_left_right_colours_norm_band_and_hollow_within_error() -> None:
    """Left 40 -> 43 (+3, within the 5 deg MDC: hollow), right 30 -> 38 (+8: filled); the band is the norm
    45 +/- 5 deg in the theme's norm colour."""
    fig = charts.rom_chart(_rom_history(), "hip", "internal_rotation")
    assert fig.layout.title.text == "Hip internal rotation: left vs right"
    assert fig.layout.xaxis.title.text == "Date" and fig.layout.yaxis.title.text == "Range of motion (°)"
    left, right = (next(t for t in fig.data if t.name == side) for side in ("Left", "Right"))
    assert left.line.color == SIDE_COLOURS["left"] and right.line.color == SIDE_COLOURS["right"]
    assert list(left.marker.symbol) == ["circle", "circle-open"]
    assert list(right.marker.symbol) == ["circle", "circle"]
    assert "within measurement error" in left.customdata[1][0]
    band = next(s for s in fig.layout.shapes if s.type == "rect")
    assert (band.y0, band.y1, band.fillcolor) == (40.0, 50.0, NORM_BAND)
    assert {t.name for t in fig.data} >= {"real change (> MDC)", "within measurement error"}
    lunge = charts.rom_chart(_rom_history(), "ankle", "dorsiflexion_lunge", compact_layout=True)
    assert lunge.layout.yaxis.title.text == "Knee-to-wall distance (cm)"
    assert {t.name for t in lunge.data} == {"Left"} and lunge.layout.legend.yref == "container"
    empty = charts.rom_chart(_rom_history(), "knee", "flexion")
    assert "Record ROM" in empty.layout.annotations[0].text


def test_km_chart_steps_athlete_against_team_with_censoring() -> None:
    inj = _injuries().assign(return_date=pd.to_datetime(["2025-08-20", None]))
    pain = pd.DataFrame(
        {
            "athlete_id": 1,
            "date": pd.to_datetime(["2025-08-01", "2025-08-05", "2025-08-06", "2025-08-07", "2025-09-29"]),
            "body_region": "thigh",
            "side": "left",
            "pain": [6, 1, 0, 0, 5],
        }
    )
    eps = recovery_episodes(inj, pain, as_of="2025-10-06")
    curves = pd.concat([km_curves(eps).assign(group="Team"), km_curves(eps).assign(group="Ada")])
    medians = pd.concat([km_medians(eps).assign(group="Team"), km_medians(eps).assign(group="Ada")])
    fig = charts.km_chart(curves, medians, athlete_group="Ada")
    assert fig.layout.title.text and fig.layout.xaxis.title.text == "Days since injury onset"
    assert "%" in fig.layout.yaxis.title.text
    ada = next(t for t in fig.data if t.name.startswith("Ada (2 episodes"))
    team = next(t for t in fig.data if t.name.startswith("Team (2 episodes"))
    assert ada.line.shape == "hv" and ada.line.color == charts.ATHLETE_INK and team.line.color == NEUTRAL
    assert any(t.name == "Ada: censored (not resolved yet)" for t in fig.data)
    assert "Injuries" in charts.km_chart(curves.head(0)).layout.annotations[0].text


def test_treatment_chart_shows_mean_relief_with_interval_in_technique_colours() -> None:
    summary = pd.DataFrame(
        {
            "technique": ["active_release", "stretching", "active_release"],
            "outcome": ["pain_relief", "pain_relief", "hip internal_rotation"],
            "n": [4, 1, 2],
            "mean": [2.0, 1.0, 5.0],
            "ci_lower": [1.0, None, 3.0],
            "ci_upper": [3.0, None, 7.0],
            "share_held": [0.75, None, None],
        }
    )
    fig = charts.treatment_chart(summary)
    assert fig.layout.xaxis.title.text == "Pain relief, before − after (NPRS points)"
    assert fig.layout.yaxis.title.text == "Technique"
    points = fig.data[0]
    assert list(points.y) == ["Stretching", "Active release"]
    assert list(points.marker.color) == [TECHNIQUE_COLOURS["stretching"], TECHNIQUE_COLOURS["active_release"]]
    assert list(points.error_x.array) == [0.0, 1.0] and list(points.text) == ["n = 1", "n = 4, held 75%"]
    assert "Log a session" in charts.treatment_chart(summary.head(0)).layout.annotations[0].text


def test_each_download_of_an_athletes_clinical_data_leaves_one_audit_entry(
    app_at: StartApp, own_url: str, media: list[MediaFileManager]
) -> None:
    """The report with notes and each chart's CSV name the athlete and what was read, never the content,
    one entry per download; showing the page alone writes none (issue 19)."""
    engine = make_engine(own_url)

    def downloads() -> pd.DataFrame:
        entries = queries.audit_entries(engine)
        return entries[entries["action"] == "download"]

    at = therapist(app_at, own_url).switch_page(PROGRESS).run()
    assert not at.exception
    assert downloads().empty
    athlete_id = at.selectbox[0].value
    athlete = queries.athletes(engine, athlete_ids=[athlete_id]).iloc[0]
    notes = queries.therapy_sessions(engine, [athlete_id], include_notes=True)["notes"].dropna()

    [report_button] = [b for b in at.download_button if b.label == REPORT_LABEL]
    downloaded(media, report_button)
    csv = [b for b in at.download_button if b.label == CSV_LABEL]
    downloaded(media, csv[0])
    downloaded(media, csv[0])
    entries = downloads()
    assert len(entries) == 3
    assert set(entries["username"]) == {"therapist"}
    assert set(entries["table_name"]) == {"athletes"} and set(entries["record_id"].astype(int)) == {athlete_id}
    details = entries["detail"].tolist()
    assert sum(d.startswith("progress report (HTML, with clinical notes) of athlete ") for d in details) == 1
    assert sum(d.startswith("chart data pain-and-treatments.csv of athlete ") for d in details) == 2
    assert all(f"of athlete {athlete['external_id']}, " in d for d in details)
    assert not [n for n in notes if any(n in d for d in details)]
    engine.dispose()


def test_the_progress_loader_gives_the_view_and_caches_only_the_shared_reads(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`ui.loaders.athlete_progress` is `views.athlete_progress` read through `ScreenReader`: the same
    screen as the view read directly, with none of the per-table cached loaders called (only the athletes
    in scope and the newest data day are shared through the cache)."""
    import dataclasses
    import datetime as dt

    from data import access
    from ui import loaders
    from views import athlete_progress as view
    from views.reader import ScopedReader

    monkeypatch.setenv("DATABASE_URL", demo_url)
    engine = make_engine(demo_url)
    users = queries.users(engine)
    therapist = int(users.loc[users["username"] == "therapist", "user_id"].iloc[0])
    injured = queries.injuries(engine)["athlete_id"].value_counts().index[0]
    end = queries.newest_data_day(engine)
    assert end is not None
    start = end - dt.timedelta(days=89)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a screen's own read went through a per-table cached loader")

    for name in ("checkins", "pain", "therapy", "rom", "ostrc", "injuries", "flag_reviews", "flag_rules", "norms"):
        monkeypatch.setattr(loaders, name, refuse)
    got = loaders.athlete_progress(therapist, int(injured), start, end)
    viewer = access.viewer(engine, therapist)
    assert viewer is not None
    expected = view.athlete_progress(ScopedReader(engine, viewer), int(injured), start, end)
    assert not got.episodes.empty and not got.km_curves.empty
    for field in dataclasses.fields(expected):
        mine, theirs = getattr(got, field.name), getattr(expected, field.name)
        if isinstance(theirs, pd.DataFrame):
            pd.testing.assert_frame_equal(pd.DataFrame(mine), pd.DataFrame(theirs), obj=field.name)
        else:
            assert mine == theirs, field.name
    engine.dispose()
