"""Translation helpers usable from domain code.

Domain modules import no Flask; they mark their messages with `_l`, a lazy string that is
only translated when a boundary (view, API, CLI) renders it in the request's locale.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

__all__ = ["_l", "current_language", "localized"]

FALLBACK_LANGUAGE = "en"


def current_language() -> str:
    """Return the active language code ("fr", "en"), or the fallback outside a request."""
    locale = get_locale()
    return locale.language if locale is not None else FALLBACK_LANGUAGE


def localized(label: Mapping[str, str] | str | None, default: str = "") -> str:
    """Pick the text of a `{en: …, fr: …}` label for the current language."""
    if label is None:
        return default
    if isinstance(label, str):
        return label
    language = current_language()
    return label.get(language) or label.get(FALLBACK_LANGUAGE) or next(iter(label.values()), default)
