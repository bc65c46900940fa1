"""The athlete's progress report (ui/report.py) and the data behind a chart (ui/charts/data.py,
ui/charts/tables.py): sections present, user text escaped, self-contained, no notes in an athlete's copy;
figure_data of a line, a bar and a heatmap."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from tests.factories import report_demo
from tests.hostile import BARE, EMPHASIS, HOSTILE_TEXTS, IMAGE, LINK
from ui import report
from ui.charts import tables
from ui.charts.data import figure_data
from ui.text import visible
from views import words
from views.athlete_progress import AthleteProgress
from views.my_recovery import Summary
from views.progress_report import ProgressReport

HOSTILE = "<img src=x onerror=alert(1)>"
NOTE = "NOTE-7f3a: <b>left calf</b> tight after match"
GENERATED = dt.datetime(2026, 5, 4, 9, 30, tzinfo=dt.UTC)


def with_frames(printed: ProgressReport, **frames: object) -> ProgressReport:
    """`printed` with some of its *Athlete progress* frames replaced."""
    return dataclasses.replace(printed, progress=dataclasses.replace(printed.progress, **frames))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A small demo; the progress report (`views.progress_report`, read as the therapist) of the athlete with
    the most therapy sessions (and so injuries, ROM and pain) in it."""
    made = report_demo(tmp_path_factory.mktemp("report"))
    printed = with_frames(made.report, sessions=made.report.progress.sessions.assign(notes=NOTE))
    return {"athlete": made.athlete, "report": printed, "start": made.start, "end": made.end}


def make(demo: dict[str, object], include_notes: bool = True, **athlete: object) -> str:
    return report.progress_report_html(
        {**demo["athlete"], **athlete},  # type: ignore[dict-item]
        demo["report"],  # type: ignore[arg-type]
        generated=GENERATED,
        include_notes=include_notes,
    )


def test_the_demo_athlete_has_something_in_every_section(demo: dict[str, object]) -> None:
    printed: ProgressReport = demo["report"]  # type: ignore[assignment]
    for key in ("trend", "sessions", "history", "episodes", "treatment"):
        assert not getattr(printed.progress, key).empty, key
    assert printed.summary.pain_sentences and printed.summary.rom_sentences


def test_report_holds_every_section_with_charts_and_tables(demo: dict[str, object]) -> None:
    page = make(demo)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    athlete = demo["athlete"]
    assert f"Progress report — {athlete['display_name']}" in page  # type: ignore[index]
    assert f"Team {athlete['team']}" in page and f"ID {athlete['external_id']}" in page  # type: ignore[index]
    assert f"Period {demo['start']:%d %b %Y} to {demo['end']:%d %b %Y}" in page
    for section in ("summary", "pain", "rom", "sessions", "episodes"):
        assert f'<section id="{section}">' in page
    for heading in (
        "Pain course",
        "Range of motion: left vs right against normal",
        "Sessions and their response",
        "Injury episodes and recurrence",
        "Recurrence category",
        "% of norm",
        "Symmetry",
    ):
        assert heading in page, heading
    printed: ProgressReport = demo["report"]  # type: ignore[assignment]
    for sentence in printed.summary.pain_sentences[:2] + printed.summary.rom_sentences[:2]:
        assert html.escape(sentence) in page
    measures = printed.progress.history[["joint", "movement"]].drop_duplicates()
    charts = page.count('class="plotly-graph-div"')
    assert charts == 1 + len(measures) + 1  # pain, one per ROM measure, treatment response
    for category in printed.progress.episodes["category"].unique():
        assert words.RECURRENCE[category] in page
    assert "Generated 2026-05-04 09:30" in page
    for term, _ in report.DEFINITIONS:
        assert f"<dt>{term}</dt>" in page
    assert "Fuller et al. 2006" in page and "minimal detectable change" in page


