"""Screen models without Streamlit (DESIGN.md, *Architecture*).

A *view* is one screen's model: a function of the viewer's scoped reader (`views.reader.Reader`: what the
signed-in user may read, bound to a database) and the screen's inputs (team, athlete, dates), returning a
typed, frozen dataclass that holds every frame, figure input and sentence the page shows. Pages render a
view's attributes; `ui.loaders` caches the views per user and scope; the HTML report, the benchmark and the
tests call the same functions. Views import no Streamlit; every word they write comes from `views.words`.
"""
