"""Question banks: load and validate YAML bank files into plain dataclasses; snapshot and hash.

The format is described in docs/bank-format.md. A session stores the snapshot (the validated,
JSON-normalised content) and its hash, so editing a bank file never changes a past session.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Callable

import yaml
from flask import current_app, has_app_context

from assessment.bank_validator import BankError, Problem, same_value, validate_bank_data
from assessment.i18n import N_
from assessment.question_types import QUESTION_TYPES

BANKS_DIR = Path(__file__).resolve().parent.parent / "question_banks"



# ---------------------------------------------------------------- the bank, as plain dataclasses

@dataclass(frozen=True)
class Text:
    nb: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.nb


@dataclass(frozen=True)
class Scale:
    min: int
    max: int
    labels: dict[int, Text]
    cannot_assess: bool = False

    @property
    def levels(self) -> list[int]:
        return list(range(self.min, self.max + 1))


@dataclass(frozen=True)
class Option:
    value: str
    label: Text


@dataclass(frozen=True)
class Condition:
    """Show a question only when an earlier question's answer is one of `values`."""

    question: str
    values: tuple[Any, ...]

    def matches(self, answer: Any) -> bool:
        if isinstance(answer, list):
            return any(same_value(item, value) for item in answer for value in self.values)
        return any(same_value(answer, value) for value in self.values)


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    label: Text
    section_id: str
    help: Text | None = None
    required: bool = False
    show_if: Condition | None = None
    group: str | None = None
    scale: Scale | None = None
    comment: str = "none"
    options: tuple[Option, ...] = ()
    min: float | None = None
    max: float | None = None
    decimals: int = 0
    unit: Text | None = None
    max_length: int | None = None
    discuss: bool = False
    roles: tuple[str, ...] = ()   # the role groups it is addressed to; () for everyone

    @property
    def is_indicator(self) -> bool:
        return self.group is not None

    @property
    def is_discussed(self) -> bool:
        """On the discussion agenda: an indicator, or a question the bank marks for discussion."""
        return self.is_indicator or self.discuss

    def is_for(self, role_group: str | None) -> bool:
        """Whether a participant of `role_group` is asked this question (None: anyone)."""
        return not self.roles or role_group is None or role_group in self.roles

    def option_label(self, value: Any) -> Text | None:
        for option in self.options:
            if option.value == value:
                return option.label
        return None


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: a key for the step form's class
class Section:
    id: str
    title: Text
    intro: Text | None
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class WeightRow:
    years: tuple[int, ...]
    weights: dict[str, float]


@dataclass(frozen=True)
class Scoring:
    groups: dict[str, Text]
    weights: tuple[WeightRow, ...]
    divergence: dict[str, float] = field(default_factory=dict)

    def weights_for_year(self, year: int) -> dict[str, float]:
        for row in self.weights:
            if year in row.years:
                return dict(row.weights)
        raise ValueError(f"no weights for programme year {year}")


@dataclass(frozen=True)
class Bank:
    id: str
    version: str
    kind: str
    title: Text
    intro: Text | None
    sections: tuple[Section, ...]
    scoring: Scoring | None
    snapshot: dict[str, Any]
    hash: str

    # A bank never changes once built, so what is derived from it is computed once, on first use.
    @cached_property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for section in self.sections for q in section.questions)

    @cached_property
    def indicators(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.is_indicator)

    @cached_property
    def discussed(self) -> tuple[Question, ...]:
        """The questions marked for discussion that are not indicators, in bank order."""
        return tuple(q for q in self.questions if q.discuss and not q.is_indicator)

    @cached_property
    def _questions_by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    def question(self, question_id: str) -> Question | None:
        return self._questions_by_id.get(question_id)


# ---------------------------------------------------------------- loading

def banks_folder() -> Path:
    """question_banks/, or the app's BANKS_DIR setting when there is an app."""
    if has_app_context():
        return Path(current_app.config.get("BANKS_DIR") or BANKS_DIR)
    return BANKS_DIR


def bank_paths(folder: Path | None = None) -> list[Path]:
    folder = Path(folder or banks_folder())
    return sorted(p for p in folder.glob("*.y*ml") if p.suffix in (".yaml", ".yml"))


# Each process keeps the banks it has read, by file: the files are the source, so every process
# finds the same banks, and a changed file is read again on the next call (no restart).
_file_cache: dict[str, "_CachedFile"] = {}
# A file changed less than this long ago may change again within the file system's timestamp
# granularity without a new mtime or size: such a file is checked by its content each time.
_SETTLE_SECONDS = 2.0


@dataclass
class _CachedFile:
    stamp: tuple[int, int, int] | None  # mtime_ns, size, inode; None while the file is settling
    digest: str
    result: Bank | BankError


def load_bank(path: str | Path) -> Bank:
    """Read, validate and build one bank file; raise BankError naming every problem. A file is
    parsed once per process and again only when it changes (a stat per call; its content is
    read again only when the stat differs or the file changed just now)."""
    path = Path(path)
    key = str(path.absolute())
    try:
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        cached = _file_cache.get(key)
        if cached is None or cached.stamp != stamp:
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            if cached is None or cached.digest != digest:
                try:
                    result: Bank | BankError = parse_bank(data.decode("utf-8"), path.name)
                except BankError as exc:
                    result = exc
                cached = _CachedFile(None, digest, result)
            settled = time.time() - stat.st_mtime_ns / 1e9 > _SETTLE_SECONDS
            cached.stamp = stamp if settled else None
            _file_cache[key] = cached
    except (OSError, UnicodeDecodeError) as exc:
        _file_cache.pop(key, None)
        raise BankError([Problem(path.name, "(file)", f"cannot be read: {exc}")]) from exc
    if isinstance(cached.result, BankError):
        raise BankError(cached.result.problems)
    return cached.result


