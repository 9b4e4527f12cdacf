"""CSV and XLSX exports of exactly the tables the pipeline page shows."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from openpyxl import Workbook

from app.pipeline.queries import Pipeline

#: A cell starting with one of these is a formula to a spreadsheet: prefix it so it stays text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Neutralise spreadsheet formula injection in text cells."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def tables(p: Pipeline, labels: dict[str, str]) -> list[tuple[str, list[str], list[list]]]:
    """(title, header, rows) for each table of the page, in page order."""
    stages = [["workflow", "stage", "projects", "active", "stalled", "median days in stage (now)",
               "p90 days in stage (now)", "median days per stay (done)", "p90 days per stay (done)",
               "ever reached", "conversion from previous"]]
    for s in p.stages:
        stages.append([s.workflow, s.label, s.count, s.active, s.stalled, s.median_days_now, s.p90_days_now,
                       s.median_days_done, s.p90_days_done, s.reached, s.conversion])
    by_pole = [["workflow", "stage", *p.poles]] + [[s.workflow, s.label, *[s.by_pole.get(pole, 0) for pole in p.poles]]
                                                    for s in p.stages]
    stalled = [["project", "workflow", "stage", "days in stage", "too long in stage", "overdue check-in", "no mentor"]]
    stalled += [[x.name, x.workflow, x.stage, x.days_in_stage, x.too_long, x.overdue_checkin, x.no_mentor]
                for x in p.stalled]
    load = [["mentor", "active mentees", "capacity", "sessions 30 days", "sessions 90 days", "overdue check-ins"]]
    load += [[m.name, m.active, m.capacity, m.sessions_30, m.sessions_90, m.overdue_checkins] for m in p.mentor_load]
    return [(labels["stages"], stages[0], stages[1:]), (labels["by_pole"], by_pole[0], by_pole[1:]),
            (labels["stalled"], stalled[0], stalled[1:]), (labels["mentors"], load[0], load[1:])]


def to_csv(sections: Iterable[tuple[str, list[str], list[list]]]) -> str:
    """One CSV document: each table under its title, separated by a blank line."""
    out = io.StringIO()
    writer = csv.writer(out)
    for title, header, rows in sections:
        writer.writerow([safe_cell(title)])
        writer.writerow([safe_cell(h) for h in header])
        writer.writerows([[safe_cell(c) for c in row] for row in rows])
        writer.writerow([])
    return out.getvalue()


def to_xlsx(sections: Iterable[tuple[str, list[str], list[list]]]) -> bytes:
    """One worksheet per table."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header, rows in sections:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append([safe_cell(h) for h in header])
        for row in rows:
            sheet.append([safe_cell(c) for c in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
