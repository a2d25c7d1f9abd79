"""Portfolio benchmark: 50 programmes x 6 years x 8 indicators with 30 participants each; the
portfolio page and workbook through the test client, timed, and the statements each request runs
for a user who sees 5 programmes and one who sees 50.

    .venv/bin/python benchmarks/portfolio_benchmark.py [--programmes 50 --years 6 --indicators 8
        --participants 30 --repeat 5 --json benchmarks/results/portfolio-sqlite-50.json]

Runs on a fresh SQLite file in a temporary folder (or DATABASE_URL's database with
--use-database-url). Targets: the page under 300 ms, the workbook under 2 s, and the same number
of statements for 5 programmes as for 50.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

YEAR = 2026
COUNTIES = ("Vestland", "Nordland", "Innlandet", "Troms", "Agder")
PASSWORD = "benchmark-passord"


def populate(programmes: int, years: int, indicators: int, participants: int) -> list[int]:
    """The programmes, each with an annual review a year (answers, agreed grades, proposals);
    returns the programme ids."""
    from sqlalchemy import insert

    from assessment.bank_validator import validate_bank_data
    from assessment.banks import build_bank
    from assessment.extensions import db
    from assessment.models import Answer, Consensus, Participant, Proposal
    from assessment.programmes import create_programme, create_session
    from export_benchmark import synthetic_bank

    data = synthetic_bank(indicators)
    assert validate_bank_data(data, "bench") == []
    bank = build_bank(data)
    rng = random.Random(1)
    ids = []
    for number in range(programmes):
        programme = create_programme(f"Program {number:02d}", f"Kommune {number:02d}",
                                     COUNTIES[number % len(COUNTIES)], start_year=YEAR - years + 1)
        ids.append(programme.id)
        for year in range(1, years + 1):
            session = create_session(programme, bank, year, date(YEAR - years + year, 10, 15), state="closed")
            people = [Participant(session_id=session.id, name=f"Deltaker {n}",
                                  role_group="leadership" if n % 4 else "observer_county")
                      for n in range(participants)]
            db.session.add_all(people)
            db.session.flush()
            db.session.execute(insert(Answer), [
                {"participant_id": p.id, "question_id": q.id, "value": rng.randint(1, 6), "comment": ""}
                for p in people for q in bank.questions])
            db.session.add_all(Consensus(session_id=session.id, question_id=q.id, grade=rng.randint(1, 6))
                               for q in bank.indicators)
            db.session.add_all(Proposal(session_id=session.id, question_id=bank.indicators[n].id,
                                        text=f"Forslag {n}", status=("new", "in_progress", "done", "dropped")[n % 4])
                               for n in range(min(5, len(bank.indicators))))
        db.session.commit()
    return ids


def user(email: str, programme_ids: list[int]) -> None:
    from assessment.extensions import db
    from assessment.facilitators import create_facilitator
    from assessment.models import ProgrammeAccess

    account = create_facilitator(email, PASSWORD, "Benchmark")
    db.session.add_all(ProgrammeAccess(programme_id=pid, facilitator_id=account.id, is_owner=True)
                       for pid in programme_ids)
    db.session.commit()


def logged_in(app, email: str):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"csrf_token": token, "email": email, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def timed(client, url: str, repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each request (the test client serves it in this process, so
    the process's CPU time is the request's: the figure to trust on a busy machine)."""
    wall, cpu = [], []
    for _ in range(repeat):
        begin, begin_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall.append(time.perf_counter() - begin)
        cpu.append(time.process_time() - begin_cpu)
        assert response.status_code == 200, (url, response.status_code)
    return wall, cpu


def statements(app, client, url: str) -> int:
    from sqlalchemy import event

    from assessment.extensions import db

    with app.app_context():
        engine = db.engine
    seen = []

    def count(*_args):
        seen.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programmes", type=int, default=50)
    parser.add_argument("--few", type=int, default=5, help="programmes the second user sees")
    parser.add_argument("--years", type=int, default=6)
    parser.add_argument("--indicators", type=int, default=8)
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", help="write the results to this file")
    parser.add_argument("--use-database-url", action="store_true")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="portfolio-bench-"))
    if not args.use_database_url:
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite'}"
    from flask_migrate import upgrade

    from app import create_app

    app = create_app({"SECRET_KEY": "bench", "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        ids = populate(args.programmes, args.years, args.indicators, args.participants)
        user("many@example.org", ids)
        user("few@example.org", ids[:args.few])
        populated = time.perf_counter() - started
    print(f"populated {args.programmes} programmes x {args.years} years x {args.indicators} indicators x "
          f"{args.participants} participants in {populated:.1f} s")

    many, few = logged_in(app, "many@example.org"), logged_in(app, "few@example.org")
    page, workbook = f"/portfolio?year={YEAR}", f"/portfolio.xlsx?year={YEAR}"
    course = f"/portfolio/programme/{ids[0]}"
    many.get(page)  # the first request builds the bank and the templates
    results = {}
    for key, url in (("page", page), ("workbook", workbook), ("course", course)):
        results[f"{key}_seconds"], results[f"{key}_cpu_seconds"] = timed(many, url, args.repeat)
    results["statements"] = {
        "page": {"few": statements(app, few, page), "many": statements(app, many, page)},
        "workbook": {"few": statements(app, few, workbook), "many": statements(app, many, workbook)},
    }
    print(f"{'request':<30} {'best s':>7} {'median s':>9} {'worst s':>8} {'CPU best':>9} {'CPU median':>11}")
    for name, key in (("portfolio page", "page"), ("portfolio workbook (.xlsx)", "workbook"),
                      ("a programme's course", "course")):
        wall, cpu = results[f"{key}_seconds"], results[f"{key}_cpu_seconds"]
        print(f"{name:<30} {min(wall):>7.3f} {statistics.median(wall):>9.3f} {max(wall):>8.3f} "
              f"{min(cpu):>9.3f} {statistics.median(cpu):>11.3f}")
    for name, counts in results["statements"].items():
        print(f"statements, {name}: {counts['few']} for {args.few} programmes, "
              f"{counts['many']} for {args.programmes}")
    if args.json:
        record = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                              "load_average": os.getloadavg()},
                  "database": app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0],
                  "size": {k: getattr(args, k) for k in ("programmes", "few", "years", "indicators",
                                                         "participants", "repeat")},
                  **results}
        Path(args.json).write_text(json.dumps(record, indent=2) + "\n")


if __name__ == "__main__":
    main()
