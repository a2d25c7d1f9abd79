"""The base of every form: CSRF from Flask-WTF, WTForms' own messages in the interface language."""
from flask_wtf import FlaskForm

from assessment.locale import current_language


class Form(FlaskForm):
    class Meta:
        # WTForms ships bokmål for its built-in messages ("Not a valid date value." and so on).
        @property
        def locales(self):
            return [current_language()]


def error_text(form: FlaskForm) -> str:
    """Every error of a form as one readable sentence, for a page that cannot show them inline."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)
