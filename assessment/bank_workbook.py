"""A bank as an Excel workbook, in the spirit of XLSForm, and back (docs/bank-format.md).

`bank_to_workbook(data)` writes a bank's data (as the YAML loader reads it) to a workbook;
`workbook_to_bank(content)` reads it back into the same data, before validation. `read_workbook`
also keeps, for every value, the cell it came from, so that the bank validator's problems (which
carry the data path of what is wrong) are reported as `file: sheet!cell: message`.

A blank cell is a key that is absent; everything else is written and read as it stands, so
YAML -> workbook -> YAML gives the same bank, with the same hash.
"""
from __future__ import annotations

import dataclasses
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from assessment.bank_validator import Problem, validate_bank_data
from assessment.i18n import N_
from assessment.question_types import QUESTION_TYPES

LANGUAGES = ("nb", "en")
Path_ = tuple[Any, ...]

SETTINGS_COLUMNS = ["id", "version", "kind", "title::nb", "title::en", "intro::nb", "intro::en"]
DIVERGENCE_KEYS = ("range", "stdev", "split")
SURVEY_COLUMNS = ["type", "name", "label::nb", "label::en", "help::nb", "help::en", "required",
                  "show_if", "scale", "comment", "group", "discuss", "roles", "choices",
                  "min", "max", "decimals", "unit::nb", "unit::en", "max_length"]
CHOICES_COLUMNS = ["list_name", "value", "label::nb", "label::en"]
SCALES_COLUMNS = ["scale", "question", "min", "max", "cannot_assess", "level", "label::nb", "label::en"]
GROUPS_COLUMNS = ["group", "label::nb", "label::en"]
BEGIN, END = "begin step", "end step"
BOOLEANS = ("required", "discuss", "cannot_assess")
TRUE_WORDS = {"yes", "true", "ja", "sann"}
FALSE_WORDS = {"no", "false", "nei", "usann"}


# ---------------------------------------------------------------- show_if as an expression

_EXPRESSION = re.compile(r"^\s*\$\{\s*([^}]*?)\s*\}\s*(=|==|<=|>=|<|>|in\b)\s*(.*?)\s*$", re.S)
_VALUE = re.compile(r'\s*("(?:[^"\\]|\\.)*"|\'(?:[^\']|\'\')*\'|[^,()\s]+)\s*')
_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
_BARE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class ExpressionError(ValueError):
    """A show_if expression that cannot be read: an N_-marked message template and its parameters."""

    def __init__(self, template: str, **params):
        self.template, self.params = template, params
        super().__init__(template % params if params else template)


def format_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, str) and _BARE.match(value) and value not in ("true", "false", "in"):
        return value
    return json.dumps(value, ensure_ascii=False)


def parse_value(text: str) -> Any:
    if text.startswith('"'):
        return json.loads(text)
    if text.startswith("'"):
        return text[1:-1].replace("''", "'")
    if text in ("true", "false"):
        return text == "true"
    if _NUMBER.match(text):
        return float(text) if "." in text else int(text)
    if _BARE.match(text):
        return text
    raise ExpressionError(N_('%(text)s is not a value: write a number, true, false, a word or "a text"'),
                          text=repr(text))


def _levels(target: dict | None, named_scales: dict) -> list[int] | None:
    """The whole-number answers of a question with a closed range of levels (a scale)."""
    if not isinstance(target, dict) or not isinstance(target.get("type"), str):
        return None
    kind = QUESTION_TYPES.get(target["type"])
    possible = kind.possible_values(target, named_scales) if kind else None
    if possible is None:
        return None
    levels = [v for v in possible if isinstance(v, int) and not isinstance(v, bool)]
    return levels or None


def format_condition(condition: Any, target: dict | None, named_scales: dict) -> Any:
    """A show_if mapping as `${q} = v`, `${q} in (a, b)`, or `${q} <= 3` / `${q} >= 4` when its
    values are exactly a scale's levels up to or from one level, in order."""
    if not (isinstance(condition, dict) and set(condition) in ({"question", "equals"}, {"question", "in"})
            and isinstance(condition["question"], str)):
        return json.dumps(condition, ensure_ascii=False)  # not expressible: kept as it is, for the validator
    head = "${" + condition["question"] + "}"
    if "equals" in condition:
        return f"{head} = {format_value(condition['equals'])}"
    values = condition["in"]
    if not isinstance(values, list) or any(isinstance(v, (dict, list)) or v is None for v in values):
        return json.dumps(condition, ensure_ascii=False)
    levels = _levels(target, named_scales)
    if levels and values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        if values == [level for level in levels if level <= values[-1]]:
            return f"{head} <= {values[-1]}"
        if values == [level for level in levels if level >= values[0]]:
            return f"{head} >= {values[0]}"
    return f"{head} in ({', '.join(format_value(v) for v in values)})"


