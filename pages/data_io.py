"""Import and export (admin): CSV / Excel records, a PMSys / PMData .zip, and exports of every table,
one team or one athlete.

Imports go through `ui.transfer` (the same functions the tests call, and the same importers as
`python -m data import`): every file is validated whole first, and a file with any bad row is refused
with every problem listed, nothing written. After a write the cached frames are cleared. Admin
exports carry the clinical notes; every export is audited.

An upload over `background.INLINE_BYTES` (1 MB) is imported off the page's script thread
(`ui.background`: one import at a time per server, one per user; a user's second import while the first
runs is refused with a sentence); a smaller one runs inline and shows its result in the same run. For a
large one the page polls the job every POLL_SECONDS in a fragment showing the importer's progress, then
reruns whole to show the result. Either way the result is kept in the registry a while, so a rerun or a
second tab of the same user sees it too.
"""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import available_timezones

import streamlit as st

from data.dates import DateOrder
from data.errors import ValidationError
from data.imports import KINDS, LAYOUTS, MAX_IMPORT_ROWS, template
from data.pmsys import DEFAULT_TEAM
from data.record_checks import InvalidRecords
from ui import background, loaders, transfer
from ui.glossary import abbreviations
from ui.session import engine, page_viewer
from ui.text import literal
from views import words

POLL_SECONDS = 1.0  # how often the page looks at a running import
DATE_ORDERS = {
    DateOrder.NONE: "YYYY-MM-DD only",
    DateOrder.DAY_FIRST: "Day first (31/12/2025)",
    DateOrder.MONTH_FIRST: "Month first (12/31/2025)",
}
TIMEZONES = sorted(available_timezones())


def said(error: ValidationError) -> str:
    """A refusal in words: "pmdata.zip is not a .zip file", or the field, value and reason."""
    if error.field in ("zip", "file") and error.row is None:
        return f"{error.value} {error.reason}"
    if error.row is None:
        return f"{error.field} {error.reason}"
    return str(error)


def kind_label(kind: str) -> str:
    """A kind of record in words: ``therapy_sessions`` -> "Therapy sessions"."""
    return words.word(words.RECORD_KINDS, kind)


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def start_import(user_id: int, kind: str, name: str, size: int, work: background.Work) -> None:
    """Queue an import off the page's thread (run it inline up to `background.INLINE_BYTES`); a refusal
    (one already runs for this user) in words."""
    inline = size <= background.INLINE_BYTES
    try:
        background.jobs().start(user_id, kind, name, work, inline=inline)
    except background.Busy as busy:
        st.warning(f"Not started: {literal(str(busy))}", icon=":material/hourglass_top:")
        return
    if not inline:
        st.rerun()  # the page again, its import buttons off while the job runs


@st.fragment(run_every=POLL_SECONDS)
def import_progress(user_id: int, job_id: str, text: str) -> None:
    """The running import's progress bar, polled; the whole page reruns to show the result once it ends."""
    job = background.jobs().get(user_id, job_id)
    if job is None or not job.active:
        st.rerun(scope="app")
        return
    name = literal(job.name)
    if job.state == "queued":
        st.progress(0.0, text=f"{name}: waiting for another import to finish…")
    elif job.total:
        st.progress(min(job.done / job.total, 1.0), text=f"{name}: {text} {job.done:,} of {job.total:,}")
    else:
        st.progress(0.0, text=f"{name}: reading and checking the file…")


def show_import(user_id: int, kind: str, text: str, show_result: Callable[[background.Job], None]) -> None:
    """The user's last import of `kind`: its progress while it runs, its result when it has ended."""
    job = background.jobs().latest(user_id, kind)
    if job is None:
        return
    if job.active:
        import_progress(user_id, job.id, text)
    elif job.failure is not None:
        st.error(f"Nothing was imported: {literal(job.failure)}.", icon=":material/block:")
    else:
        show_result(job)


def on_create_unknown() -> None:
    """On "Create them and import": tick the option, name the team, and import again on the next run."""
    st.session_state["records_create"] = True
    st.session_state["records_team"] = st.session_state.get("unknown_team") or ""
    st.session_state["records_run"] = True


