"""Template helpers every page needs, whatever the area: dates, money, URLs, language, and the
gettext family bound once per render. Helpers that speak an area's vocabulary (stages, check-ins,
notifications, the cluster) are registered by that area (`app/<area>/templating.py`)."""

from __future__ import annotations

from flask import Flask
from flask import request
from flask import url_for
from flask_babel import format_currency
from flask_babel import format_decimal
from flask_babel import format_number
from flask_babel import format_percent
from flask_babel import get_locale
from flask_babel import get_translations
from flask_babel import gettext
from jinja2 import pass_context
from markupsafe import Markup

from app.core.bidi import fill
from app.core.bidi import is_rtl
from app.core.bidi import right_to_left
from app.core.dates import format_date
from app.core.dates import format_datetime
from app.core.dates import zone_name
from app.core.forms import error_list
from app.core.forms import max_length
from app.core.i18n import LANGUAGE_NAMES
from app.core.i18n import localized


def register(app: Flask) -> None:
    app.add_template_filter(_datetime, "datetime")
    app.add_template_filter(format_day, "day")
    app.add_template_filter(_zone_name, "zone_name")
    app.add_template_filter(number, "number")
    app.add_template_filter(filesize, "filesize")
    app.add_template_filter(percent, "percent")
    app.add_template_filter(bdi, "bdi")
    app.add_template_global(period)
    app.add_template_global(url_with)
    app.add_template_global(money)
    app.add_template_global(localized)
    app.add_template_global(error_list)
    app.add_template_global(max_length)
    app.add_template_global(format_number)
    app.add_template_global(format_day)
    app.add_template_global(LANGUAGE_NAMES, "language_names")
    app.context_processor(_per_render)


def _datetime(value, fmt: str = "medium") -> str:
    # Through zoneinfo, never Flask-Babel's pytz (see app.core.dates).
    return format_datetime(value, fmt) if value else ""


def format_day(value, fmt: str = "long") -> str:
    """A calendar day in the reader's language ("3 décembre 2026"), never an ISO date in a sentence."""
    return format_date(value, fmt) if value else ""


def _zone_name(value) -> str:
    """A time zone named in the reader's language ("heure : Maroc"), never `Africa/Casablanca`."""
    return zone_name(value)


def number(value, digits: int | None = None) -> str:
    """A number in the reader's locale ("400,0" in French); `digits` fixes the decimals shown."""
    if value is None or value == "":
        return ""
    if digits is None:
        return format_decimal(value, format="#,##0.####")
    return format_decimal(value, format="#,##0" + ("." + "0" * digits if digits else ""))


def percent(value) -> str:
    """A share (0.45) as a percentage in the reader's locale ("45 %" in French, "45%" in English)."""
    return "" if value is None else format_percent(value)


#: Units of file sizes, by language: Babel has no unit for bytes' multiples in every locale.
_SIZE_UNITS = {"fr": ("o", "ko", "Mo", "Go"), "en": ("B", "KB", "MB", "GB"),
               "ar": ("بايت", "ك.ب", "م.ب", "ج.ب")}


def filesize(value) -> str:
    """A file size in the reader's language and units ("1 ko", "2,5 Mo"; "1 KB" in English)."""
    if value is None:
        return ""
    locale = get_locale()
    units = _SIZE_UNITS.get(locale.language if locale else "en", _SIZE_UNITS["en"])
    size, unit = float(value), 0
    while size >= 1024 and unit < len(units) - 1:
        size, unit = size / 1024, unit + 1
    shown = format_decimal(round(size) if unit == 0 or size >= 10 else round(size, 1))
    return f"{shown}\N{NO-BREAK SPACE}{units[unit]}"


def _render_is_rtl(context) -> bool:
    """Whether this render's page reads right to left: `text_dir`, set once per render by
    `_per_render` (a page calls the filters and gettext hundreds of times; looking the request's
    locale up again each time was a few milliseconds of a board), else the request's locale."""
    direction = context.get("text_dir")
    return is_rtl() if direction is None else direction == "rtl"


