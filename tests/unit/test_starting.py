"""The first run after a start holds the garbage collector back until its page has run, then freezes what the
start made (ui/starting.py).

In a process of its own: importing `ui.starting` changes the process's collector, which a test worker's
other tests must not inherit."""

from __future__ import annotations

import json
import subprocess
import sys

from data.db import ROOT

CHECK = """
import gc, json
default = gc.get_threshold()
from ui import starting
held = gc.get_threshold()
before = gc.get_freeze_count()
starting.done()
frozen = gc.get_freeze_count()
made = [object() for _ in range(3)], {"a": [1]}
starting.done()
print(json.dumps({"start": starting.START_GC_THRESHOLD, "default": default, "held": held, "after": gc.get_threshold(),
                  "before": before, "frozen": frozen, "frozen again": gc.get_freeze_count()}))
"""


def test_the_first_run_raises_the_collection_threshold_and_done_gives_it_back_with_the_start_frozen() -> None:
    done = subprocess.run([sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True, text=True, check=True)
    seen = json.loads(done.stdout.splitlines()[-1])
    assert seen["start"] > seen["default"][0]
    assert seen["held"] == [seen["start"], *seen["default"][1:]]
    assert seen["after"] == seen["default"]
    assert seen["before"] == 0 and seen["frozen"] > 10_000, "what the start made is frozen"
    assert seen["frozen again"] == seen["frozen"], "only once: what later runs make is collected as usual"
