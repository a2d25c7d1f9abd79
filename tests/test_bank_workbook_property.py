"""Property: any valid bank (generated) goes YAML -> xlsx -> YAML unchanged, with the same hash."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment.bank_validator import validate_bank_data
from assessment.bank_workbook import bank_to_workbook, bank_yaml, workbook_problems, workbook_to_bank
from assessment.banks import parse_bank, snapshot_hash
from assessment.models import ROLE_GROUPS
from assessment.question_types import COMMENT_MODES, QUESTION_TYPES

ids = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
words = st.text(alphabet="abcæøå ABCÆØÅ0123456789=-*#'\"\n,.()${}", min_size=1, max_size=30).filter(
    lambda text: text.strip())
texts = st.fixed_dictionaries({"nb": words, "en": words})
maybe = st.booleans()


@st.composite
def scales(draw):
    low = draw(st.integers(-2, 2))
    high = draw(st.integers(low + 1, low + 6))
    scale = {"min": low, "max": high, "labels": {str(level): draw(texts) for level in range(low, high + 1)}}
    if draw(maybe):
        scale["cannot_assess"] = draw(maybe)
    return scale


def optional(draw, target: dict, key: str, strategy) -> None:
    if draw(maybe):
        target[key] = draw(strategy)


@st.composite
def banks(draw):
    named = {name: draw(scales()) for name in draw(st.lists(ids, max_size=2, unique=True))}
    groups = draw(st.lists(ids, max_size=2, unique=True))
    data = {"id": draw(st.from_regex(r"[a-z0-9][a-z0-9-]{0,10}", fullmatch=True)),
            "version": draw(st.one_of(st.from_regex(r"20[0-9]{2}\.[0-9]", fullmatch=True), st.integers(1, 9))),
            "kind": draw(st.sampled_from(["annual_review", "closure_review", "fact_sheet"])),
            "title": draw(texts)}
    optional(draw, data, "intro", texts)
    if named:
        data["scales"] = named
    if groups:
        weights = [0.5, 0.5] if len(groups) == 2 else [1]
        data["scoring"] = {"groups": {g: draw(texts) for g in groups},
                           "weights": [{"years": [1, 2], **dict(zip(groups, weights))},
                                       {"years": [3, 4, 5, 6], **dict(zip(groups, weights[::-1]))}]}
        optional(draw, data["scoring"], "divergence", st.fixed_dictionaries(
            {"range": st.integers(1, 4)}, optional={"stdev": st.sampled_from([0.8, 1.2]),
                                                    "split": st.sampled_from([0.3, 0.25])}))
    question_ids = iter(draw(st.lists(ids, min_size=12, max_size=12, unique=True)))
    section_ids = draw(st.lists(ids, min_size=1, max_size=3, unique=True))
    earlier: list[dict] = []
    data["sections"] = []
    for sid in section_ids:
        section = {"id": sid, "title": draw(texts), "questions": []}
        optional(draw, section, "intro", texts)
        optional(draw, section, "roles", st.lists(st.sampled_from(ROLE_GROUPS), min_size=1, max_size=2, unique=True))
        for _ in range(draw(st.integers(1, 4))):
            q = {"id": next(question_ids), "type": draw(st.sampled_from(list(QUESTION_TYPES))), "label": draw(texts)}
            optional(draw, q, "help", texts)
            optional(draw, q, "required", maybe)
            optional(draw, q, "roles", st.lists(st.sampled_from(ROLE_GROUPS), min_size=1, max_size=2, unique=True))
            kind = q["type"]
            if kind == "scale":
                q["scale"] = draw(st.sampled_from(list(named))) if named and draw(maybe) else draw(scales())
                optional(draw, q, "comment", st.sampled_from(COMMENT_MODES))
                if groups and draw(maybe):
                    q["group"] = draw(st.sampled_from(groups))
                else:
                    optional(draw, q, "discuss", maybe)
            elif kind in ("single_choice", "multi_choice"):
                values = draw(st.lists(st.from_regex(r"[a-z0-9][a-z0-9_]{0,6}", fullmatch=True),
                                       min_size=2, max_size=4, unique=True))
                q["options"] = [{"value": v, "label": draw(texts)} for v in values]
            elif kind in ("text", "long_text"):
                optional(draw, q, "max_length", st.integers(1, 500))
            elif kind == "number":
                optional(draw, q, "min", st.sampled_from([0, -5, 1.5]))
                optional(draw, q, "max", st.sampled_from([10, 1000000, 99.25]))
                optional(draw, q, "decimals", st.integers(0, 3))
                optional(draw, q, "unit", texts)
            elif kind == "percent":
                optional(draw, q, "decimals", st.integers(0, 2))
            candidates = [(t, QUESTION_TYPES[t["type"]].possible_values(t, named)) for t in earlier]
            candidates = [(t, values) for t, values in candidates if values]
            if candidates and draw(maybe):
                target, values = draw(st.sampled_from(candidates))
                if draw(maybe):
                    q["show_if"] = {"question": target["id"], "equals": draw(st.sampled_from(values))}
                else:
                    q["show_if"] = {"question": target["id"], "in": draw(
                        st.lists(st.sampled_from(values), min_size=1, max_size=3, unique=True))}
            section["questions"].append(q)
            earlier.append(q)
        data["sections"].append(section)
    return json.loads(json.dumps(data))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(banks())
def test_a_generated_bank_round_trips_through_its_workbook_and_yaml(data):
    assert validate_bank_data(data, "generated.yaml") == []
    content = bank_to_workbook(data)
    assert snapshot_hash(workbook_to_bank(content)) == snapshot_hash(data)
    back, problems = workbook_problems(content, "generated.xlsx")
    assert problems == []
    assert parse_bank(bank_yaml(back), "generated.yaml").hash == snapshot_hash(data)