def parse_condition(text: str, earlier: dict[str, dict], named_scales: dict) -> dict:
    """The show_if mapping of an expression; ExpressionError when it cannot be read."""
    if text.lstrip().startswith("{"):
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise ExpressionError(N_("not a condition: %(error)s"), error=str(exc)) from exc
        return value
    match = _EXPRESSION.match(text)
    if not match:
        raise ExpressionError(N_("write a condition such as ${plan} = 3, ${plan} <= 3 or ${plan} in (1, 2)"))
    name, operator, rest = match.groups()
    if operator == "in":
        if not (rest.startswith("(") and rest.endswith(")")):
            raise ExpressionError(N_("after 'in', list the values in brackets: in (1, 2, 3)"))
        inner = rest[1:-1]
        values, position = [], 0
        while position < len(inner):
            item = _VALUE.match(inner, position)
            if not item:
                raise ExpressionError(N_("cannot read the values %(values)s"), values=repr(inner))
            values.append(parse_value(item.group(1)))
            position = item.end()
            if position < len(inner):
                if inner[position] != ",":
                    raise ExpressionError(N_("separate the values with commas: %(values)s"), values=repr(inner))
                position += 1
        return {"question": name, "in": values}
    value = parse_value(rest) if rest else None
    if rest == "" :
        raise ExpressionError(N_("a value is missing after '%(operator)s'"), operator=operator)
    if operator in ("=", "=="):
        return {"question": name, "equals": value}
    if isinstance(value, bool) or not isinstance(value, int):
        raise ExpressionError(N_("'%(operator)s' compares with a whole number, a level of a scale"),
                              operator=operator)
    levels = _levels(earlier.get(name), named_scales)
    if levels is None:
        raise ExpressionError(N_("'%(operator)s' works on a scale question before this one; '%(name)s' is "
                                 "not one (use = or in)"), operator=operator, name=name)
    chosen = [level for level in levels if {"<=": level <= value, ">=": level >= value,
                                            "<": level < value, ">": level > value}[operator]]
    if not chosen:
        raise ExpressionError(N_("no level of '%(name)s' is %(operator)s %(value)s"), name=name,
                              operator=operator, value=value)
    return {"question": name, "in": chosen}


# ---------------------------------------------------------------- writing

def _cell(value: Any) -> Any:
    """A value as a cell holds it: lists as comma-separated text, anything else unreadable as JSON."""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


class _Sheet:
    def __init__(self, book: Workbook, title: str, columns: list[str]):
        self.sheet = book.create_sheet(title)
        self.columns = list(columns)

    def add(self, row: dict[str, Any]) -> None:
        for key in row:
            if key not in self.columns:
                self.columns.append(key)
        values = [row.get(column) for column in self.columns]
        self.sheet.append([None] * len(values))
        r = self.sheet.max_row
        for c, value in enumerate(values, start=1):
            if value is None:
                continue
            cell = self.sheet.cell(row=r, column=c, value=_cell(value))
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text beginning with "=" stays text, never a formula

    def finish(self) -> None:
        self.sheet.insert_rows(1)
        for c, column in enumerate(self.columns, start=1):
            self.sheet.cell(row=1, column=c, value=column).font = Font(bold=True)
            width = 40 if column.split("::")[0] in ("label", "help", "intro", "title") else 14
            self.sheet.column_dimensions[get_column_letter(c)].width = width
        self.sheet.freeze_panes = "A2"


def _texts(key: str, value: Any) -> dict[str, Any]:
    """A {nb, en} text as its `key::lang` columns; anything else in the `key` column."""
    if value is None:
        return {}
    if isinstance(value, dict) and all(isinstance(lang, str) for lang in value):
        return {f"{key}::{lang}": text for lang, text in value.items()}
    return {key: value}


