"""Load generator: N participants fill the psv form through real HTTP against gunicorn, as a browser
does, while a facilitator watches the live dashboard; then N more walk the form steps alone, back to
back, for as long as hello runs; then the same walk against the floor (benchmarks/floor_app.py: the
least a form step can do with this stack), and the same gunicorn settings serve a minimal Flask app
(benchmarks/hello_app.py), the ceiling of a Python web request on this machine.

    .venv/bin/python benchmarks/load.py --database sqlite --participants 100
    .venv/bin/python benchmarks/load.py --database postgres --participants 100
    .venv/bin/python benchmarks/load.py --smoke                 # 5 participants, for CI

Everything runs on 127.0.0.1 and is bounded by --participants, --hello-seconds and --timeout.
The database is made fresh for every run: a SQLite file in a temporary folder, or the PostgreSQL
database `bench` (dropped and created again; never `test`). Prints a summary and writes JSON;
BENCHMARKS.md says how to read it.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import runpy
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_SERVER = ["-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]
FACILITATOR = ("bench@example.org", "benchmark-password")
POLL_PERIOD = 0.5         # static/live.js asks every half second, counted from the start of the last request
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
TEXTAREA = re.compile(r'<textarea\b[^>]*\bname="([^"]+)"')
PROGRESS_ROW = re.compile(r'<span class="who">([^<]+?) <span class="role">.*?'
                          r'<span class="count">(\d+)/\d+( ✓)?</span>', re.S)
ROLES = ("leadership", "leadership", "leadership", "observer_county")


# ---------------------------------------------------------------- processes: database, app, gunicorn

def flask_cli(env: dict, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=env,
                            input=stdin, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)}: {result.stderr[-2000:]}")
    return result.stdout


def fresh_database(kind: str, folder: Path, name: str = "bench") -> str:
    """The DATABASE_URL of an empty database: a SQLite file in `folder`, or the PostgreSQL database
    `name` dropped and created again (never `test`, the suite's)."""
    if kind == "sqlite":
        return f"sqlite:///{folder / (name + '.sqlite')}"
    subprocess.run(["dropdb", *PG_SERVER, "--if-exists", "--force", name], check=True, timeout=60)
    subprocess.run(["createdb", *PG_SERVER, name], check=True, timeout=60)
    return f"postgresql://postgres@127.0.0.1:5432/{name}"


def set_up(env: dict) -> dict:
    """Tables, a facilitator, and four psv sessions: one to warm the workers up, one for the workshop
    run, one for the steady form steps, one for the floor's."""
    flask_cli(env, "db", "upgrade")
    flask_cli(env, "facilitator", "create", FACILITATOR[0], "--password-stdin", stdin=FACILITATOR[1] + "\n")
    sessions = {}
    for name in ("warm-up", "measured", "steady", "floor"):
        out = flask_cli(env, "session", "create", "--bank", "psv", "--programme", "Lasttest", "--year", "2",
                        "--facilitator", FACILITATOR[0])
        sessions[name] = (int(re.search(r"Session (\d+)", out).group(1)),
                          re.search(r"Join code: (\w+)", out).group(1))
    return sessions


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A gunicorn master on a loopback port, in its own process group."""

    process: subprocess.Popen
    url: str
    log: Path

    @classmethod
    def start(cls, target: str, env: dict, settings: list[str], log: Path) -> Server:
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", *settings,
             "--log-level", "warning", target],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log.open("w"), start_new_session=True)
        server = cls(process, f"http://127.0.0.1:{port}", log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(server.url + "/", timeout=1):
                    return server
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        server.stop()
        raise RuntimeError("gunicorn did not start: " + log.read_text()[-2000:])

    def pids(self) -> list[int]:
        return [self.process.pid, *children(self.process.pid)]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


# ---------------------------------------------------------------- /proc: CPU time and peak memory

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()  # fields after "pid (comm)"; [0] is state


def children(pid: int) -> list[int]:
    pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
    return [p for p in pids if (fields := _stat(p)) and int(fields[1]) == pid]


def postgres_pids() -> list[int]:
    found = []
    for p in filter(str.isdigit, os.listdir("/proc")):
        try:
            if Path(f"/proc/{p}/comm").read_text().strip() == "postgres":
                found.append(int(p))
        except OSError:
            pass
    return found


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        fields = _stat(pid)
        if fields:
            total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / TICK


def machine_cpu_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, all cores."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / TICK, sum(values[:8]) / TICK


def connections_per_worker(server: Server) -> list[int]:
    """The established connections each gunicorn worker holds on the server's port, most first.
    gthread serves a keep-alive connection on the worker that accepted it, all its life."""
    port = int(server.url.rsplit(":", 1)[1])
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "01" and int(fields[1].rsplit(":", 1)[1], 16) == port:  # 01: established
            inodes.add(f"socket:[{fields[9]}]")
    counts = []
    for pid in children(server.process.pid):
        try:
            links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
        except OSError:
            continue
        counts.append(sum(1 for link in links if link in inodes))
    return sorted(counts, reverse=True)


async def connections_midway(server: Server, seconds: float) -> list[int]:
    await asyncio.sleep(seconds / 2)
    return connections_per_worker(server)


def peak_rss_mb(pids: list[int]) -> float:
    """Peak resident memory (VmHWM) summed over the processes (shared pages count once per process)."""
    total = 0
    for pid in pids:
        try:
            match = re.search(r"VmHWM:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
        except OSError:
            continue
        total += int(match.group(1)) if match else 0
    return total / 1024


class CpuMeter:
    """CPU seconds spent by the app server, PostgreSQL, this load generator and the whole machine."""

    def __init__(self, server: Server):
        self.server = server
        self.began = self._sample()

    def _sample(self) -> dict[str, float]:
        busy, total = machine_cpu_seconds()
        times = os.times()
        return {"server": cpu_seconds(self.server.pids()), "postgres": cpu_seconds(postgres_pids()),
                "generator": times.user + times.system, "machine": busy, "capacity": total}

    def stop(self) -> dict[str, float]:
        end = self._sample()
        used = {key: end[key] - self.began[key] for key in end}
        used["other"] = used["machine"] - used["server"] - used["postgres"] - used["generator"]
        return {key: round(value, 2) for key, value in used.items()}


# ---------------------------------------------------------------- the participants: a browser each

@dataclass
class Record:
    kind: str
    seconds: float
    status: int


@dataclass
class Run:
    base: str
    code: str
    session_id: int
    records: list[Record] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    posted: dict[tuple[str, int], float] = field(default_factory=dict)   # (name, step) -> POST done
    seen: dict[tuple[str, int], float] = field(default_factory=dict)     # (name, step) -> facilitator saw it
    polls: list[Record] = field(default_factory=list)
    finished: asyncio.Event = field(default_factory=asyncio.Event)


def kind_of(method: str, path: str) -> str:
    if path.startswith("/join/"):
        return f"join {method}"
    if "/step/" in path:
        return f"step {method}"
    return {"review": "review GET", "submit": "submit POST"}.get(path.rsplit("/", 1)[-1], "resume GET")


@dataclass
class Page:
    """What the generator keeps of a response: the status, where it redirects, its body, its path."""

    status: int
    location: str | None
    text: str
    path: str


class Browser:
    """One participant's browser: cookies, forms read from the page, redirects followed."""

    def __init__(self, client: aiohttp.ClientSession, run: Run):
        self.client, self.run = client, run

    async def request(self, method: str, path: str, data: list | None = None) -> Page:
        began = time.perf_counter()
        async with self.client.request(method, path, data=data, allow_redirects=False) as response:
            page = Page(response.status, response.headers.get("Location"), await response.text(),
                        response.url.path)
        self.run.records.append(Record(kind_of(method, path), time.perf_counter() - began, page.status))
        if page.status not in ((302,) if method == "POST" else (200, 302)):
            raise RuntimeError(f"{method} {path}: {page.status}")
        return page

    async def get(self, path: str) -> Page:
        page = await self.request("GET", path)
        while page.status == 302:
            page = await self.request("GET", page.location)
        return page

    async def submit(self, path: str, page: Page, fields: dict) -> tuple[float, Page]:
        """Post the page's form (its CSRF token, its text areas as typed) and follow the redirect."""
        html = page.text
        data = {name: [""] for name in TEXTAREA.findall(html)}
        data.update({name: value if isinstance(value, list) else [value] for name, value in fields.items()},
                    csrf_token=[CSRF.search(html).group(1)])
        response = await self.request("POST", path, [(name, v) for name, values in data.items() for v in values])
        done = time.perf_counter()
        return done, await self.get(response.location)

    async def join(self, code: str, name: str, role_group: str) -> tuple[str, Page]:
        """Join a session with its code: the personal token, and step 1's page."""
        page = await self.get(f"/join/{code}")
        _done, page = await self.submit(f"/join/{code}", page, {"name": name, "role_group": role_group})
        return page.path.split("/p/", 1)[1].split("/", 1)[0], page


def planned_answers(bank, number: int) -> tuple[list[dict], dict]:
    """Complete answers to every step (as form data), and the values the database should then hold."""
    from tests.helpers import complete_answers

    steps, values = [], {}
    for section in bank.sections:
        data, values = complete_answers(bank, section, values, seed=number)
        steps.append(data.to_dict(flat=False))
    return steps, values


def client(base: str, timeout: float = 60,
           cookies: aiohttp.CookieJar | None = None) -> aiohttp.ClientSession:
    """A browser's connection and cookies (kept for 127.0.0.1 too: `unsafe` allows an IP address).
    The connection opens with the first request."""
    return aiohttp.ClientSession(base_url=base, timeout=aiohttp.ClientTimeout(total=timeout),
                                 cookie_jar=cookies or aiohttp.CookieJar(unsafe=True),
                                 connector=aiohttp.TCPConnector(limit=1))


async def participant(run: Run, number: int, steps: list[dict], start: asyncio.Event, timeout: float) -> None:
    name = f"Deltaker {number:03d}"
    async with client(run.base, timeout) as browser_client:
        browser = Browser(browser_client, run)
        await start.wait()
        token, page = await browser.join(run.code, name, ROLES[number % len(ROLES)])
        for index, answers in enumerate(steps, start=1):
            path = f"/p/{token}/step/{index}"
            run.posted[(name, index)], page = await browser.submit(path, page, {**answers, "action": "next"})
        assert page.path.endswith("/review"), page.path
        run.posted[(name, len(steps) + 1)], page = await browser.submit(f"/p/{token}/submit", page, {})


async def facilitator(run: Run, participants: int, steps: int, grace: float) -> None:
    """Log in, open the live dashboard and poll it as static/live.js does; note when each participant's
    finished step (and submission) first shows in the progress list."""
    async with client(run.base) as facilitator_client:
        async with facilitator_client.get("/login") as page:
            token = CSRF.search(await page.text()).group(1)
        async with facilitator_client.post("/login", data={"csrf_token": token, "email": FACILITATOR[0],
                                                           "password": FACILITATOR[1]}):
            pass
        async with facilitator_client.get(f"/sessions/{run.session_id}/dashboard") as page:
            if page.status != 200:
                run.errors.append(f"dashboard: {page.status}")
                return
            version = unescape(re.search(r'data-version="([^"]*)"', await page.text()).group(1))
        wanted = participants * (steps + 1)
        deadline = None
        while len(run.seen) < wanted:
            if run.finished.is_set():
                deadline = deadline or time.perf_counter() + grace
                if time.perf_counter() > deadline:
                    break
            began = time.perf_counter()
            async with facilitator_client.get(f"/sessions/{run.session_id}/live", params={"version": version},
                                              headers={"Accept": "application/json"}) as response:
                status = response.status
                data = await response.json() if status == 200 else None
            now = time.perf_counter()
            run.polls.append(Record("live GET", now - began, status))
            if status == 200:
                version = data["version"]
                for name, done, submitted in PROGRESS_ROW.findall(data["html"]):
                    shown = [*range(1, int(done) + 1), *([steps + 1] if submitted else [])]
                    for step in shown:  # step + 1 stands for the submission
                        run.seen.setdefault((unescape(name), step), now)
            elif status != 204:
                run.errors.append(f"live: {status}")
            await asyncio.sleep(max(0.0, POLL_PERIOD - (time.perf_counter() - began)))


async def drive(server: Server, session_id: int, code: str, plans: list[list[dict]],
                timeout: float) -> tuple[Run, float, dict]:
    """Release the participants at once; the clock and the CPU meter run until the last one submits."""
    run = Run(server.url, code, session_id)
    start = asyncio.Event()
    watcher = asyncio.create_task(facilitator(run, len(plans), len(plans[0]) if plans else 0, grace=15))
    await asyncio.sleep(1)  # the facilitator is watching before anyone joins
    tasks = [asyncio.create_task(participant(run, n, steps, start, timeout)) for n, steps in enumerate(plans)]
    await asyncio.sleep(0.1)  # every browser is open and waiting
    meter = CpuMeter(server)
    began = time.perf_counter()
    start.set()
    outcomes = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), timeout)
    elapsed = time.perf_counter() - began
    cpu = meter.stop()
    run.finished.set()
    await asyncio.wait_for(watcher, timeout)
    run.errors += [repr(o)[:300] for o in outcomes if isinstance(o, BaseException)]
    return run, elapsed, cpu


