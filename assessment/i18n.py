"""Translations by an explicit language, outside or inside a request: the app's Babel catalogues.

The domain and the exports take a `lang` argument and translate with these functions, so a value
shown in a workbook never depends on the request that asked for it.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.support import NullTranslations, Translations

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"


def N_(message: str) -> str:
    """Marks a message for extraction (pybabel -k N_); it is translated where it is shown."""
    return message


@cache
def _translations(lang: str) -> NullTranslations:
    if lang == "en":  # message ids are English
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS_DIR), [lang])


def translate(message: str, lang: str, **params) -> str:
    """`message` in `lang`, with %(name)s parameters filled in."""
    text = _translations(lang).ugettext(message)
    return text % params if params else text
