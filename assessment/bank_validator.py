"""Validation of a bank's data: every problem, with the place it was found and its line."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from assessment.i18n import N_, translate
from assessment.models import ROLE_GROUPS
from assessment.question_types import QUESTION_TYPES

KINDS = ("annual_review", "closure_review", "fact_sheet")
LANGUAGES = ("nb", "en")
PROGRAMME_YEARS = range(1, 7)
MAX_SCALE_LEVELS = 11

BANK_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ITEM_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def same_value(answer: Any, value: Any) -> bool:
    if isinstance(answer, bool) or isinstance(value, bool):
        return answer is value or answer == value
    return answer == value or str(answer) == str(value)



class Word(str):
    """A word inside a problem's message that is translated with it (its text is marked N_)."""


def message_params(params: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted(params.items()))


def fill(template: str, params: tuple[tuple[str, Any], ...], lang: str | None = None) -> str:
    """A problem's message from its template (an N_-marked English text) and parameters: English
    without `lang`, else translated, Word parameters with it."""
    if lang is None:
        return template % dict(params) if params else template
    values = {k: translate(v, lang) if isinstance(v, Word) else v for k, v in params}
    return translate(template, lang) % values if values else translate(template, lang)


@dataclass(frozen=True)
class Problem:
    file: str
    place: str
    message: str          # in English, as the command line shows it
    line: int | None = None
    # The data path of what is wrong, such as ("sections", 2, "questions", 4, "scale"): a reader
    # of another format (a workbook) turns it into its own location, `cell` ("survey!C14").
    path: tuple[str | int, ...] = ()
    cell: str | None = None
    template: str = ""    # the message's N_-marked id, when it has one, and its parameters
    params: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, file: str, place: str, template: str, line: int | None = None,
           path: tuple[str | int, ...] = (), cell: str | None = None, **params) -> Problem:
        """A problem whose message is a template (marked N_) filled with `params`."""
        pairs = message_params(params)
        return cls(file, place, fill(template, pairs), line, path, cell, template, pairs)

    def text(self, lang: str) -> str:
        """The message in the interface language `lang`."""
        return fill(self.template, self.params, lang) if self.template else self.message

    def __str__(self) -> str:
        if self.cell:
            return f"{self.file}: {self.cell}: {self.message}"
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.place}: {self.message}"


