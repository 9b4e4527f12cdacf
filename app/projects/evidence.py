"""Evidence of deliverables: a file (PDF, office document, image) or an http(s) link, with a comment.

A file is accepted for what its bytes are, whatever its name or the browser says: the type is
read from its signature (and, for office documents, from the parts of the zip they are). It is
stored like a pitch deck (`app/calls/decks.py`): under a new random name in the evidence folder,
never a name the user sent; their file name is kept for display and as the download's name.
Adding or removing evidence writes a history line and bumps the project's version (what a gate
decision sees changed). Evidence a gate decision saw is kept. Domain code: no Flask.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from app.auth.models import User
from app.core import stored_files
from app.core.errors import Conflict
from app.core.errors import Forbidden
from app.core.errors import NotFound
from app.core.errors import ValidationFailed
from app.core.i18n import _l
from app.projects import permissions
from app.projects import queries
from app.projects import services
from app.projects.models import DeliverableEvidence
from app.projects.models import Project
from app.workflow.definition import FINAL_STATUSES

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
NAME_MAX = 200
URL_MAX = 2000
COMMENT_MAX = 2000


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str


#: What a file may be, by the name its content is recognised under.
FILE_TYPES = {
    "pdf": FileType(".pdf", "application/pdf"),
    "png": FileType(".png", "image/png"),
    "jpeg": FileType(".jpg", "image/jpeg"),
    "docx": FileType(".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": FileType(".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": FileType(".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "odt": FileType(".odt", "application/vnd.oasis.opendocument.text"),
    "ods": FileType(".ods", "application/vnd.oasis.opendocument.spreadsheet"),
    "odp": FileType(".odp", "application/vnd.oasis.opendocument.presentation"),
}
#: The first part of an OpenDocument zip, `mimetype`, names its type.
ODF_TYPES = {t.content_type: key for key, t in FILE_TYPES.items() if key in ("odt", "ods", "odp")}
#: The folder of each Office Open XML document's main part.
OOXML_PARTS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}


class EvidenceTooLarge(stored_files.FileTooLarge):
    code = "evidence_too_large"


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    filename: str
    type: FileType


def sniff(data: bytes) -> str | None:
    """The name of the accepted type these bytes are (see `FILE_TYPES`), or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 128:
                return ODF_TYPES.get(archive.read("mimetype").decode("ascii", "replace").strip())
            if "[Content_Types].xml" in names:
                return next((kind for folder, kind in OOXML_PARTS.items()
                             if any(n.startswith(folder) for n in names)), None)
    except (zipfile.BadZipFile, KeyError, RuntimeError, ValueError, NotImplementedError):
        return None
    return None


def clean_filename(name: str | None, file_type: FileType) -> str:
    """The user's file name made harmless for display, ending with its type's extension."""
    base = stored_files.harmless_name(name)
    stem, dot, extension = base.rpartition(".")
    if dot and f".{extension.lower()}" in {t.extension for t in FILE_TYPES.values()} | {".jpeg"}:
        base = stem
    base = base or "evidence"
    return base[:NAME_MAX - len(file_type.extension)] + file_type.extension


def check_file(data: bytes, filename: str | None, *, max_bytes: int = DEFAULT_MAX_BYTES) -> CheckedFile:
    """Accept a PDF, an office document or an image of at most `max_bytes`, judged by its content.

    :raises EvidenceTooLarge: over the limit (413).
    :raises ValidationFailed: empty, or not one of the accepted types (field `file`).
    """
    if len(data) > max_bytes:
        raise EvidenceTooLarge(max_bytes)
    if not data:
        raise ValidationFailed(_l("The file is empty."), file=[_l("The file is empty.")])
    kind = sniff(data)
    if kind is None:
        message = _l("This file is not a PDF, an office document (docx, xlsx, pptx, odt, ods, odp) nor an image "
                     "(png, jpeg).")
        raise ValidationFailed(message, file=[message])
    file_type = FILE_TYPES[kind]
    return CheckedFile(data=data, filename=clean_filename(filename, file_type), type=file_type)


