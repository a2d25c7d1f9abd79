"""The base of every form: CSRF from Flask-WTF, WTForms' own messages in the interface language, and
typed text cleaned of control characters before any form reads it."""
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField

from assessment.question_types import clean_text


def _clean(value):
    return clean_text(value) if isinstance(value, str) else value


class Form(FlaskForm):
    class Meta:
        # WTForms ships bokmål for its built-in messages ("Not a valid date value." and so on).
        @property
        def locales(self):
            locale = get_locale()
            return ["en" if locale is not None and locale.language == "en" else "nb"]

        def bind_field(self, form, unbound_field, options):
            """Text fields (not passwords) get clean_text as their first filter: a pasted soft line
            break or control character never reaches the database, an export or a page."""
            field_class = unbound_field.field_class
            if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
                filters = [_clean, *unbound_field.kwargs.get("filters", ())]
                return unbound_field.bind(form=form, **{**options, "filters": filters})
            return unbound_field.bind(form=form, **options)


def error_text(form: FlaskForm) -> str:
    """Every error of a form as one readable sentence, for a page that cannot show them inline."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)
