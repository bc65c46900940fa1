"""The abbreviations line at the foot of a page: each abbreviation the page shows, written out, with its plain
meaning on hover and a link to the *Glossary* page (`views.glossary` holds the words)."""

from __future__ import annotations

import streamlit as st

from views.glossary import TERMS


def abbreviations(*shorts: str) -> None:
    """ "Abbreviations: NPRS = numeric pain rating scale · ROM = range of motion. Glossary", the meanings on
    hover. `shorts` are keys of `views.glossary.TERMS`, in the order the page shows them."""
    terms = [TERMS[short] for short in shorts]
    written = " · ".join(f"**{t.short}** = {t.name}" for t in terms)
    st.caption(
        f"Abbreviations: {written}. [Glossary](/glossary)",
        help="  \n".join(f"**{t.short}**: {t.meaning}" for t in terms),
    )