def bank_to_workbook(data: dict[str, Any]) -> bytes:
    """A bank's data as an xlsx workbook (sheets settings, survey, choices, scales, groups, weights)."""
    book = Workbook()
    book.remove(book.active)
    named_scales = data.get("scales") if isinstance(data.get("scales"), dict) else {}
    scoring = data.get("scoring") if isinstance(data.get("scoring"), dict) else {}

    settings = _Sheet(book, "settings", SETTINGS_COLUMNS)
    row: dict[str, Any] = {}
    for key, value in data.items():
        if key in ("title", "intro"):
            row.update(_texts(key, value))
        elif key not in ("sections", "scales", "scoring"):
            row[key] = value
    for key, value in (scoring.get("divergence") or {}).items():
        row[f"divergence.{key}"] = value
    settings.add(row)

    survey = _Sheet(book, "survey", SURVEY_COLUMNS)
    choices = _Sheet(book, "choices", CHOICES_COLUMNS)
    scales = _Sheet(book, "scales", SCALES_COLUMNS)
    earlier: dict[str, dict] = {}

    def scale_rows(scale: Any, name: str | None, question: str | None) -> None:
        head = {"scale": name, "question": question}
        if not isinstance(scale, dict):
            scales.add({**head, "min": scale})
            return
        extra = {k: v for k, v in scale.items() if k != "labels"}
        labels = scale.get("labels")
        if not isinstance(labels, dict) or not labels:
            scales.add({**head, **extra, **({"labels": labels} if labels is not None else {})})
            return
        for level, label in labels.items():
            scales.add({**head, **extra, "level": int(level) if str(level).lstrip("-").isdigit() else level,
                        **_texts("label", label)})
            extra = {}

    for name, scale in named_scales.items():
        scale_rows(scale, name, None)

    for section in data.get("sections") or []:
        section = section if isinstance(section, dict) else {}
        head = {"type": BEGIN, "name": section.get("id")}
        for key, value in section.items():
            if key in ("title", "intro"):
                head.update(_texts({"title": "label", "intro": "help"}[key], value))
            elif key not in ("id", "questions"):
                head[key] = value
        survey.add(head)
        for q in section.get("questions") or []:
            q = q if isinstance(q, dict) else {}
            row = {}
            for key, value in q.items():
                if key == "id":
                    row["name"] = value
                elif key in ("label", "help", "unit"):
                    row.update(_texts(key, value))
                elif key == "show_if":
                    target = earlier.get(value.get("question")) if isinstance(value, dict) else None
                    row["show_if"] = format_condition(value, target, named_scales)
                elif key == "options" and isinstance(value, list):
                    row["choices"] = q.get("id")
                    for option in value:
                        option = option if isinstance(option, dict) else {}
                        choices.add({"list_name": q.get("id"), **{
                            k: v for k, v in option.items() if k != "label"}, **_texts("label", option.get("label"))})
                elif key == "scale" and isinstance(value, dict):
                    scale_rows(value, None, q.get("id"))
                else:
                    row[key] = value
            survey.add(row)
            if isinstance(q.get("id"), str):
                earlier.setdefault(q["id"], q)
        survey.add({"type": END, "name": section.get("id")})

    groups = _Sheet(book, "groups", GROUPS_COLUMNS)
    for name, label in (scoring.get("groups") or {}).items():
        groups.add({"group": name, **_texts("label", label)})
    weights = _Sheet(book, "weights", ["years", *(scoring.get("groups") or {})])
    for row in scoring.get("weights") or []:
        weights.add(row if isinstance(row, dict) else {"years": row})
    for sheet in (settings, survey, choices, scales, groups, weights):
        sheet.finish()
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- reading

