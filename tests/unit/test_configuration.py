"""docs/CONFIGURATION.md is the one table of the environment (issue 18): every variable the application's
code reads, and every one `deploy/` asks the person deploying for, has a row; and every row is read by
something (the code, Streamlit, or `deploy/`)."""

from __future__ import annotations

import ast
import re

import streamlit.config

from data.db import ROOT

DOC = ROOT / "docs" / "CONFIGURATION.md"
#: The application's code (the tests and the benchmark read variables of their own, for developers).
CODE = ["analytics", "data", "ui", "views", "pages", "dashboard.py", "serve.py", "migrations"]
DEPLOY = ROOT / "deploy"
_NAMED = re.compile(r"^(FASCIA_[A-Z0-9_]+|DATABASE_URL)$")


def documented() -> dict[str, str]:
    """Each row of the table: name -> its "Read by" cell."""
    rows = {}
    for line in DOC.read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 5 and (name := cells[0].strip("`")) and re.fullmatch(r"[A-Z][A-Z0-9_]+", name):
            assert name not in rows, f"{name} has two rows"
            rows[name] = cells[4]
    return rows


def _is_environ(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ"


def read_in_code() -> set[str]:
    """Names passed to os.environ.get / os.getenv / os.environ[...] / setdefault, and every string constant
    shaped like one of ours (FASCIA_..., DATABASE_URL: read through a named constant)."""
    names: set[str] = set()
    files = [p for entry in CODE for p in ([ROOT / entry] if entry.endswith(".py") else (ROOT / entry).rglob("*.py"))]
    for path in files:
        if not path.exists():
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and _NAMED.match(node.value):
                names.add(node.value)
            key: ast.expr | None = None
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
                environ_call = node.func.attr in ("get", "setdefault") and _is_environ(node.func.value)
                if environ_call or node.func.attr == "getenv":
                    key = node.args[0]
            elif isinstance(node, ast.Subscript) and _is_environ(node.value):
                key = node.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                names.add(key.value)
    return names


def asked_by_deploy() -> set[str]:
    """What `deploy/` expects the person deploying to set: `${NAME...}` in its files, keys of .env.example."""
    names: set[str] = set()
    for path in DEPLOY.rglob("*"):
        if path.is_file() and path.suffix in (".yaml", ".yml", ".sh", ".example", ""):
            text = path.read_text(errors="replace")
            names |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text))
            if path.name.startswith(".env"):
                names |= set(re.findall(r"^([A-Z][A-Z0-9_]*)=", text, re.MULTILINE))
    return names


def streamlit_variables() -> set[str]:
    """Every `STREAMLIT_...` variable Streamlit reads: one per config option."""
    return {option.env_var for option in streamlit.config.get_config_options().values()}


def test_every_variable_the_code_or_deploy_reads_has_a_row() -> None:
    rows = documented()
    assert {"DATABASE_URL", "FASCIA_IDLE_MINUTES", "FASCIA_LOG_LEVEL"} <= read_in_code()  # the scan works
    missing = (read_in_code() | asked_by_deploy()) - set(rows)
    assert not missing, f"add to docs/CONFIGURATION.md: {sorted(missing)}"


def test_every_row_is_read_by_what_it_says() -> None:
    code, deploy, streamlit_reads = read_in_code(), asked_by_deploy(), streamlit_variables()
    for name, read_by in documented().items():
        readers = {reader.strip() for reader in read_by.split(",")}
        assert readers <= {"Fascia", "Streamlit", "compose", "container"}, (name, read_by)
        assert ("Fascia" in readers) == (name in code), f"{name}: read by Fascia's code? {name in code}"
        if "Streamlit" in readers:
            assert name in streamlit_reads, f"{name} is no Streamlit option"
        if readers & {"compose", "container"}:
            assert name in deploy or _set_by_deploy(name), f"{name} is not in deploy/"


def _set_by_deploy(name: str) -> bool:
    """Whether a file of `deploy/` names `name` (e.g. compose setting a container's variable)."""
    return any(name in p.read_text(errors="replace") for p in DEPLOY.rglob("*") if p.is_file())
