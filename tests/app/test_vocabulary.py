"""Every page, for every role, renders (no exception, a title) and speaks words: no snake_case code name
reaches what a person reads, and no region reads as a code with its underscores taken out ("Hip groin").

The demo (anchored at `DEMO_END`) is opened as each demo account on each page of its menu (`ui.menu.MENUS`),
and every text of the run is collected from the element protos (main and sidebar): Markdown, captions,
titles and headings, alerts, metrics' labels, values and deltas, widgets' labels, help, placeholders and
options, buttons, tables' shown column labels and text cells, and the titles, axis titles, legend names,
tick labels and annotations of plotly charts. The words come from `views.words` (issue 12, "One house").
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pandas as pd
import pytest
import streamlit as st
from google.protobuf.json_format import MessageToDict
from sqlalchemy import text
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from data.db import make_engine
from data.demo import DEMO_ACCOUNTS
from tests.app.conftest import APP, TIMEOUT
from ui.menu import MENUS, PageSpec
from views.glossary import terms_in

#: A code name: two or more lower-case words joined by underscores.
CODE_NAME = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
#: Proto fields that are not read by a person: widget ids and form ids (they hold the widget keys), icons
#: (Material names such as ``trending_down``), links, chart specs and table data (read separately below).
SKIPPED_FIELDS = {"id", "formId", "icon", "url", "pageScriptHash", "spec", "arrowData", "data", "columns", "key"}
#: Element kinds whose text a person does not read as words (code blocks show file contents verbatim).
SKIPPED_ELEMENTS = {"code", "json", "html", "empty", "space", "skeleton", "spinner"}
#: Text a person reads as written, not as words, where a code name is right: Markdown inline code (a
#: column header to type into an import file, shown as `external_id`) and file names (``therapy_sessions.csv``,
#: the names of the files an export holds and an import reads).
VERBATIM = re.compile(r"`[^`]*`|\b[\w./-]+\.(?:csv|xlsx|zip|json|html|db)\b")
#: What `code.replace("_", " ")` made of a code whose words differ ("Hip groin" for ``hip_groin``), and
#: the slash without spaces of older tables ("hip/groin"): the vocabulary says "hip / groin".
STALE_WORDS = re.compile(
    r"\b(?:hip groin|pelvis sacrum|lower leg achilles|dorsiflexion lunge|joint cartilage|"
    r"hip/groin|pelvis/sacrum|leg/Achilles)\b",
    re.IGNORECASE,
)

PAGES: list[tuple[str, PageSpec]] = [
    (role, spec) for role, sections in MENUS.items() for specs in sections.values() for spec in specs
]


def _strings(value: object, field: str = "") -> Iterator[str]:
    if field in SKIPPED_FIELDS:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, key)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, field)


def _table_texts(node: object) -> Iterator[str]:
    """The shown columns' labels and the text cells of a dataframe or table element."""
    proto = node.proto
    frame = node.value
    config = json.loads(proto.columns) if getattr(proto, "columns", "") else {}
    order = list(getattr(proto, "column_order", []))
    for column in frame.columns:
        name = str(column)
        conf = config.get(f"col:name:{name}", config.get(name, {}))
        if (order and name not in order) or conf.get("hidden"):
            continue
        yield str(conf.get("label") or name)
        if conf.get("help"):
            yield str(conf["help"])
        cells = frame[column]
        if cells.dtype == object or pd.api.types.is_string_dtype(cells):
            yield from (str(c) for c in cells.dropna().unique() if isinstance(c, str))


def _chart_texts(spec: dict) -> Iterator[str]:
    """Titles, axis titles, legend names, tick labels and annotations of a plotly figure."""
    layout = spec.get("layout", {})
    for key, part in layout.items():
        if isinstance(part, dict):
            title = part.get("title")
            yield from _strings(title.get("text") if isinstance(title, dict) else title)
            if key.startswith(("xaxis", "yaxis")):
                yield from _strings(part.get("ticktext"))
    title = layout.get("title")
    yield from _strings(title.get("text") if isinstance(title, dict) else title)
    for note in layout.get("annotations", []):
        yield from _strings(note.get("text"))
    for trace in spec.get("data", []):
        yield from _strings(trace.get("name"))
        for axis in ("x", "y"):
            values = trace.get(axis)
            if isinstance(values, list) and values and all(isinstance(v, str) for v in values):
                yield from values