async def hello(server: Server, clients: int,
                seconds: float) -> tuple[float, list[float], list[str], list[int]]:
    """`clients` connections asking for "/" back to back for `seconds`; and how many connections
    each worker held midway."""
    base = server.url
    latencies, errors = [], []
    start = asyncio.Event()

    async def one():
        async with client(base) as hello_client:
            await start.wait()
            while time.perf_counter() < stop_at:
                began = time.perf_counter()
                async with hello_client.get("/") as response:
                    await response.read()
                latencies.append(time.perf_counter() - began)
                if response.status != 200:
                    errors.append(f"hello: {response.status}")

    tasks = [asyncio.create_task(one()) for _ in range(clients)]
    await asyncio.sleep(0.1)
    stop_at = time.perf_counter() + seconds
    start.set()
    midway = asyncio.create_task(connections_midway(server, seconds))
    await asyncio.gather(*tasks)
    return time.perf_counter() - stop_at + seconds, latencies, errors, await midway


SteadyPlan = tuple[tuple[list[dict], dict], tuple[list[dict], dict]]  # two answer sets: (steps, values)


@dataclass
class Walk:
    """What steady_steps() measured."""

    seconds: float
    cpu: dict[str, float]
    records: list[Record]
    errors: list[str]
    expected: dict[str, dict]    # {participant name: {question id: value}}, to compare with the database
    connections: list[int]       # held by each worker midway


