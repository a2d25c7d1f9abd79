"""Question banks: the shipped ones are valid, broken ones are refused with the place named."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from assessment.banks import BankError, get_bank, load_bank, load_banks, parse_bank

ROOT = Path(__file__).resolve().parent.parent
BAD_BANKS = sorted((ROOT / "tests" / "bad_banks").glob("*.yaml"))
SHIPPED = ["psv", "psv-12", "closure", "fact-sheet"]


def expected_place(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = re.match(r"# expect: (.+)$", first)
    assert match, f"{path.name} must start with '# expect: PLACE'"
    return match.group(1).strip()


def test_banks_check_passes_on_the_shipped_banks(runner):
    result = runner.invoke(args=["banks", "check"])
    assert result.exit_code == 0, result.output
    for bank_id in SHIPPED:
        assert f": {bank_id} " in result.output


@pytest.mark.parametrize("path", BAD_BANKS, ids=lambda p: p.stem)
def test_banks_check_names_file_and_place_of_each_error(runner, path):
    result = runner.invoke(args=["banks", "check", str(path)])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1, result.output
    assert f"{path.name}" in errors[0]
    place = expected_place(path)
    assert f" {place}: " in errors[0] or (place.startswith("line") and " line " in errors[0]), errors[0]


def test_banks_check_fails_on_a_folder_with_any_broken_bank(runner):
    result = runner.invoke(args=["banks", "check", str(ROOT / "tests" / "bad_banks")])
    assert result.exit_code == 1
    assert f"{len(BAD_BANKS)} of {len(BAD_BANKS)} bank file(s) have errors." in result.output


def test_every_problem_in_a_file_is_reported_with_its_line():
    text = """id: Bad Id
version: "1"
kind: survey
title: {nb: Tittel}
sections:
  - id: s
    title: {nb: S, en: S}
    questions:
      - {id: q, type: slider, label: {nb: Q, en: Q}}
"""
    with pytest.raises(BankError) as error:
        parse_bank(text, "many.yaml")
    places = {(p.place, p.line) for p in error.value.problems}
    assert ("id", 1) in places
    assert ("kind", 3) in places
    assert ("title.en", 4) in places
    assert ("sections[0].questions[0].type", 9) in places


def test_banks_list_and_show(runner):
    listing = runner.invoke(args=["banks", "list"])
    assert listing.exit_code == 0
    for bank_id in SHIPPED:
        assert bank_id in listing.output
    shown = runner.invoke(args=["banks", "show", "psv"])
    assert shown.exit_code == 0
    assert "p1_anchoring" in shown.output and "group=process" in shown.output
    assert runner.invoke(args=["banks", "show", "nope"]).exit_code != 0


def test_psv_has_four_process_and_four_effect_indicators_on_a_labelled_1_to_6_scale():
    bank = load_bank(ROOT / "question_banks" / "psv.yaml")
    groups = [q.group for q in bank.indicators]
    assert groups.count("process") == 4 and groups.count("effect") == 4
    for indicator in bank.indicators:
        assert indicator.scale.levels == [1, 2, 3, 4, 5, 6]
        assert all(indicator.scale.labels[level].nb and indicator.scale.labels[level].en
                   for level in indicator.scale.levels)
        assert indicator.comment == "required" and indicator.required


def test_psv_12_has_six_and_six_indicators():
    bank = load_bank(ROOT / "question_banks" / "psv-12.yaml")
    groups = [q.group for q in bank.indicators]
    assert groups.count("process") == 6 and groups.count("effect") == 6


def test_weights_follow_the_programme_year():
    scoring = load_bank(ROOT / "question_banks" / "psv.yaml").scoring
    assert scoring.weights_for_year(2) == {"process": 0.7, "effect": 0.3}
    assert scoring.weights_for_year(4) == {"process": 0.3, "effect": 0.7}


def test_kinds_of_the_shipped_banks(ctx):
    banks, problems = load_banks()
    assert problems == []
    assert {b.id: b.kind for b in banks.values()} == {
        "psv": "annual_review", "psv-12": "annual_review",
        "closure": "closure_review", "fact-sheet": "fact_sheet"}


def test_every_text_in_the_shipped_banks_has_both_languages(ctx):
    for bank_id in SHIPPED:
        bank = get_bank(bank_id)
        for section in bank.sections:
            assert section.title.nb and section.title.en
            for q in section.questions:
                assert q.label.nb.strip() and q.label.en.strip(), q.id
                if q.help:
                    assert q.help.nb.strip() and q.help.en.strip(), q.id


def test_the_hash_changes_with_the_content_and_only_then():
    path = ROOT / "question_banks" / "psv.yaml"
    text = path.read_text(encoding="utf-8")
    assert parse_bank(text).hash == parse_bank(text + "\n# a comment\n").hash
    assert parse_bank(text).hash != parse_bank(text.replace('version: "2026.1"', 'version: "2026.2"')).hash


def test_a_condition_tells_yes_from_one_and_matches_any_chosen_option():
    from assessment.rules import visible_questions

    bank = load_bank(ROOT / "tests" / "banks" / "mini.yaml")
    shown = lambda values: {q.id for q in visible_questions(bank, values)}  # noqa: E731
    assert "plan_change" in shown({"plan": 2}) and "plan_change" in shown({"plan": "2"})
    assert "plan_change" not in shown({"plan": 5}) and "plan_change" not in shown({"plan": "na"})
    assert "plan_change" not in shown({}) and "plan_change" not in shown({"plan": {"odd": 1}})
    assert "plan_change" in shown({"plan": [4, 1]})