def test_plotly_js_is_inline_once_and_nothing_is_fetched(demo: dict[str, object]) -> None:
    page = make(demo)
    assert page.count("<script") >= 2
    assert len(re.findall(r"plotly\.js v\d", page)) == 1  # the bundle's banner: inlined once
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I)
    assert not re.search(r"<link[^>]*href\s*=\s*[\"']?(https?:)?//", page, re.I)
    assert not re.search(r"<(img|iframe|object|embed)[^>]*src\s*=\s*[\"']?(https?:)?//", page, re.I)
    assert not re.search(r"@import|url\(\s*[\"']?(https?:)?//", page.split("<script")[0], re.I)  # the CSS


def test_user_text_is_escaped_everywhere(demo: dict[str, object]) -> None:
    page = make(demo, display_name=HOSTILE, team=f"</title>{HOSTILE}", position=HOSTILE)
    assert HOSTILE not in page
    assert "</title><img" not in page
    assert html.escape(HOSTILE) in page
    assert html.escape("<b>left calf</b>") in page  # the therapist's notes, escaped
    assert "<b>left calf</b>" not in page


def test_every_hostile_string_is_escaped_and_the_page_forbids_remote_loads(demo: dict[str, object]) -> None:
    printed: ProgressReport = demo["report"]  # type: ignore[assignment]
    sessions, episodes = printed.progress.sessions, printed.progress.episodes
    hostile = with_frames(
        printed,
        sessions=sessions.assign(notes=[HOSTILE_TEXTS[i % len(HOSTILE_TEXTS)] for i in range(len(sessions))]),
        episodes=episodes.assign(notes="\n".join(HOSTILE_TEXTS)),
    )
    page = report.progress_report_html(
        {
            **demo["athlete"],  # type: ignore[dict-item]
            "display_name": " ".join(HOSTILE_TEXTS),
            "team": f"</title>{LINK} {IMAGE}",
            "position": f"{BARE} {EMPHASIS}",
        },
        hostile,
        generated=GENERATED,
        include_notes=True,
    )
    head = page.split("</head>")[0]
    assert f'<meta http-equiv="Content-Security-Policy" content="{report.CSP}">' in head
    assert head.index("Content-Security-Policy") < head.index("<title>")  # before anything could load
    assert "default-src 'none'" in report.CSP and "img-src data:" in report.CSP
    assert "http" not in report.CSP  # no origin is allowed, not even https
    for text in HOSTILE_TEXTS:
        assert html.escape(visible(text), quote=True) in page, text
    for raw in ("<img src=x", "</title>[", "\u202e", "\u202c"):
        assert raw not in page, raw
    assert "\u200d" in page  # a zero-width joiner is left alone


def test_athlete_copy_has_no_notes(demo: dict[str, object]) -> None:
    therapist = make(demo, include_notes=True)
    athlete = make(demo, include_notes=False)
    assert "NOTE-7f3a" in therapist and "<th>Notes</th>" in therapist.replace(' class=""', "")
    assert "NOTE-7f3a" not in athlete
    assert "Notes</th>" not in athlete
    assert report.NO_NOTES in athlete and "athlete copy, without clinical notes" in athlete


def test_charts_look_the_same_after_streamlit_changed_plotlys_default_template(
    demo: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """In the app, Streamlit has made its own template plotly's default by the time a report is made; the
    report's charts must not change with it (that template leaves the axis margins to Streamlit's front end,
    and the legend then covers the dates)."""
    from streamlit.elements.lib.streamlit_plotly_theme import configure_streamlit_plotly_theme

    def normalised(page: str) -> str:
        return re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "ID", page)

    monkeypatch.setattr(pio.templates, "default", "plotly")  # the previous default is restored after the test
    plain = normalised(make(demo))
    configure_streamlit_plotly_theme()
    assert pio.templates.default == "streamlit"
    assert normalised(make(demo)) == plain


def test_print_css_and_file_name() -> None:
    assert "@page { size: A4" in report.STYLE
    printed = report.STYLE.split("@media print")[1]
    assert "break-inside: avoid" in printed and "page-break-inside: avoid" in printed
    assert "figure.chart" in printed and "table" in printed and "button" in printed
    assert report.report_file_name("NO-023", dt.date(2026, 5, 4)) == "progress-NO-023-2026-05-04.html"
    assert report.report_file_name("../a b/c", dt.date(2026, 5, 4)) == "progress-a-b-c-2026-05-04.html"
    assert report.report_file_name(None, dt.date(2026, 5, 4)) == "progress-athlete-2026-05-04.html"


