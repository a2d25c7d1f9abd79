"""The export benchmark still runs (a tiny version), so it cannot rot between real runs."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_export_benchmark_smoke_run(tmp_path):
    result = subprocess.run(
        [sys.executable, "benchmarks/export_benchmark.py", "--sessions", "2", "--participants", "3",
         "--questions", "8", "--repeat", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr[-2000:]
    assert "workbook (.xlsx)" in result.stdout and "peak RSS" in result.stdout
