"""Hostile user text: the strings planted in every user-text field, to show that text is shown as typed.

ui/text.py escapes Markdown for Streamlit and HTML for plotly, and strips the bidirectional controls that
would reorder a line; tests/unit/test_text.py checks it string by string, and the browser test
(tests/e2e/test_untrusted_text.py) plants these same strings in every field a person can type into.
"""

from __future__ import annotations

IMAGE = "![x](http://127.0.0.2:9/beacon.png)"
LINK = "[phish](http://127.0.0.2:9/phish)"
BARE = "http://127.0.0.2:9/bare"
EMPHASIS = "**bold** ~~strike~~ $x^2$ :red[alarm]"
TAG = "<img src=x onerror=alert(1)>"
LONG = ("Long name " * 30).strip() + "!"  # 300 characters
RTL = "Ada \u202egnp.exe\u202c Lovelace"  # shows as "Ada exe.png Lovelace" when the override works
ZWJ = "Zo\u00eb \U0001f469\u200d\u2695\ufe0f Medic"  # a woman health worker emoji: joined by U+200D
#: Every hostile string, as planted.
HOSTILE_TEXTS = (IMAGE, LINK, BARE, EMPHASIS, TAG, LONG, RTL, ZWJ)
