"""The question types, in one registry: what each type accepts from a participant, how the value is
stored, when it is missing, how it is shown, how it goes into a spreadsheet cell or JSON, and a
demo value. The step form, participation, the dashboard and every export ask this module, so a
value that cannot be accepted is refused once, where it enters, and a stored value that a type
cannot show (one saved before a rule existed) is shown as such rather than breaking a page.

Plain Python: no Flask, no WTForms. Messages are English message ids, translated where they are
shown (assessment.i18n, or the forms layer).
"""
from __future__ import annotations

import math
import random
import re
import unicodedata
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal

from assessment.i18n import N_, translate

CANNOT_ASSESS = "na"
# Numbers a participant may type, unless the bank sets narrower bounds: fewer than 13 digits before
# the decimal mark, which every database, spreadsheet and JSON reader holds exactly.
NUMBER_LIMIT = 10**12 - 1
MAX_DECIMALS = 6
TEXT_MAX_LENGTH = {"text": 500, "long_text": 5000}
COMMENT_MAX_LENGTH = 5000
FIRST_DATE, LAST_DATE = date(1900, 1, 1), date(2199, 12, 31)
UNSHOWABLE = N_("(a stored value that cannot be shown)")

# Characters no reader wants: C0 and C1 controls other than tab and newline, surrogates and the
# noncharacters. Vertical tab and form feed (a soft line break pasted from PowerPoint or Word) and
# carriage returns become newlines first.
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
_UNWANTED = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_LEVEL = re.compile(r"-?[0-9]{1,2}")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")


COMMENT_MODES = ("none", "optional", "required")  # a scale's justification
OPTION_VALUE = re.compile(r"^[a-z0-9][a-z0-9_]*$")


class InvalidValue(ValueError):
    """A value a question does not accept; `message` is an English message id with `params`."""

    def __init__(self, message: str, **params: Any):
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


def clean_text(text: str) -> str:
    """Text as every reader can take it: NFC, newlines for line breaks, no control characters."""
    text = unicodedata.normalize("NFC", text)
    return _UNWANTED.sub("", _LINE_BREAKS.sub("\n", text))


def _single(raw: list[str]) -> str:
    """The one submitted string of a single-value field, stripped ("" when none)."""
    return raw[0].strip() if raw and isinstance(raw[0], str) else ""


class QuestionType:
    """A question type. Subclasses set `name`, `keys` (its own bank keys) and `macro`, and
    override what differs from plain text-like values."""

    name = ""
    keys: frozenset[str] = frozenset()   # the bank keys of this type beyond the common ones
    macro = "text_input"                 # the macro in templates/macros.html that renders it
    can_be_indicator = False             # may have a `group` and be scored

    # -- in a bank file

    def check_keys(self, question: dict, place: str, check) -> None:
        """Report problems with this type's own keys through `check` (the bank validator)."""

    def build(self, question: dict, parts) -> dict[str, Any]:
        """This type's attributes of a validated question; `parts` builds scales, texts, options."""
        return {}

    def possible_values(self, question: dict, named_scales: dict) -> list | None:
        """The values an answer can take, for checking conditions; None when open-ended."""
        return None

    # -- what a participant may send

    def parse(self, question, raw: list[str]) -> Any:
        """The value to store from the submitted strings, None when empty; InvalidValue if refused."""
        raise NotImplementedError

    def form_value(self, question, value: Any) -> str | list[str] | None:
        """A stored value as the strings a form would send for it (None for nothing)."""
        return str(value) if self.is_valid(question, value) else None

    # -- what is stored

    def is_valid(self, question, value: Any) -> bool:
        """Whether a stored value is one this type can show and export."""
        raise NotImplementedError

    def needs_justification(self, question, value: Any) -> bool:
        return False

    def is_missing(self, question, value: Any, comment: str | None) -> bool:
        """A shown question still lacks its required answer or justification."""
        if value is None:
            return question.required
        return self.needs_justification(question, value) and not (comment or "").strip()

    # -- how it is shown and exported

    def display(self, question, value: Any, lang: str) -> str:
        """The value as a person reads it, in `lang`."""
        if value is None:
            return ""
        if not self.is_valid(question, value):
            return translate(UNSHOWABLE, lang)
        return self._display(question, value, lang)

    def _display(self, question, value: Any, lang: str) -> str:
        return str(value)

    def cell_value(self, question, value: Any) -> Any:
        """The value as a typed spreadsheet cell: numbers, dates and booleans as such."""
        return self.json_value(question, value)

    def json_value(self, question, value: Any) -> Any:
        """The value in JSON: finite numbers, texts, lists, booleans; None when it cannot be shown."""
        return value if value is not None and self.is_valid(question, value) else None

    def sheet_value(self, question, value: Any, lang: str) -> Any:
        """The value in a spreadsheet's readable column: the words a person chose, except numbers
        and dates, which stay typed cells (with `number_format`) so they sum and sort."""
        return self.display(question, value, lang)

    def number_format(self, question, lang: str) -> str | None:
        """The spreadsheet number format for `sheet_value`; None where it is text."""
        return None

    def stable_value(self, question, value: Any) -> Any:
        """The stored value beside `sheet_value`, for filters and formulas: the option's code, the
        level, True/False, the number; None for free text, which is its own value."""
        return self.cell_value(question, value)

    def summarise(self, question, values: list[Any]) -> Any:
        """What everyone's answers come to (a scale's statistics); None where a type has no summary."""
        return None

    def demo_value(self, question, rng: random.Random, centre: int) -> Any:
        raise NotImplementedError


