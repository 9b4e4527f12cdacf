"""Which way a language is written, from CLDR's character order (Babel): "ar" and "ar_MA" are right
to left, "fr" and "en" left to right. The PDFs, spreadsheets and charts the server draws mirror
their layout for a right-to-left reader, as the pages do with `<html dir="rtl">`."""

from __future__ import annotations

from babel import Locale
from babel import UnknownLocaleError


def right_to_left(locale: Locale | str | None) -> bool:
    """Whether text in `locale` (a Babel locale, or a code such as "ar" or "fr_FR") runs right to left."""
    if locale is None:
        return False
    try:
        parsed = locale if isinstance(locale, Locale) else Locale.parse(str(locale).replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return False
    return parsed.character_order == "right-to-left"


def direction(locale: Locale | str | None) -> str:
    """`"rtl"` or `"ltr"`, for a `dir` or `direction` attribute."""
    return "rtl" if right_to_left(locale) else "ltr"
