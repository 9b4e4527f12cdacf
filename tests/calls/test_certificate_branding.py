"""The label certificate carries the cluster's configured name (and logo, when one is configured)."""

from __future__ import annotations

import io

from PIL import Image
from pypdf import PdfReader

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
