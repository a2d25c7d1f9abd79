"""The interface languages and how a request's language is chosen."""
from babel import Locale
from flask import g, has_request_context, request
from flask_babel import get_locale, get_translations

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
    """This request's translations, looked up once. Flask-Babel's own template callables look them
    up again for every string: three context lookups and a locale identifier built each time."""
    translations = g.get("_translations")
    if translations is None:
        translations = g._translations = get_translations()
    return translations


def install_template_gettext(app) -> None:
    """Templates' _(), gettext and ngettext through request_translations(); after Babel's init_app."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
