"""User text shown as typed (ui/text.py): Markdown-escaped for Streamlit, HTML-escaped for plotly, with the
bidirectional controls that would reorder a line stripped. The strings (tests/hostile.py) are the ones the
browser test (tests/e2e/test_untrusted_text.py) plants in every user-text field."""

from __future__ import annotations

import html
import string

import pytest

from data.db import ROOT
from tests.hostile import HOSTILE_TEXTS, LINK, LONG, RTL, TAG, ZWJ
from ui import flag_cards
from ui.charts import progress, team
from ui.text import BIDI_CONTROLS, WORD_JOINER, literal, plotly_text, visible


def unescape(markdown: str) -> str:
    """What CommonMark shows for `markdown` made only of text and backslash escapes."""
    out, chars = [], iter(markdown)
    for char in chars:
        out.append(next(chars) if char == "\\" else char)
    return "".join(out)


def test_the_hostile_strings_are_what_the_browser_test_plants() -> None:
    assert len(LONG) == 300
    assert "\u202e" in RTL and "\u200d" in ZWJ


@pytest.mark.parametrize(
    "text", HOSTILE_TEXTS, ids=["image", "link", "bare-url", "emphasis", "tag", "long", "rtl", "zwj"]
)
def test_literal_escapes_every_markdown_character_and_strips_bidi_controls(text: str) -> None:
    escaped = literal(text)
    assert not any(c in escaped for c in BIDI_CONTROLS)
    assert unescape(escaped).replace(WORD_JOINER, "") == visible(text)
    # every ASCII punctuation character is escaped: no emphasis, link, image, tag, entity, formula, directive
    unescaped_punctuation = [
        c for i, c in enumerate(escaped) if c in string.punctuation and c != "\\" and escaped[i - 1 : i] != "\\"
    ]
    assert unescaped_punctuation == []
    # GFM links bare URLs after reading the escapes: an invisible word joiner breaks every "://"
    assert "://" not in unescape(escaped)


def test_literal_breaks_bare_urls_www_and_e_mail_autolinks_invisibly() -> None:
    shown = unescape(literal("see https://h.example/p, www.h.example and me@h.example"))
    assert shown == f"see https:{WORD_JOINER}//h.example/p, www{WORD_JOINER}.h.example and me@{WORD_JOINER}h.example"


def test_visible_strips_embedding_override_and_isolate_controls_only() -> None:
    assert visible(RTL) == "Ada gnp.exe Lovelace"
    assert visible("\u202a\u202b\u202c\u202d\u202ex\u2066\u2067\u2068\u2069") == "x"
    assert visible(ZWJ) == ZWJ  # joiners make emoji and scripts; they reorder nothing
    assert visible(7) == "7"


def test_plotly_text_escapes_html_and_strips_bidi_controls() -> None:
    assert plotly_text(TAG) == "&lt;img src=x onerror=alert(1)&gt;"
    assert plotly_text('<a href="http://h/p">x</a>') == "&lt;a href=&quot;http://h/p&quot;&gt;x&lt;/a&gt;"
    assert plotly_text(RTL) == "Ada gnp.exe Lovelace"


def test_there_is_one_helper() -> None:
    assert flag_cards.literal is literal
    assert "def plain" not in (ROOT / "ui" / "transfer.py").read_text()


def test_names_in_chart_titles_ticks_legends_and_hover_are_escaped() -> None:
    import pandas as pd

    matrix = pd.DataFrame([[2.0, None]], index=[TAG], columns=pd.to_datetime(["2026-05-01", "2026-05-02"]))
    heat = team.soreness_heatmap(matrix)
    assert all(list(trace.y) == [html.escape(TAG)] for trace in heat.data)
    load = pd.DataFrame({"date": pd.to_datetime([]), "load": []})
    assert html.escape(LINK) in team.load_acwr_chart(load, f"<a href='x'>{LINK}</a>", "EWMA").layout.title.text
    assert "<a href" not in team.load_acwr_chart(load, "<a href='x'>y</a>", "EWMA").layout.title.text
    curves = pd.DataFrame(
        {
            "group": [TAG, TAG, "Team %{y} (all)", "Team %{y} (all)"],
            "days": [0, 10, 0, 10],
            "survival": [1.0, 0.5, 1.0, 0.6],
            "ci_lower": [1.0, 0.3, 1.0, 0.4],
            "ci_upper": [1.0, 0.7, 1.0, 0.8],
            "at_risk": [2, 1, 4, 2],
            "events": [0, 1, 0, 2],
            "censored": [0, 0, 0, 0],
        }
    )
    km = progress.km_chart(curves, athlete_group=TAG)
    for trace in km.data:
        assert "<img" not in str(trace.name) and "<img" not in str(trace.hovertemplate)
        assert "%{y} (all)" not in str(trace.hovertemplate)  # a name is never read as a template
    assert any(str(trace.name).startswith(html.escape(TAG)) for trace in km.data)