def check_url(url: str | None) -> str:
    """Accept an absolute http or https address.

    :raises ValidationFailed: anything else (field `url`).
    """
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        valid = False
    if not valid or len(url) > URL_MAX or any(ch.isspace() or not ch.isprintable() for ch in url):
        message = _l("Give a web address starting with http:// or https://.")
        raise ValidationFailed(message, url=[message])
    return url


def check_comment(comment: str | None) -> str:
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationFailed(_l("The comment is too long."), comment=[_l("At most %(n)s characters.", n=COMMENT_MAX)])
    return comment


path_of = stored_files.path_of
discard = stored_files.discard


def _check_can_add(session: Session, project: Project, key: str, actor: User) -> None:
    if not permissions.can_edit(queries.relations(session, project, actor)):
        raise Forbidden(_l("Only the project's team and managers add evidence."))
    stage = services.definition_of(session, project).stage(project.stage)
    if stage.deliverable(key) is None:
        raise NotFound(_l("Stage “%(stage)s” has no deliverable “%(key)s”.", stage=stage.label, key=key))
    if project.status in FINAL_STATUSES:
        raise ValidationFailed(_l("The project is closed."), file=[_l("The project is closed.")])


def _added(session: Session, project: Project, row: DeliverableEvidence, *, actor: User,
           now: dt.datetime) -> DeliverableEvidence:
    session.add(row)
    services.record_history(session, project, "evidence_added", actor=actor, now=now, subject=row.deliverable_key,
                            comment=f"{row.name} — {row.comment}" if row.comment else row.name)
    _changed(project, now)
    services.flush_project(session)
    return row


def _changed(project: Project, now: dt.datetime) -> None:
    # What a gate decision would see changed: bump the version (as ticking does), so a decision
    # taken on the page read before is refused and re-read.
    project.updated_at = now
    flag_modified(project, "updated_at")


def add_file(session: Session, project: Project, key: str, *, data: bytes, filename: str | None, comment: str,
             actor: User, now: dt.datetime, directory: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> DeliverableEvidence:
    """Attach a file to a deliverable of the project's current stage (members and managers)."""
    _check_can_add(session, project, key, actor)
    checked = check_file(data, filename, max_bytes=max_bytes)
    row = DeliverableEvidence(
        project_id=project.id, stage=project.stage, deliverable_key=key, kind="file", name=checked.filename,
        storage_name=stored_files.new_storage_name(checked.type.extension), size_bytes=len(checked.data),
        content_type=checked.type.content_type, comment=check_comment(comment), added_by_id=actor.id, added_at=now)
    _added(session, project, row, actor=actor, now=now)
    # Written once the rows are flushed (a refused write leaves no file behind), under the row's name.
    stored_files.write(directory, row.storage_name, checked.data)
    return row


def add_link(session: Session, project: Project, key: str, *, url: str, comment: str, actor: User,
             now: dt.datetime) -> DeliverableEvidence:
    """Attach an http(s) link to a deliverable of the project's current stage (members and managers)."""
    _check_can_add(session, project, key, actor)
    url = check_url(url)
    row = DeliverableEvidence(project_id=project.id, stage=project.stage, deliverable_key=key, kind="link",
                              name=url[:NAME_MAX], url=url, comment=check_comment(comment), added_by_id=actor.id,
                              added_at=now)
    return _added(session, project, row, actor=actor, now=now)


def remove(session: Session, project: Project, evidence: DeliverableEvidence, *, actor: User,
           now: dt.datetime) -> str | None:
    """Remove evidence (the person who added it while on the team, or a manager), unless a gate
    decision saw it; return the stored file's name, to discard once the removal is committed."""
    if not permissions.can_remove_evidence(queries.relations(session, project, actor), evidence.added_by_id, actor.id):
        raise Forbidden(_l("Only the person who added it and managers remove evidence."))
    if project.status in FINAL_STATUSES:
        raise ValidationFailed(_l("The project is closed."), file=[_l("The project is closed.")])
    if queries.evidence_was_seen(session, evidence):
        raise Conflict(_l("A gate decision saw this evidence: it is kept."))
    services.record_history(session, project, "evidence_removed", actor=actor, now=now,
                            subject=evidence.deliverable_key, comment=evidence.name)
    storage_name = evidence.storage_name
    session.delete(evidence)
    _changed(project, now)
    services.flush_project(session)
    return storage_name