@dataclass
class WorkbookBank:
    """A workbook's bank data, where each value came from, and what could not be read at all."""

    data: dict[str, Any]
    cells: dict[Path_, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    readable: bool = True  # False: not a workbook, or no settings or survey sheet to validate

    def cell_of(self, path: Path_) -> str | None:
        """The cell of a data path, or of the nearest enclosing value that has one."""
        path = tuple(path)
        while True:
            if path in self.cells:
                return self.cells[path]
            if not path:
                return None
            path = path[:-1]


class _Rows:
    """A sheet's rows as {column: (value, cell)} under its header row."""

    def __init__(self, book, name: str):
        self.name = name
        self.header: list[str | None] = []
        self.present = name in book.sheetnames
        self.rows: list[tuple[int, dict[str, tuple[Any, str]]]] = []
        self.first_cell = f"{name}!A1"
        if not self.present:
            return
        sheet = book[name]
        header: list[str | None] = []
        self.header = header
        for r, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if r == 1:
                header[:] = [str(v).strip() if v is not None else None for v in values]
                continue
            row = {}
            for c, value in enumerate(values):
                if c >= len(header) or not header[c] or value is None:
                    continue
                if isinstance(value, str) and not value.strip():
                    continue  # kept as typed otherwise: a Markdown text's final newline is part of it
                row[header[c]] = (value, f"{name}!{get_column_letter(c + 1)}{r}")
            if row:
                self.rows.append((r, row))


def _boolean(value: Any) -> Any:
    if isinstance(value, str) and value.lower() in TRUE_WORDS | FALSE_WORDS:
        return value.lower() in TRUE_WORDS
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value in (0, 1):
        return bool(value)
    return value


def _list(value: Any) -> Any:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return [value]


def _years(value: Any) -> Any:
    items = _list(value)
    return [int(v) if isinstance(v, str) and v.isdigit() else v for v in items]


def _json_or(value: Any) -> Any:
    """A cell that holds a mapping or list written as JSON (a value the columns cannot spread)."""
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class _Reader:
    def __init__(self, book, filename: str):
        self.book = book
        self.filename = filename
        self.cells: dict[Path_, str] = {}
        self.problems: list[Problem] = []

    def problem(self, cell: str, template: str, **params) -> None:
        """Report a problem at `cell`: `template` is an N_-marked message with %(name)s `params`."""
        self.problems.append(Problem.of(self.filename, cell, template, cell=cell, **params))

    def put(self, target: dict, path: Path_, column: str, value: Any, cell: str,
            convert=lambda v: v) -> None:
        """Set a column's value into `target` (a `key::lang` column into target[key][lang])."""
        if "::" in column:
            key, lang = column.split("::", 1)
            text = target.get(key)
            if not isinstance(text, dict):
                text = target[key] = {}
            text[lang] = value if isinstance(value, str) else str(value)
            self.cells.setdefault(path + (key,), cell)
            self.cells[path + (key, lang)] = cell
        else:
            target[column] = convert(value)
            self.cells[path + (column,)] = cell

    def read(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        settings = _Rows(self.book, "settings")
        self.cells[()] = settings.first_cell
        if not settings.present:
            self.problem("settings!A1", N_("the workbook has no 'settings' sheet (id, version, kind, title::nb, "
                                           "title::en)"))
        divergence: dict[str, Any] = {}
        for r, row in settings.rows[:1]:
            self.cells[()] = f"settings!A{r}"
            for column, (value, cell) in row.items():
                if column.startswith("divergence."):
                    key = column.split(".", 1)[1]
                    divergence[key] = value
                    self.cells[("scoring", "divergence", key)] = cell
                else:
                    self.put(data, (), column, value, cell, _json_or)
        for r, _row in settings.rows[1:]:
            self.problem(f"settings!A{r}", N_("the settings sheet has one row of values, under its header"))

        scales = self.read_scales()
        if scales["named"]:
            data["scales"] = scales["named"]
        data["sections"] = self.read_survey(scales["inline"], scales["named"])
        self.cells.setdefault(("sections",), "survey!A1")
        scoring = self.read_scoring()
        if divergence:
            scoring["divergence"] = divergence
        if scoring:
            data["scoring"] = scoring
        return data

    def read_scales(self) -> dict[str, dict]:
        named: dict[str, dict] = {}
        inline: dict[str, tuple[dict, dict]] = {}
        sheet = _Rows(self.book, "scales")
        self.cells[("scales",)] = sheet.first_cell
        for r, row in sheet.rows:
            name = row.get("scale", (None,))[0]
            question = row.get("question", (None,))[0]
            if question is not None:
                scale, cells = inline.setdefault(str(question), ({}, {}))
                path: Path_ = ()
            elif name is not None:
                name = str(name)
                scale = named.setdefault(name, {})
                cells = self.cells
                path = ("scales", name)
            else:
                self.problem(f"scales!A{r}", N_("name the scale in the 'scale' column (or the question of its own "
                                                "scale in 'question')"))
                continue
            cells.setdefault(path, row.get("scale", row.get("question"))[1])
            level = row.get("level")
            label_columns = {c: v for c, v in row.items() if c.startswith("label::")}
            for column, (value, cell) in row.items():
                if column in ("scale", "question", "level") or column in label_columns:
                    continue
                if column in scale:
                    self.problem(cell, N_("'%(column)s' of scale '%(scale)s' is given twice"), column=column,
                                 scale=name or question)
                    continue
                convert = _boolean if column in BOOLEANS else _json_or
                scale[column] = convert(value)
                cells[path + (column,)] = cell
            if level is not None:
                labels = scale.setdefault("labels", {})
                cells.setdefault(path + ("labels",), level[1])
                key = str(level[0])
                if key in labels:
                    self.problem(level[1], N_("level %(level)s of scale '%(scale)s' has two rows"), level=key,
                                 scale=name or question)
                    continue
                labels[key] = {}
                cells[path + ("labels", key)] = level[1]
                for column, (value, cell) in label_columns.items():
                    lang = column.split("::", 1)[1]
                    labels[key][lang] = value if isinstance(value, str) else str(value)
                    cells[path + ("labels", key, lang)] = cell
            elif label_columns:
                self.problem(f"scales!A{r}", N_("a label row needs its level in the 'level' column"))
        self.inline_cells = {q: cells for q, (_s, cells) in inline.items()}
        return {"named": named, "inline": {q: s for q, (s, _c) in inline.items()}}

    def read_choices(self) -> dict[str, list[tuple[dict, dict]]]:
        lists: dict[str, list[tuple[dict, dict]]] = {}
        for r, row in _Rows(self.book, "choices").rows:
            if "list_name" not in row:
                self.problem(f"choices!A{r}", N_("name the list in the 'list_name' column"))
                continue
            option: dict[str, Any] = {}
            cells: dict[Path_, str] = {(): row["list_name"][1]}
            for column, (value, cell) in row.items():
                if column == "list_name":
                    continue
                if column == "value" and isinstance(value, (int, float)) and not isinstance(value, bool):
                    value = str(value)
                if "::" in column:
                    key, lang = column.split("::", 1)
                    option.setdefault(key, {})[lang] = value if isinstance(value, str) else str(value)
                    cells.setdefault((key,), cell)
                    cells[(key, lang)] = cell
                else:
                    option[column] = value
                    cells[(column,)] = cell
            lists.setdefault(str(row["list_name"][0]), []).append((option, cells))
        return lists

    def read_survey(self, inline: dict[str, dict], named_scales: dict) -> list[dict]:
        choices = self.read_choices()
        sheet = _Rows(self.book, "survey")
        if not sheet.present:
            self.problem("survey!A1", N_("the workbook has no 'survey' sheet"))
        sections: list[dict] = []
        section: dict | None = None
        earlier: dict[str, dict] = {}
        for r, row in sheet.rows:
            kind = row.get("type", (None, f"survey!A{r}"))
            kind_text = str(kind[0]).strip().lower().replace("_", " ") if kind[0] is not None else ""
            if kind_text == BEGIN:
                if section is not None:
                    self.problem(kind[1], N_("step '%(step)s' has no 'end step' row before this step begins"),
                                 step=section.get("id"))
                section = {}
                sections.append(section)
                path: Path_ = ("sections", len(sections) - 1)
                self.cells[path] = kind[1]
                self.cells[path + ("questions",)] = kind[1]
                for column, (value, cell) in row.items():
                    if column == "type":
                        continue
                    key = {"name": "id", "label": "title", "help": "intro"}.get(column.split("::")[0], column)
                    column = key + ("::" + column.split("::", 1)[1] if "::" in column else "")
                    self.put(section, path, column, value, cell, _list if key == "roles" else _json_or)
                section["questions"] = []
                continue
            if kind_text == END:
                if section is None:
                    self.problem(kind[1], N_("an 'end step' row without a 'begin step' before it"))
                section = None
                continue
            if section is None:
                self.problem(kind[1], N_("a question outside a step: put 'begin step' and 'end step' rows around "
                                         "the questions of each step"))
                continue
            path = ("sections", len(sections) - 1, "questions", len(section["questions"]))
            q: dict[str, Any] = {}
            section["questions"].append(q)
            self.cells[path] = row.get("name", kind)[1]
            for c, column in enumerate(sheet.header, start=1):  # a missing value: reported at its cell
                if column:
                    key = {"name": "id", "choices": "options"}.get(column, column.split("::")[0])
                    self.cells.setdefault(path + (key,), f"survey!{get_column_letter(c)}{r}")
            for column, (value, cell) in row.items():
                if column == "name":
                    self.put(q, path, "id", value if isinstance(value, str) else str(value), cell)
                elif column == "show_if":
                    self.cells[path + ("show_if",)] = cell
                    if not isinstance(value, str):
                        value = str(value)
                    try:
                        q["show_if"] = parse_condition(value, earlier, named_scales)
                    except ExpressionError as exc:
                        self.problem(cell, exc.template, **exc.params)
                elif column == "choices":
                    self.cells[path + ("options",)] = cell
                    options = choices.get(str(value))
                    if options is None:
                        self.problem(cell, N_('no list "%(list)s" in the choices sheet'), list=value)
                        continue
                    q["options"] = []
                    for k, (option, cells) in enumerate(options):
                        q["options"].append(json.loads(json.dumps(option)))
                        for sub, where in cells.items():
                            self.cells[path + ("options", k) + sub] = where
                elif column == "scale":
                    self.put(q, path, column, str(value), cell)
                elif column == "roles":
                    self.put(q, path, column, value, cell, _list)
                elif column in BOOLEANS:
                    self.put(q, path, column, value, cell, _boolean)
                else:
                    self.put(q, path, column, value, cell, _json_or)
            qid = q.get("id")
            if isinstance(qid, str) and qid in inline and "scale" not in q:
                q["scale"] = json.loads(json.dumps(inline[qid]))
                for sub, where in self.inline_cells[qid].items():
                    self.cells[path + ("scale",) + sub] = where
            if isinstance(qid, str):
                earlier.setdefault(qid, q)
        if section is not None:
            self.problem(f"survey!A{sheet.rows[-1][0] + 1 if sheet.rows else 2}",
                         N_("step '%(step)s' has no 'end step' row"), step=section.get("id"))
        return sections

    def read_scoring(self) -> dict[str, Any]:
        scoring: dict[str, Any] = {}
        groups_sheet = _Rows(self.book, "groups")
        self.cells[("scoring",)] = groups_sheet.first_cell
        self.cells[("scoring", "groups")] = groups_sheet.first_cell
        groups: dict[str, Any] = {}
        for r, row in groups_sheet.rows:
            if "group" not in row:
                self.problem(f"groups!A{r}", N_("name the group in the 'group' column"))
                continue
            name = str(row["group"][0])
            label: dict[str, Any] = {}
            for column, (value, cell) in row.items():
                if column != "group":
                    self.put(label, ("scoring", "groups", name), column, value, cell)
            self.cells[("scoring", "groups", name)] = row["group"][1]
            groups[name] = label.get("label", {k: v for k, v in label.items()})
        if groups:
            scoring["groups"] = groups
        weights_sheet = _Rows(self.book, "weights")
        self.cells[("scoring", "weights")] = weights_sheet.first_cell
        weights = []
        for r, row in weights_sheet.rows:
            path = ("scoring", "weights", len(weights))
            self.cells[path] = f"weights!A{r}"
            entry: dict[str, Any] = {}
            for column, (value, cell) in row.items():
                self.put(entry, path, column, value, cell, _years if column == "years" else _json_or)
            weights.append(entry)
        if weights:
            scoring["weights"] = weights
        return scoring


def read_workbook(content: bytes, filename: str = "<workbook>") -> WorkbookBank:
    """A workbook's bank data, its cells, and the problems of reading it (not yet validated)."""
    try:
        book = load_workbook(io.BytesIO(content), read_only=False, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        return WorkbookBank({}, {}, [Problem.of(filename, "(file)", N_("not an xlsx workbook: %(error)s"),
                                                error=str(exc))], False)
    reader = _Reader(book, filename)
    data = reader.read()
    readable = "settings" in book.sheetnames and "survey" in book.sheetnames
    return WorkbookBank(data, reader.cells, reader.problems, readable)


def workbook_to_bank(content: bytes) -> dict[str, Any]:
    """A workbook's bank data: the same structure the YAML loader produces before validation."""
    return read_workbook(content).data


def workbook_problems(content: bytes, filename: str) -> tuple[dict[str, Any], list[Problem]]:
    """A workbook's data and every problem in it, reading and validating, each named by its cell."""
    read = read_workbook(content, filename)
    if not read.readable:
        return read.data, read.problems
    problems = list(read.problems)
    for problem in validate_bank_data(read.data, filename):
        problems.append(dataclasses.replace(problem, cell=read.cell_of(problem.path)))
    return read.data, problems


def bank_yaml(data: dict[str, Any]) -> str:
    """A bank's data as YAML text that the bank loader reads back into the same data."""
    return yaml.dump(data, Dumper=_BankDumper, allow_unicode=True, sort_keys=False, width=100)


class _BankDumper(yaml.SafeDumper):
    """Block style, with Markdown texts of several lines as literal blocks (`|`), as written by hand."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|" if "\n" in text else None)


_BankDumper.add_representer(str, _represent_text)