class ScaleType(QuestionType):
    name = "scale"
    keys = frozenset({"scale", "comment"})
    macro = "scale_input"
    can_be_indicator = True

    def check_keys(self, question, place, check):
        scale = question.get("scale")
        if scale is None:
            check.error(place, N_("missing required key '%(key)s'"), check.path_of(place) + ("scale",), key="scale")
        elif isinstance(scale, str):
            if scale not in check.named_scales:
                check.error(f"{place}.scale", N_('"%(scale)s" is not a scale; the scales are %(names)s'),
                            scale=scale, names=", ".join(check.named_scales) or check.word(N_("none")))
        else:
            check.validate_scale(scale, f"{place}.scale")
        if "comment" in question and question["comment"] not in COMMENT_MODES:
            check.error(f"{place}.comment", N_("must be one of %(values)s"), values=", ".join(COMMENT_MODES))

    def build(self, question, parts):
        return {"scale": parts.scale(question["scale"]), "comment": question.get("comment", "none")}

    def possible_values(self, question, named_scales):
        scale = question.get("scale")
        scale = named_scales.get(scale) if isinstance(scale, str) else scale
        if isinstance(scale, dict) and isinstance(scale.get("min"), int) and isinstance(scale.get("max"), int):
            return list(range(scale["min"], scale["max"] + 1)) + [CANNOT_ASSESS]
        return None

    def parse(self, question, raw):
        text = _single(raw)
        if not text:
            return None
        if text == CANNOT_ASSESS and question.scale.cannot_assess:
            return CANNOT_ASSESS
        if _LEVEL.fullmatch(text) and int(text) in question.scale.levels:
            return int(text)
        raise InvalidValue(N_("Choose one of the levels."))

    def is_valid(self, question, value):
        if value == CANNOT_ASSESS:
            return question.scale.cannot_assess
        return isinstance(value, int) and not isinstance(value, bool) and value in question.scale.levels

    def needs_justification(self, question, value):
        return question.comment == "required" and value != CANNOT_ASSESS

    def summarise(self, question, values):
        from assessment.scoring import indicator_stats  # scoring counts CANNOT_ASSESS from here

        return indicator_stats(values, question.scale.levels)

    def _display(self, question, value, lang):
        if value == CANNOT_ASSESS:
            return translate("Cannot assess", lang)
        label = question.scale.labels.get(value)
        return f"{value} – {label.get(lang)}" if label else str(value)

    def demo_value(self, question, rng, centre):
        scale = question.scale
        if scale.cannot_assess and rng.random() < 0.05:
            return CANNOT_ASSESS
        return max(scale.min, min(scale.max, centre + rng.choice([-2, -1, 0, 0, 1, 1, 2])))


class ChoiceType(QuestionType):
    """What the choice types share: a list of options in the bank."""

    keys = frozenset({"options"})
    macro = "choice_input"

    def check_keys(self, question, place, check):
        check_options(question.get("options"), f"{place}.options", check)

    def build(self, question, parts):
        return {"options": parts.options(question["options"])}

    def possible_values(self, question, named_scales):
        return [o.get("value") for o in question.get("options") or [] if isinstance(o, dict)]


