"""CSV and XLSX exports: the pipeline page's tables, and one row per project (`/projects.csv|.xlsx`).

Headers and values are in the reader's language (labels, not keys; yes/no, not True/False; dates
spelled by Babel). A CSV opens in the reader's spreadsheet as it is: UTF-8 with a byte order mark
(Excel otherwise reads it as the Windows code page), and `;` between fields where the locale writes
decimals with a comma (French Excel expects `;` then, and numbers carry a decimal comma; so does
Arabic formatted the Moroccan way, `ar_MA`). The locale given is the one that formats the numbers
(the request's Babel locale), not only the language. No `sep=`
line is written: Excel honours one but then ignores the byte order mark, and every other reader
(LibreOffice, pandas, a database import) takes it for data; see the README.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import xlsxwriter
from babel.numbers import format_currency
from babel.numbers import format_decimal
from babel.numbers import get_decimal_symbol

from app.core.dates import format_date
from app.core.dates import reader_zone
from app.core.dates import to_local
from app.core.i18n import _l
from app.core.i18n import lazy_pgettext
from app.pipeline.queries import Pipeline
from app.pipeline.roster import RosterRow

#: A cell starting with one of these is a formula to a spreadsheet: prefix it so it stays text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
Section = tuple[str, list[str], Iterable[list]]


def safe_cell(value):
    """Neutralise spreadsheet formula injection in text cells."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class Dialect:
    """How the reader's spreadsheet reads a CSV: their locale's numbers, and the separator it expects."""

    locale: str
    delimiter: str

    @classmethod
    def of(cls, locale: str, separator: str | None = None) -> Dialect:
        """`;` where the locale's decimal sign is a comma, `,` elsewhere; `separator` (`comma`,
        `semicolon`) overrides it for a reader whose spreadsheet is set otherwise."""
        chosen = {"comma": ",", "semicolon": ";"}.get(separator or "")
        if chosen is None:
            chosen = ";" if get_decimal_symbol(locale) == "," else ","
        return cls(locale=locale, delimiter=chosen)


def yes_no(value: bool) -> str:
    return str(_l("yes") if value else _l("no"))


def text(value, locale: str) -> str:
    """A cell as a CSV shows it: numbers with the locale's decimal sign and no grouping (a spreadsheet
    reads them back as numbers), dates spelled the locale's way, text guarded against formulas."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return format_decimal(value, format="0.00", locale=locale)
    if isinstance(value, float):
        return format_decimal(value, format="0.###", locale=locale)
    if isinstance(value, dt.date):
        return format_date(value, "medium", locale=locale)
    return safe_cell(str(value))


def cell(value):
    """A cell as an XLSX holds it: numbers and dates stay typed, booleans become words, text is guarded."""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, str):
        return safe_cell(value)
    return value


class _Line:
    """A file-like buffer for `csv.writer` that hands back each written line."""

    def __init__(self) -> None:
        self.value = ""

    def write(self, value: str) -> None:
        self.value = value


#: Characters of CSV handed to the server at a time: one write per line would be a system call per row.
FLUSH_AT = 64 * 1024


def stream_csv(sections: Iterable[Section], dialect: Dialect, *, titles: bool = True) -> Iterator[str]:
    """The CSV in pieces of about `FLUSH_AT` characters: each table under its title (when `titles`),
    separated by a blank line. Nothing accumulates beyond one piece."""
    line = _Line()
    writer = csv.writer(line, delimiter=dialect.delimiter)
    cells = _Cells(dialect.locale)
    pending, size = [BOM], 1
    for index, (title, header, rows) in enumerate(sections):
        if titles:
            if index:
                writer.writerow([])
                pending.append(line.value)
            writer.writerow([safe_cell(title)])
            pending.append(line.value)
        writer.writerow([safe_cell(h) for h in header])
        pending.append(line.value)
        for row in rows:
            writer.writerow([cells.text(c) for c in row])
            pending.append(line.value)
            size += len(line.value)
            if size >= FLUSH_AT:
                yield "".join(pending)
                pending, size = [], 0
    if pending:
        yield "".join(pending)


class _Cells:
    """`text()` for one locale, each date spelled once (a roster repeats the same days thousands of times)."""

    def __init__(self, locale: str) -> None:
        self.locale = locale
        self.days: dict[dt.date, str] = {}

    def text(self, value) -> str:
        kind = type(value)  # the common cells first, by exact type (bool is not int here)
        if kind is str:
            return "'" + value if value.startswith(FORMULA_STARTS) else value
        if kind is int:
            return str(value)
        if value is None:
            return ""
        if kind is dt.date:
            spelled = self.days.get(value)
            if spelled is None:
                spelled = self.days[value] = text(value, self.locale)
            return spelled
        return text(value, self.locale)


def to_csv(sections: Iterable[Section], dialect: Dialect) -> str:
    """The whole CSV document at once (small tables)."""
    return "".join(stream_csv(sections, dialect))


def to_xlsx(sections: Iterable[Section], *, right_to_left: bool = False) -> bytes:
    """One worksheet per table through XlsxWriter's constant-memory mode: each row goes to a temporary
    file as it is written, so what is held is the finished file (about 2.5 MB for 50,000 projects),
    not the rows. (openpyxl's write-only mode streams too but serialises each cell through a pure-Python
    XML writer: 3.8 s for 50,000 projects with lxml, 5.1 s without, against XlsxWriter's 3.0 s.)

    Cells stay typed (numbers, dates); text is never read as a formula or a link. For a right-to-left
    reader (Arabic) each sheet is right to left: column A at the right."""
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, XLSX_OPTIONS)
    names: list[str] = []
    for title, header, rows in sections:
        names.append(sheet_name(title, names))
        sheet = workbook.add_worksheet(names[-1])
        if right_to_left:
            sheet.right_to_left()
        sheet.write_row(0, 0, [safe_cell(h) for h in header])
        for number, row in enumerate(rows, start=1):
            sheet.write_row(number, 0, [cell(c) for c in row])
    workbook.close()
    return out.getvalue()


#: Text stays text (no formulas, links or numbers read into it); instants are written in UTC.
XLSX_OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                "strings_to_numbers": False, "remove_timezone": True,
                "default_date_format": "yyyy-mm-dd"}


def sheet_name(title: str, taken: list[str]) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of []:*?/\\, not already used."""
    base = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31] or "Sheet"
    name, n = base, 1
    while name.lower() in (t.lower() for t in taken):
        n += 1
        name = f"{base[:31 - len(str(n)) - 1]} {n}"
    return name


