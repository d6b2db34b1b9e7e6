"""Release day's slowest responses: the WSGI application freezes the heap it starts with, every view module
imported first, so a full garbage collection walks only what requests allocate (a full collection of the
unfrozen heap was measured at ~60 ms, every few thousand requests; docs/benchmarks.md). In a child process: a
frozen heap would change the test run itself."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import gc, json, sys
import tracker.wsgi
print(json.dumps({"frozen": gc.get_freeze_count(), "tracked": len(gc.get_objects()),
                  "views": [m for m in ("releases.views", "people.views", "imports.api.views") if m in sys.modules]}))
"""


def _probe(**env):
    environment = dict(os.environ, DJANGO_SETTINGS_MODULE="tracker.settings", SECRET_KEY="heap-test", **env)
    environment.pop("DATABASE_URL", None)
    if "WSGI_GC_FREEZE" not in env:
        environment.pop("WSGI_GC_FREEZE", None)  # the default
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_application_starts_with_its_heap_frozen_and_every_view_imported():
    heap = _probe()
    assert heap["views"] == ["releases.views", "people.views", "imports.api.views"]
    assert heap["frozen"] > 50_000  # modules, classes, URL patterns, settings
    assert heap["tracked"] < heap["frozen"] / 10  # what a full collection still walks


def test_the_freeze_can_be_turned_off_to_measure_it():
    heap = _probe(WSGI_GC_FREEZE="0")
    assert heap["frozen"] == 0
