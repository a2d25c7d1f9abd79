"""The floor: the least a psv form step can do with the product's fixed stack, served by the same
gunicorn settings as ours, on the same database, through the same URLs and form fields.

What it keeps, because a form step cannot do without it: Flask, the session cookie with Flask-WTF's
CSRF token (checked on every POST), a WTForms form with the step's fields, a Jinja template
(autoescaped, as the file name ends in .html) that writes them, Flask-SQLAlchemy reading the
participant and their answers and writing a step's answers with one upsert and a commit, and the
redirect after a POST.

What it leaves out, which the product has: locales and translations (Flask-Babel), the facilitator's
login (Flask-Login), rate limits (Flask-Limiter), security headers, the page layout (navigation,
step list, language switch, saved-at, flash messages), questions shown on conditions, required
answers and justifications, closed steps and locked sessions, "only what changed is written".

It is written to be cheap: the form classes are built once, the template writes the inputs itself,
the reads and the upsert are SQLAlchemy Core statements built once, and a GET ends its transaction
with a commit (on PostgreSQL, a rollback would drop the prepared statements).

benchmarks/load.py walks its steps as it walks ours, in the same run. Not an app to use: no checks
beyond the form's own, for measuring only.
"""
from __future__ import annotations

import os

from flask import Flask, abort, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from jinja2 import DictLoader
from sqlalchemy import bindparam, delete, select, text, update
from werkzeug.datastructures import MultiDict
from wtforms import Form, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from assessment.banks import get_bank
from assessment.extensions import csrf, db
from assessment.models import Answer, Participant, ReviewSession, utcnow
from assessment.question_types import CANNOT_ASSESS, COMMENT_MAX_LENGTH, question_type
from forms.fields import stored_value
from forms.step import COMMENT_SUFFIX

BANK = get_bank("psv")
LANG = "nb"

PAGE = """<!doctype html>
<html lang="nb"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><main><h1>{{ title }}</h1>{% block body %}{% endblock %}</main></body></html>"""

JOIN = """{% extends "page.html" %}{% block body %}
<form method="post">{{ form.csrf_token }}
<label>Navn {{ form.name() }}</label>
<label>Rolle {{ form.role_group() }}</label>
<button>Start</button></form>{% endblock %}"""

# The inputs are written here, not by WTForms' widgets, which cost more than all the rest of the
# request (BENCHMARKS.md, design decisions).
STEP = """{% extends "page.html" %}{% block body %}
<form method="post"><input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
{% for q in questions %}{% set field = form[q.id] %}
<fieldset class="question"><legend>{{ q.label }}</legend>
{% if q.help %}<p class="help">{{ q.help }}</p>{% endif %}
{% if q.choices %}{% set ticked = field.raw_data or () %}{% for value, label in q.choices %}
<label><input type="{{ q.input }}" name="{{ q.id }}" value="{{ value }}"
{%- if value in ticked %} checked{% endif %}>
{{ label }}</label>{% endfor %}
{% else %}<textarea name="{{ q.id }}">{{ field.raw_data[0] if field.raw_data else "" }}</textarea>{% endif %}
{% if q.comment %}{% set comment = form[q.id ~ "__comment"] %}
<label>Begrunnelse <textarea name="{{ q.id }}__comment">
{{- comment.raw_data[0] if comment.raw_data else "" }}</textarea></label>
{% endif %}{% for error in field.errors %}<p class="error">{{ error }}</p>{% endfor %}
</fieldset>{% endfor %}
<button name="action" value="back">Tilbake</button><button name="action" value="next">Neste</button>
</form>{% endblock %}"""


def _field(question):
    """A WTForms field that reads and checks a question's answer: the app's names, choices and values.
    The template writes the inputs, so labels are left out."""
    choices = [value for value, _label in _choices(question)]
    if question.type == "multi_choice":
        return SelectMultipleField(choices=choices, validators=[Optional()])
    if choices:
        return RadioField(choices=choices, validators=[Optional()])
    return (TextAreaField if question.type == "long_text" else StringField)(validators=[Optional()])


def _choices(question) -> list[tuple[str, str]]:
    if question.type == "scale":
        choices = [(str(level), str(level)) for level in question.scale.levels]
        if question.scale.cannot_assess:
            choices.append((CANNOT_ASSESS, "Kan ikke vurdere"))
        return choices
    if question.type == "yes_no":
        return [("yes", "Ja"), ("no", "Nei")]
    return [(o.value, o.label.get(LANG)) for o in question.options]


def _step_form_class(section) -> type[Form]:
    attrs = {}
    for question in section.questions:
        attrs[question.id] = _field(question)
        if question.type == "scale" and question.comment != "none":
            attrs[question.id + COMMENT_SUFFIX] = TextAreaField(validators=[Length(max=COMMENT_MAX_LENGTH)])
    return type("FloorStepForm", (Form,), attrs)


