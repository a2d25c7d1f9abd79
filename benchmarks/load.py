"""Load benchmark: N simulated participants fill the psv form through real HTTP against gunicorn,
exactly as a browser would, while a simulated facilitator watches the live dashboard. Then the same
gunicorn settings serve a minimal Flask "hello" app, the ceiling of a Python web request here.

    .venv/bin/python benchmarks/load.py --participants 100 --database sqlite
    .venv/bin/python benchmarks/load.py --participants 100 --database postgres
    .venv/bin/python benchmarks/load.py --smoke            # 5 participants, for CI

Loopback only; bounded by --participants and --timeout. Prints a summary and writes JSON to
benchmarks/results/.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_BENCH = "postgresql://postgres@127.0.0.1:5432/bench"
FACILITATOR = ("bench@example.org", "benchmark-password")


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    step_posts: int = 0
    errors: list[str] = field(default_factory=list)
    post_times: list[float] = field(default_factory=list)   # when a step POST completed
    seen_changes: list[float] = field(default_factory=list)  # when the facilitator saw a new version
    expected_answers: int = 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def flask(env: dict, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=env,
                            input=stdin, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-2000:])
    return result.stdout


def prepare_database(kind: str, folder: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{folder / 'bench.sqlite'}"
    subprocess.run(["psql", PG_ADMIN, "-qc", "DROP DATABASE IF EXISTS bench"], check=True, capture_output=True)
    subprocess.run(["psql", PG_ADMIN, "-qc", "CREATE DATABASE bench"], check=True, capture_output=True)
    return PG_BENCH


def start_gunicorn(target: str, env: dict, port: int, workers: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--worker-class", "gthread", "--threads", "4", "--backlog", "2048", "--log-level", "warning", target],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("gunicorn did not start: " + process.stderr.read().decode()[-2000:])


def peak_rss_mb(process: subprocess.Popen) -> float:
    """Peak resident memory (VmHWM) of the gunicorn master and its workers, summed."""
    pids = [process.pid] + [int(p) for p in subprocess.run(
        ["pgrep", "-P", str(process.pid)], capture_output=True, text=True).stdout.split()]
    total = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        total += int(match.group(1)) if match else 0
    return total / 1024


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, 15)
    process.wait(timeout=20)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def step_answers(bank, section, values: dict, rng: random.Random) -> dict:
    """Complete, valid answers to a step, as form data (the demo's answer generator)."""
    from assessment.demo import demo_value
    from assessment.sessions import visible_questions
    from forms.fields import question_type

    data: dict[str, object] = {}
    for question in section.questions:
        if question.id not in {q.id for q in visible_questions(bank, values)}:
            continue
        value = demo_value(question, rng, centre=4)
        values[question.id] = value
        form_value = question_type(question).form_value(value)
        data[question.id] = form_value
        if question.type == "scale" and question.comment != "none":
            data[question.id + "__comment"] = "Begrunnelse fra lasttesten"
    return data


async def timed(client: httpx.AsyncClient, stats: Stats, method: str, url: str, **kwargs) -> httpx.Response:
    began = time.perf_counter()
    response = await client.request(method, url, **kwargs)
    stats.latencies.append(time.perf_counter() - began)
    if response.status_code >= 400:
        stats.errors.append(f"{method} {url}: {response.status_code}")
    return response


async def participant(base: str, code: str, number: int, bank, stats: Stats, start: asyncio.Event) -> bool:
    rng = random.Random(number)
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        await start.wait()
        page = await timed(client, stats, "GET", f"/join/{code}")
        response = await timed(client, stats, "POST", f"/join/{code}", data={
            "csrf_token": CSRF.search(page.text).group(1), "name": f"Last {number}", "role_group": "leadership"})
        token = response.headers["location"].rsplit("/p/", 1)[1]
        values: dict = {}
        for index, section in enumerate(bank.sections, start=1):
            page = await timed(client, stats, "GET", f"/p/{token}/step/{index}")
            data = step_answers(bank, section, values, rng)
            data.update(csrf_token=CSRF.search(page.text).group(1), action="next")
            response = await timed(client, stats, "POST", f"/p/{token}/step/{index}", data=data)
            stats.step_posts += 1
            stats.post_times.append(time.perf_counter())
            if response.status_code != 302:
                stats.errors.append(f"step {index}: {response.status_code}")
                return False
        stats.expected_answers += len(values)
        review = await timed(client, stats, "GET", f"/p/{token}/review")
        response = await timed(client, stats, "POST", f"/p/{token}/submit",
                               data={"csrf_token": CSRF.search(review.text).group(1)})
        return response.status_code == 302


async def facilitator(base: str, session_id: int, stats: Stats, done: asyncio.Event) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        page = await client.get("/login")
        await client.post("/login", data={"csrf_token": CSRF.search(page.text).group(1),
                                          "email": FACILITATOR[0], "password": FACILITATOR[1]})
        dashboard = await client.get(f"/sessions/{session_id}/dashboard")
        version = re.search(r'data-version="([^"]+)"', dashboard.text).group(1)
        while not done.is_set():
            response = await client.get(f"/sessions/{session_id}/live", params={"version": version})
            if response.status_code == 200:
                version = response.json()["version"]
                stats.seen_changes.append(time.perf_counter())
            await asyncio.sleep(0.5)  # as static/live.js does


def live_delays(stats: Stats) -> list[float]:
    """For each step POST, the time until the facilitator next saw a new version."""
    delays, changes = [], sorted(stats.seen_changes)
    for posted in stats.post_times:
        later = next((seen for seen in changes if seen >= posted), None)
        if later is not None:
            delays.append(later - posted)
    return delays


async def run_form(base: str, code: str, session_id: int, participants: int, timeout: float) -> tuple[Stats, float, int]:
    from assessment.banks import get_bank

    bank = get_bank("psv")
    stats, start, done = Stats(), asyncio.Event(), asyncio.Event()
    watcher = asyncio.create_task(facilitator(base, session_id, stats, done))
    await asyncio.sleep(0.5)
    tasks = [asyncio.create_task(participant(base, code, n, bank, stats, start)) for n in range(participants)]
    began = time.perf_counter()
    start.set()
    results = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), timeout)
    elapsed = time.perf_counter() - began
    await asyncio.sleep(0.5)  # let the facilitator see the last answers
    done.set()
    await watcher
    for result in results:
        if isinstance(result, Exception):
            stats.errors.append(repr(result)[:200])
    return stats, elapsed, sum(1 for r in results if r is True)