def show_refusal(name: str, error: InvalidRecords, offer_create: bool = False) -> None:
    """The refusal of file `name`, every problem listed; `offer_create`: offer to create the unknown
    athletes it names and import it again (only while that same file is the one uploaded)."""
    problems = transfer.problem_table(error)
    rows = int(problems["Row"].dropna().nunique())
    st.error(
        f"Nothing was imported: {literal(name)} has {plural(len(problems), 'problem')} in "
        f"{plural(rows, 'row')}. Nothing was written; correct the file and import it again.",
        icon=":material/block:",
    )
    st.caption("Every problem, by spreadsheet row (the header is row 1):")
    st.dataframe(
        problems,
        hide_index=True,
        width="stretch",
        column_config={
            "Row": st.column_config.NumberColumn("Row", format="%d", width="small"),
            "Column": st.column_config.TextColumn("Column", width="small"),
            "Value": st.column_config.TextColumn("Value", width="small"),
            "Problem": st.column_config.TextColumn("Problem", width="large"),
        },
    )
    unknown = transfer.unknown_athletes(error)
    if unknown and offer_create:
        with st.container(border=True):
            st.markdown(f"**{plural(len(unknown), 'athlete')} not on file yet.** External ids:")
            st.text(", ".join(unknown))
            names = loaders.all_teams()["name"].tolist()
            st.selectbox(
                "Team they join",
                names,
                index=0 if names else None,
                accept_new_options=True,
                placeholder="Pick a team or type a new name",
                key="unknown_team",
                help="A new name creates the team (time zone UTC).",
            )
            st.button(
                f"Create {'this athlete' if len(unknown) == 1 else f'these {len(unknown)} athletes'} and import",
                on_click=on_create_unknown,
                key="create_unknown",
                icon=":material/person_add:",
            )


def show_records_result(job: background.Job, uploaded: str | None) -> None:
    """The last import's result; `uploaded` is the name of the file in the uploader now, if any."""
    if job.error is not None:
        if isinstance(job.error, InvalidRecords):
            show_refusal(job.name, job.error, offer_create=uploaded == job.name)
        else:
            st.error(f"Nothing was imported: {literal(said(job.error))}.", icon=":material/block:")
        return
    report = job.result
    st.success(
        f"Imported {literal(job.name)}: {plural(report.rows, 'row')} of "
        f"{words.lower_first(kind_label(report.kind))}. "
        f"{report.inserted:,} inserted, {report.updated:,} updated, {report.unchanged:,} unchanged.",
        icon=":material/task_alt:",
    )
    notes = []
    if report.blank_rows:
        notes.append(f"Skipped {report.blank_rows:,} blank rows.")
    if report.teams_created:
        notes.append(f"Created {plural(len(report.teams_created), 'team')}: {', '.join(report.teams_created)}.")
    if report.athletes_created:
        notes.append(
            f"Created {plural(len(report.athletes_created), 'athlete')}: {', '.join(report.athletes_created)} "
            "(named after their external ids until an athletes file gives their names)."
        )
    for note in notes:
        st.text(note)


def import_records_tab(actor_id: int) -> None:
    st.caption(
        "One kind of record per file, CSV or Excel (.xlsx), in the layout of its template: athletes are "
        "named by their external id. The whole file is checked first; a file with any bad row is refused "
        "with every problem listed and nothing written. Importing the same file again changes nothing; "
        "a changed value of a record already on file is an update. Each kind's columns are in its template."
    )
    kind = st.selectbox("Kind of record", KINDS, format_func=kind_label, key="records_kind")
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    left.caption("Columns, in this order: " + ", ".join(f"`{column}`" for column in LAYOUTS[kind]))
    right.download_button(
        "Download template",
        data=template(kind),
        file_name=f"{kind}.csv",
        mime="text/csv",
        icon=":material/description:",
        key=f"template_{kind}",
        on_click="ignore",
        width="stretch",
    )
    upload = st.file_uploader(
        "File to import",
        type=["csv", "xlsx"],
        key="records_file",
        help=f"Up to {transfer.MAX_UPLOAD_MB} MB and {MAX_IMPORT_ROWS:,} rows. CSV files in UTF-8 or UTF-16 "
        "(Excel's Unicode text), separated by commas, semicolons or tabs. A larger file: split it, or import "
        "it on the server with `python -m data import`.",
    )
    create = st.checkbox(
        "Create athletes that are not on file yet",
        key="records_create",
        help="Otherwise a file naming an unknown external id is refused. Athletes are best imported "
        "first from an athletes file, which carries their names and teams.",
    )
    team = ""
    if create:
        team = st.text_input(
            "Team the new athletes join", key="records_team", help="Created (time zone UTC) when missing."
        )
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    date_order = left.radio(
        "Dates written",
        list(DATE_ORDERS),
        format_func=DATE_ORDERS.get,
        horizontal=True,
        key="records_date_order",
        help="Dates written YYYY-MM-DD and Excel date cells are always read. Any other date is read only in "
        "the order chosen here; otherwise its row is refused, naming both readings.",
    )
    decimal_comma = right.checkbox(
        "Decimal commas (5,5)",
        key="records_decimal_comma",
        help="Read numbers written with a decimal comma in a CSV file. Files delimited by ; or tabs "
        "(European Excel) are read with decimal commas anyway; a workbook's numbers are number cells.",
    )
    busy = background.jobs().running(actor_id) is not None  # one import at a time per user
    pressed = st.button("Import", type="primary", disabled=upload is None or busy, key="records_import")
    if st.session_state.pop("records_run", False) and upload is not None:
        pressed = True
    if pressed and upload is not None:
        database, data, name = engine(), upload.getvalue(), upload.name

        def work(progress: transfer.Progress) -> object:
            report = transfer.import_records(
                database,
                kind,
                data,
                name,
                create_athletes=create,
                team=team,
                actor_id=actor_id,
                progress=progress,
                date_order=date_order,
                decimal_comma=decimal_comma,
            )
            loaders.clear()
            return report

        start_import(actor_id, "records", name, len(data), work)
    uploaded = None if upload is None else upload.name
    show_import(actor_id, "records", "rows written", lambda job: show_records_result(job, uploaded))


