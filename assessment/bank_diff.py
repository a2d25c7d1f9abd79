"""What changed between two versions of a bank, question by question (matched by stable id), so
that a changed form is a visible decision: added, removed, relabelled, moved, type, scale,
condition, options, required, group (indicator) and help changed."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assessment.bank_workbook import format_condition

KINDS = ("added", "removed", "relabelled", "moved", "type", "scale", "show_if", "options",
         "required", "group", "help")


@dataclass(frozen=True)
class Change:
    """One change to one question. `old` and `new` are plain values: a label {nb, en}, a section
    and position, a type, a resolved scale, a condition as `${q} <= 3` (None: always shown), the
    options [{value, label}], required, a group id (None: not an indicator), a help text."""

    kind: str
    question_id: str
    old: Any = None
    new: Any = None


def diff_banks(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """The changes from bank data `old` to `new` (both as a snapshot holds them): the new bank's
    questions in order, then those it no longer has."""
    before, after = _questions(old), _questions(new)
    moved = _moved(before, after)
    changes: list[Change] = []
    for qid, (q, section, position) in after.items():
        if qid not in before:
            changes.append(Change("added", qid, None, {"section": section, "label": q.get("label")}))
            continue
        p, old_section, old_position = before[qid]
        if p.get("label") != q.get("label"):
            changes.append(Change("relabelled", qid, p.get("label"), q.get("label")))
        if qid in moved:
            changes.append(Change("moved", qid, {"section": old_section, "position": old_position},
                                  {"section": section, "position": position}))
        if p.get("type") != q.get("type"):
            changes.append(Change("type", qid, p.get("type"), q.get("type")))
        old_scale, new_scale = _scale(p, old), _scale(q, new)
        if old_scale != new_scale:
            changes.append(Change("scale", qid, old_scale, new_scale))
        old_condition, new_condition = _condition(p, old), _condition(q, new)
        if old_condition != new_condition:
            changes.append(Change("show_if", qid, old_condition, new_condition))
        if (p.get("options") or []) != (q.get("options") or []):
            changes.append(Change("options", qid, p.get("options") or [], q.get("options") or []))
        if bool(p.get("required")) != bool(q.get("required")):
            changes.append(Change("required", qid, bool(p.get("required")), bool(q.get("required"))))
        if p.get("group") != q.get("group"):
            changes.append(Change("group", qid, p.get("group"), q.get("group")))
        if p.get("help") != q.get("help"):
            changes.append(Change("help", qid, p.get("help"), q.get("help")))
    for qid, (p, section, _position) in before.items():
        if qid not in after:
            changes.append(Change("removed", qid, {"section": section, "label": p.get("label")}, None))
    return changes


def _questions(data: dict[str, Any]) -> dict[str, tuple[dict, str, int]]:
    """Each question by id: (its data, its section's id, its 1-based position in the section)."""
    found = {}
    for section in data.get("sections") or []:
        for position, question in enumerate(section.get("questions") or [], start=1):
            found.setdefault(question["id"], (question, section["id"], position))
    return found


def _moved(before: dict, after: dict) -> set[str]:
    """Questions in another section, or out of order among the questions that stayed in theirs
    (the fewest that must have moved: those outside the longest common order)."""
    moved = {qid for qid in after if qid in before and before[qid][1] != after[qid][1]}
    for section in {after[qid][1] for qid in after}:
        stayed = [qid for qid in after if qid in before and after[qid][1] == section == before[qid][1]]
        old_order = sorted(stayed, key=lambda qid: before[qid][2])
        kept = set(_longest_common_order(old_order, stayed))
        moved |= set(stayed) - kept
    return moved


def _longest_common_order(a: list[str], b: list[str]) -> list[str]:
    lengths = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) - 1, -1, -1):
        for j in range(len(b) - 1, -1, -1):
            lengths[i][j] = (lengths[i + 1][j + 1] + 1 if a[i] == b[j]
                             else max(lengths[i + 1][j], lengths[i][j + 1]))
    result, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            result.append(a[i])
            i, j = i + 1, j + 1
        elif lengths[i + 1][j] >= lengths[i][j + 1]:
            i += 1
        else:
            j += 1
    return result


def _scale(question: dict, data: dict) -> dict | None:
    """The question's scale as its levels and labels, whether named or its own."""
    scale = question.get("scale")
    if isinstance(scale, str):
        scale = (data.get("scales") or {}).get(scale)
    if not isinstance(scale, dict):
        return None
    return {"min": scale.get("min"), "max": scale.get("max"),
            "cannot_assess": bool(scale.get("cannot_assess", False)),
            "labels": {str(level): label for level, label in (scale.get("labels") or {}).items()}}


def _condition(question: dict, data: dict) -> str | None:
    condition = question.get("show_if")
    if not condition:
        return None
    target = _questions(data).get(condition.get("question"), (None,))[0] if isinstance(condition, dict) else None
    return format_condition(condition, target, data.get("scales") or {})