# The pipeline's tables ---------------------------------------------------------------------------


def tables(p: Pipeline, labels: dict[str, str], paths: dict[str, str]) -> list[Section]:
    """(title, header, rows) for each table of the page, in page order; `paths`: workflow key → label."""
    def path(key: str) -> str:
        return paths.get(key, key)

    stages = [[path(s.workflow), s.label, s.count, s.active, s.stalled, s.median_days_now, s.p90_days_now,
               s.median_days_done, s.p90_days_done, s.reached, s.conversion] for s in p.stages]
    stage_header = [str(h) for h in (
        _l("Path"), _l("Stage"), _l("Projects"), _l("Active"), _l("Stalled"), _l("Median days in stage (now)"),
        _l("90th percentile of days in stage (now)"), _l("Median days per stay (done)"),
        _l("90th percentile of days per stay (done)"), _l("Ever reached"), _l("Conversion from the previous stage"))]
    by_pole = [[path(s.workflow), s.label, *[s.by_pole.get(pole, 0) for pole in p.poles]] for s in p.stages]
    poles = labels.get("poles") or {}
    stage_labels = {(s.workflow, s.stage): s.label for s in p.stages}
    stalled = [[x.name, path(x.workflow), stage_labels.get((x.workflow, x.stage), x.stage), x.days_in_stage,
                x.too_long, x.overdue_checkin, x.no_mentor] for x in p.stalled]
    load = [[m.name, m.active, m.capacity, m.sessions_30, m.sessions_90, m.overdue_checkins] for m in p.mentor_load]
    return [
        (labels["stages"], stage_header, stages),
        (labels["by_pole"], [str(_l("Path")), str(_l("Stage")), *[poles.get(k, k) for k in p.poles]], by_pole),
        (labels["stalled"], [str(h) for h in (_l("Project"), _l("Path"), _l("Stage"), _l("Days in stage"),
                                              _l("Too long in stage"), _l("Overdue check-in"), _l("No mentor"))],
         stalled),
        (labels["mentors"], [str(h) for h in (_l("Mentor"), _l("Active mentees"), _l("Capacity"),
                                              _l("Sessions in 30 days"), _l("Sessions in 90 days"),
                                              _l("Overdue check-ins"))], load),
    ]


# One row per project -----------------------------------------------------------------------------


def roster_header() -> list[str]:
    return [str(h) for h in (
        _l("Name"), _l("Pole"), _l("Path"), _l("Stage"), _l("Status"), _l("Days in stage"), _l("Founders"),
        _l("Mentors"), _l("Cohort"), lazy_pgettext("cluster label", "Label"), _l("Last session"),
        _l("Next check-in"), _l("Funding granted (MAD)"), _l("Funding granted without an exchange rate"))]


def roster_values(row: RosterRow, locale: str, zone: ZoneInfo | None = None) -> list:
    """A project's cells: dates in the reader's zone (`zone`, looked up when not given), the granted
    financing in dirhams (empty when none), and apart, in their own currency, the amounts no recorded
    rate converts."""
    funding = row.funding
    zone = zone or reader_zone()
    unconverted = " + ".join(format_currency(amount, currency, locale=locale)
                             for currency, amount in sorted(funding.unconverted.items()))
    return [row.name, row.pole, row.path, row.stage, row.status, row.days_in_stage, ", ".join(row.founders),
            ", ".join(row.mentors), row.cohort, row.label, _day(row.last_session, zone),
            _day(row.next_checkin, zone),
            funding.mad if set(funding.by_currency) - set(funding.unconverted) else None, unconverted or None]


def _day(value: dt.datetime | None, zone: ZoneInfo) -> dt.date | None:
    return to_local(value, zone).date() if value else None
