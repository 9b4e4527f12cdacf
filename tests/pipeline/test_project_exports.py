"""`/projects.csv` and `/projects.xlsx`: one row per project, in the reader's language, the list's filters,
and a CSV that French Excel opens as it is (byte order mark, `;`, decimal comma)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.cluster import services as cluster_services
from app.pipeline import exports
from app.pipeline.roster import iter_roster
from app.projects.queries import ProjectFilters
from app.projects.queries import select_projects

BOM = b"\xef\xbb\xbf"


def read_csv(response, delimiter: str) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith(BOM)
    return list(csv.reader(io.StringIO(body[len(BOM):].decode("utf-8")), delimiter=delimiter))


@pytest.fixture
def funded(session, make_project, founder, now):
    project = make_project(name="Atlas Drones")
    cluster_services.save_funding(session, project, None, actor=founder, now=now, source="grant",
                                  amount="1234.50", currency="MAD", status="granted", decided_on=now.date())
    session.commit()
    return project


def test_french_excel_reads_a_bom_semicolons_and_decimal_commas(make_user, login_as, client, funded):
    login_as(make_user("manager", locale="fr"))

    response = client.get("/projects.csv")

    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="projects.csv"'
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # one charset, not two
    header, row = read_csv(response, ";")
    assert header[:6] == ["Nom", "Pôle", "Parcours", "Étape", "Statut", "Jours dans l'étape"]
    assert header[12] == "Financement accordé (MAD)"
    assert row[0] == "Atlas Drones" and row[3] == "Idée" and row[4] == "actif"
    assert row[6] == funded.members[0].user.name
    assert row[12] == "1234,50"


def test_english_gets_commas_and_a_decimal_point(make_user, login_as, client, funded):
    login_as(make_user("manager", locale="en"))

    header, row = read_csv(client.get("/projects.csv"), ",")

    assert header[0] == "Name" and header[9] == "Label" and row[3] == "Idea" and row[12] == "1234.50"
    # the separator a reader's spreadsheet expects can be chosen
    assert read_csv(client.get("/projects.csv?sep=semicolon"), ";")[1][12] == "1234.50"


def test_a_name_cannot_become_a_formula(make_user, login_as, client, make_project):
    make_project(name="=HYPERLINK(\"http://evil\")")
    login_as(make_user("manager"))

    _header, row = read_csv(client.get("/projects.csv"), ",")
    sheet = load_workbook(io.BytesIO(client.get("/projects.xlsx").get_data())).active

    assert row[0] == "'=HYPERLINK(\"http://evil\")"
    assert sheet["A2"].value == "'=HYPERLINK(\"http://evil\")"


def test_the_list_filters_and_scope_apply(make_user, login_as, client, make_project, founder):
    make_project(name="Multimedia one", pole="multimedia")
    make_project(name="Other pole", pole="mobile_services", owner=make_user("founder"))
    login_as(make_user("manager"))

    rows = read_csv(client.get("/projects.csv?pole=multimedia"), ",")[1:]
    assert [r[0] for r in rows] == ["Multimedia one"]
    assert [r[0] for r in read_csv(client.get("/projects.csv?q=other"), ",")[1:]] == ["Other pole"]
    assert client.get("/projects.csv?cohort=x").status_code == 400

    client.post("/logout")
    login_as(founder)  # a founder's spreadsheet holds their projects only
    assert [r[0] for r in read_csv(client.get("/projects.csv"), ",")[1:]] == ["Multimedia one"]


def test_the_xlsx_keeps_numbers_and_dates_typed(make_user, login_as, client, funded):
    login_as(make_user("manager", locale="fr"))

    response = client.get("/projects.xlsx")

    sheet = load_workbook(io.BytesIO(response.get_data())).active
    header, row = [c.value for c in sheet[1]], [c.value for c in sheet[2]]
    assert header[0] == "Nom" and row[0] == "Atlas Drones"
    assert isinstance(row[5], int) and float(row[12]) == 1234.5


def test_the_rows_come_in_chunks_with_every_field(session, manager, make_project, mentor, assign, now):
    projects = [make_project(name=f"P{i}") for i in range(5)]
    assign(projects[0], mentor)

    rows = list(iter_roster(session, select_projects(manager, ProjectFilters(), "name"), now=now, chunk=2))

    assert [r.name for r in rows] == ["P0", "P1", "P2", "P3", "P4"]
    assert rows[0].mentors == (mentor.name,) and rows[1].mentors == ()
    assert rows[0].days_in_stage == 0 and rows[0].funding.by_currency == {}


def test_pipeline_exports_speak_the_readers_language(make_user, login_as, client, make_project, session):
    make_project(name="Atlas")
    login_as(make_user("manager", locale="fr"))

    text = client.get("/pipeline.csv").get_data().decode("utf-8-sig")

    assert text.splitlines()[0] == "Étapes"
    assert text.splitlines()[1].startswith("Parcours;Étape;Projets;")
    assert "True" not in text and "False" not in text and "innovation_path" not in text


def test_a_cell_is_written_for_the_reader():
    fr, en = exports.Dialect.of("fr"), exports.Dialect.of("en")

    assert (fr.delimiter, en.delimiter) == (";", ",")
    assert exports.text(12.5, "fr") == "12,5" and exports.text(dt.date(2026, 11, 28), "fr") == "28 nov. 2026"
    assert exports.text(None, "en") == "" and exports.text("-1", "en") == "'-1"


def test_the_list_links_its_spreadsheets_with_its_filters(make_user, login_as, client):
    login_as(make_user("manager"))

    page = client.get("/projects?pole=multimedia").get_data(as_text=True)

    assert 'href="/projects.csv?pole=multimedia"' in page and 'href="/projects.xlsx?pole=multimedia"' in page


def test_arabic_is_written_the_moroccan_way_in_a_csv():
    """ar_MA (the locale that formats Arabic) writes decimals with a comma: `;` between fields, as in French."""
    assert exports.Dialect.of("ar_MA") == exports.Dialect("ar_MA", ";")
    assert exports.text(Decimal("1234.5"), "ar_MA") == "1234,50"
    assert exports.Dialect.of("ar").delimiter == ","  # Babel's plain `ar` has a decimal point


def test_an_arabic_reader_gets_a_right_to_left_workbook_and_a_consistent_csv(make_user, login_as, client, funded):
    login_as(make_user("manager", locale="ar"))

    sheet = load_workbook(io.BytesIO(client.get("/projects.xlsx").get_data())).active
    assert sheet.sheet_view.rightToLeft is True
    assert sheet.cell(2, 1).value == "Atlas Drones"
    text = client.get("/projects.csv").get_data()[len(BOM):].decode("utf-8")
    delimiter = ";" if text.splitlines()[0].count(";") == 13 else ","
    header, row = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    assert len(header) == 14 and row[12] == ("1234,50" if delimiter == ";" else "1234.50")


def test_a_french_workbook_stays_left_to_right(make_user, login_as, client, funded):
    login_as(make_user("manager", locale="fr"))

    sheet = load_workbook(io.BytesIO(client.get("/projects.xlsx").get_data())).active
    assert not sheet.sheet_view.rightToLeft


def test_a_workbook_keeps_cells_typed_text_as_text_and_names_excel_accepts():
    rows = [["=HYPERLINK(\"http://x\")", dt.date(2026, 11, 28), dt.datetime(2026, 11, 28, 9, 30, tzinfo=dt.UTC),
             Decimal("1234.50"), 7, None, True, "http://example.org", "0612"]]
    header = ["Name", "Day", "At", "Amount", "Count", "Empty", "Done", "Link", "Phone"]

    book = load_workbook(io.BytesIO(exports.to_xlsx([("Projects: [all]", header, rows),
                                                     ("Projects: [all]", ["x"], [])])))

    assert book.sheetnames == ["Projects   all", "Projects   all 2"]
    values = [c.value for c in book.worksheets[0][2]]
    assert values[0] == "'=HYPERLINK(\"http://x\")"  # never a formula
    assert values[1] == dt.datetime(2026, 11, 28) and values[2] == dt.datetime(2026, 11, 28, 9, 30)
    assert (float(values[3]), values[4], values[5]) == (1234.5, 7, None)
    assert values[7] == "http://example.org" and values[8] == "0612"  # text stays text
    assert book.worksheets[0].max_row == 2 and book.worksheets[1]["A1"].value == "x"