class SingleChoiceType(ChoiceType):
    name = "single_choice"

    def parse(self, question, raw):
        text = _single(raw)
        if not text:
            return None
        if question.option_label(text) is None:
            raise InvalidValue(N_("Choose one of the options."))
        return text

    def is_valid(self, question, value):
        return isinstance(value, str) and question.option_label(value) is not None

    def _display(self, question, value, lang):
        return question.option_label(value).get(lang)

    def demo_value(self, question, rng, centre):
        return rng.choice(question.options).value


class MultiChoiceType(ChoiceType):
    name = "multi_choice"

    def parse(self, question, raw):
        chosen = {item.strip() for item in raw if isinstance(item, str) and item.strip()}
        if not chosen:
            return None
        known = [option.value for option in question.options]
        if not chosen <= set(known):
            raise InvalidValue(N_("Choose among the options."))
        return [value for value in known if value in chosen]  # in the bank's order, once each

    def form_value(self, question, value):
        return list(value) if self.is_valid(question, value) else None

    def is_valid(self, question, value):
        return isinstance(value, list) and all(
            isinstance(item, str) and question.option_label(item) is not None for item in value)

    def _display(self, question, value, lang):
        return "; ".join(question.option_label(item).get(lang) for item in value)

    def cell_value(self, question, value):
        return "; ".join(value) if value is not None and self.is_valid(question, value) else None

    def demo_value(self, question, rng, centre):
        values = [o.value for o in question.options]
        chosen = set(rng.sample(values, k=min(2, len(values))))
        return [value for value in values if value in chosen]  # in the bank's order, as stored


TEXTS = [
    "Bedre forankring i kommunestyret og tettere dialog med næringslivet.",
    "Tydeligere prioritering i prosjektporteføljen og faste statusmøter.",
    "Mer systematisk oppfølging av effektmålene gjennom året.",
]


class TextType(QuestionType):
    name = "text"
    keys = frozenset({"max_length"})
    macro = "text_input"

    def check_keys(self, question, place, check):
        if "max_length" in question and check.number(question["max_length"], f"{place}.max_length",
                                                      integer=True):
            if not 1 <= question["max_length"] <= TEXT_MAX_LENGTH["long_text"]:
                check.error(f"{place}.max_length", N_("must be from 1 to %(max)d"), max=TEXT_MAX_LENGTH["long_text"])

    def build(self, question, parts):
        return {"max_length": question.get("max_length")}

    def max_length(self, question) -> int:
        return question.max_length or TEXT_MAX_LENGTH[self.name]

    def parse(self, question, raw):
        text = clean_text(raw[0] if raw and isinstance(raw[0], str) else "").strip()
        if not text:
            return None
        limit = self.max_length(question)
        if len(text) > limit:
            raise InvalidValue(N_("At most %(max)d characters, please."), max=limit)
        return text

    def form_value(self, question, value):
        return clean_text(value) if self.is_valid(question, value) else None

    def is_valid(self, question, value):
        return isinstance(value, str)

    def _display(self, question, value, lang):
        return clean_text(value)

    def json_value(self, question, value):
        return clean_text(value) if value is not None and self.is_valid(question, value) else None

    def stable_value(self, question, value):
        return None

    def demo_value(self, question, rng, centre):
        return rng.choice(TEXTS)[:60]


class LongTextType(TextType):
    name = "long_text"
    macro = "long_text_input"

    def demo_value(self, question, rng, centre):
        return rng.choice(TEXTS)


