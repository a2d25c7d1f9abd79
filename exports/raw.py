"""Machine-readable exports: every answer in long format (CSV) and the session's results (JSON)."""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone

from exports.cells import csv_cell
from exports.data import SessionData

ANSWER_COLUMNS = ["participant", "role_group", "section", "question_id", "question", "value",
                  "value_label", "comment", "changed"]


def _utc(moment: datetime) -> str:
    """A stored time (UTC, naive) in ISO 8601 with its zone: 2026-11-29T08:15:00+00:00."""
    return moment.replace(tzinfo=timezone.utc).isoformat(timespec="seconds")


def answers_csv(data: SessionData) -> str:
    """Every answer, one a row. A byte order mark, and semicolons in bokmål, as a Norwegian Excel
    opens it straight into columns with æøå intact."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";" if data.lang == "nb" else ",")
    writer.writerow(ANSWER_COLUMNS)
    for a in data.answers:
        writer.writerow([csv_cell(v) for v in (a.participant, a.role_group, a.section, a.question_id,
                                               a.question, a.cell, a.value_label, a.comment,
                                               _utc(a.changed))])
    return buffer.getvalue()


def session_json(data: SessionData) -> str:
    session, bank = data.session, data.bank
    document = {
        "programme": {"name": session.programme.name, "municipality": session.programme.municipality,
                      "county": session.programme.county},
        "session": {"id": session.id, "title": session.title, "programme_year": session.programme_year,
                    "date": session.meeting_date.isoformat() if session.meeting_date else None,
                    "state": session.state},
        "bank": {"id": bank.id, "version": bank.version, "hash": session.bank_hash},
        "participants_by_role": data.participants_by_role,
        "weighted_total": data.total,
        "indicators": [
            {"question_id": i.question.id, "label": i.label, "group": i.question.group,
             "consensus": i.consensus, "conclusion": i.conclusion, "dissent": i.dissent,
             "divergent": i.result.divergent,
             "statistics": {who: {"n": s.n, "cannot_assess": s.cannot_assess, "mean": s.mean,
                                  "median": s.median, "min": s.min, "max": s.max, "stdev": s.stdev,
                                  "distribution": {str(k): v for k, v in s.distribution.items()}}
                            for who, s in (("all", i.result.stats), ("leadership", i.result.leadership),
                                           ("observers", i.result.observers))}}
            for i in data.indicators
        ],
        "proposals": [
            {"question_id": p.question_id, "text": p.text, "owner": p.owner,
             "deadline": p.deadline.isoformat() if p.deadline else None, "priority": p.priority,
             "status": p.status, "year": p.year}
            for p in data.proposals + data.carried
        ],
        "answers": [
            {"participant": a.participant, "role_group": a.role_group, "question_id": a.question_id,
             "value": a.value, "comment": a.comment, "changed": _utc(a.changed)}
            for a in data.answers
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False)
