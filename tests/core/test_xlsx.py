"""The streaming XLSX writer: what a spreadsheet reads back is what was written, typed."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from app.core.xlsx import column_letters
from app.core.xlsx import write_workbook


def test_cells_come_back_typed_escaped_and_in_place():
    out = io.BytesIO()
    rows = [["Name", "Day", "At", "Amount", "Count", "Empty", "Yes"],
            ["A & <B> \"c\"\x01", dt.date(2026, 11, 28), dt.datetime(2026, 11, 28, 9, 30, tzinfo=dt.UTC),
             Decimal("1234.50"), 7, None, True]]
    write_workbook([("Projects: [all]", iter(rows)), ("Projects: [all]", iter([["x"]]))], out)

    book = load_workbook(io.BytesIO(out.getvalue()))
    sheet = book.worksheets[0]
    values = [c.value for c in sheet[2]]
    assert book.sheetnames == ["Projects   all", "Projects   all 2"]
    assert values[0] == 'A & <B> "c"' and values[1] == dt.datetime(2026, 11, 28)
    assert values[2] == dt.datetime(2026, 11, 28, 9, 30) and float(values[3]) == 1234.5
    assert values[4] == 7 and values[5] is None and values[6] is True
    assert sheet["G2"].value is True and sheet.max_row == 2
    assert book.worksheets[1]["A1"].value == "x"


def test_column_letters_go_past_z():
    assert [column_letters(i) for i in (0, 25, 26, 51, 701, 702)] == ["A", "Z", "AA", "AZ", "ZZ", "AAA"]
