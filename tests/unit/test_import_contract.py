"""The import contract of DESIGN.md "Architecture", checked on every run of the suite (so in CI).

- import-linter's contracts in pyproject.toml ([tool.importlinter]): pages -> ui -> views -> data ->
  analytics with no arrow back, Streamlit kept out of views, data and analytics, SQLAlchemy out of analytics
  and pages;
- the tests are one house: no test module imports another; what tests share lives in shared modules
  (tests/factories.py, tests/hostile.py, tests/reliability.py, tests/cli.py) or in conftest fixtures.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from data.db import ROOT

TESTS = ROOT / "tests"
#: `lint-imports` as installed by requirements-dev.lock, run from the checkout without its graph cache.
LINT_IMPORTS = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"


def imported_modules(path: Path, root: Path = ROOT) -> Iterator[tuple[int, str]]:
    """(line, dotted name) of every module `path` (in the checkout at `root`) imports, relative imports
    resolved against its package; for `from package import name` both the package and `package.name`."""
    package = list(path.relative_to(root).with_suffix("").parts[:-1])
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module or "").split(".")]).strip(".")
            yield node.lineno, module
            yield from ((node.lineno, f"{module}.{alias.name}") for alias in node.names)


def is_test_module(name: str) -> bool:
    """A test module of this suite: tests.<...>.test_<...> (what pytest collects)."""
    parts = name.split(".")
    return parts[0] == "tests" and parts[-1].startswith("test_")


def test_no_test_module_imports_another() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in sorted(TESTS.rglob("*.py"))
        for line, name in imported_modules(path)
        if is_test_module(name)
    ]
    assert found == [], "move what they share to tests/factories.py or another shared module:\n" + "\n".join(found)


def test_the_checker_sees_every_spelling_of_such_an_import(tmp_path: Path) -> None:
    """Absolute, `from package import module`, relative: each names the test module it imports."""
    package = tmp_path / "tests" / "unit"
    package.mkdir(parents=True)
    example = package / "example.py"
    example.write_text(
        "import tests.unit.test_a\nfrom tests.unit import test_b\nfrom .test_c import x\nfrom . import test_d\n"
    )
    found = {name for _, name in imported_modules(example, root=tmp_path) if is_test_module(name)}
    assert found == {"tests.unit.test_a", "tests.unit.test_b", "tests.unit.test_c", "tests.unit.test_d"}
    assert not is_test_module("tests.factories") and not is_test_module("tests.app.conftest")


def test_the_layers_hold() -> None:
    done = subprocess.run(
        [sys.executable, "-c", LINT_IMPORTS, "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout
