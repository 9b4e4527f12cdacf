"""Translation helpers usable from domain code.

Domain modules import no Flask; they mark their messages with `_l`, a lazy string that is
only translated when a boundary (view, API, CLI) renders it in the request's locale.

A word whose English form has several meanings ("Rate": a ratio or an action; "open": a call,
masculine in French, or a support request, feminine) is marked with `lazy_pgettext(context, text)`
so each meaning gets its own entry (msgctxt) in the catalog. `make translations` extracts it.
"""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Number

from babel.numbers import format_decimal
from flask_babel import LazyString
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

__all__ = ["_l", "current_language", "lazy_pgettext", "localized", "number"]

FALLBACK_LANGUAGE = "en"


def current_language() -> str:
    """Return the active language code ("fr", "en"), or the fallback outside a request."""
    locale = get_locale()
    return locale.language if locale is not None else FALLBACK_LANGUAGE


def number(value: Number) -> LazyString:
    """A number written the reader's way (1 000 000 in French, 1,000,000 in English).

    Lazy like `_l`, so it can be a placeholder of a domain message: it is formatted when the
    message is, in the locale of the request then.
    """
    return LazyString(lambda: format_decimal(value, locale=get_locale() or FALLBACK_LANGUAGE))


def localized(label: Mapping[str, str] | str | None, default: str = "") -> str:
    """Pick the text of a `{en: …, fr: …}` label for the current language."""
    if label is None:
        return default
    if isinstance(label, str):
        return label
    language = current_language()
    return label.get(language) or label.get(FALLBACK_LANGUAGE) or next(iter(label.values()), default)
