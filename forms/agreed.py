"""The facilitator's form for a question's agreed answer: the same field a participant gets (the
question type's factory in forms/fields.py), labelled as the group's answer, and a note."""
from __future__ import annotations

from dataclasses import replace

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from assessment.banks import Question, Text
from assessment.i18n import N_, translate
from assessment.question_types import question_type
from forms.base import Form
from forms.fields import make_field

NOTE_MAX_LENGTH = 5000
AGREED_ANSWER = N_("Agreed answer")


class AgreedAnswerForm(Form):
    """Base class; agreed_answer_form() adds the answer field of one question."""

    class Meta:
        csrf = False  # CSRFProtect checks every POST; the page writes the token itself

    question: Question  # the question as the form shows it (the field's label is the group's answer)
    question_id: str


def agreed_question(question: Question) -> Question:
    """The question as the agreed-answer field shows it: labelled as the group's answer, without
    help or a required mark (the question's own label heads the panel)."""
    label = Text(nb=translate(AGREED_ANSWER, "nb"), en=AGREED_ANSWER)
    return replace(question, label=label, help=None, required=False)


def agreed_answer_form(question: Question, lang: str, formdata: MultiDict | None = None,
                       value=None, note: str = "") -> AgreedAnswerForm:
    """The form for one question; from a POST's `formdata`, or showing the stored `value` and `note`."""
    shown = agreed_question(question)
    form_class = type("QuestionAgreedAnswerForm", (AgreedAnswerForm,), {
        "value": make_field(shown, lang, [Optional()]),
        "note": TextAreaField(_l("Note (Markdown)"), validators=[Length(max=NOTE_MAX_LENGTH)]),
    })
    prefix = f"agreed-{question.id}"
    if formdata is None:
        formdata = MultiDict()
        stored = question_type(question).form_value(question, value)
        if isinstance(stored, list):
            formdata.setlist(f"{prefix}-value", stored)
        elif stored is not None:
            formdata[f"{prefix}-value"] = stored
        if note:
            formdata[f"{prefix}-note"] = note
    form = form_class(formdata=formdata, prefix=prefix)
    form.question = shown
    form.question_id = question.id
    return form