async def steady_steps(server: Server, code: str, plans: list[SteadyPlan], seconds: float, bank) -> Walk:
    """Form steps alone, measured like hello: one browser per plan joins (not measured), then all
    walk the steps back to back for `seconds`: GET a step, POST it (Next; Step 1 from the last one)
    and follow the redirect to the next step's GET. Each lap alternates between a plan's two answer
    sets, so every POST changes what is stored, as a participant revising answers does. The Walk
    has the values the database should hold afterwards: for each step, those of the answer set last
    posted on it. The CPU meter runs from the start to the last answer, as hello's does: the joins
    are not counted."""
    base = server.url
    run = Run(base, code, 0)
    start = asyncio.Event()
    expected: dict[str, dict] = {}

    async def one(number: int, answer_sets: SteadyPlan) -> None:
        name = f"Steady {number:03d}"
        async with client(base) as join_client:
            token, page = await Browser(join_client, run).join(code, name, "leadership")
        # The walk has a connection of its own, opened at the start as hello's are, not the join's.
        async with client(base, cookies=join_client.cookie_jar) as browser_client:
            browser = Browser(browser_client, run)
            await start.wait()
            walked, count = 0, len(bank.sections)
            while time.perf_counter() < stop_at:
                steps, values = answer_sets[walked // count % 2]
                index = walked % count + 1
                action = "next" if index < count else "goto-1"
                _done, page = await browser.submit(f"/p/{token}/step/{index}", page,
                                                   {**steps[index - 1], "action": action})
                # Expect on this step what this set answers, nothing else: a follow-up the set hides
                # keeps whatever the other set stored, and is not checked.
                mine = expected.setdefault(name, {})
                for question in bank.sections[index - 1].questions:
                    mine.pop(question.id, None)
                    if question.id in values:
                        mine[question.id] = values[question.id]
                walked += 1

    tasks = [asyncio.create_task(one(n, sets)) for n, sets in enumerate(plans)]
    while len(run.records) < 3 * len(plans) and not any(task.done() for task in tasks):
        await asyncio.sleep(0.05)  # everyone has joined and stands on step 1
    meter = CpuMeter(server)
    stop_at = time.perf_counter() + seconds
    began = len(run.records)
    start.set()
    midway = asyncio.create_task(connections_midway(server, seconds))
    outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    elapsed = time.perf_counter() - stop_at + seconds
    cpu = meter.stop()
    errors = run.errors + [repr(o)[:300] for o in outcomes if isinstance(o, BaseException)]
    return Walk(elapsed, cpu, run.records[began:], errors, expected, await midway)


def cpu_per_request(cpu: dict[str, float], requests: int) -> float:
    """CPU seconds a request of the server, its database and the load generator together."""
    return (cpu["server"] + cpu["postgres"] + cpu["generator"]) / max(1, requests)


def walk_report(walk: Walk, participants: int, lost: int) -> dict:
    """A steady phase's block of the result."""
    cpu, count = walk.cpu, len(walk.records)
    return {
        "participants": participants, "seconds": round(walk.seconds, 2),
        "requests": count, "requests_per_second": round(count / walk.seconds, 1),
        "latency_ms": percentiles([r.seconds for r in walk.records]),
        "answers": {"expected": sum(len(v) for v in walk.expected.values()), "lost": lost},
        "cpu_seconds": cpu,
        "server_cpu_ms_per_request": round(1000 * (cpu["server"] + cpu["postgres"]) / max(1, count), 2),
        "connections_per_worker": walk.connections}


# ---------------------------------------------------------------- checking and reporting

def stored_answers(database_url: str, session_id: int) -> dict[str, dict]:
    """{participant name: {question id: value}} as the database holds them."""
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import Session

    from assessment.models import Answer, Participant

    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    found: dict[str, dict] = {}
    with Session(engine) as db:
        rows = db.execute(select(Participant.name, Answer.question_id, Answer.value)
                          .join(Answer.participant).filter(Participant.session_id == session_id))
        for name, question_id, value in rows:
            found.setdefault(name, {})[question_id] = value
    engine.dispose()
    return found


def lost_answers(expected: dict[str, dict], stored: dict[str, dict]) -> int:
    """Answers given but missing from the database or stored with another value."""
    return sum(1 for name, values in expected.items() for qid, value in values.items()
               if stored.get(name, {}).get(qid, object()) != value)


def percentiles(seconds: list[float]) -> dict[str, float | None]:
    ordered = sorted(seconds)

    def at(share: float) -> float | None:
        return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000, 1) if ordered else None

    return {"p50": at(0.50), "p95": at(0.95), "p99": at(0.99), "max": at(1.0)}


