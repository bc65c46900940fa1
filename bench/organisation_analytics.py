"""Whole-organisation analytics against the floor, and its peak memory.

The floor: reading, through `data.queries`, every row the analytics below need (all athletes, the
whole history) into pandas. The analytics, on those frames: every flag raised over the whole
history (`analytics.flags.compute_flags` from the first data day), soreness (team distribution per
day, the 28-day matrix, weekly regional pain shares, daily compliance), recurrence (every injury
classified, rates per region) and the daily load with the ACWR (EWMA, the app's default) of every
athlete. The budget: analytics no slower than 1.5x the floor.

Peak memory: a fresh Python process imports the modules, reads the rows and runs the analytics once;
its peak resident set size is the kernel's high-water mark ``VmHWM`` of /proc/self/status (Linux;
``resource.getrusage`` elsewhere), which includes the interpreter and the imported libraries; the
baseline after the imports is reported beside it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine

from data import queries
from data.db import ROOT, make_engine


def read_rows(engine: Engine) -> dict[str, pd.DataFrame]:
    """The floor: every row the whole-organisation analytics need, read into pandas."""
    return {
        "athletes": queries.athletes(engine),
        "pain_reports": queries.pain_reports(engine),
        "wellness_checkins": queries.wellness_checkins(engine),
        "injuries": queries.injuries(engine),
        "rom_measurements": queries.rom_measurements(engine),
        "ostrc_responses": queries.ostrc_responses(engine),
        "training_sessions": queries.training_sessions(engine),
        "rom_norms": queries.rom_norms(engine),
    }


def analyse(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Flags, soreness, recurrence and ACWR for every athlete over the whole history."""
    from analytics import flags, recurrence, soreness, workload

    wellness = frames["wellness_checkins"]
    pain = frames["pain_reports"]
    athletes = frames["athletes"]
    first, last = wellness["date"].min(), wellness["date"].max()
    raised = flags.compute_flags(
        as_of=last,
        start=first,
        pain_reports=pain,
        wellness_checkins=wellness,
        injuries=frames["injuries"],
        rom_measurements=frames["rom_measurements"],
        ostrc_responses=frames["ostrc_responses"],
        athletes=athletes,
        rom_norms=frames["rom_norms"],
    )
    classified = recurrence.classify_injuries(frames["injuries"])
    loads = workload.daily_load(frames["training_sessions"], calendar=wellness[["athlete_id", "date"]])
    return {
        "flags": raised,
        "team_soreness": soreness.team_soreness(wellness, athletes),
        "soreness_matrix": soreness.soreness_matrix(wellness, 28, last, athletes),
        "region_pain_weekly": soreness.region_pain_share(pain, wellness, freq="W"),
        "compliance": soreness.daily_compliance(wellness, athletes, first, last),
        "injuries_classified": classified,
        "recurrence_by_region": recurrence.recurrence_rate(classified, by=["body_region"]),
        "acwr": workload.acwr(loads, method="ewma"),
    }


@dataclass(frozen=True)
class Memory:
    """Resident set size of a fresh process in MB: after the imports, peak after reading the rows,
    peak after the analytics (ru_maxrss is a high-water mark)."""

    baseline_mb: float
    after_read_mb: float
    peak_mb: float


def peak_memory(url: str) -> Memory:
    """Run `_measure_memory` in a fresh interpreter (so the benchmark's own frames do not count)."""
    code = f"import bench.organisation_analytics as m; m._measure_memory({url!r})"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, timeout=1800
    )
    values = json.loads(out.stdout.strip().splitlines()[-1])
    return Memory(**values)


def _max_rss_mb() -> float:
    """This process's peak RSS: VmHWM of /proc/self/status (Linux), else ru_maxrss.

    Not ru_maxrss on Linux: it survives fork + exec, so a child would start at its parent's peak."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux, bytes on macOS


def _measure_memory(url: str) -> None:
    import analytics.flags
    import analytics.recurrence
    import analytics.soreness
    import analytics.workload  # noqa: F401  (imports count in the baseline, not in the peak's growth)

    engine = make_engine(url)
    baseline = _max_rss_mb()
    frames = read_rows(engine)
    after_read = _max_rss_mb()
    analyse(frames)
    engine.dispose()
    print(json.dumps({"baseline_mb": baseline, "after_read_mb": after_read, "peak_mb": _max_rss_mb()}))