def texts(at: AppTest) -> Iterator[tuple[str, str]]:
    """(element kind, text) of everything the run drew."""

    def walk(node: object) -> Iterator[tuple[str, str]]:
        proto = getattr(node, "proto", None)
        kind = getattr(node, "type", "")
        if proto is not None and kind not in SKIPPED_ELEMENTS and hasattr(proto, "DESCRIPTOR"):
            if kind in ("dataframe", "table"):
                yield from ((kind, t) for t in _table_texts(node))
            elif proto.DESCRIPTOR.name == "PlotlyChart":
                yield from ((kind, t) for t in _chart_texts(json.loads(proto.spec)))
            else:
                yield from ((kind, t) for t in _strings(MessageToDict(proto, preserving_proto_field_name=False)))
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    yield from walk(at.main)
    yield from walk(at.sidebar)


def code_names(at: AppTest) -> list[tuple[str, str, str]]:
    """(element kind, code name, the text around it) for every code name the run shows."""
    found = []
    for kind, shown in texts(at):
        words = VERBATIM.sub("", shown)
        for pattern in (CODE_NAME, STALE_WORDS):
            for match in pattern.finditer(words):
                found.append((kind, match.group(), words[max(0, match.start() - 40) : match.end() + 40]))
    return found


def unexplained(at: AppTest) -> list[str]:
    """The glossary terms (`views.glossary`) the run shows without their meaning anywhere on the page: the
    term written out ("ACWR" with "acute:chronic workload ratio") in a text or in a hover help."""
    shown = [text for _, text in texts(at)]
    everything = "\n".join(shown).lower()
    used = {term.short: term for text in shown for term in terms_in(VERBATIM.sub("", text))}
    return sorted(short for short, term in used.items() if term.name.lower() not in everything)


@pytest.fixture(scope="module")
def user_ids(demo_url: str) -> dict[str, int]:
    engine = make_engine(demo_url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT username, id FROM users")).all()
    engine.dispose()
    return {username: int(user_id) for username, user_id in rows}


@pytest.mark.parametrize(("role", "spec"), PAGES, ids=[f"{role}:{spec.url_path}" for role, spec in PAGES])
def test_no_code_name_on_screen(
    demo_url: str, user_ids: dict[str, int], monkeypatch: pytest.MonkeyPatch, role: str, spec: PageSpec
) -> None:
    st.cache_data.clear()
    monkeypatch.setenv("DATABASE_URL", demo_url)
    username = next(name for name, account_role, _ in DEMO_ACCOUNTS if account_role == role)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["user_id"] = user_ids[username]
    at._page_hash = calc_hash(spec.url_path)
    at.run()
    assert at._finished_page_script_hash == calc_hash(spec.url_path), f"{spec.path} did not run for {role}"
    assert not at.exception, at.exception
    assert at.title, f"{spec.path} has a title"
    found = code_names(at)
    assert not found, "\n".join(f"{kind}: {name!r} in …{around}…" for kind, name, around in found)
    assert not unexplained(at), f"abbreviations shown without their meaning on the page: {unexplained(at)}"


@pytest.mark.parametrize("database", ["demo", "empty"])
def test_no_code_name_before_sign_in(
    demo_url: str, empty_url: str, monkeypatch: pytest.MonkeyPatch, database: str
) -> None:
    """The sign-in page (a database with users) and the first-run page (an empty one)."""
    st.cache_data.clear()
    monkeypatch.setenv("DATABASE_URL", demo_url if database == "demo" else empty_url)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    assert at.button, "no sign-in or first-run form"
    found = code_names(at)
    assert not found, "\n".join(f"{kind}: {name!r} in …{around}…" for kind, name, around in found)


def test_the_collector_sees_a_code_name() -> None:
    """The check itself: a snake_case word in a caption, a column or a chart title is caught."""
    at = AppTest.from_string(
        "import pandas as pd, plotly.graph_objects as go, streamlit as st\n"
        "st.caption('Hip / groin, `external_id`, athletes_2026.csv')\n"
        "st.caption('Left hip groin')\n"
        "st.markdown('shoulder internal_rotation')\n"
        "st.dataframe(pd.DataFrame({'days_since_onset': [1], 'where': ['hip_groin']}), "
        "column_config={'days_since_onset': 'Days since onset'})\n"
        "st.plotly_chart(go.Figure(layout={'title': {'text': 'soreness_score'}}))\n"
    ).run()
    assert {name for _, name, _ in code_names(at)} == {"internal_rotation", "hip_groin", "soreness_score", "hip groin"}
