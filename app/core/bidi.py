"""Bidirectional text: what a reader's sentence holds keeps its own direction.

In an Arabic sentence, a Latin name, an email address, a URL or an amount is a left-to-right run
inside right-to-left text; with punctuation or digits at its edge the Unicode bidi algorithm
attaches them to the wrong side ("Atlas TV!" read as "!Atlas TV", "+212 6…" scrambled). Each
value filled into a translated message is therefore isolated: FIRST STRONG ISOLATE … POP
DIRECTIONAL ISOLATE around it, the plain-text form of `<bdi>` (it also works in attributes read
out, such as `aria-label`, and in plain-text emails). Only right-to-left languages get them, so
French and English output is byte for byte what it was.

In templates, a value shown on its own (a project's name in a table cell, a person's email) is
marked with `<bdi>` or `dir="auto"` where it sits inside running text.
"""

from __future__ import annotations

import re
from functools import cached_property

from babel import Locale
from babel import UnknownLocaleError
from flask_babel import Babel as FlaskBabel
from flask_babel import Domain
from flask_babel import get_locale
from markupsafe import Markup

FSI, PDI = "\u2068", "\u2069"
_PLACEHOLDER = re.compile(r"%\((\w+)\)([sdif])")


def right_to_left(locale: Locale | str | None) -> bool:
    """Whether text in `locale` (a Babel locale, or a code such as "ar" or "fr_FR") runs right to left,
    from CLDR's character order: the pages, PDFs, spreadsheets and charts mirror for such a reader."""
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


def is_rtl(language: str | None = None) -> bool:
    """True when `language` (the request's language by default) is written right to left."""
    return right_to_left(get_locale() if language is None else language)


def isolate(value) -> str:
    """`value` as an isolated run of text (markup stays markup)."""
    if isinstance(value, Markup):
        return Markup(FSI) + value + Markup(PDI)
    return f"{FSI}{value}{PDI}"


def _isolable(text: str) -> set[str]:
    """Names of the `%(name)s` placeholders of `text` that are text (not `%(num)d`) and sit outside
    a tag: a placeholder in `<a href="%(url)s">` is an attribute's value, never isolated."""
    names, numeric = set(), set()
    for match in _PLACEHOLDER.finditer(text):
        before = text[:match.start()]
        inside_tag = before.rfind("<") > before.rfind(">")
        if match.group(2) != "s" or inside_tag:
            numeric.add(match.group(1))
        else:
            names.add(match.group(1))
    return names - numeric


def fill(text: str, variables: dict, *, rtl: bool | None = None) -> str:
    """`text % variables`, each text value isolated when the reader's language is right to left
    (`rtl`: whether it is, when the caller knows; else read from the request)."""
    if not variables:
        return text
    if is_rtl() if rtl is None else rtl:
        names = _isolable(str(text))
        variables = {k: (isolate(v) if k in names and v is not None and str(v) != "" else v)
                     for k, v in variables.items()}
    return text % variables


class IsolatingDomain(Domain):
    """Flask-Babel's domain whose formatting isolates the filled-in values (see `fill`): flash
    messages, form and domain errors, problem+json details and emails get it with no change at
    their call sites."""

    def gettext(self, string, **variables):
        return fill(self.get_translations().ugettext(string), variables)

    def ngettext(self, singular, plural, num, **variables):
        variables.setdefault("num", num)
        return fill(self.get_translations().ungettext(singular, plural, num), variables)

    def pgettext(self, context, string, **variables):
        return fill(self.get_translations().upgettext(context, string), variables)

    def npgettext(self, context, singular, plural, num, **variables):
        variables.setdefault("num", num)
        return fill(self.get_translations().unpgettext(context, singular, plural, num), variables)


class Babel(FlaskBabel):
    """Flask-Babel with the isolating domain as its default one."""

    @cached_property
    def domain_instance(self):
        return IsolatingDomain(domain=self.domain)
