"""`python -m bench load` (bench/load.py): its arithmetic, its localhost-only rule, and a small real run
(PostgreSQL, a replica, nginx, Chromium) that saves every check-in and loses none. Never timings."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from bench import load
from bench.__main__ import main
from tests.conftest import postgres_url


def test_percentiles_are_the_inclusive_linear_ones() -> None:
    assert load.percentile([], 0.5) is None
    assert load.percentile([4.0], 0.95) == 4.0
    values = [float(v) for v in range(1, 101)]
    assert load.percentile(values, 0.5) == pytest.approx(50.5)
    assert load.percentile(values, 0.95) == pytest.approx(95.05)


def test_a_failed_athlete_does_not_hold_the_others_at_the_barrier() -> None:
    async def scenario() -> list[str]:
        gate, done = load.Gate(3), []

        async def waits(name: str) -> None:
            await gate.wait()
            done.append(name)

        waiting = [asyncio.create_task(waits(name)) for name in ("a", "b")]
        await asyncio.sleep(0.01)
        assert not done  # two of three arrived: still closed
        gate.arrive()  # the third failed before the barrier
        await asyncio.wait_for(asyncio.gather(*waiting), timeout=1)
        return sorted(done)

    assert load.in_own_loop(scenario()) == ["a", "b"]


def test_the_table_has_one_row_per_run() -> None:
    run = load.Run(2, 10, 10, 0, 0, 1.234, 2.5, 3.0, 4.0, 812.3, [401.0, 398.2], 60.0)
    lines = load.table([run]).splitlines()
    assert len(lines) == 3
    assert lines[2] == "| 2 | 10 | 10 | 0 | 0 | 1.234 / 2.5 | 3.0 / 4.0 | 812 | 401 + 398 |"


def test_it_runs_on_localhost_only(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as refused:
        main(["load", "--athletes", "2", "--database-url", "postgresql://fascia:pw@db.example.org/fascia"])
    assert refused.value.code == 2
    assert "localhost only" in capsys.readouterr().err


def test_rss_of_a_process_gone_is_zero() -> None:
    assert load.rss_mb([os.getpid()])[0] > 0
    assert load.rss_mb([2**22 + 7]) == [0.0]


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.skipif(not Path(load.CHROMIUM).exists(), reason="needs Chromium at /usr/bin/chromium")
def test_a_small_run_saves_every_check_in_and_loses_none() -> None:
    pytest.importorskip("playwright")
    messages: list[str] = []
    run = load.one_run(postgres_url(), athletes=2, replicas=1, log=messages.append)
    assert (run.saved, run.lost, run.errors) == (2, 0, 0), run.first_errors
    assert run.save_p50_s is not None and run.sign_in_p50_s is not None
    assert run.peak_rss_mb > 0 and len(run.end_rss_mb) == 1