def place_path(place: str) -> tuple[str | int, ...]:
    """The data path of a place such as `sections[2].questions[1].scale`."""
    if place in ("(top)", "(file)"):
        return ()
    return tuple(int(index) if index else key
                 for key, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", place))


class BankError(Exception):
    """A bank file that cannot be used, with every problem found in it."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))



def validate_bank_data(data: Any, filename: str, root: yaml.Node | None = None) -> list[Problem]:
    """Every problem in a bank's (JSON-normalised) data; `root` gives line numbers."""
    return _Validator(filename, root).validate(data)


TOP_KEYS = {"id", "version", "kind", "title", "intro", "scales", "scoring", "sections"}
SECTION_KEYS = {"id", "title", "intro", "questions", "roles"}
SCALE_KEYS = {"min", "max", "labels", "cannot_assess"}
QUESTION_KEYS = {"id", "type", "label", "help", "required", "show_if", "group", "discuss", "roles"}


class _Validator:
    """Walks a bank's data and collects every problem with the place it was found."""

    def __init__(self, filename: str, root: yaml.Node | None):
        self.filename = filename
        self.root = root
        self.problems: list[Problem] = []
        self.named_scales: dict[str, Any] = {}

    # -- reporting

    path_of = staticmethod(place_path)
    word = Word

    def error(self, place: str, template: str, path: tuple[str | int, ...] | None = None, **params) -> None:
        """Report a problem: `template` is an N_-marked English message with %(name)s `params`."""
        self.problems.append(Problem.of(self.filename, place, template, self._line(place),
                                        place_path(place) if path is None else path, **params))

    def _line(self, place: str) -> int | None:
        """The 1-based line of the node at `place` in the YAML source, as near as it exists."""
        node = self.root
        if node is None or place in ("(top)", "(file)"):
            return None
        line = node.start_mark.line + 1
        for key, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", place):
            if isinstance(node, yaml.MappingNode) and key:
                match = next((v for k, v in node.value if str(k.value) == key), None)
                if match is None:
                    return line
                node = match
            elif isinstance(node, yaml.SequenceNode) and index:
                if int(index) >= len(node.value):
                    return line
                node = node.value[int(index)]
            else:
                return line
            line = node.start_mark.line + 1
        return line

    # -- small checks

    def mapping(self, value: Any, place: str) -> bool:
        if not isinstance(value, dict):
            self.error(place, N_("must be a mapping, got %(kind)s"), kind=_kind(value))
            return False
        return True

    def keys(self, value: dict, place: str, allowed: set[str], required: set[str]) -> None:
        for key in value:
            if key not in allowed:
                self.error(_join(place, key), N_("unknown key '%(key)s'; allowed: %(allowed)s"), key=key,
                           allowed=", ".join(sorted(allowed)))
        for key in sorted(required - set(value)):
            self.error(place, N_("missing required key '%(key)s'"), place_path(place) + (key,), key=key)

    def text(self, value: Any, place: str) -> None:
        if not self.mapping(value, place):
            return
        for key in value:
            if key not in LANGUAGES:
                self.error(_join(place, key), N_("unknown language '%(key)s'; use nb and en"), key=key)
        for lang in LANGUAGES:
            if lang not in value:
                self.error(_join(place, lang), N_("text missing in language '%(lang)s'"), lang=lang)
            elif not isinstance(value[lang], str) or not value[lang].strip():
                self.error(_join(place, lang), N_("text in '%(lang)s' must be a non-empty string"), lang=lang)

    def optional_text(self, value: dict, key: str, place: str) -> None:
        if key in value and value[key] is not None:
            self.text(value[key], _join(place, key))

    def number(self, value: Any, place: str, integer: bool = False) -> bool:
        ok = isinstance(value, int) if integer else isinstance(value, (int, float))
        if not ok or isinstance(value, bool):
            self.error(place, N_("must be a whole number, got %(kind)s") if integer
                       else N_("must be a number, got %(kind)s"), kind=_kind(value))
            return False
        return True

    def boolean(self, value: dict, key: str, place: str) -> None:
        if key in value and not isinstance(value[key], bool):
            self.error(_join(place, key), N_("must be true or false, got %(kind)s"), kind=_kind(value[key]))

    # -- the bank

    def validate(self, data: Any) -> list[Problem]:
        if not isinstance(data, dict):
            self.error("(top)", N_("a bank must be a mapping at the top level, got %(kind)s"), kind=_kind(data))
            return self.problems
        if isinstance(data.get("scales"), dict):
            self.named_scales = data["scales"]
        self.keys(data, "(top)", TOP_KEYS, {"id", "version", "kind", "title", "sections"})
        if "id" in data and not (isinstance(data["id"], str) and BANK_ID.match(data["id"])):
            self.error("id", N_("must be lowercase letters, digits and dashes"))
        if "version" in data and not isinstance(data["version"], (str, int, float)):
            self.error("version", N_("must be a text such as \"2026.1\""))
        if "kind" in data and data["kind"] not in KINDS:
            self.error("kind", N_("unknown kind '%(kind)s'; use one of %(kinds)s"), kind=data["kind"],
                       kinds=", ".join(KINDS))
        if "title" in data:
            self.text(data["title"], "title")
        self.optional_text(data, "intro", "")
        scales = self.validate_named_scales(data.get("scales"))
        groups = self.validate_scoring(data.get("scoring"))
        if "sections" in data:
            self.validate_sections(data["sections"], scales, groups)
            uses_groups = any(
                isinstance(q, dict) and q.get("group")
                for s in data["sections"] if isinstance(s, dict)
                for q in (s.get("questions") or []) if isinstance(s.get("questions"), list)
            ) if isinstance(data["sections"], list) else False
            if uses_groups and not data.get("scoring"):
                self.error("scoring", N_("required when questions have a group"))
        return self.problems

    def validate_named_scales(self, scales: Any) -> set[str]:
        if scales is None or not self.mapping(scales, "scales"):
            return set()
        for name, scale in scales.items():
            if not ITEM_ID.match(name):
                self.error(f"scales.{name}", N_("scale names must be lowercase letters, digits and _"))
            self.validate_scale(scale, f"scales.{name}")
        return set(scales)

    def validate_scale(self, scale: Any, place: str) -> None:
        if not self.mapping(scale, place):
            return
        self.keys(scale, place, SCALE_KEYS, {"min", "max", "labels"})
        self.boolean(scale, "cannot_assess", place)
        lo, hi = scale.get("min"), scale.get("max")
        if "min" in scale and not self.number(lo, f"{place}.min", integer=True):
            return
        if "max" in scale and not self.number(hi, f"{place}.max", integer=True):
            return
        if lo is None or hi is None:
            return
        if lo >= hi:
            self.error(f"{place}.max", N_("must be greater than min (%(low)s), got %(high)s"), low=lo, high=hi)
            return
        if hi - lo + 1 > MAX_SCALE_LEVELS:
            self.error(f"{place}.max", N_("a scale has at most %(num)d levels"), num=MAX_SCALE_LEVELS)
            return
        labels = scale.get("labels")
        if labels is None or not self.mapping(labels, f"{place}.labels"):
            return
        for level in range(lo, hi + 1):
            if str(level) not in labels:
                self.error(f"{place}.labels", N_("no label for level %(level)s"), level=level)
            else:
                self.text(labels[str(level)], f"{place}.labels.{level}")
        for key in labels:
            if not (key.lstrip("-").isdigit() and lo <= int(key) <= hi):
                self.error(f"{place}.labels.{key}", N_("label for a level outside %(low)s-%(high)s"), low=lo, high=hi)

    def validate_scoring(self, scoring: Any) -> set[str]:
        if scoring is None or not self.mapping(scoring, "scoring"):
            return set()
        self.keys(scoring, "scoring", {"groups", "weights", "divergence"}, {"groups", "weights"})
        groups: set[str] = set()
        if isinstance(scoring.get("groups"), dict) and scoring["groups"]:
            for name, label in scoring["groups"].items():
                if not ITEM_ID.match(name):
                    self.error(f"scoring.groups.{name}", N_("group names must be lowercase letters, digits and _"))
                self.text(label, f"scoring.groups.{name}")
                groups.add(name)
        elif "groups" in scoring:
            self.error("scoring.groups", N_("must be a non-empty mapping of group name to label"))
        weights = scoring.get("weights")
        if "weights" in scoring:
            self.validate_weights(weights, groups)
        divergence = scoring.get("divergence")
        if divergence is not None and self.mapping(divergence, "scoring.divergence"):
            self.keys(divergence, "scoring.divergence", {"range", "stdev", "split"}, set())
            for key, value in divergence.items():
                if self.number(value, f"scoring.divergence.{key}") and value <= 0:
                    self.error(f"scoring.divergence.{key}", N_("must be greater than 0"))
        return groups

    def validate_weights(self, weights: Any, groups: set[str]) -> None:
        if not isinstance(weights, list) or not weights:
            self.error("scoring.weights", N_("must be a list of rows with years and a weight per group"))
            return
        seen: dict[int, int] = {}
        for i, row in enumerate(weights):
            place = f"scoring.weights[{i}]"
            if not self.mapping(row, place):
                continue
            if "years" not in row:
                self.error(place, N_("missing required key '%(key)s'"), key="years")
                continue
            years = row["years"]
            if not isinstance(years, list) or not years or not all(
                    isinstance(y, int) and not isinstance(y, bool) for y in years):
                self.error(f"{place}.years", N_("must be a list of programme years such as [1, 2]"))
                continue
            for year in years:
                if year not in PROGRAMME_YEARS:
                    self.error(f"{place}.years", N_("programme year %(year)s is outside 1-6"), year=year)
                elif year in seen:
                    self.error(f"{place}.years", N_("year %(year)s is already in scoring.weights[%(row)s]"), year=year,
                               row=seen[year])
                else:
                    seen[year] = i
            total = 0.0
            for key, value in row.items():
                if key == "years":
                    continue
                if key not in groups:
                    self.error(f"{place}.{key}", N_("unknown group '%(group)s'; declared: %(groups)s"), group=key,
                               groups=", ".join(sorted(groups)))
                    continue
                if self.number(value, f"{place}.{key}"):
                    if value < 0:
                        self.error(f"{place}.{key}", N_("a weight cannot be negative"))
                    total += value
            for group in sorted(groups - set(row)):
                self.error(place, N_("no weight for group '%(group)s'"), group=group)
            if abs(total - 1.0) > 1e-6:
                self.error(place, N_("weights must add up to 1, they add up to %(total)s"), total=round(total, 6))
        missing = [y for y in PROGRAMME_YEARS if y not in seen]
        if missing:
            self.error("scoring.weights", N_("no weights for programme year(s) %(years)s"),
                       years=", ".join(map(str, missing)))

    def validate_sections(self, sections: Any, scales: set[str], groups: set[str]) -> None:
        if not isinstance(sections, list) or not sections:
            self.error("sections", N_("must be a non-empty list of sections"))
            return
        section_ids: set[str] = set()
        earlier: dict[str, dict] = {}  # questions seen so far, for conditions
        for i, section in enumerate(sections):
            place = f"sections[{i}]"
            if not self.mapping(section, place):
                continue
            self.keys(section, place, SECTION_KEYS, {"id", "title", "questions"})
            sid = section.get("id")
            if "id" in section:
                if not (isinstance(sid, str) and ITEM_ID.match(sid)):
                    self.error(f"{place}.id", N_("must start with a letter and hold only a-z, 0-9 and _"))
                elif sid in section_ids:
                    self.error(f"{place}.id", N_("duplicate section id '%(id)s'"), id=sid)
                section_ids.add(sid)
            if "title" in section:
                self.text(section["title"], f"{place}.title")
            self.optional_text(section, "intro", place)
            if "roles" in section:
                self.roles(section["roles"], f"{place}.roles")
            questions = section.get("questions")
            if "questions" in section:
                if not isinstance(questions, list) or not questions:
                    self.error(f"{place}.questions", N_("must be a non-empty list of questions"))
                    continue
                for j, question in enumerate(questions):
                    self.validate_question(question, f"{place}.questions[{j}]", scales, groups, earlier)

    def validate_question(self, q: Any, place: str, scales: set[str], groups: set[str],
                          earlier: dict[str, dict]) -> None:
        if not self.mapping(q, place):
            return
        qtype = q.get("type")
        kind = QUESTION_TYPES.get(qtype) if isinstance(qtype, str) else None
        extra = set(kind.keys) if kind else set()
        for key in sorted(set(q) - QUESTION_KEYS - extra):
            owners = [name for name, other in QUESTION_TYPES.items() if key in other.keys]
            if owners and qtype in QUESTION_TYPES:
                self.error(_join(place, key), N_("'%(key)s' is not used by %(type)s questions, only by %(owners)s"),
                           key=key, type=qtype, owners=", ".join(owners))
                q = {k: v for k, v in q.items() if k != key}
        self.keys(q, place, QUESTION_KEYS | extra, {"id", "type", "label"})
        qid = q.get("id")
        if "id" in q:
            if not (isinstance(qid, str) and ITEM_ID.match(qid)):
                self.error(f"{place}.id", N_("must start with a letter and hold only a-z, 0-9 and _"))
            elif qid in earlier:
                self.error(f"{place}.id", N_("duplicate question id '%(id)s'"), id=qid)
        if "type" in q and qtype not in QUESTION_TYPES:
            self.error(f"{place}.type", N_("unknown type '%(type)s'; use one of %(types)s"), type=qtype,
                       types=", ".join(QUESTION_TYPES))
        if "label" in q:
            self.text(q["label"], f"{place}.label")
        self.optional_text(q, "help", place)
        self.boolean(q, "required", place)
        if "group" in q:
            indicator_types = [name for name, other in QUESTION_TYPES.items() if other.can_be_indicator]
            if kind is not None and not kind.can_be_indicator:
                self.error(f"{place}.group", N_("only %(types)s questions can be indicators with a group"),
                           types=", ".join(indicator_types))
            elif q["group"] not in groups:
                self.error(f"{place}.group", N_("group '%(group)s' is not declared in scoring.groups"), group=q["group"])
        if "discuss" in q:
            self.validate_discuss(q, kind, place)
        if "roles" in q:
            self.roles(q["roles"], f"{place}.roles")
        if kind is not None:
            kind.check_keys(q, place, self)
        if "show_if" in q:
            self.validate_condition(q["show_if"], f"{place}.show_if", earlier)
        if isinstance(qid, str) and qid not in earlier:
            earlier[qid] = q

    def validate_discuss(self, q: dict, kind, place: str) -> None:
        """`discuss: true` puts a question with statistics on the agenda without making it an indicator."""
        self.boolean(q, "discuss", place)
        if q["discuss"] is not True:
            return
        summarised = [name for name, other in QUESTION_TYPES.items() if other.can_be_indicator]
        if kind is not None and not kind.can_be_indicator:
            self.error(f"{place}.discuss", N_("only %(types)s questions have statistics to discuss; record an "
                                              "agreed answer on the answers page instead"),
                       types=", ".join(summarised))
        elif "group" in q:
            self.error(f"{place}.discuss", N_("an indicator (a question with a group) is on the agenda already; "
                                              "remove 'discuss'"))

    def roles(self, value: Any, place: str) -> None:
        """A list of the role groups a question or section is addressed to."""
        if not isinstance(value, list) or not value:
            self.error(place, N_("must be a non-empty list of role groups (%(roles)s), got %(kind)s"),
                       roles=", ".join(ROLE_GROUPS), kind=_kind(value))
            return
        for role in value:
            if role not in ROLE_GROUPS:
                self.error(place, N_("unknown role group %(role)s; use %(roles)s"), role=repr(role),
                           roles=", ".join(ROLE_GROUPS))

    def validate_condition(self, condition: Any, place: str, earlier: dict[str, dict]) -> None:
        if not self.mapping(condition, place):
            return
        self.keys(condition, place, {"question", "in", "equals"}, {"question"})
        if ("in" in condition) == ("equals" in condition):
            self.error(place, N_("needs exactly one of 'in' or 'equals'"))
            return
        target_id = condition.get("question")
        if target_id is None:
            return
        target = earlier.get(target_id)
        if target is None:
            self.error(f"{place}.question", N_("refers to '%(id)s', which is not a question before this one"),
                       id=target_id)
            return
        values = condition["in"] if "in" in condition else [condition["equals"]]
        if not isinstance(values, list) or not values:
            self.error(f"{place}.in", N_("must be a non-empty list of values"))
            return
        target_kind = QUESTION_TYPES.get(target.get("type")) if isinstance(target.get("type"), str) else None
        possible = target_kind.possible_values(target, self.named_scales) if target_kind else None
        if possible is None:
            return
        for value in values:
            if not any(same_value(value, p) for p in possible):
                key = "in" if "in" in condition else "equals"
                self.error(f"{place}.{key}", N_("'%(id)s' can never have the value %(value)s"), id=target_id,
                           value=repr(value))


def _join(place: str, key: str) -> str:
    return f"{place}.{key}" if place and place != "(top)" else key


def _kind(value: Any) -> str:
    """What a value is, in words translated with the message it is in."""
    kinds = {dict: N_("a mapping"), list: N_("a list"), str: N_("a text"), bool: N_("true/false"),
             type(None): N_("nothing")}
    return Word(kinds[type(value)]) if type(value) in kinds else type(value).__name__