def report(result: dict) -> str:
    p, live, cpu = result["participants"], result["live_update_delay_ms"], result["cpu_seconds"]
    steady, floor = result["steady_form_steps"], result["floor_form_steps"]
    lines = [
        f"{result['database']}, gunicorn {' '.join(result['gunicorn'])}, Python {result['python']}",
        f"participants completed   {p['completed']}/{p['started']} in {p['seconds']} s "
        f"= {p['completed_per_second']}/s",
        f"requests                 {p['requests']} = {p['requests_per_second']}/s "
        f"(form steps {p['step_requests_per_second']}/s)",
        f"latency ms               {p['latency_ms']}",
        *(f"  {kind:<22} {values}" for kind, values in p["latency_ms_by_kind"].items()),
        f"errors                   {len(result['errors'])} {result['errors'][:3]}",
        f"answers                  expected {result['answers']['expected']}, stored "
        f"{result['answers']['stored']}, lost {result['answers']['lost']}",
        f"live-update delay ms     {live} ({result['live']['seen']}/{result['live']['events']} seen, "
        f"{result['live']['polls']} polls, poll latency {result['live']['poll_latency_ms']})",
        f"form steps alone         {steady['requests_per_second']}/s for {steady['seconds']} s, "
        f"latency ms {steady['latency_ms']}, server CPU ms per request "
        f"{steady['server_cpu_ms_per_request']}, answers expected {steady['answers']['expected']}, "
        f"lost {steady['answers']['lost']}",
        f"the floor's form steps   {floor['requests_per_second']}/s, latency ms {floor['latency_ms']}, "
        f"server CPU ms per request {floor['server_cpu_ms_per_request']}, answers expected "
        f"{floor['answers']['expected']}, lost {floor['answers']['lost']}",
        f"connections per worker   form steps alone {steady['connections_per_worker']}, the floor "
        f"{floor['connections_per_worker']}, hello {result['hello']['connections_per_worker']}",
        f"hello ceiling            {result['hello']['requests_per_second']}/s, latency ms "
        f"{result['hello']['latency_ms']}",
        f"share of the ceiling     requests {result['share_of_hello']['requests']:.0%}, "
        f"form steps {result['share_of_hello']['form_steps']:.0%} in the workshop run, "
        f"{result['share_of_hello']['steady_form_steps']:.0%} alone, the floor's "
        f"{result['share_of_hello']['floor_form_steps']:.0%}; by CPU a request, alone "
        f"{result['share_of_hello_by_cpu']['steady_form_steps']:.0%}, the floor's "
        f"{result['share_of_hello_by_cpu']['floor_form_steps']:.0%}",
        f"CPU seconds (app run)    {cpu}",
        f"CPU ms per request       server {result['server_cpu_ms_per_request']['app']}, "
        f"hello {result['server_cpu_ms_per_request']['hello']}",
        f"peak RSS MB              app {result['peak_rss_mb']['app']}, "
        f"floor {result['peak_rss_mb']['floor']}, hello {result['peak_rss_mb']['hello']}",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--participants", type=int, default=100)
    production = runpy.run_path(str(ROOT / "gunicorn.conf.py"))  # the defaults: production's settings
    parser.add_argument("--workers", type=int, default=production["workers"])
    parser.add_argument("--threads", type=int, default=production["threads"])
    parser.add_argument("--worker-class", default=production["worker_class"])
    parser.add_argument("--hello-seconds", type=float, default=10)
    parser.add_argument("--timeout", type=float, default=300, help="the whole participant run, seconds")
    parser.add_argument("--json", type=Path, help="where to write the result (default benchmarks/results/)")
    parser.add_argument("--smoke", action="store_true", help="5 participants, 2 s of hello: for CI")
    args = parser.parse_args()
    if args.smoke:
        args.participants, args.hello_seconds = 5, 2
    settings = ["--workers", str(args.workers), "--worker-class", args.worker_class,
                "--threads", str(args.threads), "--backlog", str(production["backlog"])]

    from assessment.banks import get_bank

    folder = Path(tempfile.mkdtemp(prefix="load-"))
    try:
        database_url = fresh_database(args.database, folder)
        env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": secrets.token_hex(16),
               "RATELIMIT_STORAGE_URI": "memory://", "PUBLIC_URL": "http://127.0.0.1"}
        sessions = set_up(env)
        bank = get_bank("psv")
        plans = [planned_answers(bank, n) for n in range(args.participants)]
        warm_up = [planned_answers(bank, 1000 + n)[0] for n in range(2 * args.workers)]

        server = Server.start("app:app", env, settings, folder / "app.log")
        try:
            asyncio.run(drive(server, *sessions["warm-up"], warm_up, args.timeout))
            run, elapsed, cpu = asyncio.run(drive(server, *sessions["measured"], [s for s, _v in plans],
                                                  args.timeout))
            steady_plans = [(plan, planned_answers(bank, 2000 + n)) for n, plan in enumerate(plans)]
            steady_walk = asyncio.run(steady_steps(server, sessions["steady"][1], steady_plans,
                                                   args.hello_seconds, bank))
            app_rss = peak_rss_mb(server.pids())
        finally:
            server.stop()
        server_errors = [line for line in server.log.read_text().splitlines() if "Traceback" in line]

        floor_server = Server.start("benchmarks.floor_app:app", env, settings, folder / "floor.log")
        try:
            floor_walk = asyncio.run(steady_steps(floor_server, sessions["floor"][1], steady_plans,
                                                  args.hello_seconds, bank))
            floor_rss = peak_rss_mb(floor_server.pids())
        finally:
            floor_server.stop()
        server_errors += [line for line in floor_server.log.read_text().splitlines() if "Traceback" in line]

        hello_server = Server.start("benchmarks.hello_app:app", env, settings, folder / "hello.log")
        try:
            meter = CpuMeter(hello_server)
            hello_elapsed, hello_latencies, hello_errors, hello_connections = asyncio.run(
                hello(hello_server, args.participants, args.hello_seconds))
            hello_cpu, hello_rss = meter.stop(), peak_rss_mb(hello_server.pids())
        finally:
            hello_server.stop()

        expected = {f"Deltaker {n:03d}": values for n, (_s, values) in enumerate(plans)}
        stored = stored_answers(database_url, sessions["measured"][0])
        steady, floor = (
            walk_report(walk, len(steady_plans),
                        lost_answers(walk.expected, stored_answers(database_url, sessions[name][0])))
            for walk, name in ((steady_walk, "steady"), (floor_walk, "floor")))
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    completed = sum(1 for name in expected if (name, len(bank.sections) + 1) in run.posted)
    steps = [r for r in run.records if r.kind.startswith("step")]
    delays = [max(0.0, run.seen[key] - posted) for key, posted in run.posted.items() if key in run.seen]
    count = len(hello_latencies)
    hello_rate = count / hello_elapsed
    request_rate, step_rate = len(run.records) / elapsed, len(steps) / elapsed
    hello_cost = cpu_per_request(hello_cpu, count)
    result = {
        "database": args.database, "gunicorn": settings, "when": time.strftime("%Y-%m-%d %H:%M"),
        "python": f"{platform.python_version()} ({os.path.realpath(sys.executable)})",
        "participants": {
            "started": args.participants, "completed": completed, "seconds": round(elapsed, 2),
            "completed_per_second": round(completed / elapsed, 1),
            "requests": len(run.records), "requests_per_second": round(request_rate, 1),
            "step_requests_per_second": round(step_rate, 1),
            "latency_ms": percentiles([r.seconds for r in run.records]),
            "latency_ms_by_kind": {kind: percentiles([r.seconds for r in run.records if r.kind == kind])
                                   for kind in sorted({r.kind for r in run.records})},
        },
        "steady_form_steps": steady,
        "floor_form_steps": floor,
        "errors": run.errors + steady_walk.errors + floor_walk.errors + hello_errors + server_errors[:5],
        "answers": {"expected": sum(len(v) for v in expected.values()),
                    "stored": sum(len(v) for v in stored.values()), "lost": lost_answers(expected, stored)},
        "live_update_delay_ms": percentiles(delays),
        "live": {"events": len(run.posted), "seen": len(delays), "polls": len(run.polls),
                 "changed": sum(1 for r in run.polls if r.status == 200),
                 "poll_latency_ms": percentiles([r.seconds for r in run.polls])},
        "hello": {"requests": count, "requests_per_second": round(hello_rate, 1),
                  "latency_ms": percentiles(hello_latencies), "connections_per_worker": hello_connections},
        "share_of_hello": {"requests": round(request_rate / hello_rate, 3),
                           "form_steps": round(step_rate / hello_rate, 3),
                           "steady_form_steps": round(steady["requests_per_second"] / hello_rate, 3),
                           "floor_form_steps": round(floor["requests_per_second"] / hello_rate, 3)},
        # The share if each phase kept both cores busy: hello's CPU a request (server and generator)
        # over the form steps'. Unlike the rates, it does not depend on how evenly gunicorn's workers
        # happened to accept the connections (connections_per_worker).
        "share_of_hello_by_cpu": {
            "steady_form_steps": round(hello_cost / cpu_per_request(steady_walk.cpu, steady["requests"]), 3),
            "floor_form_steps": round(hello_cost / cpu_per_request(floor_walk.cpu, floor["requests"]), 3)},
        "cpu_seconds": cpu, "cpu_seconds_hello": hello_cpu,
        "server_cpu_ms_per_request": {
            "app": round(1000 * (cpu["server"] + cpu["postgres"]) / max(1, len(run.records) + len(run.polls)), 2),
            "hello": round(1000 * hello_cpu["server"] / max(1, count), 2)},
        "peak_rss_mb": {"app": round(app_rss), "floor": round(floor_rss), "hello": round(hello_rss)},
    }
    print(report(result))
    out = args.json or (ROOT / "benchmarks" / "results" / f"load-{args.database}-{args.participants}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {out}")
    healthy = (completed == args.participants and not result["errors"] and result["answers"]["lost"] == 0
               and steady["answers"]["lost"] == 0 and floor["answers"]["lost"] == 0
               and len(delays) == len(run.posted))
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
