"""A streaming XLSX writer for plain tables: one worksheet per table, rows written as they come.

openpyxl's write-only mode also streams, but without lxml it serialises each cell through
et_xmlfile's pure-Python element writer (~40 µs a cell: 3 s for 5,000 projects × 14 columns, ten
times the export's SQL). A table needs none of that machinery: this writes each row's SpreadsheetML
as a string straight into the deflated zip member (~2 µs a cell). Cells are typed as openpyxl
would type them: numbers stay numbers, dates and instants are serial days with a date format,
text is an inline string (no shared-string table to hold in memory). Readers (Excel, LibreOffice,
openpyxl) open it as any workbook.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from typing import IO
from xml.sax.saxutils import escape

#: Rows serialised before they are handed to the zip stream.
FLUSH_ROWS = 500
EPOCH = dt.datetime(1899, 12, 30)
#: Characters XML 1.0 cannot carry (openpyxl refuses them): dropped from text cells.
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: Style indexes in `STYLES`: 0 general, 1 a day, 2 a day and time.
DAY, INSTANT = 1, 2
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
STYLES = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<styleSheet xmlns="{MAIN}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="22" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


def column_letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(ref: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, dt.datetime):
        naive = value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value
        serial = (naive - EPOCH) / dt.timedelta(days=1)
        return f'<c r="{ref}" s="{INSTANT}"><v>{serial!r}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="{DAY}"><v>{(value - EPOCH.date()).days}</v></c>'
    text = ILLEGAL.sub("", str(value))
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'


def _sheet(member: IO[bytes], rows: Iterable[list]) -> None:
    member.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{MAIN}"><sheetData>'.encode())
    letters: list[str] = []
    pending: list[str] = []
    for number, row in enumerate(rows, start=1):
        while len(letters) < len(row):
            letters.append(column_letters(len(letters)))
        cells = "".join(_cell(f"{letters[i]}{number}", value) for i, value in enumerate(row))
        pending.append(f'<row r="{number}">{cells}</row>')
        if len(pending) >= FLUSH_ROWS:
            member.write("".join(pending).encode())
            pending.clear()
    member.write(("".join(pending) + "</sheetData></worksheet>").encode())


def write_workbook(sheets: Iterable[tuple[str, Iterable[list]]], out: IO[bytes]) -> None:
    """Write (title, rows) sheets as an XLSX package into `out`, each row as it comes."""
    titles: list[str] = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        for title, rows in sheets:
            titles.append(_unique(title, titles))
            with package.open(f"xl/worksheets/sheet{len(titles)}.xml", "w", force_zip64=True) as member:
                _sheet(member, rows)
        _package_parts(package, titles)


def _unique(title: str, taken: list[str]) -> str:
    """A worksheet name Excel accepts: ≤ 31 characters, none of []:*?/\\, not already used."""
    base = re.sub(r"[\[\]:*?/\\]", " ", ILLEGAL.sub("", title)).strip()[:31] or "Sheet"
    name, n = base, 1
    while name.lower() in (t.lower() for t in taken):
        n += 1
        name = f"{base[:31 - len(str(n)) - 1]} {n}"
    return name


def _package_parts(package: zipfile.ZipFile, titles: list[str]) -> None:
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    sheets = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                     f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                     for i in range(1, len(titles) + 1))
    package.writestr("[Content_Types].xml", (
        f'{head}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f'{sheets}</Types>'))
    package.writestr("_rels/.rels", (
        f'{head}<Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="rId1" '
        f'Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
    entries = "".join(f'<sheet name="{escape(t, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
                      for i, t in enumerate(titles, start=1))
    package.writestr("xl/workbook.xml", (
        f'{head}<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>{entries}</sheets></workbook>'))
    links = "".join(f'<Relationship Id="rId{i}" Type="{RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                    for i in range(1, len(titles) + 1))
    styles = len(titles) + 1
    package.writestr("xl/_rels/workbook.xml.rels", (
        f'{head}<Relationships xmlns="{PACKAGE_RELS}">{links}'
        f'<Relationship Id="rId{styles}" Type="{RELS}/styles" Target="styles.xml"/></Relationships>'))
    package.writestr("xl/styles.xml", STYLES)
