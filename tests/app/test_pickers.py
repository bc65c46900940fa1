"""The therapist's athlete pickers start on the athlete who needs attention first: the top of *Caseload*,
not the alphabetically first (issue 14)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import sign_in

StartApp = Callable[[str], AppTest]


@pytest.mark.parametrize("path", ["pages/log_session.py", "pages/record_rom.py", "pages/injuries.py"])
def test_a_record_form_starts_on_the_top_of_the_caseload(app_at: StartApp, demo_url: str, path: str) -> None:
    at = sign_in(app_at(demo_url), "therapist", "fascia-therapist")
    assert not at.exception
    board = at.dataframe[0].value  # Caseload, the therapist's landing page, in attention order
    top = str(board["display_name"].iloc[0])
    assert top != sorted(board["display_name"])[0], "the demo's top of the caseload is not the first by name"
    at = at.switch_page(path).run()
    assert not at.exception
    picked = next(s for s in at.selectbox if s.label == "Athlete")
    assert picked.format_func(picked.value).startswith(f"{top} · "), (picked.value, top)
