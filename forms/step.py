"""The form for one step (section) of a bank, built at runtime: one field per question, in order."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask_babel import lazy_gettext as _l
from forms.base import Form
from werkzeug.datastructures import MultiDict
from wtforms import TextAreaField
from wtforms.validators import Length, StopValidation

from assessment import rules
from assessment.banks import Question, Section
from assessment.question_types import COMMENT_MAX_LENGTH, clean_text, question_type
from forms.fields import make_field, stored_value

COMMENT_SUFFIX = "__comment"


class StepForm(Form):
    """Base class; make_step_form() adds the fields of one section."""

    class Meta:
        # CSRFProtect checks the token of every POST before the view runs, and the page writes it
        # with csrf_token(): a token field of the form's own would only sign and bind it again.
        csrf = False

    section: Section
    known_values: dict[str, Any]
    role_group: str | None = None  # the participant's; None shows every question (a preview)

    def current_value(self, question_id: str) -> Any:
        """An answer as this request sees it: the posted field if on this step, else the stored one."""
        field = self._fields.get(question_id)
        if field is not None and getattr(field, "question", None) is not None:
            return stored_value(field.question, field)
        return self.known_values.get(question_id)

    def is_shown(self, question: Question) -> bool:
        source = question.show_if.question if question.show_if else None
        return rules.is_shown(question, {source: self.current_value(source)} if source else {},
                              self.role_group)

    def answer_fields(self):
        """(question, field, comment field or None) for each question of the step."""
        for question in self.section.questions:
            yield question, self[question.id], self._fields.get(question.id + COMMENT_SUFFIX)

    def displayed_fields(self):
        """Like answer_fields, less the questions addressed to other role groups and those hidden
        by an answer on another step."""
        on_this_step = {q.id for q in self.section.questions}
        for question, field, comment in self.answer_fields():
            if not question.is_for(self.role_group):
                continue
            condition = question.show_if
            if condition and condition.question not in on_this_step and not self.is_shown(question):
                continue
            live = bool(condition and condition.question in on_this_step)
            yield question, field, comment, live

    def values(self) -> dict[str, tuple[Any, str | None]]:
        """Stored form of every valid, shown answer: {question id: (value or None, comment)}."""
        result = {}
        for question, field, comment in self.answer_fields():
            if field.errors or not self.is_shown(question):
                continue
            if comment is not None and comment.errors:
                continue
            value = stored_value(question, field)
            result[question.id] = (value, clean_text(comment.data).strip() if comment and comment.data else None)
        return result

    def errors_beyond_missing(self) -> bool:
        """True when a field holds something invalid, not merely nothing."""
        return any(
            f.errors and not getattr(f, "missing", False)
            for f in self._fields.values()
        )


class Shown:
    """Validator: a hidden question is never required and its value is ignored; a shown question
    left empty is refused when the rules say it needs an answer (assessment.rules)."""

    def __init__(self, question: Question):
        self.question = question

    def __call__(self, form: StepForm, field):
        field.missing = False
        if not form.is_shown(self.question):
            field.errors[:] = []
            raise StopValidation()
        if _is_empty(field):
            field.errors[:] = []
            if rules.answer_missing(self.question, None):
                field.missing = True
                raise StopValidation(_l("Please answer this question."))
            raise StopValidation()


class Justified:
    """Validator for a justification: refused empty when the rules say the answer needs one."""

    def __init__(self, question: Question):
        self.question = question

    def __call__(self, form: StepForm, field):
        field.missing = False
        if not form.is_shown(self.question):
            raise StopValidation()
        value = stored_value(self.question, form[self.question.id])
        if rules.justification_missing(self.question, value, field.data):
            field.missing = True
            raise StopValidation(_l("Please give a short justification for your score."))


def _is_empty(field) -> bool:
    data = field.raw_data if field.raw_data is not None else []
    return not any(str(item).strip() for item in data)


@lru_cache(maxsize=256)
def step_form_class(section: Section, lang: str) -> type[StepForm]:
    """The form class for `section`: one field per question, and a justification per scale. Made
    once per section and language: building it cost a fifth of a step request."""
    attrs: dict[str, Any] = {}
    for question in section.questions:
        field = make_field(question, lang, [Shown(question)])
        field.kwargs["description"] = question.help.get(lang) if question.help else ""
        attrs[question.id] = field
        if question.comment != "none":  # a justification box (scale questions)
            attrs[question.id + COMMENT_SUFFIX] = TextAreaField(
                _l("Justification"), validators=[Justified(question), Length(max=COMMENT_MAX_LENGTH)])
    return type("SectionStepForm", (StepForm,), attrs)


def make_step_form(section: Section, known_values: dict[str, Any], lang: str,
                   formdata: MultiDict | None = None, stored: dict[str, tuple[Any, str]] | None = None,
                   role_group: str | None = None, **kwargs) -> StepForm:
    """A form for `section` as a participant of `role_group` sees it. With formdata it reads a
    POST; without, it shows `stored` answers."""
    form_class = step_form_class(section, lang)
    if formdata is None:
        formdata = MultiDict()
        for question in section.questions:
            value, comment = (stored or {}).get(question.id, (None, None))
            form_value = question_type(question).form_value(question, value)
            if isinstance(form_value, list):
                formdata.setlist(question.id, form_value)
            elif form_value is not None:
                formdata[question.id] = form_value
            if comment:
                formdata[question.id + COMMENT_SUFFIX] = comment
    form = form_class(formdata=formdata, **kwargs)
    form.section = section
    form.known_values = known_values
    form.role_group = role_group
    for question, field, _comment in form.answer_fields():
        field.question = question
    return form
