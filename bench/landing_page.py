"""One fresh process's first page, for `bench.first_page`: ``python -m bench.landing_page <coach user id>``
renders the dashboard once as that coach (DATABASE_URL from the environment) with
`streamlit.testing.v1.AppTest`, prints `RENDERED` once the coach has landed on *Team today*, and exits 0.
It imports only the standard library and Streamlit before the dashboard itself, so what the process
spends is the dashboard's.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard.py")
LANDING_TITLE = "Team today"
#: The line the process writes once the page has rendered.
RENDERED = "RENDERED"


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
    print(RENDERED, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(render_landing_page(int(sys.argv[1])))
