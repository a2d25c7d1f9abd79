"""One field factory per question type: how a question becomes a WTForms field, how the field's
data is stored, and how a stored value is shown. The form, the review page and the exports all ask
this registry, so nothing else switches on the question type."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import format_decimal, lazy_gettext as _l
from wtforms import (DateField, Field, RadioField, SelectChoice, SelectMultipleField, StringField,
                     TextAreaField)
from wtforms.validators import Length, NumberRange, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from assessment.banks import CANNOT_ASSESS, Question

DEFAULT_MAX_LENGTH = {"text": 500, "long_text": 5000}
COMMENT_MAX_LENGTH = 5000


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NumberField(StringField):
    """A number typed the Norwegian way too: spaces as thousands separators, comma as decimal mark."""

    def __init__(self, *args, decimals: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.decimals = decimals
        self.number: Decimal | None = None

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.number = None
        text = (self.data or "").strip()
        if not text:
            return
        cleaned = text.replace("\u00a0", "").replace(" ", "").replace(",", ".")
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            raise ValueError(_l("Enter a number, for example 1250 or 12,5."))
        if not number.is_finite():
            raise ValueError(_l("Enter a number, for example 1250 or 12,5."))
        if self.decimals == 0 and number != number.to_integral_value():
            raise ValueError(_l("Enter a whole number."))
        self.number = number

    def _value(self):
        return self.data if self.data is not None else ""


class QuestionType:
    """Base: a question type knows its field, its stored value and how to show it."""

    name = ""

    def make_field(self, question: Question, lang: str, validators: list) -> Field:
        raise NotImplementedError

    def stored_value(self, field: Field) -> Any:
        """The value to store from a validated field, or None when it is empty."""
        data = field.data
        return data if data not in ("", None, []) else None

    def form_value(self, value: Any) -> Any:
        """A stored value as form data (what the field would have received)."""
        return value

    def display(self, question: Question, value: Any, lang: str) -> str:
        return "" if value is None else str(value)


class ScaleType(QuestionType):
    name = "scale"

    def make_field(self, question, lang, validators):
        scale = question.scale
        choices = [SelectChoice(str(level)) for level in scale.levels]
        if scale.cannot_assess:
            choices.append(SelectChoice(CANNOT_ASSESS, _l("Cannot assess")))
        return RadioField(question.label.get(lang), choices=choices, validators=validators)

    def stored_value(self, field):
        if field.data in (None, ""):
            return None
        return CANNOT_ASSESS if field.data == CANNOT_ASSESS else int(field.data)

    def form_value(self, value):
        return None if value is None else str(value)

    def display(self, question, value, lang):
        if value is None:
            return ""
        if value == CANNOT_ASSESS:
            return str(_l("Cannot assess"))
        label = question.scale.labels.get(int(value))
        return f"{value} – {label.get(lang)}" if label else str(value)


class SingleChoiceType(QuestionType):
    name = "single_choice"

    def make_field(self, question, lang, validators):
        choices = [SelectChoice(o.value, o.label.get(lang)) for o in question.options]
        return RadioField(question.label.get(lang), choices=choices, validators=validators)

    def display(self, question, value, lang):
        label = question.option_label(value)
        return label.get(lang) if label else ("" if value is None else str(value))


class MultiChoiceType(QuestionType):
    name = "multi_choice"

    def make_field(self, question, lang, validators):
        choices = [SelectChoice(o.value, o.label.get(lang)) for o in question.options]
        return MultiCheckboxField(question.label.get(lang), choices=choices, validators=validators)

    def stored_value(self, field):
        return list(field.data) if field.data else None

    def display(self, question, value, lang):
        labels = [question.option_label(v) for v in value or []]
        return "; ".join(label.get(lang) for label in labels if label)


class TextType(QuestionType):
    name = "text"
    field_class = StringField

    def make_field(self, question, lang, validators):
        limit = question.max_length or DEFAULT_MAX_LENGTH[self.name]
        return self.field_class(
            question.label.get(lang),
            validators=[*validators, Length(max=limit, message=_l(
                "At most %(max)d characters, please.", max=limit))],
            filters=[lambda text: text.strip() if isinstance(text, str) else text],
        )


class LongTextType(TextType):
    name = "long_text"
    field_class = TextAreaField


class NumberType(QuestionType):
    name = "number"

    def make_field(self, question, lang, validators):
        extra = []
        if question.min is not None or question.max is not None:
            extra.append(_NumberBetween(question.min, question.max))
        return NumberField(question.label.get(lang), validators=[*validators, *extra],
                           decimals=question.decimals)

    def stored_value(self, field):
        if field.number is None:
            return None
        return int(field.number) if field.decimals == 0 else float(field.number)

    def form_value(self, value):
        return None if value is None else str(value).replace(".", ",")

    def display(self, question, value, lang):
        if value is None:
            return ""
        text = format_decimal(value, format=None if question.decimals else "#,##0")
        return f"{text} {question.unit.get(lang)}" if question.unit else text


class _NumberBetween(NumberRange):
    def __call__(self, form, field):
        if field.number is None:
            return
        if (self.min is not None and field.number < Decimal(str(self.min))) or (
                self.max is not None and field.number > Decimal(str(self.max))):
            if self.min is not None and self.max is not None:
                message = _l("Enter a number from %(min)s to %(max)s.", min=self.min, max=self.max)
            elif self.min is not None:
                message = _l("Enter a number of at least %(min)s.", min=self.min)
            else:
                message = _l("Enter a number of at most %(max)s.", max=self.max)
            raise ValidationError(message)


class YesNoType(QuestionType):
    name = "yes_no"

    def make_field(self, question, lang, validators):
        return RadioField(question.label.get(lang), validators=validators,
                          choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))])

    def stored_value(self, field):
        return {"yes": True, "no": False}.get(field.data)

    def form_value(self, value):
        return None if value is None else ("yes" if value else "no")

    def display(self, question, value, lang):
        return "" if value is None else str(_l("Yes") if value else _l("No"))


class DateType(QuestionType):
    name = "date"

    def make_field(self, question, lang, validators):
        return DateField(question.label.get(lang), validators=validators, format="%Y-%m-%d")

    def stored_value(self, field):
        return field.data.isoformat() if isinstance(field.data, date) else None

    def display(self, question, value, lang):
        if not value:
            return ""
        from flask_babel import format_date

        return format_date(date.fromisoformat(value), format="long")


QUESTION_TYPES: dict[str, QuestionType] = {
    t.name: t for t in (ScaleType(), SingleChoiceType(), MultiChoiceType(), TextType(),
                        LongTextType(), NumberType(), YesNoType(), DateType())
}


def question_type(question: Question) -> QuestionType:
    return QUESTION_TYPES[question.type]


def display_value(question: Question, value: Any, lang: str) -> str:
    return question_type(question).display(question, value, lang)
