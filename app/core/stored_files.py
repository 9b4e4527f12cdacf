"""Files people send (pitch decks, deliverables' evidence), kept outside the web root.

A file is stored under a new random name (`<32 hex>.<extension>`): nothing the sender wrote ever
becomes part of a path; their file name is kept in the database for display and as the download's
name. It is written whole or not at all (a `.part` file renamed once synced), never over another.
Domain code: no Flask.
"""

from __future__ import annotations

import os
import re
import secrets
import unicodedata
from pathlib import Path

from app.core.errors import DomainError
from app.core.errors import NotFound
from app.core.i18n import _l

STORAGE_NAME = re.compile(r"[0-9a-f]{32}\.[a-z]{3,4}")
FILENAME_MAX = 200


class FileTooLarge(DomainError):
    """A file over its limit; `field` names the form's field that carried it (subclasses set `code`)."""

    field = "file"

    def __init__(self, max_bytes: int) -> None:
        mb = max_bytes / (1024 * 1024)
        message = _l("The file is too large: at most %(mb)s MB.", mb=f"{mb:g}")
        super().__init__(message, **{self.field: [message]})


def new_storage_name(extension: str) -> str:
    """`<32 random hex>.<extension>` (`extension` with its dot, e.g. ".pdf")."""
    return f"{secrets.token_hex(16)}{extension}"


def write(directory: Path, name: str, data: bytes) -> None:
    """Write the bytes as `name` in `directory`, whole or not at all."""
    directory.mkdir(parents=True, exist_ok=True)
    partial = directory / f"{name}.part"
    with open(partial, "xb") as out:  # "x": never overwrite anything
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, directory / name)


def path_of(directory: Path, storage_name: str | None) -> Path:
    """The stored file; refuses any name that is not one of ours (no traversal)."""
    if not STORAGE_NAME.fullmatch(storage_name or ""):
        raise NotFound(_l("No such file."))
    root = directory.resolve()
    path = (root / storage_name).resolve()
    if path.parent != root or not path.is_file():
        raise NotFound(_l("No such file."))
    return path


def discard(directory: Path, storage_name: str | None) -> None:
    """Delete a stored file (after the commit that dropped or replaced its row); a missing file is fine."""
    if storage_name and STORAGE_NAME.fullmatch(storage_name):
        (directory.resolve() / storage_name).unlink(missing_ok=True)


def harmless_name(name: str | None) -> str:
    """The sender's file name made harmless for display: its last path part, printable, no quotes."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", name or ""))[-1]
    return "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|:*?').strip(" .")
