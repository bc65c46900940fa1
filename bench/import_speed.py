"""Import throughput: a check-in CSV of `rows` rows through `data.imports.import_file`, with its
full validation, into a fresh empty database that already holds the athletes.

The file: 250 athletes (external ids BENCH-0001...) x consecutive days ending `organisation.END`,
every item filled with plausible values (seeded). Each run imports the whole file in one
transaction; the check-ins are deleted (untimed) between runs, so every run inserts every row.
"""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
from sqlalchemy import delete

from bench.organisation import END, empty_database
from bench.timing import Timing, measure
from data.db import make_engine
from data.imports import import_file
from data.models import WellnessCheckin

ROWS = 100_000
ATHLETES = 250


def athletes_csv(athletes: int = ATHLETES) -> bytes:
    ids = [f"BENCH-{i:04d}" for i in range(1, athletes + 1)]
    frame = pd.DataFrame(
        {
            "external_id": ids,
            "display_name": [f"Bench Athlete {i}" for i in range(1, athletes + 1)],
            "team": ["Bench squad"] * athletes,
            "sport": "soccer",
            "timezone": "Europe/Oslo",
        }
    )
    return frame.to_csv(index=False).encode()


def checkins_csv(rows: int = ROWS, athletes: int = ATHLETES, seed: int = 7) -> bytes:
    """`rows` check-ins: athlete by athlete, consecutive days ending END."""
    rng = np.random.default_rng(seed)
    days = math.ceil(rows / athletes)
    dates = pd.date_range(end=pd.Timestamp(END), periods=days, freq="D").strftime("%Y-%m-%d").to_numpy()
    athlete = np.repeat(np.arange(1, athletes + 1), days)[:rows]
    day = np.tile(np.arange(days), athletes)[:rows]

    def item() -> np.ndarray:
        return rng.integers(1, 6, rows)

    frame = pd.DataFrame(
        {
            "athlete_external_id": np.char.add("BENCH-", np.char.zfill(athlete.astype(str), 4)),
            "date": dates[day],
            "fatigue": item(),
            "sleep_quality": item(),
            "soreness": item(),
            "stress": item(),
            "mood": item(),
            "sleep_hours": np.round(rng.normal(7.5, 0.8, rows).clip(3, 11) * 4) / 4,
            "readiness": rng.integers(0, 11, rows),
            "availability": rng.choice(np.array(["full", "full", "full", "modified", "unavailable"]), rows),
        }
    )
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue().encode()


def import_throughput(base_url: str | None, rows: int, runs: int) -> tuple[Timing, float]:
    """(timing of one whole import, rows a second at the median)."""
    athletes = min(ATHLETES, rows)
    people, checkins = athletes_csv(athletes), checkins_csv(rows, athletes)
    with empty_database(base_url, "import") as url:
        engine = make_engine(url)
        try:
            import_file(engine, "athletes", people, filename="athletes.csv")

            def clear() -> None:
                with engine.begin() as connection:
                    connection.execute(delete(WellnessCheckin))

            def run() -> int:
                report = import_file(engine, "wellness_checkins", checkins, filename="checkins.csv")
                if report.inserted != rows:
                    raise RuntimeError(f"imported {report.inserted} of {rows} check-ins")
                return report.inserted

            timing = measure(run, runs=runs, before=clear)
        finally:
            engine.dispose()
    return timing, rows / (timing.median_ms / 1000)