@pass_context
def bdi(context, value) -> Markup | str:
    """A name, email, URL or amount set apart from the text around it on a right-to-left page
    (`<bdi>`: "Atlas TV!" stays so in Arabic, not "!Atlas TV"); unchanged on a left-to-right one."""
    if value is None or value == "" or not _render_is_rtl(context):
        return value
    return Markup("<bdi>%s</bdi>") % value


def period(start, end) -> str:
    """A span of days in a sentence: "du 28 nov. 2026 au 15 janv. 2027" ("from … to …")."""
    return gettext("from %(start)s to %(end)s", start=format_date(start), end=format_date(end))


def url_with(**changes) -> str:
    """The current URL with some query arguments changed (filters, sorting, pages)."""
    # The query string is the client's: `_method`, `_external`… would be read by url_for itself
    # (a BuildError), and a name of the route's own arguments would be passed twice (a TypeError).
    args = {k: v for k, v in request.args.items() if not k.startswith("_") and k != "endpoint"}
    args.update({k: v for k, v in changes.items() if v is not None})
    for key in [k for k, v in changes.items() if v is None]:
        args.pop(key, None)
    return url_for(request.endpoint, **{**args, **(request.view_args or {})})


def money(amount, currency: str) -> str:
    """An exact amount in the reader's locale (e.g. 250 000,00 MAD in French)."""
    return format_currency(amount, currency)


def _per_render() -> dict:
    """What depends on the request's language: read once per render."""
    locale = get_locale()
    language = locale.language if locale else "en"
    rtl = right_to_left(language)
    # `arrow` points the way the text reads: "from → to" is "from ← to" in Arabic.
    return {"lang": language, "text_dir": "rtl" if rtl else "ltr", "arrow": "←" if rtl else "→", **bound_gettext()}


def bound_gettext() -> dict:
    """The template's gettext family bound to this request's catalogue.

    Flask-Babel installs environment-wide callables that look the catalogue up again on every
    call (a few context lookups each); a page calls them hundreds of times. Bound once per
    render, with new-style wrappers like Jinja's own (autoescaping, `%(name)s` formatting), they
    give the same strings for a fraction of the cost."""
    translations = get_translations()
    gettext = _newstyle(translations.ugettext)
    return {
        "_": gettext,
        "gettext": gettext,
        "ngettext": _newstyle_plural(translations.ungettext),
        "pgettext": _newstyle_context(translations.upgettext),
        "npgettext": _newstyle_context_plural(translations.unpgettext),
    }


def _formatted(context, text: str, variables: dict) -> str:
    """`%(name)s` filled in; in an autoescaped template the translation is trusted markup and the
    values are escaped (what Jinja's new-style gettext does, with its public names only)."""
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return fill(text, variables, rtl=_render_is_rtl(context) if variables else None)


def _newstyle(func):
    @pass_context
    def gettext(context, string: str, /, **variables) -> str:
        return _formatted(context, func(string), variables)
    return gettext


def _newstyle_plural(func):
    @pass_context
    def ngettext(context, singular: str, plural: str, num: int, /, **variables) -> str:
        variables.setdefault("num", num)
        return _formatted(context, func(singular, plural, num), variables)
    return ngettext


def _newstyle_context(func):
    @pass_context
    def pgettext(context, string_context: str, string: str, /, **variables) -> str:
        variables.setdefault("context", string_context)
        return _formatted(context, func(string_context, string), variables)
    return pgettext


def _newstyle_context_plural(func):
    @pass_context
    def npgettext(context, string_context: str, singular: str, plural: str, num: int, /, **variables) -> str:
        variables.setdefault("context", string_context)
        variables.setdefault("num", num)
        return _formatted(context, func(string_context, singular, plural, num), variables)
    return npgettext
