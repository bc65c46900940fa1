"""The first page after a server start (`first_page_cold_ms`; budget 3 s): a fresh Python process, from its
first import to the coach's landing page (*Team today*) rendered by `streamlit.testing.v1.AppTest`, on the
benchmark organisation. It is what a newcomer waits for after `streamlit run` on an idle machine: the
interpreter, every import of the dashboard and the page, the component scan of a first AppTest run, the
page's queries and analytics with an empty cache, the charts. The clock starts when the process is
started and stops when the process reports the page rendered (it writes `RENDERED` on its standard output
and flushes it): the interpreter's tear-down after that (0.4 s, freeing every module and frame) is not
something a person waits for, since a server never exits after its first page. The process is still
waited for, and its exit status checked, untimed. The runs are timed after one untimed run that warms the
operating system's file cache and writes Python's bytecode cache (`__pycache__`), as any server's first
start does: the processes run with bytecode writing on even where the environment turns it off
(`PYTHONDONTWRITEBYTECODE`, set on CI machines), or every run would compile the app's modules from source
again.

Each process runs `bench.landing_page`, which imports nothing of the benchmark's own.

Which Python runs it matters: a newcomer installs `requirements.lock` only (the README's first command),
about 60 distributions, and Streamlit's component scan reads the metadata of every installed one (0.1 s
for those, 0.8 s for the 150 of a test environment, where pandera also imports hypothesis).
`--runtime-env` (`runtime_python`) runs the processes in a virtual environment holding exactly the runtime
lock, built once (a minute) and cached beside the benchmark databases; without it they run in the
benchmark's own environment. The JSON's `first_page_environment` says which, with its distribution count.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import threading
import time
import venv
from collections.abc import Callable

from bench.landing_page import RENDERED, ROOT
from bench.organisation import cache_dir
from bench.timing import Timing

RUNTIME_LOCK = ROOT / "requirements.lock"

#: Seconds after which a process that has not finished is killed (and the benchmark fails).
TIMEOUT_S = 600


def first_page_cold(url: str, coach_id: int, runs: int, python: str = sys.executable) -> Timing:
    """Milliseconds from the start of a fresh process (of `python`) to its coach's landing page rendered
    on `url`, for `runs` processes after one untimed one."""
    if runs < 1:
        raise ValueError(f"runs must be at least 1, got {runs}")
    env = {**os.environ, "DATABASE_URL": url, "STREAMLIT_LOGGER_LEVEL": "error"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    command = [python, "-m", "bench.landing_page", str(coach_id)]
    times = [rendered_after_ms(command, env) for _ in range(runs + 1)][1:]
    return Timing(tuple(times))


def rendered_after_ms(command: list[str], env: dict[str, str]) -> float:
    """Milliseconds from starting `command` to its `RENDERED` line; raises, with its output, unless it
    rendered and then exited 0 within `TIMEOUT_S`."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    watchdog = threading.Timer(TIMEOUT_S, process.kill)
    watchdog.start()
    try:
        elapsed_ms, output = None, []
        for line in process.stdout or ():
            if elapsed_ms is None and line.strip() == RENDERED:
                elapsed_ms = (time.perf_counter() - start) * 1000
            output.append(line)
        process.wait()
    finally:
        watchdog.cancel()
    if elapsed_ms is None or process.returncode != 0:
        raise RuntimeError(f"the first page failed in a fresh process: {''.join(output)[-4000:]}")
    return elapsed_ms


def runtime_python(log: Callable[[str], None]) -> str:
    """The Python of a virtual environment holding exactly `requirements.lock` (hashes checked), built on
    first use under the benchmark cache and named by the lock's digest, so a changed lock builds anew."""
    digest = hashlib.sha256(RUNTIME_LOCK.read_bytes()).hexdigest()[:10]
    folder = cache_dir() / f"runtime-env-{digest}"
    python = folder / "bin" / "python"
    if python.exists():
        return str(python)
    log(f"building the runtime environment from {RUNTIME_LOCK.name} (once, about a minute)")
    building = folder.with_name(folder.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    venv.create(building, with_pip=True)
    install = [str(building / "bin" / "python"), "-m", "pip", "install", "-q", "--require-hashes", "--no-deps"]
    done = subprocess.run([*install, "-r", str(RUNTIME_LOCK)], capture_output=True, text=True)
    if done.returncode != 0:
        shutil.rmtree(building, ignore_errors=True)
        raise RuntimeError(f"installing {RUNTIME_LOCK.name} failed: {done.stderr[-2000:]}")
    building.rename(folder)
    return str(python)


def distributions(python: str) -> int:
    """How many distributions are installed in `python`'s environment (Streamlit's component scan reads
    each one's metadata)."""
    count = subprocess.run(
        [python, "-c", "import importlib.metadata as m; print(len(list(m.distributions())))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return int(count)
