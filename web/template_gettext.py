"""_(), gettext() and ngettext() in templates, with this request's translations looked up once.

Kept for speed (budget in BENCHMARKS.md): Flask-Babel's callables, through Jinja's i18n extension,
look the locale and catalogue up again for every string, a tenth of a form step's rendering.
Same behaviour as Jinja's "newstyle" gettext with autoescaping: the translation is markup and
%(name)s variables are escaped into it. Every template that translates is HTML."""
from __future__ import annotations

from contextlib import contextmanager

from flask import g
from flask_babel import force_locale, get_translations
from markupsafe import Markup


def request_translations():
    """This request's catalogue, from Flask-Babel once per request."""
    translations = g.get("_translations")
    if translations is None:
        translations = g._translations = get_translations()
    return translations


@contextmanager
def templates_in(lang: str):
    """Render templates in `lang` within the block (a preview in the other language), then go
    back to the request's own catalogue."""
    saved = g.pop("_translations", None)
    try:
        with force_locale(lang):
            yield
    finally:
        g.pop("_translations", None)
        if saved is not None:
            g._translations = saved


def template_gettext(string: str, **variables) -> Markup:
    translated = Markup(request_translations().gettext(string))
    # Formatting with nothing to put in only turns %% into %: most strings skip it.
    return translated % variables if variables or "%" in translated else translated


def template_ngettext(singular: str, plural: str, num: int, **variables) -> Markup:
    variables.setdefault("num", num)
    return Markup(request_translations().ngettext(singular, plural, num)) % variables


def install(app) -> None:
    """After Flask-Babel's init_app, which installs its own."""
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext, ngettext=template_ngettext)
