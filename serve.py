"""The server's entry point: the dashboard (`dashboard.py`) plus `/healthz` for the reverse proxy.

`streamlit run serve.py` serves exactly what `streamlit run dashboard.py` serves (Streamlit finds the
`st.App` below and runs `dashboard.py` in it) and adds one HTTP route, through Streamlit's public
`st.App(routes=...)`: `GET /healthz` answers 200 with "ok: database answers, schema at <revision>"
when the database answers and its schema is current, 503 with the reason otherwise (data/health.py,
the same check as `python -m data health`). The Dockerfile and deploy/compose.yaml run this file.
"""

from __future__ import annotations

import streamlit as st
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from data.db import database_url
from data.health import check, health_engine

_ENGINE = health_engine(database_url())


def healthz(_request: Request) -> PlainTextResponse:
    """200 and the verdict when the server is fit to serve, else 503 and the reason (no health data)."""
    verdict = check(_ENGINE)
    return PlainTextResponse(
        verdict.message + "\n", status_code=200 if verdict.ok else 503, headers={"Cache-Control": "no-store"}
    )


app = st.App("dashboard.py", routes=[Route("/healthz", healthz, methods=["GET", "HEAD"])])