def parse_bank(text: str, filename: str = "<bank>") -> Bank:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise BankError([Problem.of(filename, f"line {line}" if line else "(file)",
                                    N_("not valid YAML: %(problem)s"), line, problem=problem)]) from exc
    # JSON-normalise once: scale level keys become strings, dates become ISO text.
    data = json.loads(json.dumps(raw, default=str))
    problems = validate_bank_data(data, filename, root)
    if problems:
        raise BankError(problems)
    return build_bank(data)


def load_banks(folder: Path | None = None) -> tuple[dict[str, Bank], list[Problem]]:
    """All valid banks in a folder by id, and the problems of the others."""
    banks: dict[str, Bank] = {}
    problems: list[Problem] = []
    for path in bank_paths(folder):
        try:
            bank = load_bank(path)
        except BankError as exc:
            problems.extend(exc.problems)
            continue
        if bank.id in banks:
            problems.append(Problem(path.name, "id", f"bank id '{bank.id}' is used by another file"))
            continue
        banks[bank.id] = bank
    return banks, problems


def get_bank(bank_id: str, folder: Path | None = None) -> Bank:
    banks, _ = load_banks(folder)
    if bank_id not in banks:
        raise KeyError(bank_id)
    return banks[bank_id]


def snapshot_hash(snapshot: dict[str, Any]) -> str:
    canonical = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


_snapshot_cache: dict[str, Bank] = {}


def is_cached(digest: str) -> bool:
    """Whether the bank of this snapshot hash is built already (no snapshot needs reading)."""
    return digest in _snapshot_cache


def bank_from_snapshot(snapshot: dict[str, Any] | Callable[[], dict[str, Any]], digest: str) -> Bank:
    """Rebuild a session's bank from its stored snapshot (cached by hash: snapshots never change).
    `snapshot` may be a function, so a cached bank never needs the snapshot read at all."""
    bank = _snapshot_cache.get(digest)
    if bank is None:
        snapshot = snapshot() if callable(snapshot) else snapshot
        if len(_snapshot_cache) > 64:
            _snapshot_cache.clear()
        bank = _snapshot_cache[digest] = build_bank(snapshot)
    return bank


# ---------------------------------------------------------------- building (after validation)

def _text(value: Any) -> Text | None:
    if value is None:
        return None
    return Text(nb=value["nb"], en=value["en"])


def _scale(value: dict[str, Any]) -> Scale:
    return Scale(
        min=int(value["min"]),
        max=int(value["max"]),
        labels={int(level): _text(label) for level, label in value["labels"].items()},
        cannot_assess=bool(value.get("cannot_assess", False)),
    )


@dataclass(frozen=True)
class _Parts:
    """What a question type's build() needs to make a bank's scales, texts and options."""

    named_scales: dict[str, Scale]

    def scale(self, value: str | dict[str, Any]) -> Scale:
        return self.named_scales[value] if isinstance(value, str) else _scale(value)

    text = staticmethod(_text)

    @staticmethod
    def options(values: list[dict[str, Any]]) -> tuple[Option, ...]:
        return tuple(Option(o["value"], _text(o["label"])) for o in values)


def build_bank(data: dict[str, Any]) -> Bank:
    parts = _Parts({name: _scale(s) for name, s in (data.get("scales") or {}).items()})
    sections = []
    for sec in data["sections"]:
        questions = []
        for q in sec["questions"]:
            condition = q.get("show_if")
            questions.append(Question(
                id=q["id"],
                type=q["type"],
                label=_text(q["label"]),
                section_id=sec["id"],
                help=_text(q.get("help")),
                required=bool(q.get("required", False)),
                show_if=Condition(
                    question=condition["question"],
                    values=tuple(condition["in"]) if "in" in condition else (condition["equals"],),
                ) if condition else None,
                group=q.get("group"),
                discuss=bool(q.get("discuss", False)),
                roles=tuple(q.get("roles") or sec.get("roles") or ()),
                **QUESTION_TYPES[q["type"]].build(q, parts),
            ))
        sections.append(Section(sec["id"], _text(sec["title"]), _text(sec.get("intro")),
                                tuple(questions)))
    scoring = None
    if data.get("scoring"):
        s = data["scoring"]
        scoring = Scoring(
            groups={g: _text(t) for g, t in s["groups"].items()},
            weights=tuple(
                WeightRow(tuple(row["years"]), {g: float(row[g]) for g in s["groups"] if g in row})
                for row in s["weights"]
            ),
            divergence={k: float(v) for k, v in (s.get("divergence") or {}).items()},
        )
    return Bank(
        id=data["id"],
        version=str(data["version"]),
        kind=data["kind"],
        title=_text(data["title"]),
        intro=_text(data.get("intro")),
        sections=tuple(sections),
        scoring=scoring,
        snapshot=data,
        hash=snapshot_hash(data),
    )