def _page_question(question) -> dict:
    """What the template writes of a question: plain values, worked out once."""
    return {"id": question.id, "label": question.label.get(LANG),
            "help": question.help.get(LANG) if question.help else "", "choices": _choices(question),
            "input": "checkbox" if question.type == "multi_choice" else "radio",
            "comment": question.type == "scale" and question.comment != "none"}


STEP_FORMS = [_step_form_class(section) for section in BANK.sections]
STEP_QUESTIONS = [[_page_question(q) for q in section.questions] for section in BANK.sections]
QUESTIONS = {question.id: question for section in BANK.sections for question in section.questions}


class JoinForm(FlaskForm):
    name = StringField(validators=[Length(min=1, max=120)])
    role_group = StringField(validators=[Length(min=1, max=40)])


_PARTICIPANT = select(Participant.__table__.c.id).where(Participant.__table__.c.token == bindparam("token"))
# Reading and writing answers with the fewest statements: an upsert, a participant update.
_ANSWER_TABLE = Answer.__table__
_ANSWERS = (select(_ANSWER_TABLE.c.question_id, _ANSWER_TABLE.c.value, _ANSWER_TABLE.c.comment)
            .where(_ANSWER_TABLE.c.participant_id == bindparam("participant_id")))
_UPSERT = text(
    "INSERT INTO answer (participant_id, question_id, value, comment, created_at, updated_at) "
    "VALUES (:participant_id, :question_id, :value, :comment, :created_at, :updated_at) "
    "ON CONFLICT (participant_id, question_id) DO UPDATE "
    "SET value = excluded.value, comment = excluded.comment, updated_at = excluded.updated_at"
).bindparams(*(bindparam(column.key, type_=column.type) for column in _ANSWER_TABLE.c if column.key != "id"))
_MOVE = (update(Participant.__table__).where(Participant.__table__.c.id == bindparam("participant_id")))


def database_url() -> str:
    url = os.environ["DATABASE_URL"]
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


app = Flask(__name__)
app.config.update(SECRET_KEY=os.environ["SECRET_KEY"], SQLALCHEMY_DATABASE_URI=database_url(),
                  WTF_CSRF_TIME_LIMIT=None)
app.jinja_loader = DictLoader({"page.html": PAGE, "join.html": JOIN, "step.html": STEP})
db.init_app(app)
csrf.init_app(app)


@app.get("/")
def index():
    return "floor"


@app.route("/join/<code>", methods=["GET", "POST"])
def join(code: str):
    session_id = db.session.execute(
        select(ReviewSession.id).where(ReviewSession.join_code == code)).scalar_one_or_none()
    if session_id is None:
        abort(404)
    form = JoinForm()
    if form.validate_on_submit():
        participant = Participant(session_id=session_id, name=form.name.data, role_group=form.role_group.data)
        db.session.add(participant)
        db.session.commit()
        return redirect(url_for("step", token=participant.token, number=1))
    return render_template("join.html", title="Bli med", form=form)


@app.route("/p/<token>/step/<int:number>", methods=["GET", "POST"])
def step(token: str, number: int):
    participant = db.session.execute(_PARTICIPANT, {"token": token}).first()
    if participant is None or not 1 <= number <= len(BANK.sections):
        abort(404)
    section = BANK.sections[number - 1]
    if request.method == "GET":
        data = MultiDict()
        for row in db.session.execute(_ANSWERS, {"participant_id": participant.id}):
            question = QUESTIONS[row.question_id]
            form_value = question_type(question).form_value(question, row.value)
            if isinstance(form_value, list):
                data.setlist(row.question_id, form_value)
            elif form_value is not None:
                data[row.question_id] = form_value
            if row.comment:
                data[row.question_id + COMMENT_SUFFIX] = row.comment
        db.session.commit()  # not the teardown's rollback: on PostgreSQL it keeps the statements prepared
        return render_template("step.html", title=section.title.get(LANG), form=STEP_FORMS[number - 1](data),
                               questions=STEP_QUESTIONS[number - 1])
    form = STEP_FORMS[number - 1](request.form)
    if not form.validate():
        return render_template("step.html", title=section.title.get(LANG), form=form,
                               questions=STEP_QUESTIONS[number - 1]), 422
    now, written, emptied = utcnow(), [], []
    for question in section.questions:
        value = stored_value(question, form[question.id])
        comment_field = form._fields.get(question.id + COMMENT_SUFFIX)
        comment = (comment_field.data or "").strip() if comment_field is not None else ""
        if value is None and not comment:
            emptied.append(question.id)
        else:
            written.append({"participant_id": participant.id, "question_id": question.id, "value": value,
                            "comment": comment, "created_at": now, "updated_at": now})
    if written:
        db.session.execute(_UPSERT, written)
    if emptied:
        table = Answer.__table__
        db.session.execute(delete(table).where(table.c.participant_id == participant.id,
                                               table.c.question_id.in_(emptied)))
    target = number + 1 if request.form.get("action") == "next" and number < len(BANK.sections) else 1
    db.session.execute(_MOVE, {"participant_id": participant.id, "current_step": target - 1})
    db.session.commit()
    return redirect(url_for("step", token=token, number=target))