async def run_hello(base: str, concurrency: int, requests: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    per_client = requests // concurrency

    async def worker():
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            for _ in range(per_client):
                began = time.perf_counter()
                response = await client.get("/")
                latencies.append(time.perf_counter() - began)
                assert response.status_code == 200

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return per_client * concurrency / (time.perf_counter() - began), latencies


def count_answers(database_url: str) -> int:
    from sqlalchemy import create_engine, text

    url = database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(url)
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM answer")).scalar_one()
    engine.dispose()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description="Load benchmark of the participant form.")
    parser.add_argument("--participants", type=int, default=100)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--smoke", action="store_true", help="5 participants, a short hello run")
    args = parser.parse_args()
    if args.smoke:
        args.participants = 5

    folder = Path(tempfile.mkdtemp(prefix="load-bench-"))
    database_url = prepare_database(args.database, folder)
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "benchmark",
           "RATELIMIT_STORAGE_URI": "memory://"}
    flask(env, "db", "upgrade")
    flask(env, "facilitator", "create", FACILITATOR[0], "--password-stdin", stdin=FACILITATOR[1] + "\n")
    created = flask(env, "session", "create", "--bank", "psv", "--programme", "Lasttest", "--year", "2",
                    "--facilitator", FACILITATOR[0])
    session_id = int(re.search(r"Session (\d+)", created).group(1))
    code = re.search(r"Join code: (\w+)", created).group(1)

    port = free_port()
    server = start_gunicorn("app:app", env, port, args.workers)
    try:
        stats, elapsed, completed = asyncio.run(
            run_form(f"http://127.0.0.1:{port}", code, session_id, args.participants, args.timeout))
        app_rss = peak_rss_mb(server)
    finally:
        stop(server)
    stored = count_answers(database_url)

    hello_port = free_port()
    hello = start_gunicorn("benchmarks.hello_app:app", env, hello_port, args.workers)
    try:
        hello_rps, hello_latencies = asyncio.run(run_hello(
            f"http://127.0.0.1:{hello_port}", min(args.participants, 100), 500 if args.smoke else 10000))
        hello_rss = peak_rss_mb(hello)
    finally:
        stop(hello)

    delays = live_delays(stats)
    step_rate = stats.step_posts / elapsed
    request_rate = len(stats.latencies) / elapsed
    result = {
        "database": args.database, "participants": args.participants, "workers": args.workers,
        "completed": completed, "seconds": round(elapsed, 2),
        "participants_per_second": round(completed / elapsed, 1),
        "requests_per_second": round(request_rate, 1), "step_posts_per_second": round(step_rate, 1),
        "latency_ms": {p: round(percentile(stats.latencies, q) * 1000, 1)
                       for p, q in (("p50", .5), ("p95", .95), ("p99", .99))},
        "errors": len(stats.errors), "error_examples": stats.errors[:5],
        "answers_expected": stats.expected_answers, "answers_stored": stored,
        "answers_lost": stats.expected_answers - stored,
        "live_delay_ms": {p: round(percentile(delays, q) * 1000, 1) for p, q in (("p50", .5), ("p95", .95))},
        "hello_requests_per_second": round(hello_rps, 1),
        "hello_latency_ms_p50": round(percentile(hello_latencies, .5) * 1000, 1),
        "requests_as_share_of_hello": round(request_rate / hello_rps, 3),
        "peak_rss_mb": {"app": round(app_rss), "hello": round(hello_rss)},
    }
    print(json.dumps(result, indent=2))
    out = ROOT / "benchmarks" / "results" / f"load-{args.database}-{args.participants}.json"
    if not args.smoke:
        out.write_text(json.dumps(result, indent=2) + "\n")
    if stats.errors or result["answers_lost"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
