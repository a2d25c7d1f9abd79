"""The interface languages and how a request's language is chosen."""
from babel import Locale
from flask import has_request_context, request
from flask_babel import get_locale, gettext

LANGUAGES = ("nb", "en")
# Parsed once: Flask-Babel takes a Locale as it is, and would parse a code (reading a file) per request.
_LOCALES = {code: Locale.parse(code) for code in LANGUAGES}


def select_locale() -> Locale:
    """The language cookie if set, else the browser's preference; bokmål by default.
    Outside a request (the command line) messages are in English, like the rest of the CLI."""
    if not has_request_context():
        return _LOCALES["en"]
    chosen = request.cookies.get("lang")
    if chosen in LANGUAGES:
        return _LOCALES[chosen]
    # Norwegian in any form (no, nn, nb) gets bokmål.
    match = request.accept_languages.best_match(["nb", "no", "nn", "en"], default="nb")
    return _LOCALES["en" if match == "en" else "nb"]


def current_language() -> str:
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "nb"


def label_for(labels: dict[str, str], key: str) -> str:
    """The name of a fixed value (assessment/labels.py) in this request's language."""
    return gettext(labels[key]) if key in labels else key
