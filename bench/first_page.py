"""The first page after a server start (`first_page_cold_ms`; budget 3 s): a fresh Python process, from its
first import to the coach's landing page (*Team today*) rendered by `streamlit.testing.v1.AppTest`, on the
benchmark organisation. It is what a newcomer waits for after `streamlit run` on an idle machine: the
interpreter, every import of the dashboard and the page, the component scan of a first AppTest run, the
page's queries and analytics with an empty cache, the charts. The wall time of the process is measured
after one untimed run that warms the operating system's file cache and writes Python's bytecode cache
(`__pycache__`), as any server's first start does: the processes run with bytecode writing on even where
the environment turns it off (`PYTHONDONTWRITEBYTECODE`, set on CI machines), or every run would
compile the app's modules from source again.

Run as a module, ``python -m bench.first_page <coach user id>`` renders the page once (DATABASE_URL
from the environment) and exits 0 when the coach landed on *Team today*.
"""

from __future__ import annotations

import os
import subprocess
import sys

from bench.timing import Timing, measure
from data.db import ROOT

APP = str(ROOT / "dashboard.py")
LANDING_TITLE = "Team today"


def first_page_cold(url: str, coach_id: int, runs: int) -> Timing:
    """Milliseconds of `runs` fresh processes, each rendering the coach's landing page once on `url`."""
    env = {**os.environ, "DATABASE_URL": url, "STREAMLIT_LOGGER_LEVEL": "error"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    command = [sys.executable, "-m", "bench.first_page", str(coach_id)]

    def fresh_process() -> None:
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            raise RuntimeError(f"the first page failed in a fresh process: {done.stdout[-2000:]}{done.stderr[-2000:]}")

    return measure(fresh_process, runs=runs)


def render_landing_page(coach_id: int) -> int:
    """Render the dashboard once as `coach_id`; 0 when it landed on *Team today* without an exception."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=300)
    at.session_state["user_id"] = coach_id
    at.run()
    if at.exception:
        print(at.exception[0].message)
        return 1
    if not any(title.value == LANDING_TITLE for title in at.title):
        print(f"landed on {[title.value for title in at.title]}, not {LANDING_TITLE}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(render_landing_page(int(sys.argv[1])))
