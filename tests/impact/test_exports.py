"""The funders' report as a page, an XLSX workbook and a PDF (read back with pypdf), in English and French."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from app.impact import pdf

PERIOD = "from=2030-01-01&to=2030-12-31"


def pdf_text(response) -> tuple[PdfReader, str]:
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, text.replace("\u00a0", " ").replace("\u202f", " ")


def workbook(response):
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(response.data))


def rows(sheet) -> list[tuple]:
    return [tuple(cell.value for cell in row) for row in sheet.iter_rows()]


def test_the_pdf_in_english_reads_back_with_the_period_and_the_figures(web, manager, world):
    response = web(manager).get(f"/reports/funders.pdf?{PERIOD}&lang=en")

    reader, text = pdf_text(response)
    assert "Funders' report" in text
    assert "Period: January 1, 2030 to December 31, 2030" in text
    assert "Projects per stage" in text and "Industrialisation" in text
    assert "Jobs created 3" in text
    assert "Revenue 2,000.5 MAD" in text
    assert "National fund MAD 500,000" in text
    assert "Mentoring hours delivered 2 hours" in text
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert 'filename="funders-report-2030-01-01-2030-12-31.pdf"' in response.headers["Content-Disposition"]


def test_the_pdf_in_french_reads_back_in_french(web, manager, world):
    response = web(manager).get(f"/reports/funders.pdf?{PERIOD}&lang=fr")

    reader, text = pdf_text(response)
    assert "1 janvier 2030" in text and "31 décembre 2030" in text
    assert "Idée" in text and "Industrialisation" in text  # the workflow's own French labels
    assert "Fonds national MAD 500 000" in text
    assert "2 000,5" in text and "2,000.5" not in text
    assert "January" not in text
    assert reader.trailer["/Root"]["/Lang"] == "fr"


def test_the_pdf_filters_show_the_pole(web, manager, world):
    _, text = pdf_text(web(manager).get(f"/reports/funders.pdf?{PERIOD}&pole=software_packages&lang=en"))

    assert "Pole: Software packages" in text


def test_the_xlsx_in_english_keeps_numbers_numeric(web, manager, world):
    book = workbook(web(manager).get(f"/reports/funders.xlsx?{PERIOD}&lang=en"))

    assert book.sheetnames == ["Key figures", "Projects per stage", "Projects by status at the end",
                               "Reported figures (KPI reports)", "Money raised, by source",
                               "Projects still alive"]
    summary = {row[0]: row[1] for row in rows(book["Key figures"])[1:]}
    assert summary["Jobs created"] == 3 and summary["Gates passed"] == 2 and summary["New projects"] == 1
    stages = rows(book["Projects per stage"])
    assert stages[0] == ("Path", "Stage", "At the start", "Entered", "Left", "At the end", "In progress at the end",
                         "Gates passed")
    assert ("Innovation path", "Idea", 1, 2, 1, 2, 2, 1) in stages
    assert ("Business angels", "MAD", 250000, 2, 2) in rows(book["Money raised, by source"])
    assert ("after 1 year(s)", 5, 4, 0.8) in rows(book["Projects still alive"])


def test_the_xlsx_in_french_has_french_labels(web, manager, world):
    book = workbook(web(manager).get(f"/reports/funders.xlsx?{PERIOD}&lang=fr"))

    stages = rows(book[book.sheetnames[1]])
    assert ("Parcours d'innovation", "Idée", 1, 2, 1, 2, 2, 1) in stages
    assert ("Fonds national", "MAD", 500000, 1, 1) in rows(book[book.sheetnames[4]])


def test_the_arabic_workbook_reads_right_to_left(app, web, manager, world):
    app.config["LANGUAGES"] = ("fr", "en", "ar")

    arabic = workbook(web(manager).get(f"/reports/funders.xlsx?{PERIOD}&lang=ar"))
    french = workbook(web(manager).get(f"/reports/funders.xlsx?{PERIOD}&lang=fr"))

    assert all(sheet.sheet_view.rightToLeft for sheet in arabic.worksheets)
    assert not any(sheet.sheet_view.rightToLeft for sheet in french.worksheets)


def test_the_page_shows_the_tables_and_links_both_languages(web, manager, world):
    html = web(manager).get(f"/reports/funders?{PERIOD}").get_data(as_text=True)

    assert "<h1>Funders&#39; report</h1>" in html or "<h1>Funders' report</h1>" in html
    assert "/reports/funders.pdf?lang=fr&amp;from=2030-01-01&amp;to=2030-12-31" in html
    assert "/reports/funders.xlsx?lang=en&amp;from=2030-01-01&amp;to=2030-12-31" in html
    assert "Projects per stage and their moves" in html  # the funnel chart's title
    assert "Money raised, by source" in html


@pytest.mark.parametrize("path", ["/reports/funders", "/reports/funders.pdf", "/reports/funders.xlsx"])
def test_only_managers_get_the_report(web, founder, mentor, path):
    assert web(founder).get(path).status_code == 403
    assert web(mentor).get(path).status_code == 403


@pytest.mark.parametrize("query", ["from=yesterday", "from=2030-02-01&to=2030-01-01", "cohort=twenty",
                                   "lang=de"])
def test_a_malformed_query_is_400(web, manager, query):
    assert web(manager).get(f"/reports/funders.pdf?{query}").status_code == 400


def test_the_managers_menu_links_the_report(web, manager, founder):
    assert 'href="/reports/funders"' in web(manager).get("/projects").get_data(as_text=True)
    assert 'href="/reports/funders"' not in web(founder).get("/projects").get_data(as_text=True)


def test_the_french_pdf_prints_accents_in_its_headings(web, manager, world):
    _, text = pdf_text(web(manager).get(f"/reports/funders.pdf?{PERIOD}&lang=fr"))

    assert "Étape" in text and "Fonds levés par source" in text and "Parcours d'innovation" in text


@pytest.mark.parametrize("given", ["Équipe", "1\u202f200,5 MAD", "a → b ≥ c", "coût “net” œuvre",
                                   "منصة الدفع الرقمي"])
def test_every_character_prints_as_it_is(given):
    """One Unicode font for every language: nothing is replaced by "?" or an ASCII stand-in."""
    body = pdf.render(title="Rapport", subtitle=[], tables=[("Projets", ["Nom", "Valeur"], [[given, 1]])],
                      footer="Parcours", language="fr")

    text = PdfReader(io.BytesIO(body)).pages[0].extract_text()
    assert given in text


# Charts and the cluster's name --------------------------------------------------------------


@pytest.mark.parametrize("lang, titles", [
    ("en", ["Projects per stage and their moves", "Money raised by source (MAD)", "Jobs created per quarter",
            "Revenue per quarter (MAD)"]),
    ("fr", ["Projets par étape et leurs mouvements", "Fonds levés par source (MAD)", "Emplois créés par trimestre",
            "Chiffre d'affaires par trimestre (MAD)"]),
])
def test_the_pdf_has_the_charts_and_the_cluster_name_on_every_page(web, manager, world, app, lang, titles):
    app.config["CLUSTER_NAME"] = "Technopark Cluster"

    reader, text = pdf_text(web(manager).get(f"/reports/funders.pdf?{PERIOD}&lang={lang}"))

    assert len(reader.pages) > 1
    assert all("Technopark Cluster" in page.extract_text() for page in reader.pages)
    assert all(title in text for title in titles)
    assert ("Q1 2030" if lang == "en" else "T1 2030") in text


def test_the_pdf_prints_the_configured_logo(web, manager, world, app, tmp_path):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (40, 20), (11, 92, 173)).save(logo)
    app.config["CLUSTER_LOGO"] = str(logo)

    with_logo = web(manager).get(f"/reports/funders.pdf?{PERIOD}&lang=en").data
    app.config["CLUSTER_LOGO"] = str(tmp_path / "missing.png")
    without = web(manager).get(f"/reports/funders.pdf?{PERIOD}&lang=en")

    assert without.status_code == 200  # a missing file leaves the name alone
    assert b"/Subtype /Image" in with_logo and b"/Subtype /Image" not in without.data


def test_the_page_draws_the_charts_as_svg(web, manager, world):
    html = web(manager).get(f"/reports/funders?{PERIOD}", headers={"Accept-Language": "en"}).get_data(as_text=True)

    charts = html[html.index("data-funder-charts"):]
    for key in ("funnel", "money", "jobs", "revenue"):
        assert f'data-chart="{key}"><svg' in charts
    assert "<title id=\"funders-money-title\">Money raised by source (MAD)</title>" in charts
