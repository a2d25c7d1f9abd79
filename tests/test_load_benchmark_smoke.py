"""The load benchmark still runs end to end (5 participants against gunicorn), so it cannot rot."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_load_benchmark_smoke_run():
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run([sys.executable, "benchmarks/load.py", "--smoke", "--database", "sqlite"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, (result.stdout[-2000:], result.stderr[-2000:])
    report = json.loads(result.stdout[result.stdout.index("{"):])
    assert report["completed"] == 5 and report["errors"] == 0 and report["answers_lost"] == 0
    assert report["answers_stored"] == report["answers_expected"] > 0
    assert report["hello_requests_per_second"] > 0 and report["live_delay_ms"]["p50"] >= 0