class NumberType(QuestionType):
    """A number typed the Norwegian way too: spaces as thousands separators, comma as decimal mark."""

    name = "number"
    keys = frozenset({"min", "max", "decimals", "unit"})
    macro = "number_input"

    def check_keys(self, question, place, check):
        for key in ("min", "max"):
            if key in question and check.number(question[key], f"{place}.{key}"):
                if abs(question[key]) > NUMBER_LIMIT:
                    check.error(f"{place}.{key}", N_("must be within ±%(limit)s"), limit=NUMBER_LIMIT)
        if "decimals" in question and check.number(question["decimals"], f"{place}.decimals", integer=True):
            if not 0 <= question["decimals"] <= MAX_DECIMALS:
                check.error(f"{place}.decimals", N_("must be between 0 and %(max)d"), max=MAX_DECIMALS)
        low, high = question.get("min"), question.get("max")
        if _is_number(low) and _is_number(high) and low >= high:
            check.error(f"{place}.max", N_("must be greater than min (%(low)s)"), low=low)
        check.optional_text(question, "unit", place)

    def build(self, question, parts):
        return {"min": question.get("min"), "max": question.get("max"),
                "decimals": int(question.get("decimals", 0)), "unit": parts.text(question.get("unit"))}

    def parse(self, question, raw):
        text = _SPACES.sub("", _single(raw)).replace(",", ".")
        if not text:
            return None
        if len(text) > 40 or not _NUMBER.fullmatch(text):
            raise InvalidValue(N_("Enter a number, for example 1250 or 12,5."))
        number = Decimal(text)
        low = Decimal(str(question.min)) if question.min is not None else None
        high = Decimal(str(question.max)) if question.max is not None else None
        if low is not None and high is not None and not low <= number <= high:
            raise InvalidValue(N_("Enter a number from %(min)s to %(max)s."),
                               min=_plain(question.min), max=_plain(question.max))
        if low is not None and number < low:
            raise InvalidValue(N_("Enter a number of at least %(min)s."), min=_plain(question.min))
        if high is not None and number > high:
            raise InvalidValue(N_("Enter a number of at most %(max)s."), max=_plain(question.max))
        if abs(number) > NUMBER_LIMIT:
            raise InvalidValue(N_("The number is too large: at most 12 digits before the decimal mark."))
        if question.decimals == 0:
            if number != number.to_integral_value():
                raise InvalidValue(N_("Enter a whole number."))
            return int(number)
        if number.as_tuple().exponent < -question.decimals:
            raise InvalidValue(N_("Use at most %(num)d decimals."), num=question.decimals)
        return float(number)

    def form_value(self, question, value):
        if not self.is_valid(question, value):
            return None
        return _plain(value).replace(".", ",")

    def is_valid(self, question, value):
        return (isinstance(value, (int, float)) and not isinstance(value, bool)
                and math.isfinite(value) and abs(value) <= NUMBER_LIMIT)

    def _display(self, question, value, lang):
        shown = format_decimal(value, format="#,##0.######" if question.decimals else "#,##0",
                               locale=lang)
        return f"{shown} {question.unit.get(lang)}" if question.unit else shown

    def sheet_value(self, question, value, lang):
        return value if value is not None and self.is_valid(question, value) else self.display(question, value, lang)

    def number_format(self, question, lang):
        """Thousands grouped, the bank's decimals, and the unit after the number: 1 250 000 kr."""
        unit = _format_literal(question.unit.get(lang)) if question.unit else ""
        return _grouped(question.decimals) + (f' "{unit}"' if unit else "")

    def demo_value(self, question, rng, centre):
        low = int(question.min or 0)
        money = question.unit is not None and "NOK" in question.unit.en.upper()
        high = int(question.max) if question.max is not None else low + (5_000_000 if money else 40)
        value = rng.randrange(low, high + 1, 10_000 if money else 1)
        return value if question.decimals == 0 else float(value)


class PercentType(NumberType):
    """A share from 0 to 100 per cent, typed as 45 or 45,5 (a trailing % sign is fine)."""

    name = "percent"
    keys = frozenset({"decimals"})
    macro = "percent_input"

    def check_keys(self, question, place, check):
        if "decimals" in question and check.number(question["decimals"], f"{place}.decimals", integer=True):
            if not 0 <= question["decimals"] <= MAX_DECIMALS:
                check.error(f"{place}.decimals", N_("must be between 0 and %(max)d"), max=MAX_DECIMALS)

    def build(self, question, parts):
        return {"min": 0, "max": 100, "decimals": int(question.get("decimals", 0))}

    def parse(self, question, raw):
        return super().parse(question, [_single(raw).removesuffix("%")])

    def is_valid(self, question, value):
        return super().is_valid(question, value) and 0 <= value <= 100

    def _display(self, question, value, lang):
        shown = format_decimal(value, format="#,##0.######", locale=lang)
        return f"{shown} %" if lang == "nb" else f"{shown}%"

    def number_format(self, question, lang):
        """The stored 0-100 with a per cent sign written after it (not Excel's %, which multiplies)."""
        return _grouped(question.decimals) + (' "%"' if lang == "nb" else '"%"')

    def demo_value(self, question, rng, centre):
        value = rng.randint(0, 100)
        return value if question.decimals == 0 else float(value)


