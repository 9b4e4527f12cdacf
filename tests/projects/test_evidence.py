"""Deliverables carry evidence: files checked by content and served as downloads only, http(s) links,
their history, who may add and remove them, and the gate decision that keeps what it saw."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.core.errors import Conflict
from app.core.errors import Forbidden
from app.core.errors import ValidationFailed
from app.projects import evidence
from app.projects import queries
from app.projects import services
from app.projects.models import DeliverableEvidence
from app.projects.models import GateDecision

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def zipped(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def ooxml(folder: str) -> bytes:
    return zipped({"[Content_Types].xml": b"<Types/>", f"{folder}/document.xml": b"<x/>"})


def odf(kind: str) -> bytes:
    return zipped({"mimetype": f"application/vnd.oasis.opendocument.{kind}".encode(), "content.xml": b"<x/>"})


@pytest.fixture(autouse=True)
def uploads(app, tmp_path):
    """Each test stores evidence in its own folder."""
    app.config["UPLOADS_DIR"] = str(tmp_path / "uploads")
    return tmp_path / "uploads" / "evidence"


# The file check, by content ---------------------------------------------------------------------


@pytest.mark.parametrize("data, kind", [
    (PDF, "pdf"), (PNG, "png"), (JPEG, "jpeg"), (ooxml("word"), "docx"), (ooxml("xl"), "xlsx"),
    (ooxml("ppt"), "pptx"), (odf("text"), "odt"), (odf("spreadsheet"), "ods"), (odf("presentation"), "odp"),
])
def test_accepted_files_are_recognised_by_their_content(data, kind):
    checked = evidence.check_file(data, "whatever.bin")

    assert checked.type == evidence.FILE_TYPES[kind]
    assert checked.filename == "whatever.bin" + evidence.FILE_TYPES[kind].extension


@pytest.mark.parametrize("data", [
    b"MZ\x90\x00\x03 a Windows program", b"<html><script>alert(1)</script></html>", b"just text",
    zipped({"readme.txt": b"a plain zip"}), zipped({"mimetype": b"application/epub+zip"}), b"PK\x03\x04 broken",
])
def test_other_files_are_refused_whatever_their_name(data):
    with pytest.raises(ValidationFailed) as refused:
        evidence.check_file(data, "report.pdf")

    assert list(refused.value.errors) == ["file"]


def test_a_file_name_is_cleaned_and_takes_its_types_extension():
    assert evidence.check_file(PDF, "../../etc/Plan d'affaires.PDF").filename == "Plan d'affaires.pdf"
    assert evidence.check_file(PNG, "photo.jpeg").filename == "photo.png"
    assert evidence.check_file(PDF, "").filename == "evidence.pdf"


def test_a_file_over_the_limit_is_too_large():
    with pytest.raises(evidence.EvidenceTooLarge) as refused:
        evidence.check_file(PDF + b"x" * 100, "big.pdf", max_bytes=50)

    assert list(refused.value.errors) == ["file"]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/x", "example.org", "https://",
                                 "https://exa mple.org", "data:text/html,hi", ""])
def test_only_http_and_https_links_are_accepted(url):
    with pytest.raises(ValidationFailed) as refused:
        evidence.check_url(url)

    assert list(refused.value.errors) == ["url"]


def test_stored_files_are_found_only_by_their_own_names(tmp_path):
    with pytest.raises(Exception):  # noqa: B017 - NotFound, whatever the way in
        evidence.path_of(tmp_path, "../secret.pdf")
    with pytest.raises(Exception):  # noqa: B017
        evidence.path_of(tmp_path, "0" * 32 + ".pdf")


# Through the API ----------------------------------------------------------------------------------


def evidence_path(project, key="problem_statement") -> str:
    return f"/api/v1/projects/{project.id}/deliverables/{key}/evidence"


def upload(client_api, project, data=PDF, name="plan.pdf", key="problem_statement", comment="Signed version"):
    return client_api.client.post(evidence_path(project, key), headers=client_api.headers,
                                  data={"file": (io.BytesIO(data), name), "comment": comment},
                                  content_type="multipart/form-data")


def test_a_founder_attaches_a_file_stored_under_a_random_name(api, session, make_project, founder, uploads):
    project = make_project()
    version = project.version

    response = upload(api(founder), project)

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert {"id", "kind", "name", "at"} <= set(body)
    assert (body["kind"], body["name"], body["comment"]) == ("file", "plan.pdf", "Signed version")
    assert body["by"] == {"id": founder.id, "name": founder.name}
    row = session.get(DeliverableEvidence, body["id"])
    assert (row.stage, row.deliverable_key, row.size_bytes, row.content_type) == (
        "idea", "problem_statement", len(PDF), "application/pdf")
    assert (uploads / row.storage_name).read_bytes() == PDF
    assert "plan" not in row.storage_name
    session.refresh(project)
    assert project.version > version  # what a gate decision sees changed


def test_a_founder_adds_a_link_listed_in_the_projects_deliverables(api, make_project, founder):
    project = make_project()
    founder_api = api(founder)

    response = founder_api.post(evidence_path(project, "team_formed"),
                                json={"url": "https://example.org/team", "comment": "Our page"})

    assert response.status_code == 201, response.get_json()
    assert (response.get_json()["kind"], response.get_json()["name"]) == ("link", "https://example.org/team")
    upload(founder_api, project)
    deliverables = {d["key"]: d for d in founder_api.get(f"/api/v1/projects/{project.id}").get_json()["deliverables"]}
    (link,) = deliverables["team_formed"]["evidence"]
    assert (link["url"], link["download_url"], link["comment"]) == ("https://example.org/team", None, "Our page")
    (document,) = deliverables["problem_statement"]["evidence"]
    assert document["url"] is None
    assert document["download_url"].endswith(f"/deliverables/problem_statement/evidence/{document['id']}")
    assert deliverables["market_sketch"]["evidence"] == []


@pytest.mark.parametrize("body, field", [
    ({"url": "javascript:alert(1)"}, "url"),
    ({"url": "https://example.org", "unknown": 1}, "unknown"),
])
def test_a_bad_link_is_a_422_naming_the_field(api, make_project, founder, body, field):
    response = api(founder).post(evidence_path(make_project()), json=body)

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert field in response.get_json()["errors"]


def test_a_file_of_another_type_is_a_422_naming_the_file(api, session, make_project, founder, uploads):
    response = upload(api(founder), make_project(), data=b"MZ\x90\x00 program", name="plan.pdf")

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert list(response.get_json()["errors"]) == ["file"]
    assert session.scalar(select(func.count(DeliverableEvidence.id))) == 0
    assert not uploads.exists() or list(uploads.iterdir()) == []


def test_a_multipart_body_without_a_file_is_a_422(api, make_project, founder):
    founder_api = api(founder)
    response = founder_api.client.post(evidence_path(make_project()), headers=founder_api.headers,
                                       data={"comment": "no file"}, content_type="multipart/form-data")

    assert response.status_code == 422 and list(response.get_json()["errors"]) == ["file"]


@pytest.mark.parametrize("size", [200, 100_000])  # over the limit by a little (checked) or a lot (the body)
def test_a_file_over_the_configured_limit_is_a_413(app, api, session, make_project, founder, size):
    app.config["EVIDENCE_MAX_BYTES"] = 100
    response = upload(api(founder), make_project(), data=PDF + b"x" * size)

    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"
    assert session.scalar(select(func.count(DeliverableEvidence.id))) == 0


def test_evidence_is_downloaded_as_an_attachment_never_inline(api, make_project, founder, mentor, assign):
    project = make_project()
    assign(project, mentor)
    created = upload(api(founder), project, data=PNG, name="screen.png").get_json()

    response = api(mentor).get(created["download_url"])

    assert response.status_code == 200
    assert response.get_data() == PNG
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "screen.png" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "image/png"


def test_a_stranger_neither_adds_nor_downloads_evidence(api, make_project, founder, other_founder):
    project = make_project()
    created = upload(api(founder), project).get_json()
    stranger = api(other_founder)

    assert upload(stranger, project).status_code == 404
    assert stranger.post(evidence_path(project), json={"url": "https://example.org"}).status_code == 404
    assert stranger.get(created["download_url"]).status_code == 404
    assert stranger.delete(created["download_url"]).status_code == 404


def test_an_assigned_mentor_sees_evidence_but_does_not_add_it(api, make_project, mentor, assign):
    project = make_project()
    assign(project, mentor)

    response = api(mentor).post(evidence_path(project), json={"url": "https://example.org"})

    assert response.status_code == 403


def test_an_unknown_deliverable_is_a_404(api, make_project, founder):
    response = api(founder).post(evidence_path(make_project(), "export_plan"), json={"url": "https://example.org"})

    assert response.status_code == 404


def test_the_adder_and_managers_remove_evidence_and_its_file_goes(api, session, make_project, founder, manager,
                                                                    make_user, uploads):
    project = make_project()
    created = upload(api(founder), project).get_json()
    stored = session.get(DeliverableEvidence, created["id"]).storage_name

    response = api(manager).delete(created["download_url"])

    assert response.status_code == 204
    assert session.get(DeliverableEvidence, created["id"]) is None
    assert not (uploads / stored).exists()
    history = queries.list_history(session, project)
    assert [(h.event, h.subject) for h in history[-2:]] == [("evidence_added", "problem_statement"),
                                                            ("evidence_removed", "problem_statement")]


def test_another_member_does_not_remove_what_a_cofounder_added(session, make_project, founder, make_user, now):
    from app.projects.models import ProjectMember

    project = make_project()
    cofounder = make_user("founder")
    project.members.append(ProjectMember(user_id=cofounder.id))
    session.flush()
    row = evidence.add_link(session, project, "team_formed", url="https://example.org", comment="", actor=founder,
                            now=now)

    with pytest.raises(Forbidden):
        evidence.remove(session, project, row, actor=cofounder, now=now)


# History and the gate decision ---------------------------------------------------------------------


def test_ticking_unticking_and_attaching_are_history(session, make_project, founder, now, uploads):
    project = make_project()
    services.set_deliverable(session, project, "problem_statement", done=True, actor=founder, now=now)
    services.set_deliverable(session, project, "problem_statement", done=True, actor=founder, now=now)  # no change
    services.set_deliverable(session, project, "problem_statement", done=False, actor=founder, now=now)
    evidence.add_file(session, project, "problem_statement", data=PDF, filename="p.pdf", comment="v1",
                      actor=founder, now=now, directory=uploads)

    lines = [(h.event, h.subject, h.from_stage, h.to_stage, h.comment) for h in queries.list_history(session, project)]

    assert lines[1:] == [("deliverable_done", "problem_statement", "idea", "idea", ""),
                         ("deliverable_undone", "problem_statement", "idea", "idea", ""),
                         ("evidence_added", "problem_statement", "idea", "idea", "p.pdf — v1")]


def test_the_history_api_names_the_deliverable_of_each_line(api, make_project, founder):
    project = make_project()
    founder_api = api(founder)
    founder_api.put(f"/api/v1/projects/{project.id}/deliverables/team_formed", json={"done": True})

    items = founder_api.get(f"/api/v1/projects/{project.id}/history").get_json()["items"]

    assert [(i["event"], i["subject"]) for i in items] == [("create", None), ("deliverable_done", "team_formed")]


def test_the_gate_decision_keeps_the_evidence_it_saw_and_that_evidence_stays(
        session, make_project, founder, manager, tick_all, now, uploads):
    project = make_project()
    tick_all(project, manager)
    document = evidence.add_file(session, project, "problem_statement", data=PDF, filename="p.pdf", comment="",
                                 actor=founder, now=now, directory=uploads)
    link = evidence.add_link(session, project, "team_formed", url="https://example.org/t", comment="", actor=founder,
                             now=now)
    services.fire_event(session, project, "approve_gate", actor=manager, now=now, version=project.version)
    later = evidence.add_link(session, project, "market_sketch", url="https://example.org/m", comment="",
                              actor=founder, now=now.replace(year=now.year + 1))
    session.commit()

    decision = session.scalars(select(GateDecision)).one()
    assert decision.evidence == [
        {"id": document.id, "deliverable": "problem_statement", "kind": "file", "name": "p.pdf"},
        {"id": link.id, "deliverable": "team_formed", "kind": "link", "name": "https://example.org/t"}]
    with pytest.raises(Conflict):
        evidence.remove(session, project, document, actor=manager, now=now)
    session.rollback()
    evidence.remove(session, project, later, actor=founder, now=now.replace(year=now.year + 1))  # not seen: goes


# The pages (no JavaScript needed) -----------------------------------------------------------------


def test_the_project_page_lists_evidence_and_takes_a_file_and_a_link(client, login_as, session, make_project,
                                                                      founder, uploads):
    project = make_project()
    login_as(founder)

    sent = client.post(f"/projects/{project.id}/deliverables/problem_statement/evidence",
                       data={"file": (io.BytesIO(PDF), "plan.pdf"), "comment": "First draft"},
                       content_type="multipart/form-data")
    linked = client.post(f"/projects/{project.id}/deliverables/team_formed/evidence",
                         data={"url": "https://example.org/team", "comment": ""})
    refused = client.post(f"/projects/{project.id}/deliverables/team_formed/evidence",
                          data={"url": "javascript:alert(1)"}, follow_redirects=True)

    assert sent.status_code == 302 and sent.headers["Location"].endswith("#evidence-problem_statement")
    assert linked.status_code == 302
    assert "Give a web address starting with http:// or https://." in refused.get_data(as_text=True)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    row = session.scalars(select(DeliverableEvidence).where(DeliverableEvidence.kind == "file")).one()
    assert f'href="/projects/{project.id}/evidence/{row.id}" download>plan.pdf</a>' in page
    assert 'href="https://example.org/team" rel="noopener noreferrer nofollow"' in page
    assert 'enctype="multipart/form-data"' in page
    download = client.get(f"/projects/{project.id}/evidence/{row.id}")
    assert download.headers["Content-Disposition"].startswith("attachment")
    removed = client.post(f"/projects/{project.id}/evidence/{row.id}/remove")
    assert removed.status_code == 302
    session.expire_all()
    assert session.scalar(select(func.count(DeliverableEvidence.id))) == 1  # the link stays


def test_a_stranger_gets_404_on_the_evidence_pages(client, login_as, session, make_project, founder, other_founder,
                                                   uploads, now):
    project = make_project()
    row = evidence.add_file(session, project, "problem_statement", data=PDF, filename="p.pdf", comment="",
                            actor=founder, now=now, directory=uploads)
    session.commit()
    login_as(other_founder)

    assert client.get(f"/projects/{project.id}/evidence/{row.id}").status_code == 404
    assert client.post(f"/projects/{project.id}/evidence/{row.id}/remove").status_code == 404
    assert client.post(f"/projects/{project.id}/deliverables/problem_statement/evidence",
                       data={"url": "https://example.org"}).status_code == 404


def test_the_history_tab_shows_the_evidence_a_decision_saw(client, login_as, session, make_project, founder, manager,
                                                           tick_all, now, uploads):
    project = make_project()
    tick_all(project, manager)
    evidence.add_file(session, project, "problem_statement", data=PDF, filename="plan.pdf", comment="",
                      actor=founder, now=now, directory=uploads)
    services.fire_event(session, project, "approve_gate", actor=manager, now=now, version=project.version)
    session.commit()

    page = login_as(founder).get(f"/projects/{project.id}/history").get_data(as_text=True)

    assert "Evidence seen" in page and "plan.pdf" in page
    assert f"Evidence added by {founder.name}: Problem statement" in page  # told in the past tense
