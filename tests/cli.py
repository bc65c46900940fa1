"""The admin CLI (`python -m data`) as a user runs it, for the tests of its subcommands and of the exports."""

from __future__ import annotations

import os
import subprocess
import sys

from data.db import ROOT


def run(url: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI as a user runs it: a separate process with DATABASE_URL set."""
    env = os.environ | {"DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "data", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )
