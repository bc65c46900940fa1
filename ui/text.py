"""Text that people typed (names, team names, usernames, e-mails, notes, file names), shown as typed.

Streamlit renders Markdown, with its own directives (``:red[...]``) and KaTeX (``$...$``), in
`st.markdown`, `st.caption`, `st.title`/`header`/`subheader`, `st.info`/`success`/`warning`/`error`,
`st.metric` labels, tab and expander labels and the label of every widget; plotly renders a subset of
HTML (``<b>``, ``<a href>``, ``<br>``) in titles, legends, tick labels and hover text. So every piece of
user text goes through `literal` before it enters a Streamlit string and through `plotly_text` before
it enters a plotly string. (`st.dataframe`, `st.text`, `st.code` and the options of a selectbox show
text literally already.)

Right-to-left embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069) in a name would
reverse what follows them on screen, including our own words after the name ("Closed … for <name>
(2026-05-01)"). Both helpers *strip* them (`visible`): the text keeps its letters, Arabic or Hebrew
letters still run right to left by their own nature, and nothing typed can reorder the rest of the line.
Zero-width joiners and the like are left alone (they make emoji and some scripts, and reorder nothing).
"""

from __future__ import annotations

import html
import re
import string

#: The bidirectional embedding, override and isolate controls `visible` removes.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_STRIP = str.maketrans(dict.fromkeys(BIDI_CONTROLS))
_ESCAPES = str.maketrans({c: "\\" + c for c in string.punctuation})
#: An invisible character that joins (no line break, no width). GitHub-flavoured Markdown turns bare URLs,
#: ``www.`` addresses and e-mail addresses into links after escapes are read, so escaping cannot stop it:
#: `literal` puts this between ``:`` and ``//``, after ``www`` before ``.`` and after ``@``.
WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?<=\bwww)(?=\.)|(?<=@)", re.IGNORECASE)


def visible(text: object) -> str:
    """`text` as a string without bidirectional controls (`BIDI_CONTROLS`), which would reorder the line."""
    return str(text).translate(_STRIP)


def literal(text: object) -> str:
    """`text` for Markdown (any Streamlit element or label), shown as written: bidirectional controls
    stripped (`visible`) and every ASCII punctuation character backslash-escaped, so no emphasis,
    strike-through, link, image, HTML tag or entity, ``$`` formula or Streamlit
    ``:colour[...]`` directive takes effect; and a `WORD_JOINER` (invisible) breaks what would become a bare
    URL, ``www.`` or e-mail link."""
    return _AUTOLINK.sub(WORD_JOINER, visible(text)).translate(_ESCAPES)


def plotly_text(text: object) -> str:
    """`text` for a plotly title, legend entry, tick label or hover text: bidirectional controls stripped
    and HTML-escaped (plotly shows the entities as the characters), so no tag of it takes effect."""
    return html.escape(visible(text), quote=True)
