"""The portfolio benchmark still runs (a tiny version), so it cannot rot between real runs."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def test_portfolio_benchmark_smoke_run(tmp_path):
    result = subprocess.run(
        [sys.executable, "benchmarks/portfolio_benchmark.py", "--programmes", "4", "--few", "2", "--years", "2",
         "--participants", "3", "--repeat", "1", "--json", str(tmp_path / "result.json")],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr[-2000:]
    assert "portfolio page" in result.stdout and "portfolio workbook (.xlsx)" in result.stdout
    statements = json.loads((tmp_path / "result.json").read_text())["statements"]
    assert statements["page"]["few"] == statements["page"]["many"]
    assert statements["workbook"]["few"] == statements["workbook"]["many"]
