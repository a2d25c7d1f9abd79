"""A step's questions as HTML: the `question_block` macro around the input macro the type names."""
from __future__ import annotations

from flask import current_app
from markupsafe import Markup
from wtforms import Field

from assessment.banks import Question
from assessment.question_types import question_type


def render_question(question: Question, field: Field, comment: Field | None, lang: str,
                    live: bool = False) -> Markup:
    macros = current_app.jinja_env.get_template("macros.html").module
    return macros.question_block(question, field, comment, lang, live,
                                 getattr(macros, question_type(question).macro))
