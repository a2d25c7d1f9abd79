"""The interface languages and how a request's language is chosen."""
from babel import Locale
from flask import g, has_request_context, request
from flask_babel import get_locale, get_translations
from markupsafe import Markup

LANGUAGES = ("nb", "en")
# Parsed once: Flask-Babel takes a Locale as it is, where it would parse a code on every request.
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


def request_translations():
    """This request's translations, looked up once (Flask-Babel looks them up again for every string:
    three context lookups and a locale identifier built each time)."""
    translations = g.get("_translations")
    if translations is None:
        translations = g._translations = get_translations()
    return translations


def template_gettext(string: str, **variables) -> Markup:
    """_() and gettext() in templates, as Jinja's "newstyle" gettext with autoescaping: the
    translation is markup, and %(name)s variables are escaped into it."""
    translated = Markup(request_translations().ugettext(string))
    # Formatting with nothing to put in only turns %% into %: skip it for the rest (most strings).
    return translated % variables if variables or "%" in translated else translated


def template_ngettext(singular: str, plural: str, num: int, **variables) -> Markup:
    variables.setdefault("num", num)
    return Markup(request_translations().ungettext(singular, plural, num)) % variables


def install_template_gettext(app) -> None:
    """Templates call template_gettext and template_ngettext directly; after Babel's init_app. Flask-Babel installs
    them through Jinja's i18n extension, which wraps every call in two more context calls: together
    with the lookups, a tenth of a step page's rendering. Every template that translates is HTML
    (autoescaped); the report's Markdown template has its own environment (exports/report.py)."""
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext, ngettext=template_ngettext)
