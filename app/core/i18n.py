"""Translation helpers usable from domain code.

Domain modules import no Flask; they mark their messages with `_l`, a lazy string that is
only translated when a boundary (view, API, CLI) renders it in the request's locale.

A word whose English form has several meanings ("Rate": a ratio or an action; "open": a call,
masculine in French, or a support request, feminine) is marked with `lazy_pgettext(context, text)`
so each meaning gets its own entry (msgctxt) in the catalog. `make translations` extracts it.
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Mapping
from contextlib import contextmanager
from numbers import Number

from babel.numbers import format_decimal
from flask_babel import LazyString
from flask_babel import force_locale
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

__all__ = ["LANGUAGE_NAMES", "_l", "babel_locale", "current_language", "in_language", "lazy_pgettext", "localized",
           "number"]

FALLBACK_LANGUAGE = "en"
#: A label missing the reader's language is shown in the first of these it has (French is the
#: cluster's working language, so a definition written before Arabic shipped reads in French).
LABEL_FALLBACKS = ("fr", "en")
#: Each shipped language named in itself, for the switcher and the language fields.
LANGUAGE_NAMES = {"fr": "Français", "en": "English", "ar": "العربية"}
#: The Babel locale that formats a language's dates and numbers: Arabic the Moroccan way (Latin
#: digits, "1.234,50", Gregorian months as Morocco names them: يناير … نونبر دجنبر).
FORMATTING_LOCALES = {"ar": "ar_MA"}


def babel_locale(language: str | None) -> str | None:
    """The Babel locale identifier for a shipped language code ("ar" → "ar_MA"; "fr" → "fr").

    Catalogues are looked up by language (gettext tries "ar_MA", then "ar"), so the regional
    locale only changes how dates, numbers and amounts are written."""
    return FORMATTING_LOCALES.get(language, language) if language else language


@contextmanager
def in_language(language: str | None) -> Iterator[None]:
    """Render in `language` for a while (an email to its recipient, a download in `?lang=`): its
    catalogue, and its dates and numbers written the way `babel_locale` says."""
    with force_locale(babel_locale(language or FALLBACK_LANGUAGE)):
        yield


def current_language() -> str:
    """Return the active language code ("fr", "en", "ar"), or the fallback outside a request."""
    locale = get_locale()
    return locale.language if locale is not None else FALLBACK_LANGUAGE


def number(value: Number) -> LazyString:
    """A number written the reader's way (1 000 000 in French, 1,000,000 in English).

    Lazy like `_l`, so it can be a placeholder of a domain message: it is formatted when the
    message is, in the locale of the request then.
    """
    return LazyString(lambda: format_decimal(value, locale=get_locale() or FALLBACK_LANGUAGE))


def localized(label: Mapping[str, str] | str | None, default: str = "") -> str:
    """Pick the text of a `{en: …, fr: …, ar: …}` label for the current language.

    A label without the reader's language falls back to French, then English, then any text it
    has: `default` (often the key) only shows for a label that has no text at all."""
    if label is None:
        return default
    if isinstance(label, str):
        return label
    for language in (current_language(), *LABEL_FALLBACKS):
        if label.get(language):
            return label[language]
    return next((text for text in label.values() if text), default)
