"""Bank workbooks: every shipped bank survives YAML -> xlsx -> YAML unchanged, and every kind of
broken bank, written as a workbook, is reported with the sheet and cell of its mistake."""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from assessment.bank_workbook import (ExpressionError, bank_to_workbook, parse_condition,
                                      workbook_problems, workbook_to_bank)
from assessment.banks import bank_paths, load_bank, parse_bank, snapshot_hash

ROOT = Path(__file__).resolve().parent.parent
BAD_BANKS = sorted((ROOT / "tests" / "bad_banks").glob("*.yaml"))
CELL = re.compile(r"^\S+\.xlsx: (settings|survey|choices|scales|groups|weights)![A-Z]+[0-9]+: \S")


def read_data(path: Path):
    return json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))


def edit(content: bytes, sheet: str, cell: str, value) -> bytes:
    book = load_workbook(io.BytesIO(content))
    book[sheet][cell] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def find(content: bytes, sheet: str, column: str, row_value, key_column: str = "name") -> str:
    """The cell of `column` on the row whose `key_column` is `row_value`."""
    rows = list(load_workbook(io.BytesIO(content))[sheet].iter_rows())
    header = [c.value for c in rows[0]]
    for row in rows[1:]:
        if row[header.index(key_column)].value == row_value:
            return row[header.index(column)].coordinate
    raise AssertionError(f"no row {row_value} in {sheet}")


@pytest.mark.parametrize("path", bank_paths(), ids=lambda p: p.stem)
def test_every_shipped_bank_round_trips_through_its_workbook(path):
    bank = load_bank(path)
    content = bank_to_workbook(bank.snapshot)
    data = workbook_to_bank(content)
    assert snapshot_hash(data) == bank.hash
    _data, problems = workbook_problems(content, f"{bank.id}.xlsx")
    assert problems == []


def test_the_cli_exports_a_workbook_and_imports_it_as_the_same_yaml_bank(runner, tmp_path):
    xlsx, back = tmp_path / "psv.xlsx", tmp_path / "psv.yaml"
    result = runner.invoke(args=["banks", "export-xlsx", "psv", "--output", str(xlsx)])
    assert result.exit_code == 0, result.output
    book = load_workbook(xlsx)
    assert book.sheetnames == ["settings", "survey", "choices", "scales", "groups", "weights"]
    survey = {row[1]: row for row in book["survey"].iter_rows(values_only=True)}
    assert "${p1_anchoring} <= 3" in survey["p1_anchoring_change"]
    result = runner.invoke(args=["banks", "import-xlsx", str(xlsx), "--output", str(back)])
    assert result.exit_code == 0, result.output
    assert parse_bank(back.read_text(encoding="utf-8"), "psv.yaml").hash == load_bank(
        ROOT / "question_banks" / "psv.yaml").hash


def test_the_cli_lists_every_problem_of_a_workbook_with_its_cell_and_writes_nothing(runner, tmp_path):
    content = bank_to_workbook(load_bank(ROOT / "question_banks" / "psv.yaml").snapshot)
    content = edit(content, "survey", find(content, "survey", "scale", "p1_anchoring"), "skala6")
    xlsx, out = tmp_path / "psv.xlsx", tmp_path / "out.yaml"
    xlsx.write_bytes(content)
    result = runner.invoke(args=["banks", "import-xlsx", str(xlsx), "--output", str(out)])
    assert result.exit_code == 1
    cell = find(content, "survey", "scale", "p1_anchoring")
    assert f'ERROR psv.xlsx: survey!{cell}: "skala6" is not a scale; the scales are grade6' in result.output
    assert not out.exists()


def _twin(path: Path) -> tuple[bytes, str | None]:
    """The xlsx twin of a broken YAML bank: the bank written by bank_to_workbook, with the mistake
    made again in a cell where a workbook cannot carry it as it stands; and the cell expected."""
    if path.stem == "not_yaml":
        return b"PK\x03\x04 not really a workbook", None
    data = read_data(path)
    if path.stem == "not_a_mapping":
        content = bank_to_workbook(read_data(ROOT / "tests" / "banks" / "mini.yaml"))
        book = load_workbook(io.BytesIO(content))
        book.remove(book["settings"])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue(), "settings!A1"
    content = bank_to_workbook(data)
    if path.stem == "discuss_not_boolean":  # "yes" reads as true in a workbook: use a word that does not
        cell = find(content, "survey", "discuss", "q1")
        return edit(content, "survey", cell, "maybe"), f"survey!{cell}"
    if path.stem == "roles_empty_on_section":  # an empty list is a blank cell, which means no roles
        cell = find(content, "survey", "roles", "main")
        return edit(content, "survey", cell, ","), f"survey!{cell}"
    return content, None


