"""The benchmark instrument (`python -m bench`): it computes what it claims. Never timings."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import text

from bench import acwr_peer
from bench.__main__ import main
from bench.organisation import MARK_TABLE, Params, ensure_organisation
from bench.timing import measure
from data.db import make_engine
from data.demo import generate_demo

pytest.importorskip("acwr")

JSON_KEYS = {
    "athlete_page_ms",
    "team_overview_cold_ms",
    "team_overview_warm_ms",
    "first_page_cold_ms",
    "org_analytics_ms",
    "org_floor_ms",
    "import_rows_per_s",
    "acwr_ms",
    "acwr_peer_ms",
    "acwr_max_abs_diff",
    "peak_rss_mb",
    "backend",
    "athletes",
    "days",
}


@pytest.fixture
def training() -> pd.DataFrame:
    return generate_demo(athletes=4, days=90, seed=3)["training_sessions"]


@pytest.mark.parametrize("method", ["ewma", "coupled", "uncoupled"])
def test_acwr_agrees_with_the_acwr_package(training: pd.DataFrame, method: str) -> None:
    ours = acwr_peer.fascia_acwr(training, method)
    agreement = acwr_peer.compare(ours, acwr_peer.peer_acwr(training, method))
    assert agreement.rows == len(ours) > 4 * 60
    assert agreement.one_sided == 0
    assert agreement.max_abs_diff <= 1e-9
    assert ours["acwr"].notna().sum() > 4 * 30  # values were compared, not only NaNs


def test_compare_reports_a_difference(training: pd.DataFrame) -> None:
    ours = acwr_peer.fascia_acwr(training, "coupled")
    theirs = ours.copy()
    first = int(np.flatnonzero(theirs["acwr"].notna().to_numpy())[0])
    theirs.loc[first, "acwr"] += 0.25
    theirs.loc[first + 1, "acwr"] = np.nan
    agreement = acwr_peer.compare(ours, theirs)
    assert agreement.max_abs_diff == pytest.approx(0.25)
    assert agreement.one_sided == 1


def test_measure_runs_the_warmup_and_every_run_after_before() -> None:
    calls: list[str] = []
    timing = measure(lambda: calls.append("call") or len(calls), runs=3, before=lambda: calls.append("before"))
    assert calls == ["before", "call"] * 4
    assert len(timing.runs_ms) == 3
    assert timing.value == 8


def test_an_unfinished_organisation_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FASCIA_BENCH_CACHE", str(tmp_path))
    said: list[str] = []
    url = ensure_organisation(Params(2, 30), None, said.append)
    assert ensure_organisation(Params(2, 30), None, said.append) == url
    assert said[0].startswith("building") and said[1].startswith("reusing")
    engine = make_engine(url)
    with engine.begin() as connection:  # as a run killed before the last transaction leaves it
        connection.execute(text(f"DROP TABLE {MARK_TABLE}"))
    engine.dispose()
    ensure_organisation(Params(2, 30), None, said.append)
    assert said[2].startswith("building")
    engine = make_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM athletes")).scalar() == 2
    engine.dispose()


@pytest.mark.slow  # every figure of the benchmark, fresh processes included (CI also runs --quick)
def test_a_tiny_run_writes_every_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FASCIA_BENCH_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "bench.json"
    argv = ["--athletes", "4", "--days", "45", "--runs", "1", "--import-rows", "300", "--json", str(out)]
    assert main(argv) == 0
    figures = json.loads(out.read_text())
    assert set(figures) >= JSON_KEYS
    assert set(figures["athlete_page_ms"]) == {"100", "1000"}
    assert figures["athlete_page_athletes"] == {"100": 1, "1000": 4}
    assert (figures["backend"], figures["athletes"], figures["days"]) == ("sqlite", 4, 45)
    assert figures["acwr_max_abs_diff"] <= 1e-9
    numbers = [v for k, v in figures.items() if k.endswith(("_ms", "_per_s", "_mb"))] + list(
        figures["athlete_page_ms"].values()
    )
    assert all(isinstance(v, float) and v > 0 for v in numbers if not isinstance(v, dict))