def test_empty_athlete_report_says_so() -> None:
    empty = pd.DataFrame()
    progress = AthleteProgress(
        athlete_id=1,
        athlete_name="New Athlete",
        newest_day=dt.date(2026, 1, 31),
        shown_reports=empty,
        trend=empty,
        sessions=empty,
        injuries=empty,
        open_injuries=0,
        episodes=empty,
        history=empty,
        symmetry=empty,
        km_curves=empty,
        km_medians=empty,
        treatment=empty,
        chronic_where="",
        flags=empty,
        stages=empty,
    )
    nothing = ProgressReport(
        start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31), progress=progress, summary=Summary([], [], empty)
    )
    page = report.progress_report_html(
        {"display_name": "New Athlete", "team": "U19", "external_id": "X1"},
        nothing,
        generated=GENERATED,
        include_notes=True,
    )
    assert "No pain reported and no sessions in this period." in page
    assert "No range of motion measured in this period." in page
    assert "No injuries on record." in page
    assert "plotly-graph-div" not in page


# --------------------------------------------------------------------------- the data behind a chart


def test_figure_data_of_a_line() -> None:
    fig = go.Figure()
    fig.add_scatter(x=["2026-01-01", "2026-01-02"], y=[3, 5], name="Left", mode="lines")
    fig.add_scatter(x=["2026-01-01"], y=[2], name="Right")
    fig.add_hline(y=4)  # a shape: not data
    data = figure_data(fig)
    assert list(data.columns) == ["series", "x", "y"]
    assert data.to_dict("records") == [
        {"series": "Left", "x": "2026-01-01", "y": 3},
        {"series": "Left", "x": "2026-01-02", "y": 5},
        {"series": "Right", "x": "2026-01-01", "y": 2},
    ]


def test_figure_data_of_a_bar_keeps_the_text() -> None:
    fig = go.Figure(go.Bar(x=[40.0, 10.0], y=["Knee", "Hip"], text=["2 of 5", "1 of 10"], orientation="h"))
    data = figure_data(fig)
    assert data["series"].tolist() == ["bar", "bar"]
    assert data[["x", "y", "text"]].values.tolist() == [[40.0, "Knee", "2 of 5"], [10.0, "Hip", "1 of 10"]]


def test_figure_data_of_a_heatmap_is_one_row_per_cell() -> None:
    z = np.array([[1.0, 2.0, np.nan], [4.0, 5.0, 3.0]])
    fig = go.Figure(go.Heatmap(z=z, x=["d1", "d2", "d3"], y=["Ann", "Bo"], name="Soreness score"))
    data = figure_data(fig)
    assert len(data) == 6 and list(data.columns) == ["series", "x", "y", "z"]
    assert data.iloc[2][["x", "y"]].tolist() == ["d3", "Ann"] and pd.isna(data.iloc[2]["z"])
    assert data.iloc[4][["x", "y", "z"]].tolist() == ["d2", "Bo", 5.0]


def test_figure_data_of_an_empty_figure_is_an_empty_table() -> None:
    assert figure_data(go.Figure()).empty


def test_chart_tables_name_their_units() -> None:
    matrix = pd.DataFrame(
        [[1.0, np.nan], [3.0, 4.0]], index=["Ann", "Bo"], columns=pd.to_datetime(["2026-01-01", "2026-01-02"])
    )
    long = tables.soreness_matrix_table(matrix)
    column = "Soreness (1 = very sore … 5 = not sore)"  # as the athletes answered: score 1 is item 5
    assert list(long.columns) == ["Athlete", "Date", column]
    assert len(long) == 4 and long[column].isna().sum() == 1
    assert long[column].dropna().tolist() == [5.0, 3.0, 2.0]
    counts = tables.availability_table({"full": 7, "modified": 2, "unavailable": 1})
    assert dict(zip(counts["Availability"], counts["Athletes (n)"], strict=True)) == {
        "Unavailable": 1,
        "Modified": 2,
        "Not reported": 0,
        "Full training": 7,
    }