@pytest.mark.parametrize("path", BAD_BANKS, ids=lambda p: p.stem)
def test_each_kind_of_broken_bank_as_a_workbook_names_its_sheet_and_cell(path):
    content, expected_cell = _twin(path)
    _data, problems = workbook_problems(content, f"{path.stem}.xlsx")
    assert problems, path.stem
    messages = [str(problem) for problem in problems]
    if path.stem == "not_yaml":
        assert messages[0].startswith("not_yaml.xlsx: (file): not an xlsx workbook"), messages
        return
    assert len(problems) == 1, messages
    assert CELL.match(messages[0]), messages[0]
    if expected_cell:
        assert f": {expected_cell}: " in messages[0], messages[0]


def test_the_cell_is_the_one_that_holds_the_mistake():
    content = bank_to_workbook(read_data(ROOT / "tests" / "bad_banks" / "scale_unknown_named_scale.yaml"))
    _data, problems = workbook_problems(content, "bad.xlsx")
    assert [str(p) for p in problems] == [
        f'bad.xlsx: survey!{find(content, "survey", "scale", "q1")}: "grade7" is not a scale; '
        "the scales are grade6"]
    content = bank_to_workbook(read_data(ROOT / "tests" / "bad_banks" / "weights_unknown_group.yaml"))
    _data, problems = workbook_problems(content, "bad.xlsx")
    header = [c.value for c in load_workbook(io.BytesIO(content))["weights"][1]]
    assert problems[0].cell == f"weights!{'ABCDEFG'[header.index('impact')]}2"


def test_a_workbook_with_twenty_mistakes_lists_all_twenty():
    content = bank_to_workbook(load_bank(ROOT / "question_banks" / "psv.yaml").snapshot)
    book = load_workbook(io.BytesIO(content))
    survey = book["survey"]
    header = [c.value for c in survey[1]]
    questions = [row for row in survey.iter_rows(min_row=2)
                 if row[0].value not in ("begin step", "end step")]
    expected = set()
    for row in questions[:10]:
        row[header.index("required")].value = "maybe"
        row[header.index("roles")].value = "chair"
        expected |= {f"survey!{row[header.index('required')].coordinate}",
                     f"survey!{row[header.index('roles')].coordinate}"}
    out = io.BytesIO()
    book.save(out)
    _data, problems = workbook_problems(out.getvalue(), "psv.xlsx")
    assert len(problems) == 20
    assert {p.cell for p in problems} == expected


def test_a_missing_required_value_is_reported_at_its_empty_cell():
    content = bank_to_workbook(read_data(ROOT / "tests" / "banks" / "mini.yaml"))
    first = next(row for row in load_workbook(io.BytesIO(content))["survey"].iter_rows(min_row=2)
                 if row[0].value not in ("begin step", "end step"))
    cell = f"C{first[0].row}"  # label::nb
    book = load_workbook(io.BytesIO(content))
    book["survey"][cell] = None
    book["survey"][f"D{first[0].row}"] = None
    out = io.BytesIO()
    book.save(out)
    _data, problems = workbook_problems(out.getvalue(), "mini.xlsx")
    assert [p.cell for p in problems] == [f"survey!{cell}"]
    assert "missing required key 'label'" in str(problems[0])


def test_conditions_are_read_as_expressions():
    earlier = {"plan": {"id": "plan", "type": "scale", "scale": {"min": 1, "max": 6, "labels": {}}},
               "phase": {"id": "phase", "type": "single_choice", "options": []},
               "done": {"id": "done", "type": "yes_no"}}
    assert parse_condition("${plan} <= 3", earlier, {}) == {"question": "plan", "in": [1, 2, 3]}
    assert parse_condition("${plan} > 4", earlier, {}) == {"question": "plan", "in": [5, 6]}
    assert parse_condition("${plan} = na", earlier, {}) == {"question": "plan", "equals": "na"}
    assert parse_condition("${phase} in (a_b, 'it''s', \"x y\")", earlier, {}) == {
        "question": "phase", "in": ["a_b", "it's", "x y"]}
    assert parse_condition("${done} = false", earlier, {}) == {"question": "done", "equals": False}
    for bad in ("plan <= 3", "${phase} <= 3", "${plan} in 1, 2", "${plan} =", "${plan} < 1"):
        with pytest.raises(ExpressionError):
            parse_condition(bad, earlier, {})


def test_an_unreadable_condition_is_reported_at_its_cell():
    content = bank_to_workbook(load_bank(ROOT / "question_banks" / "psv.yaml").snapshot)
    cell = find(content, "survey", "show_if", "p1_anchoring_change")
    _data, problems = workbook_problems(edit(content, "survey", cell, "${p1_anchoring} ≤ 3"), "psv.xlsx")
    assert len(problems) == 1 and problems[0].cell == f"survey!{cell}"
    assert str(problems[0]).startswith(f"psv.xlsx: survey!{cell}: write a condition such as")
