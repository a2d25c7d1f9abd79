"""Export benchmark: a programme with 6 sessions x 30 participants x 60 questions, exported to the
Excel workbook, the report (HTML, Markdown, Word) and JSON. Reports wall time per export and the process's peak memory.

    .venv/bin/python benchmarks/export_benchmark.py [--sessions 6 --participants 30 --questions 60]

Runs on a fresh SQLite file in a temporary folder (or DATABASE_URL's database if given with
--use-database-url). Targets: under 1 s for each export and under 150 MB for the process.
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def synthetic_bank(questions: int) -> dict:
    """A valid annual-review bank with `questions` indicators over four steps."""
    scale = {"min": 1, "max": 6, "cannot_assess": True,
             "labels": {str(n): {"nb": f"Nivå {n}", "en": f"Level {n}"} for n in range(1, 7)}}
    per_section = questions // 4
    sections = []
    for s in range(4):
        count = per_section if s < 3 else questions - 3 * per_section
        sections.append({
            "id": f"s{s}", "title": {"nb": f"Steg {s + 1}", "en": f"Step {s + 1}"},
            "questions": [{
                "id": f"q{s}_{n}", "type": "scale", "scale": "grade6", "required": True,
                "comment": "optional", "group": "process" if s < 2 else "effect",
                "label": {"nb": f"Indikator {s}.{n}", "en": f"Indicator {s}.{n}"},
            } for n in range(count)],
        })
    return {
        "id": "bench", "version": "1", "kind": "annual_review",
        "title": {"nb": "Benchmark", "en": "Benchmark"}, "scales": {"grade6": scale},
        "scoring": {"groups": {"process": {"nb": "Prosess", "en": "Process"},
                               "effect": {"nb": "Effekt", "en": "Effect"}},
                    "weights": [{"years": [1, 2], "process": 0.7, "effect": 0.3},
                                {"years": [3, 4, 5, 6], "process": 0.3, "effect": 0.7}]},
        "sections": sections,
    }


def populate(sessions: int, participants: int, questions: int) -> int:
    """The programme, its sessions, answers, consensus and proposals; returns the last session's id."""
    from assessment.bank_validator import validate_bank_data
    from assessment.banks import build_bank
    from assessment.extensions import db
    from assessment.models import Answer, Consensus, Participant, Proposal
    from assessment.programmes import create_programme, create_session

    data = synthetic_bank(questions)
    assert validate_bank_data(data, "bench") == []
    bank = build_bank(data)
    rng = random.Random(1)
    programme = create_programme("Benchmark-programmet", "Benchby kommune")
    last = None
    for year in range(1, sessions + 1):
        session = create_session(programme, bank, year, title=f"År {year}", state="closed" if year < sessions else "scoring")
        people = [Participant(session_id=session.id, name=f"Deltaker {n}",
                              role_group="leadership" if n % 4 else "observer_county") for n in range(participants)]
        db.session.add_all(people)
        db.session.flush()
        db.session.add_all(Answer(participant_id=p.id, question_id=q.id, value=rng.randint(1, 6),
                                  comment=f"Begrunnelse {n}" if n % 3 == 0 else "")
                           for p in people for n, q in enumerate(bank.questions))
        db.session.add_all(Consensus(session_id=session.id, question_id=q.id, grade=rng.randint(2, 5),
                                     conclusion="Konklusjon med **Markdown**.") for q in bank.questions)
        db.session.add_all(Proposal(session_id=session.id, question_id=q.id, text=f"Forslag {n}",
                                    owner="Programleder", priority="medium")
                           for n, q in enumerate(bank.questions[:10]))
        db.session.commit()
        last = session.id
    return last


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=6)
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--questions", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--use-database-url", action="store_true")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="export-bench-"))
    if not args.use_database_url:
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite'}"
    from flask_migrate import upgrade

    from app import create_app
    from assessment.extensions import db
    from assessment.models import ReviewSession
    from exports.data import session_data
    from exports.excel import build_workbook
    from exports.raw import session_json
    from exports.report import report_html, report_markdown
    from exports.report_docx import report_docx
    from exports.report_model import build_report

    app = create_app({"SECRET_KEY": "bench"})
    with app.app_context(), app.test_request_context():
        upgrade()
        started = time.perf_counter()
        session_id = populate(args.sessions, args.participants, args.questions)
        print(f"populated {args.sessions} sessions x {args.participants} participants x "
              f"{args.questions} questions in {time.perf_counter() - started:.1f} s")
        base_rss = peak_rss_mb()
        results = {}
        for name, export in (("workbook (.xlsx)", lambda d: build_workbook(d)),
                             ("report (HTML)", lambda d: report_html(build_report(d))),
                             ("report (Markdown)", lambda d: report_markdown(build_report(d))),
                             ("report (.docx)", lambda d: report_docx(build_report(d))),
                             ("JSON", lambda d: session_json(d))):
            times = []
            for _ in range(args.repeat):
                db.session.expire_all()
                session = db.session.get(ReviewSession, session_id)
                begin = time.perf_counter()
                output = export(session_data(session, "nb"))
                times.append(time.perf_counter() - begin)
            results[name] = (min(times), max(times), len(output))
        print(f"{'export':<18} {'best s':>8} {'worst s':>8} {'size':>10}")
        for name, (best, worst, size) in results.items():
            print(f"{name:<18} {best:>8.3f} {worst:>8.3f} {size:>10}")
        print(f"peak RSS of the whole process: {peak_rss_mb():.0f} MB (after populating: {base_rss:.0f} MB)")


if __name__ == "__main__":
    main()
