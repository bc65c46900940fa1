"""Glossary (every role): each abbreviation and term the screens use, in plain words, with its source."""

from __future__ import annotations

import streamlit as st

from ui.session import page_viewer
from views.glossary import GLOSSARY

page_viewer(__file__)
st.title("Glossary")
st.caption("What the abbreviations on Fascia's screens mean, and where each definition comes from.")

for term in GLOSSARY:
    st.subheader(f"{term.short}: {term.name}", anchor=term.anchor)
    st.markdown(term.meaning)
    st.caption(f"Source: {term.source}")
