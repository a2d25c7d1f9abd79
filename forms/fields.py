"""One WTForms field factory per question type. The field only renders and receives; what a value
may be, how it is stored and shown is decided by the type in assessment.question_types."""
from __future__ import annotations

from typing import Any, Callable

from flask_babel import gettext, lazy_gettext as _l
from wtforms import Field, RadioField, SelectChoice, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from assessment.banks import Question
from assessment.question_types import CANNOT_ASSESS, InvalidValue, question_type


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _options(question: Question, lang: str) -> list[SelectChoice]:
    return [SelectChoice(o.value, o.label.get(lang)) for o in question.options]


def _scale_field(question, lang, validators):
    choices = [SelectChoice(str(level)) for level in question.scale.levels]
    if question.scale.cannot_assess:
        choices.append(SelectChoice(CANNOT_ASSESS, _l("Cannot assess")))
    return RadioField(question.label.get(lang), choices=choices, validators=validators,
                      validate_choice=False)


def _yes_no_field(question, lang, validators):
    return RadioField(question.label.get(lang), validators=validators, validate_choice=False,
                      choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))])


FIELD_FACTORIES: dict[str, Callable[[Question, str, list], Field]] = {
    "scale": _scale_field,
    "single_choice": lambda q, lang, v: RadioField(q.label.get(lang), choices=_options(q, lang),
                                                   validators=v, validate_choice=False),
    "multi_choice": lambda q, lang, v: MultiCheckboxField(q.label.get(lang), choices=_options(q, lang),
                                                          validators=v, validate_choice=False),
    "text": lambda q, lang, v: StringField(q.label.get(lang), validators=v),
    "long_text": lambda q, lang, v: TextAreaField(q.label.get(lang), validators=v),
    "number": lambda q, lang, v: StringField(q.label.get(lang), validators=v),
    "percent": lambda q, lang, v: StringField(q.label.get(lang), validators=v),
    "yes_no": _yes_no_field,
    "date": lambda q, lang, v: StringField(q.label.get(lang), validators=v),
}


def make_field(question: Question, lang: str, validators: list) -> Field:
    """The question's field; Accepted() checks what it receives against the question type."""
    return FIELD_FACTORIES[question.type](question, lang, [*validators, Accepted(question)])


class Accepted:
    """Validator: the type refuses what it cannot store, with its message in the page's language."""

    def __init__(self, question: Question):
        self.question = question

    def __call__(self, form, field):
        try:
            _parsed(self.question, field)
        except InvalidValue as error:
            raise ValidationError(gettext(error.message, **error.params))


def stored_value(question: Question, field: Field) -> Any:
    """The value to store from a field, or None when it is empty or refused."""
    try:
        return _parsed(question, field)
    except InvalidValue:
        return None


def _parsed(question: Question, field: Field) -> Any:
    """The type's reading of what the field received, worked out once per request and kept on the
    field (validation, conditions and saving each ask for it)."""
    if not hasattr(field, "parsed"):
        try:
            field.parsed = question_type(question).parse(question, field.raw_data or [])
        except InvalidValue as error:
            field.parsed = error
    if isinstance(field.parsed, InvalidValue):
        raise field.parsed
    return field.parsed
