"""HTML pieces every printable report shares (`ui.report`, `ui.surveillance_report`): escaped text, number
formats, tables and inline plotly charts. Everything a person typed goes through `escaped`."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from ui.text import visible


def escaped(value: object) -> str:
    """`value` as escaped text ("—" when missing), without bidirectional controls (`ui.text.visible`)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    return html.escape(visible(value), quote=True)


def decimals(digits: int) -> Callable[[object], str]:
    def fmt(value: object) -> str:
        return "—" if value is None or pd.isna(value) else f"{float(value):.{digits}f}"

    return fmt


def html_table(rows: pd.DataFrame, columns: Sequence[tuple[str, str, Callable[[object], str] | None]]) -> str:
    """An HTML table of `rows`: (column, heading, formatter) per column; text cells escaped, formatted
    cells (numbers, dates) right-aligned."""
    head = "".join(f'<th class="{"num" if f else ""}">{escaped(h)}</th>' for _, h, f in columns)
    body = []
    for record in rows.to_dict("records"):  # a report's tables: tens of rows
        cells = []
        for column, _, fmt in columns:
            value = record.get(column)
            if fmt is None:
                cells.append(f'<td class="{"notes" if column == "notes" else ""}">{escaped(value)}</td>')
            else:
                cells.append(f'<td class="num">{escaped(fmt(value))}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


class Charts:
    """Figures to HTML divs; plotly.js is written inline with the first one only."""

    def __init__(self) -> None:
        self.first = True

    def __call__(self, fig: go.Figure) -> str:
        # plotly's own template, whatever the process's default: Streamlit makes its "streamlit" template the
        # default once it has drawn a chart, and that one leaves the axes' margins to Streamlit's front end
        fig.layout.template = pio.templates["plotly"]  # assigned, not merged into the default one
        fig.update_layout(autosize=True, width=None)
        div = fig.to_html(
            full_html=False,
            include_plotlyjs=self.first,
            default_width="100%",
            config={"displayModeBar": False, "responsive": True},
        )
        self.first = False
        return f'<figure class="chart">{div}</figure>'
