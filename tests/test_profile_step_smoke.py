"""The in-process profile of a participant's requests still runs (2 participants, 2 polls), so it
cannot rot: every kind of request is timed, with its profile."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS = ["join GET", "join POST", "step GET", "step POST", "review GET", "submit POST",
         "live GET (5 participants)", "live GET, no change (5)"]


def test_profile_step_smoke_run():
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run([sys.executable, "benchmarks/profile_step.py", "--participants", "2",
                             "--polls", "2", "--profile", "--kind", "step POST", "--top", "5",
                             "--callers", "save_step"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, (result.stdout[-2000:], result.stderr[-2000:])
    timed = {line[:34].strip() for line in result.stdout.splitlines()}
    assert set(KINDS) <= timed, result.stdout
    assert "step POST: own time by package" in result.stdout
    assert "live GET (5 participants): own time" not in result.stdout  # --kind picks one profile
    callers = result.stdout.split("was called by...", 1)[1]  # --callers: who calls save_step
    assert "(save_step)  <-" in callers and "participate.py" in callers, callers
