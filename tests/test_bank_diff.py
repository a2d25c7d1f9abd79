"""diff_banks: what changed between two versions of a bank, question by question."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import yaml

from assessment.bank_diff import Change, diff_banks

MINI = json.loads(json.dumps(yaml.safe_load((Path(__file__).parent / "banks" / "mini.yaml").read_text())))


def _edited(edit) -> dict:
    data = copy.deepcopy(MINI)
    edit(data)
    return data


def _question(data, qid):
    return next(q for s in data["sections"] for q in s["questions"] if q["id"] == qid)


def test_the_same_bank_has_no_changes():
    assert diff_banks(MINI, copy.deepcopy(MINI)) == []


def test_an_added_and_a_removed_question_are_named_with_their_step():
    def edit(data):
        data["sections"][0]["questions"].append({"id": "board", "type": "text",
                                                 "label": {"nb": "Styret", "en": "The board"}})
        data["sections"][1]["questions"] = [q for q in data["sections"][1]["questions"] if q["id"] != "phase"]
    changes = diff_banks(MINI, _edited(edit))
    assert Change("added", "board", None, {"section": "first", "label": {"nb": "Styret", "en": "The board"}}) in changes
    removed = [c for c in changes if c.kind == "removed"]
    assert [c.question_id for c in removed] == ["phase"] and removed[0].old["section"] == "second"
    assert len(changes) == 2  # nothing else reported as moved


def test_a_label_changed_in_english_only_is_a_relabelling():
    new = _edited(lambda d: _question(d, "jobs")["label"].update(en="Jobs created"))
    [change] = diff_banks(MINI, new)
    assert change.kind == "relabelled" and change.question_id == "jobs"
    assert change.old["nb"] == change.new["nb"] and change.new["en"] == "Jobs created"


def test_a_question_moved_to_another_step_and_one_moved_within_its_step():
    def edit(data):
        first, second = data["sections"][0]["questions"], data["sections"][1]["questions"]
        role_known = first.pop(2)
        second.insert(0, role_known)
        second.append(second.pop(second.index(_question(data, "jobs"))))  # jobs last in its step
    changes = {(c.kind, c.question_id): c for c in diff_banks(MINI, _edited(edit))}
    assert changes[("moved", "role_known")].old["section"] == "first"
    assert changes[("moved", "role_known")].new == {"section": "second", "position": 1}
    assert ("moved", "jobs") in changes
    assert not [key for key in changes if key[1] not in ("role_known", "jobs")], changes


def test_an_inserted_question_does_not_count_the_others_as_moved():
    new = _edited(lambda d: d["sections"][1]["questions"].insert(0, {
        "id": "first_thing", "type": "text", "label": {"nb": "A", "en": "A"}}))
    assert [(c.kind, c.question_id) for c in diff_banks(MINI, new)] == [("added", "first_thing")]


def test_scale_type_condition_options_required_and_group_changes():
    def edit(data):
        data["scales"]["grade6"]["max"] = 5
        data["scales"]["grade6"]["labels"].pop("6", None)
        _question(data, "plan_change")["show_if"] = {"question": "plan", "in": [1, 2]}
        _question(data, "phase")["options"] = _question(data, "phase")["options"][:-1]
        _question(data, "role_known")["required"] = not _question(data, "role_known").get("required", False)
        _question(data, "jobs_count")["type"] = "percent"
    kinds = {(c.kind, c.question_id) for c in diff_banks(MINI, _edited(edit))}
    assert {("scale", "plan"), ("scale", "jobs"), ("show_if", "plan_change"), ("options", "phase"),
            ("required", "role_known"), ("type", "jobs_count")} <= kinds
    condition = next(c for c in diff_banks(MINI, _edited(edit)) if c.kind == "show_if")
    assert (condition.old, condition.new) == ("${plan} <= 3", "${plan} <= 2")


def test_a_named_scale_renamed_with_the_same_levels_is_no_change():
    def edit(data):
        data["scales"]["karakter"] = data["scales"].pop("grade6")
        for section in data["sections"]:
            for q in section["questions"]:
                if q.get("scale") == "grade6":
                    q["scale"] = "karakter"
    assert diff_banks(MINI, _edited(edit)) == []
