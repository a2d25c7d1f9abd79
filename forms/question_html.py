"""A step's questions as HTML, rendered once and reused: kept because rendering every question's
macros on every request made a step page cost twice as much (BENCHMARKS.md, design decisions).

The macros in templates/macros.html (`question_block` around the input macro the question's type
names) stay the only description of a question's markup.
What it writes depends on the question, the language, whether the condition is checked in the page,
which choice is ticked, and the free text in the field and its justification. The first four take
few values, so each combination is rendered once per worker and kept; the free text is put in per
request. To know where, the block is rendered once with a marker in place of each text: a NUL
character, which no request may carry (web.hooks.refuse_nul_characters) and no database can store.
A block with an error message is rendered afresh every time.
"""
from __future__ import annotations

from typing import Any

from flask import current_app
from markupsafe import Markup, escape
from wtforms import Field, RadioField, SelectMultipleField

from assessment.banks import Question
from assessment.question_types import question_type

MARK = "\x00"
_MAX_ENTRIES = 8192
# (id(question), lang, live, ticked) -> (question, the block cut at the text markers, or None when
# the block cannot be cut and is always rendered). The question keeps its id from being reused.
_blocks: dict[tuple, tuple[Question, list[str] | None]] = {}


def render_question(question: Question, field: Field, comment: Field | None, lang: str,
                    live: bool = False) -> Markup:
    """The question's block, as `question_block` would write it for these fields."""
    if field.errors or (comment is not None and comment.errors):
        return _macro(question)(question, field, comment, lang, live)
    texts = _text_fields(field, comment)
    key = (id(question), lang, live, _ticked(field))
    cached = _blocks.get(key)
    if cached is None or cached[0] is not question:
        cached = (question, _cut(question, field, comment, lang, live, texts))
        if len(_blocks) >= _MAX_ENTRIES:
            _blocks.clear()
        _blocks[key] = cached
    pieces = cached[1]
    if pieces is None:
        return _macro(question)(question, field, comment, lang, live)
    out = [pieces[0]]
    for text_field, piece in zip(texts, pieces[1:]):
        out += (escape(text_field._value()), piece)
    return Markup("".join(out))


def render_question_afresh(question: Question, field: Field, lang: str) -> Markup:
    """The question's block for a field named otherwise than a step's (the facilitator's agreed
    answer), rendered every time: the kept blocks carry a step field's name."""
    return _macro(question)(question, field, None, lang, False)


def _macro(question):
    macros = current_app.jinja_env.get_template("macros.html").module
    block, field_input = macros.question_block, getattr(macros, question_type(question).macro)
    return lambda *args: block(*args, field_input)


def _ticked(field: Field) -> Any:
    """What decides which inputs are checked: the choice, the choices, or nothing for a text field."""
    if isinstance(field, SelectMultipleField):
        return tuple(field.data or ())
    if isinstance(field, RadioField):
        return field.data
    return None


def _text_fields(field: Field, comment: Field | None) -> list[Field]:
    """The fields whose typed text appears in the block, in the order the block shows them."""
    fields = [] if isinstance(field, (RadioField, SelectMultipleField)) else [field]
    return fields + ([comment] if comment is not None else [])


def _cut(question, field, comment, lang, live, texts: list[Field]) -> list[str] | None:
    """The block rendered with a marker for each text, cut at the markers; None if a text shows
    anywhere else than once (the block is then rendered for every request)."""
    saved = [(f.data, f.raw_data) for f in texts]
    try:
        for text_field in texts:
            text_field.data, text_field.raw_data = MARK, [MARK]
        html = str(_macro(question)(question, field, comment, lang, live))
    finally:
        for text_field, (data, raw_data) in zip(texts, saved):
            text_field.data, text_field.raw_data = data, raw_data
    pieces = html.split(MARK)
    return pieces if len(pieces) == len(texts) + 1 else None