def _grouped(decimals: int) -> str:
    """A spreadsheet number format with thousands grouped and `decimals` places: #,##0.0"""
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _format_literal(text: str) -> str:
    """Text that may stand quoted inside a spreadsheet number format (no quotes or backslashes)."""
    return re.sub(r'["\\\x00-\x1f]', "", text)[:40]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _plain(number: float | int) -> str:
    """A number without exponent or trailing zeros: 12.5, 1000000."""
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    return format(Decimal(str(number)), "f") if isinstance(number, float) else str(number)


class YesNoType(QuestionType):
    name = "yes_no"
    macro = "choice_input"
    _VALUES = {"yes": True, "no": False}

    def possible_values(self, question, named_scales):
        return [True, False]

    def parse(self, question, raw):
        text = _single(raw)
        if not text:
            return None
        if text not in self._VALUES:
            raise InvalidValue(N_("Choose yes or no."))
        return self._VALUES[text]

    def form_value(self, question, value):
        return ("yes" if value else "no") if self.is_valid(question, value) else None

    def is_valid(self, question, value):
        return isinstance(value, bool)

    def _display(self, question, value, lang):
        return translate("Yes" if value else "No", lang)

    def stable_value(self, question, value):
        return self.form_value(question, value)  # "yes" or "no": a code, where TRUE reads SANN in Norwegian Excel

    def demo_value(self, question, rng, centre):
        return rng.random() < 0.7


class DateType(QuestionType):
    """A calendar date, stored as ISO text (YYYY-MM-DD)."""

    name = "date"
    macro = "date_input"

    def parse(self, question, raw):
        text = _single(raw)
        if not text:
            return None
        try:
            day = date.fromisoformat(text) if len(text) == 10 else None
        except ValueError:
            day = None
        if day is None:
            raise InvalidValue(N_("Enter a date such as 2026-11-05."))
        if not FIRST_DATE <= day <= LAST_DATE:
            raise InvalidValue(N_("Enter a date from the year 1900 to 2199."))
        return day.isoformat()

    def is_valid(self, question, value):
        return _as_date(value) is not None

    def _display(self, question, value, lang):
        return format_date(_as_date(value), format="long", locale=lang)

    def cell_value(self, question, value):
        return _as_date(value)

    def sheet_value(self, question, value, lang):
        day = _as_date(value)
        return day if day is not None else self.display(question, value, lang)

    def number_format(self, question, lang):
        return "dd.mm.yyyy" if lang == "nb" else "yyyy-mm-dd"

    def demo_value(self, question, rng, centre):
        return (date(2026, 10, 1) + timedelta(days=rng.randint(0, 60))).isoformat()


def _as_date(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if FIRST_DATE <= day <= LAST_DATE else None


def check_options(options: Any, place: str, check) -> None:
    """A choice question's options: at least two, each a distinct value with a label."""
    if not isinstance(options, list) or len(options) < 2:
        check.error(place, N_("must be a list of at least two options"))
        return
    values: set[str] = set()
    for k, option in enumerate(options):
        oplace = f"{place}[{k}]"
        if not check.mapping(option, oplace):
            continue
        check.keys(option, oplace, {"value", "label"}, {"value", "label"})
        value = option.get("value")
        if "value" in option:
            if not (isinstance(value, str) and OPTION_VALUE.match(value)):
                check.error(f"{oplace}.value", N_("must be a quoted text of a-z, 0-9 and _"))
            elif value in values:
                check.error(f"{oplace}.value", N_("duplicate option value '%(value)s'"), value=value)
            values.add(str(value))
        if "label" in option:
            check.text(option["label"], f"{oplace}.label")


QUESTION_TYPES: dict[str, QuestionType] = {
    t.name: t for t in (ScaleType(), SingleChoiceType(), MultiChoiceType(), TextType(),
                        LongTextType(), NumberType(), PercentType(), YesNoType(), DateType())
}


def question_type(question) -> QuestionType:
    return QUESTION_TYPES[question.type]


def display(question, value: Any, lang: str) -> str:
    """A stored answer as a person reads it, in `lang`; never raises."""
    return question_type(question).display(question, value, lang)
