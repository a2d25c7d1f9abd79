"""The load benchmark still runs end to end (5 participants against gunicorn), so it cannot rot."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_load_benchmark_smoke_run(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    out = tmp_path / "smoke.json"
    result = subprocess.run([sys.executable, "benchmarks/load.py", "--smoke", "--database", "sqlite",
                             "--json", str(out)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, (result.stdout[-2000:], result.stderr[-2000:])
    report = json.loads(out.read_text())
    assert report["participants"]["completed"] == 5 and report["errors"] == []
    assert report["answers"]["lost"] == 0
    assert report["answers"]["stored"] == report["answers"]["expected"] > 0
    assert report["live"]["seen"] == report["live"]["events"] > 0
    assert report["hello"]["requests_per_second"] > 0
    steady = report["steady_form_steps"]  # form steps alone: GETs and POSTs of steps, nothing else
    assert steady["participants"] == 5 and steady["requests"] >= 2 * 5 and steady["requests_per_second"] > 0
    assert steady["answers"]["expected"] > 0 and steady["answers"]["lost"] == 0
    assert 0 < report["share_of_hello"]["steady_form_steps"] < 1
    floor = report["floor_form_steps"]  # the same walk against benchmarks/floor_app.py
    assert floor["participants"] == 5 and floor["requests"] >= 2 * 5
    assert floor["answers"]["expected"] > 0 and floor["answers"]["lost"] == 0
    assert 0 < report["share_of_hello"]["floor_form_steps"] < 1
    assert all(0 < share < 1 for share in report["share_of_hello_by_cpu"].values())
    for block in (steady, floor, report["hello"]):  # two workers; midway all 5 connections are held
        assert len(block["connections_per_worker"]) == 2 and sum(block["connections_per_worker"]) == 5
    assert report["server_cpu_ms_per_request"]["app"] > 0
