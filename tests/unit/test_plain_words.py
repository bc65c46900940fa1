"""The athlete's own screens and report in plain words (issue 14): no LSI, MDC, recurrence categories,
"censored" or confidence intervals in the athlete's copy of the progress report or in the flags explained to
them; the therapist's copy keeps the clinical terms."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from tests.factories import report_demo
from ui import report
from views import words
from views.my_recovery import explained
from views.progress_report import ProgressReport

GENERATED = dt.datetime(2026, 5, 4, 9, 30, tzinfo=dt.UTC)
#: What the athlete's own copy never says.
JARGON = re.compile(r"\bLSI\b|\bMDC\b|95 %|recurrence|exacerbation|censor|confidence interval", re.IGNORECASE)


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, object], ProgressReport]:
    """The progress report of the demo athlete with the most sessions (so injuries, ROM and pain too)."""
    demo = report_demo(tmp_path_factory.mktemp("plain"))
    return demo.athlete, demo.report


def words_of(page: str) -> str:
    """The report's own words: its text and its figures' JSON, without the inlined plotly.js library."""
    return re.sub(r"<script[^>]*>(?:(?!</script>).){100000,}</script>", "", page, flags=re.DOTALL)


def test_the_athletes_copy_says_it_in_plain_words(printed: tuple[dict[str, object], ProgressReport]) -> None:
    athlete, view = printed
    assert not view.progress.symmetry.empty and not view.progress.episodes.empty and not view.progress.treatment.empty
    plain = words_of(report.progress_report_html(athlete, view, generated=GENERATED, include_notes=False, plain=True))
    assert not JARGON.findall(plain), sorted(set(JARGON.findall(plain)))
    assert "Measurement noise" in plain and "It reaches (% of the other side)" in plain
    assert "Your injuries" in plain and "Injuries that come back" in plain
    clinical = words_of(report.progress_report_html(athlete, view, generated=GENERATED, include_notes=True))
    for term in ("LSI %", "MDC", "95 % low", "Recurrence category"):
        assert term in clinical


def test_a_flag_explained_to_the_athlete() -> None:
    flags = pd.DataFrame(
        {
            "kind": ["rom_asymmetry", "ostrc_substantial"],
            "values": [
                "hip/internal_rotation: left 41 deg, right 34 deg, |diff| 7 > MDC 5 and > 4.1; LSI 83 %",
                "Q1 25, Q2 0, Q3 0, Q4 8; severity 33",
            ],
            "side": ["right", None],
        }
    )
    said = explained(flags)["explained"].tolist()
    assert said[0].endswith("Left 41°, right 34°: your right side reaches 83 % of your left.")
    assert said[1] == words.FLAG_CHECKS["ostrc_substantial"]
    assert not any(JARGON.search(s) or "OSTRC" in s for s in said)