def show_pmsys_result(job: background.Job) -> None:
    error = job.error
    if isinstance(error, InvalidRecords):
        show_refusal(job.name, error)
        return
    if error is not None:
        st.error(f"Nothing was imported: {literal(said(error))}.", icon=":material/block:")
        return
    report = job.result
    st.success(
        f"Imported {literal(report.folder)}: {plural(report.participants, 'participant')} into the team "
        f"{literal(report.team)} "
        f"(dates in {report.timezone}); {report.athletes_created} athletes created, "
        f"{report.athletes_matched} matched" + (", team created." if report.team_created else "."),
        icon=":material/task_alt:",
    )
    st.dataframe(transfer.pmsys_tables(report), hide_index=True, width="content")
    st.caption("What was skipped or fixed (each line says which rule applied):")
    st.dataframe(
        transfer.pmsys_fixes(report),
        hide_index=True,
        width="stretch",
        column_config={
            "What": st.column_config.TextColumn("What", width="large"),
            "Count": st.column_config.NumberColumn("Count", width="small"),
            "Details": st.column_config.TextColumn("Details", width="large"),
        },
    )


def import_pmsys_tab(actor_id: int) -> None:
    st.caption(
        "A .zip of a PMSys / PMData folder: one folder per participant (its name is the athlete's external id), "
        "each with pmsys/wellness.csv, srpe.csv and injury.csv; the folders may sit inside one top-level "
        "folder. The same import as `python -m data import --format pmsys DIR`: one transaction, and "
        "importing the same data again changes nothing."
    )
    upload = st.file_uploader("PMSys .zip", type=["zip"], key="pmsys_file", help=f"Up to {transfer.MAX_UPLOAD_MB} MB.")
    left, right = st.columns(2)
    team = left.text_input("Team", value=DEFAULT_TEAM, key="pmsys_team", help="Created when missing.")
    timezone = right.selectbox(
        "Time zone of the dates",
        TIMEZONES,
        index=TIMEZONES.index("UTC"),
        key="pmsys_timezone",
        help="Time stamps are turned into local dates in this zone (PMData's participants are in Norway).",
    )
    busy = background.jobs().running(actor_id) is not None  # one import at a time per user
    if st.button("Import PMSys data", type="primary", disabled=upload is None or busy, key="pmsys_import"):
        assert upload is not None
        database, data, name = engine(), upload.getvalue(), upload.name

        def work(progress: transfer.Progress) -> object:
            report = transfer.import_pmsys_zip(
                database, data, name, team, timezone, progress=progress, actor_id=actor_id
            )
            loaders.clear()
            return report

        start_import(actor_id, "pmsys", name, len(data), work)
    show_import(actor_id, "pmsys", "participants imported", show_pmsys_result)


# --------------------------------------------------------------------------- the page

who = page_viewer(__file__)

st.title("Import and export")
records_tab, pmsys_tab, export_tab = st.tabs(["Import records", "Import PMSys / PMData", "Export"])
with records_tab:
    import_records_tab(who.user_id)
with pmsys_tab:
    import_pmsys_tab(who.user_id)
with export_tab:
    transfer.export_panel(engine(), who, loaders.scope_athletes(who.user_id), loaders.scope_teams(who.user_id))

abbreviations("OSTRC", "ROM")
