"""The label certificate carries the cluster's configured name (and logo, when one is configured)."""

from __future__ import annotations

import io
import re
import unicodedata

from PIL import Image
from pypdf import PdfReader

from app.projects.models import Project
from tests.calls.test_decisions import labelled  # noqa: F401  (the labelled application's fixture)


def test_the_certificate_shows_the_clusters_name_and_logo(app, login_as, labelled, tmp_path):  # noqa: F811
    logo = tmp_path / "logo.png"
    Image.new("RGB", (30, 30), (11, 92, 173)).save(logo)
    app.config.update(CLUSTER_NAME="Technopark Cluster", CLUSTER_LOGO=str(logo))
    client = login_as(labelled.application.applicant)

    response = client.get(f"/labels/{labelled.label.number}.pdf", headers={"Accept-Language": "en"})

    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    assert "Technopark Cluster" in reader.pages[0].extract_text()
    assert b"/Subtype /Image" in response.data


def test_the_certificate_in_arabic_prints_the_arabic_names_and_puts_the_logo_at_the_right(
        app, session, login_as, labelled, tmp_path):  # noqa: F811
    """Shaped with HarfBuzz, the Arabic reads back as typed (NFKC folds any presentation form)."""
    logo = tmp_path / "logo.png"
    Image.new("RGB", (30, 30), (11, 92, 173)).save(logo)
    app.config.update(LANGUAGES=("fr", "en", "ar"), CLUSTER_NAME="مجمع الابتكار الرقمي", CLUSTER_LOGO=str(logo))
    project = session.get(Project, labelled.project.id)
    project.name = "منصة الدفع الرقمي"
    session.commit()
    pages = {lang: certificate(session, login_as, labelled, lang) for lang in ("ar", "fr")}

    text = unicodedata.normalize("NFKC", pages["ar"].pages[0].extract_text())
    assert "منصة الدفع الرقمي" in text and "مجمع الابتكار الرقمي" in text
    assert pages["ar"].trailer["/Root"]["/Lang"] == "ar"
    assert "Certificat de labellisation" in pages["fr"].pages[0].extract_text()  # French accents and all
    width = float(pages["ar"].pages[0].mediabox.width)
    assert logo_x(pages["ar"]) > width / 2 > logo_x(pages["fr"])


def logo_x(reader) -> float:
    """Where the image is placed (its left edge, in points)."""
    stream = reader.pages[0].get_contents().get_data().decode("latin-1")
    return float(re.search(r"[\d.]+ 0 0 [\d.]+ ([\d.]+) [\d.]+ cm /I", stream).group(1))


def certificate(session, login_as, labelled, language: str) -> PdfReader:  # noqa: F811
    """The certificate as its applicant reads it, having chosen `language`."""
    applicant = session.merge(labelled.application.applicant)
    applicant.locale, applicant.has_chosen_locale = language, True
    session.commit()
    response = login_as(applicant).get(f"/labels/{labelled.label.number}.pdf")
    assert response.status_code == 200
    return PdfReader(io.BytesIO(response.data))
